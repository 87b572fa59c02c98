/** The CLI's engines (--engine bfs|simulate|pbt), seed/walk replay and merge. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, USAGE, type Catalog, type RunOptions } from '../../src/cli/run.js';
import { UsageError } from '../../src/errors.js';
import { toyTarget, type ToyOptions } from '../fixtures/toy.js';
import { runCli } from '../fixtures/cli.js';

const SCENARIOS: Record<string, ToyOptions> = {
  good: { bug: null },
  buggy: { bug: [2, 1] },
};

function toyCatalog(): Catalog {
  return {
    DEFAULT_VARIANT: 'toy-v1',
    listVariants: () => [{ id: 'toy-v1', description: 'The toy counters.' }],
    listScenarios: () => Object.keys(SCENARIOS).map((id) => ({ id, description: `toy ${id}` })),
    listProperties: () => [...toyTarget().invariants],
    buildTarget: (variant, scenario) => {
      if (variant !== 'toy-v1') throw new UsageError(`unknown variant '${variant}' (known: toy-v1)`);
      const options = SCENARIOS[scenario];
      if (!options) throw new UsageError(`unknown scenario '${scenario}'`);
      return { ...toyTarget(options), scenario };
    },
  };
}

function nlring(argv: string[], options: RunOptions = {}) {
  return runCli(argv, { catalog: async () => toyCatalog(), ...options });
}
const real = (argv: string[]) => nlring(argv, { catalog: undefined });

/** Exit 2 with exactly one line on stderr, nothing on stdout. */
async function expectUsageError(argv: string[], message: RegExp) {
  const r = await nlring(argv);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^nlring: [^\n]+\n$/);
  expect(r.stderr).toMatch(message);
  expect(r.code).toBe(2);
}

/** A JSON report without the fields that measure wall time. */
function untimed(stdout: string) {
  const j = JSON.parse(stdout);
  delete j.seconds;
  delete j.stats.statesPerSecond;
  delete j.stats.stepsPerSecond;
  return j;
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1)!;

