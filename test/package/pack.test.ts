/**
 * nlring as a library user gets it: the tarball of `npm pack`, installed into a new
 * project next to @fast-check/vitest, vitest and typescript, and the README's vitest
 * example type-checked and run there. It guards the two things that
 * broke for such a user: two copies of fast-check (then `tsc` rejects `schedules()` in
 * `test.prop`), and a README example that does not type-check or does not fail.
 *
 * It needs the npm registry (or a warm npm cache) and fails loudly without it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTargetFor, deriveVariant, linux45, runSchedule } from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

/** The first ```ts block of the README's library section: the example a user copies. */
export function readmeExample(readme: string): string {
  const start = readme.indexOf('## Property-based testing from your own vitest suite');
  if (start < 0) throw new Error('README.md has no section "Property-based testing from your own vitest suite"');
  const end = readme.indexOf('\n## ', start + 3);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('the README library section has no ```ts block');
  return m[1];
}

/**
 * The environment of a child command: without the npm_* variables `npm test` sets and the
 * VITEST* variables of this run, which would change what npm installs or what vitest does.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|VITEST|NODE_OPTIONS$|TEST$)/i.test(k)) env[k] = v;
  return env;
}

interface Ran {
  readonly status: number | null;
  /** stdout then stderr. */
  readonly out: string;
  readonly stdout: string;
}

function run(cmd: string, args: readonly string[], cwd: string): Ran {
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  // vitest colours its report even when told not to; the assertions read plain text.
  const plain = (x: string) => x.replace(/\x1b\[[0-9;]*m/g, '');
  return { status: r.status, out: plain(`${r.stdout}${r.stderr}`), stdout: r.stdout };
}

/** Run a command that must succeed and return its stdout; on failure the error carries its whole output. */
function must(cmd: string, args: readonly string[], cwd: string): string {
  const r = run(cmd, args, cwd);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.out}`);
  return r.stdout;
}

describe('the packed package in a new project with @fast-check/vitest', () => {
  let dir = '';
  let project = '';
  let packed: string[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nlring-pack-'));
    // `npm pack` would run `prepare` (the build) first; test/global-build.ts has just built dist/
    // for every test file, and compiling it again here would rewrite files that the CLI tests are
    // running, so the scripts are skipped (the first test checks that `prepare` is the build).
    const out = must('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT);
    const info = JSON.parse(out.slice(out.search(/^\[/m))) as { filename: string; files: { path: string }[] }[];
    packed = info[0].files.map((f) => f.path);
    project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'nlring-user', private: true, type: 'module' }, null, 2));
    // The tools at the versions this repository pins (so a warm cache serves them); fast-check
    // is left to npm, which must resolve one copy for nlring and the plugin.
    const dev = PKG.devDependencies;
    must('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund',
      join(dir, info[0].filename), `@fast-check/vitest@${dev['@fast-check/vitest']}`, `vitest@${dev.vitest}`, `typescript@${dev.typescript}`], project);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: [] },
      include: ['*.ts'],
    }, null, 2));
    writeFileSync(join(project, 'my-patch.test.ts'), readmeExample(readFileSync(join(ROOT, 'README.md'), 'utf8')));
  }, 150_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('packs the built entry, its types and the command, and no sources or tests', () => {
    expect((PKG.scripts.prepare ?? '').split('&&').map((x) => x.trim())).toContain('npm run build');
    expect(PKG.scripts.build).toMatch(/^tsc -p tsconfig\.build\.json/);
    for (const f of ['package.json', 'README.md', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'dist/src/report/text.js']) {
      expect(packed).toContain(f);
    }
    expect(packed.filter((f) => /^(src|test|bench|examples)\/|^dist\/(test|bench|examples)\//.test(f))).toEqual([]);
    // The README links to docs/: they travel with it.
    for (const f of readdirSync(join(ROOT, 'docs')).filter((x) => x.endsWith('.md'))) expect(packed).toContain(`docs/${f}`);
  });

  it('installs one copy of fast-check, shared by nlring and @fast-check/vitest', () => {
    const copies = must('npm', ['ls', 'fast-check', '--all', '--parseable'], project).split('\n').filter((l) => l.trim() !== '');
    expect(copies.map((p) => p.slice(project.length + 1))).toEqual(['node_modules/fast-check']);
    const version = (JSON.parse(readFileSync(join(project, 'node_modules/fast-check/package.json'), 'utf8')) as { version: string }).version;
    expect(Number(version.split('.')[0])).toBe(Number(/\d+/.exec(PKG.peerDependencies['fast-check'])?.[0]));
  });

  it('installs the nlring command, which checks a catalogue scenario and a scenario file', () => {
    const bin = join(project, 'node_modules/.bin/nlring');
    const fail = run(bin, ['check', '--variant', 'linux-3.10', '--scenario', 'tx-sibling'], project);
    expect(fail.status, fail.out).toBe(1);
    expect(fail.out).toMatch(/^violated: NOTOCTOU-TX-LEN /m);
    writeFileSync(join(project, 'tx-two-frames.json'), readFileSync(join(ROOT, 'examples/scenarios/tx-two-frames.json')));
    // On linux-3.10 it passes; linux-4.5 fails RET-TX-SENDMSG there (ENOBUFS after a frame was sent).
    const own = run(bin, ['check', '--variant', 'linux-3.10', '--scenario', './tx-two-frames.json'], project);
    expect(own.out).toMatch(/^PASS {2}variant linux-3\.10 {2}scenario \S*tx-two-frames\S* /);
    expect(own.status, own.out).toBe(0);
  });

  it('type-checks the README example with tsc', () => {
    const r = run('node', [join(project, 'node_modules/typescript/bin/tsc'), '-p', '.'], project);
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  });

  it('runs the README example: vitest reports the violation with the shrunk schedule and its timeline', () => {
    const r = run('node', [join(project, 'node_modules/vitest/vitest.mjs'), 'run'], project);
    expect(r.status, r.out).toBe(1);
    expect(r.out).toMatch(/FAIL +my-patch\.test\.ts > my patch keeps the TX invariants \(with seed=1\)/);
    expect(r.out).toMatch(/Property failed after \d+ tests/);
    expect(r.out).toMatch(/seed: 1,/);
    expect(r.out).toMatch(/Shrunk \d+ time/);
    // The message is formatReplayText's timeline: the variant, a violated TX TOCTOU property.
    expect(r.out).toMatch(/replay {2}variant my-patch {2}scenario tx-sibling {2}path [\d/]+/);
    expect(r.out).toMatch(/violated: NOTOCTOU-TX-(LEN|ACT) \(no-toctou\) at step \d+/);
    // The shrunk schedule itself is a real counterexample of the same variant.
    const m = /Counterexample: \[(\[[\d,]*\])\]/.exec(r.out);
    expect(m, 'a counterexample line').not.toBeNull();
    const schedule = JSON.parse(m![1]) as number[];
    const mine = deriveVariant(linux45, 'my-patch', 'linux-4.5 with zero-copy TX', 'my patch', { txMode: 'zero-copy' });
    const v = runSchedule(buildTargetFor(mine, 'tx-sibling'), schedule).violation;
    expect(v?.property).toMatch(/^NOTOCTOU-TX-(LEN|ACT)$/);
  });
});
