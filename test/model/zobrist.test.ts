/**
 * src/model/zobrist.ts: the fingerprint of a state vector is the XOR over its
 * slots of fixed 64-bit keys of (slot, value), zero for value 0, kept up to date
 * by every store. Engines dedupe on it and reports name it (ZOBRIST_HASH), so it
 * must be a function of the encoding alone and must never change silently.
 */
import { describe, expect, it } from 'vitest';
import { ZOBRIST_HASH, key0, key1, rehash, touchByte, touchWord } from '../../src/model/zobrist.js';
import { State } from '../../src/model/state.js';
import type { NlState } from '../../src/model/spec.js';
import { catalogModel, strideWalk, type Model } from './helpers.js';

const drive = (m: Model, steps: number): NlState[] => strideWalk(m, steps, 5, 1);

const fp = (s: State): number[] => {
  const out = new Uint32Array(2);
  s.fingerprint(out);
  return Array.from(out);
};

/** The fingerprint of `s`'s vector computed from scratch (a fresh state loaded without a known fingerprint). */
const scratch = (s: State): number[] => {
  const n = new State(s.layout);
  n.load(s.units);
  return fp(n);
};

describe('zobrist: fixed keys (the hash is named in reports and must not change silently)', () => {
  it('the scheme name is fixed', () => {
    expect(ZOBRIST_HASH).toBe('nlring-zobrist64/1 (XOR over slots of fmix32 keys of (slot, value), two 32-bit lanes, kept incrementally)');
  });

  it('known keys of a few (slot, value) pairs in both lanes', () => {
    // Recorded from the shipped function: a changed constant, shift or mask changes them.
    expect([key0(0, 1), key1(0, 1)]).toEqual([920564995, 900943122]);
    expect([key0(5, -1), key1(5, -1)]).toEqual([2517515044, 3935356131]);
    expect([key0(1, 0x7fff), key1(1, 0x7fff)]).toEqual([127496217, 2943469553]);
    expect([key0(4097, 3), key1(4097, 3)]).toEqual([2831120888, 1891244581]);
  });

  it('value 0 has key 0 in every slot and lane (the all-zero vector fingerprints 0)', () => {
    for (const i of [0, 1, 5, 4097]) {
      expect(key0(i, 0)).toBe(0);
      expect(key1(i, 0)).toBe(0);
    }
  });

  it('a stored int16 is keyed by its 16 bits: -1 and 0xffff have one key', () => {
    expect(key0(9, -1)).toBe(key0(9, 0xffff));
    expect(key1(9, -1)).toBe(key1(9, 0xffff));
    expect(key0(9, -1)).not.toBe(key0(9, 1));
  });

  it('the two lanes are different functions, and keys differ by slot and by value', () => {
    expect(key0(3, 7)).not.toBe(key1(3, 7));
    expect(key0(3, 7)).not.toBe(key0(4, 7));
    expect(key0(3, 7)).not.toBe(key0(3, 8));
    expect(key1(3, 7)).not.toBe(key1(4, 7));
    expect(key1(3, 7)).not.toBe(key1(3, 8));
  });

  it('rehash of a tiny vector: byte slots 2p, word slots 4i+1, zero slots left out (known value)', () => {
    // Bytes 0 and 1 are byte slots; bytes 2-3 and 4-5 are word slots 1 and 2 (the last one 0).
    const b = new Int8Array([3, -2, 0x34, 0x12, 0, 0]);
    const w = new Int16Array(b.buffer);
    const h = new Int32Array(2);
    rehash(h, b, w, new Uint8Array([0, 0, 1, 0, 1, 0]));
    expect([h[0] >>> 0, h[1] >>> 0]).toEqual([(key0(0, 3) ^ key0(2, -2) ^ key0(5, 0x1234)) >>> 0, (key1(0, 3) ^ key1(2, -2) ^ key1(5, 0x1234)) >>> 0]);
    expect(Array.from(h)).toEqual([-203902058, -800526214]);
    // rehash overwrites, it does not accumulate into the old value.
    rehash(h, b, w, new Uint8Array([0, 0, 1, 0, 1, 0]));
    expect(Array.from(h)).toEqual([-203902058, -800526214]);
  });

  it('rehash of a vector with no word slots keys every byte as its own slot', () => {
    const b = new Int8Array([0, 5, 0, 6]);
    const h = new Int32Array([99, 99]);
    rehash(h, b, new Int16Array(b.buffer), new Uint8Array(4));
    expect([h[0] >>> 0, h[1] >>> 0]).toEqual([(key0(2, 5) ^ key0(6, 6)) >>> 0, (key1(2, 5) ^ key1(6, 6)) >>> 0]);
  });
});

