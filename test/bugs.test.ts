/**
 * The bug catalogue (src/bugs.ts): its data, the logic of `bugs --check` on toy
 * targets, and the real check over every entry whose scenario exists. This is
 * the test that fails when a spec change loses a historical bug, or when the fix
 * of one stops passing.
 */
import { describe, expect, it } from 'vitest';
import * as catalog from '../src/catalog.js';
import { BUGS, bugsPass, checkBug, missingNames, type BugEntry } from '../src/bugs.js';
import { toyCatalog } from './fixtures/toy-catalog.js';
import { runCli } from './fixtures/cli.js';

function nlring(argv: string[]) {
  return runCli(argv, { catalog: async () => catalog });
}

/** The entries reproduced when the catalogue was written; a spec change must not lose any of them. */
const REPRODUCED_SINCE_THE_START = ['B1', 'B3a', 'B3b', 'B4', 'B5', 'B9', 'B11', 'B12', 'D1', 'D2', 'D3'];
/** Reproduced since the memory models (--memory weak). */
const REPRODUCED_UNDER_WEAK = ['B2'];

describe('the bug catalogue as data', () => {
  it('has every entry of the historical list once, B2 on the weak memory model only and D2 as a cost', () => {
    expect(BUGS.map((b) => b.id)).toEqual(['B1', 'B2', 'B3a', 'B3b', 'B4', 'B5', 'B9', 'B11', 'B12', 'D1', 'D2', 'D3']);
    const b2 = BUGS.find((b) => b.id === 'B2')!;
    expect(b2.status).toBe('runnable');
    // Found under weak; on x86 (tso) and under sequential consistency the same kernel must pass.
    expect(b2.reproductions.map((r) => r.scenario)).toEqual(['rx-publish+weak', 'rx-publish+weak']);
    expect(b2.reproductions[0].alsoHolds).toEqual([{ variant: 'linux-3.10', scenario: 'rx-publish+tso' }, { variant: 'linux-3.10', scenario: 'rx-publish' }]);
    expect(BUGS.find((b) => b.id === 'D2')!.status).toBe('cost');
    for (const b of BUGS.filter((x) => x.status === 'runnable')) expect(b.reproductions.length, b.id).toBeGreaterThan(0);
  });

  it('names only what the catalogue has, except entries whose scenario is still landing; every property is in the entry\'s families', () => {
    const families = new Map(catalog.listProperties().map((p) => [p.id, p.family]));
    for (const b of BUGS) {
      const missing = missingNames(b, catalog);
      if (!b.landing) expect(missing, b.id).toEqual([]);
      for (const r of b.reproductions) {
        for (const p of r.properties) if (families.has(p)) expect(b.families, `${b.id} ${p}`).toContain(families.get(p));
      }
    }
  });
});

const toy: BugEntry = {
  id: 'T1',
  title: 'the planted bug of the toy',
  status: 'runnable',
  families: ['toy-safety'],
  fix: 'remove it',
  reproductions: [{ buggy: ['toy-buggy'], scenario: 'counters', properties: ['NO-BUG'], fixed: 'toy-good' }],
};
const withRepro = (r: Partial<BugEntry['reproductions'][number]>, extra: Partial<BugEntry> = {}): BugEntry => ({ ...toy, ...extra, reproductions: [{ ...toy.reproductions[0], ...r }] });

describe('bugs --check logic (toy targets)', () => {
  it('reproduced: the buggy variant violates the property, the counterexample replays, the fixed variant passes', () => {
    const o = checkBug(toy, toyCatalog());
    expect(o.state).toBe('reproduced');
    expect(o.reproductions[0].buggy[0].findings).toEqual([
      { property: 'NO-BUG', steps: 5, replay: 'nlring replay --variant toy-buggy --scenario counters --property NO-BUG --path 0/0/0/1/1', replays: true },
    ]);
    expect(o.reproductions[0].fixed).toMatchObject({ variant: 'toy-good', verdict: 'pass' });
    expect(bugsPass([o])).toBe(true);
  });

  it('not reproduced when the "buggy" variant passes', () => {
    const o = checkBug(withRepro({ buggy: ['toy-good'] }), toyCatalog());
    expect(o.state).toBe('not-reproduced');
    expect(o.problem).toMatch(/toy-good does not violate NO-BUG/);
    expect(bugsPass([o])).toBe(false);
  });

  it('not reproduced when the "fixed" variant still fails', () => {
    const o = checkBug(withRepro({ fixed: 'toy-buggy' }), toyCatalog());
    expect(o.state).toBe('not-reproduced');
    expect(o.problem).toMatch(/fixed variant toy-buggy violates NO-BUG/);
  });

  it('not reproduced when the fixed variant passes only vacuously', () => {
    const o = checkBug(withRepro({ scenario: 'missed' }), toyCatalog());
    expect(o.state).toBe('not-reproduced');
    expect(o.problem).toMatch(/fixed variant toy-good is vacuous \(NEVER never reached\)/);
  });

  it('a missing name is an error, unless the entry is landing (then pending, and not a failure)', () => {
    const gone = checkBug(withRepro({ scenario: 'renamed' }), toyCatalog());
    expect(gone).toMatchObject({ state: 'error', problem: 'not in the catalogue: scenario renamed' });
    expect(bugsPass([gone])).toBe(false);
    const landing = checkBug(withRepro({ properties: ['NEW-PROP'] }, { landing: 'a new property' }), toyCatalog());
    expect(landing).toMatchObject({ state: 'pending', problem: 'not in the catalogue: property NEW-PROP' });
    expect(bugsPass([landing])).toBe(true);
  });

  it('a cost entry without a way to build its variant is listed, not measured', () => {
    const d2 = BUGS.find((b) => b.id === 'D2')!;
    expect(checkBug(d2, toyCatalog())).toEqual({ id: 'D2', state: 'cost', reproductions: [] });
  });

  it('a property outside the entry\'s families is a mistake in the catalogue', () => {
    expect(() => checkBug({ ...toy, families: ['ordering'] }, toyCatalog())).toThrow(/NO-BUG is in family toy-safety, not in ordering/);
  });
});

