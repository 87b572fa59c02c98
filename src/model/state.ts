/**
 * The State (design.md): one netlink socket with an RX and a TX ring, the
 * threads that act on it (kernel producers, user threads inside and outside
 * syscalls), and ghost history that only properties read.
 *
 * A state is a SPIN-style state vector: one Int16Array with every field at a
 * fixed offset (laid out once per scenario by `Layout`), seen through small view
 * objects whose getters and setters read and write that array. The spec reads
 * `s.sock.rx.frames[i].status` as if it were an object graph, but copying a
 * state is one `set()`, its canonical encoding is the array itself, and an
 * engine can step a scratch state in place without allocating anything.
 *
 * Canonical form: variable-length parts (call stack, held frames, nm_len reads,
 * receive queue) have a fixed capacity and a length; slots past the length are
 * always zero, so equal states have equal vectors. Exceeding a capacity is a
 * spec error and throws. Every value must fit 16 bits signed (setters check);
 * the three id bit masks take two slots each.
 *
 * The record of what the last step did (`ghost.last`, `note`, `noteThread`,
 * `noteValue`) is transient: evidence for properties, kept outside the vector.
 */
import { UNUSED } from './constants.js';
import { labelAt, labelId } from './step.js';
import { rehash, toggle, touch } from './zobrist.js';

/** What kind of skb a thread holds. */
export const SKB_NONE = 0;
/** An ordinary skb (alloc_skb): its data is private kernel memory. */
export const SKB_PLAIN = 1;
/** A ring-backed RX skb pointing into an RX frame (NETLINK_SKB_MMAPED). */
export const SKB_RX = 2;
/** A zero-copy TX skb pointing into a TX frame (NETLINK_SKB_MMAPED | NETLINK_SKB_TX, 3.10 only). */
export const SKB_TX = 3;

type FieldKind = 'num' | 'bool' | 'mask';
type FieldList = readonly (readonly [name: string, kind: FieldKind])[];

/** Slots a field of this kind takes. */
const width = (k: FieldKind): number => (k === 'mask' ? 2 : 1);
const sizeOf = (fields: FieldList): number => fields.reduce((n, [, k]) => n + width(k), 0);

function outOfRange(name: string, x: number): never {
  throw new RangeError(`state field ${name} = ${x} does not fit the 16-bit state vector`);
}

/**
 * Define getters and setters for `fields` on a view prototype: field i lives at
 * `this.o + offset(i)` of `this.v`. One closure per field with its offset as a
 * constant, so V8 inlines each access to a typed-array load or store.
 */
function defineFields(proto: object, fields: FieldList, start = 0): void {
  let at = start;
  for (const [name, kind] of fields) {
    const k = at;
    at += width(kind);
    const desc: PropertyDescriptor =
      kind === 'bool'
        ? {
            get(this: View) { return this.v[this.o + k] !== 0; },
            set(this: View, x: boolean) { store(this, this.o + k, x ? 1 : 0); },
          }
        : kind === 'mask'
          ? {
              get(this: View) { return (this.v[this.o + k] & 0xffff) | (this.v[this.o + k + 1] << 16); },
              set(this: View, x: number) {
                if ((x | 0) !== x) outOfRange(name, x);
                store(this, this.o + k, (x << 16) >> 16);
                store(this, this.o + k + 1, x >> 16);
              },
            }
          : {
              get(this: View) { return this.v[this.o + k]; },
              set(this: View, x: number) {
                if ((x << 16) >> 16 !== x) outOfRange(name, x);
                store(this, this.o + k, x);
              },
            };
    Object.defineProperty(proto, name, { ...desc, enumerable: true, configurable: false });
  }
}

/**
 * A window of the state vector: `v` is the whole vector, `o` where this part
 * starts, `h` the state's incremental fingerprint (zobrist.ts), which every
 * store keeps up to date.
 */
