/**
 * 64-bit state fingerprints and the visited set that stores them, after TLC's
 * FPSet and stateright's fingerprint tables: open addressing over a Uint32Array
 * of (hi, lo) pairs, linear probing, grown by doubling at 3/4 load.
 *
 * The hash is fixed and named (it is recorded in every report): two 32-bit
 * multiply-rotate streams over the key's 16-bit code units (different seeds and
 * multipliers), each finished with murmur3's fmix32, because weak low bits
 * cluster linear probing (design.md).
 */
import { fmix32 } from '../hash.js';

export const FINGERPRINT_HASH = 'nlring-fp64/2 (two murmur3-style 32-bit streams over unit pairs, fmix32-finished)';

/** A string key as the 16-bit units it is made of (engines hash units). */
export function keyUnits(key: string): Uint16Array {
  const u = new Uint16Array(key.length);
  for (let i = 0; i < key.length; i++) u[i] = key.charCodeAt(i);
  return u;
}

/** Whether a Uint32Array view of 16-bit units puts unit 2i in the low half of word i. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Fingerprint of a canonical encoding (16-bit units), as two unsigned 32-bit
 * halves written into `out`. The hash consumes the units in pairs, as 32-bit
 * words `u[2i] | u[2i+1] << 16` (an odd last unit pairs with 0), which halves
 * the work per state; an aligned encoding is read through a Uint32Array view,
 * any other one pair by pair, with the same result.
 */
export function fingerprint(units: Uint16Array, out: Uint32Array): void {
  const n = units.length;
  const words = (n + 1) >>> 1;
  let a = 0x9747b28c ^ n;
  let b = 0x5bd1e995 ^ Math.imul(n, 0x27d4eb2d);
  if (LITTLE_ENDIAN && (units.byteOffset & 3) === 0 && (n & 1) === 0) {
    const w32 = new Uint32Array(units.buffer, units.byteOffset, words);
    for (let i = 0; i < words; i++) {
      const c = w32[i];
      a = Math.imul(a ^ c, 0xcc9e2d51);
      a = (a << 15) | (a >>> 17);
      b = Math.imul(b + c, 0x1b873593);
      b = (b << 13) | (b >>> 19);
      b = (Math.imul(b, 5) + 0xe6546b64) | 0;
    }
  } else {
    for (let i = 0; i < words; i++) {
      const j = 2 * i;
      const c = (units[j] | ((j + 1 < n ? units[j + 1] : 0) << 16)) >>> 0;
      a = Math.imul(a ^ c, 0xcc9e2d51);
      a = (a << 15) | (a >>> 17);
      b = Math.imul(b + c, 0x1b873593);
      b = (b << 13) | (b >>> 19);
      b = (Math.imul(b, 5) + 0xe6546b64) | 0;
    }
  }
  out[0] = fmix32(a);
  out[1] = fmix32(b ^ a);
}

/**
 * What BFS needs of its visited set: look a fingerprint up once, then store it where
 * the look-up said, and how many states and bytes it holds. FingerprintSet is exact
 * (up to fingerprint collisions); BitstateSet (check/bitstate.ts) is SPIN's supertrace.
 */
export interface VisitedSet {
  /** States stored. */
  readonly size: number;
  /** Bytes of the typed arrays it holds. */
  readonly bytes: number;
  /** -1 if the fingerprint counts as seen, else a non-negative position for `addAt` (valid until the set next changes). */
  find(hi: number, lo: number): number;
  /** Store a fingerprint `find` has just reported missing, at the position it returned. */
  addAt(slot: number, hi: number, lo: number): void;
  /** Store the fingerprint; true if it was not seen. */
  add(hi: number, lo: number): boolean;
}

/**
 * A set of 64-bit fingerprints. The pair (0, 0) marks an empty slot, so a
 * fingerprint equal to it is stored as (0, 1): one more (harmless) collision.
 * The slot count is not a power of two: it grows by 3/2 whenever the load
 * passes 3/4, so the load stays between 1/2 and 3/4 (8 to 16 bytes per state),
 * and a slot is chosen by multiply-shift of the well-mixed low half.
 */
export class FingerprintSet implements VisitedSet {
  protected table: Uint32Array;
  protected slots: number;
  private count = 0;

