/**
 * `nlring matrix`: cells computed by bfs --all-violations on toy targets (and one
 * small real scenario), the three formats, --out, exit codes and bad input.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Catalog } from '../../src/cli/run.js';
import { cellsOf, computeMatrix } from '../../src/matrix.js';
import { bfs } from '../../src/check/bfs.js';
import { toyCatalog } from '../fixtures/toy-catalog.js';
import { runCli } from '../fixtures/cli.js';

function nlring(argv: string[], catalog: () => Promise<Catalog> = async () => toyCatalog(), progressIntervalMs?: number) {
  return runCli(argv, { catalog, progressIntervalMs });
}

const realCatalog = () => import('../../src/catalog.js');

interface JsonCell { variant: string; scenario: string; property: string; verdict: string; steps?: number; replay?: string }
const cell = (cells: JsonCell[], variant: string, scenario: string, property: string) =>
  cells.find((c) => c.variant === variant && c.scenario === scenario && c.property === property);

describe('nlring matrix: the cells come from the checker', () => {
  it('pass, fail with length and replay, vacuous and n/a, per (variant, scenario, property)', async () => {
    const r = await nlring(['matrix', '--format', 'json']);
    const j = JSON.parse(r.stdout);
    expect(j.variants).toEqual(['toy-good', 'toy-buggy']);
    expect(j.scenarios).toEqual(['counters', 'missed', 'only-bounded']);
    expect(j.cells).toHaveLength(2 * 3 * 2);
    expect(cell(j.cells, 'toy-good', 'counters', 'NO-BUG')).toEqual({ variant: 'toy-good', scenario: 'counters', property: 'NO-BUG', verdict: 'pass' });
    expect(cell(j.cells, 'toy-buggy', 'counters', 'NO-BUG')).toEqual({
      variant: 'toy-buggy', scenario: 'counters', property: 'NO-BUG', verdict: 'fail', steps: 5,
      replay: 'nlring replay --variant toy-buggy --scenario counters --property NO-BUG --path 0/0/0/1/1',
    });
    expect(cell(j.cells, 'toy-buggy', 'counters', 'BOUNDED')?.verdict).toBe('pass');
    // The witness NEVER is never reached: what held is vacuous, what failed still fails.
    expect(cell(j.cells, 'toy-good', 'missed', 'BOUNDED')?.verdict).toBe('vacuous');
    expect(cell(j.cells, 'toy-buggy', 'missed', 'NO-BUG')?.verdict).toBe('fail');
    expect(cell(j.cells, 'toy-buggy', 'missed', 'BOUNDED')?.verdict).toBe('vacuous');
    expect(cell(j.cells, 'toy-buggy', 'only-bounded', 'NO-BUG')).toEqual({ variant: 'toy-buggy', scenario: 'only-bounded', property: 'NO-BUG', verdict: 'n/a' });
    expect(r.code).toBe(1); // a vacuous run fails, as in check-all
  });

  it('the replay line of a fail cell runs as printed and fails that property at that step', async () => {
    const j = JSON.parse((await nlring(['matrix', '--format', 'json', '--variants', 'toy-buggy', '--scenarios', 'counters'])).stdout);
    const c = cell(j.cells, 'toy-buggy', 'counters', 'NO-BUG')!;
    const again = await nlring([...c.replay!.split(' ').slice(1), '--format', 'json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).violation).toEqual({ property: 'NO-BUG', family: 'toy-safety', step: c.steps });
  });

  it('a budget leaves what was not violated incomplete (exit 3)', async () => {
    const r = await nlring(['matrix', '--variants', 'toy-buggy', '--scenarios', 'counters', '--max-states', '3', '--format', 'json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).cells.map((c: JsonCell) => c.verdict)).toEqual(['incomplete', 'incomplete']);
    expect(JSON.parse(r.stdout).engine.budgets).toEqual({ maxStates: 3 });
    const text = await nlring(['matrix', '--variants', 'toy-buggy', '--scenarios', 'counters', '--max-states', '3']);
    expect(text.stdout).toMatch(/^BOUNDED +INCOMPLETE \(1\/1\)$/m);
    expect(text.stdout).toContain('stopped by a budget (their unviolated properties are INCOMPLETE):\n  toy-buggy counters: state budget reached after 3 states\n');
  });

  it('exit 0 when every run passes', async () => {
    const r = await nlring(['matrix', '--variants', 'toy-good', '--scenarios', 'counters,only-bounded']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^BOUNDED +pass \(2\)$/m);
    expect(r.stdout).toMatch(/^NO-BUG +pass \(1\)$/m);
  });

  it('cellsOf: a run without allViolations stopped at its first violation leaves the others incomplete', () => {
    const t = toyCatalog().buildTarget('toy-buggy', 'counters');
    const only = bfs({ ...t, invariants: [...t.invariants].reverse() });
    expect(only.verdict).toBe('fail');
    expect(cellsOf(only, ['BOUNDED', 'NO-BUG', 'OTHER']).map((c) => c.verdict)).toEqual(['incomplete', 'fail', 'n/a']);
  });

  it('computeMatrix refuses two columns with one id', () => {
    const c = toyCatalog();
    expect(() => computeMatrix(c, ['toy-good', 'toy-good'], ['counters'])).toThrow(/both 'toy-good'/);
  });
});

describe('nlring matrix: formats', () => {
  it('JSON: the documented keys first, then engine and verdict; cells carry only their keys', async () => {
    const j = JSON.parse((await nlring(['matrix', '--format', 'json'])).stdout);
    expect(Object.keys(j)).toEqual(['variants', 'scenarios', 'cells', 'engine', 'verdict']);
    for (const c of j.cells) {
      expect(Object.keys(c)).toEqual(c.verdict === 'fail' ? ['variant', 'scenario', 'property', 'verdict', 'steps', 'replay'] : ['variant', 'scenario', 'property', 'verdict']);
      expect(['pass', 'fail', 'incomplete', 'vacuous', 'n/a']).toContain(c.verdict);
    }
    expect(j.engine).toMatchObject({ name: 'bfs', allViolations: true, symmetry: false, budgets: {} });
    expect(j.verdict).toBe('fail');
  });

  it('text: rows are properties, columns variants, then the drill-down and the replay lines', async () => {
    const r = await nlring(['matrix']);
    const lines = r.stdout.split('\n');
    expect(lines[2]).toMatch(/^property +toy-good +toy-buggy$/);
    expect(r.stdout).toMatch(/^BOUNDED +VACUOUS \(1\/3\) +VACUOUS \(1\/3\)$/m);
    expect(r.stdout).toMatch(/^NO-BUG +VACUOUS \(1\/2\) +FAIL 5 \(2\/2\)$/m);
    expect(r.stdout).toMatch(/^ {2}NO-BUG +toy-buggy +counters +FAIL 5$/m);
    expect(r.stdout).toContain('  NO-BUG toy-buggy counters: nlring replay --variant toy-buggy --scenario counters --property NO-BUG --path 0/0/0/1/1\n');
    expect(r.stdout).toContain('failing properties: toy-good 0, toy-buggy 1\n');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('6 runs (2 variants x 3 scenarios): 3 pass, 3 fail, 0 incomplete => FAIL');
  });

  it('md: the table, then one drill-down table per property with its replay lines', async () => {
    const r = await nlring(['matrix', '--format', 'md']);
    expect(r.stdout).toMatch(/^# Variant matrix\n/);
    expect(r.stdout).toContain('| property | toy-good | toy-buggy |\n| --- | --- | --- |\n| BOUNDED | VACUOUS (1/3) | VACUOUS (1/3) |\n| NO-BUG | VACUOUS (1/2) | FAIL 5 (2/2) |\n');
    expect(r.stdout).toContain('### NO-BUG\n\n| scenario | toy-good | toy-buggy |\n| --- | --- | --- |\n| counters | pass | FAIL 5 |\n| missed | VACUOUS | FAIL 5 |\n| only-bounded | - | - |\n');
    expect(r.stdout).toContain('- toy-buggy, counters, 5 steps: `nlring replay --variant toy-buggy --scenario counters --property NO-BUG --path 0/0/0/1/1`\n');
  });

  it('the same options give byte-identical output; --out writes matrix.json and matrix.md', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlring-matrix-'));
    try {
      const a = await nlring(['matrix', '--format', 'json', '--out', dir]);
      const b = await nlring(['matrix', '--format', 'json']);
      expect(a.stdout).toBe(b.stdout);
      expect(readFileSync(join(dir, 'matrix.json'), 'utf8')).toBe(a.stdout);
      expect(readFileSync(join(dir, 'matrix.md'), 'utf8')).toBe((await nlring(['matrix', '--format', 'md'])).stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('progress lines on stderr name the run', async () => {
    const r = await nlring(['matrix', '--variants', 'toy-buggy', '--scenarios', 'counters'], undefined, 0);
    expect(r.stderr).toMatch(/^(nlring: \[1\/1\] toy-buggy counters: \d+ states, [^\n]+\n)+$/);
  });
});

describe('nlring matrix: bad input is one line, exit 2', () => {
  it.each([
    [['matrix', '--variants', 'toy-good,linux-9'], /^nlring: unknown variant 'linux-9' \(known: toy-good, toy-buggy\)\n$/],
    [['matrix', '--scenarios', 'nope'], /^nlring: unknown scenario 'nope' \(known: counters, missed, only-bounded\)\n$/],
    [['matrix', '--variants', 'toy-good,,toy-buggy'], /--variants takes names separated by commas/],
    [['matrix', '--scenarios', 'counters,counters'], /--scenarios names 'counters' twice/],
    [['matrix', '--format', 'xml'], /--format must be text, json or md, got 'xml'/],
    [['matrix', '--all-violations'], /unknown flag --all-violations for matrix/],
    [['matrix', '--max-states', '0'], /--max-states must be a positive integer/],
    [['matrix', 'extra'], /unexpected argument 'extra'/],
  ])('%j', async (argv, message) => {
    const r = await nlring(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^nlring: [^\n]+\n$/);
    expect(r.stderr).toMatch(message);
  });
});

describe('nlring matrix on the real model (tx-sibling)', () => {
  it('linux-3.10 fails the no-toctou properties that linux-3.18.4 passes; excluded properties are n/a', async () => {
    const r = await nlring(['matrix', '--variants', 'linux-3.10,linux-3.18.4', '--scenarios', 'tx-sibling', '--format', 'json'], realCatalog);
    const j = JSON.parse(r.stdout);
    expect(cell(j.cells, 'linux-3.10', 'tx-sibling', 'NOTOCTOU-TX-LEN')).toMatchObject({ verdict: 'fail', steps: 7 });
    expect(cell(j.cells, 'linux-3.10', 'tx-sibling', 'NOTOCTOU-TX-ACT')?.verdict).toBe('fail');
    expect(cell(j.cells, 'linux-3.18.4', 'tx-sibling', 'NOTOCTOU-TX-LEN')?.verdict).toBe('pass');
    expect(cell(j.cells, 'linux-3.18.4', 'tx-sibling', 'NOTOCTOU-TX-ACT')?.verdict).toBe('pass');
    // n/a exactly where the scenario does not judge the property.
    const { buildTarget, listProperties } = await realCatalog();
    const judged = buildTarget('linux-3.10', 'tx-sibling').invariants.map((p) => p.id);
    const rows = listProperties().filter((p) => p.kind === 'always').map((p) => p.id);
    for (const p of rows) expect(cell(j.cells, 'linux-3.10', 'tx-sibling', p)?.verdict === 'n/a').toBe(!judged.includes(p));
    expect(r.code).toBe(1);
  });
});

describe('nlring matrix --jobs (worker threads, through the built bin)', () => {
  const root = new URL('../..', import.meta.url).pathname;
  const bin = (args: string[]) => spawnSync(process.execPath, ['dist/src/cli/main.js', ...args], { cwd: root, encoding: 'utf8' });

  it('gives the same bytes as one thread, a file variant included, and the same exit code', () => {
    const args = ['matrix', '--variants', 'linux-3.10,examples/patches/zero-copy-tx.ts', '--scenarios', 'tx-sibling,rx-order', '--format', 'json'];
    const one = bin(args);
    const two = bin([...args, '--jobs', '2']);
    expect(one.status).toBe(1);
    expect(two.status).toBe(1);
    expect(two.stdout).toBe(one.stdout);
    expect(JSON.parse(two.stdout).variants).toEqual(['linux-3.10', 'examples/patches/zero-copy-tx.ts']);
  });

  it('refuses bad names before any worker starts', () => {
    const r = bin(['matrix', '--variants', 'linux-9', '--jobs', '2']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^nlring: unknown variant 'linux-9' [^\n]*\n$/);
  });
});