abstract class View {
  constructor(readonly v: Int16Array, readonly o: number, readonly h: Int32Array) {}
  /** Store x (already range-checked) in slot p, keeping the fingerprint. */
  protected put(p: number, x: number): void {
    const old = this.v[p];
    if (old !== x) {
      this.v[p] = x;
      touch(this.h, p, old, x);
    }
  }
  /** Run a bulk change of slots [lo, hi), keeping the fingerprint. */
  protected bulk(lo: number, hi: number, change: () => void): void {
    toggle(this.h, this.v, lo, hi);
    change();
    toggle(this.h, this.v, lo, hi);
  }
}

/** Store through a view from outside its class (the field accessors below). */
function store(view: View, p: number, x: number): void {
  const old = view.v[p];
  if (old !== x) {
    view.v[p] = x;
    touch(view.h, p, old, x);
  }
}

// ---------------------------------------------------------------------------------------------
// Field lists: the single source of truth for the layout, the plain snapshot and the tests.

export const FRAME_FIELDS = [
  /** nm_status. */
  ['status', 'num'],
  /** nm_len. */
  ['len', 'num'],
  /** nm_group. */
  ['group', 'num'],
  /** Message content tag at the message start (see constants MSG_*), 0 = none. */
  ['msg', 'num'],
  /** The id carried in the message (sequence number or nfqueue packet id), 0 = none. */
  ['seq', 'num'],
  /** Byte offset of the message start from the frame start (HDRLEN unless a bug moves it). */
  ['off', 'num'],
  /** Ghost: the kernel thread that reserved or claimed the frame and has not yet handed it over, -1 for none. */
  ['owner', 'num'],
] as const satisfies FieldList;

export const RING_FIELDS = [
  /** Identity of the block array (pg_vec); 0 = no ring. A swap installs a new generation and frees the old one. */
  ['gen', 'num'],
  /** Index of the scenario's setsockopt request whose blocks are installed; -1 = none. */
  ['req', 'num'],
  ['frameNr', 'num'],
  ['frameSize', 'num'],
  /** frames_per_block: written by setsockopt before it takes pg_vec_lock (protocol.md §2.1). */
  ['framesPerBlock', 'num'],
  ['blockSize', 'num'],
  ['blockNr', 'num'],
  /** Kernel cursor, invisible to userspace. */
  ['head', 'num'],
  /** Live ring-backed skbs (atomic_t pending). */
  ['pending', 'num'],
] as const satisfies FieldList;

export const SOCK_FIELDS = [
  /** nlk->mapped: live VMAs. */
  ['mapped', 'num'],
  /** struct file f_count: the fd table's reference plus one per VMA (plus one per other fd table). */
  ['fileRefs', 'num'],
  /** Socket references held by ring skbs and in-progress lookups, besides the file's own. */
  ['sockRefs', 'num'],
  /** netlink_release has run: the socket is unhashed and lookups by portid fail. */
  ['released', 'bool'],
  /** netlink_sock_destruct has run: rings are gone. */
  ['destructed', 'bool'],
  /** sk_err: must hold a positive errno or 0. */
  ['skErr', 'num'],
  /** NETLINK_S_CONGESTED. */
  ['congested', 'bool'],
  /** sk_drops. */
  ['drops', 'num'],
  /** NETLINK_F_RECV_NO_ENOBUFS. */
  ['noEnobufs', 'bool'],
  /** Holder (thread index) of pg_vec_lock, -1 when free. */
  ['pgVecLock', 'num'],
  /** Holder of sk_receive_queue.lock, -1 when free. */
  ['rxqLock', 'num'],
  /** Holder of nlk->cb_mutex, -1 when free. */
  ['cbMutex', 'num'],
  /** nlk->cb_running and the index of the next dump part the callback emits. */
  ['dumpRunning', 'bool'],
  ['dumpPart', 'num'],
  /** A wakeup (sk_data_ready / sk_error_report) arrived for a registered poller. */
  ['wake', 'bool'],
  /** Ring generations the live VMAs map (0 = none). A VMA keeps pointing at the pages it mapped. */
  ['vmaRxGen', 'num'],
  ['vmaTxGen', 'num'],
] as const satisfies FieldList;

