import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/catalog.js';
import { mergeReports, parseReport } from '../../src/check/merge.js';
import { PRNG_NAME, pickAction, walkRng } from '../../src/check/prng.js';
import { parsePath, replay } from '../../src/check/replay.js';
import type { CheckResult } from '../../src/check/result.js';
import { replayWalk, simulate, type SimulateProgress } from '../../src/check/simulate.js';
import { formatJson, toJson } from '../../src/report/json.js';
import { toyTarget } from '../fixtures/toy.js';

/** The JSON report without the fields that measure wall time. */
function untimed(r: CheckResult): Record<string, unknown> {
  const j = toJson(r) as Record<string, any>;
  delete j.seconds;
  delete j.stats.statesPerSecond;
  delete j.stats.stepsPerSecond;
  return j;
}

const linux310 = () => buildTarget('linux-3.10', 'tx-sibling');
const linux45 = () => buildTarget('linux-4.5', 'tx-sibling');

describe('the PRNG', () => {
  it('is named, and its stream depends only on (seed, walk)', () => {
    expect(PRNG_NAME).toBe('seedrandom/alea');
    const draw = (seed: number, walk: number) => {
      const rng = walkRng(seed, walk);
      return [rng(), rng(), rng()];
    };
    walkRng(7, 0)(); // drawing from another stream does not disturb this one
    expect(draw(7, 3)).toEqual(draw(7, 3));
    expect(draw(7, 3)).not.toEqual(draw(7, 4));
    expect(draw(7, 3)).not.toEqual(draw(8, 3));
    for (const x of draw(1, 1)) expect(x >= 0 && x < 1).toBe(true);
  });

  it('picks an actor uniformly, then one of its actions', () => {
    // Actor a has 1 action, actor b 3: actor-first gives index 0 half the time (uniform over actions: a quarter).
    const actions = [{ actor: 'a', kind: 'x' }, { actor: 'b', kind: 'x' }, { actor: 'b', kind: 'y' }, { actor: 'b', kind: 'z' }];
    const rng = walkRng(0, 0);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 20_000; i++) counts[pickAction(rng, actions)]++;
    expect(counts[0] / 20_000).toBeGreaterThan(0.47);
    expect(counts[0] / 20_000).toBeLessThan(0.53);
    for (const c of counts.slice(1)) expect(c / 20_000).toBeGreaterThan(0.15);
    expect(pickAction(rng, [{ actor: 'only', kind: 'x' }])).toBe(0);
  });
});

