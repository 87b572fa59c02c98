/**
 * The state vector (src/model/state.ts): every field kind round-trips at its
 * limits and refuses a value that does not fit with a RangeError naming the
 * field; the bounded lists (call stack, nm_len reads, held frames) and the
 * receive queue keep order and refuse a push at capacity; a producer thread's
 * absent locals read their default and refuse anything else; the transient
 * record is cleared; load keeps a known fingerprint; the plain snapshot and the
 * field table cover the producer block.
 */
import { describe, expect, it } from 'vitest';
import { cloneState, emptyState, fieldSlots, Layout, plainRing, plainState, State } from '../../src/model/state.js';
import { rehash } from '../../src/model/zobrist.js';
// Registers the spec's step labels.
import '../../src/model/spec.js';

const layout = new Layout(4, 2, ['producer', 'full']);
const fresh = (): State => emptyState(layout);
const tooBig = (name: string, x: number, bits: number): RangeError =>
  new RangeError(`state field ${name} = ${x} does not fit its ${bits}-bit slot of the state vector`);

describe('fields', () => {
  it('a byte field holds -128..127 and refuses 128 and -129', () => {
    const f = fresh().sock.rx.frames[1];
    for (const x of [-128, 127, 0]) {
      f.msg = x;
      expect(f.msg).toBe(x);
    }
    expect(() => (f.msg = 128)).toThrow(tooBig('msg', 128, 8));
    expect(() => (f.msg = -129)).toThrow(tooBig('msg', -129, 8));
  });
  it('a word field holds -32768..32767 and refuses 32768', () => {
    const f = fresh().sock.rx.frames[1];
    for (const x of [-32768, 32767]) {
      f.len = x;
      expect(f.len).toBe(x);
    }
    expect(() => (f.len = 32768)).toThrow(tooBig('len', 32768, 16));
  });
  it('a mask field holds any 32-bit integer and refuses 2^31 and fractions', () => {
    const s = fresh();
    for (const x of [-1, 0x7fffffff, 1 << 31, 0x10000, 0x1ffff]) {
      s.ghost.readIds = x;
      expect(s.ghost.readIds).toBe(x);
    }
    expect(() => (s.ghost.readIds = 2 ** 31)).toThrow(tooBig('readIds', 2 ** 31, 32));
    expect(() => (s.ghost.readIds = 0.5)).toThrow(tooBig('readIds', 0.5, 32));
  });
  it('a bool field holds true and false', () => {
    const s = fresh();
    s.threads[1].l.fullSeen = true;
    expect(s.threads[1].l.fullSeen).toBe(true);
    s.threads[1].l.fullSeen = false;
    expect(s.threads[1].l.fullSeen).toBe(false);
  });
  it('a thread pc round-trips by label and by id, in its own slot', () => {
    const s = fresh();
    s.threads[1].pc = 'send.copy-claim';
    expect(s.threads[1].pc).toBe('send.copy-claim');
    expect(s.threads[0].pc).toBe('done');
    s.threads[0].pcId = s.threads[1].pcId;
    expect(s.threads[0].pc).toBe('send.copy-claim');
  });
});

