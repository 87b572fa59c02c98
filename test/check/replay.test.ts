import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { parsePath, replay } from '../../src/check/replay.js';
import { ReplayError, UsageError } from '../../src/errors.js';
import { toyTarget } from '../fixtures/toy.js';

describe('replay', () => {
  it('reproduces the counterexample bfs found, with the same trace', () => {
    const target = toyTarget({ bug: [3, 2] });
    const v = bfs(target).violation!;
    const r = replay(target, v.path);
    expect(r.violation).toEqual({ property: 'NO-BUG', family: 'toy-safety', doc: target.invariants[1].doc, step: 5 });
    expect(r.steps).toEqual(v.steps);
    expect(r.trace).toEqual(v.trace);
  });

  it('treats the empty path as the initial state only', () => {
    const r = replay(toyTarget(), '');
    expect(r.path).toBe('');
    expect(r.steps).toEqual([]);
    expect(r.trace).toEqual([{ action: 'init', state: 'x [....]\ny [....]', summary: 'x=0 y=0' }]);
    expect(r.violation).toBeUndefined();
  });

  it('executes the whole path and reports the first violation', () => {
    // Through the bug at (1, 0) and on to (2, 1).
    const r = replay(toyTarget({ bug: [1, 0] }), '0/0/1');
    expect(r.trace.map((t) => t.summary)).toEqual(['x=0 y=0', 'x=1 y=0', 'x=2 y=0', 'x=2 y=1']);
    expect(r.violation?.step).toBe(1);
  });

  it('rejects an index out of range, naming the step and how many actions were enabled', () => {
    // At (0, 0) two actions are enabled (inc x, inc y).
    expect(() => replay(toyTarget(), '0/2')).toThrow(ReplayError);
    expect(() => replay(toyTarget(), '0/2')).toThrow(/step 2 asks for action 2 but only 2 actions are enabled/);
  });

  it('rejects any step past a terminal state', () => {
    const toTerminal = '0/0/0/0/0/0/0/0'; // inc x to 4 (then inc y is action 0) up to (4, 4)
    expect(replay(toyTarget({ bug: null }), toTerminal).trace.at(-1)!.summary).toBe('x=4 y=4');
    expect(() => replay(toyTarget({ bug: null }), toTerminal + '/0')).toThrow(/step 9 .*no action is enabled/);
  });

  it.each(['/', '0/', '/0', '0//1', 'a', '-1', '+1', ' 0', '01', '1.5', '0,1'])('rejects the malformed path %j', (p) => {
    expect(() => parsePath(p)).toThrow(UsageError);
    expect(() => replay(toyTarget(), p)).toThrow(UsageError);
  });

  it('parses well-formed paths', () => {
    expect(parsePath('')).toEqual([]);
    expect(parsePath('0')).toEqual([0]);
    expect(parsePath('0/3/10')).toEqual([0, 3, 10]);
  });
});
