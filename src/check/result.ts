/**
 * The typed result every engine returns, and the few pure helpers around it
 * (exit codes, reproduce commands). Formatters in src/report/ read only this.
 */
import type { PropertyKind } from '../model/interface.js';

export type Verdict = 'pass' | 'fail' | 'incomplete';

/** One state of a trace: the action that led to it (`init` for the first) and its drawings. */
export interface TraceStep {
  readonly action: string;
  /** `spec.render(state)`: multi-line drawing. */
  readonly state: string;
  /** `spec.summary(state)`: one line. */
  readonly summary: string;
  /** `spec.view(state)`, when the spec has it: the state as structured data. */
  readonly view?: unknown;
  /** `spec.stepInfo(before, action)` of the step that led here (absent for init). */
  readonly step?: { readonly lane: 'kernel' | 'user'; readonly actor: string; readonly label: string; readonly cites: string };
}

export interface Violation {
  readonly property: string;
  readonly family: string;
  /** `always`: an invariant failed in the last state of `path`. `sometimes`: a witness was never reached (vacuous run). */
  readonly kind: PropertyKind;
  /** The property's doc, so formatters need no catalogue. */
  readonly doc: string;
  /** Action indices from init, e.g. `0/3/1`; empty for a violation in init or a vacuous run. */
  readonly path: string;
  /** `describe()` of each action on the path. */
  readonly steps: string[];
  /** steps.length + 1 entries, the first being init; empty for a vacuous run. */
  readonly trace: TraceStep[];
  /** One line saying what went wrong, e.g. `invariant X violated after 3 steps`. */
  readonly message: string;
  /** The property's explanation of the violating state (the values that broke it), when it has one. */
  readonly explanation?: string;
}

export interface WitnessStatus {
  readonly id: string;
  readonly reached: boolean;
}

/** What the engine measured about itself; recorded so that runs can be compared and trusted. */
export interface EngineStats {
  /** The fingerprint hash, by name and version; for simulate the PRNG (`seedrandom/alea`), which seeds depend on. */
  readonly hash: string;
  /** TLC-style optimistic probability that a fingerprint collision hid a state (0 for simulate, which stores no states). */
  readonly collisionProbability: number;
  /**
   * Bytes of the fingerprint table (or bit array) and the parent links, as allocated, per
   * distinct state (0 for simulate). Only that: not the frontier, not the JS heap, not
   * what the process holds besides (see `heldBytesPerState` and `peakRssBytes`).
   */
  readonly bytesPerState: number;
  /**
   * bfs: the peak resident set size of the whole process in bytes (getrusage's ru_maxrss),
   * read when the run ends. It is the process's peak, not this run's: earlier runs in
   * the same process (check-all, a test suite, a worker's siblings) count, and it never
   * goes down. Like `seconds` it differs between two runs of the same input.
   */
  readonly peakRssBytes?: number;
  /**
   * bfs: the most this run held at once, in bytes: its typed arrays (visited set or bit
   * array, parent and action links, the frontier's chunks and their recycling pool)
   * plus the JS heap in use, sampled at the end of every level (where the frontier is
   * largest) and at every memory check. The heap part is process-wide and varies
   * between runs; a spilled frontier (--disk-queue) counts only its chunks in memory.
   */
  readonly peakHeldBytes?: number;
  /** bfs: `peakHeldBytes` per distinct state: everything the run held, not only the visited set. */
  readonly heldBytesPerState?: number;
  /** bfs: the memory ceiling the run was judged against, in MiB (absent when it had none). */
  readonly memoryCeilingMiB?: number;
  /** bfs --bitstate: the bit array's size and SPIN's coverage figures (check/bitstate.ts). */
  readonly bitstate?: BitstateStats;
  /** bfs --por: what partial-order reduction did (absent when it was not asked for). */
  readonly reduction?: ReductionStats;
  /** bfs --workers N (N > 1): the worker threads of the parallel search (check/parallel-bfs.ts); absent for one thread. */
  readonly workers?: number;
  /** Distinct states per second (simulate: steps per second). */
  readonly statesPerSecond: number;
  /**
   * Why the run stopped before exploring everything: a `StopReason` (`max-states`, `max-depth`,
   * `time-budget`, `memory` or `interrupted`). A string, because merged reports are read back from JSON.
   */
  readonly stoppedBy?: string;
  /** simulate: steps taken (`spec.next` calls) over all walks run. */
  readonly steps?: number;
  /** simulate: walks run (started), the failing one included. */
  readonly walks?: number;
  readonly stepsPerSecond?: number;
}

