import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { replay } from '../../src/check/replay.js';
import { formatReplayText, formatText } from '../../src/report/text.js';
import { toyTarget } from '../fixtures/toy.js';

describe('text report', () => {
  it('shows header, witnesses, the violated property and the numbered counterexample with drawings', () => {
    const r = bfs(toyTarget({ bug: [3, 2] }));
    const lines = formatText(r).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^FAIL  variant toy-v1  scenario counters  states \d+  transitions \d+  depth 5  \d+\.\d{3}s \(bfs\)$/);
    expect(lines).toContain('witnesses: 1/1 reached (exploration stopped early)');
    expect(lines).toContain('violated: NO-BUG (toy-safety, always)');
    expect(lines).toContain('  The pair never equals the planted bug <a & "b">.');
    expect(lines).toContain('counterexample: 5 steps, path 0/0/0/1/1');
    // init first, each step followed by its indented drawing
    const init = lines.indexOf('  0. init');
    expect(lines.slice(init, init + 3)).toEqual(['  0. init', '       x [....]', '       y [....]']);
    const step3 = lines.indexOf('  3. toy[x]: inc x');
    expect(lines.slice(step3 + 1, step3 + 3)).toEqual(['       x [###.]', '       y [....]']);
    expect(lines.at(-1)).toBe('replay: nlring replay --variant toy-v1 --scenario counters --path 0/0/0/1/1');
  });

  it('says PASS and what was proved', () => {
    const text = formatText(bfs(toyTarget({ bug: null })));
    expect(text).toMatch(/^PASS /);
    expect(text).toContain('all 2 invariants hold in all 25 reachable states');
    expect(text.trimEnd().split('\n').at(-1)).toBe('replay: nlring check --variant toy-v1 --scenario counters');
  });

  it('says INCOMPLETE, not pass, for a budget stop', () => {
    const text = formatText(bfs(toyTarget({ bug: null }), { maxStates: 3 }));
    expect(text).toMatch(/^INCOMPLETE /);
    expect(text).toContain('state budget reached after 3 distinct states');
    expect(text).toContain('  not reached  X-MAX'); // not "missed": the run may just not have got there
  });

  it('explains a vacuous run and lists missed witnesses', () => {
    const text = formatText(bfs(toyTarget({ bug: null, witnesses: ['x-max', 'never'] })));
    expect(text).toMatch(/^FAIL /);
    expect(text).toContain('  reached      X-MAX\n  missed       NEVER\n');
    expect(text).toContain('vacuous: NEVER (toy-witness, sometimes)');
    expect(text).not.toContain('counterexample');
  });

  it('prints a replay as a timeline and names the violation', () => {
    const text = formatReplayText(replay(toyTarget({ bug: [1, 0] }), '0'));
    expect(text).toContain('  1. toy[x]: inc x\n       x [#...]\n');
    expect(text).toContain('violated: NO-BUG (toy-safety) at step 1');
    expect(formatReplayText(replay(toyTarget(), ''))).toContain('path (init only)');
  });
});
