/**
 * Every access to memory that userspace can see goes through here: frame
 * header fields and message bytes of the RX and TX rings, under one of three
 * memory models (the scenario's `memory`, `--memory` on the command line):
 *
 * - `sc`: sequential consistency. A store is visible to every thread the moment
 *   it is made, and a load reads memory.
 * - `tso` (x86): each thread has a FIFO store buffer. Its stores wait there and
 *   become visible one at a time, oldest first (a `cpu.drain` action, which the
 *   engines interleave like any step). A thread's own loads see its buffered
 *   stores; other threads see memory, so a load can pass the thread's earlier
 *   stores, and nothing else is reordered.
 * - `weak` (arm64 / POWER, multi-copy atomic): the store buffer drains in any
 *   order except that two stores to the same location stay in order
 *   (coherence) and a store after a write barrier waits for every store before
 *   it. Loads can be satisfied early: at a status load with no barrier after it
 *   (a step's `window`), the header and message of that frame may be loaded
 *   before the status (a `cpu.early` action), and the thread's later loads of
 *   them return those values.
 *
 * Locations. A frame has three locations for ordering: its status word, the
 * rest of its header (nm_len, nm_group) and its message (the bytes at the
 * message offset: tag, id, where it starts). Reordering inside one of them is
 * not modelled; what the properties judge is the order of the status against
 * the other two.
 *
 * Barriers (smp_wmb, smp_rmb, smp_mb, lock acquire and release) are calls the
 * steps make where the code they model has them, each citing its source line.
 *
 * Bounds, stated in every report (memoryBounds): a store buffer holds at most
 * SB_CAP entries (a store to a full buffer first makes the oldest visible); a
 * thread holds at most EARLY_CAP early loads (one frame's header and message),
 * taken only at a window step and dropped at the thread's next barrier or at its
 * first step outside the window (StepDef.window / inWindow).
 *
 * Stores are recorded in the ghost event of the step so that the ownership
 * properties can judge who wrote which frame in which state; loads of a frame's
 * header and message that a property judges (loadPublished) record whether they
 * returned the value last stored in program order (PUBLISH-RX, PUBLISH-TX).
 */
import { HDRLEN, STATUS_NAMES } from './constants.js';
import type { Frame, MemoryModel, State, WordArea } from './state.js';
import { EARLY_CAP, ENTRY_WORDS, MEM_EARLY, MEM_FENCE, MEM_SB, SB_CAP, ringOf } from './state.js';

export type FrameField = 'status' | 'len' | 'group' | 'msg' | 'seq' | 'off' | 'owner';

/**
 * A frame address: ring, generation of the block array it was computed
 * against, and index. A thread that computed it before a ring swap still uses
 * the old generation: accesses to a freed generation go nowhere, and stores to
 * one are recorded as use-after-free.
 */
export interface FrameRef {
  readonly ring: number;
  readonly gen: number;
  readonly frame: number;
}

export function here(s: State, ring: number, frame: number): FrameRef {
  return { ring, gen: ringOf(s, ring).gen, frame };
}

function live(s: State, r: FrameRef): Frame | null {
  const ring = ringOf(s, r.ring);
  if (r.gen === 0 || ring.gen !== r.gen || r.frame < 0 || r.frame >= ring.frames.length) return null;
  return ring.frames[r.frame];
}

// ---------------------------------------------------------------------------------------------
// Locations and buffer entries.

/** The three ordering locations of a frame. */
export const LOC_STATUS = 0;
export const LOC_HEADER = 1;
export const LOC_MESSAGE = 2;
export const LOC_NAMES = ['status', 'header', 'message'] as const;

/**
 * Where each field lives: its location, and its slot in an entry (0: word A,
 * 1: byte B, 2: byte C), which is also its bit in the entry's mask.
 */
