/**
 * Parent links of a breadth-first search: for each state id, the id of the state
 * it was first reached from and the index of the action that reached it. They are
 * written once, in id order, and read only to rebuild a counterexample, a few
 * hundred random reads at the end of a run. So, as TLC keeps its trace file on
 * disk, the links may live in a file: past `keepChunks` chunks of a million
 * links, every full chunk is written to a file in the temporary directory and
 * its memory reused, and a link is read back with one positioned read. Memory is
 * then the fingerprint table alone, plus a fixed few chunks.
 *
 * A link is a 32-bit parent and an 8-bit action index in memory and in the
 * file; the rare action index above 255 (a state with that many enabled actions)
 * is kept in a map beside them.
 */
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The parent of the initial state. */
export const NO_PARENT = 0xffffffff;
const SHIFT = 20;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;
/** Links the first chunk starts with. */
const FIRST = 1 << 16;

let files = 0;

export class LinkLog {
  /** Parents and actions per chunk; a chunk written to the file is null here. */
  private readonly parents: (Uint32Array | null)[] = [];
  private readonly actions: (Uint8Array | null)[] = [];
  /** Action indices above 255, by state id. */
  private readonly wide = new Map<number, number>();
  private count = 0;
  private fd = -1;
  /** The file's path where it could not be unlinked while open (Windows), to delete on close. */
  private path = '';
  private readonly one = new Uint8Array(5);

  /** `keepChunks`: chunks kept in memory before later full ones go to the file (Infinity: never). */
  constructor(private readonly keepChunks = Infinity) {}

  /** Links stored (the next state id). */
  get length(): number {
    return this.count;
  }

  /** Bytes held in memory. */
  get bytes(): number {
    let n = 0;
    for (const p of this.parents) if (p) n += p.byteLength;
    for (const a of this.actions) if (a) n += a.byteLength;
    return n;
  }

  /** Store the link of the next state id (NO_PARENT for the initial state); returns that id. */
  push(parent: number, action: number): number {
    if (action > 0xffff) throw new RangeError(`action index ${action} exceeds 65535`);
    const id = this.count;
    const c = id >>> SHIFT;
    if (c === this.parents.length) {
      // The previous chunk is full: past the ones kept, it goes to the file and its memory is reused here.
      const reuse = c > this.keepChunks ? this.spill(c - 1) : undefined;
      // A run's first chunk starts small and doubles up to a whole chunk, so small runs hold little.
      this.parents.push(reuse?.p ?? new Uint32Array(c === 0 ? FIRST : CHUNK));
      this.actions.push(reuse?.a ?? new Uint8Array(c === 0 ? FIRST : CHUNK));
    } else if ((id & MASK) === (this.parents[c] as Uint32Array).length) {
      const p = new Uint32Array(Math.min(CHUNK, 2 * (id & MASK)));
      p.set(this.parents[c] as Uint32Array);
      this.parents[c] = p;
      const a = new Uint8Array(p.length);
      a.set(this.actions[c] as Uint8Array);
      this.actions[c] = a;
    }
    (this.parents[c] as Uint32Array)[id & MASK] = parent;
    (this.actions[c] as Uint8Array)[id & MASK] = action & 0xff;
    if (action > 0xff) this.wide.set(id, action);
    this.count++;
    return id;
  }

  parentOf(id: number): number {
    const p = this.parents[id >>> SHIFT];
    if (p) return p[id & MASK];
    this.read(id);
    return (this.one[0] | (this.one[1] << 8) | (this.one[2] << 16) | (this.one[3] << 24)) >>> 0;
  }

  actionOf(id: number): number {
    const w = this.wide.get(id);
    if (w !== undefined) return w;
    const a = this.actions[id >>> SHIFT];
    if (a) return a[id & MASK];
    this.read(id);
    return this.one[4];
  }

  /** The action indices from the initial state to `id`. */
  pathTo(id: number): number[] {
    const indices: number[] = [];
    for (let at = id; this.parentOf(at) !== NO_PARENT; at = this.parentOf(at)) indices.push(this.actionOf(at));
    return indices.reverse();
  }

  /** Done: close and delete the file, if there is one (reads are refused after). */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    if (this.path) unlinkSync(this.path);
    this.path = '';
  }

  /** Write chunk `c` to the file, as (parent little-endian, action) records, and hand back its arrays. */
  private spill(c: number): { p: Uint32Array; a: Uint8Array } {
    if (this.fd < 0) this.open();
    const p = this.parents[c] as Uint32Array;
    const a = this.actions[c] as Uint8Array;
    const buf = new Uint8Array(CHUNK * 5);
    for (let i = 0, at = 0; i < CHUNK; i++, at += 5) {
      const v = p[i];
      buf[at] = v & 0xff;
      buf[at + 1] = (v >>> 8) & 0xff;
      buf[at + 2] = (v >>> 16) & 0xff;
      buf[at + 3] = v >>> 24;
      buf[at + 4] = a[i];
    }
    const where = c * CHUNK * 5;
    for (let done = 0; done < buf.length; ) done += writeSync(this.fd, buf, done, buf.length - done, where + done);
    this.parents[c] = null;
    this.actions[c] = null;
    return { p, a };
  }

  private read(id: number): void {
    if (id >= this.count || this.fd < 0) throw new RangeError(`no link for state ${id}`);
    for (let done = 0; done < 5; ) {
      const n = readSync(this.fd, this.one, done, 5 - done, id * 5 + done);
      if (n === 0) throw new Error(`link file ended early at state ${id}`);
      done += n;
    }
  }

  private open(): void {
    const path = join(tmpdir(), `nlring-links-${process.pid}-${++files}-${Date.now().toString(36)}`);
    this.fd = openSync(path, 'wx+', 0o600);
    // POSIX: the file lives on until its descriptor is closed, so nothing is left behind.
    if (process.platform !== 'win32') unlinkSync(path);
    else this.path = path;
  }
}
