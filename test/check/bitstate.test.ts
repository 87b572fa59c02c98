/**
 * Bitstate mode (SPIN's supertrace, issue 12): the bit array never forgets a state it
 * stored, takes unseen states for seen at about the rate Bloom's formula predicts, and
 * bfs with it finds the violations exact bfs finds (real ones: they replay) but never
 * says PASS.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { BitstateSet, bitIndices, hashFactor, omissionEstimate } from '../../src/check/bitstate.js';
import { replay } from '../../src/check/replay.js';
import { buildTarget } from '../../src/catalog.js';
import { formatText } from '../../src/report/text.js';
import { toyTarget } from '../fixtures/toy.js';
import { runCli } from '../fixtures/cli.js';
import { toyCatalog } from '../fixtures/toy-catalog.js';

/** A fixed stream of well-spread 32-bit words (xorshift32), so the tests do not depend on Math.random. */
function words(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}

describe('BitstateSet', () => {
  it('never forgets a stored fingerprint, and takes fresh ones for seen at the rate Bloom\'s formula gives', () => {
    const set = new BitstateSet(16, 3);
    const next = words(7);
    const stored: [number, number][] = [];
    for (let i = 0; i < 10_000; i++) {
      const fp: [number, number] = [next(), next()];
      stored.push(fp);
      const at = set.find(fp[0], fp[1]);
      if (at >= 0) set.addAt(at, fp[0], fp[1]);
    }
    for (const [hi, lo] of stored) expect(set.find(hi, lo)).toBe(-1);
    expect(set.bytes).toBe(2 ** 16 / 8);
    let falseHits = 0;
    const probes = 20_000;
    for (let i = 0; i < probes; i++) if (set.find(next(), next()) < 0) falseHits++;
    // About (1 - e^(-3 * 10000 / 65536))^3 = 0.0496 of the fresh fingerprints find their 3 bits set.
    const predicted = (1 - Math.exp((-3 * set.size) / 2 ** 16)) ** 3;
    expect(set.size).toBeGreaterThan(9_000);
    expect(falseHits / probes).toBeGreaterThan(predicted * 0.7);
    expect(falseHits / probes).toBeLessThan(predicted * 1.3);
  });

  it('sets k distinct bits per state, within the array, also beyond 32 bits (from both halves of the fingerprint)', () => {
    const next = words(11);
    const out: number[] = [];
    let high = 0;
    for (const bits of [16, 32, 33, 36]) {
      for (let i = 0; i < 2000; i++) {
        const hi = next();
        const lo = next();
        bitIndices(bits, 3, hi, lo, out);
        expect(new Set(out).size).toBe(3);
        for (const x of out) {
          expect(Number.isInteger(x) && x >= 0 && x < 2 ** bits).toBe(true);
          if (x >= 2 ** 32) high++;
        }
        // The indices depend on both halves: changing hi alone moves them (bit 1 of hi is in h2 at every size).
        const again: number[] = [];
        bitIndices(bits, 3, hi ^ 0x2, lo, again);
        expect(again).not.toEqual(out);
      }
    }
    // With 33 and 36 bits most indices lie above 2^32: the array's upper part is used.
    expect(high).toBeGreaterThan(4000);
  });

  it('refuses sizes it cannot hold', () => {
    expect(() => new BitstateSet(4)).toThrow(RangeError);
    expect(() => new BitstateSet(37)).toThrow(RangeError);
    expect(() => new BitstateSet(20.5)).toThrow(RangeError);
  });
});

describe('SPIN\'s figures', () => {
  it('hash factor is bits per stored state', () => {
    expect(hashFactor(27, 63_575_919)).toBeCloseTo(2.11114, 4); // as SPIN printed it for -w27 and those states
    expect(hashFactor(20, 0)).toBe(2 ** 20);
  });

  it('the omission estimate agrees with the sum it approximates, and falls as the array grows', () => {
    // The expected number lost, summed state by state: the r-th new state finds its k bits set
    // with probability (1 - (1 - 1/m)^(k r))^k.
    for (const [bits, n] of [[12, 3000], [14, 3000], [16, 20000], [10, 200]] as const) {
      const m = 2 ** bits;
      let lost = 0;
      for (let r = 0; r < n; r++) lost += (1 - (1 - 1 / m) ** (3 * r)) ** 3;
      const exact = lost / (n + lost);
      expect(omissionEstimate(bits, 3, n)).toBeGreaterThan(exact * 0.97);
      expect(omissionEstimate(bits, 3, n)).toBeLessThan(exact * 1.03);
    }
    const e = [16, 20, 24, 28].map((b) => omissionEstimate(b, 3, 100_000));
    for (let i = 1; i < e.length; i++) expect(e[i]).toBeLessThan(e[i - 1]);
    // SPIN's rule of thumb, a hash factor above 100, leaves a tiny share missed with k = 3.
    expect(omissionEstimate(24, 3, 2 ** 24 / 128)).toBeLessThan(1e-5);
    expect(omissionEstimate(20, 3, 0)).toBe(0);
  });
});

