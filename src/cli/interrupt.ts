/**
 * SIGINT (Ctrl-C) during `check` and `check-all`: the reports of what ran so far are
 * written, the run that was going and the runs not yet started are INCOMPLETE with
 * the stop reason `interrupted`, and the exit code is 3, as for `nlring ci`.
 *
 * A signal handler is JavaScript: it runs on the main thread's event loop, which a
 * synchronous bfs holds for the whole run. So the CLI's bfs runs go to a worker
 * thread (src/matrix-worker.ts) while the main thread only waits. Its handler raises
 * a flag in shared memory; the worker's bfs reads the flag where it reads the clock
 * and returns what it explored, counterexamples included. simulate and liveness runs go
 * to a worker too (cli/engine-worker.ts); simulate stops between walks. pbt runs in the main thread, so
 * SIGINT is heard between runs: check-all starts no further run.
 * A second SIGINT finds no handler and ends the process at once (Node's default).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Progress } from '../check/bfs.js';
import type { SimulateProgress } from '../check/simulate.js';
import { UsageError } from '../errors.js';
import type { LivenessResult } from '../check/liveness.js';
import type { EngineJob, EngineMessage, LivenessProgress } from './engine-worker.js';
import { checkCommand, EXIT, exitCodeFor, worstVerdict, type CheckResult, type Engine } from '../check/result.js';
import type { WorkerOptions } from '../matrix-worker.js';
import type { CheckTarget } from '../model/interface.js';
import type { RunOutputs } from '../report/outputs.js';
import { bfsProgressLine, progressPrinter } from './io.js';
import type { Io } from './run.js';

export interface Sigint {
  /** Aborted when SIGINT came. */
  readonly signal: AbortSignal;
  /** Element 0 of an Int32Array over it becomes 1 on SIGINT: what worker threads read. */
  readonly flag: SharedArrayBuffer;
  /** Give a pending SIGINT handler its turn (between runs in this thread); true once SIGINT came. */
  heard(): Promise<boolean>;
  /** Remove the handler: SIGINT is Node's default again. */
  dispose(): void;
}