describe('bugs --check on the model', () => {
  it('every runnable entry whose names exist reproduces, including all those reproduced from the start', { timeout: 180_000 }, () => {
    const outcomes = BUGS.map((b) => checkBug(b, catalog));
    for (const o of outcomes) expect(o.problem ?? '', o.id).not.toMatch(/does not|violates|vacuous|incomplete|replay/);
    for (const o of outcomes) expect(['reproduced', 'pending', 'waiting', 'cost'], `${o.id}: ${o.problem}`).toContain(o.state);
    const reproduced = outcomes.filter((o) => o.state === 'reproduced').map((o) => o.id);
    expect(reproduced).toEqual(expect.arrayContaining([...REPRODUCED_SINCE_THE_START, ...REPRODUCED_UNDER_WEAK]));
    expect(outcomes.filter((o) => o.state !== 'reproduced').map((o) => o.id)).toEqual([]);
    // B2: PUBLISH-RX fails on linux-3.10 under weak, holds on it under tso and sc, and on 3.18.4 and 4.5 under weak.
    const b2 = outcomes.find((o) => o.id === 'B2')!;
    expect(b2.reproductions.map((r) => [r.buggy[0].findings[0].steps, r.fixed.variant, r.fixed.verdict])).toEqual([[11, 'linux-3.18.4', 'pass'], [11, 'linux-4.5', 'pass']]);
    expect(b2.reproductions[0].holds.map((h) => h.verdict)).toEqual(['pass', 'pass']);
    // B9 and B11 are still there in linux-4.2, and every counterexample replayed.
    const b9 = outcomes.find((o) => o.id === 'B9')!;
    expect(b9.reproductions[0].buggy.map((b) => b.variant)).toEqual(['linux-3.10', 'linux-4.2']);
    for (const o of outcomes) for (const r of o.reproductions) for (const b of r.buggy) for (const f of b.findings) expect(f.replays, `${o.id} ${f.property}`).toBe(true);
    expect(bugsPass(outcomes)).toBe(true);
  });
});

describe('nlring bugs', () => {
  it('lists the catalogue (exit 0), in text and JSON', async () => {
    const text = await nlring(['bugs']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^B3b +runnable +linux-3.10 +tx-sibling +NOTOCTOU-TX-LEN +linux-3.18.4$/m);
    expect(text.stdout).toMatch(/^B2 +runnable +linux-3.10 +rx-publish\+weak +PUBLISH-RX +linux-3.18.4$/m);
    const j = JSON.parse((await nlring(['bugs', '--format', 'json'])).stdout);
    expect(j.bugs.map((b: { id: string }) => b.id)).toEqual(BUGS.map((b) => b.id));
    expect(j.bugs[0]).toEqual({
      id: 'B1', title: BUGS[0].title, status: 'runnable', families: ['error-values'], fix: BUGS[0].fix,
      reproductions: [{ buggy: ['linux-3.10'], scenario: 'dump-full-ring', properties: ['ERR-SK-ERR-POSITIVE'], fixed: 'linux-3.18.4' }],
    });
  });

  it('--check ID runs that entry: a table, the replay lines, exit 0', async () => {
    const r = await nlring(['bugs', '--check', 'B3b']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^B3b +reproduced +tx-sibling +linux-3.10: NOTOCTOU-TX-LEN 7 steps +linux-3.18.4 passes$/m);
    expect(r.stdout).toContain('  B3b linux-3.10 tx-sibling: nlring replay --variant linux-3.10 --scenario tx-sibling --property NOTOCTOU-TX-LEN --path ');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('1 entries: 1 reproduced, 0 not reproduced => PASS');
    const again = await nlring(['bugs', '--check', 'B3b', '--format', 'json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ verdict: 'pass', bugs: [{ id: 'B3b', state: 'reproduced' }] });
  });

  it('D2: the cost numbers, listed and checked (they must grow with the ring fill level)', async () => {
    const list = await nlring(['bugs', 'D2']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ {4}fill 0: \d+ polls \/ 16 messages = [0-9.]+ /m);
    expect(list.stdout).toContain('    grows with the fill level: yes\n');
    const check = await nlring(['bugs', '--check', 'D2', '--format', 'json']);
    expect(check.code).toBe(0);
    const d2 = JSON.parse(check.stdout).bugs[0];
    expect(d2).toMatchObject({ id: 'D2', state: 'reproduced', cost: { variant: 'linux-4.5', grows: true } });
    // The fuller the ring, the dearer each dump message, until poll() no longer moves the dump at all.
    const costs = d2.cost.rows.map((r: { pollsPerMessage: number | null }) => r.pollsPerMessage ?? Infinity);
    expect(costs.at(-1)).toBeGreaterThan(costs[0]);
    for (let i = 1; i < costs.length; i++) expect(costs[i]).toBeGreaterThanOrEqual(costs[i - 1]);
  });

  it('an unknown entry is one line, exit 2', async () => {
    // Nothing like a catalogue id (B99 would be offered B9: test/cli/suggest.test.ts).
    const r = await nlring(['bugs', '--check', 'X99']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^nlring: unknown bug 'X99' \(known: B1, B2, [^\n]+\)\n$/) });
  });
});
