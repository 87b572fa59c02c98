/**
 * `check --stats` and `check-all --dead-steps` (src/cli/run.ts), on the toy counters
 * with a list of kinds that includes one the toy never takes (`jump`).
 */
import { describe, expect, it } from 'vitest';
import { USAGE, type Catalog } from '../../src/cli/run.js';
import { UsageError } from '../../src/errors.js';
import { bfs } from '../../src/check/bfs.js';
import { formatText } from '../../src/report/text.js';
import { stateSpaceLines } from '../../src/report/statespace.js';
import { toyTarget, type ToyOptions } from '../fixtures/toy.js';
import { runCli } from '../fixtures/cli.js';

const SCENARIOS: Record<string, ToyOptions> = {
  good: { bug: null },
  // Fails one step from init, before x can reach its maximum and be reset.
  early: { bug: [1, 0] },
};

const listed = (options: ToyOptions, scenario: string) => {
  const t = toyTarget(options);
  return { ...t, scenario, spec: { ...t.spec, kinds: () => ['inc', 'reset', 'jump'] } };
};

function catalog(scenarios: Record<string, ToyOptions>): Catalog {
  return {
    DEFAULT_VARIANT: 'toy-v1',
    listVariants: () => [{ id: 'toy-v1', description: 'The toy counters.' }],
    listScenarios: () => Object.keys(scenarios).map((id) => ({ id, description: `toy ${id}` })),
    listProperties: () => toyTarget().invariants,
    buildTarget: (variant, scenario) => {
      if (variant !== 'toy-v1') throw new UsageError(`unknown variant '${variant}'`);
      return listed(scenarios[scenario], scenario);
    },
  };
}

function nlring(argv: string[], scenarios = SCENARIOS) {
  return runCli(argv, { catalog: async () => catalog(scenarios) });
}

describe('check --stats', () => {
  it('adds the state-space block to the text report, and only then', async () => {
    const plain = await nlring(['check', '--scenario', 'good']);
    const stats = await nlring(['check', '--scenario', 'good', '--stats']);
    expect([plain.code, stats.code]).toEqual([0, 0]);
    expect(plain.stdout).not.toMatch(/^state space/m);
    const block = stateSpaceLines(bfs(listed(SCENARIOS.good, 'good')));
    expect(stats.stdout).toContain(block.join('\n') + '\n');
    expect(stats.stdout).toMatch(/^never fired \(1\): jump$/m);
    // The wall time is the only difference between two runs; the rest is the plain report plus the block.
    const strip = (s: string) => s.replace(/ [0-9.]+s \(bfs\)/, '').replace(/engine: [^\n]*\n/, '').replace(/^memory: [^\n]*\n/m, '');
    expect(strip(stats.stdout)).toBe(strip(formatText(bfs(listed(SCENARIOS.good, 'good')), { stats: true })));
  });

  it('does not apply to simulate or pbt, and is documented', async () => {
    const r = await nlring(['check', '--scenario', 'good', '--stats', '--engine', 'simulate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('nlring: --stats does not apply to --engine simulate (only to bfs)\n');
    expect(USAGE).toMatch(/^ {2}--stats {11}check: /m);
    const live = await nlring(['check', '--scenario', 'good', '--stats', '--liveness']);
    expect(live.code).toBe(2);
    expect(live.stderr).toMatch(/^nlring: --stats does not apply to --liveness/);
  });

  it('the JSON report carries stateSpace with or without the flag', async () => {
    const j = JSON.parse((await nlring(['check', '--scenario', 'good', '--format', 'json'])).stdout);
    expect(j.stateSpace).toEqual({ depths: [1, 2, 3, 4, 5, 4, 3, 2, 1], fired: { inc: 40, reset: 4 }, neverFired: ['jump'] });
  });
});

describe('check-all --dead-steps', () => {
  it('lists after the summary the step labels no scenario fired; runs go on past a violation', async () => {
    const r = await nlring(['check-all', '--dead-steps']);
    expect(r.code).toBe(1); // `early` fails; the exit code is check-all's own
    expect(r.stdout).toMatch(/^verdict/); // the summary first
    // Without going on after early's violation, reset would look dead: only good's run would fire it.
    expect(r.stdout.slice(r.stdout.indexOf('dead steps'))).toBe('dead steps of toy-v1: 1 of 3 step labels fired in none of its 2 runs\n  jump\n');
    const alone = await nlring(['check-all', '--dead-steps'], { early: SCENARIOS.early });
    expect(alone.stdout.slice(alone.stdout.indexOf('dead steps'))).toBe('dead steps of toy-v1: 1 of 3 step labels fired in none of its 1 runs\n  jump\n');
  });

  it('prints nothing more without the flag', async () => {
    const r = await nlring(['check-all']);
    expect(r.stdout).not.toMatch(/dead steps/);
  });
});