describe('zobrist: incremental updates agree with the hash from scratch', () => {
  it('touchByte: slot 2p, old key out and new key in (undoing it restores the hash)', () => {
    const h = new Int32Array(2);
    touchByte(h, 3, 0, 7);
    expect([h[0] >>> 0, h[1] >>> 0]).toEqual([key0(6, 7), key1(6, 7)]);
    touchByte(h, 3, 7, -4);
    expect([h[0] >>> 0, h[1] >>> 0]).toEqual([key0(6, -4), key1(6, -4)]);
    touchByte(h, 3, -4, 0);
    expect(Array.from(h)).toEqual([0, 0]);
  });

  it('touchWord: slot 4i+1, old key out and new key in', () => {
    const h = new Int32Array(2);
    touchWord(h, 2, 0, 300);
    expect([h[0] >>> 0, h[1] >>> 0]).toEqual([key0(9, 300), key1(9, 300)]);
    touchWord(h, 2, 300, -1);
    expect([h[0] >>> 0, h[1] >>> 0]).toEqual([key0(9, -1), key1(9, -1)]);
    touchWord(h, 2, -1, 0);
    expect(Array.from(h)).toEqual([0, 0]);
  });

  it('touchByte and touchWord give what rehash gives for the same single store', () => {
    const b = new Int8Array(8);
    const w = new Int16Array(b.buffer);
    const starts = new Uint8Array([0, 0, 0, 0, 1, 0, 0, 0]);
    const inc = new Int32Array(2);
    const full = new Int32Array(2);
    b[1] = -9;
    touchByte(inc, 1, 0, -9);
    w[2] = 1234; // bytes 4-5: word index 2
    touchWord(inc, 2, 0, 1234);
    rehash(full, b, w, starts);
    expect(Array.from(inc)).toEqual(Array.from(full));
  });

  const WALKS: readonly [string, string][] = [
    ['linux-4.5', 'rx-basic'],
    ['linux-3.10', 'tx-sibling'],
    ['linux-4.5', 'copy-mixed'],
    ['linux-4.5', 'setup-concurrent'],
    ['linux-3.10', 'dump-full-ring'],
  ];
  it.each(WALKS)('%s %s: the kept fingerprint equals the one from scratch after every step', (v, sc) => {
    const states = drive(catalogModel(v, sc), 40);
    expect(states.length).toBeGreaterThan(6);
    for (const s of states) expect(fp(s)).toEqual(scratch(s));
    // And it moves: a walk does not keep one fingerprint.
    expect(new Set(states.map((s) => fp(s).join(':'))).size).toBeGreaterThan(5);
  });
});

describe('zobrist: a function of the encoding', () => {
  it('changing any one unit of the vector changes the fingerprint', () => {
    const s = drive(catalogModel('linux-4.5', 'rx-basic'), 15).at(-1)!;
    const orig = scratch(s);
    const n = new State(s.layout);
    for (let i = 0; i < s.units.length; i++) {
      const u = s.units.slice();
      u[i] ^= 0x0101;
      n.load(u);
      expect(fp(n), `unit ${i}`).not.toEqual(orig);
    }
  });

  it('states reached along different paths with equal encodings have equal fingerprints', () => {
    const m = catalogModel('linux-4.5', 'rx-order');
    const seen = new Map<string, string>();
    let merged = 0;
    let frontier = [m.spec.init()];
    for (let depth = 0; depth < 6; depth++) {
      const next: NlState[] = [];
      for (const s of frontier) {
        for (const a of m.spec.actions(s)) {
          const n = m.spec.next(s, a);
          const key = m.spec.encode(n);
          const f = fp(n).join(':');
          const had = seen.get(key);
          if (had !== undefined) {
            merged++;
            expect(f).toBe(had);
          } else {
            seen.set(key, f);
            next.push(n);
          }
        }
      }
      frontier = next;
    }
    // Interleavings of the two producers meet: the rule was exercised.
    expect(merged).toBeGreaterThan(10);
    // And distinct encodings got distinct fingerprints here.
    expect(new Set(seen.values()).size).toBe(seen.size);
  });
});
