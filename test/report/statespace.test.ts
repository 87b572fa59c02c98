/**
 * The state-space block of the text report, its JSON object, and the dead steps of
 * check-all (src/report/statespace.ts), on the toy counters (numbers known by hand)
 * and on hand-made results.
 */
import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import type { CheckResult, StateSpace } from '../../src/check/result.js';
import { formatJson } from '../../src/report/json.js';
import { formatText } from '../../src/report/text.js';
import { deadSteps, formatDeadSteps, stateSpaceLines } from '../../src/report/statespace.js';
import type { CheckTarget } from '../../src/model/interface.js';
import { toyTarget, type ToyAction, type ToyState } from '../fixtures/toy.js';

/** The toy, listing a kind it never takes. */
function listed(): CheckTarget<ToyState, ToyAction> {
  const t = toyTarget({ bug: null });
  return { ...t, spec: { ...t.spec, kinds: () => ['inc', 'reset', 'jump'] } };
}

/** A result that is only its identity and its summary, for the formatters. */
function result(variant: string, scenario: string, ss: StateSpace | undefined, complete = true): CheckResult {
  return { ...bfs(toyTarget({ bug: null })), variant, scenario, complete, stateSpace: ss };
}

describe('state-space text block', () => {
  it('gives the histogram from depth 0, the steps by count and what never fired', () => {
    expect(stateSpaceLines(bfs(listed()))).toEqual([
      'state space: new states at each depth 0..8:',
      '  0: 1 2 3 4 5 4 3 2 1',
      'steps fired: 2 of 3 step labels, 44 transitions; most often: inc 40, reset 4',
      'never fired (1): jump',
    ]);
  });

  it('says a stopped run covers only what it explored, and omits the never-fired line when the spec lists no kinds', () => {
    const lines = stateSpaceLines(bfs(toyTarget({ bug: null }), { maxStates: 7 }));
    expect(lines[0]).toBe('state space (of the part explored): new states at each depth 0..3:');
    expect(lines.some((l) => l.startsWith('never fired'))).toBe(false);
  });

  it('wraps a long histogram at 100 columns, each line starting with the depth of its first number', () => {
    const depths = Array.from({ length: 60 }, (_, d) => 1000 + d);
    const lines = stateSpaceLines(result('v', 's', { depths, fired: { a: 1 }, neverFired: [] }));
    const rows = lines.slice(1, lines.findIndex((l) => l.startsWith('steps')));
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(100);
    // Every depth once, in order, and each row's label is the depth of its first number.
    const numbers = rows.flatMap((r) => r.split(': ')[1].split(' ').map(Number));
    expect(numbers).toEqual(depths);
    let at = 0;
    for (const row of rows) {
      expect(Number(row.split(':')[0])).toBe(at);
      at += row.split(': ')[1].split(' ').length;
    }
    expect(lines.at(-1)).toBe('never fired: none');
  });

  it('names at most 8 steps, most frequent first, ties in the spec order', () => {
    const fired = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((k, i) => [k, i === 9 ? 50 : 10]));
    const lines = stateSpaceLines(result('v', 's', { depths: [1], fired }));
    // Wrapped at 100 columns, continued with an indent.
    expect(lines.slice(2)).toEqual(['steps fired: 10 step labels, 140 transitions; most often: j 50, a 10, b 10, c 10, d 10, e 10, f 10,', '    g 10']);
  });

  it('is empty without a summary (simulate, pbt, a merged report)', () => {
    expect(stateSpaceLines(result('v', 's', undefined))).toEqual([]);
  });
});

describe('state-space block in the text report', () => {
  it('comes after the witnesses and before the violation with stats, and not at all without', () => {
    const r = bfs(toyTarget({ bug: [3, 2] }));
    const plain = formatText(r).split('\n');
    const withStats = formatText(r, { stats: true }).split('\n');
    expect(plain.some((l) => l.startsWith('state space'))).toBe(false);
    const at = withStats.findIndex((l) => l.startsWith('state space'));
    expect(at).toBeGreaterThan(withStats.findIndex((l) => l.startsWith('witnesses:')));
    expect(at).toBeLessThan(withStats.findIndex((l) => l.startsWith('violated:')));
    expect(withStats.slice(at, at + 3)).toEqual(stateSpaceLines(r));
    // Everything else is unchanged.
    expect(withStats.filter((_, i) => i < at || i >= at + 3)).toEqual(plain);
  });
});

describe('state-space JSON', () => {
  it('is the last key, with depths, fired and neverFired in that order', () => {
    const j = JSON.parse(formatJson(bfs(listed())));
    expect(Object.keys(j).at(-1)).toBe('stateSpace');
    expect(j.stateSpace).toEqual({ depths: [1, 2, 3, 4, 5, 4, 3, 2, 1], fired: { inc: 40, reset: 4 }, neverFired: ['jump'] });
    expect(Object.keys(j.stateSpace)).toEqual(['depths', 'fired', 'neverFired']);
  });
});

describe('dead steps', () => {
  const ss = (fired: Record<string, number>, neverFired: string[]): StateSpace => ({ depths: [1], fired, neverFired });

  it('a label is dead when no run of the variant fired it; variants are kept apart', () => {
    const found = deadSteps([
      result('v1', 's1', ss({ a: 1 }, ['b', 'c', 'd'])),
      result('v2', 's1', ss({}, ['a', 'b', 'c', 'd'])),
      result('v1', 's2', ss({ c: 2 }, ['a', 'b', 'd']), false),
    ]);
    expect(found).toEqual([
      { variant: 'v1', runs: 2, partial: 1, fired: ['a', 'c'], dead: ['b', 'd'] },
      { variant: 'v2', runs: 1, partial: 0, fired: [], dead: ['a', 'b', 'c', 'd'] },
    ]);
    expect(formatDeadSteps(found)).toBe(
      'dead steps of v1: 2 of 4 step labels fired in none of its 2 runs (1 of them did not explore everything and count only what they saw)\n' +
        '  b, d\n' +
        'dead steps of v2: 4 of 4 step labels fired in none of its 1 runs\n' +
        '  a, b, c, d\n' +
        // What one variant fires is not dead code, whatever the others do.
        'dead on all 2 variants: 2\n' +
        '  b, d\n',
    );
    // One variant: no line for all of them.
    expect(formatDeadSteps(found.slice(1))).not.toMatch(/all/);
  });

  it('a label only some variants have is dead on all of them when none of those fires it', () => {
    const found = deadSteps([result('v1', 's', ss({ a: 1 }, ['x'])), result('v2', 's', ss({ a: 1 }, []))]);
    expect(formatDeadSteps(found).split('\n').slice(-3)).toEqual(['dead on all 2 variants: 1', '  x', '']);
    const none = deadSteps([result('v1', 's', ss({ a: 1 }, ['x'])), result('v2', 's', ss({ a: 1, x: 1 }, []))]);
    expect(formatDeadSteps(none)).toMatch(/\ndead on all 2 variants: none\n$/);
  });

  it('a run that cannot say what did not fire counts as partial; a variant with no such run is left out', () => {
    const found = deadSteps([result('v', 's', ss({ a: 1 }, ['b'])), result('v', 't', { depths: [1], fired: {} }), result('w', 's', undefined)]);
    expect(found).toEqual([{ variant: 'v', runs: 2, partial: 1, fired: ['a'], dead: ['b'] }]);
  });
});
