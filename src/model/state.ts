/**
 * The State record (design.md): one netlink socket with an RX and a TX ring, the
 * threads that act on it (kernel producers, user threads inside and outside
 * syscalls), and ghost history that only properties read.
 *
 * Everything is a small integer, a boolean or a fixed-shape array of them, so
 * the canonical encoding is a plain serialisation and a later binary codec is
 * mechanical. Objects are always built by the factories below, so key order is
 * fixed and equal states serialise to equal strings.
 */
import { UNUSED } from './constants.js';

/** One frame: struct nl_mmap_hdr plus the message the model cares about. */
export interface Frame {
  /** nm_status. */
  status: number;
  /** nm_len. */
  len: number;
  /** nm_group. */
  group: number;
  /** Message content tag at the message start (see constants MSG_*), 0 = none. */
  msg: number;
  /** The id carried in the message (sequence number or nfqueue packet id), 0 = none. */
  seq: number;
  /** Byte offset of the message start from the frame start (HDRLEN unless a bug moves it). */
  off: number;
  /** Ghost: the kernel thread that reserved or claimed the frame and has not yet handed it over, -1 for none. */
  owner: number;
}

/** struct netlink_ring (af_netlink.h, 4.5). */
export interface Ring {
  /** Identity of the block array (pg_vec); 0 = no ring. A swap installs a new generation and frees the old one. */
  gen: number;
  /** Index of the scenario's setsockopt request whose blocks are installed; -1 = none. */
  req: number;
  frameNr: number;
  frameSize: number;
  /** frames_per_block: written by setsockopt before it takes pg_vec_lock (protocol.md §2.1). */
  framesPerBlock: number;
  blockSize: number;
  blockNr: number;
  /** Kernel cursor, invisible to userspace. */
  head: number;
  /** Live ring-backed skbs (atomic_t pending). */
  pending: number;
  frames: Frame[];
}

/** One message in sk_receive_queue. */
export interface Queued {
  msg: number;
  seq: number;
  /** Ghost: the COPY frame claimed for it, or -1 when it was queued without one. */
  frame: number;
}

export interface Sock {
  rx: Ring;
  tx: Ring;
  /** nlk->mapped: live VMAs. */
  mapped: number;
  /** struct file f_count: the fd table's reference plus one per VMA (plus one per other fd table). */
  fileRefs: number;
  /** Socket references held by ring skbs and in-progress lookups, besides the file's own. */
  sockRefs: number;
  /** netlink_release has run: the socket is unhashed and lookups by portid fail. */
  released: boolean;
  /** netlink_sock_destruct has run: rings are gone. */
  destructed: boolean;
  /** sk_err: must hold a positive errno or 0. */
  skErr: number;
  /** NETLINK_S_CONGESTED. */
  congested: boolean;
  /** sk_drops. */
  drops: number;
  /** NETLINK_F_RECV_NO_ENOBUFS. */
  noEnobufs: boolean;
  rcvq: Queued[];
  /** Holder (thread index) of pg_vec_lock, -1 when free. */
  pgVecLock: number;
  /** Holder of sk_receive_queue.lock, -1 when free. */
  rxqLock: number;
  /** Holder of nlk->cb_mutex, -1 when free. */
  cbMutex: number;
  /** nlk->cb_running and the index of the next dump part the callback emits. */
  dumpRunning: boolean;
  dumpPart: number;
  /** A wakeup (sk_data_ready / sk_error_report) arrived for a registered poller. */
  wake: boolean;
  /** nlk->max_recvmsg_len. */
  /** Ring generations the live VMAs map (0 = none). A VMA keeps pointing at the pages it mapped. */
  vmaRxGen: number;
  vmaTxGen: number;
}

/**
 * Thread-local variables. One fixed shape for every thread keeps cloning and
 * encoding uniform; a program uses the fields it needs and leaves the rest at
 * their defaults.
 */
