/**
 * A deliberately plain re-execution of a counterexample path: the oracle the
 * agreement test holds the random engines' traces against, so that a trace is
 * not checked by the engines' own replay() (src/check/replay.ts) agreeing with
 * itself.
 *
 * It uses only `init`, `actions`, `next` and `describe` of the generic Spec and
 * the target's invariants: nothing from src/check/, no path parser, no in-place
 * stepping (`spec.inPlace`), no encodings. Every invariant is judged on every
 * state, init included, in the target's order, as the engines promise to judge
 * them; the first violated one (earliest state, then list order) is reported.
 */
import type { ActionBase, CheckTarget } from '../../src/model/interface.js';

export interface PlainExecution {
  /** `describe(s, a)` of each step taken, in order. */
  readonly steps: string[];
  /** The first invariant violated along the path and the index of its state (0 = init). */
  readonly violation?: { readonly property: string; readonly step: number };
}

/**
 * Take `indices` from init: step i takes `actions(s)[indices[i]]`. An index out of
 * range is an Error naming the step (a path that does not fit the spec).
 */
export function plainExecute<S, A extends ActionBase>(target: CheckTarget<S, A>, indices: readonly number[]): PlainExecution {
  const { spec, invariants } = target;
  const firstBroken = (s: S): string | undefined => {
    for (const p of invariants) if (!p.holds(s)) return p.id;
    return undefined;
  };
  let s = spec.init();
  const steps: string[] = [];
  let violation: PlainExecution['violation'];
  const atInit = firstBroken(s);
  if (atInit !== undefined) violation = { property: atInit, step: 0 };
  for (let i = 0; i < indices.length; i++) {
    const enabled = spec.actions(s);
    const a = enabled[indices[i]];
    if (a === undefined) throw new Error(`step ${i + 1}: action ${indices[i]} asked for, ${enabled.length} enabled`);
    steps.push(spec.describe(s, a));
    s = spec.next(s, a);
    if (violation === undefined) {
      const broken = firstBroken(s);
      if (broken !== undefined) violation = { property: broken, step: i + 1 };
    }
  }
  return { steps, ...(violation ? { violation } : {}) };
}
