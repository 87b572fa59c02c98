/**
 * The oracle itself, on specs small enough to count by hand: if plain-bfs.ts were
 * wrong, its agreement with bfs in ../verdicts.test.ts would prove nothing.
 */
import { describe, expect, it } from 'vitest';
import type { ActionBase, CheckTarget, Property } from '../../src/model/interface.js';
import { toyTarget } from '../fixtures/toy.js';
import { plainBfs } from './plain-bfs.js';

describe('plainBfs on the toy counters (x, y in 0..2, reset x at 2)', () => {
  it('counts 9 states, 14 transitions, depth 4 and reports the bug at its distance from init', () => {
    // Actions per state: x < 2 gives inc x, y < 2 gives inc y, x = 2 and y < 2 gives reset:
    // 2+2+1 for x = 0 and x = 1, 2+2+0 for x = 2, so 14 transitions; (2, 2) is 4 steps away.
    const r = plainBfs(toyTarget({ max: 2, bug: [1, 2], witnesses: ['x-max', 'never'] }));
    expect(r).toMatchObject({ verdict: 'fail', complete: true, states: 9, transitions: 14, depth: 4 });
    expect(r.violations).toEqual({ 'NO-BUG': 3 });
    expect(r.missedWitnesses).toEqual(['NEVER']);
  });

  it('is a vacuous fail without violations when a witness is missed, and a pass otherwise', () => {
    expect(plainBfs(toyTarget({ max: 2, bug: null, witnesses: ['never'] })).verdict).toBe('fail');
    expect(plainBfs(toyTarget({ max: 2, bug: null, witnesses: ['x-max'] })).verdict).toBe('pass');
  });

  it('stops at the first violation, and at the state budget as incomplete', () => {
    const first = plainBfs(toyTarget({ max: 2, bug: [1, 0] }), { stopAtFirst: true });
    // Init, then inc x to (1, 0): the first transition fails; only init was admitted.
    expect(first).toMatchObject({ verdict: 'fail', complete: false, states: 1, transitions: 1, depth: 1, violations: { 'NO-BUG': 1 } });
    const capped = plainBfs(toyTarget({ max: 2, bug: null }), { maxStates: 3 });
    expect(capped).toMatchObject({ verdict: 'incomplete', complete: false, states: 3 });
  });
});

/** A node and the edge that reached it: the edge is the transient record, left out of the encoding. */
interface Node { readonly n: number; readonly via: string }
interface Edge extends ActionBase { readonly to: number }
const EDGES: Record<number, number[]> = { 0: [1, 2], 1: [], 2: [1] };

function edgeTarget(mutate = false): CheckTarget<Node, Edge> {
  const noBackEdge: Property<Node> = {
    id: 'NO-2-TO-1', family: 'toy-safety', kind: 'always', doc: 'edge 2 -> 1 is never taken', cites: 'test', holds: (s) => s.via !== '2>1',
  };
  return {
    variant: 'toy', scenario: 'edges', invariants: [noBackEdge], witnesses: [],
    spec: {
      init: () => ({ n: 0, via: '' }),
      actions: (s) => EDGES[s.n].map((to) => ({ actor: 'g', kind: 'edge', to })),
      next: (s, a) => {
        if (mutate) (s as { n: number }).n = a.to;
        return { n: a.to, via: `${s.n}>${a.to}` };
      },
      encode: (s) => String(s.n),
      describe: (_s, a) => `to ${a.to}`, render: (s) => String(s.n), summary: (s) => String(s.n),
    },
  };
}

describe('plainBfs judges every transition, also into a state already seen', () => {
  it('finds a violation that only the step into a seen state shows', () => {
    // Node 1 is first reached from 0 at depth 1; the bad edge 2 -> 1 reaches it again at depth 2.
    const r = plainBfs(edgeTarget());
    expect(r).toMatchObject({ states: 3, transitions: 3, depth: 1, violations: { 'NO-2-TO-1': 2 } });
  });

  it('refuses a next that changes the state it was given', () => {
    expect(() => plainBfs(edgeTarget(true))).toThrow(/next changed the state/);
  });
});