describe('bounded lists', () => {
  it('the call stack is LIFO, counts its entries, is empty as undefined, and holds at most 4 labels', () => {
    const st = fresh().threads[1].stack;
    expect(st.length).toBe(0);
    expect(st.pop()).toBeUndefined();
    expect(st.popId()).toBeUndefined();
    for (const l of ['send.copy-claim', 'send.copy-mark', 'done', 'send.attach']) st.push(l);
    expect(st.length).toBe(4);
    expect(() => st.push('done')).toThrow(new RangeError('state vector: call stack holds at most 4 values'));
    expect(st.toArray()).toEqual(['send.copy-claim', 'send.copy-mark', 'done', 'send.attach']);
    expect(st.pop()).toBe('send.attach');
    expect(st.pop()).toBe('done');
    expect(st.length).toBe(2);
  });
  it('nm_len reads are 16-bit values, at most 4', () => {
    const r = fresh().threads[1].l.txReads;
    r.push(32767);
    r.push(-32768);
    expect(() => r.push(32768)).toThrow(tooBig('nm_len reads', 32768, 16));
    r.push(1);
    r.push(2);
    expect(() => r.push(3)).toThrow(new RangeError('state vector: nm_len reads holds at most 4 values'));
    expect(r.toArray()).toEqual([32767, -32768, 1, 2]);
  });
  it('held frames are bytes, at most one per RX frame slot, sorted on insert; removeAt keeps the order of the rest', () => {
    const s = fresh();
    const h = s.threads[1].l.held;
    expect(() => h.push(128)).toThrow(tooBig('held frames', 128, 8));
    for (const x of [3, 1, 2, 2]) h.insertSorted(x);
    expect(h.toArray()).toEqual([1, 2, 2, 3]);
    expect(() => h.push(0)).toThrow(new RangeError('state vector: held frames holds at most 4 values'));
    expect(h.removeAt(3)).toBe(3);
    expect(h.removeAt(0)).toBe(1);
    expect(h.toArray()).toEqual([2, 2]);
    expect(h.at(1)).toBe(2);
    // The vacated slots are zero again: the same set encodes one way only.
    const t = fresh();
    t.threads[1].l.held.push(2);
    t.threads[1].l.held.push(2);
    expect(Array.from(s.units)).toEqual(Array.from(t.units));
    h.clear();
    expect(Array.from(s.units)).toEqual(Array.from(fresh().units));
  });
});

describe('receive queue', () => {
  it('is a FIFO of at most 8 byte triples; at() past either end is undefined; shift zeroes the vacated slot', () => {
    const s = fresh();
    const q = s.sock.rcvq;
    expect(q.shift()).toBeUndefined();
    expect(() => q.push({ msg: 128, seq: 0, frame: 0 })).toThrow(tooBig('rcvq', 128, 8));
    expect(() => q.push({ msg: 0, seq: 0, frame: -129 })).toThrow(tooBig('rcvq', -129, 8));
    for (let i = 1; i <= 8; i++) q.push({ msg: i, seq: 100 + i, frame: i === 8 ? 127 : -1 });
    expect(() => q.push({ msg: 9, seq: 0, frame: 0 })).toThrow(new RangeError('state vector: the receive queue holds at most 8 messages'));
    expect(q.at(-1)).toBeUndefined();
    expect(q.at(8)).toBeUndefined();
    expect(q.at(7)).toEqual({ msg: 8, seq: 108, frame: 127 });
    expect(q.shift()).toEqual({ msg: 1, seq: 101, frame: -1 });
    expect(q.length).toBe(7);
    expect(q.at(7)).toBeUndefined();
    q.mapMsg((m) => m * 10);
    expect(q.toArray().map((x) => x.msg)).toEqual([20, 30, 40, 50, 60, 70, 80]);
    const t = fresh();
    for (const x of q.toArray()) t.sock.rcvq.push(x);
    expect(Array.from(s.units)).toEqual(Array.from(t.units));
    q.clear();
    expect(q.length).toBe(0);
    expect(Array.from(s.units)).toEqual(Array.from(fresh().units));
  });
});

describe('producer locals', () => {
  it('a producer has no lists: pushing to them throws', () => {
    const l = fresh().threads[0].l;
    expect(l.held.length).toBe(0);
    expect(() => l.held.push(0)).toThrow(new RangeError('state vector: held frames (a producer thread has none) holds at most 0 values'));
    expect(() => l.txReads.push(0)).toThrow(new RangeError('state vector: nm_len reads (a producer thread has none) holds at most 0 values'));
  });
  it('an absent local reads its default; writing the default is allowed, anything else throws', () => {
    const l = fresh().threads[0].l;
    expect(l.rFrame).toBe(-1);
    l.rFrame = -1;
    expect(() => (l.rFrame = 2)).toThrow("a producer thread has no local 'rFrame' (state.ts PRODUCER_LOCALS); it cannot hold 2");
    expect(l.rFrame).toBe(-1);
  });
});

