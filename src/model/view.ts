/**
 * The state as structured, JSON-able data for reports: the text timeline diffs two
 * views, the HTML report draws its SVG rings from them, ITF traces and JSON replays
 * carry them. `render.ts` draws the same state as text for people; this is for
 * programs, so every value is named and nothing is abbreviated.
 *
 * A frame's holder is part of the view because a free UNUSED frame and an UNUSED
 * frame that a kernel thread has claimed for a COPY (netlink_ring_set_copied, 4.5)
 * look the same in the status word: only who holds it tells them apart.
 * Pure: no I/O.
 */
import { bufferedLine, earlyLoads, entryLine, storeBuffer } from './mem.js';
import { POLLERR, POLLIN, POLLOUT, RESERVED, RING_NAMES, SKIP, STATUS_NAMES, UNUSED, errnoName } from './constants.js';
import { labelAt, type Ctx, type StepAction } from './step.js';
import { SKB_NONE, SKB_PLAIN, SKB_RX, SKB_TX, type Ring, type State } from './state.js';

/** Who holds a frame besides its status word: a kernel thread that reserved or claimed it, or a consumer that keeps it as SKIP. */
export interface FrameHolder {
  readonly thread: string;
  /**
   * `reserved`: a kernel thread reserved it (netlink_alloc_skb) and has not published it;
   * `claimed`: a kernel thread claimed it at the head for a COPY and has not yet written COPY;
   * `copying`: a kernel thread holds it while writing it (status COPY or another kernel-owned state);
   * `held`: a consumer keeps it (status SKIP) to release later.
   */
  readonly how: 'reserved' | 'claimed' | 'copying' | 'held';
}

export interface FrameView {
  readonly index: number;
  readonly status: (typeof STATUS_NAMES)[number];
  /** nm_len. */
  readonly len: number;
  /** Message tag in the frame (0 = none) and the id it carries (0 = none). */
  readonly msg: number;
  readonly seq: number;
  /** Offset of the message from the frame start (24 = NL_MMAP_HDRLEN, anything else is a moved message). */
  readonly offset: number;
  readonly holder: FrameHolder | null;
  /** The kernel's head is on this frame. */
  readonly kernelHead: boolean;
  /** Userspace threads whose private cursor is on this frame. */
  readonly cursors: readonly string[];
}

export interface RingView {
  readonly name: 'rx' | 'tx';
  /** A ring is installed (pg_vec != NULL). */
  readonly present: boolean;
  /** Generation of the installed block array (a swap installs a new one). */
  readonly generation: number;
  readonly head: number;
  /** atomic_t pending: live ring-backed skbs. */
  readonly pending: number;
  readonly frameSize: number;
  readonly frames: readonly FrameView[];
}

export interface QueuedView {
  readonly msg: number;
  readonly seq: number;
  /** The COPY frame queued with this skb, -1 for none. */
  readonly frame: number;
}

export interface SocketView {
  /** nlk->mapped: live VMAs. */
  readonly mapped: number;
  readonly fileRefs: number;
  readonly skErr: string;
  readonly congested: boolean;
  readonly drops: number;
  readonly receiveQueue: readonly QueuedView[];
  /** sk_rmem_alloc in ordinary skbs. */
  readonly rmem: number;
  readonly dump: { readonly running: boolean; readonly part: number };
  readonly released: boolean;
  readonly destructed: boolean;
  /** Lock name to the thread holding it; free locks are absent. */
  readonly locks: Readonly<Record<string, string>>;
  /** Another socket bound this socket's port id after release, and what it has queued. */
  readonly otherSocket: { readonly bound: boolean; readonly queued: number };
}

export interface SkbView {
  readonly kind: 'ordinary' | 'ring-rx' | 'ring-tx';
  /** The frame a ring skb points into, -1 for an ordinary one. */
  readonly frame: number;
  readonly msg: number;
  readonly seq: number;
  readonly len: number;
}

