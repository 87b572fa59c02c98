/**
 * "did you mean ...?" for misspelt commands, flags, variants, scenarios, property
 * ids and bug ids (src/ci/suggest.ts, used by src/cli/run.ts and src/catalog.ts),
 * with the real catalogue: one line on stderr, nothing on stdout, exit 2; and no
 * guess when nothing is close.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../fixtures/cli.js';

function nlring(argv: string[]) {
  return runCli(argv);
}

describe('a misspelt name gets one suggestion, on one line, exit 2', () => {
  it.each([
    [['chek', '--scenario', 'rx-basic'], "unknown command 'chek'; did you mean check?"],
    [['check', '--variant', 'linux-45', '--scenario', 'rx-basic'], "unknown variant 'linux-45'; did you mean linux-4.5?"],
    [['check', '--variant', 'LINUX-3.10', '--scenario', 'rx-basic'], "unknown variant 'LINUX-3.10'; did you mean linux-3.10?"],
    [['check', '--scenario', 'rx-basci'], "unknown scenario 'rx-basci'; did you mean rx-basic?"],
    [['check', '--scenario', 'skip-hodl@ulogd2'], "unknown scenario 'skip-hodl'; did you mean skip-hold?"],
    [['check', '--scenario', 'rx-basic', '--max-state', '5'], 'unknown flag --max-state for check; did you mean --max-states?'],
    [['check', '--scenario', 'skip-hold', '--property', 'SKIP-PROGRES'], "unknown property 'SKIP-PROGRES'; did you mean SKIP-PROGRESS?"],
    [['replay', '--scenario', 'skip-hold', '--property', 'POLL-IN-AT-CURSR', '--path', ''], "unknown property 'POLL-IN-AT-CURSR'; did you mean POLL-IN-AT-CURSOR?"],
    [['check-all', '--variants', 'linux-4.5,linux-3.1'], "unknown variant 'linux-3.1'; did you mean linux-3.10?"],
    [['matrix', '--scenarios', 'skip-hodl'], "unknown scenario 'skip-hodl'; did you mean skip-hold?"],
    [['bugs', 'B3c'], "unknown bug 'B3c'; did you mean B3a?"],
  ])('%j', async (argv, message) => {
    const r = await nlring(argv);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `nlring: ${message}\n` });
  });
});

describe('nothing close: no guess, the known names as before', () => {
  it.each([
    [['frobnicate'], "nlring: unknown command 'frobnicate' (try nlring --help)\n"],
    [['check', '--scenario', 'rx-basic', '--frob', 'x'], 'nlring: unknown flag --frob for check\n'],
  ])('%j', async (argv, stderr) => {
    expect(await nlring(argv)).toEqual({ code: 2, stdout: '', stderr });
  });

  it.each([
    [['check', '--variant', 'windows-95', '--scenario', 'rx-basic'], /^nlring: unknown variant 'windows-95' \(known: linux-3\.10, .*\)\n$/],
    [['check', '--scenario', 'nothing-like-it'], /^nlring: unknown scenario 'nothing-like-it' \(known: rx-basic, .*\)\n$/],
    [['check', '--scenario', 'skip-hold', '--property', 'ZZZ'], /^nlring: unknown property 'ZZZ' \(scenario skip-hold checks: .*\)\n$/],
  ])('%j', async (argv, stderr) => {
    const r = await nlring(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(stderr);
  });
});
