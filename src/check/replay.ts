/**
 * Replay a counterexample given as action indices (`0/3/1`) against a spec.
 * Used by the CLI's `replay` command and by the BFS engine to rebuild the trace
 * of the path it found, so a printed path and its printed trace cannot disagree.
 */
import type { ActionBase, CheckTarget } from '../model/interface.js';
import { ReplayError, UsageError } from '../errors.js';
import type { TraceStep } from './result.js';

export interface ReplayViolation {
  readonly property: string;
  readonly family: string;
  readonly doc: string;
  /** Index into the trace of the first state that violates it (0 = init). */
  readonly step: number;
  /** The property's `explain` of that state: the values that broke it (absent when the property has none). */
  readonly explanation?: string;
}

export interface ReplayResult {
  readonly variant: string;
  readonly scenario: string;
  /** The path as normalised by `formatPath(parsePath(...))`. */
  readonly path: string;
  readonly steps: string[];
  /** steps.length + 1 entries; the first is init. */
  readonly trace: TraceStep[];
  /** The first invariant violated along the path, in trace order then invariant order. */
  readonly violation?: ReplayViolation;
  /** A lasso (`--loop K`, from `check --liveness`): the loop is steps K+1.., and the state after step K recurs at the end. */
  readonly loopFrom?: number;
}

export interface ReplayOptions {
  /**
   * Replay a lasso: the path is a stem of `loopFrom` steps and then one iteration of a
   * loop. ReplayError unless the state after the stem is the final state again
   * (equal canonical encodings), so a printed loop is a real loop.
   */
  readonly loopFrom?: number;
}

/** Parse `0/3/1` into indices; `''` is the empty path (init only). Throws UsageError on anything else. */
export function parsePath(path: string): number[] {
  if (path === '') return [];
  return path.split('/').map((part, i) => {
    // Strict decimal: no signs, spaces, leading zeros or empty parts, so one path has one spelling.
    if (!/^(0|[1-9][0-9]*)$/.test(part)) {
      throw new UsageError(`malformed path '${path}': part ${i + 1} ('${part}') is not an action index (expected e.g. 0/3/1)`);
    }
    return Number(part);
  });
}

export function formatPath(indices: readonly number[]): string {
  return indices.join('/');
}

/**
 * Re-execute `path` from init. Every index must be in range of the actions enabled
 * at that point, otherwise ReplayError names the step. Invariants are evaluated on
 * every state, including init; the whole path is executed even after a violation,
 * and the first violation is reported.
 */
export function replay<S, A extends ActionBase>(target: CheckTarget<S, A>, path: string, options: ReplayOptions = {}): ReplayResult {
  const indices = parsePath(path);
  const { spec } = target;
  const { loopFrom } = options;
  if (loopFrom !== undefined && !(Number.isSafeInteger(loopFrom) && loopFrom >= 0 && loopFrom < indices.length)) {
    throw new UsageError(`--loop ${loopFrom} must be a step of the path before its last (0..${indices.length - 1})`);
  }
  let state = spec.init();
  let loopKey = loopFrom === 0 ? spec.encode(state) : undefined;
  const steps: string[] = [];
  const trace: TraceStep[] = [{ action: 'init', state: spec.render(state), summary: spec.summary(state), ...viewOf(spec, state) }];
  let violation = firstViolated(target, state, 0);

  indices.forEach((index, i) => {
    const enabled = spec.actions(state);
    if (index >= enabled.length) {
      const what = enabled.length === 0 ? 'no action is enabled (terminal state)' : `only ${enabled.length} action${enabled.length === 1 ? ' is' : 's are'} enabled (0..${enabled.length - 1})`;
      throw new ReplayError(`path '${path}' does not fit ${target.variant}/${target.scenario}: step ${i + 1} asks for action ${index} but ${what}`);
    }
    const action = enabled[index];
    const line = spec.describe(state, action);
    const info = spec.stepInfo?.(state, action);
    state = spec.next(state, action);
    steps.push(line);
    trace.push({ action: line, state: spec.render(state), summary: spec.summary(state), ...viewOf(spec, state), ...(info ? { step: info } : {}) });
    violation ??= firstViolated(target, state, i + 1);
    if (loopFrom === i + 1) loopKey = spec.encode(state);
  });
  if (loopKey !== undefined && spec.encode(state) !== loopKey) {
    throw new ReplayError(`path '${path}' of ${target.variant}/${target.scenario} is not a lasso: the state after step ${loopFrom} does not recur after step ${indices.length}`);
  }

  return {
    variant: target.variant,
    scenario: target.scenario,
    path: formatPath(indices),
    steps,
    trace,
    ...(violation ? { violation } : {}),
    ...(loopFrom !== undefined ? { loopFrom } : {}),
  };
}

/** The structured view of a state, when the spec offers one. */
function viewOf<S, A extends ActionBase>(spec: CheckTarget<S, A>['spec'], state: S): { view?: unknown } {
  return spec.view ? { view: spec.view(state) } : {};
}

function firstViolated<S, A extends ActionBase>(target: CheckTarget<S, A>, state: S, step: number): ReplayViolation | undefined {
  const p = target.invariants.find((inv) => !inv.holds(state));
  if (!p) return undefined;
  const explanation = p.explain?.(state);
  return { property: p.id, family: p.family, doc: p.doc, step, ...(explanation ? { explanation } : {}) };
}
