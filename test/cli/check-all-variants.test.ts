/** `check-all --variants A,B`: every scenario on each variant (files too), in one summary, variant-major. */
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { listScenarios } from '../../src/catalog.js';

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const cwd = process.cwd();
  process.chdir(new URL('../..', import.meta.url).pathname);
  try {
    const code = await run(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
  }
}

describe('check-all --variants', () => {
  it('runs every scenario on each variant in order, a file variant included, under one budget', async () => {
    const r = await cli(['check-all', '--variants', 'linux-3.10,./examples/patches/zero-copy-tx.ts', '--max-states', '3000']);
    const rows = r.stdout.split('\n').filter((l) => /^(PASS|FAIL|INCOMPLETE) /.test(l));
    const n = listScenarios().length;
    expect(rows).toHaveLength(2 * n);
    expect(rows.slice(0, n).every((l) => l.includes(' linux-3.10 '))).toBe(true);
    expect(rows.slice(n).every((l) => l.includes(' ./examples/patches/zero-copy-tx.ts '))).toBe(true);
    // linux-3.10 has B11 within 11 steps in every RX scenario: a budget of 3000 states does not hide it.
    expect(rows.find((l) => l.includes(' linux-3.10 ') && l.includes(' poll '))).toMatch(/^FAIL /);
    expect(r.code).toBe(1);
  });

  it('refuses --variant together with --variants, and an unknown variant before running anything', async () => {
    const both = await cli(['check-all', '--variant', 'linux-4.5', '--variants', 'linux-3.10']);
    expect(both).toEqual({ code: 2, stdout: '', stderr: 'nlring: check-all takes --variant V or --variants A,B, not both\n' });
    const bad = await cli(['check-all', '--variants', 'linux-3.10,linux-9']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^nlring: unknown variant 'linux-9' \(known: .*\)\n$/);
  });
});
