/**
 * --memory, --user-order and the scenario suffix (src/scenarios/memory.ts) on the command
 * line: what they name, and every misuse refused with one line on stderr and exit 2.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../fixtures/cli.js';

describe('bad memory-model input: one line, exit 2, nothing on stdout', () => {
  it.each([
    [['check', '--scenario', 'rx-publish', '--memory', 'arm'], '--memory must be one of sc, tso, weak, got \'arm\''],
    [['check', '--scenario', 'rx-publish', '--memory', 'weak', '--user-order', 'sloppy'], '--user-order must be one of ordered, plain, got \'sloppy\''],
    [['check', '--scenario', 'rx-publish', '--user-order', 'plain'], '--user-order needs --memory tso or weak (under sc every access is ordered)'],
    [['check', '--scenario', 'rx-publish+weak', '--memory', 'tso'], "scenario 'rx-publish+weak' already names a memory model; drop --memory / --user-order or the suffix"],
    [['check', '--scenario', 'rx-publish+arm'], "unknown memory model 'arm' in scenario 'rx-publish+arm' (known: sc, tso, weak, each optionally followed by -plain)"],
    [['check', '--scenario', 'rx-publish+sc-plain'], "scenario 'rx-publish+sc-plain': -plain only means something under tso or weak (under sc every access is ordered)"],
    [['check', '--scenario', 'rx-publish+weak', '--symmetry'], '--symmetry does not combine with --memory weak (rx-publish+weak): the symmetry reduction is for sequentially consistent states only'],
    [['check', '--scenario', 'rx-publish+weak', '--liveness'], 'linux-4.5/rx-publish+weak: --liveness checks sequentially consistent specs only, not --memory weak'],
  ])('%j', async (argv, message) => {
    expect(await runCli(argv)).toEqual({ code: 2, stdout: '', stderr: `nlring: ${message}\n` });
  });
});

describe('the flag and the suffix name the same run', () => {
  it('--memory weak on rx-publish is rx-publish+weak, and its reproduce line names the suffix', async () => {
    const a = await runCli(['check', '--variant', 'linux-3.10', '--scenario', 'rx-publish', '--memory', 'weak', '--property', 'PUBLISH-RX']);
    const b = await runCli(['check', '--variant', 'linux-3.10', '--scenario', 'rx-publish+weak', '--property', 'PUBLISH-RX']);
    expect([a.code, b.code]).toEqual([1, 1]);
    // The same run: the same counterexample, step for step (timings and memory figures aside).
    const trace = (out: string) => out.split('\n').filter((l) => !/^(FAIL|engine|memory:)/.test(l.trim()));
    expect(trace(a.stdout)).toEqual(trace(b.stdout));
    expect(a.stdout).toContain('replay: nlring replay --variant linux-3.10 --scenario rx-publish+weak --property PUBLISH-RX --path ');
  });
});
