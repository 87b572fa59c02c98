/**
 * JSON Lines events (`--events FILE`): one JSON object per line, for tools that follow
 * a run while it goes (a CI log parser, a dashboard) rather than read a report at the end.
 *
 * Four types, in this order per run: `start`, any number of `progress` (at the cadence
 * of the progress lines on stderr), one `violation` per counterexample, `finish`.
 * check-all writes one such group per run, in run order. schemas/events.schema.json
 * is the contract (draft 2020-12), docs/events.md describes each field.
 *
 * The sink writes each event as one whole line with one synchronous write, so a run that
 * crashes or is interrupted still leaves a file of complete lines, each valid on its own.
 * Other commands (`nlring ci`) emit through the same sink and event types.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { exitCodeFor, violationReplay, type CheckResult, type Engine, type Verdict } from '../check/result.js';
import type { PropertyKind } from '../model/interface.js';

/** Budgets as the run was given them (absent: no budget of that kind). */
export interface EventBudgets {
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly timeBudgetSeconds?: number;
  /** The memory ceiling in MiB, the default one included (bfs). */
  readonly maxMemoryMiB?: number;
}

/** The engine options that shape a run besides its budgets (only those given or implied). */
export interface EventOptions {
  readonly allViolations?: boolean;
  readonly symmetry?: boolean;
  /** `--property`: the invariants the run was restricted to. */
  readonly properties?: readonly string[];
  readonly seed?: number;
  readonly walks?: number;
  readonly depth?: number;
  /** simulate `--shard i/n`. */
  readonly shard?: string;
  readonly runs?: number;
}

export interface StartEvent {
  readonly type: 'start';
  readonly tool: 'nlring';
  readonly version: string;
  /** The command that runs (`check`, `check-all`, `ci`, ...). */
  readonly command: string;
  /** This run's place among the command's runs, from 1. */
  readonly run: { readonly index: number; readonly of: number };
  readonly variant: string;
  readonly scenario: string;
  readonly engine: Engine;
  readonly budgets: EventBudgets;
  readonly options: EventOptions;
  /** bfs: the fingerprint function that identifies states (a collision hides a state). */
  readonly hash?: string;
  /** simulate and pbt: the pseudo-random generator that seeds depend on. */
  readonly prng?: string;
}

export interface ProgressEvent {
  readonly type: 'progress';
  readonly variant: string;
  readonly scenario: string;
  readonly engine: Engine;
  readonly seconds: number;
  /** bfs: distinct states per second; simulate: steps per second. */
  readonly rate: number;
  /** bfs. */
  readonly states?: number;
  readonly transitions?: number;
  readonly queue?: number;
  readonly depth?: number;
  /** simulate. */
  readonly walks?: number;
  readonly of?: number;
  readonly steps?: number;
}

export interface ViolationEvent {
  readonly type: 'violation';
  readonly variant: string;
  readonly scenario: string;
  readonly property: string;
  readonly family: string;
  /** `always`: an invariant failed; `sometimes`: a witness was never reached (vacuous run, no trace). */
  readonly kind: PropertyKind;
  readonly message: string;
  /** Action indices from the initial state (`''` for none). */
  readonly path: string;
  readonly steps: number;
  /** The command that replays this counterexample. */
  readonly replay: string;
  readonly explanation?: string;
}

export interface FinishEvent {
  readonly type: 'finish';
  readonly variant: string;
  readonly scenario: string;
  readonly engine: Engine;
  readonly verdict: Verdict;
  /** True when every reachable state was explored. */
  readonly complete: boolean;
  readonly states: number;
  readonly transitions: number;
  readonly maxDepth: number;
  readonly seconds: number;
  /** The exit code of this run alone (0 pass, 1 fail, 3 incomplete). */
  readonly exitCode: number;
  readonly stoppedBy?: string;
  /** The result's own record of its hash (bfs) or generator (simulate, pbt). */
  readonly hash?: string;
}

export type NlringEvent = StartEvent | ProgressEvent | ViolationEvent | FinishEvent;

export interface EventSink {
  /** Append one event as one line; the line is on disk when this returns. */
  emit(event: NlringEvent): void;
  /** Close the file; later emits are refused. Safe to call twice. */
  close(): void;
}

/** A sink that drops everything: for callers without `--events`. */
export const NO_EVENTS: EventSink = { emit: () => undefined, close: () => undefined };

/**
 * Create (or truncate) `path` and return a sink writing to it. Opening is the check that
 * the path is writable, so call it before a long run: a UsageError names the flag and why.
 */
export function openEventSink(path: string, flag = '--events'): EventSink {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw new UsageError(`cannot write ${flag} file '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return {
    emit(event) {
      if (fd === undefined) throw new Error(`event sink for '${path}' is closed`);
      // One buffer, written until all of it is out: a reader never sees half a line followed by another.
      const bytes = Buffer.from(JSON.stringify(event) + '\n', 'utf8');
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** The `violation` events of a result (each counterexample of --all-violations) and its `finish`. */
export function resultEvents(r: CheckResult): NlringEvent[] {
  const violations = r.violations ?? (r.violation ? [r.violation] : []);
  const events: NlringEvent[] = violations.map((v, i) => ({
    type: 'violation',
    variant: r.variant,
    scenario: r.scenario,
    property: v.property,
    family: v.family,
    kind: v.kind,
    message: v.message,
    path: v.path,
    steps: v.steps.length,
    replay: r.violations ? violationReplay(r, i) : r.replay,
    ...(v.explanation ? { explanation: v.explanation } : {}),
  }));
  events.push({
    type: 'finish',
    variant: r.variant,
    scenario: r.scenario,
    engine: r.engine,
    verdict: r.verdict,
    complete: r.complete,
    states: r.states,
    transitions: r.transitions,
    maxDepth: r.maxDepth,
    seconds: r.seconds,
    exitCode: exitCodeFor(r.verdict),
    // A result made up for a run that never ran (nlring ci after SIGINT) records no hash: leave it out rather than write ''.
    ...(r.stats?.stoppedBy ? { stoppedBy: r.stats.stoppedBy } : {}),
    ...(r.stats?.hash ? { hash: r.stats.hash } : {}),
  });
  return events;
}