const LOC_OF: Readonly<Record<Exclude<FrameField, 'owner'>, number>> = { status: LOC_STATUS, len: LOC_HEADER, group: LOC_HEADER, off: LOC_MESSAGE, msg: LOC_MESSAGE, seq: LOC_MESSAGE };
const SLOT_OF: Readonly<Record<Exclude<FrameField, 'owner'>, number>> = { status: 0, len: 0, group: 1, off: 0, msg: 1, seq: 2 };
/** The fields of each location by slot, in the order they are written. */
const FIELDS_AT: readonly (readonly (Exclude<FrameField, 'owner'>)[])[] = [['status'], ['len', 'group'], ['off', 'msg', 'seq']];
/** The order in which one store() call's locations enter the buffer: the message, then the header, then the status (as the kernel's code writes a frame). */
const STORE_ORDER = [LOC_MESSAGE, LOC_HEADER, LOC_STATUS];

/**
 * An entry of a store buffer or of the early loads, four words:
 * w0 = present | ring << 1 | location << 2 | fence << 4 | mask << 5 | frame << 8 | hostile << 15;
 * w1 = ring generation | kernel << 14; w2 = slot 0 (a word); w3 = slot 1 | slot 2 << 8 (bytes).
 * `fence`: the entry is ordered after every entry before it (a write barrier came between).
 * `hostile`: written by a thread outside the protocol (the sibling writer), whose stores
 * publish nothing (settled() leaves them out). `kernel`: stored by kernel code (a store of
 * kernel code that lands in a freed ring generation is a use-after-free).
 */
export interface Entry {
  readonly ring: number;
  readonly gen: number;
  readonly frame: number;
  readonly loc: number;
  readonly fence: boolean;
  readonly hostile: boolean;
  readonly kernel: boolean;
  readonly mask: number;
  readonly values: readonly [number, number, number];
}

function entryAt(m: WordArea, base: number, i: number): Entry {
  const at = base + 1 + i * ENTRY_WORDS;
  const w0 = m.get(at);
  const w3 = m.get(at + 3);
  return {
    ring: (w0 >> 1) & 1,
    loc: (w0 >> 2) & 3,
    fence: ((w0 >> 4) & 1) === 1,
    hostile: w0 < 0,
    mask: (w0 >> 5) & 7,
    frame: (w0 >> 8) & 0x7f,
    gen: m.get(at + 1) & 0x3fff,
    kernel: ((m.get(at + 1) >> 14) & 1) === 1,
    values: [m.get(at + 2), (w3 << 24) >> 24, w3 >> 8],
  };
}

function putEntry(m: WordArea, base: number, i: number, e: Entry): void {
  const at = base + 1 + i * ENTRY_WORDS;
  if (e.frame < 0 || e.frame > 0x7f) throw new RangeError(`memory entry: frame ${e.frame} does not fit 7 bits`);
  const w0 = 1 | (e.ring << 1) | (e.loc << 2) | ((e.fence ? 1 : 0) << 4) | (e.mask << 5) | (e.frame << 8) | ((e.hostile ? 1 : 0) << 15);
  m.set(at, (w0 << 16) >> 16);
  if (e.gen < 0 || e.gen > 0x3fff) throw new RangeError(`memory entry: ring generation ${e.gen} does not fit 14 bits`);
  m.set(at + 1, e.gen | ((e.kernel ? 1 : 0) << 14));
  m.set(at + 2, e.values[0]);
  const [b, c] = [e.values[1], e.values[2]];
  if ((b << 24) >> 24 !== b || (c << 24) >> 24 !== c) throw new RangeError(`memory entry: values ${b}, ${c} do not fit a byte`);
  m.set(at + 3, (b & 0xff) | (c << 8));
}

function clearEntry(m: WordArea, base: number, i: number): void {
  const at = base + 1 + i * ENTRY_WORDS;
  for (let k = 0; k < ENTRY_WORDS; k++) m.set(at + k, 0);
}

function countOf(m: WordArea, base: number): number {
  return m.get(base);
}

/** Remove entry i of a list, keeping the order of the rest (and the vector canonical). */
function removeEntry(m: WordArea, base: number, i: number): void {
  const n = countOf(m, base);
  for (let j = i; j < n - 1; j++) putEntry(m, base, j, entryAt(m, base, j + 1));
  clearEntry(m, base, n - 1);
  m.set(base, n - 1);
}

