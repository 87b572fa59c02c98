/**
 * The SPIN anchor spec (bench/anchor/rxring.ts) must be the same transition
 * system as SPIN's pan for bench/anchor/rxring.pml, or the side-by-side
 * benchmark compares different things. The expected counts are SPIN's, measured
 * on this project's machine with SPIN 6.5.2 (Debian package `spin`):
 *
 *   spin -DF=<F> -DK=<K> -DM=<M> -a bench/anchor/rxring.pml
 *   gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -m100000
 *
 * reading pan's "states, stored" (statement merging on, SPIN's default; no
 * partial-order reduction), and with `spin -o3 -a` for the spec without merging. They are written here, not computed, so that the
 * test runs where SPIN is absent; where SPIN and gcc are present, the last test
 * runs pan itself. (K=3 M=2 gives 1,555,395 states in both, measured by the
 * benchmark, too slow for a unit test.)
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { bfs } from '../src/check/bfs.js';
import { UsageError } from '../src/errors.js';
import { accountedProperty, anchorSpec, anchorTarget } from '../bench/anchor/rxring.js';
import { buildPan, hashBitsFor, runPan } from '../bench/anchor/spin.js';
import { beginMarker, endMarker, parseKm, spliceSection } from '../bench/anchor/section.js';

/** [F, K, M, SPIN's states stored]. */
const SPIN_COUNTS: [number, number, number, number][] = [
  [4, 2, 1, 279],
  [4, 2, 2, 4455],
  [4, 3, 1, 5171],
  [3, 2, 2, 10629],
  [2, 3, 1, 11339],
  [5, 2, 2, 4119],
];

const hasSpin = ['spin', 'gcc'].every((c) => {
  const r = spawnSync(c, [c === 'spin' ? '-V' : '--version'], { encoding: 'utf8' });
  return r.error === undefined && r.status === 0;
});

describe('SPIN anchor spec', () => {
  for (const [f, k, m, states] of SPIN_COUNTS) {
    it(`stores SPIN's ${states} states for F=${f} K=${k} M=${m}, and the invariant holds`, () => {
      const r = bfs(anchorTarget({ frames: f, senders: k, messages: m }));
      expect(r.states).toBe(states);
      expect(r.verdict).toBe('pass');
      expect(r.complete).toBe(true);
    });
  }

  /** [F, K, M, states stored by pan from `spin -o3 -a` (statement merging off), -DNOREDUCE]. */
  const UNMERGED: [number, number, number, number][] = [
    [4, 2, 1, 459],
    [4, 2, 2, 7973],
    [4, 3, 1, 11865],
    [3, 2, 2, 18812],
  ];
  for (const [f, k, m, states] of UNMERGED) {
    it(`without statement merging stores spin -o3's ${states} states for F=${f} K=${k} M=${m}`, () => {
      expect(bfs(anchorTarget({ frames: f, senders: k, messages: m, merging: false })).states).toBe(states);
    });
  }

  it('finds a violation of a bound one too small: the invariant is judged', () => {
    const p = { frames: 4, senders: 2, messages: 1 };
    const r = bfs({ ...anchorTarget(p), invariants: [accountedProperty(p, 1)] });
    expect(r.verdict).toBe('fail');
    expect(r.violation?.property).toBe('ANCHOR-ACCOUNTED');
    // Two messages can be read only after init started the senders and each published one.
    expect(r.violation?.steps[0]).toBe('init: start 2 senders');
  });

  it('next agrees with the in-place step, and the encodings round-trip, in every reachable state', () => {
    const spec = anchorSpec({ frames: 3, senders: 2, messages: 1 });
    const ip = spec.inPlace!;
    let frontier = [spec.init()];
    const seen = new Set<string>([spec.encode(spec.init())]);
    while (frontier.length > 0) {
      const next = [];
      for (const s of frontier) {
        for (const a of spec.actions(s)) {
          const t = spec.next(s, a);
          const x = ip.scratch();
          ip.copy(x, s);
          ip.apply(x, a);
          expect(Array.from(ip.units(x))).toEqual(Array.from(spec.encodeUnits!(t)));
          const y = ip.scratch();
          ip.load(y, spec.encodeUnits!(t));
          expect(spec.encode(y)).toBe(spec.encode(t));
          expect(spec.encode(spec.decode!(spec.encode(t)))).toBe(spec.encode(t));
          expect(spec.describe(s, a)).toMatch(/^(init|reader|sender\d): /);
          const key = spec.encode(t);
          if (!seen.has(key)) {
            seen.add(key);
            next.push(t);
          }
        }
      }
      frontier = next;
    }
    expect(bfs(anchorTarget({ frames: 3, senders: 2, messages: 1 })).states).toBe(seen.size);
  });

  it('refuses parameters a byte cannot hold, and malformed workloads', () => {
    expect(() => anchorSpec({ frames: 0, senders: 2, messages: 1 })).toThrow(UsageError);
    expect(() => anchorSpec({ frames: 4, senders: 16, messages: 1 })).toThrow(UsageError);
    expect(() => anchorSpec({ frames: 4, senders: 2, messages: 1.5 })).toThrow(UsageError);
    expect(parseKm('3x3')).toEqual({ frames: 4, senders: 3, messages: 3 });
    expect(() => parseKm('3*3')).toThrow(UsageError);
    expect(() => parseKm('0x3')).toThrow(UsageError);
  });

  it("sizes pan's hash table: its default 2^24 slots up to 16 M states, a slot per state beyond", () => {
    expect(hashBitsFor(1_555_395)).toBe(24);
    expect(hashBitsFor(2 ** 24)).toBe(24);
    expect(hashBitsFor(2 ** 24 + 1)).toBe(25);
    expect(hashBitsFor(128_302_981)).toBe(27);
  });

  it('replaces the marked section of RESULTS.md, or appends it', () => {
    const [b, e] = [beginMarker('3x2'), endMarker('3x2')];
    const text = `# Benchmarks\n\nbefore\n\n${b}\nold\n${e}\n\nafter\n`;
    expect(spliceSection(text, '3x2', [b, 'new', e])).toBe(`# Benchmarks\n\nbefore\n\n${b}\nnew\n${e}\n\nafter\n`);
    expect(spliceSection('# Benchmarks\n', '3x2', [b, 'new', e])).toBe(`# Benchmarks\n\n${b}\nnew\n${e}\n`);
    // Another workload's section is left alone, and this one is appended after it.
    const other = `# Benchmarks\n\n${beginMarker('3x3')}\nbig\n${endMarker('3x3')}\n`;
    expect(spliceSection(other, '3x2', [b, 'new', e])).toBe(`${other}\n${b}\nnew\n${e}\n`);
  });

  it.skipIf(!hasSpin)('SPIN itself stores as many states as bfs (F=3 K=2 M=2), and fewer with its reduction', () => {
    const p = { frames: 3, senders: 2, messages: 2 };
    const pan = buildPan(p);
    try {
      const off = runPan(pan.bin(false), false);
      const on = runPan(pan.bin(true), false);
      expect(off.errors).toBe(0);
      expect(off.states).toBe(bfs(anchorTarget(p)).states);
      expect(on.states).toBeLessThan(off.states);
    } finally {
      pan.dispose();
    }
  }, 60_000);
});
