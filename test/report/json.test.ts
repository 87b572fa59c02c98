import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { replay } from '../../src/check/replay.js';
import { formatJson, formatReplayJson } from '../../src/report/json.js';
import { toyTarget } from '../fixtures/toy.js';

const HEAD = ['verdict', 'variant', 'scenario', 'engine', 'states', 'transitions', 'seconds'];
// stateSpace (bfs): last, after every other key.
const TAIL = ['replay', 'maxDepth', 'complete', 'invariants', 'witnesses', 'stats', 'stateSpace'];

describe('json report', () => {
  it('keeps the documented keys first, in order, for a pass', () => {
    const j = JSON.parse(formatJson(bfs(toyTarget({ bug: null }))));
    expect(Object.keys(j)).toEqual([...HEAD, ...TAIL]);
    expect(j).toMatchObject({ verdict: 'pass', variant: 'toy-v1', scenario: 'counters', engine: 'bfs', states: 25, complete: true });
  });

  it('puts the violation between seconds and replay, with its documented keys first', () => {
    const j = JSON.parse(formatJson(bfs(toyTarget({ bug: [3, 2] }))));
    expect(Object.keys(j)).toEqual([...HEAD, 'violation', ...TAIL]);
    // The documented keys, then the trace (each step's action; the toy has no citations or views); the toy explains nothing.
    expect(Object.keys(j.violation)).toEqual(['property', 'family', 'path', 'steps', 'kind', 'message', 'trace']);
    expect(j.violation.trace).toHaveLength(6);
    expect(j.violation).toMatchObject({ property: 'NO-BUG', family: 'toy-safety', path: '0/0/0/1/1', kind: 'always' });
    expect(j.violation.steps).toHaveLength(5);
    expect(j.replay).toBe('nlring replay --variant toy-v1 --scenario counters --path 0/0/0/1/1');
  });

  it('marks a vacuous run as kind sometimes with an empty path', () => {
    const j = JSON.parse(formatJson(bfs(toyTarget({ bug: null, witnesses: ['never'] }))));
    expect(j.verdict).toBe('fail');
    expect(j.violation).toMatchObject({ property: 'NEVER', path: '', steps: [], kind: 'sometimes' });
    expect(j.witnesses).toEqual([{ id: 'NEVER', reached: false }]);
  });

  it('writes a replay with its steps, violation and trace', () => {
    const j = JSON.parse(formatReplayJson(replay(toyTarget({ bug: [1, 0] }), '0/1')));
    expect(Object.keys(j)).toEqual(['variant', 'scenario', 'path', 'steps', 'violation', 'trace']);
    expect(j.violation).toEqual({ property: 'NO-BUG', family: 'toy-safety', step: 1 });
    expect(j.trace).toHaveLength(3);
    expect(Object.keys(j.trace[0])).toEqual(['action', 'summary', 'state']);
  });
});
