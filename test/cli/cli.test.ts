import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, USAGE, type Catalog, type RunOptions } from '../../src/cli/run.js';
import { UsageError } from '../../src/errors.js';
import { toyTarget, type ToyOptions } from '../fixtures/toy.js';
import { runCli } from '../fixtures/cli.js';

const SCENARIOS: Record<string, ToyOptions> = {
  good: { bug: null },
  buggy: { bug: [3, 2] },
  vacuous: { bug: null, witnesses: ['x-max', 'never'] },
};

function toyCatalog(scenarios: Record<string, ToyOptions> = SCENARIOS): Catalog {
  return {
    DEFAULT_VARIANT: 'toy-v1',
    listVariants: () => [{ id: 'toy-v1', description: 'The toy counters.' }],
    listScenarios: () => Object.keys(scenarios).map((id) => ({ id, description: `toy ${id}` })),
    listProperties: () => [...toyTarget().invariants, ...toyTarget({ witnesses: ['x-max', 'never'] }).witnesses],
    buildTarget: (variant, scenario) => {
      if (variant !== 'toy-v1') throw new UsageError(`unknown variant '${variant}' (known: toy-v1)`);
      const options = scenarios[scenario];
      if (!options) throw new UsageError(`unknown scenario '${scenario}'`);
      return { ...toyTarget(options), scenario };
    },
  };
}

function nlring(argv: string[], { tty, ...options }: RunOptions & { tty?: boolean } = {}) {
  return runCli(argv, { catalog: async () => toyCatalog(), ...options }, tty);
}

/** Exit 2 with exactly one line on stderr, nothing on stdout. */
async function expectUsageError(argv: string[], message: RegExp) {
  const r = await nlring(argv);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^nlring: [^\n]+\n$/);
  expect(r.stderr).toMatch(message);
}

describe('nlring usage errors: one line on stderr, exit 2', () => {
  it.each([
    [[], /missing command/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['check', '--scenario', 'good', '--frob', 'x'], /unknown flag --frob for check/],
    [['check', '--scenario'], /--scenario needs a value/],
    [['check', '--scenario', '--format', 'json'], /--scenario needs a value/],
    [['check', '--scenario', 'good', '--scenario', 'good'], /--scenario given twice/],
    [['check', '--scenario', 'good', 'extra'], /unexpected argument 'extra'/],
    [['check', '--scenario', 'good', '-x'], /unexpected argument '-x'/],
    [['check'], /check needs --scenario/],
    [['check', '--scenario', 'nope'], /unknown scenario 'nope'/],
    [['check', '--variant', 'linux-9', '--scenario', 'good'], /unknown variant 'linux-9'/],
    [['check-all', '--variant', 'linux-9'], /unknown variant 'linux-9'/],
    [['check', '--scenario', 'good', '--format', 'xml'], /--format must be text or json/],
    [['replay', '--scenario', 'good'], /replay needs --path/],
    [['replay', '--scenario', 'good', '--path', '0//1'], /malformed path/],
    [['replay', '--scenario', 'good', '--path', '0/7'], /step 2 asks for action 7 but only 2 actions are enabled/],
    [['list', '--max-states', '5'], /unknown flag --max-states for list/],
  ])('%j', async (argv, message) => {
    await expectUsageError(argv, message);
  });

  it.each(['abc', '0', '-1', '1.5', '1e3', '', '99999999999999999999'])('rejects --max-states %j', async (n) => {
    await expectUsageError(['check', '--scenario', 'good', `--max-states=${n}`], /--max-states/);
  });
});

