/**
 * `--variant ./file.ts`: a patch written in its own file, loaded by the CLI
 * (in-process through run(), where vitest compiles the file, and through the
 * built bin, where Node's module hooks strip its types), with every kind of
 * bad file refused in one line and exit 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'dist/src/cli/main.js');
const PATCH = './examples/patches/copy-status-under-lock.ts';

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } };
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const code = await run(args, io);
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'nlring-variant-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const GOOD = `import { defineVariant, linux45 } from 'nlring';
export default defineVariant({ base: linux45, id: 'zc', description: 'zero-copy TX on 4.5', cites: 'revert of 4682a0358639', knobs: { txMode: 'zero-copy' } });
`;

describe('a variant file', () => {
  it('is checked under its path, and its replay line names the file and runs as printed', async () => {
    const f = file('zc.ts', GOOD);
    const r = await cli(['check', '--variant', f, '--scenario', 'tx-sibling', '--format', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.variant).toBe(f);
    expect(j.violation.property).toBe('NOTOCTOU-TX-LEN');
    expect(j.replay).toContain(`--variant ${f} `);
    const back = await cli(j.replay.replace(/^nlring /, '').split(' '));
    expect(back.code).toBe(1);
    expect(back.stdout).toContain('violated: NOTOCTOU-TX-LEN');
  });

  it('with an override and an added step removes the finding it targets (split step: COPY status under the queue lock)', async () => {
    const base = await cli(['check', '--scenario', 'copy-mixed', '--variant', 'linux-4.5', '--property', 'OWN-RX-KERNEL-WRITE']);
    expect(base.code).toBe(1);
    const patched = await cli(['check', '--scenario', 'copy-mixed', '--variant', PATCH, '--property', 'OWN-RX-KERNEL-WRITE']);
    expect(patched.stdout).toMatch(/^PASS /);
    expect(patched.code).toBe(0);
  });

  const bad: [string, string, string, RegExp][] = [
    ['a missing file', '', 'nope.ts', /^nlring: cannot read variant file .*nope\.ts: ENOENT\n$/],
    ['a file of another kind', 'x', 'v.txt', /^nlring: variant file .*v\.txt must end in \.ts, \.mts, \.js, \.mjs\n$/],
    ['a syntax error', 'export default {', 'syntax.ts', /^nlring: variant file .*syntax\.ts does not load: /],
    ['a throw while loading', "throw new Error('boom');\nexport {};", 'throws.mjs', /^nlring: variant file .*throws\.mjs does not load: boom\n$/],
    ['no variant exported', 'export const x = 1;', 'none.mjs', /^nlring: .*none\.mjs does not export a variant \(export default defineVariant/],
    ['a default export that is not a variant', 'export default 42;', 'num.mjs', /^nlring: .*num\.mjs: the default export is not a variant/],
    ['an unknown knob', GOOD.replace("txMode: 'zero-copy'", "txMod: 'zero-copy'"), 'knob.ts', /^nlring: .*knob\.ts: variant 'zc': unknown knob 'txMod' \(knobs: forwardRing, .*\)\n$/],
    ['a knob value of the wrong type', GOOD.replace("txMode: 'zero-copy'", 'txMode: true'), 'type.ts', /^nlring: .*type\.ts: variant 'zc': knob txMode must be "zero-copy" or "always-copy", got true\n$/],
    ['an override of an unknown step', GOOD.replace("knobs: { txMode: 'zero-copy' }", "overrides: { 'no.such': { cites: 'x', run: () => {} } }"), 'step.ts', /^nlring: .*step\.ts: variant 'zc': override of 'no\.such': no step or continuation has that label \(see nlring list --steps\)\n$/],
    ['an override whose body is not a function', GOOD.replace("knobs: { txMode: 'zero-copy' }", "overrides: { 'send.copy-mark': { cites: 'x', run: 3 } }"), 'run.ts', /^nlring: .*run\.ts: variant 'zc': override of 'send\.copy-mark': 'run' must be a function\n$/],
    ['an override without a citation', GOOD.replace("knobs: { txMode: 'zero-copy' }", "overrides: { 'send.copy-mark': { run: () => {} } }"), 'cites.ts', /^nlring: .*cites\.ts: variant 'zc': override of 'send\.copy-mark' needs 'cites'/],
    ['an added step that reuses a base label', GOOD.replace("knobs: { txMode: 'zero-copy' }", "steps: { 'send.copy-mark': { who: 'kernel', cites: 'x', text: () => '', run: () => {} } }"), 'dup.ts', /^nlring: .*dup\.ts: variant 'zc': 'send\.copy-mark' is a label of the base spec; replace it under 'overrides'/],
  ];
  for (const [what, text, name, expected] of bad) {
    it(`refuses ${what} in one line, exit 2`, async () => {
      const f = name === 'nope.ts' ? join(dir, name) : file(name, text);
      const r = await cli(['check', '--variant', f, '--scenario', 'tx-sibling']);
      expect(r.stderr).toMatch(expected);
      expect(r.stderr.split('\n').length).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.code).toBe(2);
    });
  }
});

describe('a variant file through the built bin (Node strips the types; nlring is the running package)', () => {
  const bin = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });

  it('loads a TypeScript patch with an added step and checks it', () => {
    const r = bin(['check', '--variant', PATCH, '--scenario', 'copy-mixed', '--property', 'OWN-RX-KERNEL-WRITE']);
    expect(r.stderr).not.toMatch(/nlring: (internal error|variant file)/);
    expect(r.stdout).toMatch(/^PASS {2}variant \.\/examples\/patches\/copy-status-under-lock\.ts {2}scenario copy-mixed/);
    expect(r.status).toBe(0);
  });

  it('refuses a file with TypeScript that stripping cannot handle, in one line', () => {
    const f = file('enum.ts', `import { defineVariant, linux45 } from 'nlring';\nenum E { A }\nexport default defineVariant({ base: linux45, id: 'e', description: 'e', cites: 'e' });\n`);
    const r = bin(['check', '--variant', f, '--scenario', 'tx-sibling']);
    expect(r.stderr).toMatch(/^nlring: variant file .*enum\.ts does not load: .+\n$/);
    expect(r.status).toBe(2);
  });
});