/**
 * What partial-order reduction did in a bfs run. With reduction a counterexample
 * is still a real path from the initial state (it replays without reduction),
 * but no longer necessarily a shortest one: the states and transitions counted
 * are those of the reduced graph.
 */
export interface ReductionStats {
  /** How ample sets were chosen (the spec's one line), or why the spec offers none for these properties. */
  readonly method: string;
  /** False when the spec could not reduce (then `method` says why) and the run explored everything. */
  readonly applied: boolean;
  /** States expanded through an ample set smaller than all their enabled actions. */
  readonly reducedStates: number;
  /** States whose candidates all failed the cycle proviso (some successor already seen), so they were expanded fully. */
  readonly provisoFallbacks: number;
}

/** What a bitstate (supertrace) run reports about its bit array, as SPIN's pan does. */
export interface BitstateStats {
  /** log2 of the array's size in bits (`--bitstate BITS`, SPIN's -w). */
  readonly bits: number;
  /** Bits set per state (SPIN's -k). */
  readonly hashFunctions: number;
  /** SPIN's hash factor: bits in the array per state stored (SPIN: best if > 100). */
  readonly hashFactor: number;
  /**
   * Estimated fraction of the new states the search met that the array wrongly took
   * for seen (so they and what only they lead to were not explored); check/bitstate.ts.
   */
  readonly omissionEstimate: number;
}

/**
 * Why an engine stopped before it had explored everything it was asked to (`interrupted`: SIGINT, by the CLI).
 * `bitstate`: the search ran to its end, but with a bit array that may have taken unseen states for seen.
 */
export type StopReason = 'max-states' | 'max-depth' | 'time-budget' | 'memory' | 'interrupted' | 'bitstate';

/** What every report (text, summary, JUnit) says for each stop reason: one table, so they cannot disagree. */
export const STOP_REASONS: Readonly<Record<StopReason, string>> = {
  'max-states': 'state budget reached',
  'max-depth': 'depth budget reached',
  'time-budget': 'time budget ran out',
  memory: 'memory ceiling reached',
  interrupted: 'interrupted by SIGINT',
  bitstate: 'bitstate hashing may have missed states',
};

/**
 * The phrase for `stats.stoppedBy`: the table's, or the id itself for one the table
 * does not know (a report read back from JSON), and a neutral phrase when the
 * result does not say, rather than guessing a budget.
 */
export function stopPhrase(stoppedBy: string | undefined): string {
  if (stoppedBy === undefined) return 'stopped early (reason not recorded)';
  return Object.hasOwn(STOP_REASONS, stoppedBy) ? STOP_REASONS[stoppedBy as StopReason] : stoppedBy;
}

/** One shard of a simulation: walk w belongs to shard `index` of `count` iff w % count === index. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** The parameters of a simulation run: with the PRNG they fix every walk it takes. */
export interface SimulationParams {
  /** The PRNG by name (`PRNG_NAME`); seeds of different generators mean different walks. */
  readonly prng: string;
  /** Walks of the whole run, over all shards. */
  readonly walks: number;
  /** Steps per walk at most. */
  readonly depth: number;
  /** Which share of the walks this result covers; absent for the whole run. */
  readonly shard?: Shard;
}

/** What `nlring merge` combined into one result. */
export interface MergeInfo {
  /** Indices of the merged shards, ascending. */
  readonly shards: number[];
  /** How many shards the run was split into. */
  readonly count: number;
  /** True when every shard 0..count-1 was merged. */
  readonly allPresent: boolean;
}

export type Engine = 'bfs' | 'simulate' | 'pbt';

/** Where a randomised engine's failing trace came from, so it can be replayed exactly. */
export interface RandomOrigin {
  /** The seed the run was started with (simulate: of the whole run; pbt: fast-check's seed). */
  readonly seed: number;
  /** simulate: index of the failing walk within the run. */
  readonly walk?: number;
  /** pbt: fast-check's replay path of the shrunk counterexample, e.g. `3:1:0`. */
  readonly fcPath?: string;
}