describe('flag validation: one line on stderr, exit 2', () => {
  it.each([
    [['check', '--scenario', 'good', '--walks', '5'], /^nlring: --walks does not apply to --engine bfs \(only to simulate\)$/m],
    [['check', '--scenario', 'good', '--seed', '1'], /--seed does not apply to --engine bfs \(only to simulate, pbt\)/],
    [['check', '--scenario', 'good', '--depth', '5'], /--depth does not apply to --engine bfs/],
    [['check', '--scenario', 'good', '--shard', '0/2'], /--shard does not apply to --engine bfs/],
    [['check', '--scenario', 'good', '--engine', 'simulate', '--max-states', '5'], /--max-states does not apply to --engine simulate \(only to bfs\)/],
    [['check', '--scenario', 'good', '--engine', 'simulate', '--max-depth', '5'], /--max-depth does not apply to --engine simulate/],
    [['check', '--scenario', 'good', '--engine', 'simulate', '--max-memory', '5'], /--max-memory does not apply to --engine simulate/],
    [['check', '--scenario', 'good', '--engine', 'simulate', '--runs', '5'], /--runs does not apply to --engine simulate \(only to pbt\)/],
    [['check', '--scenario', 'good', '--engine', 'pbt', '--walks', '5'], /--walks does not apply to --engine pbt/],
    [['check', '--scenario', 'good', '--engine', 'pbt', '--shard', '0/2'], /--shard does not apply to --engine pbt/],
    [['check', '--scenario', 'good', '--engine', 'pbt', '--time-budget', '5'], /--time-budget does not apply to --engine pbt \(only to bfs, simulate\)/],
    [['check-all', '--walks', '5'], /--walks does not apply to --engine bfs/],
    [['check', '--scenario', 'good', '--engine', 'dfs'], /--engine must be bfs, simulate, pbt, got 'dfs'/],
    [['check', '--scenario', 'good', '--engine', 'simulate', '--walk', '3'], /unknown flag --walk for check/],
    [['merge', '--seed', '1', 'a.json'], /unknown flag --seed for merge/],
  ])('%j', async (argv, message) => {
    await expectUsageError(argv, message);
  });

  it.each(['3/3', '4/3', '1', '/3', '0/', '0/0', 'a/b', '01/3', '0/03', '-1/3', '1/2/3', '0 /2', ''])('rejects --shard %j', async (v) => {
    await expectUsageError(['check', '--scenario', 'good', '--engine', 'simulate', `--shard=${v}`], /^nlring: --shard must be i\/n with 0 <= i < n/);
  });

  it.each(['-1', 'abc', '1.5', '01', '0x10', '', '99999999999999999999'])('rejects --seed %j', async (v) => {
    await expectUsageError(['check', '--scenario', 'good', '--engine', 'simulate', `--seed=${v}`], /--seed/);
  });

  it.each(['0', '-1', 'x'])('rejects --walks %j and --depth %j', async (v) => {
    await expectUsageError(['check', '--scenario', 'good', '--engine', 'simulate', `--walks=${v}`], /--walks must be a positive integer/);
    await expectUsageError(['check', '--scenario', 'good', '--engine', 'simulate', `--depth=${v}`], /--depth must be a positive integer/);
  });

  it('accepts seed 0 and shard 0/1', async () => {
    const r = await nlring(['check', '--scenario', 'good', '--engine', 'simulate', '--seed', '0', '--shard', '0/1', '--walks', '3']);
    expect(r.code).toBe(3);
  });

  it.each([
    [['replay', '--scenario', 'buggy', '--walk', '1'], /replay needs --seed/],
    [['replay', '--scenario', 'buggy', '--seed', '1'], /replay needs --path \(or --seed and --walk/],
    [['replay', '--scenario', 'buggy', '--path', '0', '--seed', '1'], /--seed does not apply to a --path replay/],
    [['replay', '--scenario', 'buggy', '--path', '0', '--depth', '3'], /--depth does not apply to a --path replay/],
    [['replay', '--scenario', 'buggy', '--path', '0', '--walk', '1', '--seed', '1'], /--path does not go with --walk/],
    [['replay', '--scenario', 'buggy', '--seed', '1', '--walk', '1', '--engine', 'bfs'], /--walk does not apply to --engine bfs/],
    [['replay', '--scenario', 'buggy', '--seed', '1', '--fc-path', '1:0'], /--fc-path needs --engine pbt/],
    [['replay', '--scenario', 'buggy', '--engine', 'pbt', '--seed', '1'], /replay needs --fc-path/],
    [['replay', '--scenario', 'buggy', '--engine', 'pbt', '--seed', '1', '--fc-path', '0', '--walk', '2'], /--walk does not apply to --engine pbt/],
    [['replay', '--scenario', 'buggy', '--engine', 'simulate', '--seed', '1'], /replay needs --walk/],
    [['replay', '--scenario', 'buggy', '--seed', '1', '--walk', '-2'], /--walk must be an integer >= 0/],
  ])('replay %j', async (argv, message) => {
    await expectUsageError(argv, message);
  });
});

describe('nlring check --engine simulate', () => {
  it('defaults to seed 0 and writes seed, origin, simulation and the stats in JSON', async () => {
    const r = await nlring(['check', '--scenario', 'buggy', '--engine', 'simulate', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ verdict: 'fail', engine: 'simulate', seed: 0, origin: { seed: 0 }, simulation: { prng: 'seedrandom/alea', walks: 1000, depth: 100 } });
    expect(Object.keys(j.stats)).toEqual(['hash', 'collisionProbability', 'bytesPerState', 'statesPerSecond', 'steps', 'walks', 'stepsPerSecond']);
    expect(j.stats.hash).toBe('seedrandom/alea');
    expect(j.replay).toBe(`nlring replay --variant toy-v1 --scenario buggy --seed 0 --walk ${j.origin.walk} --depth 100`);
  });

  it('prints the seed, the PRNG, the walk and, last, the replay command that reproduces the violation', async () => {
    const r = await nlring(['check', '--scenario', 'buggy', '--engine', 'simulate', '--seed', '9', '--walks', '50', '--depth', '8']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^FAIL  variant toy-v1  scenario buggy  walks \d+  steps \d+  depth \d+  \d+\.\d{3}s \(simulate\)$/);
    expect(lines).toContain('seed 9  PRNG seedrandom/alea  walks 50  depth 8');
    expect(lines).toContain('violated: NO-BUG (toy-safety, always)');
    const found = lines.at(-2)!;
    const walk = /^found by walk (\d+) of seed 9$/.exec(found)![1];
    const replayLine = lines.at(-1)!;
    expect(replayLine).toBe(`replay: nlring replay --variant toy-v1 --scenario buggy --seed 9 --walk ${walk} --depth 8`);
    const path = /counterexample: \d+ steps?, path (\S+)/.exec(r.stdout)![1];

    // The replay command regenerates the walk ...
    const again = await nlring(replayLine.split(' ').slice(2));
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(`path ${path}`);
    expect(again.stdout).toContain('violated: NO-BUG (toy-safety) at step');
    const same = /the same as: (.*)$/m.exec(again.stdout)![1];
    expect(same).toBe(`nlring replay --variant toy-v1 --scenario buggy --path ${path}`);
    // ... and its --path equivalent prints the same trace under bfs semantics.
    const byPath = await nlring(same.split(' ').slice(1));
    expect(byPath.code).toBe(1);
    const body = (s: string) => s.split('\n').filter((l) => !l.startsWith('regenerated from '));
    expect(body(again.stdout)).toEqual(body(byPath.stdout));
  });

  it('exits 3 (incomplete, never pass) without a violation, and its replay line reruns it identically', async () => {
    const r = await nlring(['check', '--scenario', 'good', '--engine', 'simulate', '--walks', '40', '--depth', '10', '--format', 'json']);
    expect(r.code).toBe(3);
    const j = JSON.parse(r.stdout);
    expect(j.verdict).toBe('incomplete');
    expect(j.replay).toBe('nlring check --engine simulate --variant toy-v1 --scenario good --seed 0 --walks 40 --depth 10');
    const again = await nlring([...j.replay.split(' ').slice(1), '--format', 'json']);
    expect(untimed(again.stdout)).toEqual(untimed(r.stdout));
    const text = await nlring(['check', '--scenario', 'good', '--engine', 'simulate', '--walks', '40', '--depth', '10']);
    expect(text.stdout).toMatch(/^INCOMPLETE /);
    expect(text.stdout).toContain('incomplete: no violation in 40 random walks of up to 10 steps; random walks prove nothing');
    expect(lastLine(text.stdout)).toBe(`replay: ${j.replay}`);
  });

  it('is deterministic across runs and different across seeds', async () => {
    const run = (seed: string) => nlring(['check', '--scenario', 'good', '--engine', 'simulate', '--walks', '30', '--seed', seed, '--format', 'json']);
    expect(untimed((await run('1')).stdout)).toEqual(untimed((await run('1')).stdout));
    expect(untimed((await run('1')).stdout).stats.steps).not.toBe(untimed((await run('2')).stdout).stats.steps);
  });

  it('writes progress lines on stderr', async () => {
    const r = await nlring(['check', '--scenario', 'good', '--engine', 'simulate', '--walks', '3000'], { progressIntervalMs: 0 });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^(nlring: good: walk \d+\/3000, \d+ steps, \d+ steps\/s, \d+s\n)+$/);
  });

  it('runs check-all with the chosen engine', async () => {
    const r = await nlring(['check-all', '--engine', 'simulate', '--walks', '40', '--depth', '10']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/INCOMPLETE\s+toy-v1\s+good\s.*no violation in 40 random walks \(seed 0\)/);
    expect(r.stdout).toContain('2 runs: 0 pass, 1 fail, 1 incomplete => FAIL');
    expect(r.stdout).toMatch(/replay buggy: nlring replay --variant toy-v1 --scenario buggy --seed 0 --walk \d+ --depth 10/);
  });
});

