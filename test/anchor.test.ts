/**
 * The SPIN anchor spec (bench/anchor/rxring.ts) must be the same transition
 * system as SPIN's pan for bench/anchor/rxring.pml, or the side-by-side
 * benchmark compares different things. The expected counts are SPIN's, measured
 * on this project's machine with SPIN 6.5.2 (Debian package `spin`):
 *
 *   spin -DF=4 -DK=<K> -DM=<M> -a bench/anchor/rxring.pml
 *   gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -m100000
 *
 * reading pan's "states, stored" (statement merging on, SPIN's default; no
 * partial-order reduction). They are written here, not computed, so that the
 * test runs where SPIN is absent; bench/anchor/spin.ts measures them again.
 */
import { describe, expect, it } from 'vitest';
import { bfs } from '../src/check/bfs.js';
import { UsageError } from '../src/errors.js';
import { accountedProperty, anchorSpec, anchorTarget } from '../bench/anchor/rxring.js';

/** [K, M, SPIN's states stored] for F = 4. */
const SPIN_COUNTS: [number, number, number][] = [
  [2, 1, 279],
  [2, 2, 4455],
  [3, 1, 5171],
];

describe('SPIN anchor spec', () => {
  for (const [k, m, states] of SPIN_COUNTS) {
    it(`stores SPIN's ${states} states for F=4 K=${k} M=${m}, and the invariant holds`, () => {
      const r = bfs(anchorTarget({ frames: 4, senders: k, messages: m }));
      expect(r.states).toBe(states);
      expect(r.verdict).toBe('pass');
      expect(r.complete).toBe(true);
    });
  }

  it('finds a violation of a bound one too small: the invariant is judged', () => {
    const p = { frames: 4, senders: 2, messages: 1 };
    const r = bfs({ ...anchorTarget(p), invariants: [accountedProperty(p, 1)] });
    expect(r.verdict).toBe('fail');
    expect(r.violation?.property).toBe('ANCHOR-ACCOUNTED');
  });

  it('next agrees with the in-place step and the encoding round-trips', () => {
    const spec = anchorSpec({ frames: 3, senders: 2, messages: 2 });
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
    expect(bfs(anchorTarget({ frames: 3, senders: 2, messages: 2 })).states).toBe(seen.size);
  });

  it('refuses parameters a byte cannot hold', () => {
    expect(() => anchorSpec({ frames: 0, senders: 2, messages: 1 })).toThrow(UsageError);
    expect(() => anchorSpec({ frames: 4, senders: 16, messages: 1 })).toThrow(UsageError);
    expect(() => anchorSpec({ frames: 4, senders: 2, messages: 1.5 })).toThrow(UsageError);
  });
});
