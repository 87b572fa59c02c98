/**
 * Results on stdout, progress on stderr (issue 11, CLI conventions): with progress
 * asked for at every chance, stdout of check and check-all is exactly the report
 * (what the formatter makes of the same runs), and every line on stderr is a
 * progress line; the other commands keep their results on stdout too.
 */
import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { formatText } from '../../src/report/text.js';
import { formatJson } from '../../src/report/json.js';
import { formatSummary } from '../../src/report/summary.js';
import { toyCatalog } from '../fixtures/toy-catalog.js';
import { runCli } from '../fixtures/cli.js';

function nlring(argv: string[]) {
  return runCli(argv, { catalog: async () => toyCatalog(), progressIntervalMs: 0 });
}

/** Wall times and rates are the only things two runs may differ in. */
const timeless = (s: string) =>
  s
    // JSON: a run's seconds may print as 0 or 0.001, and its rate follows from them.
    .replace(/"(seconds|statesPerSecond)": [0-9.e-]+/g, '"$1": T')
    // Memory figures vary between runs, and only the CLI sets a ceiling (always followed by statesPerSecond).
    .replace(/\n\s*"(peakRssBytes|peakHeldBytes|heldBytesPerState|memoryCeilingMiB)": [0-9.e+-]+,/g, '')
    .replace(/^memory: .*\n/gm, '')
    .replace(/\d+\.\d{3}s? ?/g, 'T ')
    .replace(/\d+ states\/s/g, 'R states/s');

/** Every stderr line is a progress line `nlring: <label>: <numbers>`, and there is at least one. */
function progressOnly(stderr: string): void {
  const lines = stderr.split('\n');
  expect(lines.pop()).toBe('');
  expect(lines.length).toBeGreaterThan(0);
  // bfs: "N states, ..."; simulate: "walk i/n, ..."; each ends with the seconds so far.
  for (const line of lines) expect(line).toMatch(/^nlring: [^:]+: (\d+ states|walk \d+\/\d+),[^\n]* \d+s$/);
}

describe('check and check-all: stdout is exactly the report', () => {
  it('check, text and JSON', async () => {
    const target = toyCatalog().buildTarget('toy-buggy', 'counters');
    const text = await nlring(['check', '--variant', 'toy-buggy', '--scenario', 'counters']);
    expect(text.code).toBe(1);
    expect(timeless(text.stdout)).toBe(timeless(formatText(bfs(target))));
    progressOnly(text.stderr);
    const json = await nlring(['check', '--variant', 'toy-buggy', '--scenario', 'counters', '--format', 'json']);
    expect(timeless(json.stdout)).toBe(timeless(formatJson(bfs(target))));
    progressOnly(json.stderr);
  });

  it('check-all', async () => {
    const catalog = toyCatalog();
    const r = await nlring(['check-all', '--variant', 'toy-buggy']);
    expect(r.code).toBe(1);
    const results = catalog.listScenarios().map((s) => bfs(catalog.buildTarget('toy-buggy', s.id)));
    expect(timeless(r.stdout)).toBe(timeless(formatSummary(results)));
    progressOnly(r.stderr);
  });
});

describe('every other command keeps progress off stdout', () => {
  it.each([
    [['list']],
    [['replay', '--variant', 'toy-buggy', '--scenario', 'counters', '--path', '0/0/0/1/1']],
    [['matrix', '--format', 'json']],
    [['diff', 'toy-good', 'toy-buggy', '--format', 'json']],
    [['check', '--scenario', 'counters', '--engine', 'simulate', '--walks', '50', '--format', 'json']],
  ])('%j', async (argv) => {
    const r = await nlring(argv);
    expect(r.stdout).not.toMatch(/^nlring: /m);
    if (argv.includes('json')) expect(() => JSON.parse(r.stdout)).not.toThrow();
    if (r.stderr !== '') progressOnly(r.stderr);
  });
});
