/**
 * Engine agreement over every scenario and both kernel variants, with every
 * invariant of the scenario judged by every engine (nothing restricted to what
 * BFS reported, so each assertion below can fail):
 *
 * - what seeded simulation and PBT find (the first invariant they see violated)
 *   is in BFS's `--all-violations` set, at no fewer steps than BFS's shortest
 *   counterexample of that invariant;
 * - where BFS finds violations, each random engine finds one within the stated
 *   budgets; where BFS proves the invariants, they find nothing and say
 *   "incomplete", never "pass";
 * - every random counterexample, re-executed by a plain stepper written for the
 *   test (test/oracle/plain-step.ts: init/actions/next/describe, no replay(), no
 *   in-place stepping), violates first the property the engine reported, at the
 *   step it reported, and its step lines are `describe` along that execution.
 *
 * PBT's shrunk length is compared with the BFS shortest of the same property;
 * the table is printed after the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bfs } from '../src/check/bfs.js';
import { pbt } from '../src/check/pbt.js';
import type { CheckResult } from '../src/check/result.js';
import { simulate } from '../src/check/simulate.js';
import { buildTarget, listScenarios } from '../src/catalog.js';
import { plainExecute } from './oracle/plain-step.js';

/**
 * The stated budgets. Measured with every invariant judged (2026-12-02): every
 * scenario where BFS finds a violation is found by simulation within its first 820
 * walks (linux-3.10 fork-mmap; most within 20) and by PBT within these runs, so
 * no scenario needs a larger budget. (The override that linux-4.5/copy-mixed
 * needed while the engines were restricted to POLL-IN-AT-CURSOR alone, 60,000
 * walks, is gone: with all invariants seed 0 fails at walk 5.)
 */
const SIMULATE = { seed: 0, walks: 3000, depth: 150 };
const PBT = { seed: 1, numRuns: 3000, maxSteps: 100 };
/** Per-scenario budgets where the stated ones are not enough: none measured necessary (see above). */
const SIMULATE_OVERRIDES: Record<string, { walks: number; depth: number }> = {};
const PBT_OVERRIDES: Record<string, { numRuns: number; maxSteps: number }> = {};

/**
 * The all-violations search is capped so the file keeps its runtime. Measured: most
 * scenarios are complete under 170,000 states; copy-mixed has 1.2M (3.10) and 0.99M
 * (4.5) states (3.0 s and 2.6 s), rx-basic and skip-hold more than 3M on both
 * variants. Where the cap stops it, its set is every invariant violated within the
 * first CAP states in breadth-first order, and a random engine's property outside
 * it is settled by BFS over that invariant alone (which fails iff the invariant is
 * in the full --all-violations set), with a larger cap; running out of that cap
 * fails the test rather than passing it. Measured at this cap: one such run, for
 * linux-3.10 rx-basic, whose simulation finds SKIP-PROGRESS (BFS over it alone:
 * 639,790 states, about 1 s). A cap of 60,000 saves about 3 s of the file's 19 s
 * but leaves five more scenarios' sets partial (poll, nfq-batch, ring-tx-fork).
 */
const ALL_VIOLATIONS_MAX_STATES = 250_000;
const ONE_PROPERTY_MAX_STATES = 3_000_000;

const VARIANTS = ['linux-3.10', 'linux-4.5'];
const figures: string[] = [];

afterAll(() => {
  // The shrunk-length figure the issue asks to report.
  console.log(['variant/scenario: property, BFS shortest vs PBT shrunk', ...figures].join('\n  '));
});

/** `0/3/1` as indices, parsed here rather than by the engine's parsePath. */
function indicesOf(path: string): number[] {
  return path === '' ? [] : path.split('/').map((p) => Number(p));
}

describe.each(VARIANTS.flatMap((v) => listScenarios().map((s) => [v, s.id] as const)))('%s %s', (variant, scenario) => {
  const target = buildTarget(variant, scenario);
  let exhaustive: CheckResult;
  /** Invariant id -> BFS's shortest counterexample length, over the (capped) all-violations run. */
  const shortest = new Map<string, number>();
  let capped = false;

  beforeAll(() => {
    exhaustive = bfs(target, { allViolations: true, maxStates: ALL_VIOLATIONS_MAX_STATES });
    capped = exhaustive.stats?.stoppedBy !== undefined;
    for (const v of exhaustive.violations ?? []) if (v.kind === 'always') shortest.set(v.property, v.steps.length);
  }, 600_000);

  /** BFS's shortest counterexample length for `property`, or undefined when BFS says it cannot be violated. */
  function bfsShortest(property: string): number | undefined {
    if (shortest.has(property) || !capped) return shortest.get(property);
    const alone = bfs({ ...target, invariants: target.invariants.filter((p) => p.id === property) }, { maxStates: ONE_PROPERTY_MAX_STATES });
    expect(alone.stats?.stoppedBy, `BFS over ${property} alone ran out of its budget`).toBeUndefined();
    if (alone.violation?.kind === 'always') shortest.set(property, alone.violation.steps.length);
    return shortest.get(property);
  }

  /** BFS found an invariant violated (a vacuous run, a witness never reached, has no counterexample to find). */
  const bfsFails = (): boolean => shortest.size > 0;

  /** A random engine's failure: in BFS's set, no shorter than BFS's shortest, and confirmed by the plain stepper. */
  function agreesWithBfs(r: CheckResult): number {
    expect(r.verdict).toBe('fail');
    const v = r.violation!;
    expect(v.kind).toBe('always');
    const least = bfsShortest(v.property);
    expect(least, `${v.property} found by ${r.engine} is not in BFS's --all-violations set [${[...shortest.keys()].join(', ')}]`).toBeDefined();
    expect(v.steps.length).toBeGreaterThanOrEqual(least!);
    const plain = plainExecute(target, indicesOf(v.path));
    expect(plain.violation).toEqual({ property: v.property, step: v.steps.length });
    expect(v.steps).toEqual(plain.steps);
    return least!;
  }

  it('bfs with all violations ends with a verdict, and its set is complete unless capped', () => {
    expect(['pass', 'fail']).toContain(exhaustive.verdict);
    if (!capped) expect(exhaustive.complete || shortest.size === target.invariants.length).toBe(true);
  });

  it('simulation finds a property of bfs\'s set, or nothing where bfs passes', () => {
    const r = simulate(target, { ...SIMULATE, ...SIMULATE_OVERRIDES[`${variant}/${scenario}`] });
    if (bfsFails()) agreesWithBfs(r);
    else expect(r.verdict).toBe('incomplete');
  }, 120_000);

  it('pbt finds a property of bfs\'s set, or nothing where bfs passes; its shrunk length is reported', () => {
    const r = pbt(target, { ...PBT, ...PBT_OVERRIDES[`${variant}/${scenario}`] });
    if (bfsFails()) {
      const least = agreesWithBfs(r);
      const shrunk = r.violation!.steps.length;
      figures.push(`${variant}/${scenario}: ${r.violation!.property}, ${least} vs ${shrunk}${shrunk - least > 2 ? ' (more than 2 longer)' : ''}`);
    } else {
      expect(r.verdict).toBe('incomplete');
    }
  }, 120_000);
});