export interface Locals {
  /** Loop counter: messages produced, requests sent, writes done. */
  k: number;
  /** Current message tag / id. */
  msg: number;
  seq: number;
  /** The skb this thread holds: see SKB_* kinds. */
  skb: number;
  skbGen: number;
  skbFrame: number;
  skbDelivered: boolean;
  skbLen: number;
  skbMsg: number;
  skbSeq: number;
  /** netlink_forward_ring locals: the start head and the examined position; ghost: bit i = frame i was examined. */
  fwdStart: number;
  fwdPos: number;
  fwdSeen: number;
  /**
   * Ghost monitor of netlink_alloc_skb's locked section: set while the thread is
   * in it; `fullSeen` records whether, at some instant of the section, the ring
   * had no UNUSED frame reachable from the head over SKIP frames (so that a
   * failure is justified by some linearisation point, not only by the last read).
   */
  inAlloc: boolean;
  fullSeen: boolean;
  /** Return value of the current subroutine / syscall. */
  ret: number;
  /** The message recvmsg returned: tag, id, and (ghost) the COPY frame it was queued with. */
  rMsg: number;
  rSeq: number;
  rFrame: number;
  /** netlink_mmap_sendmsg: exclusivity, accumulated length, last error. */
  txExcl: boolean;
  txTotal: number;
  txErr: number;
  /** Frames consumed by the sendmsg call in progress. */
  txCount: number;
  /** The nm_len local (4.5: the single read), the allocation size, every value of nm_len read for the frame in progress. */
  txLen: number;
  txAlloc: number;
  txReads: number[];
  txFrame: number;
  /** Ghost: the message content the kernel receiver validated and the content it acted on (-1 = not yet). */
  vMsg: number;
  aMsg: number;
  /** Consumer: private ring cursor, frames held as SKIP (sorted), last id read. */
  cursor: number;
  held: number[];
  seqLast: number;
  /** nfqueue consumer: highest packet id read, highest id covered by the verdicts it sent. */
  maxRead: number;
  covered: number;
  /** Userspace TX cursor (the frame the user fills next) and frames filled but not yet submitted. */
  txCursor: number;
  unsent: number;
  /** Mappings this thread made and has not unmapped. */
  maps: number;
  /** Poll: mask being built and the scan position. */
  mask: number;
  scan: number;
  /** The thread registered on the socket wait queue (inside poll) or sleeps on it. */
  waiting: boolean;
}

/** What kind of skb a thread holds. */
export const SKB_NONE = 0;
/** An ordinary skb (alloc_skb): its data is private kernel memory. */
export const SKB_PLAIN = 1;
/** A ring-backed RX skb pointing into an RX frame (NETLINK_SKB_MMAPED). */
export const SKB_RX = 2;
/** A zero-copy TX skb pointing into a TX frame (NETLINK_SKB_MMAPED | NETLINK_SKB_TX, 3.10 only). */
export const SKB_TX = 3;

export interface Thread {
  /** Program counter: a step label such as `alloc.lock`. */
  pc: string;
  /** Return labels of the subroutines this thread is inside. */
  stack: string[];
  l: Locals;
}

/** What happened in the last step, for properties that judge events. Reset before every step. */
export interface Event {
  kind: string;
  /** Thread index that caused it, -1 for none. */
  thread: number;
  ring: number;
  frame: number;
  /** Frame status before the store (ownership), or the poll mask, or a return value. */
  before: number;
  after: number;
  /** Ghost owner of the frame before the store. */
  ownerBefore: number;
  /** Whether the actor is a protocol-following userspace thread (hostile writers are exempt from user ownership). */
  conforming: boolean;
}

export interface Ghost {
  /** The frame store of the last step, if any. */
  last: Event;
  /** A named event of the last step (e.g. `alloc-full`, `poll-return`), '' for none, its thread and a value. */
  note: string;
  noteThread: number;
  noteValue: number;
  /** Messages lost since the user last read an ENOBUFS. */
  unreported: number;
  /** nfqueue: ids read by the consumer, ids queued in the kernel awaiting a verdict, ids that got a verdict. */
  readIds: number;
  queuedIds: number;
  verdictIds: number;
  /** Dump messages the consumer has read so far (parts and NLMSG_DONE). */
  dumpRead: number;
  /** The consumer's last COPY frame and the frame paired with the message recvmsg returned for it. */
  copyFrame: number;
  copyPaired: number;
  /** A kernel thread read or wrote a frame of a ring generation that was already freed (or of no ring). */
  usedFreed: boolean;
}

export interface State {
  sock: Sock;
  threads: Thread[];
  /** Subsystem lock under which ids are assigned (nfqueue queue->lock, or a subsystem mutex); -1 = free. */
  idLock: number;
  /** Last id handed out (queue->id_sequence). */
  idSeq: number;
  /** Next ring-memory generation. */
  nextGen: number;
  ghost: Ghost;
}

export function newFrame(): Frame {
  return { status: UNUSED, len: 0, group: 0, msg: 0, seq: 0, off: 0, owner: -1 };
}

