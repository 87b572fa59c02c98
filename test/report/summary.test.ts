import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { formatSummary, summaryJson } from '../../src/report/summary.js';
import { toyTarget } from '../fixtures/toy.js';

describe('summary', () => {
  const results = [
    { ...bfs(toyTarget({ bug: null })), scenario: 'good' },
    { ...bfs(toyTarget({ bug: [3, 2] })), scenario: 'buggy' },
    { ...bfs(toyTarget({ bug: null }), { maxStates: 5 }), scenario: 'big' },
  ];

  it('prints one aligned row per run, the tally with the worst verdict, and replay lines for non-passes', () => {
    const lines = formatSummary(results).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^verdict\s+variant\s+scenario\s+states\s+transitions\s+depth\s+seconds\s+detail$/);
    expect(lines[2]).toMatch(/^PASS\s+toy-v1\s+good\s+25\s+44\s+8\s+\d+\.\d{3}$/);
    expect(lines[3]).toMatch(/^FAIL\s+toy-v1\s+buggy\s+.*NO-BUG after 5 steps$/);
    expect(lines[4]).toMatch(/^INCOMPLETE\s+toy-v1\s+big\s+5\s.*state budget reached$/);
    // columns line up: every row has the scenario column at the same offset
    expect(new Set(lines.slice(0, 5).map((l, i) => l.indexOf(i === 0 ? 'scenario' : ['', '', 'good', 'buggy', 'big'][i])).slice(2)).size).toBe(1);
    expect(lines).toContain('3 runs: 1 pass, 1 fail, 1 incomplete => FAIL');
    expect(lines).toContain(`replay buggy: ${results[1].replay}`);
    expect(lines).toContain(`replay big: ${results[2].replay}`);
  });

  it('summarises as JSON with the worst verdict: fail over incomplete over pass', () => {
    expect(summaryJson(results)).toMatchObject({ verdict: 'fail', counts: { pass: 1, fail: 1, incomplete: 1 } });
    expect(summaryJson([results[0], results[2]]).verdict).toBe('incomplete');
    expect(summaryJson([results[0]]).verdict).toBe('pass');
    expect((summaryJson(results).results as unknown[]).length).toBe(3);
  });
});
