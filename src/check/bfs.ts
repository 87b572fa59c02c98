/**
 * Exhaustive breadth-first search over a CheckTarget.
 *
 * Guarantees:
 * - A reported invariant violation has a SHORTEST path from init: states are
 *   explored level by level and invariants are judged on every transition (they
 *   may read what the step did, which the encoding leaves out), so the first
 *   violation found has minimal depth. Among equally short ones the first in
 *   action order wins, hence results are deterministic.
 * - `pass` only when every reachable state was explored, every invariant held in
 *   all of them and every witness was reached. A budget stop is `incomplete`, a
 *   complete run missing a witness is a vacuous `fail`.
 * - Exceptions from the spec or a predicate propagate: they are bugs, not verdicts.
 *
 * Limits: the visited set is a plain `Set` of `spec.encode()` strings, so memory
 * grows with state size, and V8 caps a Set at 2^24 (about 16.7 million) entries,
 * past which `add` throws a RangeError (reported as an internal error). Fingerprint
 * tables will replace it.
 */
import type { ActionBase, CheckTarget, Property } from '../model/interface.js';
import { replay, formatPath } from './replay.js';
import { checkCommand, replayCommand, type CheckResult, type Violation } from './result.js';

export interface BfsOptions {
  /** Stop with `incomplete` rather than admit more than this many distinct states (an integer >= 1). */
  readonly maxStates?: number;
  /** Called about once a second, the first time after about a second, so quick runs stay silent. */
  readonly onProgress?: (p: Progress) => void;
  /** Milliseconds between progress calls; 1000 unless given (tests use 0). */
  readonly progressIntervalMs?: number;
}

export interface Progress {
  readonly seconds: number;
  /** Successors computed so far. */
  readonly transitions: number;
  /** Distinct states so far. */
  readonly distinct: number;
  /** States discovered but not yet expanded. */
  readonly queue: number;
  /** Depth of the level being expanded. */
  readonly depth: number;
  /** Distinct states per second since the start. */
  readonly perSecond: number;
}

