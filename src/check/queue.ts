/**
 * A first-in first-out queue of encoded states for one BFS level: each record
 * is [length, tag words..., units...] in 16-bit units, back to back in
 * fixed-size chunks. BFS writes a whole level, then reads it once in order, so
 * the queue needs no index per state: a read cursor walks the records, and a
 * chunk goes back to the shared pool as soon as the cursor leaves it, to be
 * reused by the level being written (touching fresh memory costs a page fault
 * per 4 KiB, which was over a quarter of a large BFS before chunks were reused).
 *
 * Tag words are a fixed number of 32-bit values stored with each state (BFS
 * keeps the state's id and its fingerprint there), so that nothing per state
 * lives outside the chunks.
 *
 * Spilling (`spill`, BFS's diskQueue): every chunk but the one being written is
 * written to a file in the temporary directory as soon as it is full, and read
 * back into one reused buffer when the cursor reaches it, so a queue holds at
 * most two chunks in memory however long the level. With `spillAfter` only the
 * chunks past the first so many are (BFS's default). The file is unlinked as
 * soon as it is opened where the system allows it (POSIX: it lives on until its
 * descriptor is closed, so even a killed process leaves nothing behind), else
 * when the queue is released.
 */
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const EMPTY = new Uint16Array(0);

export interface QueueOptions {
  /** Keep full chunks in a temporary file instead of memory. */
  readonly spill?: boolean;
  /**
   * Spill only past this many chunks written: the first ones stay in memory and every
   * later full chunk goes to the file (BFS's default, so that small levels never touch
   * the disk and a large one cannot outgrow memory). Ignored when `spill` is set.
   */
  readonly spillAfter?: number;
  /** Units per chunk; StateQueue.CHUNK unless given (tests use small chunks to span many cheaply). */
  readonly chunkUnits?: number;
  /** Directory of the spill file; the system's temporary directory unless given. */
  readonly dir?: string;
}

let spillFiles = 0;

/** Chunks written to spill files by this process so far (tests read it to see that a run did spill). */
export const spillCounter = { chunks: 0 };

export class StateQueue {
  /** Units per chunk (2 MiB). A state longer than a chunk gets a chunk of its own size. */
  static readonly CHUNK = 1 << 20;
  private readonly chunks: Uint16Array[] = [];
  /** Units written into each chunk; the last entry grows as the last chunk fills. */
  private readonly ends: number[] = [];
  private written = 0;
  private taken = 0;
  private readChunk = 0;
  private readAt = 0;
  private readonly chunkUnits: number;
  private readonly spill: boolean;
  private readonly spillAfter: number;
  // Spilling: the file, where each spilled chunk starts in it, and the buffer the chunk being read is loaded into.
  private fd = -1;
  /** The spill file's path while it is still to be unlinked. */
  private path = '';
  private readonly offsets: number[] = [];
  private fileEnd = 0;
  private readBuf: Uint16Array | null = null;
  private loaded = -1;

  /**
   * `tags`: 32-bit tag words per state. `pool` holds chunks released by this and
   * other queues of one run (of one chunk size) and is drawn on before allocating.
   */
  constructor(
    private readonly tags: number,
    private readonly pool: Uint16Array[] = [],
    private readonly options: QueueOptions = {},
  ) {
    this.chunkUnits = options.chunkUnits ?? StateQueue.CHUNK;
    this.spill = options.spill === true;
    this.spillAfter = this.spill ? 0 : (options.spillAfter ?? Infinity);
  }

  /** States written. */
  get length(): number {
    return this.written;
  }

  /** States written and not yet taken. */
  get size(): number {
    return this.written - this.taken;
  }

  /**
   * Bytes of the chunks this queue holds in memory (chunks handed back to the pool,
   * and spilled chunks, are not counted; the buffer a spilled chunk is read into is).
   */
  get bytes(): number {
    let n = this.readBuf ? this.readBuf.byteLength : 0;
    for (let i = this.readChunk; i < this.chunks.length; i++) n += this.chunks[i].byteLength;
    return n;
  }

  /** Bytes written to the spill file so far. */
  get spilledBytes(): number {
    return this.fileEnd;
  }

