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
 */
const EMPTY = new Uint16Array(0);

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

  /**
   * `tags`: 32-bit tag words per state. `pool` holds chunks released by this and
   * other queues of one run and is drawn on before allocating.
   */
  constructor(
    private readonly tags: number,
    private readonly pool: Uint16Array[] = [],
  ) {}

  /** States written. */
  get length(): number {
    return this.written;
  }

  /** States written and not yet taken. */
  get size(): number {
    return this.written - this.taken;
  }

  /** Bytes of the chunks this queue holds (chunks handed back to the pool are not counted). */
  get bytes(): number {
    let n = 0;
    for (let i = this.readChunk; i < this.chunks.length; i++) n += this.chunks[i].byteLength;
    return n;
  }

  /** Append a state with its tag words (`tag` holds at least `tags` of them). */
  push(units: Uint16Array, tag: ArrayLike<number>): void {
    if (units.length > 0xffff) throw new RangeError(`state queue: a state of ${units.length} units exceeds 65535`);
    const need = 1 + 2 * this.tags + units.length;
    let last = this.chunks.length - 1;
    if (last < 0 || this.ends[last] + need > this.chunks[last].length) {
      const pooled = need <= StateQueue.CHUNK ? this.pool.pop() : undefined;
      this.chunks.push(pooled ?? new Uint16Array(Math.max(StateQueue.CHUNK, need)));
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
   * of its units, valid until the next `take` or `release`.
   */
  take(tag: Uint32Array): Uint16Array {
    if (this.taken === this.written) throw new RangeError('state queue: take from an empty queue');
    if (this.readAt === this.ends[this.readChunk]) {
      // The cursor leaves a chunk: no state in it is read again.
      this.recycle(this.readChunk);
      this.readChunk++;
      this.readAt = 0;
    }
    const d = this.chunks[this.readChunk];
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
  }

  private recycle(i: number): void {
    const chunk = this.chunks[i];
    if (chunk.length === StateQueue.CHUNK) this.pool.push(chunk);
    this.chunks[i] = EMPTY;
  }
}
