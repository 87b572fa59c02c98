/**
 * Parallel bfs (issue 12, `--workers N`): with any number of workers the result is
 * bfs's own, field for field (verdict, states, transitions, depth, witnesses, the
 * state-space summary, every counterexample and its path), on complete runs and on
 * runs that bfs stops inside a level (a violation, every invariant violated, the
 * state budget). Only the wall time and the engine statistics (timings, memory)
 * are left out. The worker threads run the compiled worker in dist/ (npm run build).
 */
import { describe, expect, it } from 'vitest';
import { bfs, type BfsOptions } from '../../src/check/bfs.js';
import { parallelBfs } from '../../src/check/parallel-bfs.js';
import { replay } from '../../src/check/replay.js';
import { buildTarget, loadTarget } from '../../src/catalog.js';
import type { CheckResult } from '../../src/check/result.js';
import { UsageError } from '../../src/errors.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '../fixtures/cli.js';

/** A result without what differs between two runs of one search: its wall time, and the statistics (rates, memory). */
function comparable(r: CheckResult) {
  const { seconds: _s, stats, ...rest } = r;
  return { ...rest, hash: stats?.hash, stoppedBy: stats?.stoppedBy, collisionProbability: stats?.collisionProbability };
}

/** The target with its invariants restricted to `properties`, as the CLI's --property does. */
function target(variant: string, scenario: string, properties?: string[]) {
  const t = buildTarget(variant, scenario);
  return properties ? { ...t, invariants: t.invariants.filter((p) => properties.includes(p.id)) } : t;
}

async function expectSame(variant: string, scenario: string, options: BfsOptions, workers: number[]): Promise<CheckResult> {
  const t = target(variant, scenario, options.properties ? [...options.properties] : undefined);
  const expected = bfs(t, options);
  for (const n of workers) {
    const got = await parallelBfs(t, { ...options, workers: n });
    expect(comparable(got), `${variant} ${scenario} ${JSON.stringify(options)} with ${n} workers`).toEqual(comparable(expected));
  }
  return expected;
}

const SCENARIOS = ['tx-sibling', 'setup-teardown', 'copy-teardown', 'fork-mmap', 'dump-autosize', 'rx-order'];
const VARIANTS = ['linux-3.10', 'linux-4.1', 'linux-4.5'];

describe('parallel bfs gives bfs\'s results', () => {
  for (const variant of VARIANTS) {
    it(`${variant}: every small scenario, first violation and --all-violations, 2 workers`, async () => {
      for (const scenario of SCENARIOS) {
        await expectSame(variant, scenario, {}, [2]);
        await expectSame(variant, scenario, { allViolations: true }, [2]);
      }
    }, 120_000);
  }

  it('1, 2 and 3 workers on a larger space (copy-hold, tens of thousands of states, several violated invariants)', async () => {
    const r = await expectSame('linux-4.5', 'copy-hold', { allViolations: true }, [1, 2, 3]);
    expect(r.complete).toBe(true);
    expect(r.violations!.length).toBeGreaterThan(3);
  }, 120_000);

  it('a pass and a complete run without violations (reference copy-hold, linux-4.5 fork-mmap)', async () => {
    expect((await expectSame('reference', 'copy-hold', {}, [2])).verdict).toBe('pass');
    expect((await expectSame('linux-4.5', 'fork-mmap', {}, [3])).verdict).toBe('pass');
  }, 120_000);

  it('stops inside a level exactly where bfs does: the state budget', async () => {
    // Budgets that fall inside a level, so that the cut lies in some worker's slice.
    for (const maxStates of [1, 5000, 12_345, 30_001]) {
      const r = await expectSame('linux-4.5', 'copy-mixed', { allViolations: true, maxStates }, [2, 3]);
      expect(r.states).toBe(maxStates);
      expect(r.stats?.stoppedBy).toBe('max-states');
    }
  }, 120_000);

  it('stops inside a level exactly where bfs does: every checked invariant violated (--property, --all-violations)', async () => {
    const r = await expectSame('linux-3.10', 'copy-hold', { allViolations: true, properties: ['SKIP-PROGRESS', 'OWN-USER-WRITE'] }, [2, 3]);
    expect(r.violations!.map((v) => v.property).sort()).toEqual(['OWN-USER-WRITE', 'SKIP-PROGRESS']);
    expect(r.complete).toBe(false);
  }, 120_000);

  it('a patch-file variant and a scenario file, which each worker loads by path', async () => {
    const file = (f: string) => fileURLToPath(new URL(`../../examples/${f}`, import.meta.url));
    const t = await loadTarget(file('patches/copy-status-under-lock.ts'), file('scenarios/tx-two-frames.json'));
    for (const allViolations of [false, true]) {
      const expected = bfs(t, { allViolations });
      expect(expected.verdict).toBe('fail');
      expect(comparable(await parallelBfs(t, { allViolations, workers: 2 }))).toEqual(comparable(expected));
    }
  }, 60_000);

  it('the depth budget', async () => {
    const r = await expectSame('reference', 'copy-hold', { maxDepth: 12 }, [2]);
    expect(r.stats?.stoppedBy).toBe('max-depth');
  }, 120_000);

  it('every counterexample it reports replays to its property at its last step', async () => {
    const t = buildTarget('linux-4.5', 'copy-hold');
    const r = await parallelBfs(t, { allViolations: true, workers: 2 });
    expect(r.violations!.length).toBeGreaterThan(3);
    for (const v of r.violations!) {
      const only = { ...t, invariants: t.invariants.filter((p) => p.id === v.property) };
      const back = replay(only, v.path);
      expect(back.violation?.property).toBe(v.property);
      expect(back.violation?.step).toBe(v.path.split('/').length);
    }
  }, 120_000);
});

