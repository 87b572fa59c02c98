/**
 * JSON reports with a stable key order. The documented keys come first, in the
 * documented order; extra keys only ever follow them, so consumers and diffs of
 * two runs stay stable. Objects are built key by key here rather than spread from
 * the result, so a field added to CheckResult never reorders the output.
 */
import type { CheckResult } from '../check/result.js';
import type { ReplayResult } from '../check/replay.js';

/** `{verdict, variant, scenario, engine, states, transitions, seconds, violation?, replay}`, then extras. */
export function toJson(r: CheckResult): Record<string, unknown> {
  const v = r.violation;
  return {
    verdict: r.verdict,
    variant: r.variant,
    scenario: r.scenario,
    engine: r.engine,
    states: r.states,
    transitions: r.transitions,
    seconds: r.seconds,
    ...(v
      ? { violation: { property: v.property, family: v.family, path: v.path, steps: [...v.steps], kind: v.kind, message: v.message } }
      : {}),
    replay: r.replay,
    maxDepth: r.maxDepth,
    complete: r.complete,
    invariants: [...r.invariants],
    witnesses: r.witnesses.map((w) => ({ id: w.id, reached: w.reached })),
    ...(r.stats
      ? {
          stats: {
            hash: r.stats.hash,
            collisionProbability: r.stats.collisionProbability,
            bytesPerState: r.stats.bytesPerState,
            statesPerSecond: r.stats.statesPerSecond,
            ...(r.stats.stoppedBy ? { stoppedBy: r.stats.stoppedBy } : {}),
          },
        }
      : {}),
  };
}

export function formatJson(r: CheckResult): string {
  return JSON.stringify(toJson(r), null, 2) + '\n';
}

/** A replay: the path, its steps, the first violation if any, then the full trace with drawings. */
export function replayToJson(r: ReplayResult): Record<string, unknown> {
  const v = r.violation;
  return {
    variant: r.variant,
    scenario: r.scenario,
    path: r.path,
    steps: [...r.steps],
    ...(v ? { violation: { property: v.property, family: v.family, step: v.step } } : {}),
    trace: r.trace.map((t) => ({ action: t.action, summary: t.summary, state: t.state })),
  };
}

export function formatReplayJson(r: ReplayResult): string {
  return JSON.stringify(replayToJson(r), null, 2) + '\n';
}
