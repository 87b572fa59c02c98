/**
 * Random simulation (after Quint's simulator and TLC's -simulate): many bounded
 * random walks from the initial state, each drawn from its own seeded stream.
 *
 * Guarantees:
 * - Deterministic: walk w of a run with seed N takes the same steps on every
 *   machine, in every shard and on its own (`walkRng(N, w)` and the deterministic
 *   order of `spec.actions(s)`). Only a time budget makes a run depend on the
 *   machine (it stops it earlier).
 * - A step picks an actor uniformly among those with an enabled action, then
 *   one of its actions uniformly (`pickAction`: fair to threads, not to their
 *   alternatives, which is what finding races needs).
 * - Every state a walk reaches, the initial state included, is judged like bfs
 *   judges it: witnesses first, then the invariants in order (they may read the
 *   transient record of the last step). The first violation stops the run. Walks
 *   run in increasing index order, so the violation reported is the one of the
 *   lowest failing walk (of the shard), and within it the first failing state.
 * - The violation's `path` is the walk's prefix as action indices, so
 *   `nlring replay --path` reproduces it with bfs semantics; the trace is rebuilt
 *   by that same replay.
 * - Never `pass`: random walks prove nothing, so a run without a violation is
 *   `incomplete`, however many walks it took, and a witness it never reached is
 *   not reported as vacuous either.
 *
 * Limits: the engine does not track distinct states (no encoding, no visited
 * set), so `states` counts steps, and nothing says how much of the state space the
 * walks covered. A walk ends early in a state without enabled actions.
 */
import type { ActionBase, CheckTarget, Property, Spec } from '../model/interface.js';
import { counterexample } from './counterexample.js';
import { PRNG_NAME, pickAction, walkRng, type Rng } from './prng.js';
import { formatPath, replay, type ReplayResult } from './replay.js';
import { COMMAND, propertyWords, shellQuote, type CheckResult, type EngineStats, type Shard, type SimulationParams, leftOutField } from './result.js';
import { stepperOf, type Slot, type Stepper } from './stepper.js';

export { PRNG_NAME } from './prng.js';

/** Used by the CLI when `--walks` / `--depth` are not given. */
export const DEFAULT_WALKS = 1000;
export const DEFAULT_DEPTH = 100;

export interface SimulateOptions {
  /** A safe integer >= 0; together with the walk index it fixes every step of a walk. */
  readonly seed: number;
  /** Walks of the whole run (an integer >= 1); a shard runs its share of them. */
  readonly walks: number;
  /** Steps per walk at most (an integer >= 1). */
  readonly depth: number;
  /** Run only the walks w with w % count === index. */
  readonly shard?: Shard;
  /** Wall-clock budget in seconds: a run stopped by it is not reproducible walk for walk. */
  readonly timeBudgetSeconds?: number;
  /**
   * The ids `target.invariants` was restricted to (`nlring --property`), if it was:
   * only recorded in the result and its reproduce line (see BfsOptions.properties).
   */
  readonly properties?: readonly string[];
  /** Called about once a second, the first time after about a second. */
  readonly onProgress?: (p: SimulateProgress) => void;
  /** Milliseconds between progress calls; 1000 unless given (tests use 0). */
  readonly progressIntervalMs?: number;
  /** Asked where the clock is read (between walks and every few steps): true stops the run as `interrupted` (SIGINT; see BfsOptions.interrupted). */
  readonly interrupted?: () => boolean;
}

export interface SimulateProgress {
  readonly seconds: number;
  /** Walks started so far (in this shard). */
  readonly walks: number;
  /** Walks this shard will run in all. */
  readonly of: number;
  readonly steps: number;
  /** Steps per second since the start. */
  readonly perSecond: number;
}