describe('nlring merge', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nlring-merge-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Run one shard (90 walks of depth 6, seed 2 unless given) and write its JSON report to a file. */
  const shardFile = async (scenario: string, shard: string, o: { walks?: string; seed?: string } = {}) => {
    const { walks = '90', seed = '2' } = o;
    const r = await nlring(['check', '--scenario', scenario, '--engine', 'simulate', '--walks', walks, '--depth', '6', '--seed', seed, '--shard', shard, '--format', 'json']);
    expect(r.stderr).toBe('');
    const file = join(dir, `${scenario}-${shard.replace('/', 'of')}-w${walks}-s${seed}.json`);
    writeFileSync(file, r.stdout);
    return file;
  };

  it('merges the shards of a failing run into the unsharded verdict and first failing walk', async () => {
    const files = [await shardFile('buggy', '0/3'), await shardFile('buggy', '1/3'), await shardFile('buggy', '2/3')];
    const whole = JSON.parse((await nlring(['check', '--scenario', 'buggy', '--engine', 'simulate', '--walks', '90', '--depth', '6', '--seed', '2', '--format', 'json'])).stdout);
    const m = await nlring(['merge', ...files, '--format', 'json']);
    expect(m.code).toBe(1);
    const j = JSON.parse(m.stdout);
    expect(j).toMatchObject({ verdict: 'fail', origin: whole.origin, replay: whole.replay, merged: { shards: [0, 1, 2], count: 3, allPresent: true } });
    expect(j.violation).toEqual(whole.violation);
    const text = await nlring(['merge', ...files]);
    expect(text.stdout).toContain('merged: shards 0, 1, 2 of 3 (all present)');
    expect(text.stdout).toContain('  The pair never equals the planted bug <a & "b">.'); // the doc, from the catalogue
    expect(lastLine(text.stdout)).toBe(`replay: ${whole.replay}`);
  });

  it('merges the shards of a run without violation: incomplete, same steps as unsharded', async () => {
    const files = [await shardFile('good', '0/2'), await shardFile('good', '1/2')];
    const whole = JSON.parse((await nlring(['check', '--scenario', 'good', '--engine', 'simulate', '--walks', '90', '--depth', '6', '--seed', '2', '--format', 'json'])).stdout);
    const m = await nlring(['merge', ...files, '--format', 'json']);
    expect(m.code).toBe(3);
    expect(JSON.parse(m.stdout).stats.steps).toBe(whole.stats.steps);
    const partial = await nlring(['merge', files[1]]);
    expect(partial.code).toBe(3);
    expect(partial.stdout).toContain('merged: shard 1 of 2 (missing 0: their walks were not run)');
  });

  it('keeps the --property restriction of the shards in the merged reproduce line', async () => {
    const files: string[] = [];
    for (const shard of ['0/2', '1/2']) {
      const r = await nlring(['check', '--scenario', 'buggy', '--property', 'BOUNDED', '--engine', 'simulate', '--walks', '90', '--depth', '6', '--shard', shard, '--format', 'json']);
      files.push(join(dir, `restricted-${shard.replace('/', 'of')}.json`));
      writeFileSync(files.at(-1)!, r.stdout);
    }
    const j = JSON.parse((await nlring(['merge', ...files, '--format', 'json'])).stdout);
    expect(j).toMatchObject({ verdict: 'incomplete', invariants: ['BOUNDED'], properties: ['BOUNDED'] });
    expect(j.replay).toBe('nlring check --engine simulate --variant toy-v1 --scenario buggy --property BOUNDED --seed 0 --walks 90 --depth 6');
  });

  it('exits 2 naming the problem', async () => {
    const a = await shardFile('good', '0/2');
    const b = await shardFile('good', '1/2', { walks: '91' });
    const c = await shardFile('buggy', '1/2');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"verdict": ');
    const bfsReport = join(dir, 'bfs.json');
    writeFileSync(bfsReport, (await nlring(['check', '--scenario', 'good', '--format', 'json'])).stdout);
    await expectUsageError(['merge'], /^nlring: merge needs at least one FILE/);
    await expectUsageError(['merge', a, a], /^nlring: cannot merge: .*good-0of2-w90-s2\.json and .*good-0of2-w90-s2\.json are both shard 0\/2\n$/);
    await expectUsageError(['merge', a, bad], /^nlring: .*bad\.json: not valid JSON/);
    await expectUsageError(['merge', a, join(dir, 'missing.json')], /^nlring: cannot read .*missing\.json: ENOENT\n$/);
    await expectUsageError(['merge', a, bfsReport], /bfs\.json is a bfs report; only simulate reports can be merged/);
    await expectUsageError(['merge', a, c], /^nlring: cannot merge .*buggy-1of2-w90-s2\.json with .*good-0of2-w90-s2\.json: scenario buggy differs from good/);
    await expectUsageError(['merge', a, b], /walks 91 differs from 90/);
  });

  it('refuses mismatched seeds', async () => {
    const a = await shardFile('good', '0/2');
    const b = await shardFile('good', '1/2', { seed: '3' });
    await expectUsageError(['merge', a, b], /^nlring: cannot merge .*-s3\.json with .*-s2\.json: seed 3 differs from 2 \(not shards of one run\)\n$/);
  });
});