describe('simulate', () => {
  it('is deterministic: the same seed gives the same report, timings aside', () => {
    for (const target of [linux310(), linux45()]) {
      const a = simulate(target, { seed: 5, walks: 300, depth: 40 });
      const b = simulate(target, { seed: 5, walks: 300, depth: 40 });
      expect(untimed(a)).toEqual(untimed(b));
      expect(a.violation?.trace).toEqual(b.violation?.trace);
    }
  });

  it('steps in place when the spec can, with the same walks as through next', () => {
    for (const target of [linux310(), linux45()]) {
      const { inPlace: _, ...immutable } = target.spec;
      const a = simulate(target, { seed: 5, walks: 300, depth: 40 });
      expect(untimed(simulate({ ...target, spec: immutable }, { seed: 5, walks: 300, depth: 40 }))).toEqual(untimed(a));
    }
    // Walking never calls next (only the replay of a counterexample does).
    const t = linux45();
    const noNext = { ...t, spec: { ...t.spec, next: () => { throw new Error('next called'); } } };
    expect(simulate(noNext, { seed: 0, walks: 200, depth: 40 }).verdict).toBe('incomplete');
  });

  it('takes different walks for different seeds', () => {
    const target = linux45();
    const paths = (seed: number) => [0, 1, 2, 3].map((walk) => replayWalk(target, { seed, walk, depth: 40 }).path);
    expect(paths(0)).not.toEqual(paths(1));
    expect(new Set([...paths(0), ...paths(1)]).size).toBeGreaterThan(4);
    const a = simulate(target, { seed: 0, walks: 200, depth: 40 });
    const b = simulate(target, { seed: 1, walks: 200, depth: 40 });
    expect(a.stats!.steps).not.toBe(b.stats!.steps);
  });

  it('finds B3b/B3a on linux-3.10 tx-sibling within 2000 walks of depth 40, with a replayable walk', () => {
    const target = linux310();
    const r = simulate(target, { seed: 0, walks: 2000, depth: 40 });
    expect(r.verdict).toBe('fail');
    expect(r.engine).toBe('simulate');
    expect(r.seed).toBe(0);
    expect(['NOTOCTOU-TX-LEN', 'NOTOCTOU-TX-ACT']).toContain(r.violation!.property);
    const walk = r.origin!.walk!;
    expect(r.origin).toEqual({ seed: 0, walk });
    expect(walk).toBeLessThan(2000);
    expect(r.stats!.walks).toBe(walk + 1);
    expect(r.replay).toBe(`nlring replay --variant linux-3.10 --scenario tx-sibling --seed 0 --walk ${walk} --depth 40`);
    expect(r.stats).toMatchObject({ hash: PRNG_NAME, steps: r.transitions });
    expect(r.simulation).toEqual({ prng: PRNG_NAME, walks: 2000, depth: 40 });

    // Regenerating the walk gives the same path and violation ...
    const again = replayWalk(target, { seed: 0, walk, depth: 40 });
    expect(again.path).toBe(r.violation!.path);
    expect(again.violation).toMatchObject({ property: r.violation!.property, step: parsePath(r.violation!.path).length });
    expect(again.trace).toEqual(r.violation!.trace);
    // ... and its --path equivalent replays under bfs semantics to the same property.
    const byPath = replay(target, r.violation!.path);
    expect(byPath.violation?.property).toBe(r.violation!.property);
    expect(byPath.steps).toEqual(r.violation!.steps);
  });

  it('finds it for other seeds too (the scheduler is fair to threads)', () => {
    const target = linux310();
    for (const seed of [1, 2, 3]) expect(simulate(target, { seed, walks: 2000, depth: 40 }).verdict).toBe('fail');
  });

  it('reports incomplete, never pass, when no walk fails (linux-4.5 tx-sibling)', () => {
    const r = simulate(linux45(), { seed: 0, walks: 2000, depth: 40 });
    expect(r.verdict).toBe('incomplete');
    expect(r.complete).toBe(false);
    expect(r.violation).toBeUndefined();
    expect(r.origin).toBeUndefined();
    expect(r.stats!.walks).toBe(2000);
    expect(r.states).toBe(r.stats!.steps);
    expect(r.maxDepth).toBeLessThanOrEqual(40);
    expect(r.replay).toBe('nlring check --engine simulate --variant linux-4.5 --scenario tx-sibling --seed 0 --walks 2000 --depth 40');
  });

  it('does not call a run vacuous for a witness it never reached', () => {
    const r = simulate(toyTarget({ bug: null, witnesses: ['x-max', 'never'] }), { seed: 0, walks: 50, depth: 20 });
    expect(r.verdict).toBe('incomplete');
    expect(r.witnesses).toEqual([{ id: 'X-MAX', reached: true }, { id: 'NEVER', reached: false }]);
  });

  it('judges the initial state: a violation there has the empty path and belongs to the shard’s first walk', () => {
    const target = toyTarget({ bug: [0, 0] });
    const r = simulate(target, { seed: 3, walks: 10, depth: 5, shard: { index: 2, count: 4 } });
    expect(r.verdict).toBe('fail');
    expect(r.violation).toMatchObject({ property: 'NO-BUG', path: '', steps: [] });
    expect(r.origin).toEqual({ seed: 3, walk: 2 });
    expect(r.states).toBe(0);
    expect(replayWalk(target, { seed: 3, walk: 2, depth: 5 }).violation?.step).toBe(0);
  });

  it('stops walks at the depth bound and at terminal states', () => {
    const target = toyTarget({ bug: null, max: 2 }); // (2, 2) is terminal, at least 4 steps from init
    const r = simulate(target, { seed: 0, walks: 20, depth: 100 });
    expect(r.maxDepth).toBeGreaterThanOrEqual(4);
    const short = simulate(target, { seed: 0, walks: 20, depth: 3 });
    expect(short.maxDepth).toBe(3);
    expect(short.stats!.steps).toBe(60);
  });

  it('stops on the time budget, saying so', () => {
    const r = simulate(toyTarget({ bug: null }), { seed: 0, walks: 1_000_000, depth: 8, timeBudgetSeconds: 0 });
    expect(r.verdict).toBe('incomplete');
    expect(r.stats!.stoppedBy).toBe('time-budget');
    expect(r.stats!.walks).toBeLessThan(1_000_000);
    expect(r.replay).toMatch(/ --time-budget 0$/);
    // A run that got through all its walks was not stopped by the budget.
    expect(simulate(toyTarget({ bug: null }), { seed: 0, walks: 1, depth: 8, timeBudgetSeconds: 0 }).stats!.stoppedBy).toBeUndefined();
  });

  it('reports progress when asked', () => {
    const seen: SimulateProgress[] = [];
    simulate(linux45(), { seed: 0, walks: 300, depth: 40, onProgress: (p) => seen.push(p), progressIntervalMs: 0 });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((p) => p.of === 300 && p.walks <= 300 && p.steps > 0)).toBe(true);
  });

  it.each([
    [{ seed: -1, walks: 1, depth: 1 }, /seed/],
    [{ seed: 1.5, walks: 1, depth: 1 }, /seed/],
    [{ seed: 0, walks: 0, depth: 1 }, /walks/],
    [{ seed: 0, walks: 1, depth: 0 }, /depth/],
    [{ seed: 0, walks: 1, depth: 1, shard: { index: 3, count: 3 } }, /shard index/],
    [{ seed: 0, walks: 1, depth: 1, shard: { index: 0, count: 0 } }, /shard count/],
  ])('rejects bad options %j', (options, message) => {
    expect(() => simulate(toyTarget(), options)).toThrow(message);
  });
});

