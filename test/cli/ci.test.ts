// `nlring ci` and `nlring merge` of its shards, through the built command (dist/, built by
// the global set-up), on small real configurations: exit codes, reports, shards, bad
// input and SIGINT.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/run.js';

const root = new URL('../../', import.meta.url).pathname;
const BIN = join(root, 'dist/src/cli/main.js');
const nlring = (args: string[], cwd = root) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });

/** A fresh directory with a config; `out` is inside it. */
function workspace(config: Record<string, unknown>): { dir: string; config: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nlring-ci-'));
  const out = join(dir, 'reports');
  const file = join(dir, 'nlring.config.json');
  writeFileSync(file, JSON.stringify({ out, ...config }, null, 2));
  return { dir, config: file, out };
}

// Two small scenarios on the shipped kernel and the reference: linux-4.5 fails RET-TX-SENDMSG
// in tx-batch (README finding 14) and POLL-IN-AT-CURSOR in poll (finding 13).
const SMALL = { variants: ['linux-4.5', 'reference'], scenarios: ['tx-batch', 'poll'] };
const BASELINE = [
  { variant: 'linux-4.5', scenario: 'tx-batch', property: 'RET-TX-SENDMSG', reason: 'finding 14' },
  { variant: 'linux-4.5', scenario: 'poll', property: 'POLL-IN-AT-CURSOR', reason: 'finding 13' },
];

