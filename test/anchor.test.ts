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
import { replay } from '../src/check/replay.js';
import { accountedProperty, anchorSpec, anchorTarget, oneFillingProperty } from '../bench/anchor/rxring.js';
import { FOOTPRINTS, anchorReduction, type Row } from '../bench/anchor/reduction.js';
import { checkFootprints } from '../bench/anchor/footprint-check.js';
import type { AnchorKind } from '../bench/anchor/rxring.js';
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

  it.skipIf(!hasSpin)('SPIN itself stores as many states as bfs (F=3 K=2 M=2), and with its reduction as many as our ample sets', () => {
    const p = { frames: 3, senders: 2, messages: 2 };
    const pan = buildPan(p);
    try {
      const off = runPan(pan.bin(false), false);
      const on = runPan(pan.bin(true), false);
      expect(off.errors).toBe(0);
      expect(off.states).toBe(bfs(anchorTarget(p)).states);
      expect(on.states).toBeLessThan(off.states);
      expect(on.states).toBe(reducedCount(p));
    } finally {
      pan.dispose();
    }
  }, 60_000);
});

/**
 * Partial-order reduction on the anchor (bench/anchor/reduction.ts, bfs `{ por: true }`).
 * SPIN 6.5.2's own reduction (default build, `./pan`) stores 86, 1,441, 831, 2,148
 * and 144,125 states for F=4 K=2 M=1, F=4 K=2 M=2, F=4 K=3 M=1, F=3 K=2 M=2 and
 * F=4 K=3 M=2 (of 279, 4,455, 5,171, 10,629 and 1,555,395), and 11,623,210 for
 * K=3 M=3 (bench/RESULTS.md). bfs's cycle proviso takes a candidate when every
 * successor lies one level deeper (new, or already found on the next level: a
 * cycle of the reduced graph must have an edge that does not go one level deeper,
 * and a state left by such an edge is expanded fully), and with these ample sets it
 * stores exactly SPIN's numbers; so does `reducedCount` below, an independent plain
 * search with the same proviso. (With the stricter proviso bfs had first, "every
 * successor new", it stored 136, 2,557, 2,228, 4,199 and 567,484.)
 */

/**
 * Distinct states of a plain breadth-first search over `next` with string keys
 * that takes the first ample candidate whose successors are all new or on the
 * next level, and expands fully otherwise.
 */
function reducedCount(p: Parameters<typeof anchorSpec>[0]): number {
  const spec = anchorSpec(p);
  const red = spec.reduction!([accountedProperty(p)]);
  if (!('ample' in red)) throw new Error(red.unavailable);
  const depth = new Map<string, number>([[spec.encode(spec.init()), 0]]);
  let level = [spec.init()];
  for (let d = 0; level.length > 0; d++) {
    const next = [];
    for (const s of level) {
      const acts = spec.actions(s);
      const fine = (k: number) => (depth.get(spec.encode(spec.next(s, acts[k]))) ?? d + 1) === d + 1;
      const chosen = acts.length > 1 ? red.ample(s, acts).find((c) => c.length < acts.length && c.every(fine)) : undefined;
      for (const k of chosen ?? acts.map((_, i) => i)) {
        const t = spec.next(s, acts[k]);
        const key = spec.encode(t);
        if (!depth.has(key)) {
          depth.set(key, d + 1);
          next.push(t);
        }
      }
    }
    level = next;
  }
  return depth.size;
}

