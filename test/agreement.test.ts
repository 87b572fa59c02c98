/**
 * Engine agreement over every scenario and both kernel variants: whatever the
 * exhaustive search finds, seeded simulation and PBT find too within the stated
 * budgets; where the search proves the scenario, the random engines find nothing
 * (and say "incomplete", never "pass"); and every random counterexample replays
 * under the search's step semantics to the same property at the same step.
 *
 * The random engines are restricted to the property BFS reported, so that
 * "finds the same thing" is checked, not "finds something". PBT's shrunk length
 * is compared with the BFS shortest; the table is printed after the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bfs } from '../src/check/bfs.js';
import { pbt } from '../src/check/pbt.js';
import { replay } from '../src/check/replay.js';
import type { CheckResult } from '../src/check/result.js';
import { simulate } from '../src/check/simulate.js';
import { buildTarget, listScenarios } from '../src/catalog.js';

/** The stated budgets. */
const SIMULATE = { seed: 0, walks: 3000, depth: 150 };
const PBT = { seed: 1, numRuns: 3000, maxSteps: 100 };
/**
 * Where the default budget is not enough, and why. The COPY/ring wrap race needs
 * a COPY sender preempted for exactly the steps in which the ring wraps: about
 * one random walk in 20,000 to 40,000 (measured: seed 0 finds it at walk 44,115).
 */
const SIMULATE_OVERRIDES: Record<string, { walks: number; depth: number }> = {
  'linux-4.5/copy-mixed': { walks: 60_000, depth: 60 },
};

const VARIANTS = ['linux-3.10', 'linux-4.5'];
const figures: string[] = [];

afterAll(() => {
  // The shrunk-length figure the issue asks to report.
  console.log(['variant/scenario: property, BFS shortest vs PBT shrunk', ...figures].join('\n  '));
});

describe.each(VARIANTS.flatMap((v) => listScenarios().map((s) => [v, s.id] as const)))('%s %s', (variant, scenario) => {
  const target = buildTarget(variant, scenario);
  let exhaustive: CheckResult;
  let restricted: typeof target;

  beforeAll(() => {
    exhaustive = bfs(target);
    const prop = exhaustive.violation?.property;
    restricted = prop ? { ...target, invariants: target.invariants.filter((p) => p.id === prop) } : target;
  }, 600_000);

  /** A random engine's counterexample must replay under BFS semantics to the same violation. */
  function replaysLikeBfs(r: CheckResult): void {
    const v = r.violation;
    expect(v).toBeDefined();
    const back = replay(restricted, v!.path);
    expect(back.violation?.property).toBe(v!.property);
    expect(back.violation?.step).toBe(v!.steps.length);
  }

  it('bfs ends with a verdict (never incomplete at the default budgets)', () => {
    expect(['pass', 'fail']).toContain(exhaustive.verdict);
  });

  it('simulation finds what bfs finds, or nothing where bfs passes', () => {
    const r = simulate(restricted, { ...SIMULATE, ...SIMULATE_OVERRIDES[`${variant}/${scenario}`] });
    // A vacuous bfs run (a witness never reached) has no counterexample for the random engines to find.
    if (exhaustive.violation?.kind === 'always') {
      expect(r.verdict).toBe('fail');
      expect(r.violation?.property).toBe(exhaustive.violation?.property);
      expect(r.violation!.steps.length).toBeGreaterThanOrEqual(exhaustive.violation!.steps.length);
      replaysLikeBfs(r);
    } else {
      expect(r.verdict).toBe('incomplete');
    }
  }, 120_000);

  it('pbt finds what bfs finds, or nothing where bfs passes; its shrunk length is reported', () => {
    const r = pbt(restricted, PBT);
    // A vacuous bfs run (a witness never reached) has no counterexample for the random engines to find.
    if (exhaustive.violation?.kind === 'always') {
      expect(r.verdict).toBe('fail');
      expect(r.violation?.property).toBe(exhaustive.violation?.property);
      const shortest = exhaustive.violation!.steps.length;
      const shrunk = r.violation!.steps.length;
      expect(shrunk).toBeGreaterThanOrEqual(shortest);
      figures.push(`${variant}/${scenario}: ${r.violation?.property}, ${shortest} vs ${shrunk}${shrunk - shortest > 2 ? ' (more than 2 longer)' : ''}`);
      replaysLikeBfs(r);
    } else {
      expect(r.verdict).toBe('incomplete');
    }
  }, 120_000);
});