/**
 * Thread-local variables. One fixed shape for every thread keeps copying and
 * encoding uniform; a program uses the fields it needs and leaves the rest at
 * their defaults (LOCAL_DEFAULTS).
 */
export const LOCAL_FIELDS = [
  /** Loop counter: messages produced, requests sent, writes done. */
  ['k', 'num'],
  /** Current message tag / id. */
  ['msg', 'num'],
  ['seq', 'num'],
  /** The skb this thread holds: see SKB_* kinds. */
  ['skb', 'num'],
  ['skbGen', 'num'],
  ['skbFrame', 'num'],
  ['skbDelivered', 'bool'],
  ['skbLen', 'num'],
  ['skbMsg', 'num'],
  ['skbSeq', 'num'],
  /** netlink_forward_ring locals: the start head and the examined position; ghost: bit i = frame i was examined. */
  ['fwdStart', 'num'],
  ['fwdPos', 'num'],
  ['fwdSeen', 'num'],
  /**
   * Ghost monitor of netlink_alloc_skb's locked section: set while the thread is
   * in it; `fullSeen` records whether, at some instant of the section, the ring
   * had no UNUSED frame reachable from the head over SKIP frames (so that a
   * failure is justified by some linearisation point, not only by the last read).
   */
  ['inAlloc', 'bool'],
  ['fullSeen', 'bool'],
  /** Return value of the current subroutine / syscall. */
  ['ret', 'num'],
  /** The message recvmsg returned: tag, id, and (ghost) the COPY frame it was queued with. */
  ['rMsg', 'num'],
  ['rSeq', 'num'],
  ['rFrame', 'num'],
  /** netlink_mmap_sendmsg: exclusivity, accumulated length, last error. */
  ['txExcl', 'bool'],
  ['txTotal', 'num'],
  ['txErr', 'num'],
  /** Frames consumed by the sendmsg call in progress. */
  ['txCount', 'num'],
  /** The nm_len local (4.5: the single read) and the allocation size; `txReads` has every value of nm_len read for the frame in progress. */
  ['txLen', 'num'],
  ['txAlloc', 'num'],
  ['txFrame', 'num'],
  /** Ghost: the message content the kernel receiver validated and the content it acted on (-1 = not yet). */
  ['vMsg', 'num'],
  ['aMsg', 'num'],
  /** Consumer: private ring cursor and last id read (`held`: the frames held as SKIP, sorted). */
  ['cursor', 'num'],
  ['seqLast', 'num'],
  /** nfqueue consumer: highest packet id read, highest id covered by the verdicts it sent. */
  ['maxRead', 'num'],
  ['covered', 'num'],
  /** Userspace TX cursor (the frame the user fills next) and frames filled but not yet submitted. */
  ['txCursor', 'num'],
  ['unsent', 'num'],
  /** Mappings this thread made and has not unmapped. */
  ['maps', 'num'],
  /** Poll: mask being built and the scan position. */
  ['mask', 'num'],
  ['scan', 'num'],
  /** The thread registered on the socket wait queue (inside poll) or sleeps on it. */
  ['waiting', 'bool'],
] as const satisfies FieldList;

/** Locals whose default is not 0 / false. */
export const LOCAL_DEFAULTS: Readonly<Partial<Record<LocalName, number>>> = { skbFrame: -1, fwdPos: -1, rFrame: -1, txFrame: -1, vMsg: -1, aMsg: -1 };

export const ROOT_FIELDS = [
  /** Subsystem lock under which ids are assigned (nfqueue queue->lock, or a subsystem mutex); -1 = free. */
  ['idLock', 'num'],
  /** Last id handed out (queue->id_sequence). */
  ['idSeq', 'num'],
  /** Next ring-memory generation. */
  ['nextGen', 'num'],
] as const satisfies FieldList;