describe('SPIN anchor spec, partial-order reduction', () => {
  /** The anchor's footprint table with publishing's write of the ring declared as a write of the sender's own variable: wrong. */
  const WRONG: Readonly<Record<AnchorKind, Row>> = { ...FOOTPRINTS, 'sender.write': { reads: ['self.frame', 'self.sent'], writes: ['self.sent'] } };
  const withRows = (t: ReturnType<typeof anchorTarget>, p: Parameters<typeof anchorSpec>[0], rows: Readonly<Record<AnchorKind, Row>>) => ({
    ...t,
    spec: { ...t.spec, reduction: (props: Parameters<NonNullable<typeof t.spec.reduction>>[0]) => anchorReduction(p, props, rows) },
  });

  for (const [f, k, m] of [
    [4, 2, 1],
    [4, 2, 2],
    [4, 3, 1],
    [3, 2, 2],
  ]) {
    it(`F=${f} K=${k} M=${m}: the same verdict with fewer states, as many as the plain reduced search`, () => {
      const t = anchorTarget({ frames: f, senders: k, messages: m });
      const full = bfs(t);
      const reduced = bfs(t, { por: true });
      expect(reduced.stats?.reduction?.applied).toBe(true);
      expect(reduced.verdict).toBe(full.verdict);
      expect(reduced.complete).toBe(true);
      expect(reduced.states).toBeLessThan(full.states);
      expect(reduced.states).toBe(reducedCount({ frames: f, senders: k, messages: m }));
    });
  }

  it("F=4 K=3 M=2 (the benchmark's 3x2): passes in SPIN's 144,125 states of the 1,555,395", () => {
    const r = bfs(anchorTarget({ frames: 4, senders: 3, messages: 2 }), { por: true });
    expect(r.verdict).toBe('pass');
    expect(r.complete).toBe(true);
    expect(r.states).toBe(144_125);
  });

  it("with the proviso in its depth form the ample sets store exactly SPIN's reduced counts", () => {
    for (const [f, k, m, spin] of [
      [4, 2, 1, 86],
      [4, 2, 2, 1441],
      [4, 3, 1, 831],
      [3, 2, 2, 2148],
    ])
      expect(reducedCount({ frames: f, senders: k, messages: m })).toBe(spin);
  });

  it('a tightened invariant (one RESERVED frame at a time): the full search and the reduction find the violation, a wrong footprint misses it', () => {
    for (const p of [
      { frames: 4, senders: 2, messages: 1 },
      { frames: 4, senders: 3, messages: 1 },
    ]) {
      const t = { ...anchorTarget(p), invariants: [oneFillingProperty(p)] };
      const full = bfs(t);
      const reduced = bfs(t, { por: true });
      expect(full.verdict).toBe('fail');
      expect(reduced.verdict).toBe('fail');
      // The reduced counterexample is a real path: it replays without reduction to the same property.
      expect(replay(t, reduced.violation!.path).violation?.property).toBe('ANCHOR-ONE-FILLING');
      // Declaring publishing's ring write local lets a sender publish ahead of every other step, so no second
      // allocation ever comes between an allocation and its publishing: the verdicts differ, which is what catches it.
      const wrong = bfs(withRows(t, p, WRONG), { por: true });
      expect(wrong.verdict).toBe('pass');
      expect(wrong.verdict).not.toBe(full.verdict);
    }
  });

  it('the footprint table and control-flow graph hold on every reachable state, and a wrong row is reported', () => {
    const props = (p: Parameters<typeof anchorSpec>[0]) => [accountedProperty(p), oneFillingProperty(p)];
    for (const p of [
      { frames: 4, senders: 2, messages: 1 },
      { frames: 2, senders: 2, messages: 1 },
      { frames: 3, senders: 2, messages: 1, merging: false },
      { frames: 1, senders: 3, messages: 1 },
    ])
      expect(checkFootprints(p, props(p))).toEqual([]);
    const p = { frames: 4, senders: 2, messages: 1 };
    expect(checkFootprints(p, props(p), WRONG)).toEqual(['sender.write writes status, outside its row']);
    const noGuard = { ...FOOTPRINTS, 'sender.exit': { ...FOOTPRINTS['sender.exit'], reads: [] } };
    expect(checkFootprints(p, props(p), noGuard)).toContain("sender.exit's guard reads sender1.running, outside its row");
    expect(checkFootprints(p, [{ ...oneFillingProperty(p), reads: ['nread'] }])).toEqual(['property ANCHOR-ONE-FILLING reads status, not in its reads']);
  }, 60_000);

  it('only local sender steps are offered, and a property that does not say what it reads gets no reduction', () => {
    const p = { frames: 4, senders: 2, messages: 1 };
    const spec = anchorSpec(p);
    const red = spec.reduction!([accountedProperty(p)]);
    if (!('ample' in red)) throw new Error(red.unavailable);
    // After init: both senders at their loop test (local): each is a candidate of its own.
    const s = spec.next(spec.init(), spec.actions(spec.init())[0]);
    const acts = spec.actions(s);
    expect(acts.map((a) => a.kind)).toEqual(['sender.next', 'sender.next']);
    expect(red.ample(s, acts)).toEqual([[0], [1]]);
    // Sender 0 at its allocation (touches the ring): only sender 1's local step is offered.
    const s2 = spec.next(s, acts[0]);
    const acts2 = spec.actions(s2);
    expect(acts2.map((a) => `${a.actor}:${a.kind}`)).toEqual(['sender0:sender.alloc', 'sender1:sender.next']);
    expect(red.ample(s2, acts2)).toEqual([[1]]);
    // A property that reads the senders' control points sees every sender step: nothing is offered.
    const readsPcs = { ...accountedProperty(p), reads: ['sender*.pc'] };
    const sees = spec.reduction!([readsPcs]);
    if (!('ample' in sees)) throw new Error(sees.unavailable);
    expect(sees.ample(s, acts)).toEqual([]);
    const { reads: _reads, ...bare } = accountedProperty(p);
    expect(spec.reduction!([bare])).toEqual({ unavailable: 'property ANCHOR-ACCOUNTED does not say what it reads' });
  });
});
