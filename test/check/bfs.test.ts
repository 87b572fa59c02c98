import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { bfs, type Progress } from '../../src/check/bfs.js';
import { parsePath, replay } from '../../src/check/replay.js';
import { formatJson } from '../../src/report/json.js';
import { graphTarget, toyTarget } from '../fixtures/toy.js';
import { buildTarget } from '../../src/catalog.js';

describe('bfs on the toy counters', () => {
  it('passes a correct spec, exploring every state and edge once, terminal states included', () => {
    const r = bfs(toyTarget({ bug: null }));
    expect(r.verdict).toBe('pass');
    expect(r.complete).toBe(true);
    expect(r.states).toBe(25); // x, y in 0..4
    // inc x from 20 states, inc y from 20, reset x from the 4 states with x = 4 and y < 4
    expect(r.transitions).toBe(44);
    expect(r.maxDepth).toBe(8); // (4, 4) is terminal, 8 steps away
    expect(r.violation).toBeUndefined();
    expect(r.witnesses).toEqual([{ id: 'X-MAX', reached: true }]);
    expect(r.invariants).toEqual(['BOUNDED', 'NO-BUG']);
    expect(r.replay).toBe('nlring check --variant toy-v1 --scenario counters');
  });

  it('finds the planted bug on a shortest path and rebuilds its trace', () => {
    const r = bfs(toyTarget({ bug: [3, 2] }));
    expect(r.verdict).toBe('fail');
    expect(r.complete).toBe(false);
    const v = r.violation!;
    expect(v).toMatchObject({ property: 'NO-BUG', family: 'toy-safety', kind: 'always' });
    expect(parsePath(v.path)).toHaveLength(5);
    expect(v.path).toBe('0/0/0/1/1'); // lexicographically first among the shortest
    expect(v.steps).toEqual(['toy[x]: inc x', 'toy[x]: inc x', 'toy[x]: inc x', 'toy[y]: inc y', 'toy[y]: inc y']);
    expect(v.trace).toHaveLength(6);
    expect(v.trace[0]).toEqual({ action: 'init', state: 'x [....]\ny [....]', summary: 'x=0 y=0' });
    expect(v.trace[5].summary).toBe('x=3 y=2');
    expect(r.replay).toBe('nlring replay --variant toy-v1 --scenario counters --path 0/0/0/1/1');
  });

  it('reports a violation in the initial state with the empty path', () => {
    const r = bfs(toyTarget({ bug: [0, 0] }));
    expect(r.verdict).toBe('fail');
    expect(r.violation).toMatchObject({ property: 'NO-BUG', path: '', steps: [] });
    expect(r.violation!.trace).toHaveLength(1);
    expect(r.violation!.message).toMatch(/initial state/);
    expect(r.states).toBe(1);
    expect(r.replay).toBe(`nlring replay --variant toy-v1 --scenario counters --path ''`);
  });

  it('is incomplete, never pass, when the state budget stops it, even with all witnesses reached', () => {
    const r = bfs(toyTarget({ bug: null }), { maxStates: 20 });
    expect(r.verdict).toBe('incomplete');
    expect(r.complete).toBe(false);
    expect(r.states).toBe(20);
    expect(r.witnesses).toEqual([{ id: 'X-MAX', reached: true }]);
    expect(r.violation).toBeUndefined();
    expect(r.replay).toBe('nlring check --variant toy-v1 --scenario counters --max-states 20');
  });

  it('is incomplete when the budget stops it before a bug', () => {
    expect(bfs(toyTarget({ bug: [4, 4] }), { maxStates: 23 }).verdict).toBe('incomplete');
  });

  it('reports a violation reached by a transition even when the budget admits no more states', () => {
    // Transitions are judged before the budget is consulted: a bug that is found is never hidden.
    expect(bfs(toyTarget({ bug: [4, 4] }), { maxStates: 24 }).verdict).toBe('fail');
  });

  it('is complete when the budget equals the number of reachable states', () => {
    expect(bfs(toyTarget({ bug: null }), { maxStates: 25 }).verdict).toBe('pass');
    expect(bfs(toyTarget({ bug: null }), { maxStates: 24 }).verdict).toBe('incomplete');
  });

  it('calls a complete run that misses a witness vacuous: fail, never pass', () => {
    const r = bfs(toyTarget({ bug: null, witnesses: ['x-max', 'never'] }));
    expect(r.verdict).toBe('fail');
    expect(r.complete).toBe(true);
    expect(r.violation).toMatchObject({ property: 'NEVER', kind: 'sometimes', path: '', steps: [], trace: [] });
    expect(r.violation!.message).toMatch(/vacuous.*NEVER.*never reached/);
    expect(r.witnesses).toEqual([
      { id: 'X-MAX', reached: true },
      { id: 'NEVER', reached: false },
    ]);
  });

  it('prefers a safety violation over a missed witness', () => {
    const r = bfs(toyTarget({ bug: [1, 0], witnesses: ['never'] }));
    expect(r.violation).toMatchObject({ property: 'NO-BUG', kind: 'always', path: '0' });
  });

  it('is deterministic: two runs give the same JSON except the timings', () => {
    for (const options of [{ bug: null }, { bug: [3, 2] as const }, { bug: null, witnesses: ['never' as const] }]) {
      const a = JSON.parse(formatJson(bfs(toyTarget(options))));
      const b = JSON.parse(formatJson(bfs(toyTarget(options))));
      for (const r of [a, b]) {
        expect(r.stats.hash).toMatch(/^nlring-fp64/);
        delete r.seconds;
        delete r.stats.statesPerSecond;
        // Memory figures vary between runs as the timings do (result.ts).
        for (const k of ['peakRssBytes', 'peakHeldBytes', 'heldBytesPerState']) delete r.stats[k];
      }
      expect(a).toEqual(b);
    }
  });

  it('is incomplete, never pass, when the depth budget stops it', () => {
    const r = bfs(toyTarget({ bug: null }), { maxDepth: 3 });
    expect(r.verdict).toBe('incomplete');
    expect(r.stats?.stoppedBy).toBe('max-depth');
    expect(r.replay).toContain('--max-depth 3');
  });

  it('passes when the depth budget is beyond the deepest state', () => {
    expect(bfs(toyTarget({ bug: null }), { maxDepth: 1000 }).verdict).toBe('pass');
  });

  it('is incomplete when the time budget is exhausted', () => {
    const r = bfs(toyTarget({ bug: null }), { timeBudgetSeconds: 0 });
    expect(r.verdict).toBe('incomplete');
    expect(r.stats?.stoppedBy).toBe('time-budget');
  });

  it('is incomplete when the memory ceiling is reached', () => {
    // The heap is read every 16384 expanded states, so this needs a space larger than the toy's.
    const r = bfs(buildTarget('linux-4.5', 'poll'), { maxMemoryMiB: 1 });
    expect(r.verdict).toBe('incomplete');
    expect(r.stats?.stoppedBy).toBe('memory');
  });

  it('reports progress with growing counts when asked', () => {
    const seen: Progress[] = [];
    bfs(toyTarget({ bug: null }), { onProgress: (p) => seen.push(p), progressIntervalMs: 0 });
    expect(seen.length).toBeGreaterThan(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i].distinct).toBeGreaterThanOrEqual(seen[i - 1].distinct);
    expect(seen.at(-1)!.distinct).toBe(25);
  });

  it('stays silent when the run is shorter than the progress interval', () => {
    let calls = 0;
    bfs(toyTarget({ bug: null }), { onProgress: () => calls++ });
    expect(calls).toBe(0);
  });

  it('lets exceptions from the spec propagate', () => {
    const t = toyTarget({ bug: null });
    const broken = { ...t, spec: { ...t.spec, next: () => { throw new Error('boom'); } } };
    expect(() => bfs(broken)).toThrow('boom');
  });

  it('rejects a budget that is not a positive integer', () => {
    expect(() => bfs(toyTarget(), { maxStates: 0 })).toThrow(RangeError);
    expect(() => bfs(toyTarget(), { maxStates: 1.5 })).toThrow(RangeError);
  });
});