export interface ThreadView {
  readonly name: string;
  /** The program the thread runs (producer, consumer, txuser, sibling, forker, setup). */
  readonly program: string;
  /** The step label it is at (`done` when finished) and the labels it returns to. */
  readonly pc: string;
  readonly stack: readonly string[];
  /** The skb the thread has in flight, if any. */
  readonly skb: SkbView | null;
  /** RX frames the thread keeps as SKIP (consumers). */
  readonly held: readonly number[];
  /**
   * The mask netlink_poll returned to this thread in the step that led to this state,
   * as names (`POLLIN`, `POLLIN|POLLOUT`, `0` for none), or null when its poll did not
   * return in that step. Taken from the step's `poll-return` note: the thread's own
   * `mask` local is already cleared by the caller's code that runs in the same step.
   * Always present (null when it says nothing), so ITF gives it one type (an option).
   */
  readonly pollMask: string | null;
  /**
   * Under --memory tso and weak (absent under sc): the stores waiting in this thread's
   * store buffer, oldest first, and the loads it has satisfied ahead of its program, each
   * as `rx frame 0 nm_status = VALID` / `rx frame 0 header (nm_len 64)`; a store after a
   * write barrier is marked `| ` (it waits for every store before it).
   */
  readonly memory?: { readonly buffered: readonly string[]; readonly early: readonly string[] };
}

export interface StateView {
  readonly rings: readonly [RingView, RingView];
  readonly socket: SocketView;
  readonly threads: readonly ThreadView[];
  /** The subsystem lock under which message ids are handed out: its holder, or null. */
  readonly idLock: string | null;
}

/** The step an action takes: lane, thread, label and the kernel (or userspace) code it models. */
export interface StepInfo {
  readonly lane: 'kernel' | 'user';
  readonly actor: string;
  readonly label: string;
  readonly cites: string;
}

const SKB_KINDS: Record<number, SkbView['kind']> = { [SKB_PLAIN]: 'ordinary', [SKB_RX]: 'ring-rx', [SKB_TX]: 'ring-tx' };

function holderOf(c: Ctx, s: State, ringIndex: number, i: number): FrameHolder | null {
  const f = (ringIndex === 0 ? s.sock.rx : s.sock.tx).frames[i];
  if (f.owner >= 0) {
    const how = f.status === RESERVED ? 'reserved' : f.status === UNUSED ? 'claimed' : 'copying';
    return { thread: c.threads[f.owner].name, how };
  }
  if (ringIndex === 0 && f.status === SKIP) {
    const ti = s.threads.findIndex((t) => t.l.held.toArray().includes(i));
    if (ti >= 0) return { thread: c.threads[ti].name, how: 'held' };
  }
  return null;
}

/** A poll mask as the names of its bits (asm-generic/poll.h order), `0` for none; an unknown bit as hex. */
export function pollMaskName(mask: number): string {
  const names: string[] = [];
  let rest = mask;
  for (const [bit, name] of [[POLLIN, 'POLLIN'], [POLLOUT, 'POLLOUT'], [POLLERR, 'POLLERR']] as const) {
    if ((mask & bit) !== 0) names.push(name);
    rest &= ~bit;
  }
  if (rest !== 0) names.push(`0x${rest.toString(16)}`);
  return names.length > 0 ? names.join('|') : '0';
}

/** What poll returned to thread `ti` in the last step (its `poll-return` note), or null. */
function pollReturned(s: State, ti: number): string | null {
  const g = s.ghost;
  return g.note === 'poll-return' && g.noteThread === ti ? pollMaskName(g.noteValue) : null;
}

/** Which userspace threads keep a private cursor on which ring (the same rule as the text drawing). */
function cursorsOn(c: Ctx, s: State, ringIndex: number, frame: number): string[] {
  const names: string[] = [];
  s.threads.forEach((t, ti) => {
    const spec = c.threads[ti];
    const prog = spec.program;
    const verdicts = prog === 'consumer' && (spec as { params: { verdicts?: number } }).params.verdicts;
    const uses = ringIndex === 0 ? prog === 'consumer' : prog === 'txuser' || Boolean(verdicts);
    if (uses && (ringIndex === 0 ? t.l.cursor : t.l.txCursor) === frame) names.push(spec.name);
  });
  return names;
}