describe('bfs with a bit array', () => {
  it('finds the violation exact bfs finds, and it replays; where exact bfs passes it is INCOMPLETE, never PASS', () => {
    for (const [variant, scenario] of [['linux-3.10', 'tx-sibling'], ['linux-4.5', 'skip-hold'], ['linux-4.5', 'tx-sibling'], ['linux-4.5', 'fork-mmap']] as const) {
      const target = buildTarget(variant, scenario);
      const exact = bfs(target);
      const bits = bfs(target, { bitstate: 24 });
      if (exact.verdict === 'fail') {
        expect(bits.verdict, `${variant} ${scenario}`).toBe('fail');
        expect(bits.violation?.property).toBe(exact.violation?.property);
        expect(bits.violation?.path).toBe(exact.violation?.path);
        expect(replay(target, bits.violation!.path).violation?.property).toBe(exact.violation?.property);
        expect(bits.stats?.stoppedBy).toBeUndefined();
      } else {
        expect(exact.verdict, `${variant} ${scenario}`).toBe('pass');
        expect(bits.verdict).toBe('incomplete');
        expect(bits.complete).toBe(false);
        expect(bits.stats?.stoppedBy).toBe('bitstate');
        // 2^24 bits for a few thousand states: nothing lost, the same space.
        expect(bits.states).toBe(exact.states);
        expect(bits.replay).toBe(`nlring check --variant ${variant} --scenario ${scenario} --bitstate 24`);
        expect(formatText(bits)).toContain(`incomplete: bitstate hashing may have missed states after ${bits.states} distinct states`);
      }
      expect(bits.stats?.bitstate).toMatchObject({ bits: 24, hashFunctions: 3 });
      expect(bits.stats?.bitstate?.hashFactor).toBeCloseTo(2 ** 24 / bits.states, 6);
      expect(exact.stats?.bitstate).toBeUndefined();
    }
  });

  it('a bit array too small for the space loses states, and says so', () => {
    // fork-mmap on linux-4.5: 1125 states, in 2^10 bits.
    const target = buildTarget('linux-4.5', 'fork-mmap');
    const exact = bfs(target);
    const tiny = bfs(target, { bitstate: 10 });
    expect(tiny.states).toBeLessThan(exact.states * 0.9);
    expect(tiny.stats?.bitstate?.omissionEstimate).toBeGreaterThan(0.1);
    expect(tiny.stats?.bitstate?.hashFactor).toBeCloseTo(2 ** 10 / tiny.states, 6);
    expect(formatText(tiny)).toMatch(/^bitstate: 2\^10 bits \(128 B\), 3 bits per state, hash factor \d\.\d \(SPIN: best if > 100\); estimated \d\.\de-1 of the new states met were taken for seen and not explored$/m);
    expect(formatText(tiny)).toMatch(/^memory: .* bit array \+ parent links [0-9.]+ bytes\/state/m);
  });

  it('a witness it did not reach is INCOMPLETE, not a vacuous FAIL: the state may have been dropped', () => {
    const target = toyTarget({ bug: null, witnesses: ['never'] });
    expect(bfs(target).verdict).toBe('fail');
    const r = bfs(target, { bitstate: 16 });
    expect([r.verdict, r.stats?.stoppedBy]).toEqual(['incomplete', 'bitstate']);
  });

  it('with --all-violations reports every violated invariant exact bfs reports, and the run is not complete', () => {
    // copy-hold on linux-3.10: 54790 states, 9 violated invariants; 2^24 bits is a hash factor of about 300.
    const target = buildTarget('linux-3.10', 'copy-hold');
    const exact = bfs(target, { allViolations: true });
    const bits = bfs(target, { allViolations: true, bitstate: 24 });
    expect(bits.violations?.map((v) => [v.property, v.path])).toEqual(exact.violations?.map((v) => [v.property, v.path]));
    expect(exact.violations!.length).toBeGreaterThan(1);
    expect(bits.complete).toBe(false);
    expect(bits.stats?.stoppedBy).toBe('bitstate');
    expect(formatText(bits)).toContain(`bitstate search: ${bits.states} distinct states stored, but states the bit array took for seen were not explored;`);
    expect(formatText(bits)).not.toContain('exploration stopped');
  });
});

