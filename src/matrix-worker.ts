/**
 * A worker thread of `nlring matrix --jobs N` (src/matrix-jobs.ts): it receives
 * one (variant, scenario) pair at a time, loads its target as the CLI does
 * (catalogue ids or files), runs bfs with allViolations and posts the
 * CheckResult back (plain data, so it crosses threads as it is).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { bfs, type BfsOptions } from './check/bfs.js';
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

/** What every run shares: the budgets and switches of the matrix (functions cannot cross threads). */
export type WorkerOptions = Pick<BfsOptions, 'maxStates' | 'maxDepth' | 'timeBudgetSeconds' | 'maxMemoryMiB' | 'symmetry' | 'progressIntervalMs'>;

const port = parentPort;
if (port) {
  const options = workerData as WorkerOptions;
  port.on('message', async (job: WorkerJob) => {
    try {
      const target = await loadTarget(job.variant, job.scenario);
      const result = bfs(target, {
        ...options,
        allViolations: true,
        onProgress: (progress) => port.postMessage({ kind: 'progress', index: job.index, progress } satisfies WorkerMessage),
      });
      port.postMessage({ kind: 'done', index: job.index, result } satisfies WorkerMessage);
    } catch (e) {
      port.postMessage({ kind: 'error', index: job.index, message: e instanceof Error ? e.message : String(e), usage: e instanceof UsageError } satisfies WorkerMessage);
    }
  });
}
