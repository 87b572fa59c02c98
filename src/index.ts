/**
 * nlring: an executable specification of Linux memory-mapped netlink rings
 * (CONFIG_NETLINK_MMAP, 3.10 to 4.5) and the engines that check it.
 *
 * The public entry of the package (`import { ... } from 'nlring'`). Everything
 * else under src/ is internal and may change without notice.
 *
 * - Catalogue: `listVariants`, `listScenarios`, `listProperties`, `buildTarget`.
 * - Your own variants: `deriveVariant(linux45, 'my-patch', ..., { txMode: 'zero-copy' })`,
 *   then `buildTargetFor(variant, 'tx-sibling')`.
 * - Engines: `bfs` (exhaustive, shortest counterexample, the only engine that can
 *   say `pass`), `pbt` (fast-check; `fail` or `incomplete`), `replay` (an action
 *   path such as `0/3/1`), `replayPbt` (a pbt `{ seed, fcPath }`).
 * - Your own vitest suite: `schedules(maxSteps)` is the fast-check arbitrary pbt
 *   uses, `runSchedule(target, schedule)` applies one schedule and judges every
 *   invariant on every state:
 *
 * ```ts
 * import { test } from '@fast-check/vitest';
 * import { expect } from 'vitest';
 * import { buildTarget, runSchedule, schedules } from 'nlring';
 *
 * const target = buildTarget('linux-4.5', 'tx-sibling');
 * test.prop([schedules(40)])('TX invariants hold', (schedule) => {
 *   expect(runSchedule(target, schedule).violation).toBeUndefined();
 * });
 * ```
 */
export { buildTarget, listVariants, listScenarios, listProperties, findVariant, type Named } from './catalog.js';
export { buildTargetFor } from './targets.js';
// Writing a variant: defineVariant / deriveVariant, the shipped bases, and the spec's building blocks for step overrides.
export * from './patch.js';
export { linux310 } from './model/variants/linux-3.10.js';
export { linux3184 } from './model/variants/linux-3.18.4.js';
export { linux41 } from './model/variants/linux-4.1.js';
export { linux42 } from './model/variants/linux-4.2.js';
export { linux45 } from './model/variants/linux-4.5.js';

export { bfs, type BfsOptions, type Budgets, type Progress } from './check/bfs.js';
export { replay, parsePath, formatPath, type ReplayResult, type ReplayViolation } from './check/replay.js';
export { pbt, replayPbt, schedules, runSchedule, type PbtOptions, type PbtStats, type ReplayPbtOptions, type ScheduleRun } from './check/pbt.js';
export { EXIT, exitCodeFor } from './check/result.js';
export type { CheckResult, Verdict, Violation, TraceStep, WitnessStatus, EngineStats, RandomOrigin, Engine } from './check/result.js';

export type { ActionBase, CheckTarget, Property, PropertyKind, Spec } from './model/interface.js';
export type { ScenarioConfig, ThreadSpec } from './model/config.js';
export type { NlAction, NlState } from './model/spec.js';
export { ReplayError, UsageError } from './errors.js';
// Print a check or a replay the way the nlring command does (its text format).
export { formatText, formatReplayText } from './report/text.js';
export type { ReplayOrigin } from './report/json.js';
// Writing a scenario of your own (a .json or .ts file): the catalogue's witnesses, and the check every scenario file passes.
export { W as WITNESSES } from './props/witnesses.js';
export { scenarioFromValue, scenarioToJson, type ScenarioInput, type ScenarioJson } from './scenarios/load.js';
