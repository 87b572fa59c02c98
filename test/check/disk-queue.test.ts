import { describe, expect, it } from 'vitest';
import { bfs, type BfsOptions } from '../../src/check/bfs.js';
import { spillCounter } from '../../src/check/queue.js';
import { buildTarget } from '../../src/catalog.js';
import type { CheckTarget, ActionBase } from '../../src/model/interface.js';
import { runCli } from '../fixtures/cli.js';
import { toyTarget } from '../fixtures/toy.js';

/** A result without what depends on the clock (seconds and rates), for comparing two runs field by field. */
function timeless(r: ReturnType<typeof bfs>): unknown {
  const { seconds: _seconds, stats, ...rest } = r;
  // Memory figures too: they vary between runs, and a spilled frontier holds less.
  const { statesPerSecond: _rate, peakRssBytes: _rss, peakHeldBytes: _held, heldBytesPerState: _perState, ...engine } = stats ?? {};
  return { ...rest, stats: engine };
}

/** Runs `target` with the frontier in memory and spilled to disk; returns both and how many chunks were spilled. */
function both<S, A extends ActionBase>(target: CheckTarget<S, A>, options: BfsOptions) {
  const inMemory = bfs(target, options);
  const before = spillCounter.chunks;
  const onDisk = bfs(target, { ...options, diskQueue: true });
  return { inMemory, onDisk, spilled: spillCounter.chunks - before };
}

describe('bfs --disk-queue gives the same results as the frontier in memory', () => {
  it('linux-4.5 copy-mixed --all-violations: same states, transitions, depth, verdict, violations and paths', () => {
    const { inMemory, onDisk, spilled } = both(buildTarget('linux-4.5', 'copy-mixed'), { allViolations: true });
    expect(spilled).toBeGreaterThan(0); // its levels outgrow a chunk, so the file was really used
    expect(onDisk.violations?.length).toBeGreaterThan(1);
    expect(timeless(onDisk)).toEqual(timeless(inMemory));
  }, 60_000);

  it('linux-3.10 skip-hold --all-violations, stopped by max-states', () => {
    const { inMemory, onDisk, spilled } = both(buildTarget('linux-3.10', 'skip-hold'), { allViolations: true, maxStates: 400_000 });
    expect(spilled).toBeGreaterThan(0);
    expect(onDisk.stats?.stoppedBy).toBe('max-states');
    expect(timeless(onDisk)).toEqual(timeless(inMemory));
  }, 60_000);

  it('linux-3.10 tx-sibling, stopping at its first violation', () => {
    const { inMemory, onDisk } = both(buildTarget('linux-3.10', 'tx-sibling'), {});
    expect(onDisk.verdict).toBe('fail');
    expect(timeless(onDisk)).toEqual(timeless(inMemory));
  });

  it('the toy counters (a spec without an encoding: the option changes nothing)', () => {
    const { inMemory, onDisk } = both(toyTarget({ bug: [3, 2] }), { allViolations: true });
    expect(timeless(onDisk)).toEqual(timeless(inMemory));
  });

  it('nlring check --disk-queue: the same JSON report but for seconds and rates; refused where it does not apply', async () => {
    const argv = ['check', '--variant', 'linux-3.10', '--scenario', 'skip-hold', '--all-violations', '--max-states', '400000', '--format', 'json'];
    const off = await runCli(argv);
    const on = await runCli([...argv, '--disk-queue']);
    expect(on.code).toBe(off.code);
    expect(on.code).toBe(1);
    expect(timeless(JSON.parse(on.stdout))).toEqual(timeless(JSON.parse(off.stdout)));
    const liveness = await runCli(['check', '--scenario', 'tx-sibling', '--liveness', '--disk-queue']);
    expect(liveness.code).toBe(2);
    expect(liveness.stderr).toMatch(/--disk-queue does not apply to --liveness/);
    const simulate = await runCli(['check', '--scenario', 'tx-sibling', '--engine', 'simulate', '--disk-queue']);
    expect(simulate.code).toBe(2);
    expect(simulate.stderr).toMatch(/--disk-queue does not apply to --engine simulate/);
  }, 60_000);
});
