/**
 * JSON reports with a stable key order. The documented keys come first, in the
 * documented order; extra keys only ever follow them, so consumers and diffs of
 * two runs stay stable. Objects are built key by key here rather than spread from
 * the result, so a field added to CheckResult never reorders the output.
 */
import { violationReplay, type CheckResult, type RandomOrigin, type TraceStep, type Violation } from '../check/result.js';
import type { ReplayResult } from '../check/replay.js';
import { stateSpaceJson } from './statespace.js';

/** Where a replayed trace was regenerated from: a walk of a seed (simulate) or a fast-check seed and path (pbt). */
export interface ReplayOrigin extends RandomOrigin {
  /** The depth bound the trace was regenerated with. */
  readonly depth?: number;
}

/**
 * `{verdict, variant, scenario, engine, states, transitions, seconds, violation?, replay}`, then extras:
 * `maxDepth, complete, invariants, properties? (only for a run restricted with --property), witnesses,
 * violations? (--all-violations, each with its own replay command), stats?` (bfs: with `peakRssBytes`, `peakHeldBytes`,
 * `heldBytesPerState`, `memoryCeilingMiB?` and with --bitstate `bitstate` after `bytesPerState`), and for randomised engines
 * `seed, origin?` (where a failure came from), `simulation?` (walks, depth, shard)
 * and `merged?` (which shards `nlring merge` combined), and last `stateSpace?` (bfs: `depths`, new states per
 * depth; `fired`, transitions per step label; `neverFired`, the step labels that never fired). `nlring merge` reads this shape back.
 * A violation's documented keys are followed by `explanation?` (the values that broke the property)
 * and `trace` (per step, as in a replay: action, summary, state, `step` {lane, actor, label, cites} and `view`), with or without --cite.
 */
const KNOWN_STATS = new Set([
  'hash', 'collisionProbability', 'bytesPerState', 'peakRssBytes', 'peakHeldBytes', 'heldBytesPerState', 'memoryCeilingMiB', 'bitstate',
  'statesPerSecond', 'stoppedBy', 'steps', 'walks', 'stepsPerSecond',
]);

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
      ? { violation: { property: v.property, family: v.family, path: v.path, steps: [...v.steps], kind: v.kind, message: v.message, ...violationDetail(v) } }
      : {}),
    replay: r.replay,
    maxDepth: r.maxDepth,
    complete: r.complete,
    invariants: [...r.invariants],
    ...(r.properties ? { properties: [...r.properties] } : {}),
    witnesses: r.witnesses.map((w) => ({ id: w.id, reached: w.reached })),
    ...(r.leftOut ? { leftOut: [...r.leftOut] } : {}),
    ...(r.memory ? { memory: { ...r.memory } } : {}),
    ...(r.violations
      ? { violations: r.violations.map((x, i) => ({ property: x.property, family: x.family, path: x.path, steps: [...x.steps], replay: violationReplay(r, i) })) }
      : {}),
    ...(r.stats
      ? {
          stats: {
            hash: r.stats.hash,
            collisionProbability: r.stats.collisionProbability,
            bytesPerState: r.stats.bytesPerState,
            // bfs's memory figures (result.ts says what each counts). Like seconds and the rates they
            // differ between runs of the same input; they always come before statesPerSecond.
            ...(r.stats.peakRssBytes !== undefined ? { peakRssBytes: r.stats.peakRssBytes } : {}),
            ...(r.stats.peakHeldBytes !== undefined ? { peakHeldBytes: r.stats.peakHeldBytes } : {}),
            ...(r.stats.heldBytesPerState !== undefined ? { heldBytesPerState: r.stats.heldBytesPerState } : {}),
            ...(r.stats.memoryCeilingMiB !== undefined ? { memoryCeilingMiB: r.stats.memoryCeilingMiB } : {}),
            ...(r.stats.bitstate
              ? { bitstate: { bits: r.stats.bitstate.bits, hashFunctions: r.stats.bitstate.hashFunctions, hashFactor: r.stats.bitstate.hashFactor, omissionEstimate: r.stats.bitstate.omissionEstimate } }
              : {}),
            statesPerSecond: r.stats.statesPerSecond,
            ...(r.stats.stoppedBy ? { stoppedBy: r.stats.stoppedBy } : {}),
            ...(r.stats.steps !== undefined ? { steps: r.stats.steps } : {}),
            ...(r.stats.walks !== undefined ? { walks: r.stats.walks } : {}),
            ...(r.stats.stepsPerSecond !== undefined ? { stepsPerSecond: r.stats.stepsPerSecond } : {}),
            // What else an engine measured (e.g. pbt's runs and shrinks), after the documented keys.
            ...Object.fromEntries(Object.entries(r.stats).filter(([k]) => !KNOWN_STATS.has(k))),
          },
        }
      : {}),
    // Randomised engines only, after everything bfs writes (so bfs reports keep their shape).
    ...(r.seed !== undefined ? { seed: r.seed } : {}),
    ...(r.origin
      ? {
          origin: {
            seed: r.origin.seed,
            ...(r.origin.walk !== undefined ? { walk: r.origin.walk } : {}),
            ...(r.origin.fcPath !== undefined ? { fcPath: r.origin.fcPath } : {}),
          },
        }
      : {}),
    ...(r.simulation
      ? {
          simulation: {
            prng: r.simulation.prng,
            walks: r.simulation.walks,
            depth: r.simulation.depth,
            ...(r.simulation.shard ? { shard: { index: r.simulation.shard.index, count: r.simulation.shard.count } } : {}),
          },
        }
      : {}),
    ...(r.merged ? { merged: { shards: [...r.merged.shards], count: r.merged.count, allPresent: r.merged.allPresent } } : {}),
    // bfs: states per depth, firings per step, the steps that never fired (report/statespace.ts); last, so every earlier key keeps its place.
    ...(r.stateSpace ? { stateSpace: stateSpaceJson(r.stateSpace) } : {}),
  };
}