export const GHOST_FIELDS = [
  /** nfqueue: ids read by the consumer, ids queued in the kernel awaiting a verdict, ids that got a verdict (bits 1..29). */
  ['readIds', 'mask'],
  ['queuedIds', 'mask'],
  ['verdictIds', 'mask'],
  /** Messages lost since the user last read an ENOBUFS. */
  ['unreported', 'num'],
  /** Dump messages the consumer has read so far (parts and NLMSG_DONE). */
  ['dumpRead', 'num'],
  /** The consumer's last COPY frame and the frame paired with the message recvmsg returned for it. */
  ['copyFrame', 'num'],
  ['copyPaired', 'num'],
  /** A kernel thread read or wrote a frame of a ring generation that was already freed (or of no ring). */
  ['usedFreed', 'bool'],
] as const satisfies FieldList;

type Fields<L extends FieldList> = { -readonly [F in L[number] as F[0]]: F[1] extends 'bool' ? boolean : number };
export type LocalName = (typeof LOCAL_FIELDS)[number][0];

/** Capacities of the variable-length parts. */
export const STACK_CAP = 4;
/** netlink_mmap_sendmsg reads nm_len at most four times per frame (3.10: check, alloc, put, copy). */
export const TX_READS_CAP = 4;
export const RCVQ_CAP = 8;

// ---------------------------------------------------------------------------------------------
// Layout: where each part sits, for one scenario's shape (frames per ring, thread count).

const ROOT_AT = 0;
const GHOST_AT = ROOT_AT + sizeOf(ROOT_FIELDS);
const SOCK_AT = GHOST_AT + sizeOf(GHOST_FIELDS);
const RCVQ_AT = SOCK_AT + sizeOf(SOCK_FIELDS); // length, then RCVQ_CAP × (msg, seq, frame)
const RINGS_AT = RCVQ_AT + 1 + 3 * RCVQ_CAP;
const RING_SCALARS = sizeOf(RING_FIELDS);
const FRAME_SIZE = sizeOf(FRAME_FIELDS);
/** Within a thread: pc, stack length, stack, locals, nm_len reads (length, values), held frames (length, values). */
const T_PC = 0;
const T_STACK = 1;
const T_LOCALS = T_STACK + 1 + STACK_CAP;
const T_TX_READS = T_LOCALS + sizeOf(LOCAL_FIELDS);
const T_HELD = T_TX_READS + 1 + TX_READS_CAP;

export class Layout {
  readonly rxAt: number;
  readonly txAt: number;
  readonly threadsAt: number;
  readonly threadSize: number;
  /** Slots in the vector, rounded up to an even number so that it hashes as 32-bit words. */
  readonly size: number;
  constructor(
    /** Frame slots of each ring: the largest frame_nr of any request that can be installed on it (0 if none can). */
    readonly rxFrames: number,
    readonly txFrames: number,
    readonly threads: number,
  ) {
    this.rxAt = RINGS_AT;
    this.txAt = RINGS_AT + RING_SCALARS + rxFrames * FRAME_SIZE;
    this.threadsAt = this.txAt + RING_SCALARS + txFrames * FRAME_SIZE;
    // The held list has room for every RX frame.
    this.threadSize = T_HELD + 1 + rxFrames;
    const used = this.threadsAt + threads * this.threadSize;
    this.size = used + (used & 1);
  }
  threadAt(ti: number): number {
    return this.threadsAt + ti * this.threadSize;
  }
}

// ---------------------------------------------------------------------------------------------
// Views.

export interface Frame extends Fields<typeof FRAME_FIELDS> {}
export class Frame extends View {
  /** Back to a fresh frame: UNUSED, no message, no owner. */
  reset(): void {
    this.bulk(this.o, this.o + FRAME_SIZE, () => this.v.fill(0, this.o, this.o + FRAME_SIZE));
    this.status = UNUSED;
    this.owner = -1;
  }
}
defineFields(Frame.prototype, FRAME_FIELDS);

