/**
 * Traces for the HTML report when a result lacks them. bfs, simulate and pbt give
 * every violation its trace (each counterexample of --all-violations is replayed
 * against its own invariant), but a result read back from a JSON report (`nlring
 * merge`, a CI shard) keeps only paths. This rebuilds each missing trace with
 * `replay()`, restricted to the violation's own property as its replay line is,
 * so the page shows the same steps `nlring replay` prints. Kept out of html.ts,
 * which stays free of engine calls.
 */
import type { CheckTarget } from '../model/interface.js';
import { replay } from '../check/replay.js';
import type { CheckResult, Violation } from '../check/result.js';

/**
 * `r` with a trace for every invariant violation that has none, replayed on `target`
 * (the target `r` was checked on). A violation whose property the target does not
 * check, or a vacuous run (no path), is left as it is.
 */
export function withTraces(r: CheckResult, target: CheckTarget<any, any>): CheckResult {
  const fill = (v: Violation): Violation => {
    if (v.kind !== 'always' || v.trace.length > 0) return v;
    const invariants = target.invariants.filter((p) => p.id === v.property);
    if (invariants.length === 0) return v;
    const rebuilt = replay({ ...target, invariants }, v.path);
    return { ...v, steps: rebuilt.steps, trace: rebuilt.trace, ...(rebuilt.violation?.explanation ? { explanation: rebuilt.violation.explanation } : {}) };
  };
  return {
    ...r,
    ...(r.violation ? { violation: fill(r.violation) } : {}),
    ...(r.violations ? { violations: r.violations.map(fill) } : {}),
  };
}