export function bfs<S, A extends ActionBase>(target: CheckTarget<S, A>, options: BfsOptions = {}): CheckResult {
  const { spec, invariants, witnesses } = target;
  const maxStates = options.maxStates ?? Infinity;
  if (maxStates !== Infinity && !(Number.isSafeInteger(maxStates) && maxStates >= 1)) {
    throw new RangeError(`maxStates must be an integer >= 1, got ${maxStates}`);
  }
  const interval = options.progressIntervalMs ?? 1000;
  const started = performance.now();
  let lastProgress = started;

  const seen = new Set<string>();
  // State ids are discovery order; parent[id] and via[id] rebuild the path to id.
  const parent: number[] = [];
  const via: number[] = [];
  const reached = witnesses.map(() => false);
  let transitions = 0;
  let maxDepth = 0;
  let budgetHit = false;
  /** The violation: the state it was reached from, the action index (-1: init itself) and the property. */
  let bad: { id: number; action: number; property: Property<S> } | undefined;

  /**
   * Judge a state reached by a transition. Properties may read what the last step
   * did, which the canonical encoding leaves out, so every transition is judged,
   * also one that lands in a state already seen. Returns the violated invariant.
   */
  const judge = (s: S): Property<S> | undefined => {
    for (let i = 0; i < witnesses.length; i++) {
      if (!reached[i] && witnesses[i].holds(s)) reached[i] = true;
    }
    return invariants.find((p) => !p.holds(s));
  };

  /** Record a newly discovered state and return its id. */
  const admit = (key: string, from: number, action: number): number => {
    seen.add(key);
    parent.push(from);
    via.push(action);
    return parent.length - 1;
  };

  const init = spec.init();
  let levelStates: (S | undefined)[] = [];
  let levelIds: number[] = [];
  const initBad = judge(init);
  admit(spec.encode(init), -1, -1);
  if (initBad) bad = { id: 0, action: -1, property: initBad };
  else {
    levelStates = [init];
    levelIds = [0];
  }

  let depth = 0;
  search: while (levelStates.length > 0) {
    const nextStates: S[] = [];
    const nextIds: number[] = [];
    for (let i = 0; i < levelStates.length; i++) {
      const s = levelStates[i] as S;
      levelStates[i] = undefined; // expanded states are not needed again: let them be collected
      const actions = spec.actions(s);
      for (let k = 0; k < actions.length; k++) {
        const t = spec.next(s, actions[k]);
        transitions++;
        const failed = judge(t);
        if (failed) {
          bad = { id: levelIds[i], action: k, property: failed };
          maxDepth = depth + 1;
          break search;
        }
        const key = spec.encode(t);
        if (seen.has(key)) continue;
        if (seen.size >= maxStates) {
          budgetHit = true;
          break search;
        }
        maxDepth = depth + 1;
        nextStates.push(t);
        nextIds.push(admit(key, levelIds[i], k));
      }
      if (options.onProgress) {
        // One clock read per expanded state is noise next to encode() and next().
        const now = performance.now();
        if (now - lastProgress >= interval) {
          lastProgress = now;
          const seconds = (now - started) / 1000;
          options.onProgress({
            seconds,
            transitions,
            distinct: seen.size,
            queue: levelStates.length - i - 1 + nextStates.length,
            depth,
            perSecond: seconds > 0 ? seen.size / seconds : 0,
          });
        }
      }
    }
    levelStates = nextStates;
    levelIds = nextIds;
    depth++;
  }

  const witnessStatus = witnesses.map((w, i) => ({ id: w.id, reached: reached[i] }));
  const common = {
    variant: target.variant,
    scenario: target.scenario,
    engine: 'bfs' as const,
    states: seen.size,
    transitions,
    maxDepth,
    seconds: Math.round(performance.now() - started) / 1000,
    invariants: invariants.map((p) => p.id),
    witnesses: witnessStatus,
  };

  if (bad) {
    const indices = pathTo(bad.id, parent, via);
    if (bad.action >= 0) indices.push(bad.action);
    const violation = counterexample(target, bad.property, indices);
    return { verdict: 'fail', ...common, complete: false, violation, replay: replayCommand(target.variant, target.scenario, violation.path) };
  }
  const reproduce = checkCommand(target.variant, target.scenario, options.maxStates);
  if (budgetHit) {
    return { verdict: 'incomplete', ...common, complete: false, replay: reproduce };
  }
  const missed = witnesses.filter((_, i) => !reached[i]);
  if (missed.length > 0) {
    const w = missed[0];
    const others = missed.length > 1 ? ` (missed ${missed.length} witnesses: ${missed.map((m) => m.id).join(', ')})` : '';
    const violation: Violation = {
      property: w.id,
      family: w.family,
      kind: 'sometimes',
      doc: w.doc,
      path: '',
      steps: [],
      trace: [],
      message: `vacuous: all ${seen.size} reachable states explored and the invariants hold, but witness ${w.id} was never reached${others}, so the scenario does not exercise what it claims to`,
    };
    return { verdict: 'fail', ...common, complete: true, violation, replay: reproduce };
  }
  return { verdict: 'pass', ...common, complete: true, replay: reproduce };
}

function pathTo(id: number, parent: readonly number[], via: readonly number[]): number[] {
  const indices: number[] = [];
  for (let at = id; parent[at] !== -1; at = parent[at]) indices.push(via[at]);
  return indices.reverse();
}

/** Rebuild the trace by replaying the path, and insist that replay sees the same violation. */
function counterexample<S, A extends ActionBase>(target: CheckTarget<S, A>, property: Property<S>, indices: number[]): Violation {
  const path = formatPath(indices);
  const r = replay(target, path);
  if (r.violation?.property !== property.id || r.violation.step !== indices.length) {
    throw new Error(
      `replay of ${path === '' ? 'the initial state' : `path ${path}`} does not reproduce ${property.id} (got ${r.violation?.property ?? 'no violation'}): is the spec or a predicate nondeterministic?`,
    );
  }
  const n = indices.length;
  return {
    property: property.id,
    family: property.family,
    kind: 'always',
    doc: property.doc,
    path,
    steps: r.steps,
    trace: r.trace,
    message: n === 0 ? `invariant ${property.id} is violated in the initial state` : `invariant ${property.id} is violated after ${n} step${n === 1 ? '' : 's'}`,
  };
}
