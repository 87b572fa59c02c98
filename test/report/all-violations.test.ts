/**
 * --all-violations in the reports: every counterexample after the first gets a replay
 * command restricted to its own property, because replayed under all the invariants its
 * path may stop earlier at another one.
 */
import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { replay } from '../../src/check/replay.js';
import { replayCommand, violationReplay } from '../../src/check/result.js';
import type { CheckTarget, Property } from '../../src/model/interface.js';
import { formatJson } from '../../src/report/json.js';
import { formatJunit } from '../../src/report/junit.js';
import { formatText } from '../../src/report/text.js';
import { toyTarget, type ToyAction, type ToyState } from '../fixtures/toy.js';

const below = (n: number): Property<ToyState> => ({
  id: `X-BELOW-${n}`,
  family: 'toy-safety',
  kind: 'always',
  doc: `x stays below ${n}.`,
  cites: 'test/report/all-violations.test.ts',
  holds: (s) => s.x < n,
});

/** X-BELOW-3 fails after 3 steps, and every path to it passes x = 2, where X-BELOW-2 fails first. */
const nested = (): CheckTarget<ToyState, ToyAction> => ({ ...toyTarget({ bug: null }), invariants: [below(2), below(3)] });
const only = (id: string) => ({ ...nested(), invariants: nested().invariants.filter((p) => p.id === id) });

describe('--all-violations reports', () => {
  const r = bfs(nested(), { allViolations: true });

  it('finds both, the second behind the first on its own path', () => {
    expect(r.violations?.map((v) => [v.property, v.path])).toEqual([
      ['X-BELOW-2', '0/0'],
      ['X-BELOW-3', '0/0/0'],
    ]);
    // What the old recipe (no --property) replayed: the other property, one step earlier.
    expect(replay(nested(), '0/0/0').violation).toMatchObject({ property: 'X-BELOW-2', step: 2 });
  });

  it('gives every violation after the first a replay command restricted to its property', () => {
    expect(violationReplay(r, 0)).toBe(r.replay);
    expect(r.replay).toBe('nlring replay --variant toy-v1 --scenario counters --path 0/0');
    expect(violationReplay(r, 1)).toBe('nlring replay --variant toy-v1 --scenario counters --property X-BELOW-3 --path 0/0/0');
    expect(replay(only('X-BELOW-3'), '0/0/0').violation).toMatchObject({ property: 'X-BELOW-3', step: 3 });
  });

  it('prints them in the text report', () => {
    const lines = formatText(r).trimEnd().split('\n');
    expect(lines).toContain('  X-BELOW-3 (toy-safety) after 3 steps: nlring replay --variant toy-v1 --scenario counters --property X-BELOW-3 --path 0/0/0');
    expect(lines.at(-1)).toBe(`replay: ${r.replay}`);
  });

  it('puts them in the JSON report, one per violation', () => {
    const j = JSON.parse(formatJson(r));
    expect(j.violations.map((v: { replay: string }) => v.replay)).toEqual([violationReplay(r, 0), violationReplay(r, 1)]);
  });

  it('fails every violated invariant in JUnit, each with its own replay command', () => {
    const xml = formatJunit([r]);
    for (const i of [0, 1]) {
      const id = r.violations![i].property;
      const testcase = new RegExp(`<testcase name="${id}"[^>]*>\\s*<failure [^>]*>[^<]*replay: ${violationReplay(r, i).replace(/[.]/g, '\\.')}</failure>`);
      expect(xml).toMatch(testcase);
    }
  });

  it('names --property in the reproduce lines of a restricted run', () => {
    const restricted = bfs(only('X-BELOW-3'), { properties: ['X-BELOW-3'] });
    expect(restricted.replay).toBe(replayCommand('toy-v1', 'counters', '0/0/0', ['X-BELOW-3']));
    expect(restricted.properties).toEqual(['X-BELOW-3']);
    const pass = bfs({ ...toyTarget({ bug: null }), invariants: [below(9)] }, { properties: ['X-BELOW-9'], maxStates: 1000 });
    expect(pass.verdict).toBe('pass');
    expect(pass.replay).toBe('nlring check --variant toy-v1 --scenario counters --property X-BELOW-9 --max-states 1000');
    expect(formatText(pass)).toContain('invariants checked: only X-BELOW-9 (--property)\n');
  });
});
