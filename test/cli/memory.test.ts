/**
 * Honest memory figures (issue 12): the default ceiling comes from physical memory,
 * not the V8 heap, and every bfs report states the ceiling, the process's peak RSS and
 * what the run held per state, beside the old figure named for what it counts.
 */
import { totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { defaultMemoryCeilingMiB, memoryCeilingMiB } from '../../src/cli/io.js';
import { USAGE } from '../../src/cli/run.js';
import { buildTarget } from '../../src/catalog.js';
import { formatText } from '../../src/report/text.js';
import { formatSummary } from '../../src/report/summary.js';
import { runCli } from '../fixtures/cli.js';
import { toyCatalog } from '../fixtures/toy-catalog.js';

const nlring = (argv: string[]) => runCli(argv, { catalog: async () => toyCatalog() });

describe('the default memory ceiling', () => {
  it('is 75% of physical memory, in MiB', () => {
    expect(memoryCeilingMiB(24 * 2 ** 30)).toBe(18432);
    expect(memoryCeilingMiB(2 ** 30)).toBe(768);
    expect(memoryCeilingMiB(1000 * 2 ** 20 + 5)).toBe(750);
    expect(defaultMemoryCeilingMiB()).toBe(memoryCeilingMiB(totalmem()));
  });

  it('is what check runs under unless --max-memory says otherwise, and the reports say which', async () => {
    const j = JSON.parse((await nlring(['check', '--scenario', 'counters', '--format', 'json'])).stdout);
    expect(j.stats.memoryCeilingMiB).toBe(memoryCeilingMiB(totalmem()));
    const given = JSON.parse((await nlring(['check', '--scenario', 'counters', '--max-memory', '777', '--format', 'json'])).stdout);
    expect(given.stats.memoryCeilingMiB).toBe(777);
    const text = await nlring(['check', '--scenario', 'counters', '--max-memory', '777']);
    expect(text.stdout).toMatch(/^memory: .*, ceiling 777 MiB$/m);
    expect(USAGE).toContain("(default: 75% of the machine's physical memory;");
  });
});

describe('memory figures in the reports', () => {
  it('JSON: peak RSS, the most the run held and per state, the ceiling, before the rate', async () => {
    const j = JSON.parse((await nlring(['check', '--scenario', 'counters', '--format', 'json'])).stdout);
    expect(Object.keys(j.stats)).toEqual(['hash', 'collisionProbability', 'bytesPerState', 'peakRssBytes', 'peakHeldBytes', 'heldBytesPerState', 'memoryCeilingMiB', 'statesPerSecond']);
    // The process's peak is at least what it holds now, and more than the run's own arrays.
    expect(j.stats.peakRssBytes).toBeGreaterThanOrEqual(process.memoryUsage().rss * 0.5);
    expect(j.stats.peakHeldBytes).toBeGreaterThan(j.stats.bytesPerState * j.states);
    expect(j.stats.heldBytesPerState).toBeCloseTo(j.stats.peakHeldBytes / j.states, 0);
  });

  it('the run held counts its frontier: spilling it to disk lowers the figure by the widest level\'s state vectors', () => {
    const target = buildTarget('reference', 'rx-basic');
    const inMemory = bfs(target, { maxStates: 300_000 });
    const onDisk = bfs(target, { maxStates: 300_000, diskQueue: true });
    const widest = Math.max(...inMemory.stateSpace!.depths);
    expect(widest).toBeGreaterThan(20_000);
    // A state vector of rx-basic is a few hundred bytes; the disk queue keeps two chunks per level in memory.
    expect(inMemory.stats!.peakHeldBytes! - onDisk.stats!.peakHeldBytes!).toBeGreaterThan(widest * 100);
    expect(inMemory.stats!.heldBytesPerState!).toBeGreaterThan(inMemory.stats!.bytesPerState * 3);
    expect(onDisk.stats!.bytesPerState).toBe(inMemory.stats!.bytesPerState);
  }, 60_000);

  it('text: one memory line that says what each figure counts; the summary says it once for all runs', () => {
    const r = bfs(buildTarget('linux-4.5', 'tx-sibling'), { maxMemoryMiB: 4096 });
    const line = formatText(r).split('\n').find((l) => l.startsWith('memory: '));
    expect(line).toMatch(
      /^memory: peak RSS \d+\.\d MiB \(whole process\), run held at most \d+\.\d MiB = [0-9.]+ bytes\/state \(its arrays incl\. frontier, plus JS heap\), fingerprint table \+ parent links [0-9.]+ bytes\/state, ceiling 4096 MiB$/,
    );
    expect(formatText(r)).not.toMatch(/engine: .*bytes\/state/);
    const other = bfs(buildTarget('linux-4.5', 'fork-mmap'), { maxMemoryMiB: 4096 });
    const summary = formatSummary([r, other]).trimEnd().split('\n');
    expect(summary.at(-1)).toMatch(/^memory: peak RSS \d+\.\d MiB \(whole process\), most held by one run \d+\.\d MiB \(linux-4\.5 (tx-sibling|fork-mmap), [0-9.]+ bytes\/state\), ceiling 4096 MiB$/);
    expect(formatText(bfs(buildTarget('linux-4.5', 'tx-sibling')))).toMatch(/, no ceiling$/m);
  });
});
