/**
 * What the coordinator of the parallel breadth-first search (check/parallel-bfs.ts)
 * and its worker threads (check/parallel-bfs-worker.ts) share: the visited set in
 * shared memory, growable record buffers in shared memory, and the messages.
 *
 * The visited set is cut into one table per worker by fingerprint (`shardOf`).
 * While a level is expanded every worker reads every table; between levels each
 * worker writes only its own, admitting the level's candidates of its shard in one
 * fixed order (see parallel-bfs.ts for why that order matters). So no table is
 * ever read and written at once and none needs compare-and-swap. Each hand-over is
 * a message, and the writer makes an Atomics store before it and the reader an
 * Atomics load after it (`publish`/`observe`), so plain writes made before are seen.
 */

import { FingerprintSet } from './fingerprint.js';

/**
 * The visited-set table of check/fingerprint.ts (the same layout and probing) in a
 * SharedArrayBuffer, so that other threads can look fingerprints up in it.
 */
export class SharedFingerprintTable extends FingerprintSet {
  constructor(slots = 1 << 16, buffer?: SharedArrayBuffer) {
    super(slots, true, buffer);
  }

  /** A worker's read-only view of the coordinator's table (what `share` returned). */
  static view(shared: { readonly buffer: SharedArrayBuffer; readonly slots: number }): SharedFingerprintTable {
    return new SharedFingerprintTable(shared.slots, shared.buffer);
  }

  /** What a worker needs to look fingerprints up (the buffer changes when the table grows). */
  share(): { buffer: SharedArrayBuffer; slots: number } {
    return { buffer: this.table.buffer as SharedArrayBuffer, slots: this.slots };
  }
}

/**
 * Records of 16-bit units, back to back, in a SharedArrayBuffer that is replaced by
 * one twice as large when it fills (only its writer grows it, and only while no one
 * else reads it). A record is [length, header units..., state units...].
 */
export class SharedUnits {
  units: Uint16Array;
  /** Units written. */
  used = 0;
  /** Records written. */
  records = 0;

  constructor(initialUnits = 1 << 16) {
    this.units = new Uint16Array(new SharedArrayBuffer(initialUnits * 2));
  }

  get buffer(): SharedArrayBuffer {
    return this.units.buffer as SharedArrayBuffer;
  }

  get bytes(): number {
    return this.units.byteLength;
  }

  /** Start over (the buffer is kept). */
  clear(): void {
    this.used = 0;
    this.records = 0;
  }

  /** Make room for `n` more units. */
  reserve(n: number): void {
    if (this.used + n <= this.units.length) return;
    let size = this.units.length * 2;
    while (size < this.used + n) size *= 2;
    const bigger = new Uint16Array(new SharedArrayBuffer(size * 2));
    bigger.set(this.units.subarray(0, this.used));
    this.units = bigger;
  }
}

/**
 * Units before a state's own units in a candidate record: [n, parent lo, parent hi,
 * action, fp (4), t lo, t hi, keep]; keep is set to 1 by the worker whose shard
 * admitted it (the first of its fingerprint, in bfs's order).
 */
export const CANDIDATE_HEADER = 11;
export const KEEP = 10;

/** Which worker's table holds a fingerprint (hi is well mixed, and the home slot mixes both halves). */
export function shardOf(hi: number, shards: number): number {
  return shards === 1 ? 0 : hi % shards;
}

/** A table as it crosses threads. */
export interface TableShare {
  readonly buffer: SharedArrayBuffer;
  readonly slots: number;
}

/** A 32-bit value from two 16-bit units (low first). */
export function word(u: Uint16Array, at: number): number {
  return (u[at] | (u[at + 1] << 16)) >>> 0;
}

/** Write a 32-bit value as two 16-bit units (low first). */
export function putWord(u: Uint16Array, at: number, v: number): void {
  u[at] = v & 0xffff;
  u[at + 1] = v >>> 16;
}

/** Why a worker stopped its slice before its end, besides a violation (which it reports as one). */
export type WorkerStop = 'time-budget' | 'interrupted' | 'memory';

/** What a worker is given once: how to rebuild the check target exactly as the coordinator holds it. */
export interface ParallelWorkerData {
  readonly variant: string;
  readonly scenario: string;
  /** The --property restriction (ids), applied as the CLI's restrict() does. */
  readonly properties?: readonly string[];
  readonly allViolations: boolean;
  /** Int32Array over it, element 0 non-zero: stop (SIGINT). */
  readonly interrupt?: SharedArrayBuffer;
  /** Int32Array: [0] the hand-over word (publish/observe); [1 + 3w ..] worker w's progress: expanded, transitions, candidates. */
  readonly control: SharedArrayBuffer;
  /** This worker's index, and how many there are (the shards of the visited set). */
  readonly index: number;
  readonly workers: number;
}