/** struct netlink_ring (af_netlink.h, 4.5). */
export interface Ring extends Fields<typeof RING_FIELDS> {}
export class Ring extends View {
  /** Every frame slot of the layout (frames.length is the largest frame_nr the ring can get; frameNr says how many are live). */
  readonly frames: readonly Frame[];
  constructor(v: Int16Array, o: number, h: Int32Array, frames: number) {
    super(v, o, h);
    this.frames = Array.from({ length: frames }, (_, i) => new Frame(v, o + RING_SCALARS + i * FRAME_SIZE, h));
  }
}
defineFields(Ring.prototype, RING_FIELDS);

/** One message in sk_receive_queue. */
export interface Queued {
  msg: number;
  seq: number;
  /** Ghost: the COPY frame claimed for it, or -1 when it was queued without one. */
  frame: number;
}

/** A bounded list of small integers in the vector: a length slot, then `cap` slots (zero past the length). */
export class IntList extends View {
  constructor(v: Int16Array, o: number, h: Int32Array, readonly cap: number, readonly what: string) {
    super(v, o, h);
  }
  get length(): number {
    return this.v[this.o];
  }
  at(i: number): number {
    return this.v[this.o + 1 + i];
  }
  push(x: number): void {
    const n = this.v[this.o];
    if (n >= this.cap) throw new RangeError(`state vector: ${this.what} holds at most ${this.cap} values`);
    if ((x << 16) >> 16 !== x) outOfRange(this.what, x);
    this.put(this.o + 1 + n, x);
    this.put(this.o, n + 1);
  }
  pop(): number | undefined {
    const n = this.v[this.o];
    if (n === 0) return undefined;
    const x = this.v[this.o + n];
    this.put(this.o + n, 0);
    this.put(this.o, n - 1);
    return x;
  }
  /** Remove the value at index i, keeping the order of the rest. */
  removeAt(i: number): number {
    const n = this.v[this.o];
    const x = this.v[this.o + 1 + i];
    this.bulk(this.o, this.o + 1 + n, () => {
      this.v.copyWithin(this.o + 1 + i, this.o + 2 + i, this.o + 1 + n);
      this.v[this.o + n] = 0;
      this.v[this.o] = n - 1;
    });
    return x;
  }
  /** Insert keeping ascending order (a set of values encodes one way only). */
  insertSorted(x: number): void {
    this.push(x);
    for (let i = this.v[this.o]; i > 1 && this.v[this.o + i - 1] > this.v[this.o + i]; i--) {
      const t = this.v[this.o + i];
      this.put(this.o + i, this.v[this.o + i - 1]);
      this.put(this.o + i - 1, t);
    }
  }
  clear(): void {
    if (this.v[this.o] !== 0) this.bulk(this.o, this.o + 1 + this.cap, () => this.v.fill(0, this.o, this.o + 1 + this.cap));
  }
  toArray(): number[] {
    return Array.from(this.v.subarray(this.o + 1, this.o + 1 + this.v[this.o]));
  }
}

/** The call stack of return labels. */
export class LabelStack {
  constructor(private readonly ids: IntList) {}
  get length(): number {
    return this.ids.length;
  }
  push(label: string): void {
    this.ids.push(labelId(label));
  }
  pop(): string | undefined {
    const id = this.ids.pop();
    return id === undefined ? undefined : labelAt(id);
  }
  toArray(): string[] {
    return this.ids.toArray().map(labelAt);
  }
}