describe('nlring check --bitstate', () => {
  const nlring = (argv: string[]) => runCli(argv, { catalog: async () => toyCatalog() });

  it.each([
    [['--bitstate', '15'], 'nlring: --bitstate must be from 16 to 36 (a bit array of 2^BITS bits, 8 KiB to 8 GiB), got 15\n'],
    [['--bitstate', '37'], 'nlring: --bitstate must be from 16 to 36 (a bit array of 2^BITS bits, 8 KiB to 8 GiB), got 37\n'],
    [['--bitstate', 'x'], "nlring: --bitstate must be a positive integer, got 'x'\n"],
    [['--bitstate', '0'], "nlring: --bitstate must be a positive integer, got '0'\n"],
    [['--bitstate', '30', '--max-memory', '128'], 'nlring: --bitstate 30 needs a 128 MiB bit array, not below the memory ceiling of 128 MiB (--max-memory)\n'],
    [['--bitstate', '20', '--engine', 'simulate'], 'nlring: --bitstate does not apply to --engine simulate (only to bfs)\n'],
  ])('refuses %j with one line, exit 2', async (flags, message) => {
    for (const command of ['check', 'check-all']) {
      const r = await nlring([command, '--variant', 'toy-good', ...(command === 'check' ? ['--scenario', 'counters'] : []), ...flags]);
      expect([r.code, r.stderr, r.stdout]).toEqual([2, message, '']);
    }
  });

  it('refuses it with --liveness', async () => {
    const r = await nlring(['check', '--scenario', 'counters', '--bitstate', '20', '--liveness']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nlring: --bitstate does not apply to --liveness[^\n]*\n$/);
  });

  it('exits 3 where exact bfs exits 0, exits 1 on the same violation, and its replay line repeats the flag', async () => {
    const exact = await nlring(['check', '--variant', 'toy-good', '--scenario', 'counters']);
    const bits = await nlring(['check', '--variant', 'toy-good', '--scenario', 'counters', '--bitstate', '20', '--format', 'json']);
    expect([exact.code, bits.code]).toEqual([0, 3]);
    const j = JSON.parse(bits.stdout);
    expect(j).toMatchObject({ verdict: 'incomplete', complete: false, replay: 'nlring check --variant toy-good --scenario counters --bitstate 20' });
    expect(j.stats.stoppedBy).toBe('bitstate');
    expect(Object.keys(j.stats.bitstate)).toEqual(['bits', 'hashFunctions', 'hashFactor', 'omissionEstimate']);
    const buggy = await nlring(['check', '--variant', 'toy-buggy', '--scenario', 'counters', '--bitstate', '16']);
    const buggyExact = await nlring(['check', '--variant', 'toy-buggy', '--scenario', 'counters']);
    expect(buggy.code).toBe(1);
    const replayLine = (s: string) => s.trimEnd().split('\n').at(-1);
    expect(replayLine(buggy.stdout)).toBe(replayLine(buggyExact.stdout));
    const all = await nlring(['check-all', '--variant', 'toy-good', '--bitstate', '20']);
    expect(all.code).toBe(3);
    expect(all.stdout).toMatch(/^INCOMPLETE\s+toy-good\s+counters\s.*bitstate hashing may have missed states$/m);
  });

  it('reaches the worker thread the built command runs bfs in', () => {
    const bin = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [bin, 'check', '--variant', 'linux-4.5', '--scenario', 'fork-mmap', '--bitstate', '20', '--format', 'json'], { encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([3, '']);
    const j = JSON.parse(r.stdout);
    expect([j.verdict, j.stats.stoppedBy, j.stats.bitstate.bits]).toEqual(['incomplete', 'bitstate', 20]);
    expect(j.replay).toBe('nlring check --variant linux-4.5 --scenario fork-mmap --bitstate 20');
  });
});