  /**
   * `shared`: the table lives in a SharedArrayBuffer (the parallel search's,
   * parallel-bfs-shared.ts), also after it grows; `buffer`: look up in a table
   * another thread built (a read-only view: its count is not known here).
   */
  constructor(initialSlots = 1 << 16, private readonly shared = false, buffer?: SharedArrayBuffer) {
    this.slots = Math.max(4, initialSlots);
    this.table = buffer ? new Uint32Array(buffer) : this.allocate(this.slots);
  }

  private allocate(slots: number): Uint32Array {
    return this.shared ? new Uint32Array(new SharedArrayBuffer(slots * 8)) : new Uint32Array(slots * 2);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.table.byteLength;
  }

  private home(hi: number, lo: number): number {
    // (x * slots) / 2^32 maps a uniform 32-bit x onto [0, slots) without a modulo bias worth caring about.
    return Math.floor(((lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0) * this.slots / 4294967296);
  }

  /** Add the fingerprint; true if it was new. */
  add(hi: number, lo: number): boolean {
    const free = this.find(hi, lo);
    if (free < 0) return false;
    this.addAt(free, hi, lo);
    return true;
  }

  has(hi: number, lo: number): boolean {
    return this.find(hi, lo) < 0;
  }

  /**
   * Where the fingerprint is: -1 if it is in the set, else the free slot it would
   * take, for `addAt` (valid until the set next changes). BFS looks a successor up
   * once and, when it is new, stores it without probing again.
   */
  find(hi: number, lo: number): number {
    if (hi === 0 && lo === 0) lo = 1;
    const t = this.table;
    for (let i = this.home(hi, lo); ; i = i + 1 === this.slots ? 0 : i + 1) {
      const h = t[2 * i];
      const l = t[2 * i + 1];
      if (h === 0 && l === 0) return i;
      if (h === hi && l === lo) return -1;
    }
  }

  /** Add a fingerprint that `find` has just reported missing, at the slot it returned. */
  addAt(slot: number, hi: number, lo: number): void {
    if ((this.count + 1) * 4 > this.slots * 3) {
      this.grow();
      slot = this.find(hi, lo); // growing moves every slot
    }
    if (hi === 0 && lo === 0) lo = 1;
    this.table[2 * slot] = hi;
    this.table[2 * slot + 1] = lo;
    this.count++;
  }

  private grow(): void {
    const old = this.table;
    this.slots = Math.ceil(this.slots * 1.5);
    this.table = this.allocate(this.slots);
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) {
      // Distinct and few enough for the new table: each goes in at its free slot, no growth.
      if (old[i] !== 0 || old[i + 1] !== 0) this.addAt(this.find(old[i], old[i + 1]), old[i], old[i + 1]);
    }
  }
}

/**
 * TLC's optimistic estimate of the probability that two distinct states shared
 * a fingerprint somewhere in the run: n(n-1)/2 pairs, each colliding with
 * probability 2^-64.
 */
export function collisionProbability(states: number): number {
  return (states * (states - 1)) / 2 / 2 ** 64;
}

type UintArray = Uint8Array | Uint16Array | Uint32Array;

/** A growable typed array of unsigned integers (parent links, action indices). */
export class GrowableArray<T extends UintArray> {
  private data: T;
  length = 0;

  constructor(private readonly make: (n: number) => T) {
    this.data = make(1 << 16);
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      // 3/2 rather than 2: at most a third of the array is slack.
      const next = this.make(Math.ceil(this.data.length * 1.5));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  get(i: number): number {
    return this.data[i];
  }

  get bytes(): number {
    return this.data.byteLength;
  }
}

/**
 * Action indices of parent links: one byte each while every index is below 256
 * (the usual case), two once a state with more enabled actions shows up.
 */
export class ActionLinks {
  private small: GrowableArray<Uint8Array> | null = new GrowableArray((n) => new Uint8Array(n));
  private wide: GrowableArray<Uint16Array> | null = null;

  push(action: number): void {
    if (action > 0xffff) throw new RangeError(`action index ${action} exceeds 65535`);
    if (this.small && action > 0xff) {
      const wide = new GrowableArray((n) => new Uint16Array(n));
      for (let i = 0; i < this.small.length; i++) wide.push(this.small.get(i));
      this.wide = wide;
      this.small = null;
    }
    (this.small ?? this.wide)!.push(action);
  }

  get(i: number): number {
    return (this.small ?? this.wide)!.get(i);
  }

  get bytes(): number {
    return (this.small ?? this.wide)!.bytes;
  }
}
