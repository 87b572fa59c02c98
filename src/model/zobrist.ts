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
import { fmix32 } from '../hash.js';

export const ZOBRIST_HASH = 'nlring-zobrist64/1 (XOR over slots of fmix32 keys of (slot, value), two 32-bit lanes, kept incrementally)';

/** Lane 0 key of value x (a stored int16) in slot i. */
export function key0(i: number, x: number): number {
  return x === 0 ? 0 : fmix32(((i << 16) | (x & 0xffff)) ^ 0x9e3779b9);
}

/** Lane 1 key. */
export function key1(i: number, x: number): number {
  return x === 0 ? 0 : fmix32(Math.imul((i << 16) | (x & 0xffff), 0x27d4eb2f) ^ 0x165667b1);
}

/**
 * Slots are the vector's byte slots and word slots (state.ts): a byte slot at
 * byte p has id 2p, a word slot at byte 2i has id 4i + 1, so ids never collide.
 */

/** Record that the byte at p changed from `old` to `x` in the fingerprint `h`. */
export function touchByte(h: Int32Array, p: number, old: number, x: number): void {
  const id = p << 1;
  h[0] ^= key0(id, old) ^ key0(id, x);
  h[1] ^= key1(id, old) ^ key1(id, x);
}

/** Record that the word at index i changed from `old` to `x`. */
export function touchWord(h: Int32Array, i: number, old: number, x: number): void {
  const id = (i << 2) | 1;
  h[0] ^= key0(id, old) ^ key0(id, x);
  h[1] ^= key1(id, old) ^ key1(id, x);
}

/** The fingerprint of the whole vector, from scratch; `wordStarts[p]` is 1 where a word slot starts. */
export function rehash(h: Int32Array, b: Int8Array, w: Int16Array, wordStarts: Uint8Array): void {
  let a = 0;
  let c = 0;
  for (let p = 0; p < b.length; p++) {
    let id: number;
    let x: number;
    if (wordStarts[p] === 1) {
      id = (p << 1) | 1; // word index p/2 → id 4(p/2) + 1
      x = w[p >> 1];
      p++;
    } else {
      id = p << 1;
      x = b[p];
    }
    if (x !== 0) {
      a ^= key0(id, x);
      c ^= key1(id, x);
    }
  }
  h[0] = a;
  h[1] = c;
}