describe('parallel bfs: budgets it judges as it goes, and what it refuses', () => {
  it('a raised interrupt flag stops the run as INCOMPLETE (interrupted)', async () => {
    const flag = new SharedArrayBuffer(4);
    Atomics.store(new Int32Array(flag), 0, 1);
    const r = await parallelBfs(buildTarget('linux-4.5', 'copy-hold'), { workers: 2, interrupt: flag });
    expect(r.verdict).toBe('incomplete');
    expect(r.stats?.stoppedBy).toBe('interrupted');
  }, 60_000);

  it('a time budget that runs out stops the run as INCOMPLETE (time-budget), with what it explored', async () => {
    // rx-basic has hundreds of millions of states: three seconds (worker start-up included) do not finish it.
    const r = await parallelBfs(buildTarget('linux-4.5', 'rx-basic'), { workers: 2, allViolations: true, timeBudgetSeconds: 3 });
    expect(r.verdict === 'incomplete' || r.complete === false).toBe(true);
    expect(r.stats?.stoppedBy).toBe('time-budget');
    expect(r.states).toBeGreaterThan(1000);
  }, 60_000);

  it('refuses a worker count that is not an integer >= 1, and the options it does not support', async () => {
    const t = buildTarget('linux-4.5', 'tx-sibling');
    for (const workers of [0, -1, 1.5, Number.NaN]) await expect(parallelBfs(t, { workers })).rejects.toThrow(UsageError);
    await expect(parallelBfs(t, { workers: 2, symmetry: true })).rejects.toThrow(/--symmetry/);
    const withPor = { workers: 2, por: true }; // a variable: BfsOptions gains `por` with partial-order reduction
    await expect(parallelBfs(t, withPor)).rejects.toThrow(/--por/);
    await expect(parallelBfs(t, { workers: 2, bitstate: 20 })).rejects.toThrow(/--bitstate/);
    await expect(parallelBfs(t, { workers: 2, diskQueue: true })).rejects.toThrow(/--disk-queue/);
  });
});

/** A JSON report without its timings and engine statistics. */
function report(stdout: string) {
  const { seconds: _s, stats: _t, ...rest } = JSON.parse(stdout) as Record<string, unknown>;
  return rest;
}

describe('check --workers N', () => {
  it('prints the report of check without it (in this process)', async () => {
    const argv = ['check', '--variant', 'linux-3.10', '--scenario', 'setup-teardown', '--all-violations', '--format', 'json'];
    const one = await runCli(argv);
    const two = await runCli([...argv, '--workers', '2']);
    expect(two.code).toBe(1);
    expect((JSON.parse(two.stdout) as CheckResult).stats?.workers).toBe(2);
    expect(two.code).toBe(one.code);
    expect(report(two.stdout)).toEqual(report(one.stdout));
  }, 60_000);

  it('prints the report of check without it (the built command, whose bfs runs in a worker thread)', () => {
    const main = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
    const argv = [main, 'check', '--variant', 'linux-4.5', '--scenario', 'copy-teardown', '--all-violations', '--format', 'json'];
    const one = spawnSync(process.execPath, argv, { encoding: 'utf8' });
    const two = spawnSync(process.execPath, [...argv, '--workers', '3'], { encoding: 'utf8' });
    expect(two.status).toBe(1);
    expect((JSON.parse(two.stdout) as CheckResult).stats?.workers).toBe(3);
    expect((JSON.parse(one.stdout) as CheckResult).stats?.workers).toBeUndefined();
    expect(two.status).toBe(one.status);
    expect(report(two.stdout)).toEqual(report(one.stdout));
  }, 60_000);

  it('refuses a count that is not a positive integer, and what the parallel search does not support, with exit 2', async () => {
    for (const n of ['0', '1.5', 'two']) {
      const r = await runCli(['check', '--scenario', 'tx-sibling', '--workers', n]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--workers must be a positive integer/);
    }
    for (const flag of ['--symmetry', '--disk-queue', '--liveness']) {
      const r = await runCli(['check', '--scenario', 'tx-sibling', '--workers', '2', flag]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`--workers 2 does not combine with ${flag}`));
    }
    expect((await runCli(['check', '--scenario', 'tx-sibling', '--workers', '2', '--engine', 'simulate'])).code).toBe(2);
  });
});