describe('transient record', () => {
  it('clearTransient forgets the note, its thread and value, each on its own, and the last frame store', () => {
    const s = fresh();
    const g = s.ghost;
    for (const set of [() => (g.note = 'x'), () => (g.noteThread = 1), () => (g.noteValue = 5)]) {
      set();
      g.clearTransient();
      expect([g.note, g.noteThread, g.noteValue]).toEqual(['', -1, 0]);
    }
    Object.assign(g.last, { kind: 'store', thread: 1, ring: 0, frame: 2, before: 3, after: 4, ownerBefore: 1, conforming: false });
    g.clearTransient();
    expect(g.last).toEqual({ kind: 'none', thread: -1, ring: -1, frame: -1, before: -1, after: -1, ownerBefore: -1, conforming: true });
  });
  it('a clone copies the transient record', () => {
    const s = fresh();
    s.ghost.note = 'n';
    s.ghost.last.kind = 'store';
    const c = cloneState(s);
    expect(c.ghost.note).toBe('n');
    expect(c.ghost.last.kind).toBe('store');
  });
});

describe('load', () => {
  it('takes a given fingerprint as is, and recomputes it when none is given', () => {
    const s = fresh();
    s.sock.rx.frames[0].msg = 5;
    const n = new State(layout);
    n.load(s.units, Uint32Array.of(7, 9));
    const out = new Uint32Array(2);
    n.fingerprint(out);
    expect(Array.from(out)).toEqual([7, 9]);
    n.load(s.units);
    n.fingerprint(out);
    const want = new Uint32Array(2);
    s.fingerprint(want);
    expect(Array.from(out)).toEqual(Array.from(want));
    const h = new Int32Array(2);
    rehash(h, new Int8Array(s.units.buffer), new Int16Array(s.units.buffer), layout.wordStarts);
    expect(Array.from(new Uint32Array(h.buffer))).toEqual(Array.from(want));
  });
});

describe('plain snapshots and the field table', () => {
  it('plainRing and plainState show every frame and every thread with pc, stack and locals', () => {
    const s = fresh();
    s.sock.rx.frames[2].msg = 7;
    s.threads[1].pc = 'send.copy-claim';
    s.threads[1].stack.push('send.copy-mark');
    const r = plainRing(s.sock.rx) as { frames: { msg: number }[]; frameNr: number };
    expect(r.frames.map((f) => f.msg)).toEqual([0, 0, 7, 0]);
    expect(r.frameNr).toBe(0);
    const p = plainState(s) as { threads: { pc: string; stack: string[]; l: { rFrame: number } }[] };
    expect(p.threads.map((t) => t.pc)).toEqual(['done', 'send.copy-claim']);
    expect(p.threads[1].stack).toEqual(['send.copy-mark']);
    expect(p.threads[0].l.rFrame).toBe(-1);
  });
  it("a producer's block lists its own locals after its pc and stack, no lists, and no slot overlaps another", () => {
    const slots = fieldSlots(layout);
    const p0 = slots.filter((x) => x.path.startsWith('threads[0].'));
    const pc = p0.find((x) => x.path === 'threads[0].pc')!;
    const stack = p0.find((x) => x.path === 'threads[0].stack')!;
    const locals = p0.filter((x) => x.path.startsWith('threads[0].l.'));
    expect(locals.map((x) => x.path)).toContain('threads[0].l.msg');
    expect(locals.map((x) => x.path)).not.toContain('threads[0].l.held');
    expect(locals.map((x) => x.path)).not.toContain('threads[0].l.rFrame');
    for (const x of locals) expect(x.at).toBeGreaterThanOrEqual(stack.at + stack.bytes);
    expect(stack.at).toBe(pc.at + 2);
    const used = new Map<number, string>();
    for (const x of slots) {
      for (let i = x.at; i < x.at + x.bytes; i++) {
        expect(used.get(i), `${x.path} overlaps`).toBeUndefined();
        used.set(i, x.path);
      }
      expect(x.at + x.bytes).toBeLessThanOrEqual(layout.size);
    }
  });
});
