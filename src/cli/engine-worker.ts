/**
 * The worker thread of the simulate and liveness runs of check and check-all
 * (cli/interrupt.ts): it receives one run at a time, loads its target as the CLI does
 * (catalogue ids or files, --property applied as restrict() does), runs the engine and
 * posts the result back (plain data). Searching in this thread leaves the main one free
 * to hear SIGINT; the flag it raises in shared memory is read here where the engine
 * reads the clock. (bfs runs go to src/matrix-worker.ts.)
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadTarget } from '../catalog.js';
import { liveness, type LivenessOptions, type LivenessResult } from '../check/liveness.js';
import { simulate, type SimulateOptions, type SimulateProgress } from '../check/simulate.js';
import type { CheckResult } from '../check/result.js';
import { UsageError } from '../errors.js';

/** Plain data only (functions cannot cross threads). */
type Data<T> = Omit<T, 'onProgress' | 'interrupted'>;

/** One run: the names as the command line gave them (the worker loads the target itself), the engine and its options. */
export type EngineJob = { readonly variant: string; readonly scenario: string } & (
  | { readonly engine: 'simulate'; readonly options: Data<SimulateOptions> }
  | { readonly engine: 'liveness'; readonly options: Data<LivenessOptions> }
);

export type LivenessProgress = Parameters<NonNullable<LivenessOptions['onProgress']>>[0];

export type EngineMessage =
  | { readonly kind: 'progress'; readonly progress: SimulateProgress | LivenessProgress }
  | { readonly kind: 'done'; readonly result: CheckResult | LivenessResult }
  | { readonly kind: 'error'; readonly message: string; readonly usage: boolean };

const port = parentPort;
if (port) {
  const flag = new Int32Array((workerData as { interrupt: SharedArrayBuffer }).interrupt);
  const interrupted = () => Atomics.load(flag, 0) !== 0;
  const onProgress = (progress: SimulateProgress | LivenessProgress) => port.postMessage({ kind: 'progress', progress } satisfies EngineMessage);
  port.on('message', async (job: EngineJob) => {
    try {
      const loaded = await loadTarget(job.variant, job.scenario);
      let result: CheckResult | LivenessResult;
      if (job.engine === 'simulate') {
        const only = job.options.properties;
        const target = only ? { ...loaded, invariants: loaded.invariants.filter((p) => only.includes(p.id)) } : loaded;
        result = simulate(target, { ...job.options, interrupted, onProgress });
      } else {
        result = liveness(loaded, { ...job.options, interrupted, onProgress });
      }
      port.postMessage({ kind: 'done', result } satisfies EngineMessage);
    } catch (e) {
      port.postMessage({ kind: 'error', message: e instanceof Error ? e.message : String(e), usage: e instanceof UsageError } satisfies EngineMessage);
    }
  });
}