describe('nlring ci', () => {
  it('fails on findings not in the baseline and passes with them accepted, writing every report', () => {
    const bare = workspace(SMALL);
    const r1 = nlring(['ci', '--config', bare.config]);
    expect(r1.status).toBe(1);
    expect(r1.stdout).toMatch(/^nlring ci: FAIL {2}4 runs/);
    expect(r1.stdout).toContain('linux-4.5 tx-batch RET-TX-SENDMSG: violated after');
    expect(r1.stdout).toContain('nlring replay --variant linux-4.5 --scenario poll --property POLL-IN-AT-CURSOR --path ');
    expect(readFileSync(join(bare.out, 'index.html'), 'utf8')).toContain('NEW (not in the baseline, fails the gate): linux-4.5 tx-batch RET-TX-SENDMSG');

    const ok = workspace({ ...SMALL, baseline: BASELINE });
    const r2 = nlring(['ci', '--config', ok.config]);
    expect(r2.status).toBe(0);
    expect(r2.stdout).toMatch(/^nlring ci: PASS {2}4 runs \(2 pass, 2 fail, 0 incomplete\)\nfindings: 2 \(2 in the baseline, 0 new\)\n$/);
    expect(readFileSync(join(ok.out, 'ci.txt'), 'utf8')).toBe(r2.stdout);
    for (const f of ['ci.json', 'summary.txt', 'summary.json', 'junit.xml', 'index.html', 'matrix.json', 'matrix.md', 'matrix.txt', 'dead-steps.txt']) expect(existsSync(join(ok.out, f)), f).toBe(true);
    const doc = JSON.parse(readFileSync(join(ok.out, 'ci.json'), 'utf8'));
    expect(doc.gate.verdict).toBe('pass');
    // The page's counterexamples open with their scenario's description from the catalogue.
    expect(readFileSync(join(ok.out, 'index.html'), 'utf8')).toMatch(/<\/h3>\n<p class="intro"><b>Scenario [a-z0-9-]+:<\/b> [^<]+\.<\/p>/);
    // The page counts each of the 4 runs once (the matrix carries them; they are not also given as results).
    expect(readFileSync(join(ok.out, 'index.html'), 'utf8')).toContain('<p class="meta">4 runs: 2 pass, 2 fail, 0 incomplete.</p>');
    expect(readFileSync(join(ok.out, 'index.html'), 'utf8')).not.toContain('NEW (not in the baseline');
    expect(doc.gate.accepted.map((f: { property: string }) => f.property).sort()).toEqual(['POLL-IN-AT-CURSOR', 'RET-TX-SENDMSG']);
  });

  it('says when a baseline entry is fixed, and fails on it with --strict', () => {
    const w = workspace({ ...SMALL, baseline: [...BASELINE, { variant: 'reference', scenario: 'poll', property: 'POLL-IN-AT-CURSOR', reason: 'was finding 13' }] });
    const r = nlring(['ci', '--config', w.config]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('fixed: 1 baseline entry is no longer found by a complete run');
    expect(nlring(['ci', '--config', w.config, '--strict']).status).toBe(1);
  });

  it('runs in shards that nlring merge puts back together into the same judgement', () => {
    const w = workspace({ ...SMALL, baseline: BASELINE.slice(0, 1) });
    const whole = nlring(['ci', '--config', w.config, '--out', join(w.dir, 'whole')]);
    expect(whole.status).toBe(1);
    const shards = [0, 1].map((i) => {
      const r = nlring(['ci', '--config', w.config, '--shard', `${i}/2`, '--out', join(w.dir, `shard-${i}`)]);
      expect(r.stdout).toMatch(new RegExp(`^nlring ci: \\w+  shard ${i}/2: 2 of 4 runs`));
      return join(w.dir, `shard-${i}`, 'ci.json');
    });
    const merged = nlring(['merge', ...shards, '--out', join(w.dir, 'merged')]);
    expect(merged.status).toBe(1);
    expect(merged.stdout).toBe(whole.stdout);
    expect(readFileSync(join(w.dir, 'merged', 'matrix.md'), 'utf8')).toBe(readFileSync(join(w.dir, 'whole', 'matrix.md'), 'utf8'));
    const partial = nlring(['merge', shards[0], '--out', join(w.dir, 'partial')]);
    expect(partial.status).toBe(3);
    expect(partial.stdout).toContain('incomplete: shard 1 missing');
    const twice = nlring(['merge', shards[0], shards[0]]);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/are both shard 0\/2\n$/);
  });

  it('refuses a tampered or truncated ci.json with one line and exit 2', () => {
    const w = workspace({ ...SMALL, scenarios: ['tx-batch'] });
    const shard = join(w.dir, 's0');
    nlring(['ci', '--config', w.config, '--shard', '0/2', '--out', shard]);
    const text = readFileSync(join(shard, 'ci.json'), 'utf8');
    const edited = join(w.dir, 'edited.json');
    writeFileSync(edited, text.replace('"verdict": "fail"', '"verdict": "pass"'));
    const r1 = nlring(['merge', edited]);
    expect(r1.status).toBe(2);
    expect(r1.stderr).toMatch(/^nlring: .*edited\.json: its digest does not match its content.*\n$/);
    const cut = join(w.dir, 'cut.json');
    writeFileSync(cut, text.slice(0, text.length >> 1));
    const r2 = nlring(['merge', cut]);
    expect(r2.status).toBe(2);
    expect(r2.stderr.split('\n')).toHaveLength(2);
  });

  it('refuses bad configs with one line naming the key, before running anything', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...SMALL, budget: {} }, /nlring\.config\.json: budget: unknown key; did you mean budgets\?$/],
      [{ variants: ['linux-45'] }, /variants\[0\]: unknown variant 'linux-45'; did you mean linux-4\.5\?$/],
      [{ ...SMALL, baseline: [{ ...BASELINE[0], property: 'RET-TX-SENDMESG' }] }, /baseline\[0\]\.property: unknown property 'RET-TX-SENDMESG'; did you mean RET-TX-SENDMSG\?$/],
      [{ ...SMALL, baseline: [{ ...BASELINE[0], reason: undefined }] }, /baseline\[0\]\.reason: must be a non-empty string$/],
      [{ ...SMALL, baseline: [{ ...BASELINE[0], variant: 'linux-3.10' }] }, /baseline\[0\]\.variant: 'linux-3\.10' is not one of the config's variants$/],
      [{ ...SMALL, budgets: { maxStates: 0 } }, /budgets\.maxStates: must be an integer >= 1$/],
      [{ ...SMALL, engines: [{ engine: 'bfs', walks: 3 }] }, /engines\[0\]\.walks: does not apply to bfs$/],
      [{ scenarios: ['poll'] }, /variants: missing/],
    ];
    for (const [config, message] of cases) {
      const w = workspace(config);
      const r = nlring(['ci', '--config', w.config]);
      expect(r.status, JSON.stringify(config)).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^nlring: [^\\n]*${message.source.replace(/\$$/, '')}[^\\n]*\\n$`));
      expect(existsSync(w.out) ? readdirSync(w.out) : []).toEqual([]);
    }
    const w = workspace(SMALL);
    writeFileSync(w.config, '{ "variants": [');
    expect(nlring(['ci', '--config', w.config]).stderr).toMatch(/^nlring: .*nlring\.config\.json: not valid JSON/);
    expect(nlring(['ci', '--config', join(w.dir, 'absent.json')]).stderr).toMatch(/^nlring: cannot read config file .*absent\.json: ENOENT\n$/);
  });

  it('refuses an output directory it cannot write before the first run', () => {
    const w = workspace({ ...SMALL, scenarios: ['rx-basic'] });
    writeFileSync(join(w.dir, 'file'), '');
    const started = Date.now();
    const r = nlring(['ci', '--config', w.config, '--out', join(w.dir, 'file', 'sub')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^nlring: --out '.*file\/sub' is not a writable directory \(ENOTDIR\)\n$/);
    // rx-basic alone takes minutes: a quick refusal means nothing ran.
    expect(Date.now() - started).toBeLessThan(20_000);
    if (process.getuid?.() !== 0) {
      const ro = join(w.dir, 'ro');
      nlring(['ci', '--config', w.config, '--out', ro, '--shard', '1/1000']);
      chmodSync(ro, 0o500);
      expect(nlring(['ci', '--config', w.config, '--out', ro]).status).toBe(2);
    }
  });

  it('on SIGINT writes the reports so far, marked INCOMPLETE, and exits 3', async () => {
    // rx-basic runs for minutes: interrupt it once it reports progress.
    const w = workspace({ variants: ['linux-4.5'], scenarios: ['poll', 'rx-basic'], baseline: BASELINE.slice(1) });
    const child = spawn(process.execPath, [BIN, 'ci', '--config', w.config], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        if (/rx-basic: \d+ states/.test(stderr) && !child.killed) child.kill('SIGINT');
      });
      child.on('close', (c) => resolve(c));
    });
    expect(code).toBe(3);
    expect(stderr).toContain('nlring: interrupted: writing the reports of the runs finished so far');
    // rx-basic stops where it was and keeps what it found (FAIL if it met a violation first, else INCOMPLETE).
    expect(stdout).toMatch(/^nlring ci: (FAIL|INCOMPLETE) {2}2 runs .*\nincomplete: interrupted by SIGINT/);
    const doc = JSON.parse(readFileSync(join(w.out, 'ci.json'), 'utf8'));
    expect(doc.interrupted).toBe(true);
    const [poll, rx] = doc.results.map((r: { result: { verdict: string; states: number; stats: { stoppedBy?: string } } }) => r.result);
    expect(poll.verdict).toBe('fail');
    expect(poll.stats.stoppedBy).toBeUndefined();
    expect(rx.stats.stoppedBy).toBe('interrupted');
    expect(rx.states).toBeGreaterThan(0);
    expect(readFileSync(join(w.out, 'summary.txt'), 'utf8')).toMatch(/linux-4\.5 +rx-basic .*interrupted by SIGINT/);
  }, 60_000);
});

describe('the CI examples', () => {
  // Shell variables and CI expressions stand for numbers; globs for files.
  const substitute = (line: string) =>
    line
      .replace(/\$\{\{ matrix\.shard \}\}/g, '0')
      .replace(/\$\(\(CI_NODE_INDEX - 1\)\)/g, '0')
      .replace(/\$SHARD/g, '0')
      .replace(/\$CI_NODE_TOTAL/g, '4');

  for (const file of ['github-actions.yml', 'gitlab-ci.yml']) {
    it(`${file}: every nlring command exists and its flags parse`, () => {
      const text = readFileSync(join(root, 'examples/ci', file), 'utf8');
      const commands = [...text.matchAll(/npx nlring ([^|\n]*?)(?:\s*\|\||\n)/g)].map((m) => substitute(m[1]).trim().split(/\s+/));
      expect(commands.map((c) => c[0])).toEqual(['ci', 'merge']);
      for (const argv of commands) expect(() => parseArgs(argv), argv.join(' ')).not.toThrow();
      // The shard job spells i/n as --shard expects it; the merge reads the shards' ci.json.
      expect(commands[0]).toContain('--shard');
      expect(commands[1].some((a) => a.endsWith('/ci.json'))).toBe(true);
    });
  }
});
