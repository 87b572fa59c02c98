/**
 * Property-based testing over a CheckTarget with fast-check (design.md, "Engines").
 *
 * fast-check generates *schedules*: arrays of natural numbers. A schedule is
 * applied from init by the modulo rule: element i picks action
 * `schedule[i] % actions(state).length`; the walk stops early at a terminal
 * state (no action enabled) and at the first violated invariant. Every state
 * reached, init included, is judged against every invariant and recorded for
 * the witnesses, exactly as bfs judges every transition (properties may read
 * what the last step did). fast-check shrinks the schedule, not the states, so
 * a counterexample is always a real path of the spec.
 *
 * Guarantees:
 * - Deterministic: the same target, seed, numRuns and maxSteps give the same
 *   result (timings aside), because generation and shrinking depend on the seed
 *   only. Changing the arbitrary (`schedules`) breaks recorded seeds: see the
 *   golden seed test in test/check/pbt.test.ts.
 * - A reported violation is rebuilt by `replay()` on its nlring action-index
 *   path, which must see the same invariant at the same step (else we throw: the
 *   spec or a predicate is nondeterministic). The path is also minimised by a
 *   deterministic post-pass (`minimise`), so `replayPbt({ seed, fcPath })`
 *   regenerates exactly the same path.
 * - Never `pass`: random testing explores a sample, so a run without a violation
 *   is `incomplete`. Use bfs for a proof within the scenario's bounds.
 * - Exceptions from the spec or a predicate propagate: they are bugs, not verdicts.
 *
 * Limits: schedules are at most `maxSteps` long, so a bug deeper than that is
 * out of reach. The shrunk counterexample is short but not always the shortest:
 * shrinking and the post-pass only delete, so when the first failing run took a
 * different interleaving they cannot reorder it into the shortest one (linux-4.5
 * nfq-batch: 27 steps like bfs for 19 seeds of 20, 38 for the other). Only bfs
 * gives shortest paths and `pass`, within the state space it can explore.
 */
import * as fc from 'fast-check';
import type { ActionBase, CheckTarget, Property } from '../model/interface.js';
import { ReplayError } from '../errors.js';
import { counterexample } from './counterexample.js';
import { FingerprintSet, collisionProbability, fingerprint } from './fingerprint.js';
import { formatPath, replay, type ReplayResult } from './replay.js';
import { COMMAND, propertyWords, shellQuote, type CheckResult, type EngineStats, type Violation, leftOutField } from './result.js';
import { stepperOf, type Slot, type Stepper } from './stepper.js';

export const DEFAULT_NUM_RUNS = 1000;
export const DEFAULT_MAX_STEPS = 60;
/** replayPbt refuses run indices from here on: regenerating them would take seconds to minutes. */
const MAX_REPLAY_RUN = 10_000_000;

/** What fast-check generates, named with its version so reports say which generator produced a seed's values. */
export const PBT_GENERATOR = `fast-check ${fc.__version}`;

export interface PbtOptions {
  /** fast-check's seed (an integer); the same seed gives the same runs and the same shrunk counterexample. */
  readonly seed: number;
  /** Schedules to try before giving up (default 1000). */
  readonly numRuns?: number;
  /** Longest schedule, in steps (default 60). Part of the generator: replay needs the same value. */
  readonly maxSteps?: number;
  /**
   * The ids `target.invariants` was restricted to (`nlring --property`), if it was:
   * only recorded in the result and its reproduce line (see BfsOptions.properties).
   */
  readonly properties?: readonly string[];
}

export interface ReplayPbtOptions {
  readonly seed: number;
  /** fast-check's `counterexamplePath` of the shrunk counterexample, e.g. `12:3:0`. */
  readonly fcPath: string;
  /** Must equal the maxSteps of the run that printed the path (default 60). */
  readonly maxSteps?: number;
}

/** EngineStats plus what only a randomised run has. `statesPerSecond` counts states reached (steps), not distinct ones. */
export interface PbtStats extends EngineStats {
  /** Schedules fast-check ran before the first failure (included), or all of them. */
  readonly runs: number;
  /** Successful shrink steps fast-check took from the first failure to the reported one. */
  readonly shrinks: number;
  /** Steps dropped by the deletion post-pass after fast-check's shrinking. */
  readonly deleted: number;
  /** Wall time from the start to the first failing schedule (before shrinking). */
  readonly secondsToFirstFailure?: number;
}

