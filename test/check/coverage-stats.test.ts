/**
 * The state-space summary bfs returns (src/check/coverage-stats.ts): new states per
 * depth, firings per action kind, the kinds that never fired; on the toy counters,
 * whose numbers are known by hand, and on the netlink spec, where the two ways of
 * counting (the spec's kind index, and the kind's name) must agree.
 */
import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { FiringCounter, stateSpaceOf } from '../../src/check/coverage-stats.js';
import type { ActionBase, CheckTarget, Spec } from '../../src/model/interface.js';
import { buildTarget, listSteps } from '../../src/catalog.js';
import { toyTarget, type ToyAction, type ToyState } from '../fixtures/toy.js';

const sum = (xs: Iterable<number>) => [...xs].reduce((a, b) => a + b, 0);

/** The toy with a list of kinds (one of which it never takes) and, optionally, a kind index. */
function withKinds(t: CheckTarget<ToyState, ToyAction>, indexed: boolean): CheckTarget<ToyState, ToyAction> {
  const kinds = ['reset', 'inc', 'jump'];
  const spec: Spec<ToyState, ToyAction> = { ...t.spec, kinds: () => kinds, ...(indexed ? { kindIndex: (a: ToyAction) => kinds.indexOf(a.kind) } : {}) };
  return { ...t, spec };
}

describe('bfs state-space summary on the toy counters', () => {
  it('counts new states per depth (x + y) and firings per kind, as worked out by hand', () => {
    const r = bfs(toyTarget({ bug: null }));
    // (x, y) in 0..4 is first reached at depth x + y: 1, 2, 3, 4, 5, 4, 3, 2, 1 states.
    expect(r.stateSpace?.depths).toEqual([1, 2, 3, 4, 5, 4, 3, 2, 1]);
    // inc from 20 + 20 states, reset from the 4 states with x = 4 and y < 4 (44 transitions).
    expect(r.stateSpace?.fired).toEqual({ inc: 40, reset: 4 });
    // The toy does not list its kinds, so nothing can be said about what never fired.
    expect(r.stateSpace?.neverFired).toBeUndefined();
  });

  it('names the kinds that never fired, in the spec order, with or without a kind index', () => {
    for (const indexed of [false, true]) {
      const r = bfs(withKinds(toyTarget({ bug: null }), indexed));
      expect(Object.entries(r.stateSpace!.fired)).toEqual([['reset', 4], ['inc', 40]]); // the spec's order, not firing order
      expect(r.stateSpace?.neverFired).toEqual(['jump']);
    }
  });

  it('a run stopped by a budget counts what it explored: depths add up to the states, firings to the transitions', () => {
    const r = bfs(toyTarget({ bug: null }), { maxStates: 7 });
    expect(r.verdict).toBe('incomplete');
    const ss = r.stateSpace!;
    expect(sum(ss.depths)).toBe(r.states);
    expect(ss.depths).toEqual([1, 2, 3, 1]); // the level at depth 3 was cut after its first state
    expect(sum(Object.values(ss.fired))).toBe(r.transitions);
  });

  it('a violation in the initial state: one state at depth 0, nothing fired', () => {
    const r = bfs(toyTarget({ bug: [0, 0] }));
    expect(r.stateSpace).toEqual({ depths: [1], fired: {} });
  });

  it('a depth budget: the levels explored, none beyond', () => {
    const r = bfs(toyTarget({ bug: null }), { maxDepth: 2 });
    expect(r.stateSpace?.depths).toEqual([1, 2, 3]);
  });
});

describe('FiringCounter', () => {
  it('refuses a kind index that is not a small integer', () => {
    const c = new FiringCounter<ActionBase>({ kindIndex: () => -1 });
    expect(() => c.add({ actor: 'a', kind: 'k' })).toThrow(RangeError);
  });

  it('grows past its first array and adds up two indices that carry one kind', () => {
    const c = new FiringCounter<ActionBase & { i: number }>({ kindIndex: (a) => a.i });
    c.add({ actor: 'a', kind: 'far', i: 5000 });
    c.add({ actor: 'a', kind: 'far', i: 5000 });
    c.add({ actor: 'a', kind: 'near', i: 1 });
    c.add({ actor: 'a', kind: 'near', i: 2 });
    expect([...c.fired(['near', 'far'])]).toEqual([['near', 2], ['far', 2]]);
  });

  it('stateSpaceOf puts the states a cut level admitted at the depth after the finished levels', () => {
    const c = new FiringCounter<ActionBase>({});
    expect(stateSpaceOf({}, [1, 3], 6, c).depths).toEqual([1, 3, 2]);
    expect(stateSpaceOf({}, [1, 3], 4, c).depths).toEqual([1, 3]);
  });
});

describe('bfs state-space summary on the netlink spec', () => {
  const t = buildTarget('linux-4.5', 'tx-sibling');

  it("lists the variant's step labels as kinds, and every firing is of one of them", () => {
    const kinds = t.spec.kinds!();
    const steps = listSteps().filter((s) => s.kind === 'step').map((s) => s.label);
    expect([...kinds].sort()).toEqual([...steps].sort());
    const r = bfs(t);
    const ss = r.stateSpace!;
    expect(sum(ss.depths)).toBe(r.states);
    expect(sum(Object.values(ss.fired))).toBe(r.transitions);
    // fired and never fired split the kinds, and keep their order.
    expect([...Object.keys(ss.fired), ...ss.neverFired!].sort()).toEqual([...kinds].sort());
    expect(Object.keys(ss.fired)).toEqual(kinds.filter((k) => k in ss.fired));
    // A TX scenario runs no RX consumer: its look at the ring never fires; the TX user's first step does.
    expect(ss.neverFired).toContain('c.look');
    expect(ss.fired['u.check']).toBeGreaterThan(0);
  });

  it('counting by the label id gives what counting by the kind name gives', () => {
    const { kindIndex: _dropped, ...byName } = t.spec;
    const a = bfs(t).stateSpace;
    const b = bfs({ ...t, spec: byName }).stateSpace;
    expect(b).toEqual(a);
  });
});
