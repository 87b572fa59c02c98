/**
 * `--scenario ./workload.json` / `.ts`: a workload the catalogue lacks, loaded
 * and validated by the CLI (field-by-field checks are in test/scenarios/), run
 * on any variant, file or catalogue, and named by its path in reproduce lines.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const JSON_FILE = './examples/scenarios/tx-two-frames.json';

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const code = await run(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'nlring-scenario-'));

describe('a scenario file', () => {
  it('is checked under its path on a catalogue variant and on a variant file, and replays as printed', async () => {
    const r = await cli(['check', '--scenario', JSON_FILE, '--variant', 'linux-3.10', '--format', 'json']);
    const j = JSON.parse(r.stdout);
    expect(j.scenario).toBe(JSON_FILE);
    const zc = join(dir, 'zc.ts');
    writeFileSync(zc, "import { defineVariant, linux45 } from 'nlring';\nexport default defineVariant({ base: linux45, id: 'zc', description: 'd', cites: 'c', knobs: { txMode: 'zero-copy' } });\n");
    const both = await cli(['check', '--scenario', JSON_FILE, '--variant', zc, '--format', 'json']);
    expect(JSON.parse(both.stdout).verdict).toBe(j.verdict);
    expect(JSON.parse(both.stdout).replay).toContain(`--variant ${zc} --scenario ${JSON_FILE}`);
    expect([0, 1]).toContain(r.code);
  });

  it('from TypeScript, exporting the scenario object, gives the same result as the same workload in JSON', async () => {
    const value = JSON.parse(readFileSync(join(ROOT, JSON_FILE), 'utf8'));
    const ts = join(dir, 'same.ts');
    writeFileSync(ts, `import type { ScenarioConfig } from 'nlring';\nconst sc = ${JSON.stringify(value)};\nexport default sc as unknown as ScenarioConfig;\n`);
    const a = JSON.parse((await cli(['check', '--scenario', JSON_FILE, '--format', 'json'])).stdout);
    const b = JSON.parse((await cli(['check', '--scenario', ts, '--format', 'json'])).stdout);
    expect({ ...b, scenario: '', seconds: 0, stats: undefined, replay: '' }).toEqual({ ...a, scenario: '', seconds: 0, stats: undefined, replay: '' });
    expect(b.states).toBeGreaterThan(1);
  });

  const bad: [string, string, string, RegExp][] = [
    ['a missing JSON file', 'none.json', '', /^nlring: .*none\.json: cannot read the scenario file: no such file\n$/],
    ['broken JSON', 'broken.json', '{ "id": ', /^nlring: .*broken\.json: invalid JSON: the text ends early/],
    ['a field of the wrong type', 'type.json', '', /^nlring: .*type\.json: msgLen must be/],
    ['a module that exports nothing usable', 'none.mjs', 'export const n = 1;', /^nlring: .*none\.mjs does not export a scenario/],
  ];
  for (const [what, name, text, expected] of bad) {
    it(`refuses ${what} in one line, exit 2`, async () => {
      const f = join(dir, name);
      if (name === 'type.json') writeFileSync(f, JSON.stringify({ ...JSON.parse(readFileSync(join(ROOT, JSON_FILE), 'utf8')), msgLen: 'long' }));
      else if (text !== '') writeFileSync(f, text);
      const r = await cli(['check', '--scenario', f]);
      expect(r.stderr).toMatch(expected);
      expect(r.stderr.split('\n').length).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.code).toBe(2);
    });
  }
});