/**
 * Choices are drawn from 0..839: 840 is the least common multiple of 1..8, so a
 * choice taken modulo any number of enabled actions up to 8 is exactly uniform
 * (the scenarios enable at most 7 at once), and shrinking a choice takes about
 * ten steps instead of thirty for a full 31-bit natural.
 */
const CHOICE_MAX = 839;
/** Longest run of one repeated choice. */
const RUN_MAX = 8;

/**
 * The fast-check arbitrary of schedules: up to `maxSteps` choices, each an index
 * into the enabled actions, taken modulo their number when applied.
 *
 * Schedules are generated as runs: a choice repeated 1 to 8 times. While the
 * enabled actions stay the same, repeating a choice keeps one thread running,
 * so a thread can take several steps in a row however many alternatives the
 * other threads have. With independent uniform choices a thread with many
 * alternatives (a sibling that may rewrite any of 4 fields) almost always runs
 * first, and interleavings such as "the kernel validates, then the sibling
 * rewrites, then the kernel uses" are rare (linux-3.10 tx-sibling: never found
 * in 1000 runs by 5 seeds out of 5; with runs, found by 20 seeds out of 20).
 * Shrinking removes whole runs, shortens them and moves choices towards 0
 * (the first enabled action).
 *
 * Changing this function changes what every recorded seed generates (see the
 * golden seed test in test/check/pbt.test.ts).
 */
export function schedules(maxSteps: number = DEFAULT_MAX_STEPS): fc.Arbitrary<number[]> {
  if (!(Number.isSafeInteger(maxSteps) && maxSteps >= 0)) throw new RangeError(`maxSteps must be an integer >= 0, got ${maxSteps}`);
  const run = fc.tuple(fc.nat({ max: CHOICE_MAX }), fc.integer({ min: 1, max: RUN_MAX }));
  return fc
    .array(run, { maxLength: maxSteps, size: 'max' })
    .map((runs) => runs.flatMap(([choice, times]) => Array<number>(times).fill(choice)).slice(0, maxSteps));
}

/** What applying a schedule did. */
interface Walk<S> {
  /** The nlring action indices taken (the modulo rule applied), up to and including the violating step. */
  readonly indices: number[];
  readonly violated?: Property<S>;
}

/** Called on every state reached (init included), in slot `x` (valid during the call only), with its depth. */
type Observer = (x: Slot, depth: number) => void;

/**
 * Walks from init over one slot, reused by every walk and stepped in place when
 * the spec can, so a step allocates nothing beyond `spec.actions`. A walk keeps
 * no states, only action indices: a counterexample is rebuilt by replay (with
 * `spec.next`, which also checks the in-place step against it).
 */
interface Walker<S, A extends ActionBase> {
  readonly st: Stepper<S, A>;
  /** Apply `schedule` from init by the modulo rule, judging every state; stop at a terminal state or the first violation. */
  walk(schedule: readonly number[], observe?: Observer): Walk<S>;
  /** Take each of `wanted` if an equal action (same plain data) is enabled, skip it otherwise; judge as `walk` does. */
  walkActions(wanted: readonly A[]): Walk<S>;
  /** The actions a path of nlring indices takes. */
  actionsOf(indices: readonly number[]): A[];
}

/** The first invariant `s` violates, in list order. */
function firstViolated<S>(invariants: readonly Property<S>[], s: S): Property<S> | undefined {
  for (let i = 0; i < invariants.length; i++) if (!invariants[i].holds(s)) return invariants[i];
  return undefined;
}