/** Brute force: the lexicographically first action sequence, among the shortest, that ends on a bad node. */
function bruteForce(edges: number[][], bad: number[]): number[] | null {
  // A shortest path visits each node at most once, so length < nodes.
  for (let len = 0; len < edges.length; len++) {
    const found = (function search(node: number, path: number[]): number[] | null {
      if (path.length === len) return bad.includes(node) ? path : null;
      for (let k = 0; k < edges[node].length; k++) {
        const r = search(edges[node][k], [...path, k]);
        if (r) return r;
      }
      return null;
    })(0, []);
    if (found) return found;
  }
  return null;
}

function reachable(edges: number[][]): number {
  const seen = new Set([0]);
  const todo = [0];
  while (todo.length) for (const to of edges[todo.pop()!]) if (!seen.has(to)) seen.add(to), todo.push(to);
  return seen.size;
}

const graphs = fc.integer({ min: 1, max: 7 }).chain((n) =>
  fc.record({
    edges: fc.array(fc.array(fc.nat(n - 1), { maxLength: 3 }), { minLength: n, maxLength: n }),
    bad: fc.uniqueArray(fc.nat(n - 1), { maxLength: 2 }),
  }),
);

describe('bfs against brute force on random graphs', () => {
  test.prop([graphs], { numRuns: 300 })('returns the shortest (and first) counterexample, or explores everything', ({ edges, bad }) => {
    const target = graphTarget(edges, bad);
    const r = bfs(target);
    const expected = bruteForce(edges, bad);
    if (expected === null) {
      expect(r.verdict).toBe('pass');
      expect(r.states).toBe(reachable(edges));
    } else {
      expect(r.verdict).toBe('fail');
      expect(r.violation!.path).toBe(expected.join('/'));
      // and the path really ends on a bad node
      expect(replay(target, r.violation!.path).violation?.step).toBe(expected.length);
    }
  });
});
