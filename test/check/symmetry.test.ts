import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { replay } from '../../src/check/replay.js';
import { buildTarget } from '../../src/catalog.js';

const summary = (r: ReturnType<typeof bfs>) => ({
  verdict: r.verdict,
  complete: r.complete,
  violations: (r.violations ?? []).map((v) => [v.property, v.steps.length]),
});

describe('symmetry reduction over interchangeable producers', () => {
  // Scenarios with two producers of the same program and bounds, on both kernels and the ordered variant.
  const cases = [
    ['linux-4.5', 'rx-order'],
    ['linux-3.10', 'rx-order'],
    ['linux-4.5', 'nfq-batch'],
    ['linux-3.10', 'nfq-batch'],
    ['linux-4.5-ordered', 'nfq-batch'],
  ] as const;

  it.each(cases)('%s %s: same verdicts and counterexample lengths with the reduction on and off, fewer states', (v, sc) => {
    const off = bfs(buildTarget(v, sc), { allViolations: true });
    const on = bfs(buildTarget(v, sc), { allViolations: true, symmetry: true });
    expect(summary(on)).toEqual(summary(off));
    expect(on.states).toBeLessThan(off.states);
    // With two interchangeable producers, at most half again of the orbits are fixed points.
    expect(on.states).toBeGreaterThanOrEqual(off.states / 2);
  });

  it('a counterexample found with the reduction is a real path from the initial state', () => {
    const target = buildTarget('linux-4.5', 'nfq-batch');
    const on = bfs(target, { symmetry: true });
    expect(on.verdict).toBe('fail');
    const back = replay(target, on.violation!.path);
    expect(back.violation?.property).toBe(on.violation?.property);
    expect(back.violation?.step).toBe(on.violation?.steps.length);
  });

  it('changes nothing where no producers are interchangeable', () => {
    const target = buildTarget('linux-4.5', 'poll');
    expect(target.spec.canonicalUnits).toBeUndefined();
    expect(bfs(target, { symmetry: true }).states).toBe(bfs(target).states);
  });
});
