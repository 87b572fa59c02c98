/**
 * Every access to memory that userspace can see goes through here: frame
 * header fields and message bytes of the RX and TX rings. Memory is
 * sequentially consistent for now; a store-buffer mode (needed for B2) will
 * hook into `store` and `load` without touching the steps.
 *
 * Stores are recorded in the ghost event of the step so that the ownership
 * properties can judge who wrote which frame in which state.
 */
import { HDRLEN } from './constants.js';
import type { Frame, State } from './state.js';
import { ringOf } from './state.js';

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

/**
 * Load one field. A load through a stale address (a ring generation that was
 * freed, or no ring at all) is a use-after-free: it is recorded in the ghost
 * state and reads as zero (the model does not track what a reused page holds).
 */
export function load(s: State, r: FrameRef, field: FrameField): number {
  const f = live(s, r);
  if (f === null) {
    s.ghost.usedFreed = true;
    return 0;
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

/** Read without side effects, for step descriptions. */
export function peek(s: State, r: FrameRef, field: FrameField): number {
  const f = live(s, r);
  return f === null ? 0 : fieldOf(f, field);
}

export interface Writer {
  readonly thread: number;
  readonly kernel: boolean;
  /** False for hostile userspace (the sibling writer), which is exempt from the user ownership rule. */
  readonly conforming: boolean;
}

/**
 * Store fields of one frame (one step stores to one frame). The ghost event
 * records the status the frame had before, and the status stored, if any.
 */
export function store(s: State, w: Writer, r: FrameRef, fields: Partial<Record<FrameField, number>>): void {
  const f = live(s, r);
  const ev = s.ghost.last;
  ev.kind = w.kernel ? 'kstore' : 'ustore';
  ev.thread = w.thread;
  ev.ring = r.ring;
  ev.frame = r.frame;
  ev.conforming = w.conforming;
  ev.before = f === null ? -1 : f.status;
  ev.ownerBefore = f === null ? -1 : f.owner;
  ev.after = fields.status ?? -1;
  if (f === null) {
    s.ghost.usedFreed = true;
    return;
  }
  // Field by field with fixed names: each is a monomorphic store into the state vector.
  if (fields.status !== undefined) f.status = fields.status;
  if (fields.len !== undefined) f.len = fields.len;
  if (fields.group !== undefined) f.group = fields.group;
  if (fields.msg !== undefined) f.msg = fields.msg;
  if (fields.seq !== undefined) f.seq = fields.seq;
  if (fields.off !== undefined) f.off = fields.off;
  if (fields.owner !== undefined) f.owner = fields.owner;
}

/** Where the message of a frame starts, as userspace computes it (frame + NL_MMAP_HDRLEN). */
export const USER_MSG_OFFSET = HDRLEN;