function integer(name: string, v: number, min: number): number {
  if (!(Number.isSafeInteger(v) && v >= min)) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

/** Validate a shard; `undefined` for the whole run (also for `0/1`). */
function checkShard(shard: Shard | undefined): Shard | undefined {
  if (shard === undefined) return undefined;
  integer('shard count', shard.count, 1);
  if (!(Number.isSafeInteger(shard.index) && shard.index >= 0 && shard.index < shard.count)) {
    throw new RangeError(`shard index must be an integer in 0..${shard.count - 1}, got ${shard.index}`);
  }
  return shard.count === 1 ? undefined : { index: shard.index, count: shard.count };
}

/** Steps between clock reads (time budget, progress). */
const TICK = 1024;

/**
 * The random walk itself, shared by `simulate` and `replayWalk` so that the two
 * cannot drift apart. Mutable and reused across walks: a walk steps one slot in
 * place (when the spec can), so a step allocates nothing beyond what
 * `spec.actions` does. Nothing keeps a walk's states: a counterexample is
 * rebuilt from `path` by replay, which steps with `spec.next` and so also checks
 * the in-place step against it.
 */
class Walker<S, A extends ActionBase> {
  /** Action indices of the current walk; only the first `length` entries belong to it. */
  readonly path: number[] = [];
  /** The invariant the current walk violated, if any, in its last state. */
  bad: Property<S> | undefined;
  /** Set when `tick` asked to stop. */
  stopped = false;
  steps = 0;
  private unreached: number;
  private countdown = TICK;
  private readonly st: Stepper<S, A>;
  /** The state of the current walk. */
  private readonly x: Slot;

  constructor(
    private readonly spec: Spec<S, A>,
    private readonly invariants: readonly Property<S>[],
    private readonly witnesses: readonly Property<S>[],
    readonly reached: boolean[],
    /** Called every TICK steps; true stops the run. */
    private readonly tick: () => boolean = () => false,
  ) {
    this.unreached = reached.filter((r) => !r).length;
    this.st = stepperOf(spec);
    this.x = this.st.slot();
  }

  /** Judge the initial state, which is the same for every walk. */
  judgeInit(): boolean {
    this.st.reset(this.x);
    return this.judge(this.st.state(this.x));
  }

  /** Judge one state (witnesses first, as bfs does); sets `bad` and returns false on a violation. */
  judge(s: S): boolean {
    if (this.unreached > 0) {
      const w = this.witnesses;
      for (let i = 0; i < w.length; i++) {
        if (!this.reached[i] && w[i].holds(s)) {
          this.reached[i] = true;
          this.unreached--;
        }
      }
    }
    const inv = this.invariants;
    for (let i = 0; i < inv.length; i++) {
      if (!inv[i].holds(s)) {
        this.bad = inv[i];
        return false;
      }
    }
    return true;
  }

  /**
   * Walk from the initial state (judged by `judgeInit`) for up to `depth` steps;
   * returns the number of steps taken. Stops early at a violation (`bad`), a
   * state without enabled actions, or when `tick` says so (`stopped`).
   */
  walk(rng: Rng, depth: number): number {
    const { spec, path, st, x } = this;
    this.bad = undefined;
    st.reset(x);
    for (let d = 0; d < depth; d++) {
      const actions = spec.actions(st.state(x));
      if (actions.length === 0) return d;
      const k = pickAction(rng, actions);
      path[d] = k;
      st.apply(x, actions[k]);
      this.steps++;
      if (!this.judge(st.state(x))) return d + 1;
      if (--this.countdown === 0) {
        this.countdown = TICK;
        if (this.tick()) {
          this.stopped = true;
          return d + 1;
        }
      }
    }
    return depth;
  }
}

/** Run the random walks of `options` over `target`; see the module comment for what the result means. */
export function simulate<S, A extends ActionBase>(target: CheckTarget<S, A>, options: SimulateOptions): CheckResult {
  const { spec, invariants, witnesses } = target;
  const seed = integer('seed', options.seed, 0);
  const walks = integer('walks', options.walks, 1);
  const depth = integer('depth', options.depth, 1);
  const shard = checkShard(options.shard);
  const first = shard?.index ?? 0;
  const stride = shard?.count ?? 1;
  const mine = first < walks ? Math.ceil((walks - first) / stride) : 0;
  const timeBudget = options.timeBudgetSeconds ?? Infinity;
  const interval = options.progressIntervalMs ?? 1000;
  const started = performance.now();
  let lastProgress = started;
  let walksRun = 0;
  let stoppedBy: string | undefined;

  const tick = (): boolean => {
    const now = performance.now();
    const seconds = (now - started) / 1000;
    if (options.onProgress && now - lastProgress >= interval) {
      lastProgress = now;
      options.onProgress({ seconds, walks: walksRun, of: mine, steps: walker.steps, perSecond: seconds > 0 ? walker.steps / seconds : 0 });
    }
    if (seconds >= timeBudget) {
      stoppedBy = 'time-budget';
      return true;
    }
    if (options.interrupted?.()) {
      stoppedBy = 'interrupted';
      return true;
    }
    return false;
  };
  const walker = new Walker(spec, invariants, witnesses, witnesses.map(() => false), tick);

  let failed: { walk: number; length: number } | undefined;
  let deepest = 0;
  if (mine > 0) {
    // The initial state is the same for every walk: judge it once, on behalf of the shard's first walk.
    if (!walker.judgeInit()) {
      walksRun = 1;
      failed = { walk: first, length: 0 };
    } else {
      for (let w = first; w < walks; w += stride) {
        walksRun++;
        const length = walker.walk(walkRng(seed, w), depth);
        if (length > deepest) deepest = length;
        if (walker.bad) {
          failed = { walk: w, length };
          break;
        }
        if (walker.stopped || (w + stride < walks && tick())) break;
      }
    }
  }

  // The rate counts walking only, not rebuilding the counterexample's trace below.
  const walking = performance.now() - started;
  const steps = walker.steps;
  const perSecond = walking > 0 ? Math.round(steps / (walking / 1000)) : steps;
  const stats: EngineStats = {
    hash: PRNG_NAME,
    collisionProbability: 0,
    bytesPerState: 0,
    statesPerSecond: perSecond,
    ...(stoppedBy ? { stoppedBy } : {}),
    steps,
    walks: walksRun,
    stepsPerSecond: perSecond,
  };
  const simulation: SimulationParams = { prng: PRNG_NAME, walks, depth, ...(shard ? { shard } : {}) };
  const common = {
    variant: target.variant,
    scenario: target.scenario,
    engine: 'simulate' as const,
    seed,
    states: steps,
    transitions: steps,
    maxDepth: deepest,
    seconds: Math.round(walking) / 1000,
    complete: false,
    invariants: invariants.map((p) => p.id),
    ...(options.properties ? { properties: [...options.properties] } : {}),
    witnesses: witnesses.map((w, i) => ({ id: w.id, reached: walker.reached[i] })),
    ...leftOutField(target),
  };

  if (failed && walker.bad) {
    const violation = counterexample(target, walker.bad, walker.path.slice(0, failed.length));
    return {
      verdict: 'fail',
      ...common,
      seconds: Math.round(performance.now() - started) / 1000,
      origin: { seed, walk: failed.walk },
      violation,
      replay: walkReplayCommand(target.variant, target.scenario, seed, failed.walk, depth, options.properties),
      stats,
      simulation,
    };
  }
  return {
    verdict: 'incomplete',
    ...common,
    replay: simulateCommand(target.variant, target.scenario, { seed, walks, depth, shard, timeBudgetSeconds: options.timeBudgetSeconds, properties: options.properties }),
    stats,
    simulation,
  };
}

export interface WalkOptions {
  readonly seed: number;
  readonly walk: number;
  readonly depth: number;
}

/**
 * Regenerate walk `walk` of the run seeded with `seed` (up to `depth` steps,
 * stopping at its first violation like `simulate`) and replay its path: the
 * result is exactly `replay(target, path)` for that walk's path.
 */
export function replayWalk<S, A extends ActionBase>(target: CheckTarget<S, A>, options: WalkOptions): ReplayResult {
  const seed = integer('seed', options.seed, 0);
  const walk = integer('walk', options.walk, 0);
  const depth = integer('depth', options.depth, 1);
  const walker = new Walker(target.spec, target.invariants, [], []);
  const length = walker.judgeInit() ? walker.walk(walkRng(seed, walk), depth) : 0;
  const r = replay(target, formatPath(walker.path.slice(0, length)));
  const expected = walker.bad?.id;
  if (r.violation?.property !== expected || (r.violation && r.violation.step !== length)) {
    throw new Error(
      `replay of walk ${walk} of seed ${seed} (path ${r.path === '' ? "''" : r.path}) does not agree with the walk ` +
        `(walk: ${expected ?? 'no violation'}, replay: ${r.violation?.property ?? 'no violation'}): is the spec or a predicate nondeterministic?`,
    );
  }
  return r;
}

/**
 * The command that regenerates walk `walk` of seed `seed`: `nlring replay ... --seed N --walk W --depth D`
 * (with `--property` when the run was restricted: the walk stops at the first violation of the invariants judged).
 */
export function walkReplayCommand(variant: string, scenario: string, seed: number, walk: number, depth: number, properties?: readonly string[]): string {
  return [COMMAND, 'replay', '--variant', variant, '--scenario', scenario, ...propertyWords(properties), '--seed', String(seed), '--walk', String(walk), '--depth', String(depth)]
    .map(shellQuote)
    .join(' ');
}

/** The command that reruns a simulation (or one shard of it). */
export function simulateCommand(
  variant: string,
  scenario: string,
  o: { readonly seed: number; readonly walks: number; readonly depth: number; readonly shard?: Shard; readonly timeBudgetSeconds?: number; readonly properties?: readonly string[] },
): string {
  const words = [COMMAND, 'check', '--engine', 'simulate', '--variant', variant, '--scenario', scenario, ...propertyWords(o.properties)];
  words.push('--seed', String(o.seed), '--walks', String(o.walks), '--depth', String(o.depth));
  if (o.shard && o.shard.count > 1) words.push('--shard', `${o.shard.index}/${o.shard.count}`);
  if (o.timeBudgetSeconds !== undefined) words.push('--time-budget', String(o.timeBudgetSeconds));
  return words.map(shellQuote).join(' ');
}
