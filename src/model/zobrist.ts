/**
 * Incremental fingerprints of the state vector (Zobrist hashing, as chess
 * engines and some model checkers keep them): the fingerprint of a vector is
 * the XOR, over its slots, of a pseudo-random 64-bit key of (slot, value), with
 * value 0 keyed to 0. A store that changes slot i from a to b updates it with
 * key(i, a) ^ key(i, b), so a transition costs a few key computations for the
 * slots it writes instead of a pass over the whole vector.
 *
 * The key is murmur3's fmix32 (a bijection) of (slot << 16 | value) in two
 * lanes with different pre-mixing, so distinct (slot, value) pairs get distinct
 * keys in each lane. The result is a fixed function of the vector alone, so a
 * state reached along any path, or recomputed from scratch, fingerprints the same.
 */

export const ZOBRIST_HASH = 'nlring-zobrist64/1 (XOR over slots of fmix32 keys of (slot, value), two 32-bit lanes, kept incrementally)';

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Lane 0 key of value x (a stored int16) in slot i. */
export function key0(i: number, x: number): number {
  return x === 0 ? 0 : fmix32(((i << 16) | (x & 0xffff)) ^ 0x9e3779b9);
}

/** Lane 1 key. */
export function key1(i: number, x: number): number {
  return x === 0 ? 0 : fmix32(Math.imul((i << 16) | (x & 0xffff), 0x27d4eb2f) ^ 0x165667b1);
}

/** Record that slot i changed from `old` to `x` in the fingerprint `h`. */
export function touch(h: Int32Array, i: number, old: number, x: number): void {
  h[0] ^= key0(i, old) ^ key0(i, x);
  h[1] ^= key1(i, old) ^ key1(i, x);
}

/** XOR the keys of slots [lo, hi) into `h`: applied before and after a bulk change of the range, it accounts for it. */
export function toggle(h: Int32Array, v: Int16Array, lo: number, hi: number): void {
  let a = h[0];
  let b = h[1];
  for (let i = lo; i < hi; i++) {
    const x = v[i];
    if (x !== 0) {
      a ^= key0(i, x);
      b ^= key1(i, x);
    }
  }
  h[0] = a;
  h[1] = b;
}

/** The fingerprint of the whole vector, from scratch. */
export function rehash(h: Int32Array, v: Int16Array): void {
  h[0] = 0;
  h[1] = 0;
  toggle(h, v, 0, v.length);
}
