/**
 * The plain stepper itself, on the toy counters and a small graph whose answers
 * are counted by hand: if plain-step.ts were wrong, the agreement test's trace
 * check would prove nothing.
 */
import { describe, expect, it } from 'vitest';
import { graphTarget, toyTarget } from '../fixtures/toy.js';
import { plainExecute } from './plain-step.js';

describe('plainExecute', () => {
  it('reports the first violated invariant at the index of its state, and describes each step', () => {
    // Toy with the bug at (1, 1): inc x (action 0), then inc y (action 1 at (1, 0)) reaches it after 2 steps.
    const r = plainExecute(toyTarget({ max: 2, bug: [1, 1] }), [0, 1]);
    expect(r).toEqual({ steps: ['toy[x]: inc x', 'toy[y]: inc y'], violation: { property: 'NO-BUG', step: 2 } });
  });

  it('keeps the earliest violation when the path goes on, and reports none on a clean path', () => {
    // Graph 0 -> 1 -> 2 -> 1: node 1 is bad, reached at step 1 and again at step 3.
    const g = graphTarget([[1], [2], [1]], [1]);
    expect(plainExecute(g, [0, 0, 0])).toEqual({ steps: ['g: go to 1', 'g: go to 2', 'g: go to 1'], violation: { property: 'NOT-BAD', step: 1 } });
    expect(plainExecute(graphTarget([[1], [0]], []), [0, 0])).toEqual({ steps: ['g: go to 1', 'g: go to 0'] });
  });

  it('judges init (step 0), and takes the first violated invariant in list order', () => {
    expect(plainExecute(graphTarget([[0]], [0]), []).violation).toEqual({ property: 'NOT-BAD', step: 0 });
    // A toy whose bug is planted at init: BOUNDED (listed first) holds there, so NO-BUG is the one reported.
    expect(plainExecute(toyTarget({ max: 2, bug: [0, 0] }), []).violation).toEqual({ property: 'NO-BUG', step: 0 });
  });

  it('rejects an index out of range, naming the step', () => {
    // After inc x at max 1, the toy is at (1, 0): inc y and reset x are enabled.
    expect(() => plainExecute(toyTarget({ max: 1, bug: null }), [0, 5])).toThrow(/step 2: action 5 asked for, 2 enabled/);
  });
});
