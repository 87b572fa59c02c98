/**
 * Property tests of the Spec contract (src/model/interface.ts) over random
 * schedules: a schedule is an array of integers, each picking an index into
 * `spec.actions(state)` modulo its length, until a terminal state.
 *
 * - `next` is pure and deterministic, `actions` is deterministic;
 * - the encoding is canonical, and the state-vector layout gives every field
 *   its own slots (so a view that writes the wrong slot is caught);
 * - the in-place fast path agrees with `next`;
 * - on linux-4.5 every invariant holds along random walks of the scenarios that
 *   the exhaustive check passes.
 */
import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { bfs } from '../../src/check/bfs.js';
import { buildTarget, listProperties } from '../../src/catalog.js';
import { encodeState, encodeUnits } from '../../src/model/codec.js';
import type { NlAction, NlState } from '../../src/model/spec.js';
import { cloneState, fieldSlots, plainState, type State } from '../../src/model/state.js';
import { allStepLabels } from '../../src/model/step.js';
import { VARIANT_IDS, catalogModel, type Model } from './helpers.js';

/** Small catalogue scenarios (each explores in well under a second per walk). */
const SMALL = ['rx-order', 'copy-mixed', 'poll', 'dump-full-ring', 'tx-batch', 'tx-sibling', 'fork-mmap', 'close-race'] as const;

const RUNS = { numRuns: 40 };
/** Long enough to finish a dump or a TX batch, short enough to stay fast. */
const schedule = fc.array(fc.nat({ max: 1 << 16 }), { minLength: 1, maxLength: 90 });

interface Step {
  readonly before: NlState;
  readonly action: NlAction;
  readonly after: NlState;
  readonly index: number;
}

/** Follow the schedule from init, calling `visit` on every transition; stops at a terminal state. */
function walk(m: Model, picks: readonly number[], visit: (step: Step, path: readonly NlAction[]) => void): NlState {
  let s = m.spec.init();
  const path: NlAction[] = [];
  for (const p of picks) {
    const acts = m.spec.actions(s);
    if (acts.length === 0) break;
    const index = p % acts.length;
    const action = acts[index];
    const after = m.spec.next(s, action);
    path.push(action);
    visit({ before: s, action, after, index }, path);
    s = after;
  }
  return s;
}

function describePath(m: Model, picks: readonly number[], upTo: number): string {
  const lines: string[] = [];
  let n = 0;
  walk(m, picks, ({ before, action }) => {
    if (n++ < upTo) lines.push(`  ${m.spec.describe(before, action)}`);
  });
  return lines.join('\n');
}

describe.each(VARIANT_IDS)('Spec contract on %s', (v) => {
  describe.each(SMALL)('%s', (sc) => {
    const m = catalogModel(v, sc);

    test.prop([schedule], RUNS)('next is pure: its input state (encoding and every field) is unchanged', (picks) => {
      let s = m.spec.init();
      for (const p of picks) {
        const acts = m.spec.actions(s);
        if (acts.length === 0) break;
        const a = acts[p % acts.length];
        const enc = m.spec.encode(s);
        const copy = snapshot(s);
        const n = m.spec.next(s, a);
        expect(m.spec.encode(s), m.spec.describe(s, a)).toBe(enc);
        expect(snapshot(s), m.spec.describe(s, a)).toEqual(copy);
        s = n;
      }
    });

    test.prop([schedule], RUNS)('next is deterministic: the same action from the same state gives equal successors', (picks) => {
      walk(m, picks, ({ before, action, after }) => {
        const again = m.spec.next(before, action);
        expect(m.spec.encode(again), m.spec.describe(before, action)).toBe(m.spec.encode(after));
        // Also the transient record properties read (ghost.last, ghost.note), which the encoding leaves out.
        expect(snapshot(again), m.spec.describe(before, action)).toEqual(snapshot(after));
      });
    });

    test.prop([schedule], RUNS)('actions is deterministic: the same state (or a deep copy) gives the same list', (picks) => {
      walk(m, picks, ({ after }) => {
        const list = m.spec.actions(after);
        expect(m.spec.actions(after)).toEqual(list);
        expect(m.spec.actions(cloneState(after))).toEqual(list);
      });
    });

    test.prop([schedule], RUNS)('the encoding is canonical: a deep copy encodes equally', (picks) => {
      walk(m, picks, ({ after }) => {
        expect(m.spec.encode(cloneState(after))).toBe(m.spec.encode(after));
      });
    });

    test.prop([schedule], RUNS)('decode inverts encode: same encoding, same enabled actions, same state but for the last-step record', (picks) => {
      const decode = m.spec.decode;
      if (!decode) throw new Error('the netlink spec must provide decode');
      walk(m, picks, ({ after }) => {
        const back = decode(m.spec.encode(after));
        expect(m.spec.encode(back)).toBe(m.spec.encode(after));
        expect(m.spec.actions(back)).toEqual(m.spec.actions(after));
        expect(plainState(back)).toEqual(plainState(after));
      });
    });

    test.prop([schedule], RUNS)('a thread is inside netlink_alloc_skb (inAlloc) only while it holds the receive queue lock (observeAllocations relies on it)', (picks) => {
      walk(m, picks, ({ after }) => {
        after.threads.forEach((t, ti) => {
          if (t.l.inAlloc) expect(after.sock.rxqLock).toBe(ti);
        });
      });
    });

    test.prop([schedule], RUNS)('a stateOnly invariant ignores the last-step record (BFS judges it once per distinct state)', (picks) => {
      const stateOnly = listProperties().filter((p) => p.stateOnly);
      expect(stateOnly.length).toBeGreaterThan(5);
      walk(m, picks, ({ after }) => {
        const bare = cloneState(after);
        bare.ghost.clearTransient();
        for (const p of stateOnly) expect(p.holds(bare), p.id).toBe(p.holds(after));
      });
    });

    test.prop([schedule], RUNS)('the in-place fast path agrees with next and decode', (picks) => {
      const ip = m.spec.inPlace;
      if (!ip) throw new Error('the netlink spec must provide inPlace');
      const x = ip.scratch();
      walk(m, picks, ({ before, action, after }) => {
        ip.load(x, m.spec.encodeUnits?.(before) ?? new Uint16Array());
        ip.apply(x, action);
        expect(snapshot(x)).toEqual(snapshot(after));
      });
    });

    test.prop([schedule], RUNS)('the incremental fingerprint always equals the fingerprint recomputed from the vector', (picks) => {
      const ip = m.spec.inPlace;
      if (!ip?.fingerprint) throw new Error('the netlink spec must keep an incremental fingerprint');
      const kept = new Uint32Array(2);
      const fresh = new Uint32Array(2);
      const x = ip.scratch();
      walk(m, picks, ({ after }) => {
        ip.fingerprint?.(after, kept);
        ip.load(x, encodeUnits(after)); // no fingerprint given: recomputed from scratch
        ip.fingerprint?.(x, fresh);
        expect([...kept], m.spec.summary(after)).toEqual([...fresh]);
      });
    });
  });
});

