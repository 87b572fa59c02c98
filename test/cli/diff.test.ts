/**
 * `nlring diff A B`: the (scenario, property) pairs whose verdicts differ, each with
 * the counterexample of its failing side; exit 0 / 1 / 3; bad input exit 2.
 */
import { describe, expect, it } from 'vitest';
import { type Catalog } from '../../src/cli/run.js';
import { toyCatalog } from '../fixtures/toy-catalog.js';
import { toyTarget } from '../fixtures/toy.js';
import { runCli } from '../fixtures/cli.js';

/** The toy catalogue plus `toy-late`, whose bug sits at (4, 3): seven steps from init instead of five. */
function withLateBug(): Catalog {
  const base = toyCatalog();
  return {
    ...base,
    listVariants: () => [...base.listVariants(), { id: 'toy-late', description: 'the bug two steps later' }],
    buildTarget: (variant, scenario) => {
      if (variant !== 'toy-late') return base.buildTarget(variant, scenario);
      return { ...toyTarget({ bug: [4, 3], witnesses: ['x-max'] }), variant, scenario };
    },
  };
}

function nlring(argv: string[], catalog: () => Promise<Catalog> = async () => toyCatalog()) {
  return runCli(argv, { catalog });
}

describe('nlring diff', () => {
  it('lists each differing (scenario, property) with the failing side, exit 1', async () => {
    const r = await nlring(['diff', 'toy-good', 'toy-buggy', '--format', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['a', 'b', 'scenarios', 'differences', 'lengthChanged', 'incomplete', 'engine']);
    expect(j.a).toBe('toy-good');
    expect(j.b).toBe('toy-buggy');
    // NO-BUG differs in counters (pass vs fail) and in missed (vacuous vs fail); n/a and equal verdicts are not listed.
    expect(j.differences).toEqual([
      {
        scenario: 'counters', property: 'NO-BUG', a: { verdict: 'pass' },
        b: { verdict: 'fail', steps: 5, replay: 'nlring replay --variant toy-buggy --scenario counters --property NO-BUG --path 0/0/0/1/1' },
      },
      {
        scenario: 'missed', property: 'NO-BUG', a: { verdict: 'vacuous' },
        b: { verdict: 'fail', steps: 5, replay: 'nlring replay --variant toy-buggy --scenario missed --property NO-BUG --path 0/0/0/1/1' },
      },
    ]);
  });

  it('text: a table of the differences, then each counterexample', async () => {
    const r = await nlring(['diff', 'toy-buggy', 'toy-good', '--scenarios', 'counters']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^scenario +property +toy-buggy +toy-good$/m);
    expect(r.stdout).toMatch(/^counters +NO-BUG +FAIL \(5 steps\) +pass$/m);
    expect(r.stdout).toContain('  counters NO-BUG on toy-buggy, 5 steps: nlring replay --variant toy-buggy --scenario counters --property NO-BUG --path 0/0/0/1/1\n');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('1 of 2 (scenario, property) verdicts differ');
  });

  it('a property that fails on both sides with another length is listed apart, and is not a difference (exit 0)', async () => {
    const text = await nlring(['diff', 'toy-buggy', 'toy-late', '--scenarios', 'counters'], async () => withLateBug());
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('no (scenario, property) verdict differs over 1 scenario\n');
    expect(text.stdout).toContain(
      'same verdict (FAIL), counterexample length changed:\n  counters NO-BUG: 5 -> 7 steps: nlring replay --variant toy-late --scenario counters --property NO-BUG --path 0/0/0/0/0/0/0\n',
    );
    const j = JSON.parse((await nlring(['diff', 'toy-buggy', 'toy-late', '--scenarios', 'counters', '--format', 'json'], async () => withLateBug())).stdout);
    expect(j.differences).toEqual([]);
    expect(j.lengthChanged).toEqual([{ scenario: 'counters', property: 'NO-BUG', a: expect.objectContaining({ verdict: 'fail', steps: 5 }), b: expect.objectContaining({ verdict: 'fail', steps: 7 }) }]);
  });

  it('exit 0 when no verdict differs (a variant against itself, or a scenario where both pass)', async () => {
    const same = await nlring(['diff', 'toy-buggy', 'toy-buggy']);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('no (scenario, property) verdict differs over 3 scenarios');
    const both = await nlring(['diff', 'toy-good', 'toy-buggy', '--scenarios', 'only-bounded', '--format', 'json']);
    expect(both.code).toBe(0);
    expect(JSON.parse(both.stdout).differences).toEqual([]);
  });

  it('exit 3 when nothing differs but a budget left cells incomplete', async () => {
    const r = await nlring(['diff', 'toy-good', 'toy-buggy', '--scenarios', 'counters', '--max-states', '3']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('4 cells are INCOMPLETE (a budget stopped the run): equal verdicts there prove nothing');
  });

  it.each([
    [['diff', 'toy-good'], /diff needs two variants.*\(got 1\)/],
    [['diff', 'toy-good', 'toy-buggy', 'toy-good'], /diff needs two variants.*\(got 3\)/],
    [['diff', 'toy-good', 'linux-9'], /unknown variant 'linux-9' \(known: toy-good, toy-buggy\)/],
    [['diff', 'toy-good', 'toy-buggy', '--scenarios', 'nope'], /unknown scenario 'nope'/],
    [['diff', 'toy-good', 'toy-buggy', '--format', 'md'], /--format must be text or json/],
    [['diff', 'toy-good', 'toy-buggy', '--variants', 'x'], /unknown flag --variants for diff/],
  ])('bad input %j: one line, exit 2', async (argv, message) => {
    const r = await nlring(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^nlring: [^\n]+\n$/);
    expect(r.stderr).toMatch(message);
  });

  it('on the real model: linux-3.10 against linux-3.18.4 in tx-sibling differs exactly in the no-toctou properties and the TX over-read they cause', async () => {
    const r = await nlring(['diff', 'linux-3.10', 'linux-3.18.4', '--scenarios', 'tx-sibling', '--format', 'json'], () => import('../../src/catalog.js'));
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.differences.map((d: { property: string }) => d.property).sort()).toEqual(['NOTOCTOU-TX-ACT', 'NOTOCTOU-TX-LEN', 'TX-READ-IN-FRAME']);
    for (const d of j.differences) {
      expect(d.a.verdict).toBe('fail');
      expect(d.a.replay).toMatch(new RegExp(`^nlring replay --variant linux-3.10 --scenario tx-sibling --property ${d.property} --path [0-9/]+$`));
      expect(d.b).toEqual({ verdict: 'pass' });
    }
  });
});