describe('nlring --engine pbt (wiring)', () => {
  it('runs the pbt engine with --seed, --runs and --depth', async () => {
    const r = await nlring(['check', '--scenario', 'good', '--engine', 'pbt', '--seed', '3', '--runs', '5', '--depth', '5', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'incomplete', engine: 'pbt', seed: 3 });
  });

  it('replays a pbt counterexample with --engine pbt --seed --fc-path', async () => {
    const r = await nlring(['check', '--scenario', 'buggy', '--engine', 'pbt', '--seed', '3', '--format', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    const again = await nlring(['replay', '--scenario', 'buggy', '--engine', 'pbt', '--seed', '3', '--fc-path', j.origin.fcPath]);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(`path ${j.violation.path} `);
    expect(again.stdout).toContain('violated: NO-BUG');
  });
});

describe('help and the real catalogue', () => {
  it('documents the engines, their flags, seed replay and merge', () => {
    for (const word of ['--engine E', '--seed N', '--walks N', '--depth N', '--shard i/n', '--runs N', '--walk W', '--fc-path P', 'nlring merge FILE...', 'seedrandom/alea']) {
      expect(USAGE).toContain(word);
    }
  });

  it('finds B3b on linux-3.10 tx-sibling with the default simulate settings and replays it', async () => {
    const r = await real(['check', '--variant', 'linux-3.10', '--scenario', 'tx-sibling', '--engine', 'simulate', '--walks', '2000', '--depth', '40']);
    expect(r.code).toBe(1);
    const replayLine = lastLine(r.stdout);
    expect(replayLine).toMatch(/^replay: nlring replay --variant linux-3\.10 --scenario tx-sibling --seed 0 --walk \d+ --depth 40$/);
    const again = await real(replayLine.split(' ').slice(2));
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/violated: NOTOCTOU-TX-(LEN|ACT) \(no-toctou\) at step \d+/);
  });
});