describe('sharding', () => {
  const shards = (target: ReturnType<typeof linux45>, o: { seed: number; walks: number; depth: number }) =>
    [0, 1, 2].map((index) => simulate(target, { ...o, shard: { index, count: 3 } }));
  const reread = (results: CheckResult[]) => results.map((r, i) => parseReport(`shard${i}.json`, formatJson(r)));

  it('covers exactly the walks of the unsharded run: the same steps in total', () => {
    const target = linux45();
    const o = { seed: 11, walks: 301, depth: 40 };
    const whole = simulate(target, o);
    const parts = shards(target, o);
    expect(parts.map((p) => p.stats!.walks)).toEqual([101, 100, 100]);
    expect(parts.reduce((t, p) => t + p.stats!.steps!, 0)).toBe(whole.stats!.steps);
    expect(Math.max(...parts.map((p) => p.maxDepth))).toBe(whole.maxDepth);
    expect(parts.map((p) => p.simulation!.shard)).toEqual([0, 1, 2].map((index) => ({ index, count: 3 })));
    const merged = mergeReports(reread(parts));
    expect(merged.verdict).toBe(whole.verdict);
    expect(merged.stats!.steps).toBe(whole.stats!.steps);
    expect(merged.stats!.walks).toBe(301);
    expect(merged.witnesses).toEqual(whole.witnesses);
    expect(merged.replay).toBe(whole.replay);
    expect(merged.merged).toEqual({ shards: [0, 1, 2], count: 3, allPresent: true });
  });

  it('merges to the unsharded verdict and first failing walk', () => {
    const target = linux310();
    const o = { seed: 0, walks: 2000, depth: 40 };
    const whole = simulate(target, o);
    const parts = shards(target, o);
    expect(parts.filter((p) => p.verdict === 'fail').length).toBeGreaterThan(1); // so that "lowest walk" is tested
    const merged = mergeReports(reread(parts), (id) => (id === whole.violation!.property ? whole.violation!.doc : undefined));
    expect(merged.verdict).toBe('fail');
    expect(merged.origin).toEqual(whole.origin);
    expect(merged.replay).toBe(whole.replay);
    expect(merged.violation).toMatchObject({ property: whole.violation!.property, path: whole.violation!.path, steps: whole.violation!.steps, doc: whole.violation!.doc });
  });
});

describe('golden walks (seed stability)', () => {
  // The exact walk 0 of seeds 1, 2, 3 on linux-4.5 rx-order, depth 30. Any change to the
  // PRNG, to how draws pick actions (prng.ts) or to the order of the spec's actions shows
  // up here, and breaks every recorded seed. If the change is deliberate, print
  //   replayWalk(buildTarget('linux-4.5', 'rx-order'), { seed, walk: 0, depth: 30 }).path
  // for each seed, paste the new paths here, and note in the changelog that recorded
  // seeds no longer replay.
  const GOLDEN: Record<number, string> = {
    1: '1/0/0/0/1/0/0/0/0/2/0/0/2/2/0/1/1/0/1/0/1/0/0/1/1/0/1/2/2/2',
    2: '0/0/2/0/2/2/0/0/2/1/0/0/1/0/1/0/0/2/0/1/1/0/1/1/1/0/0/2/1/0',
    3: '2/0/2/1/0/0/1/0/0/2/1/0/0/1/1/0/2/2/0/0/1/1/1/1/0/0/0/0/0/1',
  };

  it.each([1, 2, 3])('seed %i', (seed) => {
    const target = buildTarget('linux-4.5', 'rx-order');
    expect(replayWalk(target, { seed, walk: 0, depth: 30 }).path).toBe(GOLDEN[seed]);
    const r = simulate(target, { seed, walks: 1, depth: 30 });
    expect(r.stats!.steps).toBe(parsePath(GOLDEN[seed]).length);
  });
});