export interface CheckResult {
  readonly verdict: Verdict;
  readonly variant: string;
  readonly scenario: string;
  readonly engine: Engine;
  /** The seed of a randomised engine (absent for bfs). */
  readonly seed?: number;
  /** For a failure found by a randomised engine: how to regenerate it. */
  readonly origin?: RandomOrigin;
  /** Distinct states seen. */
  readonly states: number;
  /** Successors computed (`spec.next` calls). */
  readonly transitions: number;
  /** Depth of the deepest state seen (init is depth 0). */
  readonly maxDepth: number;
  /** Wall time; the only field that differs between two runs on the same input. */
  readonly seconds: number;
  /** True when every reachable state was explored (no budget hit, no early stop). */
  readonly complete: boolean;
  /** Ids of the invariants that were checked, in order. */
  readonly invariants: string[];
  /**
   * Present when the run was restricted to some invariants (`--property`): their ids,
   * in the scenario's order (then equal to `invariants`). Witnesses are not restricted.
   */
  readonly properties?: string[];
  readonly witnesses: WitnessStatus[];
  /** What the spec left out of its states because nothing checked reads it (Spec.leftOut); absent when nothing. */
  readonly leftOut?: string[];
  /** The memory model when it is not sequential consistency, and the bounds of its store buffers and early loads (Spec.memory). */
  readonly memory?: { readonly model: string; readonly bounds: string };
  readonly violation?: Violation;
  /** With --all-violations: the first counterexample of every violated invariant (the first is `violation`). */
  readonly violations?: Violation[];
  /** One shell command that reproduces this result. */
  readonly replay: string;
  readonly stats?: EngineStats;
  /** simulate: the run's parameters (with `seed`, enough to regenerate it). */
  readonly simulation?: SimulationParams;
  /** Present on the result of `nlring merge`. */
  readonly merged?: MergeInfo;
  /** bfs: states per depth and firings per step (src/check/coverage-stats.ts); of what was explored, also when a budget stopped the run. */
  readonly stateSpace?: StateSpace;
}

/** A run's state-space summary, as TLC's coverage report: what the search saw, not a verdict. */
export interface StateSpace {
  /** `depths[d]`: distinct states first reached at depth d (init is depth 0); they add up to `states`. */
  readonly depths: number[];
  /** Transitions per action kind (step label), for the kinds that fired: in the spec's order of kinds. */
  readonly fired: Record<string, number>;
  /** The spec's kinds that never fired in the run, in its order; absent when the spec does not list its kinds. */
  readonly neverFired?: string[];
}

/** TLC-style exit codes (design.md): 0 pass, 1 fail, 2 usage, 3 incomplete, 4 internal. */
export const EXIT = { pass: 0, fail: 1, usage: 2, incomplete: 3, internal: 4 } as const;

export function exitCodeFor(verdict: Verdict): number {
  return EXIT[verdict];
}

/** The worst of several verdicts: a failure outranks an incomplete run, which outranks a pass. */
export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('fail')) return 'fail';
  if (verdicts.includes('incomplete')) return 'incomplete';
  return 'pass';
}

/**
 * How reproduce lines start. `nlring` assumes the bin is on PATH (`npm link` or a
 * global install); in a fresh clone `node dist/src/cli/main.js` is equivalent.
 * (`npx nlring` inside the repo makes npm self-install the package into its cache,
 * which is slower and may go to the network, so we do not print that.)
 */
export const COMMAND = 'nlring';

/** Quote a word for a POSIX shell only when it needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The words that restrict a command to some invariants: `--property A,B`, or none
 * for a run of all the scenario's invariants.
 */
export function propertyWords(properties: readonly string[] = []): string[] {
  return properties.length === 0 ? [] : ['--property', properties.join(',')];
}

/**
 * `nlring replay --path`. Without `properties` the replay judges every invariant
 * of the scenario and stops at the first violated one; with them, only those.
 */
export function replayCommand(variant: string, scenario: string, path: string, properties?: readonly string[]): string {
  return [COMMAND, 'replay', '--variant', variant, '--scenario', scenario, ...propertyWords(properties), '--path', path].map(shellQuote).join(' ');
}

/**
 * The replay command of `r.violations[i]` (--all-violations). The first violation
 * is the first of all the invariants checked, so `r.replay` reproduces it. A later
 * one was found against its own invariant alone: replayed under all of them, its
 * path could stop earlier at another one, so its command names its own property.
 */
