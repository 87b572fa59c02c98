/**
 * The state vector's layout and initial values (src/model/state.ts), as data a
 * reviewer reads: where every named field lives (test/model/state.slots.txt),
 * what a fresh state holds before any step, and how a producer thread's block
 * answers for the locals it does not have.
 *
 * Much of this is decided when state.ts is loaded (the field accessors, the
 * locals' defaults, a producer's absent locals), so the module is imported
 * inside the first test, not at the top of the file: Stryker's per-test
 * coverage then credits that test with the load-time code and runs it against
 * its mutants (vitest.mutate.config.ts). Rewrite the golden with
 *   UPDATE_GOLDEN=1 npx vitest run test/model/state.layout.test.ts
 * and say in the commit why the layout changed.
 */
import { describe, expect, it } from 'vitest';
import { expectGolden } from './golden.js';

const load = () => import('../../src/model/state.js');

describe('state vector layout (state.ts)', () => {
  it('field accessors, locals defaults and a producer block are what the tables say (load time)', async () => {
    const S = await load();
    const layout = new S.Layout(4, 2, ['producer', 'full']);
    const s = S.emptyState(layout);

    // Each kind of field keeps its own width: a 32-bit mask is not read as one 16-bit word.
    for (const x of [0x10000, 0x1ffff, -1, 1 << 30]) {
      s.ghost.readIds = x;
      expect(s.ghost.readIds, 'a mask field keeps 32 bits').toBe(x);
    }
    s.sock.rx.frames[0].len = 300;
    expect(s.sock.rx.frames[0].len, 'a word field keeps 16 bits').toBe(300);

    // The locals whose "none" is -1 (a frame or message index) start at -1 in a full thread.
    const full = s.threads[1].l;
    expect({ skbFrame: full.skbFrame, fwdPos: full.fwdPos, rFrame: full.rFrame, txFrame: full.txFrame, vMsg: full.vMsg, aMsg: full.aMsg }).toEqual({
      skbFrame: -1, fwdPos: -1, rFrame: -1, txFrame: -1, vMsg: -1, aMsg: -1,
    });
    expect(S.LOCAL_DEFAULTS).toEqual({ skbFrame: -1, fwdPos: -1, rFrame: -1, txFrame: -1, vMsg: -1, aMsg: -1 });

    // A producer's block has no slot for a full thread's locals: they read as their
    // defaults (the same as a fresh full thread's), accept being reset to that default,
    // and refuse any other value by name.
    const prod = s.threads[0].l;
    expect(S.PRODUCER_LOCALS).not.toContain('rFrame');
    expect(prod.rFrame).toBe(-1);
    expect(prod.txNoIov).toBe(false);
    expect(prod.vMsg).toBe(-1);
    for (const [name] of S.LOCAL_FIELDS) {
      if (!S.PRODUCER_LOCALS.includes(name)) expect(prod[name], name).toBe(full[name]);
    }
    prod.rFrame = -1;
    prod.txNoIov = false;
    expect(() => (prod.rFrame = 2)).toThrow(new Error("a producer thread has no local 'rFrame' (state.ts PRODUCER_LOCALS); it cannot hold 2"));
    expect(() => (prod.txNoIov = true)).toThrow(new Error("a producer thread has no local 'txNoIov' (state.ts PRODUCER_LOCALS); it cannot hold true"));
    // Its own locals are real slots.
    prod.msg = 3;
    expect(prod.msg).toBe(3);

    // Accessors are fixed and listed: nothing can redefine a field, and for..in sees the
    // absent locals of a producer as it sees a full thread's.
    const proto = Object.getPrototypeOf(prod) as object;
    for (const name of ['rFrame', 'msg']) {
      const d = Object.getOwnPropertyDescriptor(proto, name);
      expect(d?.enumerable, `${name} enumerable`).toBe(true);
      expect(d?.configurable, `${name} configurable`).toBe(false);
    }
    const ghostField = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(s.ghost) as object, 'readIds');
    expect([ghostField?.enumerable, ghostField?.configurable]).toEqual([true, false]);
  });

  it('a fresh state has nothing noted, no frame store recorded, and no ring requested (emptyState)', async () => {
    const S = await load();
    const s = S.emptyState(new S.Layout(2, 1, ['full']));
    expect(s.ghost.last).toEqual({ kind: 'none', thread: -1, ring: -1, frame: -1, before: -1, after: -1, ownerBefore: -1, conforming: true });
    expect(S.noEvent()).toEqual(s.ghost.last);
    expect([s.ghost.note, s.ghost.noteThread, s.ghost.noteValue]).toEqual(['', -1, 0]);
    expect([s.sock.rx.req, s.sock.tx.req]).toEqual([-1, -1]);
  });

  it('removing from a full list that ends the vector keeps the fingerprint equal to one computed from scratch (IntList.removeAt)', async () => {
    const S = await load();
    const { rehash } = await import('../../src/model/zobrist.js');
    // With 3 RX frames the last thread's held list (a count and 3 frames) ends exactly at
    // the end of the vector: a shift that read one slot past it would store garbage there.
    const layout = new S.Layout(3, 2, ['full']);
    const s = S.emptyState(layout);
    const held = s.threads[0].l.held;
    const last = S.fieldSlots(layout).find((x) => x.path === 'threads[0].l.held')!;
    expect(last.at + last.bytes).toBe(layout.size);
    for (const f of [2, 0, 1]) held.push(f);
    expect(held.removeAt(0)).toBe(2);
    expect(held.toArray()).toEqual([0, 1]);
    const want = new Uint32Array(2);
    s.fingerprint(want);
    const h = new Int32Array(2);
    rehash(h, new Int8Array(s.units.buffer), new Int16Array(s.units.buffer), layout.wordStarts);
    expect(Array.from(new Uint32Array(h.buffer))).toEqual(Array.from(want));
  });

  it('every field, list and queue has the slot listed in test/model/state.slots.txt (fieldSlots)', async () => {
    const S = await load();
    // Two threads of each shape and rings of different sizes, so that an offset computed
    // from the wrong ring or shape shows.
    const layout = new S.Layout(3, 2, ['producer', 'full']);
    const slots = S.fieldSlots(layout);
    const lines = slots.map((x) => `${x.path} at ${x.at} bytes ${x.bytes}${x.word ? ' word' : ''}`);
    expectGolden(new URL('./state.slots.txt', import.meta.url), 'fieldSlots(new Layout(3 RX frames, 2 TX frames, [producer, full]))', lines);
    // Paths are unique, and the slots fill the vector without overlapping it or each other.
    expect(new Set(slots.map((x) => x.path)).size).toBe(slots.length);
    const end = Math.max(...slots.map((x) => x.at + x.bytes));
    expect(end).toBeLessThanOrEqual(layout.size);
    expect(layout.size - end).toBeLessThan(2);
  });
});