/**
 * What a trace step adds for tools, whatever the text flags: the step's lane, thread, label and
 * kernel citation (absent for init), and the state as structured data (model/view.ts).
 */
function traceDetail(t: TraceStep): Record<string, unknown> {
  return { ...(t.step ? { step: { lane: t.step.lane, actor: t.step.actor, label: t.step.label, cites: t.step.cites } } : {}), ...(t.view !== undefined ? { view: t.view } : {}) };
}

/** A check's violation, after its documented keys: the explanation (when the property has one) and the trace, each entry as in a replay's (`nlring merge` reads it back). */
function violationDetail(v: Violation): Record<string, unknown> {
  return {
    ...(v.explanation ? { explanation: v.explanation } : {}),
    ...(v.trace.length > 0 ? { trace: v.trace.map((t) => ({ action: t.action, summary: t.summary, state: t.state, ...traceDetail(t) })) } : {}),
  };
}

export function formatJson(r: CheckResult): string {
  return JSON.stringify(toJson(r), null, 2) + '\n';
}

/**
 * A replay: the path, its steps, the first violation if any, then the full trace with drawings;
 * for a trace regenerated from a seed, last the `origin` it was regenerated from (`path` is its `--path` equivalent).
 * `properties` (after `scenario`) only for a replay restricted with --property: the invariants judged.
 * Each trace entry also carries `step` (lane, actor, label, cites; absent for init) and `view`; the violation its `explanation`.
 */
export function replayToJson(r: ReplayResult, origin?: ReplayOrigin, properties?: readonly string[]): Record<string, unknown> {
  const v = r.violation;
  return {
    variant: r.variant,
    scenario: r.scenario,
    ...(properties ? { properties: [...properties] } : {}),
    path: r.path,
    ...(r.loopFrom !== undefined ? { loopFrom: r.loopFrom } : {}),
    steps: [...r.steps],
    ...(v ? { violation: { property: v.property, family: v.family, step: v.step, ...(v.explanation ? { explanation: v.explanation } : {}) } } : {}),
    trace: r.trace.map((t) => ({ action: t.action, summary: t.summary, state: t.state, ...traceDetail(t) })),
    ...(origin
      ? {
          origin: {
            seed: origin.seed,
            ...(origin.walk !== undefined ? { walk: origin.walk } : {}),
            ...(origin.fcPath !== undefined ? { fcPath: origin.fcPath } : {}),
            ...(origin.depth !== undefined ? { depth: origin.depth } : {}),
          },
        }
      : {}),
  };
}

export function formatReplayJson(r: ReplayResult, origin?: ReplayOrigin, properties?: readonly string[]): string {
  return JSON.stringify(replayToJson(r, origin, properties), null, 2) + '\n';
}