export function newRing(maxFrames: number): Ring {
  const frames: Frame[] = [];
  for (let i = 0; i < maxFrames; i++) frames.push(newFrame());
  return { gen: 0, req: -1, frameNr: 0, frameSize: 0, framesPerBlock: 0, blockSize: 0, blockNr: 0, head: 0, pending: 0, frames };
}

export function newLocals(): Locals {
  return {
    k: 0, msg: 0, seq: 0,
    skb: SKB_NONE, skbGen: 0, skbFrame: -1, skbDelivered: false, skbLen: 0, skbMsg: 0, skbSeq: 0,
    fwdStart: 0, fwdPos: -1, fwdSeen: 0, inAlloc: false, fullSeen: false, ret: 0, rMsg: 0, rSeq: 0, rFrame: -1,
    txExcl: false, txTotal: 0, txErr: 0, txCount: 0, txLen: 0, txAlloc: 0, txReads: [], txFrame: -1, vMsg: -1, aMsg: -1,
    cursor: 0, held: [], maxRead: 0, covered: 0, txCursor: 0, unsent: 0, maps: 0, seqLast: 0, mask: 0, scan: 0, waiting: false,
  };
}

export function noEvent(): Event {
  return { kind: 'none', thread: -1, ring: -1, frame: -1, before: -1, after: -1, ownerBefore: -1, conforming: true };
}

export function newGhost(): Ghost {
  return {
    last: noEvent(), note: '', noteThread: -1, noteValue: 0, unreported: 0,
    readIds: 0, queuedIds: 0, verdictIds: 0, dumpRead: 0, copyFrame: -1, copyPaired: -1, usedFreed: false,
  };
}

/** Field-by-field copy (the compiler checks that none is missing); object spread of this shape is slow in V8. */
export function cloneLocals(l: Locals): Locals {
  return {
    k: l.k,
    msg: l.msg,
    seq: l.seq,
    skb: l.skb,
    skbGen: l.skbGen,
    skbFrame: l.skbFrame,
    skbDelivered: l.skbDelivered,
    skbLen: l.skbLen,
    skbMsg: l.skbMsg,
    skbSeq: l.skbSeq,
    fwdStart: l.fwdStart,
    fwdPos: l.fwdPos,
    fwdSeen: l.fwdSeen,
    inAlloc: l.inAlloc,
    fullSeen: l.fullSeen,
    ret: l.ret,
    rMsg: l.rMsg,
    rSeq: l.rSeq,
    rFrame: l.rFrame,
    txExcl: l.txExcl,
    txTotal: l.txTotal,
    txErr: l.txErr,
    txCount: l.txCount,
    txLen: l.txLen,
    txAlloc: l.txAlloc,
    txReads: l.txReads.slice(),
    txFrame: l.txFrame,
    vMsg: l.vMsg,
    aMsg: l.aMsg,
    cursor: l.cursor,
    held: l.held.slice(),
    seqLast: l.seqLast,
    maxRead: l.maxRead,
    covered: l.covered,
    txCursor: l.txCursor,
    unsent: l.unsent,
    maps: l.maps,
    mask: l.mask,
    scan: l.scan,
    waiting: l.waiting,
  };
}

function cloneFrame(f: Frame): Frame {
  return { status: f.status, len: f.len, group: f.group, msg: f.msg, seq: f.seq, off: f.off, owner: f.owner };
}

function cloneRing(r: Ring): Ring {
  return {
    gen: r.gen, req: r.req, frameNr: r.frameNr, frameSize: r.frameSize, framesPerBlock: r.framesPerBlock,
    blockSize: r.blockSize, blockNr: r.blockNr, head: r.head, pending: r.pending, frames: r.frames.map(cloneFrame),
  };
}

/** A deep copy; `next` works on one so that its input is never mutated. */
export function cloneState(s: State): State {
  const k = s.sock;
  return {
    sock: { ...k, rx: cloneRing(k.rx), tx: cloneRing(k.tx), rcvq: k.rcvq.map((q) => ({ ...q })) },
    threads: s.threads.map((t) => ({ pc: t.pc, stack: t.stack.slice(), l: cloneLocals(t.l) })),
    idLock: s.idLock,
    idSeq: s.idSeq,
    nextGen: s.nextGen,
    ghost: { ...s.ghost, last: { ...s.ghost.last } },
  };
}

export function ringOf(s: State, ring: number): Ring {
  return ring === 0 ? s.sock.rx : s.sock.tx;
}
