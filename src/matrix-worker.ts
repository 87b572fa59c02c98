/**
 * A worker thread of `nlring matrix --jobs N` (src/matrix-jobs.ts): it receives
 * one (variant, scenario) pair at a time, loads its target as the CLI does
 * (catalogue ids or files), runs bfs with allViolations and posts the
 * CheckResult back (plain data, so it crosses threads as it is).
 *
 * check and check-all run their bfs here too, so that the main thread stays free
 * to hear SIGINT: they say allViolations and --property themselves, and share an
 * interrupt flag the main thread raises and bfs reads as it goes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { bfs, type BfsOptions } from './check/bfs.js';
import { parallelBfs } from './check/parallel-bfs.js';
import { loadTarget } from './catalog.js';
import { UsageError } from './errors.js';

export interface WorkerJob {
  readonly index: number;
  readonly variant: string;
  readonly scenario: string;
}

export type WorkerMessage =
  | { readonly kind: 'progress'; readonly index: number; readonly progress: import('./check/bfs.js').Progress }
  | { readonly kind: 'done'; readonly index: number; readonly result: import('./check/result.js').CheckResult }
  | { readonly kind: 'error'; readonly index: number; readonly message: string; readonly usage: boolean };

/**
 * What every run shares: the budgets and switches of the matrix (functions cannot cross threads).
 * allViolations is the matrix's (true) unless given; `properties` restricts the invariants as
 * check --property does; `interrupt` is an Int32Array's buffer whose element 0 becomes non-zero
 * when the runs are to stop (they end as INCOMPLETE, `interrupted`, with what they explored).
 */
export type WorkerOptions = Pick<BfsOptions, 'maxStates' | 'maxDepth' | 'timeBudgetSeconds' | 'maxMemoryMiB' | 'symmetry' | 'diskQueue' | 'bitstate' | 'por' | 'progressIntervalMs' | 'allViolations' | 'properties'> & {
  readonly interrupt?: SharedArrayBuffer;
  /** check and check-all --workers N: more than 1 runs the parallel bfs (check/parallel-bfs.ts), with that many threads of its own. */
  readonly workers?: number;
};

const port = parentPort;
if (port) {
  const { interrupt, ...options } = workerData as WorkerOptions;
  const flag = interrupt ? new Int32Array(interrupt) : undefined;
  port.on('message', async (job: WorkerJob) => {
    try {
      const loaded = await loadTarget(job.variant, job.scenario);
      // As check's restrict(): the listed invariants, in the scenario's order.
      const target = options.properties ? { ...loaded, invariants: loaded.invariants.filter((p) => options.properties!.includes(p.id)) } : loaded;
      const onProgress = (progress: import('./check/bfs.js').Progress) => port.postMessage({ kind: 'progress', index: job.index, progress } satisfies WorkerMessage);
      const { workers, ...rest } = options;
      const result =
        workers !== undefined && workers > 1
          ? await parallelBfs(target, { ...rest, workers, allViolations: rest.allViolations ?? true, ...(interrupt ? { interrupt } : {}), onProgress })
          : bfs(target, {
              ...rest,
              allViolations: rest.allViolations ?? true,
              ...(flag ? { interrupted: () => Atomics.load(flag, 0) !== 0 } : {}),
              onProgress,
            });
      port.postMessage({ kind: 'done', index: job.index, result } satisfies WorkerMessage);
    } catch (e) {
      port.postMessage({ kind: 'error', index: job.index, message: e instanceof Error ? e.message : String(e), usage: e instanceof UsageError } satisfies WorkerMessage);
    }
  });
}
