/**
 * Turn a path that an engine found into a reported violation. Shared by the
 * engines so that a printed path and its printed trace cannot disagree: the trace
 * is rebuilt by `replay()`, the same code that `nlring replay --path` runs.
 */
import type { ActionBase, CheckTarget, Property } from '../model/interface.js';
import { formatPath, replay } from './replay.js';
import type { Violation } from './result.js';

/**
 * The violation of invariant `property` in the last state of `indices` (action
 * indices from init), with steps and trace from replay. Throws when replay does
 * not see that same invariant fail first at that same step: the spec or a
 * predicate is then nondeterministic, and no engine result could be trusted.
 */
export function counterexample<S, A extends ActionBase>(target: CheckTarget<S, A>, property: Property<S>, indices: readonly number[]): Violation {
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
    ...(r.violation.explanation ? { explanation: r.violation.explanation } : {}),
    message: n === 0 ? `invariant ${property.id} is violated in the initial state` : `invariant ${property.id} is violated after ${n} step${n === 1 ? '' : 's'}`,
  };
}