/**
 * A level: the kept candidate records of the buffers the workers wrote at the level
 * before (the initial state's, written by the coordinator, for the first), in
 * order. States are not copied out of the buffers that found them: a worker writes
 * its candidates into one of two buffers, alternately, so those of the level
 * before stay readable while it writes the next.
 */
export interface Segment {
  readonly buffer: SharedArrayBuffer;
  /** Units written. */
  readonly used: number;
}

/** Where a slice of a level starts: a segment, a unit offset in it (of a kept record), and that record's state id. */
export interface SliceStart {
  readonly seg: number;
  readonly at: number;
  readonly id: number;
}

/**
 * Walks the kept records of a level from a slice's start: `next()` gives the unit
 * offset of the next kept record in `units` (the current segment), or -1 at the end.
 */
export class LevelReader {
  units: Uint16Array;
  /** The segment of the record `next` returned last. */
  seg: number;
  private at: number;
  private readonly arrays: Uint16Array[];

  constructor(private readonly segments: readonly Segment[], from: { readonly seg: number; readonly at: number }) {
    this.arrays = segments.map((s) => new Uint16Array(s.buffer));
    this.seg = from.seg;
    this.at = from.at;
    this.units = this.arrays[Math.min(this.seg, this.arrays.length - 1)];
  }

  next(): number {
    for (;;) {
      if (this.seg >= this.segments.length) return -1;
      if (this.at >= this.segments[this.seg].used) {
        this.seg++;
        this.at = 0;
        if (this.seg < this.arrays.length) this.units = this.arrays[this.seg];
        continue;
      }
      const u = this.units;
      const at = this.at;
      this.at = at + CANDIDATE_HEADER + u[at];
      if (u[at + KEEP] === 1) return at;
    }
  }
}

/** One level's share of work for one worker. */
export interface LevelJob {
  readonly kind: 'level';
  /** Every worker's table, in worker order (shardOf). */
  readonly tables: readonly TableShare[];
  /** The level, and where this worker's slice starts in it, and how many states are its. */
  readonly segments: readonly Segment[];
  readonly from: SliceStart;
  readonly count: number;
  /** Which of its two candidate buffers the worker writes (the other holds the level it reads). */
  readonly out: 0 | 1;
  /** Invariants (by index) violated before this level, and witnesses (by index) reached before it. */
  readonly violated: readonly number[];
  readonly reached: readonly number[];
  /** Stop after writing this many candidates (the state budget cannot need more from one worker). */
  readonly maxCandidates: number;
  /** Wall-clock deadline (ms since the epoch), or null; and a cap on this worker's own bytes (candidates plus its heap), or null. */
  readonly deadline: number | null;
  readonly memoryBytes: number | null;
}

/**
 * Admit the level's candidates of this worker's shard: the candidate buffers of all
 * workers, read in worker order, each up to its count, and none at or after `cut`.
 */
export interface AdmitJob {
  readonly kind: 'admit';
  readonly outputs: readonly SharedArrayBuffer[];
  readonly candidates: readonly number[];
  readonly cut: { readonly w: number; readonly t: number } | null;
}

/** A violation a worker saw: the transition (parent id, action index, its local transition number t) and the invariant's index. */
export interface WorkerViolation {
  readonly parent: number;
  readonly action: number;
  readonly property: number;
  readonly t: number;
}

export type WorkerReply =
  | { readonly kind: 'ready'; readonly fingerprint: [number, number]; readonly invariants: string[]; readonly witnesses: string[]; readonly table: TableShare }
  /** `kept`: candidates this worker's shard admitted; `bytes`: its table's, `outputBytes`: its two candidate buffers'. */
  | { readonly kind: 'admitted'; readonly table: TableShare; readonly kept: number; readonly bytes: number; readonly outputBytes: number }
  | {
      readonly kind: 'done';
      readonly output: SharedArrayBuffer;
      readonly used: number;
      readonly candidates: number;
      readonly expanded: number;
      readonly transitions: number;
      readonly fired: [string, number][];
      /** Per witness: the local transition number that first reached it in this level, or -1. */
      readonly witnessAt: number[];
      /** First-violation mode: at most one; all-violations mode: the first of each invariant newly violated in this slice. */
      readonly violations: WorkerViolation[];
      /** All-violations mode: the transition after which every invariant was violated (the worker stopped there), or -1. */
      readonly fullAt: number;
      readonly stopped: WorkerStop | null;
      readonly heapBytes: number;
    }
  | { readonly kind: 'error'; readonly message: string; readonly usage: boolean };

/** Coordinator: make every write so far visible to a worker that `observe`s after this. */
export function publish(control: Int32Array): void {
  Atomics.add(control, 0, 1);
}

/** Worker: see every write the coordinator made before its last `publish`. */
export function observe(control: Int32Array): void {
  Atomics.load(control, 0);
}