function walkerOf<S, A extends ActionBase>(target: CheckTarget<S, A>): Walker<S, A> {
  const { spec, invariants } = target;
  const st = stepperOf(spec);
  const x = st.slot();
  return {
    st,
    walk(schedule, observe) {
      st.reset(x);
      observe?.(x, 0);
      const indices: number[] = [];
      let violated = firstViolated(invariants, st.state(x));
      for (let i = 0; i < schedule.length && !violated; i++) {
        const enabled = spec.actions(st.state(x));
        if (enabled.length === 0) break;
        const k = schedule[i] % enabled.length;
        st.apply(x, enabled[k]);
        indices.push(k);
        observe?.(x, i + 1);
        violated = firstViolated(invariants, st.state(x));
      }
      return violated ? { indices, violated } : { indices };
    },
    walkActions(wanted) {
      st.reset(x);
      const indices: number[] = [];
      let violated = firstViolated(invariants, st.state(x));
      for (let i = 0; i < wanted.length && !violated; i++) {
        const key = JSON.stringify(wanted[i]);
        const enabled = spec.actions(st.state(x));
        const k = enabled.findIndex((a) => JSON.stringify(a) === key);
        if (k < 0) continue;
        st.apply(x, enabled[k]);
        indices.push(k);
        violated = firstViolated(invariants, st.state(x));
      }
      return violated ? { indices, violated } : { indices };
    },
    actionsOf(indices) {
      st.reset(x);
      return indices.map((k) => {
        const a = spec.actions(st.state(x))[k];
        st.apply(x, a);
        return a;
      });
    },
  };
}

/**
 * Deterministic post-pass over a failing walk, after fast-check's shrinking:
 * try deleting windows of 1 to 4 consecutive steps, later windows first, and
 * keep a deletion when the shorter walk still violates the same property first,
 * until nothing changes. Each window is tried two ways:
 * - by index: the remaining nlring indices, applied by the modulo rule (what
 *   fast-check's array shrinker does, but on reduced indices);
 * - by action: the remaining *actions* (plain data), each taken if it is enabled
 *   at that point and skipped otherwise. This removes, say, one idle loop
 *   iteration of one thread without changing what the other threads do, which a
 *   shrinker on raw choices cannot see (deleting a choice shifts the meaning of
 *   every later one).
 */
function minimise<S, A extends ActionBase>(w: Walker<S, A>, start: Walk<S>): { walk: Walk<S>; deleted: number; steps: number } {
  const id = start.violated!.id;
  let best = start;
  let steps = 0;
  const better = (c: Walk<S>) => {
    steps += c.indices.length;
    if (c.violated?.id === id && c.indices.length < best.indices.length) {
      best = c;
      return true;
    }
    return false;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let width = 1; width <= MINIMISE_WINDOW; width++) {
      let actions = w.actionsOf(best.indices);
      steps += actions.length;
      for (let i = best.indices.length - width; i >= 0; i--) {
        const keep = (_: unknown, j: number) => j < i || j >= i + width;
        if (better(w.walk(best.indices.filter(keep))) || better(w.walkActions(actions.filter(keep)))) {
          changed = true;
          actions = w.actionsOf(best.indices);
          steps += actions.length;
          i = Math.min(i, best.indices.length - width + 1);
        }
      }
    }
  }
  return { walk: best, deleted: start.indices.length - best.indices.length, steps };
}

const MINIMISE_WINDOW = 4;

/** Parameters that fix what fast-check generates, so a global `fc.configureGlobal` cannot change a seed's meaning. */
function generationParameters(seed: number): fc.Parameters<[number[]]> {
  return { seed, randomType: 'xorshift128plus', examples: [], verbose: fc.VerbosityLevel.None };
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
}

/**
 * Random testing of `target` with fast-check. `fail` with a shrunk, replayable
 * counterexample when some schedule violates an invariant, otherwise
 * `incomplete` (never `pass`).
 */