const sameLoc = (e: Entry, r: FrameRef, loc: number): boolean => e.ring === r.ring && e.gen === r.gen && e.frame === r.frame && e.loc === loc;

/** The entries of a list, oldest first (for reports and tests). */
export function storeBuffer(s: State, ti: number): Entry[] {
  const m = s.threads[ti].mem;
  return m === null ? [] : Array.from({ length: countOf(m, MEM_SB) }, (_, i) => entryAt(m, MEM_SB, i));
}

export function earlyLoads(s: State, ti: number): Entry[] {
  const m = s.threads[ti].mem;
  return m === null ? [] : Array.from({ length: countOf(m, MEM_EARLY) }, (_, i) => entryAt(m, MEM_EARLY, i));
}

/** What an entry holds, as `nm_len 64, nm_group 0` (for reports). */
export function entryText(e: Entry): string {
  const names: Record<string, string> = { status: 'nm_status', len: 'nm_len', group: 'nm_group', off: 'message offset', msg: 'message', seq: 'id' };
  return FIELDS_AT[e.loc]
    .map((f, slot) => ((e.mask >> slot) & 1 ? `${names[f]} ${e.values[slot]}` : ''))
    .filter((x) => x !== '')
    .join(', ');
}

/** An entry as a line: `rx frame 0 nm_status = VALID`, `tx frame 1 header (nm_len 64)`. */
export function entryLine(e: Entry): string {
  const where = `${e.ring === 0 ? 'rx' : 'tx'} frame ${e.frame}`;
  if (e.loc === LOC_STATUS) return `${where} nm_status = ${STATUS_NAMES[e.values[0]] ?? e.values[0]}`;
  return `${where} ${LOC_NAMES[e.loc]} (${entryText(e)})`;
}

/** A buffered store as reports list it: `| ` first when a write barrier holds it behind the stores before it. */
export function bufferedLine(e: Entry): string {
  return `${e.fence ? '| ' : ''}${entryLine(e)}`;
}

function memoryOf(s: State): MemoryModel {
  return s.layout.memory;
}

// ---------------------------------------------------------------------------------------------
// Loads.

/** The value thread ti's load of `field` returns from its own buffer or early loads, or undefined (then it reads memory). */
function threadLocal(s: State, ti: number, r: FrameRef, field: Exclude<FrameField, 'owner'>): number | undefined {
  const m = s.threads[ti].mem;
  if (m === null) return undefined;
  const loc = LOC_OF[field];
  const slot = SLOT_OF[field];
  // Its own stores, newest first (store forwarding).
  for (let i = countOf(m, MEM_SB) - 1; i >= 0; i--) {
    const e = entryAt(m, MEM_SB, i);
    if (sameLoc(e, r, loc) && ((e.mask >> slot) & 1) === 1) return e.values[slot];
  }
  for (let i = 0; i < countOf(m, MEM_EARLY); i++) {
    const e = entryAt(m, MEM_EARLY, i);
    if (sameLoc(e, r, loc)) return e.values[slot];
  }
  return undefined;
}

/**
 * Thread ti loads one field. A load through a stale address (a ring generation
 * that was freed, or no ring at all) is a use-after-free: it is recorded in the
 * ghost state and reads as zero (the model does not track what a reused page holds).
 */
export function load(s: State, ti: number, r: FrameRef, field: FrameField): number {
  const f = live(s, r);
  if (f === null) {
    s.ghost.usedFreed = true;
    return 0;
  }
  if (field !== 'owner') {
    const v = threadLocal(s, ti, r, field);
    if (v !== undefined) return v;
  }
  return fieldOf(f, field);
}

function fieldOf(f: Frame, field: FrameField): number {
  switch (field) {
    case 'status': return f.status;
    case 'len': return f.len;
    case 'group': return f.group;
    case 'msg': return f.msg;
    case 'seq': return f.seq;
    case 'off': return f.off;
    case 'owner': return f.owner;
  }
}

/** What thread ti would load, without side effects, for step descriptions. */
export function peek(s: State, ti: number, r: FrameRef, field: FrameField): number {
  const f = live(s, r);
  if (f === null) return 0;
  if (field !== 'owner') {
    const v = threadLocal(s, ti, r, field);
    if (v !== undefined) return v;
  }
  return fieldOf(f, field);
}