function ringView(c: Ctx, s: State, ringIndex: number, r: Ring): RingView {
  const present = r.gen !== 0;
  const frames: FrameView[] = [];
  if (present) {
    for (let i = 0; i < r.frameNr; i++) {
      const f = r.frames[i];
      frames.push({
        index: i,
        status: STATUS_NAMES[f.status],
        len: f.len,
        msg: f.msg,
        seq: f.seq,
        offset: f.off,
        holder: holderOf(c, s, ringIndex, i),
        kernelHead: i === r.head,
        cursors: cursorsOn(c, s, ringIndex, i),
      });
    }
  }
  return { name: RING_NAMES[ringIndex], present, generation: r.gen, head: r.head, pending: r.pending, frameSize: r.frameSize, frames };
}

export function stateView(c: Ctx, s: State): StateView {
  const k = s.sock;
  const name = (ti: number) => c.threads[ti].name;
  const locks: Record<string, string> = {};
  if (k.pgVecLock >= 0) locks.pg_vec_lock = name(k.pgVecLock);
  if (k.rxqLock >= 0) locks['sk_receive_queue.lock'] = name(k.rxqLock);
  if (k.cbMutex >= 0) locks.cb_mutex = name(k.cbMutex);
  return {
    rings: [ringView(c, s, 0, k.rx), ringView(c, s, 1, k.tx)],
    socket: {
      mapped: k.mapped,
      fileRefs: k.fileRefs,
      skErr: errnoName(k.skErr),
      congested: k.congested,
      drops: k.drops,
      receiveQueue: k.rcvq.toArray().map((q) => ({ msg: q.msg, seq: q.seq, frame: q.frame })),
      rmem: k.rmem,
      dump: { running: k.dumpRunning, part: k.dumpPart },
      released: k.released,
      destructed: k.destructed,
      locks,
      otherSocket: { bound: k.otherBound, queued: k.otherQueued },
    },
    threads: s.threads.map((t, ti) => ({
      name: name(ti),
      program: c.threads[ti].program,
      pc: t.pc,
      stack: t.stack.toArray(),
      skb: t.l.skb === SKB_NONE ? null : { kind: SKB_KINDS[t.l.skb] ?? 'ordinary', frame: t.l.skb === SKB_PLAIN ? -1 : t.l.skbFrame, msg: t.l.skbMsg, seq: t.l.skbSeq, len: t.l.skbLen },
      held: t.l.held.toArray(),
      pollMask: pollReturned(s, ti),
      ...(t.mem !== null ? { memory: { buffered: storeBuffer(s, ti).map(bufferedLine), early: earlyLoads(s, ti).map(entryLine) } } : {}),
    })),
    idLock: s.idLock >= 0 ? name(s.idLock) : null,
  };
}

function cpuLane(c: Ctx, a: StepAction, s: State | undefined): 'kernel' | 'user' {
  const at = s === undefined ? undefined : c.table.steps[s.threads[a.thread].pcId]?.who;
  if (at === 'kernel' || at === 'user') return at;
  return c.threads[a.thread].program === 'producer' ? 'kernel' : 'user';
}

/** The step `a` takes: its lane (kernel or userspace code), thread, label and citation in this variant. */
export function stepInfo(c: Ctx, a: StepAction, s?: State): StepInfo {
  const def = c.table.steps[a.label];
  // The memory system's steps (a store becoming visible, an early load) show in the lane of the code the
  // thread is running (kernel code inside a syscall, or its own), from the state they are taken in.
  const lane = def?.who === 'cpu' ? cpuLane(c, a, s) : (def?.who ?? 'kernel');
  return { lane, actor: a.actor, label: labelAt(a.label), cites: def?.cites ?? '' };
}