/** sk_receive_queue: a bounded FIFO of (msg, seq, frame) triples. */
export class RecvQueue extends View {
  get length(): number {
    return this.v[this.o];
  }
  /** The i-th message, or undefined past the end. */
  at(i: number): Queued | undefined {
    if (i < 0 || i >= this.v[this.o]) return undefined;
    const b = this.o + 1 + 3 * i;
    return { msg: this.v[b], seq: this.v[b + 1], frame: this.v[b + 2] };
  }
  push(q: Queued): void {
    const n = this.v[this.o];
    if (n >= RCVQ_CAP) throw new RangeError(`state vector: the receive queue holds at most ${RCVQ_CAP} messages`);
    const b = this.o + 1 + 3 * n;
    for (const [i, x] of [q.msg, q.seq, q.frame].entries()) {
      if ((x << 16) >> 16 !== x) outOfRange('rcvq', x);
      this.put(b + i, x);
    }
    this.put(this.o, n + 1);
  }
  shift(): Queued | undefined {
    const n = this.v[this.o];
    if (n === 0) return undefined;
    const q = this.at(0) as Queued;
    this.bulk(this.o, this.o + 1 + 3 * n, () => {
      this.v.copyWithin(this.o + 1, this.o + 4, this.o + 1 + 3 * n);
      this.v.fill(0, this.o + 1 + 3 * (n - 1), this.o + 1 + 3 * n);
      this.v[this.o] = n - 1;
    });
    return q;
  }
  clear(): void {
    const n = this.v[this.o];
    if (n !== 0) this.bulk(this.o, this.o + 1 + 3 * n, () => this.v.fill(0, this.o, this.o + 1 + 3 * n));
  }
  toArray(): Queued[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i) as Queued);
  }
  /** Rewrite every message tag (symmetry relabelling). */
  mapMsg(f: (msg: number) => number): void {
    for (let i = 0; i < this.length; i++) this.put(this.o + 1 + 3 * i, f(this.v[this.o + 1 + 3 * i]));
  }
}

export interface Sock extends Fields<typeof SOCK_FIELDS> {}
export class Sock extends View {
  readonly rcvq: RecvQueue;
  constructor(v: Int16Array, h: Int32Array, readonly rx: Ring, readonly tx: Ring) {
    super(v, SOCK_AT, h);
    this.rcvq = new RecvQueue(v, RCVQ_AT, h);
  }
}
defineFields(Sock.prototype, SOCK_FIELDS);

export interface Locals extends Fields<typeof LOCAL_FIELDS> {}
export class Locals extends View {
  /** Every value of nm_len read for the TX frame in progress. */
  readonly txReads: IntList;
  /** Frames the consumer holds as SKIP, ascending. */
  readonly held: IntList;
  constructor(v: Int16Array, threadAt: number, h: Int32Array, frames: number) {
    super(v, threadAt + T_LOCALS, h);
    this.txReads = new IntList(v, threadAt + T_TX_READS, h, TX_READS_CAP, 'nm_len reads');
    this.held = new IntList(v, threadAt + T_HELD, h, frames, 'held frames');
  }
}
defineFields(Locals.prototype, LOCAL_FIELDS);

