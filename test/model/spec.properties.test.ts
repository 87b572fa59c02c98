/**
 * Property tests of the Spec contract (src/model/interface.ts) over random
 * schedules: a schedule is an array of integers, each picking an index into
 * `spec.actions(state)` modulo its length, until a terminal state.
 *
 * - `next` is pure and deterministic, `actions` is deterministic;
 * - the encoding is canonical and injective on every field of the state that is
 *   part of it (so a field the hand-written encoder forgets is caught);
 * - on linux-4.5 every invariant holds along random walks of the scenarios that
 *   the exhaustive check passes.
 */
import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { bfs } from '../../src/check/bfs.js';
import { buildTarget } from '../../src/catalog.js';
import { encodeState } from '../../src/model/codec.js';
import type { NlAction, NlState } from '../../src/model/spec.js';
import { newLocals, type State } from '../../src/model/state.js';
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
        const copy = structuredClone(s);
        const n = m.spec.next(s, a);
        expect(m.spec.encode(s), m.spec.describe(s, a)).toBe(enc);
        expect(s, m.spec.describe(s, a)).toEqual(copy);
        s = n;
      }
    });

    test.prop([schedule], RUNS)('next is deterministic: the same action from the same state gives equal successors', (picks) => {
      walk(m, picks, ({ before, action, after }) => {
        const again = m.spec.next(before, action);
        expect(m.spec.encode(again), m.spec.describe(before, action)).toBe(m.spec.encode(after));
        // Also the transient record properties read (ghost.last, ghost.note), which the encoding leaves out.
        expect(again, m.spec.describe(before, action)).toEqual(after);
      });
    });

    test.prop([schedule], RUNS)('actions is deterministic: the same state (or a deep copy) gives the same list', (picks) => {
      walk(m, picks, ({ after }) => {
        const list = m.spec.actions(after);
        expect(m.spec.actions(after)).toEqual(list);
        expect(m.spec.actions(structuredClone(after))).toEqual(list);
      });
    });

    test.prop([schedule], RUNS)('the encoding is canonical: a deep copy encodes equally', (picks) => {
      walk(m, picks, ({ after }) => {
        expect(m.spec.encode(structuredClone(after))).toBe(m.spec.encode(after));
      });
    });

    test.prop([schedule], RUNS)('decode inverts encode: same encoding, same enabled actions, same state but for the last-step record', (picks) => {
      const decode = m.spec.decode;
      if (!decode) throw new Error('the netlink spec must provide decode');
      walk(m, picks, ({ after }) => {
        const back = decode(m.spec.encode(after));
        expect(m.spec.encode(back)).toBe(m.spec.encode(after));
        expect(m.spec.actions(back)).toEqual(m.spec.actions(after));
        expect({ ...back, ghost: { ...back.ghost, last: after.ghost.last, note: after.ghost.note, noteThread: after.ghost.noteThread, noteValue: after.ghost.noteValue } }).toEqual(after);
      });
    });

    test.prop([schedule], RUNS)('the encoding is injective on every Locals field of every thread', (picks) => {
      const s = walk(m, picks, () => {});
      const enc = encodeState(s);
      for (let ti = 0; ti < s.threads.length; ti++) {
        for (const key of Object.keys(newLocals())) {
          const t = structuredClone(s);
          const l = t.threads[ti].l as unknown as Record<string, unknown>;
          l[key] = changed(l[key]);
          expect(encodeState(t), `thread ${ti} field ${key}`).not.toBe(enc);
        }
      }
    });
  });
});

/** A different value of the same type: numbers +1, booleans flipped, arrays one element longer. */
function changed(v: unknown): unknown {
  if (typeof v === 'number') return v + 1;
  if (typeof v === 'boolean') return !v;
  if (Array.isArray(v)) return [...v, 0];
  throw new Error(`unexpected field value ${String(v)}`);
}

// ---------------------------------------------------------------------------------------------

describe('the encoding covers the whole state except the transient record of the last step', () => {
  /** The transient fields spec.ts documents as left out of the encoding. */
  const TRANSIENT = new Set(['ghost.last', 'ghost.note', 'ghost.noteThread', 'ghost.noteValue']);

  /** Every leaf path of the state (arrays of objects descend into each element). */
  function leaves(value: unknown, path: string, out: string[]): string[] {
    if (TRANSIENT.has(path)) return out;
    if (Array.isArray(value)) {
      if (value.length > 0 && typeof value[0] === 'object') value.forEach((e, i) => leaves(e, `${path}[${i}]`, out));
      else out.push(path); // an array of numbers or labels: changed as a whole
      return out;
    }
    if (value !== null && typeof value === 'object') {
      for (const k of Object.keys(value)) leaves((value as Record<string, unknown>)[k], path ? `${path}.${k}` : k, out);
      return out;
    }
    out.push(path);
    return out;
  }

  function get(root: unknown, path: string): { parent: Record<string, unknown>; key: string } {
    const parts = path.replace(/\[(\d+)\]/g, '.$1').split('.');
    let cur = root as Record<string, unknown>;
    for (const p of parts.slice(0, -1)) cur = cur[p] as Record<string, unknown>;
    return { parent: cur, key: parts[parts.length - 1] };
  }

  /** A different value of the same kind; labels (pc, stack) become another registered label. */
  function other(v: unknown, path: string): unknown {
    if (path.endsWith('.pc')) return v === 'done' ? allStepLabels()[0] : 'done';
    if (path.endsWith('.stack')) return [...(v as string[]), allStepLabels()[0]];
    if (Array.isArray(v)) return [...v, 0];
    return changed(v);
  }

  /** A state from nfq-batch (both rings, several threads) with a queued message, so rcvq has an element. */
  function richState(): State {
    const m = catalogModel('linux-4.5', 'nfq-batch');
    const s = m.spec.init();
    s.sock.rcvq.push({ msg: 1, seq: 1, frame: 0 });
    return s;
  }

  it('changing any single non-transient field of the state changes encodeState', () => {
    const s = richState();
    const enc = encodeState(s);
    const paths = leaves(s, '', []);
    expect(paths.length).toBeGreaterThan(100);
    const missed: string[] = [];
    for (const path of paths) {
      const t = structuredClone(s);
      const { parent, key } = get(t, path);
      parent[key] = other(parent[key], path);
      if (encodeState(t) === enc) missed.push(path);
    }
    expect(missed).toEqual([]);
  });

  it('the transient record (ghost.last, ghost.note, noteThread, noteValue) is left out of the encoding, by design', () => {
    const s = richState();
    const t = structuredClone(s);
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
    // copy-mixed (OWN-RX-KERNEL-WRITE) and dump-full-ring (DUMP-PROGRESS) fail on 4.5: see the README's findings.
    expect(PASSING_45).toEqual(['poll', 'tx-batch', 'tx-sibling', 'fork-mmap', 'close-race']);
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