  /** Append a state with its tag words (`tag` holds at least `tags` of them). */
  push(units: Uint16Array, tag: ArrayLike<number>): void {
    if (units.length > 0xffff) throw new RangeError(`state queue: a state of ${units.length} units exceeds 65535`);
    const need = 1 + 2 * this.tags + units.length;
    let last = this.chunks.length - 1;
    if (last < 0 || this.ends[last] + need > this.chunks[last].length) {
      // Spilling: the full chunk goes to the file and its memory to the pool, to be drawn on just below.
      if (last >= this.spillAfter) this.spillChunk(last);
      const pooled = need <= this.chunkUnits ? this.pool.pop() : undefined;
      this.chunks.push(pooled ?? new Uint16Array(Math.max(this.chunkUnits, need)));
      this.ends.push(0);
      last++;
    }
    const d = this.chunks[last];
    let at = this.ends[last];
    d[at++] = units.length;
    for (let k = 0; k < this.tags; k++) {
      const v = tag[k];
      d[at++] = v & 0xffff;
      d[at++] = v >>> 16;
    }
    d.set(units, at);
    this.ends[last] = at + units.length;
    this.written++;
  }

  /**
   * Take the oldest state: its tag words go into `tag`, and the result is a view
   * of its units, valid until the next `take` or `release` (and, spilling, `push`).
   */
  take(tag: Uint32Array): Uint16Array {
    if (this.taken === this.written) throw new RangeError('state queue: take from an empty queue');
    if (this.readAt === this.ends[this.readChunk]) {
      // The cursor leaves a chunk: no state in it is read again.
      this.recycle(this.readChunk);
      this.readChunk++;
      this.readAt = 0;
    }
    let d = this.chunks[this.readChunk];
    if (d === EMPTY) d = this.load(this.readChunk);
    let at = this.readAt;
    const n = d[at++];
    for (let k = 0; k < this.tags; k++, at += 2) tag[k] = d[at] | (d[at + 1] << 16);
    this.readAt = at + n;
    this.taken++;
    return d.subarray(at, at + n);
  }

  /** Done with this queue: its chunks go back to the pool (views from `take` become invalid). */
  release(): void {
    for (let i = this.readChunk; i < this.chunks.length; i++) this.recycle(i);
    this.chunks.length = 0;
    this.ends.length = 0;
    this.written = this.taken = this.readChunk = this.readAt = 0;
    if (this.readBuf && this.readBuf.length === this.chunkUnits) this.pool.push(this.readBuf);
    this.readBuf = null;
    this.loaded = -1;
    this.offsets.length = 0;
    this.fileEnd = 0;
    if (this.fd >= 0) {
      const fd = this.fd;
      this.fd = -1;
      try {
        closeSync(fd);
      } finally {
        if (this.path) unlinkSync(this.path);
        this.path = '';
      }
    }
  }

  private recycle(i: number): void {
    const chunk = this.chunks[i];
    if (chunk.length === this.chunkUnits) this.pool.push(chunk);
    this.chunks[i] = EMPTY;
  }

  /** Write chunk `i` (full, or closed by a state too long for it) to the spill file and free its memory. */
  private spillChunk(i: number): void {
    if (this.fd < 0) this.open();
    const chunk = this.chunks[i];
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, this.ends[i] * 2);
    this.offsets[i] = this.fileEnd;
    for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done, bytes.length - done, this.fileEnd + done);
    this.fileEnd += bytes.length;
    spillCounter.chunks++;
    // A chunk being read is reloaded from the file at the next take.
    if (this.loaded === i) this.loaded = -1;
    this.recycle(i);
  }

  /** Read spilled chunk `i` back into the reused read buffer. */
  private load(i: number): Uint16Array {
    const units = this.ends[i];
    if (this.loaded !== i) {
      if (!this.readBuf || this.readBuf.length < units) {
        if (this.readBuf && this.readBuf.length === this.chunkUnits) this.pool.push(this.readBuf);
        this.readBuf = (units <= this.chunkUnits ? this.pool.pop() : undefined) ?? new Uint16Array(Math.max(this.chunkUnits, units));
      }
      const bytes = new Uint8Array(this.readBuf.buffer, this.readBuf.byteOffset, units * 2);
      for (let done = 0; done < bytes.length; ) {
        const n = readSync(this.fd, bytes, done, bytes.length - done, this.offsets[i] + done);
        if (n === 0) throw new Error(`state queue: spill file ended early at chunk ${i}`);
        done += n;
      }
      this.loaded = i;
    }
    return this.readBuf as Uint16Array;
  }

  private open(): void {
    const path = join(this.options.dir ?? tmpdir(), `nlring-queue-${process.pid}-${++spillFiles}-${Date.now().toString(36)}`);
    // 'wx+': create it (never reuse someone's file), read and write.
    this.fd = openSync(path, 'wx+', 0o600);
    this.path = path;
    if (process.platform !== 'win32') {
      unlinkSync(path);
      this.path = '';
    }
  }
}