export class Thread extends View {
  /** Return labels of the subroutines this thread is inside. */
  readonly stack: LabelStack;
  readonly l: Locals;
  constructor(v: Int16Array, o: number, h: Int32Array, frames: number) {
    super(v, o, h);
    this.stack = new LabelStack(new IntList(v, o + T_STACK, h, STACK_CAP, 'call stack'));
    this.l = new Locals(v, o, h, frames);
  }
  /** Program counter: a step label such as `alloc.lock`. */
  get pc(): string {
    return labelAt(this.v[this.o + T_PC]);
  }
  set pc(label: string) {
    this.put(this.o + T_PC, labelId(label));
  }
  /** The program counter as its label id (cheap to compare and index by). */
  get pcId(): number {
    return this.v[this.o + T_PC];
  }
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

export function noEvent(): Event {
  return { kind: 'none', thread: -1, ring: -1, frame: -1, before: -1, after: -1, ownerBefore: -1, conforming: true };
}

export interface Ghost extends Fields<typeof GHOST_FIELDS> {}
export class Ghost extends View {
  /** Transient: the frame store of the last step, if any. */
  readonly last: Event = noEvent();
  /** Transient: a named event of the last step (e.g. `alloc-full`, `poll-return`), '' for none, its thread and a value. */
  note = '';
  noteThread = -1;
  noteValue = 0;
  constructor(v: Int16Array, h: Int32Array) {
    super(v, GHOST_AT, h);
  }
  /** Forget the last step (before taking the next). */
  clearTransient(): void {
    const e = this.last;
    // Most steps store to no frame and note nothing: then there is nothing to clear.
    if (e.kind !== 'none') this.clearEvent();
    if (this.note !== '' || this.noteThread !== -1 || this.noteValue !== 0) {
      this.note = '';
      this.noteThread = -1;
      this.noteValue = 0;
    }
  }
  private clearEvent(): void {
    const e = this.last;
    e.kind = 'none';
    e.thread = -1;
    e.ring = -1;
    e.frame = -1;
    e.before = -1;
    e.after = -1;
    e.ownerBefore = -1;
    e.conforming = true;
  }
  copyTransient(from: Ghost): void {
    const e = this.last;
    const f = from.last;
    e.kind = f.kind;
    e.thread = f.thread;
    e.ring = f.ring;
    e.frame = f.frame;
    e.before = f.before;
    e.after = f.after;
    e.ownerBefore = f.ownerBefore;
    e.conforming = f.conforming;
    this.note = from.note;
    this.noteThread = from.noteThread;
    this.noteValue = from.noteValue;
  }
}
defineFields(Ghost.prototype, GHOST_FIELDS);

export interface State extends Fields<typeof ROOT_FIELDS> {}
export class State extends View {
  readonly sock: Sock;
  readonly threads: readonly Thread[];
  readonly ghost: Ghost;
  /** The vector as unsigned 16-bit units: the canonical encoding, shared, not a copy. */
  readonly units: Uint16Array;
  /** Zeroed: every field 0 / false, every pc `done` (label 0), empty lists. */
  constructor(readonly layout: Layout) {
    const v = new Int16Array(layout.size);
    // The fingerprint of the all-zero vector is 0 (zero values have zero keys).
    const h = new Int32Array(2);
    super(v, ROOT_AT, h);
    this.units = new Uint16Array(v.buffer);
    this.sock = new Sock(v, h, new Ring(v, layout.rxAt, h, layout.rxFrames), new Ring(v, layout.txAt, h, layout.txFrames));
    this.threads = Array.from({ length: layout.threads }, (_, i) => new Thread(v, layout.threadAt(i), h, layout.rxFrames));
    this.ghost = new Ghost(v, h);
  }
  /** Make this state equal to `from` (same layout), transient record included. */
  copyFrom(from: State): void {
    this.v.set(from.v);
    this.h[0] = from.h[0];
    this.h[1] = from.h[1];
    this.ghost.copyTransient(from.ghost);
  }
  /** Make this state the one `units` encodes; `fp`, if given, is its known fingerprint (else it is recomputed). */
  load(units: Uint16Array, fp?: Uint32Array): void {
    this.units.set(units);
    if (fp) {
      this.h[0] = fp[0];
      this.h[1] = fp[1];
    } else rehash(this.h, this.v);
    this.ghost.clearTransient();
  }
  /** The state's fingerprint (zobrist.ts), as two unsigned halves. */
  fingerprint(out: Uint32Array): void {
    out[0] = this.h[0];
    out[1] = this.h[1];
  }
}
defineFields(State.prototype, ROOT_FIELDS);

/** A copy; `next` works on one so that its input is never mutated. */
export function cloneState(s: State): State {
  const n = new State(s.layout);
  n.copyFrom(s);
  return n;
}

/** Locals at their defaults: fields 0 / false except LOCAL_DEFAULTS, lists empty. */
export function resetLocals(l: Locals): void {
  for (const [name, kind] of LOCAL_FIELDS) (l as unknown as Record<string, number | boolean>)[name] = kind === 'bool' ? false : 0;
  for (const [name, x] of Object.entries(LOCAL_DEFAULTS)) (l as unknown as Record<string, number>)[name] = x as number;
  l.txReads.clear();
  l.held.clear();
}

/** A state of `layout` with every frame fresh (UNUSED, unowned), every thread's locals at their defaults and all locks free. */
export function emptyState(layout: Layout): State {
  const s = new State(layout);
  for (const r of [s.sock.rx, s.sock.tx]) {
    r.req = -1;
    for (const f of r.frames) f.reset();
  }
  const k = s.sock;
  k.pgVecLock = -1;
  k.rxqLock = -1;
  k.cbMutex = -1;
  s.idLock = -1;
  s.ghost.copyFrame = -1;
  s.ghost.copyPaired = -1;
  for (const t of s.threads) resetLocals(t.l);
  return s;
}

export function ringOf(s: State, ring: number): Ring {
  return ring === 0 ? s.sock.rx : s.sock.tx;
}

// ---------------------------------------------------------------------------------------------
// Plain snapshots: the state as ordinary objects, for tests, debugging and JSON.

function plainFields(view: object, fields: FieldList): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const [name] of fields) out[name] = (view as Record<string, number | boolean>)[name];
  return out;
}