/** What memory holds, as every thread without a buffered store of its own would load it. */
export function visible(s: State, r: FrameRef, field: FrameField): number {
  const f = live(s, r);
  return f === null ? 0 : fieldOf(f, field);
}

/**
 * The value of a field once every buffered store has become visible: the
 * newest buffered store to it, or memory. (Two threads with buffered stores to
 * the same field is a write-write race the ownership properties judge; the
 * first thread's is taken.)
 */
export function settled(s: State, r: FrameRef, field: Exclude<FrameField, 'owner'>): number {
  if (memoryOf(s) !== 'sc') {
    const loc = LOC_OF[field];
    const slot = SLOT_OF[field];
    for (const t of s.threads) {
      const m = t.mem as WordArea;
      for (let i = countOf(m, MEM_SB) - 1; i >= 0; i--) {
        const e = entryAt(m, MEM_SB, i);
        if (!e.hostile && sameLoc(e, r, loc) && ((e.mask >> slot) & 1) === 1) return e.values[slot];
      }
    }
  }
  return visible(s, r, field);
}

/**
 * A load of a frame's header or message after the thread saw the frame's
 * status hand it over (RX: the consumer saw VALID; TX: the kernel saw VALID).
 * Publication holds if it returns what the publisher stored before the status,
 * which is the settled value; if not, the step records it for PUBLISH-RX/TX.
 */