export function pbt<S, A extends ActionBase>(target: CheckTarget<S, A>, options: PbtOptions): CheckResult {
  const { seed } = options;
  const numRuns = options.numRuns ?? DEFAULT_NUM_RUNS;
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  checkSeed(seed);
  if (!(Number.isSafeInteger(numRuns) && numRuns >= 1 && numRuns <= MAX_REPLAY_RUN)) throw new RangeError(`numRuns must be an integer in 1..${MAX_REPLAY_RUN}, got ${numRuns}`);
  const { invariants, witnesses } = target;
  const started = performance.now();

  const walker = walkerOf(target);
  const { st } = walker;
  const seen = new FingerprintSet(1 << 12);
  const fp = new Uint32Array(2);
  const reached = witnesses.map(() => false);
  let steps = 0;
  let deepest = 0;
  let firstFailure: number | undefined;
  const observe: Observer = (x, depth) => {
    if (depth > 0) steps++;
    if (depth > deepest) deepest = depth;
    fingerprint(st.units(x), fp);
    seen.add(fp[0], fp[1]);
    const s = st.state(x);
    for (let i = 0; i < witnesses.length; i++) {
      if (!reached[i] && witnesses[i].holds(s)) reached[i] = true;
    }
  };

  // fast-check treats a throw as one more failure and would shrink towards it; we
  // keep the first exception and rethrow it after the run instead.
  let crash: { error: unknown } | undefined;
  const property = fc.property(schedules(maxSteps), (schedule) => {
    if (crash) return false;
    try {
      const ok = walker.walk(schedule, observe).violated === undefined;
      if (!ok) firstFailure ??= performance.now();
      return ok;
    } catch (error) {
      crash = { error };
      return false;
    }
  });
  const details = fc.check(property, { ...generationParameters(seed), numRuns, endOnFailure: false });
  if (crash) throw crash.error;

  let violation: Violation | undefined;
  let fcPath: string | undefined;
  let deleted = 0;
  if (details.failed) {
    if (details.counterexample === null) throw new Error(`fast-check stopped without a counterexample (${details.interrupted ? 'interrupted' : 'too many skips'})`);
    fcPath = details.counterexamplePath;
    const found = walker.walk(details.counterexample[0]);
    if (!found.violated) throw new Error(`pbt: fast-check's counterexample ${fcPath} violates nothing when walked again: is the spec or a predicate nondeterministic?`);
    const m = minimise(walker, found);
    steps += m.steps;
    deleted = m.deleted;
    violation = counterexample(target, m.walk.violated!, m.walk.indices);
  }

  const seconds = Math.round(performance.now() - started) / 1000;
  const stats: PbtStats = {
    hash: PBT_GENERATOR,
    collisionProbability: collisionProbability(seen.size),
    bytesPerState: Math.round((seen.bytes / Math.max(1, seen.size)) * 10) / 10,
    statesPerSecond: seconds > 0 ? Math.round(steps / seconds) : steps,
    runs: details.numRuns,
    shrinks: details.numShrinks,
    deleted,
    ...(firstFailure !== undefined ? { secondsToFirstFailure: Math.round(firstFailure - started) / 1000 } : {}),
  };
  const common = {
    variant: target.variant,
    scenario: target.scenario,
    engine: 'pbt' as const,
    seed,
    states: seen.size,
    transitions: steps,
    maxDepth: deepest,
    seconds,
    complete: false,
    invariants: invariants.map((p) => p.id),
    ...(options.properties ? { properties: [...options.properties] } : {}),
    witnesses: witnesses.map((w, i) => ({ id: w.id, reached: reached[i] })),
    ...leftOutField(target),
    stats,
  };
  if (violation && fcPath !== undefined) {
    return {
      verdict: 'fail',
      ...common,
      origin: { seed, fcPath },
      violation,
      replay: pbtReplayCommand(target.variant, target.scenario, seed, fcPath, maxSteps, options.properties),
    };
  }
  return { verdict: 'incomplete', ...common, replay: pbtCheckCommand(target.variant, target.scenario, seed, numRuns, maxSteps, options.properties) };
}

/**
 * Regenerate the counterexample that `pbt` reported as `{ seed, fcPath }` and
 * replay it. The result equals `replay(target, path)` for the path pbt printed.
 * Throws ReplayError when the seed and path do not give a failing schedule
 * (another fast-check version, another maxSteps, or a spec that changed).
 */