/** Listen for SIGINT until dispose(); the first one says on stderr that the reports so far will be written. */
export function listenForSigint(io: Io): Sigint {
  const controller = new AbortController();
  const flag = new SharedArrayBuffer(4);
  const onSigint = () => {
    // On a terminal, over the progress line being redrawn in place.
    io.stderr.write(`${io.stderr.isTTY === true ? '\r\x1b[K' : ''}nlring: interrupted: writing the reports of the runs finished so far\n`);
    Atomics.store(new Int32Array(flag), 0, 1);
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  return {
    signal: controller.signal,
    flag,
    // A signal is delivered by the event loop's poll phase, which runs before an immediate.
    heard: () => new Promise<boolean>((resolve) => setImmediate(() => resolve(controller.signal.aborted))),
    dispose: () => process.removeListener('SIGINT', onSigint),
  };
}

/**
 * Whether bfs can go to a worker thread: the worker is compiled JavaScript (dist/), so
 * run() called from the TypeScript sources (tests in-process) keeps its runs in this thread.
 */
export function workerAvailable(): boolean {
  return existsSync(fileURLToPath(new URL('../matrix-worker.js', import.meta.url)));
}

/** One bfs run for the worker: the names as the command line gave them (the worker loads the target itself), and its progress label. */
export interface WorkerRun {
  readonly variant: string;
  readonly scenario: string;
  readonly label: string;
}

/**
 * bfs runs of check or check-all, one after the other in one worker thread, with progress
 * lines on stderr and events as in this thread: `started(i)` before run i, its progress,
 * its finish (outputs.runFinished) as it ends. Results in run order; `undefined` for runs
 * SIGINT stopped before they started (the one running when it came returns what it has).
 */
export async function bfsInWorker(
  runs: readonly WorkerRun[],
  options: Omit<WorkerOptions, 'interrupt'>,
  sigint: Sigint,
  io: Io,
  outputs: RunOutputs,
  started: (i: number) => void,
): Promise<(CheckResult | undefined)[]> {
  const { runInWorkers } = await import('../matrix-jobs.js');
  let next = 0;
  // One worker takes the runs in order, so the k-th progress() call is run k's.
  const progress = (label: string) => {
    started(next++);
    const p = progressPrinter(io, label);
    return {
      show: (x: Progress) => {
        p.show(bfsProgressLine(x));
        outputs.bfsProgress(x);
      },
      done: p.done,
    };
  };
  return runInWorkers(runs, { ...options, interrupt: sigint.flag }, 1, progress, sigint.signal, (_, result) => outputs.runFinished(result));
}

/**
 * simulate and liveness runs of check and check-all in a worker thread
 * (cli/engine-worker.ts), one at a time, so that SIGINT stops a run where the engine
 * reads the clock (simulate: between walks); a run SIGINT stopped returns what it did.
 * The worker starts with the first run and lives until close().
 */
export class EngineWorker {
  private worker: Worker | undefined;

  constructor(private readonly sigint: Sigint) {}

  simulate(job: Omit<Extract<EngineJob, { engine: 'simulate' }>, 'engine'>, onProgress: (p: SimulateProgress) => void): Promise<CheckResult> {
    return this.run({ ...job, engine: 'simulate' }, onProgress as (p: unknown) => void) as Promise<CheckResult>;
  }

  liveness(job: Omit<Extract<EngineJob, { engine: 'liveness' }>, 'engine'>, onProgress: (p: LivenessProgress) => void): Promise<LivenessResult> {
    return this.run({ ...job, engine: 'liveness' }, onProgress as (p: unknown) => void) as Promise<LivenessResult>;
  }

  private run(job: EngineJob, onProgress: (p: unknown) => void): Promise<CheckResult | LivenessResult> {
    const w = (this.worker ??= new Worker(new URL('./engine-worker.js', import.meta.url), { workerData: { interrupt: this.sigint.flag } }));
    return new Promise<CheckResult | LivenessResult>((resolve, reject) => {
      const end = () => {
        w.off('message', onMessage);
        w.off('error', onError);
      };
      const onMessage = (m: EngineMessage) => {
        if (m.kind === 'progress') return onProgress(m.progress);
        end();
        if (m.kind === 'done') resolve(m.result);
        else reject(m.usage ? new UsageError(m.message) : new Error(`${job.engine} worker: ${m.message}`));
      };
      const onError = (e: Error) => {
        end();
        reject(e);
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.postMessage(job);
    });
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}

/** The result of a run SIGINT stopped before it started: INCOMPLETE, nothing explored, every property unproved. */
export function notStartedResult(target: CheckTarget<any, any>, engine: Engine, seed: number): CheckResult {
  return {
    verdict: 'incomplete',
    variant: target.variant,
    scenario: target.scenario,
    engine,
    ...(engine === 'bfs' ? {} : { seed }),
    states: 0,
    transitions: 0,
    maxDepth: 0,
    seconds: 0,
    complete: false,
    invariants: target.invariants.map((p) => p.id),
    witnesses: target.witnesses.map((w) => ({ id: w.id, reached: false })),
    replay: checkCommand(target.variant, target.scenario) + (engine === 'bfs' ? '' : ` --engine ${engine}`),
    // No hash: the run computed none (the events' finish leaves it out).
    stats: { hash: '', collisionProbability: 0, bytesPerState: 0, statesPerSecond: 0, stoppedBy: 'interrupted', ...(engine === 'simulate' ? { walks: 0 } : {}) },
  };
}

/** Whether SIGINT stopped a run (a result that records it, or a run that never started). */
export function wasInterrupted(r: CheckResult): boolean {
  return r.stats?.stoppedBy === 'interrupted';
}

/** The exit code of check and check-all: 3 when SIGINT stopped a run, else the worst verdict's. */
export function exitCodeOf(results: readonly CheckResult[]): number {
  if (results.some(wasInterrupted)) return EXIT.incomplete;
  return exitCodeFor(worstVerdict(results.map((r) => r.verdict)));
}

/** The HTML report's banner when SIGINT stopped runs. */
export function interruptNotices(results: readonly CheckResult[]): { notices?: string[] } {
  return results.some(wasInterrupted) ? { notices: ['INCOMPLETE: interrupted by SIGINT; the run that was going and those not started are marked INCOMPLETE'] } : {};
}
