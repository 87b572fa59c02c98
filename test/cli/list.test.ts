/** `nlring list`: each variant's knobs and patches; `nlring list --steps`: every label an override can name. */
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { KNOB_VALUES } from '../../src/model/variant.js';
import { stepAt } from '../../src/model/step.js';

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

describe('nlring list', () => {
  it('shows every knob of every variant with a value the knob can take, and the base of derived ones', async () => {
    const r = await cli(['list', '--format', 'json']);
    expect(r.code).toBe(0);
    const { variants } = JSON.parse(r.stdout) as { variants: { id: string; base?: string; knobs: Record<string, unknown>; overrides: unknown[] }[] };
    for (const v of variants) {
      expect(Object.keys(v.knobs).sort()).toEqual(Object.keys(KNOB_VALUES).sort());
      for (const [k, x] of Object.entries(v.knobs)) expect((KNOB_VALUES as Record<string, readonly unknown[]>)[k]).toContain(x);
      expect(Array.isArray(v.overrides)).toBe(true);
    }
    expect(variants.find((v) => v.id === 'linux-4.5-ordered')?.base).toBe('linux-4.5');
    const text = await cli(['list']);
    expect(text.stdout).toMatch(/linux-4\.1 .*\n\s+based on linux-3\.18\.4\n\s+knobs: forwardRing=start-position .*ringPathTest=iter-type-eq dumpAlloc=autosize-trim\n/);
  });

  it('--steps lists each step label with who runs it and its citation, then the continuations', async () => {
    const r = await cli(['list', '--steps']);
    expect(r.code).toBe(0);
    const claim = stepAt('send.copy-claim');
    const line = r.stdout.split('\n').find((l) => l.trim().startsWith('send.copy-claim '));
    expect(line?.trim().split(/\s{2,}/)).toEqual(['send.copy-claim', 'kernel', claim.cites]);
    expect(r.stdout).toMatch(/continuations .*\n(.*\n)*  send\.attach\n/);
    const j = JSON.parse((await cli(['list', '--steps', '--format', 'json'])).stdout) as { steps: { label: string; kind: string }[] };
    expect(j.steps.find((s) => s.label === 'send.copy-mark')?.kind).toBe('step');
    expect(j.steps.find((s) => s.label === 'send.attach')?.kind).toBe('continuation');
    expect(j.steps.some((s) => s.label === 'done')).toBe(false);
  });
});
