/**
 * murmur3's 32-bit finaliser (fmix32): a bijection on 32-bit integers with full
 * avalanche. Shared by the engines' fingerprint of encodings and the spec's
 * incremental Zobrist keys; both are named in reports, so it must not change.
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
