import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { mergeReports, parseReport, type ShardReport } from '../../src/check/merge.js';
import type { CheckResult } from '../../src/check/result.js';
import { simulate, type SimulateOptions } from '../../src/check/simulate.js';
import { UsageError } from '../../src/errors.js';
import { formatJson } from '../../src/report/json.js';
import { formatText } from '../../src/report/text.js';
import { toyTarget } from '../fixtures/toy.js';

// The toy counters with a bug at (2, 1): most walks of a few steps pass through it, some do not.
const target = () => toyTarget({ bug: [2, 1] });
const correct = () => toyTarget({ bug: null });

function shard(t: ReturnType<typeof toyTarget>, index: number, count: number, o: Partial<SimulateOptions> = {}): CheckResult {
  return simulate(t, { seed: 4, walks: 60, depth: 6, shard: { index, count }, ...o });
}

const report = (file: string, r: CheckResult): ShardReport => parseReport(file, formatJson(r));

function usageError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseReport', () => {
  it('reads back what formatJson wrote', () => {
    const r = shard(target(), 1, 3);
    const back = report('a.json', r).result;
    expect(back).toMatchObject({
      verdict: r.verdict,
      variant: r.variant,
      seed: 4,
      origin: r.origin,
      states: r.states,
      simulation: r.simulation,
      witnesses: r.witnesses,
      replay: r.replay,
    });
    expect(back.violation).toMatchObject({ property: r.violation!.property, path: r.violation!.path, steps: r.violation!.steps });
  });

  it.each([
    ['{', /^bad\.json: not valid JSON/],
    ['[]', /^bad\.json is not an nlring simulate report: not a JSON object/],
    ['{"engine": "simulate"}', /^bad\.json is not an nlring simulate report: missing or invalid 'verdict'/],
    ['{"engine": "simulate", "verdict": "incomplete", "simulation": {"prng": "x", "walks": 1}}', /missing or invalid 'simulation\.depth'/],
  ])('names the file of an invalid report %j', (text, message) => {
    expect(usageError(() => parseReport('bad.json', text))).toMatch(message);
  });

  it('refuses a bfs report', () => {
    expect(usageError(() => parseReport('b.json', formatJson(bfs(correct()))))).toBe('b.json is a bfs report; only simulate reports can be merged');
  });
});

describe('mergeReports', () => {
  it('keeps the violation of the lowest failing walk and sums the counts', () => {
    const parts = [0, 1, 2].map((i) => shard(target(), i, 3));
    const failing = parts.filter((p) => p.verdict === 'fail');
    expect(failing.length).toBeGreaterThan(1);
    const lowest = Math.min(...failing.map((p) => p.origin!.walk!));
    // Merge in a scrambled order: the result must not depend on it.
    const m = mergeReports([report('c', parts[2]), report('a', parts[0]), report('b', parts[1])]);
    expect(m.verdict).toBe('fail');
    expect(m.origin).toEqual({ seed: 4, walk: lowest });
    expect(m.origin).toEqual(simulate(target(), { seed: 4, walks: 60, depth: 6 }).origin);
    expect(m.stats!.steps).toBe(parts.reduce((t, p) => t + p.stats!.steps!, 0));
    expect(m.stats!.walks).toBe(parts.reduce((t, p) => t + p.stats!.walks!, 0));
    expect(m.merged).toEqual({ shards: [0, 1, 2], count: 3, allPresent: true });
    expect(m.simulation).toEqual({ prng: 'seedrandom/alea', walks: 60, depth: 6 });
  });

  it('is incomplete when no shard failed, ORs the witnesses and says which shards are missing', () => {
    const t = toyTarget({ bug: null, witnesses: ['x-max', 'y-max'] });
    const parts = [0, 2].map((i) => shard(t, i, 3, { walks: 6, depth: 5 }));
    const m = mergeReports(parts.map((p, i) => report(`s${i}`, p)));
    expect(m.verdict).toBe('incomplete');
    expect(m.merged).toEqual({ shards: [0, 2], count: 3, allPresent: false });
    for (const [i, w] of m.witnesses.entries()) expect(w.reached).toBe(parts.some((p) => p.witnesses[i].reached));
    expect(formatText(m)).toContain('merged: shards 0, 2 of 3 (missing 1: their walks were not run)');
    expect(m.replay).toBe('nlring check --engine simulate --variant toy-v1 --scenario counters --seed 4 --walks 6 --depth 5');
  });

  it('merges a single unsharded report into itself', () => {
    const whole = simulate(target(), { seed: 4, walks: 60, depth: 6 });
    const m = mergeReports([report('w', whole)]);
    expect(m).toMatchObject({ verdict: whole.verdict, origin: whole.origin, merged: { shards: [0], count: 1, allPresent: true } });
  });

  it.each<[string, Partial<SimulateOptions>, RegExp]>([
    ['seeds', { seed: 5 }, /^cannot merge b\.json with a\.json: seed 5 differs from 4 \(not shards of one run\)$/],
    ['walks', { walks: 61 }, /walks 61 differs from 60/],
    ['depths', { depth: 7 }, /depth 7 differs from 6/],
  ])('refuses different %s', (_what, o, message) => {
    const a = report('a.json', shard(target(), 0, 3));
    const b = report('b.json', shard(target(), 1, 3, o));
    expect(usageError(() => mergeReports([a, b]))).toMatch(message);
  });

  it('refuses different shard counts, scenarios and variants', () => {
    const a = report('a.json', shard(target(), 0, 3));
    expect(usageError(() => mergeReports([a, report('b.json', shard(target(), 1, 4))]))).toMatch(/shard count 4 differs from 3/);
    expect(usageError(() => mergeReports([a, report('b.json', { ...shard(target(), 1, 3), scenario: 'other' })]))).toMatch(/scenario other differs from counters/);
    expect(usageError(() => mergeReports([a, report('b.json', { ...shard(target(), 1, 3), variant: 'v2' })]))).toMatch(/variant v2 differs from toy-v1/);
  });

  it('refuses the same shard twice', () => {
    const a = report('a.json', shard(target(), 1, 3));
    const b = report('b.json', shard(target(), 1, 3));
    expect(usageError(() => mergeReports([a, b]))).toBe('cannot merge: a.json and b.json are both shard 1/3');
  });

  it('refuses a failing walk that is not in its shard', () => {
    const r = shard(target(), 1, 3);
    expect(r.verdict).toBe('fail');
    const forged = report('f.json', { ...r, origin: { seed: 4, walk: r.origin!.walk! + 1 } });
    expect(usageError(() => mergeReports([forged]))).toMatch(/^f\.json: failing walk \d+ does not belong to shard 1\/3$/);
  });

  it('refuses nothing to merge', () => {
    expect(usageError(() => mergeReports([]))).toMatch(/at least one report/);
  });
});
