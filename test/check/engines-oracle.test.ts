/**
 * The frontier on disk and the parallel search against the recorded verdicts.
 * test/verdicts.test.ts holds the default bfs to test/verdicts.json and, on the
 * smaller entries, to the plain search of test/oracle/plain-bfs.ts (string keys,
 * nothing of src/check/). Here the same entries are run with the whole frontier
 * and the parent links in files (`--disk-queue`) and with two worker threads
 * (`--workers 2`), and each must give the recorded entry field for field: states,
 * transitions, depth, verdict, every violated invariant and its shortest length,
 * and the missed witnesses. So each is equal to the oracle wherever the oracle ran.
 */
import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { parallelBfs } from '../../src/check/parallel-bfs.js';
import { buildTarget } from '../../src/catalog.js';
import { entryOf, entryOptions, readVerdicts, type Entry } from '../oracle/verdicts.js';

/** The entries the plain search recomputes by default (at most 60,000 transitions; see verdicts.test.ts). */
const small = readVerdicts().entries.filter((e) => e.transitions <= 60_000);

/** For the parallel search, whose worker start-up costs more than a small search: the largest small entry of each scenario. */
function largestPerScenario(entries: readonly Entry[]): Entry[] {
  const by = new Map<string, Entry>();
  for (const e of entries) if ((by.get(e.scenario)?.transitions ?? -1) < e.transitions) by.set(e.scenario, e);
  return [...by.values()];
}

describe('the frontier and the parent links in files give the recorded entry', () => {
  it(`on all ${small.length} entries of at most 60,000 transitions (the plain search recomputes each)`, () => {
    const differ: string[] = [];
    for (const e of small) {
      const r = bfs(buildTarget(e.variant, e.scenario), { ...entryOptions(e.mode, e.maxStates), diskQueue: true });
      const got = entryOf(e.variant, e.scenario, e.mode, e.maxStates, r);
      if (JSON.stringify(got) !== JSON.stringify(e)) differ.push(`${e.variant} ${e.scenario}: ${JSON.stringify(got)}`);
    }
    expect(differ).toEqual([]);
    expect(small.length).toBeGreaterThan(150);
  }, 120_000);
});

describe('two worker threads give the recorded entry', () => {
  const chosen = largestPerScenario(small);
  it(`on the largest small entry of each of ${chosen.length} scenarios`, async () => {
    const differ: string[] = [];
    for (const e of chosen) {
      const r = await parallelBfs(buildTarget(e.variant, e.scenario), { ...entryOptions(e.mode, e.maxStates), workers: 2 });
      const got = entryOf(e.variant, e.scenario, e.mode, e.maxStates, r);
      if (JSON.stringify(got) !== JSON.stringify(e)) differ.push(`${e.variant} ${e.scenario}: ${JSON.stringify(got)}`);
    }
    expect(differ).toEqual([]);
    expect(chosen.length).toBeGreaterThan(25);
  }, 300_000);
});
