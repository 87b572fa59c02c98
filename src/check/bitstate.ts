/**
 * Bitstate hashing (Holzmann's supertrace, SPIN's -DBITSTATE) for spaces beyond memory:
 * instead of storing a state's 64-bit fingerprint, set k bits of an array of 2^bits
 * bits, chosen by k hash functions of the fingerprint; a state counts as seen when all
 * its k bits are set. A state whose bits other states happen to have set already is
 * taken for seen and not explored (nor what only it leads to), so a run that finds
 * nothing proves nothing: bfs reports it INCOMPLETE with the estimate below. A
 * violation it finds is real, since the path to it is replayed from the initial state.
 *
 * The k indices are double hashing of two halves of the fingerprint (Kirsch and
 * Mitzenmacher, "Less hashing, same performance: building a better Bloom filter",
 * 2006): g_i = h1 + i * h2 mod 2^bits, with h2 odd so that the k indices of one state
 * are distinct. Beyond 32 bits the halves get their high bits from fmix32 of the
 * other half, since the fingerprint has only 64 bits to share.
 */
import { fmix32 } from '../hash.js';
import type { VisitedSet } from './fingerprint.js';

/** SPIN's default number of bits set per state (pan -k, "bits set per state: 3 (-k3)"). */
export const BITSTATE_HASH_FUNCTIONS = 3;

/** The sizes `--bitstate` accepts: 2^16 bits (8 KiB) to 2^36 bits (8 GiB), as SPIN's -w16 to -w36. */
export const BITSTATE_MIN_BITS = 16;
export const BITSTATE_MAX_BITS = 36;

/** Words of one page: 2^28 32-bit words (1 GiB), below the 4 GiB that one typed array may hold in Node. */
const PAGE_SHIFT = 28;
const PAGE_WORDS = 2 ** PAGE_SHIFT;

export class BitstateSet implements VisitedSet {
  private readonly pages: Uint32Array[] = [];
  private readonly m: number;
  private count = 0;
  /** The k bit indices of the last `find`, for `addAt`, and the fingerprint they are of. */
  private readonly at: number[];
  private atHi = 0;
  private atLo = 0;
  private atValid = false;
  /** Up to 2^32 bits the array is one page and an index a 32-bit integer: the fast path. */
  private readonly small: Uint32Array | null;

  constructor(
    readonly bits: number,
    readonly hashFunctions = BITSTATE_HASH_FUNCTIONS,
  ) {
    if (!(Number.isInteger(bits) && bits >= 5 && bits <= BITSTATE_MAX_BITS)) throw new RangeError(`bitstate bits must be an integer in 5..${BITSTATE_MAX_BITS}, got ${bits}`);
    if (!(Number.isInteger(hashFunctions) && hashFunctions >= 1 && hashFunctions <= 16)) throw new RangeError(`bitstate hash functions must be 1..16, got ${hashFunctions}`);
    this.m = 2 ** bits;
    const words = this.m / 32;
    for (let w = 0; w < words; w += PAGE_WORDS) this.pages.push(new Uint32Array(Math.min(PAGE_WORDS, words - w)));
    this.at = new Array<number>(hashFunctions).fill(0);
    this.small = bits <= 32 ? this.pages[0] : null;
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.m / 8;
  }

  private indices(hi: number, lo: number): void {
    // BFS calls addAt right after find with the same fingerprint: compute its indices once.
    if (this.atValid && hi === this.atHi && lo === this.atLo) return;
    bitIndices(this.bits, this.hashFunctions, hi, lo, this.at);
    this.atHi = hi;
    this.atLo = lo;
    this.atValid = true;
  }

  private test(index: number): boolean {
    if (this.small) return (this.small[index >>> 5] & (1 << (index & 31))) !== 0;
    const word = Math.floor(index / 32);
    return (this.pages[word >>> PAGE_SHIFT][word & (PAGE_WORDS - 1)] & (1 << (index & 31))) !== 0;
  }