export function loadPublished(s: State, ti: number, r: FrameRef, field: Exclude<FrameField, 'owner' | 'status'>): number {
  const v = load(s, ti, r, field);
  if (memoryOf(s) === 'sc' || live(s, r) === null) return v;
  const want = settled(s, r, field);
  if (v !== want) s.ghost.noteStale(r.ring, r.frame, field, v, want, ti);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Stores.

export interface Writer {
  readonly thread: number;
  readonly kernel: boolean;
  /** False for hostile userspace (the sibling writer), which is exempt from the user ownership rule. */
  readonly conforming: boolean;
}

/**
 * Store fields of one frame (one step stores to one frame). The ghost event
 * records the status the frame had before, as the writer sees it, and the
 * status stored, if any. Under tso and weak the stores enter the writer's
 * buffer (the ghost owner, which only properties read, is set at once).
 */
export function store(s: State, w: Writer, r: FrameRef, fields: Partial<Record<FrameField, number>>): void {
  const f = live(s, r);
  const ev = s.ghost.last;
  ev.kind = w.kernel ? 'kstore' : 'ustore';
  ev.thread = w.thread;
  ev.ring = r.ring;
  ev.frame = r.frame;
  ev.conforming = w.conforming;
  ev.before = f === null ? -1 : peek(s, w.thread, r, 'status');
  ev.ownerBefore = f === null ? -1 : f.owner;
  ev.after = fields.status ?? -1;
  if (f === null) {
    s.ghost.usedFreed = true;
    return;
  }
  if (fields.owner !== undefined) f.owner = fields.owner;
  const m = s.threads[w.thread].mem;
  if (m !== null) return buffer(s, w, m, r, fields);
  // Field by field with fixed names: each is a monomorphic store into the state vector.
  if (fields.status !== undefined) f.status = fields.status;
  if (fields.len !== undefined) f.len = fields.len;
  if (fields.group !== undefined) f.group = fields.group;
  if (fields.msg !== undefined) f.msg = fields.msg;
  if (fields.seq !== undefined) f.seq = fields.seq;
  if (fields.off !== undefined) f.off = fields.off;
}

/** Append one entry per location the store writes (message, header, status), each after the write barrier if one was passed. */
function buffer(s: State, w: Writer, m: WordArea, r: FrameRef, fields: Partial<Record<FrameField, number>>): void {
  const ti = w.thread;
  for (const loc of STORE_ORDER) {
    let mask = 0;
    const values: [number, number, number] = [0, 0, 0];
    FIELDS_AT[loc].forEach((name, slot) => {
      const x = fields[name];
      if (x === undefined) return;
      mask |= 1 << slot;
      values[slot] = x;
    });
    if (mask === 0) continue;
    // The bound: a full buffer first makes its oldest store visible.
    if (countOf(m, MEM_SB) === SB_CAP) drain(s, ti, 0);
    const n = countOf(m, MEM_SB);
    const fence = memoryOf(s) === 'weak' && n > 0 && m.get(MEM_FENCE) === 1;
    putEntry(m, MEM_SB, n, { ring: r.ring, gen: r.gen, frame: r.frame, loc, fence, hostile: !w.conforming, kernel: w.kernel, mask, values });
    m.set(MEM_SB, n + 1);
    m.set(MEM_FENCE, 0);
  }
}

/** Make entry i of thread ti's buffer visible (write it into the frame, if its ring generation is still live). */
export function drain(s: State, ti: number, i: number): void {
  const m = s.threads[ti].mem as WordArea;
  const e = entryAt(m, MEM_SB, i);
  const f = live(s, e);
  if (f === null) {
    // The ring generation it was stored to has been freed since: a kernel store lands in freed memory.
    // (A writer that synchronised with the free, through a lock or a barrier, would have drained it first.
    // A user store goes through the mapping, which keeps its pages until munmap, a barrier.)
    if (e.kernel) s.ghost.usedFreed = true;
  } else {
    FIELDS_AT[e.loc].forEach((name, slot) => {
      if (((e.mask >> slot) & 1) === 0) return;
      (f as unknown as Record<string, number>)[name] = e.values[slot];
    });
  }
  removeEntry(m, MEM_SB, i);
  const n = countOf(m, MEM_SB);
  // Canonical form: the oldest entry has nothing before it to be ordered after, and a barrier with nothing before it orders nothing.
  if (n > 0 && i === 0) {
    const first = entryAt(m, MEM_SB, 0);
    if (first.fence) putEntry(m, MEM_SB, 0, { ...first, fence: false });
  }
  if (n === 0) m.set(MEM_FENCE, 0);
}

/**
 * The entries of thread ti's buffer that may become visible next: under tso
 * the oldest; under weak any entry with no write barrier before it in the
 * buffer and no older entry to the same location.
 */
export function drainable(s: State, ti: number): number[] {
  const m = s.threads[ti].mem;
  if (m === null) return [];
  const n = countOf(m, MEM_SB);
  if (n === 0) return [];
  if (memoryOf(s) === 'tso') return [0];
  const out: number[] = [];
  const seen: Entry[] = [];
  for (let i = 0; i < n; i++) {
    const e = entryAt(m, MEM_SB, i);
    if (i > 0 && e.fence) break;
    if (!seen.some((o) => o.ring === e.ring && o.gen === e.gen && o.frame === e.frame && o.loc === e.loc)) out.push(i);
    seen.push(e);
  }
  return out;
}

/** Make every buffered store of thread ti visible, in program order. */
function flush(s: State, ti: number): void {
  const m = s.threads[ti].mem;
  if (m === null) return;
  while (countOf(m, MEM_SB) > 0) drain(s, ti, 0);
}

function dropEarly(m: WordArea): void {
  for (let i = countOf(m, MEM_EARLY) - 1; i >= 0; i--) clearEntry(m, MEM_EARLY, i);
  m.set(MEM_EARLY, 0);
}

// ---------------------------------------------------------------------------------------------
// Barriers. Each is called by the step whose code has it, which cites the line.

/** smp_wmb() / a store-release's ordering of earlier stores: stores after it become visible after every store before it. */
export function wmb(s: State, ti: number): void {
  const m = s.threads[ti].mem;
  if (m === null || memoryOf(s) !== 'weak' || countOf(m, MEM_SB) === 0) return;
  m.set(MEM_FENCE, 1);
}

/** smp_rmb() / a load-acquire: loads after it are satisfied after it, so no early load crosses it. */
export function rmb(s: State, ti: number): void {
  const m = s.threads[ti].mem;
  if (m !== null && countOf(m, MEM_EARLY) > 0) dropEarly(m);
}

/** smp_mb(): every earlier store is visible and no later load was satisfied before it. */
export function mb(s: State, ti: number): void {
  flush(s, ti);
  rmb(s, ti);
}

/**
 * Taking a lock (spin_lock, mutex_lock): an acquire. On x86 it is a locked
 * instruction, a full barrier; on weak CPUs later loads wait for it.
 */
export function acquire(s: State, ti: number): void {
  if (memoryOf(s) === 'tso') return mb(s, ti);
  rmb(s, ti);
}

/**
 * Dropping a lock (spin_unlock, mutex_unlock): a release. The lock word itself
 * is not buffered here, so the thread's earlier stores become visible before
 * the unlock does. (Slightly stronger than a release on weak CPUs, which would
 * let a store after the unlock overtake them.)
 */
export function release(s: State, ti: number): void {
  flush(s, ti);
}

// ---------------------------------------------------------------------------------------------
// Early loads (weak only).

/** The locations of `r` thread ti may load early now (at most EARLY_CAP, not one it already has). */
export function earlyChoices(s: State, ti: number, r: FrameRef | null): number[] {
  const m = s.threads[ti].mem;
  if (r === null || m === null || memoryOf(s) !== 'weak' || live(s, r) === null) return [];
  const n = countOf(m, MEM_EARLY);
  if (n >= EARLY_CAP) return [];
  const out: number[] = [];
  for (const loc of [LOC_HEADER, LOC_MESSAGE]) {
    let have = false;
    for (let i = 0; i < n; i++) if (sameLoc(entryAt(m, MEM_EARLY, i), r, loc)) have = true;
    if (!have) out.push(loc);
  }
  return out;
}

/** Thread ti loads location `loc` of `r` now, ahead of its program: its later loads of it return these values. */
export function loadEarly(s: State, ti: number, r: FrameRef, loc: number): void {
  const m = s.threads[ti].mem as WordArea;
  // Another frame's early loads belong to a window the thread has left.
  for (let i = countOf(m, MEM_EARLY) - 1; i >= 0; i--) if (entryAt(m, MEM_EARLY, i).frame !== r.frame || entryAt(m, MEM_EARLY, i).ring !== r.ring) removeEntry(m, MEM_EARLY, i);
  const values: [number, number, number] = [0, 0, 0];
  FIELDS_AT[loc].forEach((name, slot) => (values[slot] = peek(s, ti, r, name)));
  const n = countOf(m, MEM_EARLY);
  putEntry(m, MEM_EARLY, n, { ring: r.ring, gen: r.gen, frame: r.frame, loc, fence: false, hostile: false, kernel: false, mask: (1 << FIELDS_AT[loc].length) - 1, values });
  m.set(MEM_EARLY, n + 1);
  // A canonical order: by location.
  if (n === 1 && entryAt(m, MEM_EARLY, 0).loc > loc) {
    const a = entryAt(m, MEM_EARLY, 0);
    putEntry(m, MEM_EARLY, 0, entryAt(m, MEM_EARLY, 1));
    putEntry(m, MEM_EARLY, 1, a);
  }
}

/** Thread ti left the window its early loads were taken for: they are forgotten. */
export function leaveWindow(s: State, ti: number): void {
  const m = s.threads[ti].mem;
  if (m !== null && countOf(m, MEM_EARLY) > 0) dropEarly(m);
}

export function hasEarly(s: State, ti: number): boolean {
  const m = s.threads[ti].mem;
  return m !== null && countOf(m, MEM_EARLY) > 0;
}

/** The bounds a check under this memory model explored within, for reports. */
export function memoryBounds(model: MemoryModel): string {
  if (model === 'sc') return 'sequentially consistent: every store visible at once';
  const sb = `store buffers of at most ${SB_CAP} entries per thread (a store to a full buffer first makes the oldest visible)`;
  if (model === 'tso') return `tso: FIFO ${sb}`;
  return `weak: ${sb}, drained in any order a barrier allows; at most ${EARLY_CAP} early loads per thread (one frame's header and message, at a status load with no barrier after it)`;
}

/** Where the message of a frame starts, as userspace computes it (frame + NL_MMAP_HDRLEN). */
export const USER_MSG_OFFSET = HDRLEN;