export function replayPbt<S, A extends ActionBase>(target: CheckTarget<S, A>, options: ReplayPbtOptions): ReplayResult {
  const { seed, fcPath } = options;
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  checkSeed(seed);
  const where = `${target.variant}/${target.scenario} with seed ${seed}, fast-check path '${fcPath}' and maxSteps (--depth) ${maxSteps} (${PBT_GENERATOR})`;
  if (!/^(0|[1-9][0-9]*)(:(0|[1-9][0-9]*))*$/.test(fcPath)) {
    throw new ReplayError(`malformed fast-check path '${fcPath}' (expected e.g. 12:3:0)`);
  }
  // fast-check walks to run N by generating the N runs before it: refuse what no run could have printed.
  if (Number(fcPath.split(':')[0]) >= MAX_REPLAY_RUN) {
    throw new ReplayError(`${where} does not reproduce a failure: run ${fcPath.split(':')[0]} is beyond any pbt run (at most ${MAX_REPLAY_RUN} runs are replayed)`);
  }
  const walker = walkerOf(target);
  let details: fc.RunDetails<[number[]]>;
  try {
    details = fc.check(
      fc.property(schedules(maxSteps), (schedule) => walker.walk(schedule).violated === undefined),
      // numRuns bounds the search only for a path without ':' (a failure before any shrink).
      { ...generationParameters(seed), path: fcPath, endOnFailure: true, numRuns: 1 },
    );
  } catch (e) {
    throw new ReplayError(`${where} cannot be replayed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  if (!details.failed || details.counterexample === null) {
    throw new ReplayError(`${where} does not reproduce a failure`);
  }
  // A spec that throws on this schedule throws here too: a bug, not a replay error.
  const found = walker.walk(details.counterexample[0]);
  if (!found.violated) throw new Error(`replayPbt: fast-check's counterexample violates nothing when walked again: is the spec or a predicate nondeterministic?`);
  return replay(target, formatPath(minimise(walker, found).walk.indices));
}

function maxStepsWords(maxSteps: number): string[] {
  return maxSteps === DEFAULT_MAX_STEPS ? [] : ['--depth', String(maxSteps)];
}

/**
 * `nlring replay ... --engine pbt --seed N --fc-path P`: regenerates the shrunk counterexample
 * (with `--property` when the run was restricted: what fails, and so the path, depends on the invariants judged).
 */
export function pbtReplayCommand(variant: string, scenario: string, seed: number, fcPath: string, maxSteps: number = DEFAULT_MAX_STEPS, properties?: readonly string[]): string {
  return [COMMAND, 'replay', '--variant', variant, '--scenario', scenario, ...propertyWords(properties), '--engine', 'pbt', '--seed', String(seed), '--fc-path', fcPath, ...maxStepsWords(maxSteps)]
    .map(shellQuote)
    .join(' ');
}

/** `nlring check ... --engine pbt --seed N`: reruns the same random test. */
export function pbtCheckCommand(
  variant: string,
  scenario: string,
  seed: number,
  numRuns: number = DEFAULT_NUM_RUNS,
  maxSteps: number = DEFAULT_MAX_STEPS,
  properties?: readonly string[],
): string {
  const words = [COMMAND, 'check', '--variant', variant, '--scenario', scenario, ...propertyWords(properties), '--engine', 'pbt', '--seed', String(seed)];
  if (numRuns !== DEFAULT_NUM_RUNS) words.push('--runs', String(numRuns));
  return [...words, ...maxStepsWords(maxSteps)].map(shellQuote).join(' ');
}

/** What `runSchedule` reports. */
export interface ScheduleRun {
  /** The first invariant violated, at which step (0 = init), and the nlring path to it. */
  readonly violation?: { readonly property: string; readonly step: number; readonly path: string };
  /** The nlring action-index path actually taken (`0/3/1`), cut at a violation or a terminal state. */
  readonly path: string;
  /** `describe()` of each step taken. */
  readonly steps: string[];
}

/**
 * Apply one schedule to `target` by the modulo rule and judge every invariant
 * on every state, as `pbt` does: for property tests in your own suite
 * (`test.prop([schedules(40)])(..., (s) => { ... runSchedule(target, s) ... })`).
 */
export function runSchedule<S, A extends ActionBase>(target: CheckTarget<S, A>, schedule: readonly number[]): ScheduleRun {
  const w = walkerOf(target).walk(schedule);
  const path = formatPath(w.indices);
  // Describe each step in the state it was taken from.
  const { spec } = target;
  let s = spec.init();
  const steps = w.indices.map((k) => {
    const a = spec.actions(s)[k];
    const line = spec.describe(s, a);
    s = spec.next(s, a);
    return line;
  });
  return {
    ...(w.violated ? { violation: { property: w.violated.id, step: w.indices.length, path } } : {}),
    path,
    steps,
  };
}