  private set(index: number): void {
    if (this.small) {
      this.small[index >>> 5] |= 1 << (index & 31);
      return;
    }
    const word = Math.floor(index / 32);
    this.pages[word >>> PAGE_SHIFT][word & (PAGE_WORDS - 1)] |= 1 << (index & 31);
  }

  /** -1 when all k bits of the fingerprint are set (seen, or a false hit), else 0. */
  find(hi: number, lo: number): number {
    this.indices(hi, lo);
    for (let i = 0; i < this.hashFunctions; i++) if (!this.test(this.at[i])) return 0;
    return -1;
  }

  /** Set the k bits of a fingerprint that `find` has just reported missing. */
  addAt(_slot: number, hi: number, lo: number): void {
    this.indices(hi, lo);
    for (let i = 0; i < this.hashFunctions; i++) this.set(this.at[i]);
    this.count++;
  }

  add(hi: number, lo: number): boolean {
    if (this.find(hi, lo) < 0) return false;
    this.addAt(0, hi, lo);
    return true;
  }
}

/**
 * The k bit indices of fingerprint (hi, lo) in an array of 2^bits bits, into `out`:
 * h1 + i * h2 mod 2^bits for i < k, h2 odd, so they are distinct (see the top).
 */
export function bitIndices(bits: number, k: number, hi: number, lo: number, out: number[]): void {
  if (bits <= 32) {
    const mask = bits === 32 ? 0xffffffff : 2 ** bits - 1;
    const h2 = (hi | 1) >>> 0;
    for (let i = 0; i < k; i++) out[i] = ((lo + Math.imul(i, h2)) & mask) >>> 0;
    return;
  }
  // Up to 36 bits: h1, h2 < 2^36 and i < 16, so h1 + i * h2 < 2^41 is exact in a double.
  const high = 2 ** (bits - 32);
  const h1 = (lo >>> 0) + (fmix32(hi ^ 0x2545f491) % high) * 4294967296;
  const h2 = ((hi | 1) >>> 0) + (fmix32(lo ^ 0x9e3779b9) % high) * 4294967296;
  const m = 2 ** bits;
  for (let i = 0; i < k; i++) out[i] = (h1 + i * h2) % m;
}

/** SPIN's hash factor: bits in the array per state stored (pan prints it, "best if > 100"). */
export function hashFactor(bits: number, states: number): number {
  return 2 ** bits / Math.max(1, states);
}

/**
 * The estimated fraction of the new states a bitstate search met that it took for
 * seen, after storing `states` states with k bits each in 2^bits bits.
 *
 * After r states the array has about a fraction 1 - e^(-kr/m) of its m bits set, so a
 * new state finds all its k bits set with probability (1 - e^(-kr/m))^k: Bloom's
 * false-positive rate, which is how Holzmann estimates the coverage of supertrace
 * ("An analysis of bitstate hashing", Formal Methods in System Design 13(3), 1998;
 * SPIN reports the hash factor m/n and k, "bits set per state", from which it
 * follows). The expected number of states lost while n were stored is the integral of
 * that over r from 0 to n; with x = kr/m it is (m/k) times the integral of
 * (1 - e^-x)^k from 0 to kn/m, done here by Simpson's rule (exact for the x^k it is
 * near 0 when k <= 3). The fraction is lost / (stored + lost). It counts only the
 * states met and dropped, not the states behind them that the search then never met.
 */
export function omissionEstimate(bits: number, hashFunctions: number, states: number): number {
  if (states <= 0) return 0;
  const m = 2 ** bits;
  const k = hashFunctions;
  const upper = (k * states) / m;
  const f = (x: number) => (-Math.expm1(-x)) ** k;
  const steps = 1024;
  const h = upper / steps;
  let sum = f(0) + f(upper);
  for (let i = 1; i < steps; i++) sum += (i % 2 === 1 ? 4 : 2) * f(i * h);
  const lost = (m / k) * (sum * h) / 3;
  return lost / (states + lost);
}
