// SIGINT (Ctrl-C) during check and check-all (issue 11, "Bad input and interruption"):
// the reports of the runs so far are written, the interrupted run and those not
// started are INCOMPLETE "interrupted by SIGINT", and the exit code is 3. These spawn
// the built CLI (dist/) and send a real SIGINT once the long run reports progress.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { run } from '../../src/cli/run.js';

const root = new URL('../../', import.meta.url).pathname;
const BIN = join(root, 'dist/src/cli/main.js');
const schema = JSON.parse(readFileSync(join(root, 'schemas/events.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

/** Run the CLI and send SIGINT the first time stderr matches `when`; its exit code and output. */
function interrupt(args: string[], when: RegExp): Promise<{ code: number | null; stdout: string; stderr: string; sent: boolean }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: root });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.on('data', (d) => (stdout += d));
  return new Promise((resolve) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!sent && when.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.on('close', (code) => resolve({ code, stdout, stderr, sent }));
  });
}

/** Every line of an events file, each checked against the schema. */
function events(file: string): Record<string, unknown>[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  expect(lines.pop()).toBe('');
  return lines.map((l) => {
    const e = JSON.parse(l);
    expect(validate(e), JSON.stringify(validate.errors)).toBe(true);
    return e;
  });
}

const dir = () => mkdtempSync(join(tmpdir(), 'nlring-sigint-'));

/** Wall times and rates are the only things two runs may differ in. */
const timeless = (s: string) => s.replace(/"(seconds|statesPerSecond|stepsPerSecond|peakRssBytes|peakHeldBytes|heldBytesPerState)": [0-9.]+/g, '"$1": T');

describe('without SIGINT', () => {
  // The built CLI runs bfs and simulate in a worker thread; run() from the sources (vitest) in this one.
  it.each([
    [['check', '--variant', 'linux-3.10', '--scenario', 'copy-mixed', '--all-violations', '--max-states', '20000', '--format', 'json']],
    [['check', '--variant', 'linux-4.5', '--scenario', 'tx-sibling', '--property', 'NOTOCTOU-TX-ACT', '--format', 'json']],
    [['check', '--variant', 'linux-4.5', '--scenario', 'skip-hold', '--symmetry', '--format', 'json']],
    [['check', '--variant', 'linux-4.5', '--scenario', 'tx-sibling', '--property', 'NOTOCTOU-TX-ACT', '--engine', 'simulate', '--walks', '300', '--shard', '1/2', '--format', 'json']],
    [['check', '--liveness', '--variant', 'linux-4.5', '--scenario', 'dump-full-ring', '--format', 'json']],
  ])('a worker gives the report this thread gives: %j', async (args) => {
    const child = spawnSync(process.execPath, [BIN, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
    let stdout = '';
    const code = await run(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true } });
    expect(child.status).toBe(code);
    expect(timeless(child.stdout)).toBe(timeless(stdout));
  }, 60_000);
});

describe('SIGINT during check', () => {
  it('bfs: reports what it explored as INCOMPLETE (interrupted by SIGINT), with its events, and exits 3', async () => {
    // rx-basic on the reference variant passes after tens of millions of states: minutes.
    const d = dir();
    const ev = join(d, 'events.jsonl');
    const junit = join(d, 'junit.xml');
    const r = await interrupt(['check', '--variant', 'reference', '--scenario', 'rx-basic', '--events', ev, '--junit', junit], /rx-basic: \d+ states/);
    expect(r.sent).toBe(true);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('nlring: interrupted: writing the reports of the runs finished so far');
    const [head, why] = r.stdout.split('\n');
    expect(head).toMatch(/^INCOMPLETE +variant reference +scenario rx-basic +states \d+/);
    const states = Number(/states (\d+)/.exec(head)![1]);
    expect(states).toBeGreaterThan(1000);
    expect(why).toBe(`incomplete: interrupted by SIGINT after ${states} distinct states; nothing is proved beyond them`);
    const all = events(ev);
    expect(all[0]).toMatchObject({ type: 'start', scenario: 'rx-basic' });
    expect(all.at(-1)).toMatchObject({ type: 'finish', verdict: 'incomplete', stoppedBy: 'interrupted', states, exitCode: 3 });
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain(`<skipped message="not proved: interrupted by SIGINT after ${states} states"/>`);
    expect(xml).not.toContain('<failure');
  }, 60_000);

  it('bfs --format json: the result records stoppedBy interrupted', async () => {
    const r = await interrupt(['check', '--variant', 'reference', '--scenario', 'rx-basic', '--format', 'json'], /rx-basic: \d+ states/);
    expect(r.code).toBe(3);
    const j = JSON.parse(r.stdout);
    expect([j.verdict, j.complete, j.stats.stoppedBy]).toEqual(['incomplete', false, 'interrupted']);
  }, 60_000);
});

