/**
 * `nlring matrix --jobs N`: the (variant, scenario) runs of a matrix spread over N
 * worker threads (src/matrix-worker.ts), for machines with more than one core.
 * Each run is the same bfs as in one process, and results are put back in pair
 * order, so the reports are the same bytes whatever N is. Each worker holds its
 * own visited set: memory grows with N.
 */
import { Worker } from 'node:worker_threads';
import type { Progress } from './check/bfs.js';
import type { CheckResult } from './check/result.js';
import { UsageError } from './errors.js';
import type { WorkerJob, WorkerMessage, WorkerOptions } from './matrix-worker.js';

export interface Pair {
  readonly variant: string;
  readonly scenario: string;
  /** The progress label of the run. */
  readonly label: string;
}

/**
 * Run every pair in `jobs` workers and return the results in pair order. A
 * UsageError in a worker (a file that does not load) is rethrown as one; any
 * other failure as an Error. Workers are terminated in every case.
 *
 * `signal` (optional) interrupts the runs: on abort the workers are terminated
 * at once and the promise resolves with the results finished so far; the
 * entries of the unfinished pairs are `undefined`. With `options.interrupt`
 * the abort is gentler: the flag is raised, the running bfs runs stop and
 * return what they explored (INCOMPLETE, `interrupted`), and only the pairs
 * not yet started are `undefined`.
 *
 * `onResult` (optional) hears each result as it arrives, before the worker
 * is given its next pair (check-all writes its events as the runs go).
 */
export function runInWorkers(
  pairs: readonly Pair[],
  options: WorkerOptions,
  jobs: number,
  progress?: (label: string) => { show(p: Progress): void; done(): void },
  signal?: AbortSignal,
  onResult?: (index: number, result: CheckResult) => void,
): Promise<(CheckResult | undefined)[]> {
  const results: (CheckResult | undefined)[] = new Array(pairs.length).fill(undefined);
  const shown = new Map<number, { show(p: Progress): void; done(): void }>();
  const workers: Worker[] = [];
  let next = 0;
  let finished = 0;
  let running = 0;
  /** Interrupted through options.interrupt: no new pair is given, the running ones are waited for. */
  let draining = false;
  return new Promise<(CheckResult | undefined)[]>((resolve, reject) => {
    let failed = false;
    const stop = (e?: Error) => {
      for (const p of shown.values()) p.done();
      shown.clear();
      for (const w of workers) void w.terminate();
      if (e) {
        failed = true;
        reject(e);
      } else resolve(results);
    };
    const give = (w: Worker) => {
      if (next >= pairs.length) return;
      const index = next++;
      const pair = pairs[index];
      const p = progress?.(pair.label);
      if (p) shown.set(index, p);
      running++;
      w.postMessage({ index, variant: pair.variant, scenario: pair.scenario } satisfies WorkerJob);
    };
    for (let i = 0; i < Math.min(jobs, pairs.length); i++) {
      const w = new Worker(new URL('./matrix-worker.js', import.meta.url), { workerData: options });
      workers.push(w);
      w.on('message', (m: WorkerMessage) => {
        if (failed) return;
        if (m.kind === 'progress') {
          shown.get(m.index)?.show(m.progress);
          return;
        }
        shown.get(m.index)?.done();
        shown.delete(m.index);
        if (m.kind === 'error') {
          stop(m.usage ? new UsageError(m.message) : new Error(`matrix worker: ${m.message}`));
          return;
        }
        results[m.index] = m.result;
        running--;
        onResult?.(m.index, m.result);
        if (++finished === pairs.length || (draining && running === 0)) stop();
        else if (!draining) give(w);
      });
      w.on('error', (e) => {
        if (!failed) stop(e);
      });
      give(w);
    }
    if (pairs.length === 0) stop();
    if (signal) {
      const interrupt = () => {
        if (options.interrupt && !failed) {
          Atomics.store(new Int32Array(options.interrupt), 0, 1);
          draining = true;
          if (running === 0) stop();
          return;
        }
        if (!failed) stop();
        failed = true; // late messages from terminating workers are ignored
      };
      if (signal.aborted) interrupt();
      else signal.addEventListener('abort', interrupt, { once: true });
    }
  });
}
