/**
 * A deliberately plain breadth-first search: the test oracle for the counts and
 * verdicts of src/check/bfs.ts (issue 9), so that those are not the engine
 * agreeing with itself.
 *
 * It uses only `init`, `actions`, `next` and `encode` of the generic Spec, and
 * the target's invariants and witnesses. Nothing from src/check/ and nothing of
 * the spec's fast paths: no fingerprints (zobrist or otherwise), no in-place
 * stepping or scratch states, no decoding of stored encodings, no symmetry, no
 * frontier queue. The visited set is a JS Set of the full canonical encoding as
 * a string, and the frontier holds the very objects `next` returned, so a state
 * is expanded exactly as `next` built it.
 *
 * Every invariant is judged on every transition (a property may read the record
 * of what the last step did, which the encoding leaves out), and on the initial
 * state. By default the search is exhaustive and records, for every invariant,
 * the depth of the first transition that violates it: levels are explored in
 * order, so that is its shortest counterexample length. With `stopAtFirst` it
 * stops at the first violating transition instead, as `nlring check` does: the
 * same level order and action order, so the same stopping point.
 */
import type { ActionBase, CheckTarget } from '../../src/model/interface.js';

export interface PlainOptions {
  /** Give up (complete: false) rather than hold more than this many distinct states. */
  readonly maxStates?: number;
  /** Stop at the first violating transition (the first violated invariant in list order there). */
  readonly stopAtFirst?: boolean;
}

export interface PlainResult {
  /** fail: an invariant was violated or (complete run) a witness was never reached. */
  readonly verdict: 'pass' | 'fail' | 'incomplete';
  /** Every reachable state was expanded (stopAtFirst after a violation: false). */
  readonly complete: boolean;
  /** Distinct states admitted (a violating state that stopped the run is not admitted). */
  readonly states: number;
  /** `next` calls made. */
  readonly transitions: number;
  /** Depth of the deepest admitted state. */
  readonly depth: number;
  /** Invariant id -> shortest violation length, in the order first violated. */
  readonly violations: Record<string, number>;
  /** Witness ids never reached. */
  readonly missedWitnesses: string[];
}

export function plainBfs<S, A extends ActionBase>(target: CheckTarget<S, A>, options: PlainOptions = {}): PlainResult {
  const { spec, invariants, witnesses } = target;
  const maxStates = options.maxStates ?? Infinity;
  const violations: Record<string, number> = {};
  const reached = new Set<string>();
  let stopped = false;

  /** Judge a state reached at `depth`; true when the run must stop here. */
  const judge = (s: S, depth: number): boolean => {
    for (const w of witnesses) if (!reached.has(w.id) && w.holds(s)) reached.add(w.id);
    for (const p of invariants) {
      if (p.holds(s)) continue;
      if (!(p.id in violations)) violations[p.id] = depth;
      if (options.stopAtFirst) return true;
    }
    return false;
  };

  const s0 = spec.init();
  const visited = new Set<string>([spec.encode(s0)]);
  let transitions = 0;
  let depth = 0;
  let frontier: S[] = [s0];
  if (judge(s0, 0)) {
    stopped = true;
    frontier = [];
  }
  let over = false;
  let level = 0;
  search: while (frontier.length > 0) {
    const next: S[] = [];
    for (const s of frontier) {
      const before = spec.encode(s);
      for (const a of spec.actions(s)) {
        const t = spec.next(s, a);
        transitions++;
        if (judge(t, level + 1)) {
          stopped = true;
          depth = level + 1; // as far as the search went, as bfs reports it
          break search;
        }
        const key = spec.encode(t);
        if (visited.has(key)) continue;
        if (visited.size >= maxStates) {
          over = true;
          break search;
        }
        visited.add(key);
        depth = level + 1;
        next.push(t);
      }
      // The interface promises that next never changes its argument; a spec that did would corrupt any search.
      if (spec.encode(s) !== before) throw new Error(`next changed the state it was given (at depth ${level})`);
    }
    frontier = next;
    level++;
  }
  const missedWitnesses = witnesses.filter((w) => !reached.has(w.id)).map((w) => w.id);
  const failed = Object.keys(violations).length > 0;
  const complete = !over && !stopped;
  const verdict = failed ? 'fail' : over ? 'incomplete' : missedWitnesses.length > 0 ? 'fail' : 'pass';
  return { verdict, complete, states: visited.size, transitions, depth, violations, missedWitnesses };
}