describe('SIGINT during check', () => {
  it('simulate: stops between walks and reports the walks run as INCOMPLETE, exit 3', async () => {
    const d = dir();
    const ev = join(d, 'events.jsonl');
    const r = await interrupt(['check', '--variant', 'reference', '--scenario', 'rx-basic', '--engine', 'simulate', '--walks', '200000', '--events', ev], /rx-basic: walk \d+/);
    expect(r.sent).toBe(true);
    expect(r.code).toBe(3);
    const m = /^incomplete: interrupted by SIGINT after (\d+) of 200000 walks, without a violation/m.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(r.stdout).toMatch(new RegExp(`^INCOMPLETE +variant reference +scenario rx-basic +walks ${m![1]} `));
    expect(events(ev).at(-1)).toMatchObject({ type: 'finish', engine: 'simulate', verdict: 'incomplete', stoppedBy: 'interrupted', exitCode: 3 });
  }, 60_000);
});

describe('SIGINT during check --liveness', () => {
  it('reports the graph explored so far as INCOMPLETE, exit 3', async () => {
    const r = await interrupt(['check', '--liveness', '--variant', 'reference', '--scenario', 'rx-basic'], /rx-basic: \d+ states/);
    expect(r.sent).toBe(true);
    expect(r.code).toBe(3);
    const states = /^INCOMPLETE +variant reference +scenario rx-basic +liveness +states (\d+) /.exec(r.stdout);
    expect(states).not.toBeNull();
    expect(r.stdout).toContain(`exploration stopped: interrupted by SIGINT after ${states![1]} distinct states`);
  }, 60_000);
});

describe('SIGINT during check-all', () => {
  it('bfs: writes --out, --junit and --events with the finished runs and the interrupted one INCOMPLETE, and exits 3', async () => {
    // linux-4.5's 32 runs take a second or two; reference's rx-basic, the 33rd, runs for minutes.
    const d = dir();
    const out = join(d, 'reports');
    const ev = join(d, 'events.jsonl');
    const junit = join(d, 'junit.xml');
    const r = await interrupt(
      ['check-all', '--variants', 'linux-4.5,reference', '--out', out, '--events', ev, '--junit', junit],
      /reference rx-basic: \d+ states/,
    );
    expect(r.sent).toBe(true);
    expect(r.code).toBe(3);
    const rows = r.stdout.split('\n').filter((l) => /^(PASS|FAIL|INCOMPLETE) /.test(l));
    expect(rows).toHaveLength(64);
    // The first variant's runs finished as they do without SIGINT.
    expect(rows.slice(0, 32).every((l) => / linux-4\.5 /.test(l) && !l.startsWith('INCOMPLETE'))).toBe(true);
    // The interrupted run kept what it explored; the runs after it never started.
    expect(rows[32]).toMatch(/^INCOMPLETE +reference +rx-basic +[1-9]\d* .* interrupted by SIGINT$/);
    for (const l of rows.slice(33)) expect(l).toMatch(/^INCOMPLETE +reference +\S+ +0 +0 +0 +0\.000 +interrupted by SIGINT$/);
    expect(r.stdout).toMatch(/64 runs: \d+ pass, \d+ fail, 32 incomplete => FAIL/);

    expect(readFileSync(join(out, 'summary.txt'), 'utf8')).toBe(r.stdout);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.results[32]).toMatchObject({ verdict: 'incomplete', scenario: 'rx-basic', detail: 'interrupted by SIGINT', stats: { stoppedBy: 'interrupted' } });
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toBe(readFileSync(junit, 'utf8'));
    expect(readFileSync(junit, 'utf8')).toContain('not proved: interrupted by SIGINT after 0 states');
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('INCOMPLETE: interrupted by SIGINT');

    const all = events(ev);
    const finishes = all.filter((e) => e.type === 'finish');
    expect(finishes).toHaveLength(64);
    expect(finishes[32]).toMatchObject({ variant: 'reference', scenario: 'rx-basic', verdict: 'incomplete', stoppedBy: 'interrupted' });
    expect(all.filter((e) => e.type === 'start')).toHaveLength(33);
    expect(all.at(-1)).toMatchObject({ type: 'finish', verdict: 'incomplete', stoppedBy: 'interrupted', states: 0 });
  }, 120_000);

  it('simulate: stops the run that was going between walks, starts no further run, and marks the rest INCOMPLETE', async () => {
    const d = dir();
    const out = join(d, 'reports');
    const r = await interrupt(['check-all', '--variant', 'reference', '--engine', 'simulate', '--walks', '200000', '--out', out], /\[1\/32\] rx-basic: walk \d+/);
    expect(r.sent).toBe(true);
    expect(r.code).toBe(3);
    const rows = r.stdout.split('\n').filter((l) => /^(PASS|FAIL|INCOMPLETE) /.test(l));
    expect(rows).toHaveLength(32);
    const walked = /^INCOMPLETE +reference +rx-basic +[1-9]\d* .* interrupted by SIGINT; no violation in (\d+) random walks \(seed 0\)$/.exec(rows[0]);
    expect(walked).not.toBeNull();
    expect(Number(walked![1])).toBeLessThan(200000);
    for (const l of rows.slice(1)) expect(l).toMatch(/ 0 +0 +0 +0\.000 +interrupted by SIGINT; no violation in 0 random walks \(seed 0\)$/);
    expect(r.stderr).not.toMatch(/\[2\/32\]/);
    expect(readFileSync(join(out, 'summary.txt'), 'utf8')).toBe(r.stdout);
  }, 60_000);
});