export function plainRing(r: Ring): Record<string, unknown> {
  return { ...plainFields(r, RING_FIELDS), frames: r.frames.map((f) => plainFields(f, FRAME_FIELDS)) };
}

export function plainLocals(l: Locals): Record<string, unknown> {
  return { ...plainFields(l, LOCAL_FIELDS), txReads: l.txReads.toArray(), held: l.held.toArray() };
}

/** The whole state as a plain object graph (transient record left out). */
export function plainState(s: State): Record<string, unknown> {
  return {
    ...plainFields(s, ROOT_FIELDS),
    sock: { ...plainFields(s.sock, SOCK_FIELDS), rx: plainRing(s.sock.rx), tx: plainRing(s.sock.tx), rcvq: s.sock.rcvq.toArray() },
    threads: s.threads.map((t) => ({ pc: t.pc, stack: t.stack.toArray(), l: plainLocals(t.l) })),
    ghost: plainFields(s.ghost, GHOST_FIELDS),
  };
}

/** Every named field of the layout with its slot, for tests that the layout has no overlaps. */
export function fieldSlots(layout: Layout): { path: string; at: number; slots: number }[] {
  const out: { path: string; at: number; slots: number }[] = [];
  const add = (prefix: string, at: number, fields: FieldList) => {
    let k = at;
    for (const [name, kind] of fields) {
      out.push({ path: `${prefix}${name}`, at: k, slots: width(kind) });
      k += width(kind);
    }
  };
  add('', ROOT_AT, ROOT_FIELDS);
  add('ghost.', GHOST_AT, GHOST_FIELDS);
  add('sock.', SOCK_AT, SOCK_FIELDS);
  out.push({ path: 'sock.rcvq', at: RCVQ_AT, slots: 1 + 3 * RCVQ_CAP });
  for (const [name, at, frames] of [['rx', layout.rxAt, layout.rxFrames], ['tx', layout.txAt, layout.txFrames]] as const) {
    add(`sock.${name}.`, at, RING_FIELDS);
    for (let f = 0; f < frames; f++) add(`sock.${name}.frames[${f}].`, at + RING_SCALARS + f * FRAME_SIZE, FRAME_FIELDS);
  }
  for (let ti = 0; ti < layout.threads; ti++) {
    const at = layout.threadAt(ti);
    out.push({ path: `threads[${ti}].pc`, at: at + T_PC, slots: 1 });
    out.push({ path: `threads[${ti}].stack`, at: at + T_STACK, slots: 1 + STACK_CAP });
    add(`threads[${ti}].l.`, at + T_LOCALS, LOCAL_FIELDS);
    out.push({ path: `threads[${ti}].l.txReads`, at: at + T_TX_READS, slots: 1 + TX_READS_CAP });
    out.push({ path: `threads[${ti}].l.held`, at: at + T_HELD, slots: 1 + layout.rxFrames });
  }
  return out;
}
