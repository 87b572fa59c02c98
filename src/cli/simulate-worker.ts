/**
 * The worker thread of the simulate runs of check and check-all (cli/interrupt.ts): it
 * receives one run at a time, loads its target as the CLI does (catalogue ids or files,
 * --property applied as restrict() does), runs simulate and posts the CheckResult back.
 * Walking in this thread leaves the main one free to hear SIGINT; the flag it raises in
 * shared memory is read here where simulate reads the clock.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadTarget } from '../catalog.js';
import { simulate, type SimulateOptions, type SimulateProgress } from '../check/simulate.js';
import type { CheckResult } from '../check/result.js';
import { UsageError } from '../errors.js';

export interface SimulateJob {
  /** As the command line named them: the worker loads the target itself. */
  readonly variant: string;
  readonly scenario: string;
  /** Plain data only (functions cannot cross threads). */
  readonly options: Omit<SimulateOptions, 'onProgress' | 'interrupted'>;
}

export type SimulateMessage =
  | { readonly kind: 'progress'; readonly progress: SimulateProgress }
  | { readonly kind: 'done'; readonly result: CheckResult }
  | { readonly kind: 'error'; readonly message: string; readonly usage: boolean };

const port = parentPort;
if (port) {
  const flag = new Int32Array((workerData as { interrupt: SharedArrayBuffer }).interrupt);
  port.on('message', async (job: SimulateJob) => {
    try {
      const loaded = await loadTarget(job.variant, job.scenario);
      const only = job.options.properties;
      const target = only ? { ...loaded, invariants: loaded.invariants.filter((p) => only.includes(p.id)) } : loaded;
      const result = simulate(target, {
        ...job.options,
        interrupted: () => Atomics.load(flag, 0) !== 0,
        onProgress: (progress) => port.postMessage({ kind: 'progress', progress } satisfies SimulateMessage),
      });
      port.postMessage({ kind: 'done', result } satisfies SimulateMessage);
    } catch (e) {
      port.postMessage({ kind: 'error', message: e instanceof Error ? e.message : String(e), usage: e instanceof UsageError } satisfies SimulateMessage);
    }
  });
}