export function violationReplay(r: CheckResult, i: number): string {
  if (i === 0) return r.replay;
  const v = r.violations?.[i];
  if (v === undefined) throw new RangeError(`no violation ${i} in this result`);
  return replayCommand(r.variant, r.scenario, v.path, [v.property]);
}

/**
 * What the spec's states are, for the report: `leftOut` when the spec leaves something out,
 * `memory` when it is not sequentially consistent (the model and the bounds explored within).
 */
export function leftOutField(target: { readonly spec: { readonly leftOut?: readonly string[]; readonly memory?: { readonly model: string; readonly bounds: string } } }): { leftOut?: string[]; memory?: { model: string; bounds: string } } {
  const l = target.spec.leftOut;
  const m = target.spec.memory;
  return { ...(l && l.length > 0 ? { leftOut: [...l] } : {}), ...(m ? { memory: { model: m.model, bounds: m.bounds } } : {}) };
}

/** The fields every bfs result shares (the sequential and the parallel search): what was checked and explored. */
export function bfsFields(
  target: { readonly variant: string; readonly scenario: string; readonly spec: { readonly leftOut?: readonly string[]; readonly memory?: { readonly model: string; readonly bounds: string } }; readonly invariants: readonly { readonly id: string }[]; readonly witnesses: readonly { readonly id: string }[] },
  options: { readonly properties?: readonly string[] },
  run: { readonly states: number; readonly transitions: number; readonly maxDepth: number; readonly seconds: number; readonly reached: readonly boolean[]; readonly stateSpace: StateSpace },
) {
  return {
    variant: target.variant,
    scenario: target.scenario,
    engine: 'bfs' as const,
    states: run.states,
    transitions: run.transitions,
    maxDepth: run.maxDepth,
    seconds: run.seconds,
    invariants: target.invariants.map((p) => p.id),
    ...(options.properties ? { properties: [...options.properties] } : {}),
    witnesses: target.witnesses.map((w, i) => ({ id: w.id, reached: run.reached[i] })),
    ...leftOutField(target),
    stateSpace: run.stateSpace,
  };
}

/** The violation of a complete run that never reached `missed` (non-empty): a vacuous fail naming the first. */
export function vacuousViolation(missed: readonly { readonly id: string; readonly family: string; readonly doc: string }[], states: number): Violation {
  const w = missed[0];
  const others = missed.length > 1 ? ` (missed ${missed.length} witnesses: ${missed.map((m) => m.id).join(', ')})` : '';
  return {
    property: w.id,
    family: w.family,
    kind: 'sometimes',
    doc: w.doc,
    path: '',
    steps: [],
    trace: [],
    message: `vacuous: all ${states} reachable states explored and the invariants hold, but witness ${w.id} was never reached${others}, so the scenario does not exercise what it claims to`,
  };
}

export function checkCommand(
  variant: string,
  scenario: string,
  budgets: {
    readonly maxStates?: number;
    readonly maxDepth?: number;
    readonly timeBudgetSeconds?: number;
    readonly allViolations?: boolean;
    readonly symmetry?: boolean;
    /** `--bitstate BITS`: the bit array's size, which decides which states a run may miss. */
    readonly bitstate?: number;
    /** `--por`: partial-order reduction, which decides which states a run counts. */
    readonly por?: boolean;
    /** The invariants the run was restricted to (`--property`), if any. */
    readonly properties?: readonly string[];
  } = {},
): string {
  const words = [COMMAND, 'check', '--variant', variant, '--scenario', scenario, ...propertyWords(budgets.properties)];
  if (budgets.allViolations) words.push('--all-violations');
  if (budgets.symmetry) words.push('--symmetry');
  if (budgets.bitstate !== undefined) words.push('--bitstate', String(budgets.bitstate));
  if (budgets.por) words.push('--por');
  if (budgets.maxStates !== undefined) words.push('--max-states', String(budgets.maxStates));
  if (budgets.maxDepth !== undefined) words.push('--max-depth', String(budgets.maxDepth));
  if (budgets.timeBudgetSeconds !== undefined) words.push('--time-budget', String(budgets.timeBudgetSeconds));
  return words.map(shellQuote).join(' ');
}