/** The whole state as plain data, with the transient record of the last step. */
function snapshot(s: State): unknown {
  const g = s.ghost;
  return { ...plainState(s), transient: { last: { ...g.last }, note: g.note, noteThread: g.noteThread, noteValue: g.noteValue } };
}

// ---------------------------------------------------------------------------------------------

describe('the state vector layout: every field has its own slots, and the encoding is the vector', () => {
  /** A state from nfq-batch (both rings, several threads) with a queued message, so rcvq has an element. */
  function richState(): State {
    const m = catalogModel('linux-4.5', 'nfq-batch');
    const s = m.spec.init();
    s.sock.rcvq.push({ msg: 1, seq: 1, frame: 0 });
    return s;
  }

  /** Resolve `sock.rx.frames[2].status` to the view that holds the field and its name. */
  function get(root: unknown, path: string): { parent: Record<string, unknown>; key: string } {
    const parts = path.replace(/\[(\d+)\]/g, '.$1').split('.');
    let cur = root as Record<string, unknown>;
    for (const p of parts.slice(0, -1)) cur = cur[p] as Record<string, unknown>;
    return { parent: cur, key: parts[parts.length - 1] };
  }

  /** Change one field (or add to one list) through the views the spec uses. */
  function change(s: State, path: string): void {
    const { parent, key } = get(s, path);
    const v = parent[key];
    if (typeof v === 'number') parent[key] = v + 1;
    else if (typeof v === 'boolean') parent[key] = !v;
    else if (key === 'pc') parent[key] = v === 'done' ? allStepLabels()[0] : 'done';
    else if (key === 'stack') (v as State['threads'][number]['stack']).push(allStepLabels()[0]);
    else if (key === 'rcvq') (v as State['sock']['rcvq']).push({ msg: 2, seq: 2, frame: 1 });
    else (v as { push(x: number): void }).push(1);
  }

  it('fields partition the vector: no overlaps, words at even bytes, gaps only as padding to even sizes', () => {
    const s = richState();
    const slots = fieldSlots(s.layout).sort((a, b) => a.at - b.at);
    let at = 0;
    let padding = 0;
    for (const f of slots) {
      expect(f.at, f.path).toBeGreaterThanOrEqual(at);
      padding += f.at - at;
      if (f.word) expect(f.at % 2, f.path).toBe(0);
      at = f.at + f.bytes;
    }
    padding += s.layout.size - at;
    expect(s.layout.size % 2).toBe(0);
    expect(padding).toBeLessThan(slots.length / 4);
  });

  it('changing any field through its view changes exactly its own bytes of the encoding', () => {
    const s = richState();
    const bytes = (t: State) => new Uint8Array(encodeUnits(t).buffer);
    const enc = bytes(s).slice();
    const wrong: string[] = [];
    for (const f of fieldSlots(s.layout)) {
      const t = cloneState(s);
      change(t, f.path);
      const u = bytes(t);
      const changed = [...u.keys()].filter((i) => u[i] !== enc[i]);
      if (changed.length === 0 || changed.some((i) => i < f.at || i >= f.at + f.bytes)) wrong.push(`${f.path}: ${changed.join(',')}`);
    }
    expect(wrong).toEqual([]);
  });

  it('list slots past the length stay zero, so equal lists encode equally', () => {
    const s = richState();
    const l = s.threads[s.layout.shapes.indexOf('full')].l;
    const before = encodeUnits(s).slice();
    l.held.insertSorted(3);
    l.held.insertSorted(1);
    expect(l.held.toArray()).toEqual([1, 3]);
    l.held.removeAt(0);
    l.held.removeAt(0);
    s.sock.rcvq.push({ msg: 4, seq: 0, frame: -1 });
    s.sock.rcvq.shift();
    s.sock.rcvq.push({ msg: 1, seq: 1, frame: 0 });
    s.sock.rcvq.shift();
    expect([...encodeUnits(s)]).toEqual([...before]);
  });

  it('a producer thread block has only the producer locals: others read as defaults and refuse other values', () => {
    const s = richState();
    const p = s.threads[s.layout.shapes.indexOf('producer')];
    expect(p.l.txFrame).toBe(-1);
    expect(p.l.held.length).toBe(0);
    p.l.txFrame = -1; // the default: allowed, changes nothing
    expect(() => (p.l.txFrame = 2)).toThrow(/producer thread has no local 'txFrame'/);
    expect(() => p.l.held.push(1)).toThrow(/producer thread has none/);
  });

  it('values that do not fit 16 bits are refused', () => {
    const s = richState();
    expect(() => (s.sock.drops = 200)).toThrow(/does not fit its 8-bit slot/);
    expect(() => (s.sock.rx.frameSize = 40000)).toThrow(/does not fit its 16-bit slot/);
    expect(() => (s.threads[0].l.k = 0.5)).toThrow(/does not fit/);
    s.ghost.readIds = 1 << 29;
    expect(s.ghost.readIds).toBe(1 << 29);
  });

  it('the transient record (ghost.last, ghost.note, noteThread, noteValue) is left out of the encoding, by design', () => {
    const s = richState();
    const t = cloneState(s);
    t.ghost.last.kind = 'kstore';
    t.ghost.last.frame = 3;
    t.ghost.note = 'poll-return';
    t.ghost.noteThread = 1;
    t.ghost.noteValue = 5;
    expect(encodeState(t)).toBe(encodeState(s));
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * The scenarios the exhaustive check passes on linux-4.5, derived by running it
 * (at collection time, so each gets its own tests). A scenario that stops
 * passing drops out of the walks below, so the list is also pinned by a test.
 */
const PASSING_45 = SMALL.filter((sc) => bfs(buildTarget('linux-4.5', sc), { maxStates: 400_000 }).verdict === 'pass');

describe('linux-4.5: every applicable invariant holds along random walks', () => {
  it('the exhaustive check passes on linux-4.5 for exactly the expected small scenarios', () => {
    // copy-mixed (OWN-RX-KERNEL-WRITE) and dump-full-ring (DUMP-PROGRESS) fail on 4.5: see the README's findings;
    // poll fails POLL-IN-AT-CURSOR and tx-batch RET-TX-SENDMSG (what a caller is told: test/props/caller-view.test.ts).
    expect(PASSING_45).toEqual(['tx-sibling', 'fork-mmap', 'close-race']);
  });

  describe.each(PASSING_45)('%s', (sc) => {
    const target = buildTarget('linux-4.5', sc);
    const m: Model = { variant: 'linux-4.5', scenario: catalogModel('linux-4.5', sc).scenario, spec: target.spec };

    it('checks every always-property not excluded by the scenario', () => {
      const excluded = m.scenario.excludes ?? [];
      expect(target.invariants.length).toBeGreaterThan(10);
      expect(target.invariants.every((p) => p.kind === 'always' && !excluded.includes(p.id))).toBe(true);
    });

    test.prop([fc.array(fc.nat({ max: 1 << 16 }), { minLength: 1, maxLength: 150 })], { numRuns: 60 })(
      'no invariant is violated on any transition of a random walk',
      (picks) => {
        walk(m, picks, ({ after }, path) => {
          const bad = target.invariants.find((p) => !p.holds(after));
          if (bad) expect.fail(`${bad.id} violated after ${path.length} steps:\n${describePath(m, picks, path.length)}\n${m.spec.render(after)}`);
        });
      },
    );
  });
});