describe('nlring help and version', () => {
  it.each([['--help'], ['-h'], ['help']])('%j prints usage on stdout', async (...argv) => {
    const r = await nlring(argv);
    expect(r).toEqual({ code: 0, stdout: USAGE, stderr: '' });
  });

  it('a command with --help prints the help of that command only (test/cli/help.test.ts)', async () => {
    const r = await nlring(['check', '--scenario', 'good', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}nlring check --scenario S/m);
    expect(r.stdout).not.toMatch(/^ {2}nlring replay/m);
  });

  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(await nlring(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('does not load the catalogue for help', async () => {
    const r = await run(['--help'], { stdout: { write: () => true }, stderr: { write: () => true } }, {
      catalog: () => Promise.reject(new Error('model does not load')),
    });
    expect(r).toBe(0);
  });
});

describe('nlring check', () => {
  it('exits 0 on a pass, with only the result on stdout', async () => {
    const r = await nlring(['check', '--scenario', 'good']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS  variant toy-v1  scenario good /);
    expect(r.stderr).toBe('');
  });

  it('exits 1 on a violation and prints a replay command that reproduces it', async () => {
    const r = await nlring(['check', '--scenario=buggy', '--format=json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.violation.property).toBe('NO-BUG');
    expect(j.replay).toBe('nlring replay --variant toy-v1 --scenario buggy --path 0/0/0/1/1');
    const again = await nlring(j.replay.split(' ').slice(1));
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('violated: NO-BUG (toy-safety) at step 5');
    expect(again.stdout).toContain('  5. toy[y]: inc y\n       x [###.]\n       y [##..]\n');
  });

  it('exits 1 on a vacuous run', async () => {
    const r = await nlring(['check', '--scenario', 'vacuous', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'fail', violation: { property: 'NEVER', kind: 'sometimes', path: '' } });
  });

  it('exits 3 when the budget stops it', async () => {
    const r = await nlring(['check', '--scenario', 'good', '--max-states', '7']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^INCOMPLETE /);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('replay: nlring check --variant toy-v1 --scenario good --max-states 7');
  });

  it('writes progress as plain lines on stderr when it is not a terminal', async () => {
    const r = await nlring(['check', '--scenario', 'good'], { progressIntervalMs: 0 });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^(nlring: good: \d+ states, \d+ transitions, queue \d+, depth \d+, \d+ states\/s, \d+s\n)+$/);
    expect(r.stdout).toMatch(/^PASS /);
  });

  it('rewrites progress in place on a terminal and clears it at the end', async () => {
    const r = await nlring(['check', '--scenario', 'good'], { progressIntervalMs: 0, tty: true });
    expect(r.stderr).toMatch(/^(\rnlring: good: [^\n\r]+\x1b\[K)+\r\x1b\[K$/);
  });
});

describe('nlring replay', () => {
  it('replays the empty path as the initial state and exits 0', async () => {
    const r = await nlring(['replay', '--scenario', 'good', '--path', '']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  0. init\n');
    expect(r.stdout).toContain('no invariant is violated along this path');
  });

  it('prints JSON with the trace', async () => {
    const r = await nlring(['replay', '--scenario', 'buggy', '--path', '0/0/0/1/1', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).trace).toHaveLength(6);
  });
});

describe('nlring list', () => {
  it('lists variants, scenarios and properties as JSON', async () => {
    const r = await nlring(['list', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['variants', 'scenarios', 'properties']);
    expect(j.variants).toEqual([{ id: 'toy-v1', description: 'The toy counters.' }]);
    expect(j.scenarios.map((s: { id: string }) => s.id)).toEqual(['good', 'buggy', 'vacuous']);
    expect(j.properties[1]).toEqual({ id: 'NO-BUG', family: 'toy-safety', kind: 'always', description: 'The pair never equals the planted bug <a & "b">.' });
  });

  it('lists as text, marking the default variant', async () => {
    const r = await nlring(['list']);
    expect(r.stdout).toContain('* toy-v1 ');
    expect(r.stdout).toContain('  NEVER ');
  });
});

describe('nlring check-all', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nlring-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every scenario, prints the summary, writes the reports and exits with the worst code', async () => {
    const out = join(dir, 'reports', 'nested');
    const r = await nlring(['check-all', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('3 runs: 1 pass, 2 fail, 0 incomplete => FAIL');
    expect(readdirSync(out).sort()).toEqual(['index.html', 'junit.xml', 'summary.json', 'summary.txt']); // no temp files left
    expect(readFileSync(join(out, 'summary.txt'), 'utf8')).toBe(r.stdout);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.results.map((x: { scenario: string }) => x.scenario)).toEqual(['good', 'buggy', 'vacuous']);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/^<\?xml [^]*<\/testsuites>\n$/);
    // The HTML report: every run in its table, the buggy run's counterexample to step through.
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>[^]*<\/html>\n$/);
    for (const s of ['good', 'buggy', 'vacuous']) expect(html).toContain(`<tr><th scope="row">${s}</th>`);
    expect(html).toContain('<section class="cx" id="cx-1" data-cx="0" data-violation="5" data-steps="5" data-property="NO-BUG" data-variant="toy-v1" data-scenario="buggy"');
    expect(html).toContain('Settings: engine <b>bfs</b>.');
    // Each counterexample opens with its scenario's description from the catalogue.
    expect(html).toContain('<p class="intro"><b>Scenario buggy:</b> toy buggy.</p>');
  });

  it('names in the HTML report the engine and the budgets, not the output paths', async () => {
    const out = join(dir, 'settings');
    await nlring(['check-all', '--max-states', '100', '--junit', join(out, 'j.xml'), '--all-violations', '--out', out]);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('Settings: engine <b>bfs</b>; --all-violations <b>on</b>; --max-states <b>100</b>.');
  });

  it('exits 3 when the worst is incomplete, 0 when all pass', async () => {
    const options = (s: Record<string, ToyOptions>) => ({ catalog: async () => toyCatalog(s) });
    expect((await nlring(['check-all', '--max-states', '5'], options({ good: { bug: null } }))).code).toBe(3);
    expect((await nlring(['check-all'], options({ a: { bug: null }, b: { bug: null, max: 2 } }))).code).toBe(0);
    expect((await nlring(['check-all', '--max-states', '5'], options({ a: { bug: [1, 0] }, b: { bug: null } }))).code).toBe(1);
  });

  it('refuses an --out that is a file', async () => {
    await nlring(['check-all', '--out', dir]); // creates dir/summary.txt
    const r = await nlring(['check-all', '--out', join(dir, 'summary.txt', 'sub')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^nlring: cannot create --out directory [^\n]+\n$/);
  });
});

describe('nlring --property', () => {
  it.each([
    [['check', '--scenario', 'good', '--property', 'NOPE'], /^nlring: unknown property 'NOPE' \(scenario good checks: BOUNDED, NO-BUG\)\n$/],
    [['check', '--scenario', 'good', '--property', 'BOUNDED,NOPE'], /unknown property 'NOPE'/],
    [['check', '--scenario', 'good', '--property', 'X-MAX'], /'X-MAX' is a witness of scenario good, not an invariant/],
    [['check', '--scenario', 'good', '--property='], /--property takes invariant ids separated by commas/],
    [['check', '--scenario', 'good', '--property', 'BOUNDED,,NO-BUG'], /--property takes invariant ids separated by commas/],
    [['check', '--scenario', 'good', '--property', 'BOUNDED', '--property', 'NO-BUG'], /--property given twice/],
    [['replay', '--scenario', 'buggy', '--path', '0', '--property', 'NOPE'], /unknown property 'NOPE'/],
    [['replay', '--scenario', 'buggy', '--seed', '0', '--walk', '0', '--property', 'NOPE'], /unknown property 'NOPE'/],
    [['replay', '--scenario', 'buggy', '--engine', 'pbt', '--seed', '0', '--fc-path', '0', '--property', 'NOPE'], /unknown property 'NOPE'/],
    [['check-all', '--property', 'BOUNDED'], /unknown flag --property for check-all/],
  ])('%j is a usage error', async (argv, message) => {
    await expectUsageError(argv, message);
  });

  it('refuses a property the scenario excludes (real catalogue)', async () => {
    const r = await nlring(['check', '--variant', 'linux-4.5', '--scenario', 'dump-full-ring', '--property', 'ORDER-RING-IDS'], { catalog: undefined });
    expect(r).toEqual({ code: 2, stdout: '', stderr: "nlring: property 'ORDER-RING-IDS' is not checked in scenario dump-full-ring (the scenario excludes it)\n" });
  });

  it('judges only the named invariants, says so, and repeats the flag in the reproduce line', async () => {
    const r = await nlring(['check', '--scenario', 'buggy', '--property', 'BOUNDED', '--format', 'json']);
    expect(r.code).toBe(0); // NO-BUG fails in buggy, but it is not judged
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ verdict: 'pass', invariants: ['BOUNDED'], properties: ['BOUNDED'] });
    expect(j.replay).toBe('nlring check --variant toy-v1 --scenario buggy --property BOUNDED');
    const text = await nlring(['check', '--scenario', 'buggy', '--property', 'BOUNDED']);
    expect(text.stdout).toContain('the invariant holds in all ');
    expect(text.stdout).toContain('\ninvariants checked: only BOUNDED (--property)\n');

    // Several ids, in any order: the scenario's order, duplicates once.
    const both = JSON.parse((await nlring(['check', '--scenario', 'buggy', '--property', 'NO-BUG,BOUNDED,NO-BUG', '--format', 'json'])).stdout);
    expect(both).toMatchObject({ verdict: 'fail', invariants: ['BOUNDED', 'NO-BUG'], properties: ['BOUNDED', 'NO-BUG'], violation: { property: 'NO-BUG' } });
    expect(both.replay).toBe('nlring replay --variant toy-v1 --scenario buggy --property BOUNDED,NO-BUG --path 0/0/0/1/1');
  });

  it('keeps the witnesses, so a restricted check can still be vacuous', async () => {
    const r = await nlring(['check', '--scenario', 'vacuous', '--property', 'BOUNDED', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'fail', invariants: ['BOUNDED'], violation: { property: 'NEVER', kind: 'sometimes' } });
  });

  it('restricts a replay', async () => {
    const all = await nlring(['replay', '--scenario', 'buggy', '--path', '0/0/0/1/1']);
    expect(all.stdout).toContain('violated: NO-BUG (toy-safety) at step 5');
    const r = await nlring(['replay', '--scenario', 'buggy', '--path', '0/0/0/1/1', '--property', 'BOUNDED']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^replay  variant toy-v1  scenario buggy  property BOUNDED  path 0\/0\/0\/1\/1  5 steps\n/);
    expect(r.stdout).toContain('no invariant of --property BOUNDED is violated along this path');
    const j = JSON.parse((await nlring(['replay', '--scenario', 'buggy', '--path', '0/0/0/1/1', '--property', 'BOUNDED', '--format', 'json'])).stdout);
    expect(j.properties).toEqual(['BOUNDED']);
    expect(j.violation).toBeUndefined();
  });
});

describe('nlring internal errors: exit 4, one line', () => {
  it('reports an exception from the spec', async () => {
    const catalog = toyCatalog();
    const broken: Catalog = {
      ...catalog,
      buildTarget: (v, s) => {
        const t = catalog.buildTarget(v, s);
        return { ...t, spec: { ...t.spec, actions: () => { throw new Error('actions exploded\nsecond line'); } } };
      },
    };
    const r = await nlring(['check', '--scenario', 'good'], { catalog: async () => broken });
    expect(r).toEqual({ code: 4, stdout: '', stderr: 'nlring: internal error: actions exploded second line\n' });
  });

  it('reports a catalogue that fails to load', async () => {
    const r = await nlring(['list'], { catalog: () => Promise.reject(new TypeError('cannot read x of undefined')) });
    expect(r).toEqual({ code: 4, stdout: '', stderr: 'nlring: internal error: cannot read x of undefined\n' });
  });
});

// These use the real catalogue and model, so they pass only once src/model compiles.
describe('nlring with the real catalogue', () => {
  const real = (argv: string[]) => nlring(argv, { catalog: undefined });

  it('lists the default variant linux-4.5 and some scenarios', async () => {
    const r = await real(['list', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.variants.map((v: { id: string }) => v.id)).toContain('linux-4.5');
    expect(j.scenarios.length).toBeGreaterThan(0);
    for (const p of j.properties) expect(Object.keys(p)).toEqual(['id', 'family', 'kind', 'description']);
  });

  it('rejects unknown names with exit 2', async () => {
    expect((await real(['check', '--scenario', 'no-such-scenario'])).code).toBe(2);
    expect((await real(['check', '--variant', 'no-such-variant', '--scenario', 'x'])).code).toBe(2);
  });

  /** Run a printed `nlring ...` command line (its words need no shell quoting) in-process. */
  const runLine = (line: string) => real(line.split(' ').slice(1));

  it('prints, under --all-violations, replay lines that each reproduce their own property at their own step', async () => {
    // linux-3.10 dump-full-ring: seven violated invariants; several of the later ones lie
    // behind an earlier, different violation on their own path (SKIP-PROGRESS at step 45 on
    // the path of LOSS-REPORTED, for one).
    const r = await real(['check', '--variant', 'linux-3.10', '--scenario', 'dump-full-ring', '--all-violations']);
    expect(r.code).toBe(1);
    const also = [...r.stdout.matchAll(/^  (\S+) \(\S+\) after (\d+) steps: (nlring replay .*)$/gm)];
    expect(also.length).toBeGreaterThanOrEqual(2);
    let wouldStopEarlier = 0;
    for (const [, property, steps, line] of also) {
      expect(line).toContain(` --property ${property} `);
      const back = await runLine(line);
      expect(back.code).toBe(1);
      expect(back.stdout).toMatch(new RegExp(`^violated: ${property} \\(\\S+\\) at step ${steps}$`, 'm'));
      const unrestricted = await runLine(line.replace(` --property ${property}`, ''));
      if (!unrestricted.stdout.includes(`violated: ${property} `)) wouldStopEarlier++;
    }
    expect(wouldStopEarlier).toBeGreaterThan(0); // so the flag is what makes these lines right
    // The first violation's line needs no flag: it is the first of all the invariants.
    const first = /^violated: (\S+) .*\n(?:.*\n)*?  invariant \S+ is violated after (\d+) steps$/m.exec(r.stdout)!;
    const replayLine = r.stdout.trimEnd().split('\n').at(-1)!.replace(/^replay: /, '');
    expect(replayLine).not.toContain('--property');
    expect((await runLine(replayLine)).stdout).toMatch(new RegExp(`^violated: ${first[1]} \\(\\S+\\) at step ${first[2]}$`, 'm'));
  });

  it('judges only --property on the real model: tx-sibling fails NOTOCTOU-TX-ACT in 10 steps, not NOTOCTOU-TX-LEN in 7', async () => {
    const r = await real(['check', '--variant', 'linux-3.10', '--scenario', 'tx-sibling', '--property', 'NOTOCTOU-TX-ACT', '--format', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.invariants).toEqual(['NOTOCTOU-TX-ACT']);
    expect(j.violation.property).toBe('NOTOCTOU-TX-ACT');
    expect(j.violation.steps).toHaveLength(10);
    expect((await runLine(j.replay)).stdout).toContain('violated: NOTOCTOU-TX-ACT (no-toctou) at step 10');
  });

  it.each([
    ['simulate', ['--engine', 'simulate', '--seed', '4', '--walks', '100']],
    ['pbt', ['--engine', 'pbt', '--seed', '1']],
  ])('repeats --property in the replay line of a restricted %s run, which reproduces it', async (_engine, flags) => {
    const r = await real(['check', '--variant', 'linux-3.10', '--scenario', 'tx-sibling', '--property', 'NOTOCTOU-TX-ACT', ...flags, '--format', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.violation.property).toBe('NOTOCTOU-TX-ACT');
    expect(j.replay).toContain(' --property NOTOCTOU-TX-ACT ');
    const back = await runLine(j.replay);
    expect(back.stdout).toContain(`violated: NOTOCTOU-TX-ACT (no-toctou) at step ${j.violation.steps.length}`);
    expect(back.stdout).toContain(`--property NOTOCTOU-TX-ACT --path ${j.violation.path}\n`); // the equivalent --path replay
  });

  describe('the built bin', () => {
    const bin = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;
    // dist/ is built by test/global-build.ts before any test file runs.
    it('starts with a shebang and answers --version', () => {
      expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
      const r = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    });

    it('exits 2 with one line on a bad flag', () => {
      const r = spawnSync(process.execPath, [bin, 'check', '--bogus'], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe("nlring: unknown flag --bogus for check\n");
    });
  });
});
