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
import { rehash, touchByte, touchWord } from './zobrist.js';

/** What kind of skb a thread holds. */
export const SKB_NONE = 0;
/** An ordinary skb (alloc_skb): its data is private kernel memory. */
export const SKB_PLAIN = 1;
/** A ring-backed RX skb pointing into an RX frame (NETLINK_SKB_MMAPED). */
export const SKB_RX = 2;
/** A zero-copy TX skb pointing into a TX frame (NETLINK_SKB_MMAPED | NETLINK_SKB_TX, 3.10 only). */
export const SKB_TX = 3;

/**
 * Field kinds: `byte` and `bool` take one signed byte, `word` one aligned signed
 * 16-bit word, `mask` two words (a 32-bit bit mask). Most of the state is small
 * counters, indices and statuses, so bytes halve the vector; lengths, sizes and
 * return values get words.
 */
type FieldKind = 'byte' | 'bool' | 'word' | 'mask';
type FieldList = readonly (readonly [name: string, kind: FieldKind])[];

const bytesOf = (k: FieldKind): number => (k === 'mask' ? 4 : k === 'word' ? 2 : 1);
const isWide = (k: FieldKind): boolean => k === 'word' || k === 'mask';

/**
 * Byte offset of each field within its part: wide fields first (so each sits
 * at an even offset from the part's even start), then bytes; the part's size is
 * rounded up to an even number.
 */
function placeFields(fields: FieldList): { at: Map<string, number>; size: number } {
  const at = new Map<string, number>();
  let k = 0;
  for (const [name, kind] of fields) if (isWide(kind)) { at.set(name, k); k += bytesOf(kind); }
  for (const [name, kind] of fields) if (!isWide(kind)) { at.set(name, k); k += 1; }
  return { at, size: k + (k & 1) };
}
const sizeOf = (fields: FieldList): number => placeFields(fields).size;

function outOfRange(name: string, x: number, bits: number): never {
  throw new RangeError(`state field ${name} = ${x} does not fit its ${bits}-bit slot of the state vector`);
}

/**
 * Define getters and setters for `fields` on a view prototype: a field lives at
 * byte `this.o + offset` of the vector, read through `this.b` (bytes) or
 * `this.w` (words, index = byte offset / 2). One closure per field with its
 * offset as a constant, so V8 inlines each access to a typed-array load or store.
 */
function defineFields(proto: object, fields: FieldList): void {
  const { at } = placeFields(fields);
  for (const [name, kind] of fields) {
    const k = at.get(name) as number;
    const desc: PropertyDescriptor =
      kind === 'bool'
        ? {
            get(this: View) { return this.b[this.o + k] !== 0; },
            set(this: View, x: boolean) { putByte(this, this.o + k, x ? 1 : 0); },
          }
        : kind === 'byte'
          ? {
              get(this: View) { return this.b[this.o + k]; },
              set(this: View, x: number) {
                if ((x << 24) >> 24 !== x) outOfRange(name, x, 8);
                putByte(this, this.o + k, x);
              },
            }
          : kind === 'word'
            ? {
                get(this: View) { return this.w[(this.o + k) >> 1]; },
                set(this: View, x: number) {
                  if ((x << 16) >> 16 !== x) outOfRange(name, x, 16);
                  putWord(this, (this.o + k) >> 1, x);
                },
              }
            : {
                get(this: View) {
                  const i = (this.o + k) >> 1;
                  return (this.w[i] & 0xffff) | (this.w[i + 1] << 16);
                },
                set(this: View, x: number) {
                  if ((x | 0) !== x) outOfRange(name, x, 32);
                  const i = (this.o + k) >> 1;
                  putWord(this, i, (x << 16) >> 16);
                  putWord(this, i + 1, x >> 16);
                },
              };
    Object.defineProperty(proto, name, { ...desc, enumerable: true, configurable: false });
  }
}

/**
 * A window of the state vector: `b` and `w` are the whole vector as bytes and
 * as words, `o` the byte offset where this part starts, `h` the state's
 * incremental fingerprint (zobrist.ts), which every store keeps up to date.
 */
abstract class View {
  constructor(readonly b: Int8Array, readonly w: Int16Array, readonly o: number, readonly h: Int32Array) {}
}

/** Store byte x (range-checked) at byte p, keeping the fingerprint. */
function putByte(view: View, p: number, x: number): void {
  const old = view.b[p];
  if (old !== x) {
    view.b[p] = x;
    touchByte(view.h, p, old, x);
  }
}

/** Store word x (range-checked) at word index i, keeping the fingerprint. */
function putWord(view: View, i: number, x: number): void {
  const old = view.w[i];
  if (old !== x) {
    view.w[i] = x;
    touchWord(view.h, i, old, x);
  }
}

// ---------------------------------------------------------------------------------------------
// Field lists: the single source of truth for the layout, the plain snapshot and the tests.

export const FRAME_FIELDS = [
  /** nm_status. */
  ['status', 'byte'],
  /** nm_len. */
  ['len', 'word'],
  /** nm_group. */
  ['group', 'byte'],
  /** Message content tag at the message start (see constants MSG_*), 0 = none. */
  ['msg', 'byte'],
  /** The id carried in the message (sequence number or nfqueue packet id), 0 = none. */
  ['seq', 'byte'],
  /** Byte offset of the message start from the frame start (HDRLEN unless a bug moves it). */
  ['off', 'word'],
  /** Ghost: the kernel thread that reserved or claimed the frame and has not yet handed it over, -1 for none. */
  ['owner', 'byte'],
] as const satisfies FieldList;

export const RING_FIELDS = [
  /** Identity of the block array (pg_vec); 0 = no ring. A swap installs a new generation and frees the old one. */
  ['gen', 'byte'],
  /** Index of the scenario's setsockopt request whose blocks are installed; -1 = none. */
  ['req', 'byte'],
  ['frameNr', 'word'],
  ['frameSize', 'word'],
  /** frames_per_block: written by setsockopt before it takes pg_vec_lock (protocol.md §2.1). */
  ['framesPerBlock', 'word'],
  ['blockSize', 'word'],
  ['blockNr', 'word'],
  /** Kernel cursor, invisible to userspace. */
  ['head', 'byte'],
  /** Live ring-backed skbs (atomic_t pending). */
  ['pending', 'byte'],
] as const satisfies FieldList;

export const SOCK_FIELDS = [
  /** nlk->mapped: live VMAs. */
  ['mapped', 'byte'],
  /** struct file f_count: the fd table's reference plus one per VMA (plus one per other fd table). */
  ['fileRefs', 'byte'],
  /** Socket references held by ring skbs and in-progress lookups, besides the file's own. */
  ['sockRefs', 'byte'],
  /** netlink_release has run: the socket is unhashed and lookups by portid fail. */
  ['released', 'bool'],
  /** netlink_sock_destruct has run: rings are gone. */
  ['destructed', 'bool'],
  /** sk_err: must hold a positive errno or 0. */
  ['skErr', 'byte'],
  /** NETLINK_S_CONGESTED. */
  ['congested', 'bool'],
  /** sk_drops. */
  ['drops', 'byte'],
  /** NETLINK_F_RECV_NO_ENOBUFS. */
  ['noEnobufs', 'bool'],
  /** Holder (thread index) of pg_vec_lock, -1 when free. */
  ['pgVecLock', 'byte'],
  /** Holder of sk_receive_queue.lock, -1 when free. */
  ['rxqLock', 'byte'],
  /** Holder of nlk->cb_mutex, -1 when free. */
  ['cbMutex', 'byte'],
  /** nlk->cb_running and the index of the next dump part the callback emits. */
  ['dumpRunning', 'bool'],
  ['dumpPart', 'byte'],
  // Dump allocation (kernel/recvmsg.ts, kernel/dump.ts).
  /**
   * nlk->max_recvmsg_len: the largest buffer a recvmsg() that dequeued a message
   * was given, capped at 16 KiB (3.15+; read by netlink_dump's autosize). Kept 0
   * where nothing can read it (3.10, or a scenario without a dump).
   */
  ['maxRecvmsgLen', 'word'],
  /**
   * sk_rmem_alloc, counted in ordinary skbs charged to the socket (each one truesize,
   * kernel/rmem.ts): queued ones and those between netlink_attachskb and the queue.
   */
  ['rmem', 'byte'],
  /** A wakeup (sk_data_ready / sk_error_report) arrived for a registered poller. */
  ['wake', 'bool'],
  /** Ring generations the live VMAs map (0 = none). A VMA keeps pointing at the pages it mapped. */
  ['vmaRxGen', 'byte'],
  ['vmaTxGen', 'byte'],
  // A second socket (kernel/setup.ts port.bind): once netlink_release has unhashed this
  // socket, another may bind its port id, and lookups by that port id then find it.
  /** Another socket holds this socket's port id. */
  ['otherBound', 'bool'],
  /** Messages queued on that other socket's receive queue (it has no ring, and nobody reads it here). */
  ['otherQueued', 'byte'],
] as const satisfies FieldList;

/**
 * Thread-local variables. One fixed shape for every thread keeps copying and
 * encoding uniform; a program uses the fields it needs and leaves the rest at
 * their defaults (LOCAL_DEFAULTS).
 */
export const LOCAL_FIELDS = [
  /** Loop counter: messages produced, requests sent, writes done. */
  ['k', 'byte'],
  /** Current message tag / id. */
  ['msg', 'byte'],
  ['seq', 'byte'],
  /** The skb this thread holds: see SKB_* kinds. */
  ['skb', 'byte'],
  ['skbGen', 'byte'],
  ['skbFrame', 'byte'],
  ['skbLen', 'word'],
  ['skbMsg', 'byte'],
  ['skbSeq', 'byte'],
  /** netlink_forward_ring locals: the start head and the examined position; ghost: bit i = frame i was examined. */
  ['fwdStart', 'byte'],
  ['fwdPos', 'byte'],
  ['fwdSeen', 'word'],
  /**
   * Ghost monitor of netlink_alloc_skb's locked section: set while the thread is
   * in it; `fullSeen` records whether, at some instant of the section, the ring
   * had no UNUSED frame reachable from the head over SKIP frames (so that a
   * failure is justified by some linearisation point, not only by the last read).
   */
  ['inAlloc', 'bool'],
  ['fullSeen', 'bool'],
  /** Return value of the current subroutine / syscall. */
  ['ret', 'word'],
  /** The message recvmsg returned: tag, id, and (ghost) the COPY frame it was queued with. */
  ['rMsg', 'byte'],
  ['rSeq', 'byte'],
  ['rFrame', 'byte'],
  /** netlink_mmap_sendmsg: exclusivity, accumulated length, last error. */
  ['txExcl', 'bool'],
  ['txTotal', 'word'],
  ['txErr', 'word'],
  /** Frames consumed by the sendmsg call in progress. */
  ['txCount', 'byte'],
  /**
   * Ghost: frames the sendmsg call in progress (or the last one) took off the TX ring, counted
   * when the kernel takes one (sets it UNUSED after the copy, or RESERVED for zero copy), where
   * `txCount` counts a frame only once the receiver is done with it. What the call returns is
   * judged against it (RET-TX-SENDMSG).
   */
  ['txTaken', 'byte'],
  /** The nm_len local (4.5: the single read) and the allocation size; `txReads` has every value of nm_len read for the frame in progress. */
  ['txLen', 'word'],
  ['txAlloc', 'word'],
  ['txFrame', 'byte'],
  /** Ghost: the message content the kernel receiver validated and the content it acted on (-1 = not yet). */
  ['vMsg', 'word'],
  ['aMsg', 'word'],
  /** Consumer: private ring cursor and last id read (`held`: the frames held as SKIP, sorted). */
  ['cursor', 'byte'],
  ['seqLast', 'byte'],
  /** nfqueue consumer: highest packet id read, highest id covered by the verdicts it sent. */
  ['maxRead', 'byte'],
  ['covered', 'byte'],
  /** Consumer with `dumpAfterCopy`: 0 = no COPY message read yet, 1 = one was read (dump due), 2 = dump requested. */
  ['dumpReq', 'byte'],
  /** Userspace TX cursor (the frame the user fills next) and frames filled but not yet submitted. */
  ['txCursor', 'byte'],
  ['unsent', 'byte'],
  /** A TX user that retries after an error (TxParams.misbehave.retries): failed calls it has repeated. */
  ['retried', 'byte'],
  /** Mappings this thread made and has not unmapped. */
  ['maps', 'byte'],
  /** Poll: mask being built and the scan position. */
  ['mask', 'word'],
  ['scan', 'byte'],
  /** The thread registered on the socket wait queue (inside poll) or sleeps on it. */
  ['waiting', 'bool'],
  // TX ring-path selection (kernel/sendmsg.ts).
  /**
   * How the thread's latest send call was made: sendmsg() with msg_iovlen == 0
   * (true) or sendto(fd, NULL, 0) (false: one iovec with a NULL base). The
   * caller sets it before every call and nothing clears it, so a thread that
   * always calls one way keeps one value.
   */
  ['txNoIov', 'bool'],
] as const satisfies FieldList;

/** Locals whose default is not 0 / false. */
export const LOCAL_DEFAULTS: Readonly<Partial<Record<LocalName, number>>> = { skbFrame: -1, fwdPos: -1, rFrame: -1, txFrame: -1, vMsg: -1, aMsg: -1 };

/**
 * The locals of a kernel producer thread: the code it runs (kernel/producer.ts,
 * alloc.ts, deliver.ts, sock.ts, and step.ts's call/return) touches only these,
 * so its block of the vector leaves the others out (rx-basic's three producers
 * then take 30 bytes each instead of 78). Reading an absent local gives its
 * default; writing anything else to it throws, so a path that starts to use one
 * fails loudly rather than being mis-encoded.
 */
export const PRODUCER_LOCALS: readonly LocalName[] = [
  'k', 'msg', 'seq', 'skb', 'skbGen', 'skbFrame', 'skbLen', 'skbMsg', 'skbSeq',
  'fwdStart', 'fwdPos', 'fwdSeen', 'inAlloc', 'fullSeen', 'ret',
];

export const ROOT_FIELDS = [
  /** Subsystem lock under which ids are assigned (nfqueue queue->lock, or a subsystem mutex); -1 = free. */
  ['idLock', 'byte'],
  /** Last id handed out (queue->id_sequence). */
  ['idSeq', 'byte'],
  /** Next ring-memory generation. */
  ['nextGen', 'byte'],
] as const satisfies FieldList;

export const GHOST_FIELDS = [
  /** nfqueue: ids read by the consumer, ids queued in the kernel awaiting a verdict, ids that got a verdict (bits 1..29). */
  ['readIds', 'mask'],
  ['queuedIds', 'mask'],
  ['verdictIds', 'mask'],
  /**
   * Messages (tags 1..29) the user has taken off the receive queue with recvmsg: a message
   * can be read before its sender is told it was delivered (a COPY frame's skb is queued
   * before the frame is marked), and then it is delivered though no longer readable. Under
   * tso and weak also those read from a VALID frame (user/consumer.ts consume).
   */
  ['recvTags', 'mask'],
  /** Messages lost since the user last read an ENOBUFS. */
  ['unreported', 'byte'],
  /** Dump messages the consumer has read so far (parts and NLMSG_DONE). */
  ['dumpRead', 'byte'],
  /** The consumer's last COPY frame and the frame paired with the message recvmsg returned for it. */
  ['copyFrame', 'byte'],
  ['copyPaired', 'byte'],
  /** A kernel thread read or wrote a frame of a ring generation that was already freed (or of no ring). */
  ['usedFreed', 'bool'],
  // Determinism (model/taint.ts).
  /** Sticky: a kernel step branched on a value read from uninitialised memory. */
  ['uninitBranch', 'bool'],
] as const satisfies FieldList;

type Fields<L extends FieldList> = { -readonly [F in L[number] as F[0]]: F[1] extends 'bool' ? boolean : number };
export type LocalName = (typeof LOCAL_FIELDS)[number][0];

/** Capacities of the variable-length parts. */
export const STACK_CAP = 4;
/** netlink_mmap_sendmsg reads nm_len at most four times per frame (3.10: check, alloc, put, copy). */
export const TX_READS_CAP = 4;
export const RCVQ_CAP = 8;

// ---------------------------------------------------------------------------------------------
// Layout: where each part sits (byte offsets, all even), for one scenario's shape.

const ROOT_AT = 0;
const GHOST_AT = ROOT_AT + sizeOf(ROOT_FIELDS);
const SOCK_AT = GHOST_AT + sizeOf(GHOST_FIELDS);
/** The receive queue: a length byte, then RCVQ_CAP × (msg, seq, frame) bytes. */
const RCVQ_AT = SOCK_AT + sizeOf(SOCK_FIELDS);
const RCVQ_SIZE = even(1 + 3 * RCVQ_CAP);
const RINGS_AT = RCVQ_AT + RCVQ_SIZE;
const RING_SCALARS = sizeOf(RING_FIELDS);
const FRAME_SIZE = sizeOf(FRAME_FIELDS);
/** Within a thread: pc (word), call stack (words: length, labels), locals, nm_len reads (words), held frames (bytes). */
const T_PC = 0;
const T_STACK = 2;
const T_LOCALS = T_STACK + 2 * (1 + STACK_CAP);
const T_TX_READS = T_LOCALS + sizeOf(LOCAL_FIELDS);
const T_HELD = T_TX_READS + 2 * (1 + TX_READS_CAP);

function even(n: number): number {
  return n + (n & 1);
}

/** Which block shape a thread gets: every local, or a producer's few (PRODUCER_LOCALS). */
export type ThreadShape = 'full' | 'producer';

/**
 * The memory model a state vector is laid out for (mem.ts says what each means).
 * Under `sc` a thread has no memory area, so sequentially consistent vectors are
 * exactly what they were before memory models existed.
 */
export type MemoryModel = 'sc' | 'tso' | 'weak';
export const MEMORY_MODELS: readonly MemoryModel[] = ['sc', 'tso', 'weak'];

/**
 * A thread's memory area under tso and weak (words): its store buffer (a length,
 * then SB_CAP entries), whether the next buffered store is ordered after the ones
 * before it (a write barrier was passed), and its early loads (a length, then
 * EARLY_CAP entries). An entry is ENTRY_WORDS words; mem.ts encodes it.
 */
export const SB_CAP = 4;
export const EARLY_CAP = 2;
export const ENTRY_WORDS = 4;
export const MEM_SB = 0;
export const MEM_FENCE = MEM_SB + 1 + SB_CAP * ENTRY_WORDS;
export const MEM_EARLY = MEM_FENCE + 1;
export const MEM_WORDS = MEM_EARLY + 1 + EARLY_CAP * ENTRY_WORDS;

export class Layout {
  readonly rxAt: number;
  readonly txAt: number;
  readonly threadsAt: number;
  /** Byte offset and size of each thread's block. */
  private readonly threadOffsets: number[] = [];
  readonly threadSizes: number[] = [];
  /** Bytes in the vector (even: the encoding reads it as 16-bit units). */
  readonly size: number;
  /** Byte offsets where a word (16-bit) slot starts; every other byte is a byte slot of its own. */
  readonly wordStarts: Uint8Array;
  readonly threads: number;
  constructor(
    /** Frame slots of each ring: the largest frame_nr of any request that can be installed on it (0 if none can). */
    readonly rxFrames: number,
    readonly txFrames: number,
    /** One shape per thread, in scenario order. */
    readonly shapes: readonly ThreadShape[],
    /** Under tso and weak every thread's block ends with its memory area (MEM_WORDS words). */
    readonly memory: MemoryModel = 'sc',
  ) {
    this.threads = shapes.length;
    this.rxAt = RINGS_AT;
    this.txAt = RINGS_AT + RING_SCALARS + rxFrames * FRAME_SIZE;
    this.threadsAt = this.txAt + RING_SCALARS + txFrames * FRAME_SIZE;
    let at = this.threadsAt;
    const memBytes = memory === 'sc' ? 0 : 2 * MEM_WORDS;
    for (const shape of shapes) {
      // A full block's held list has room for every RX frame.
      const size = (shape === 'producer' ? even(T_LOCALS + sizeOf(PRODUCER_FIELDS)) : even(T_HELD + 1 + rxFrames)) + memBytes;
      this.threadOffsets.push(at);
      this.threadSizes.push(size);
      at += size;
    }
    this.size = at;
    this.wordStarts = new Uint8Array(this.size);
    for (const f of fieldSlots(this)) if (f.word) for (let i = f.at; i < f.at + f.bytes; i += 2) this.wordStarts[i] = 1;
  }
  threadAt(ti: number): number {
    return this.threadOffsets[ti];
  }
  /** Byte offset of thread ti's memory area (tso and weak only): the end of its block. */
  memAt(ti: number): number {
    return this.threadOffsets[ti] + this.threadSizes[ti] - 2 * MEM_WORDS;
  }
}

// ---------------------------------------------------------------------------------------------
// Views.

export interface Frame extends Fields<typeof FRAME_FIELDS> {}
export class Frame extends View {
  /** Back to a fresh frame: UNUSED, no message, no owner. */
  reset(): void {
    for (const [name] of FRAME_FIELDS) (this as unknown as Record<string, number>)[name] = 0;
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
  constructor(b: Int8Array, w: Int16Array, o: number, h: Int32Array, frames: number) {
    super(b, w, o, h);
    this.frames = Array.from({ length: frames }, (_, i) => new Frame(b, w, o + RING_SCALARS + i * FRAME_SIZE, h));
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

/**
 * A bounded list of small integers in the vector: a length, then `cap` values,
 * all bytes or all words (`wide`); values past the length are zero.
 */
export class IntList extends View {
  constructor(b: Int8Array, w: Int16Array, o: number, h: Int32Array, readonly cap: number, readonly wide: boolean, readonly what: string) {
    super(b, w, o, h);
  }
  private get(i: number): number {
    return this.wide ? this.w[(this.o >> 1) + i] : this.b[this.o + i];
  }
  private set(i: number, x: number): void {
    if (this.wide) putWord(this, (this.o >> 1) + i, x);
    else putByte(this, this.o + i, x);
  }
  get length(): number {
    return this.get(0);
  }
  at(i: number): number {
    return this.get(1 + i);
  }
  push(x: number): void {
    const n = this.get(0);
    if (n >= this.cap) throw new RangeError(`state vector: ${this.what} holds at most ${this.cap} values`);
    const bits = this.wide ? 16 : 8;
    if ((x << (32 - bits)) >> (32 - bits) !== x) outOfRange(this.what, x, bits);
    this.set(1 + n, x);
    this.set(0, n + 1);
  }
  pop(): number | undefined {
    const n = this.get(0);
    if (n === 0) return undefined;
    const x = this.get(n);
    this.set(n, 0);
    this.set(0, n - 1);
    return x;
  }
  /** Remove the value at index i, keeping the order of the rest. */
  removeAt(i: number): number {
    const n = this.get(0);
    const x = this.get(1 + i);
    for (let j = 1 + i; j < n; j++) this.set(j, this.get(j + 1));
    this.set(n, 0);
    this.set(0, n - 1);
    return x;
  }
  /** Insert keeping ascending order (a set of values encodes one way only). */
  insertSorted(x: number): void {
    this.push(x);
    for (let i = this.get(0); i > 1 && this.get(i - 1) > this.get(i); i--) {
      const t = this.get(i);
      this.set(i, this.get(i - 1));
      this.set(i - 1, t);
    }
  }
  clear(): void {
    for (let i = this.get(0); i > 0; i--) this.set(i, 0);
    this.set(0, 0);
  }
  toArray(): number[] {
    return Array.from({ length: this.get(0) }, (_, i) => this.get(1 + i));
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
  /** Pop the label id. */
  popId(): number | undefined {
    return this.ids.pop();
  }
  toArray(): string[] {
    return this.ids.toArray().map(labelAt);
  }
}

/** sk_receive_queue: a bounded FIFO of (msg, seq, frame) byte triples. */
export class RecvQueue extends View {
  get length(): number {
    return this.b[this.o];
  }
  /** The i-th message, or undefined past the end. */
  at(i: number): Queued | undefined {
    if (i < 0 || i >= this.b[this.o]) return undefined;
    const p = this.o + 1 + 3 * i;
    return { msg: this.b[p], seq: this.b[p + 1], frame: this.b[p + 2] };
  }
  private put(i: number, q: Queued): void {
    const p = this.o + 1 + 3 * i;
    for (const [k, x] of [q.msg, q.seq, q.frame].entries()) {
      if ((x << 24) >> 24 !== x) outOfRange('rcvq', x, 8);
      putByte(this, p + k, x);
    }
  }
  push(q: Queued): void {
    const n = this.b[this.o];
    if (n >= RCVQ_CAP) throw new RangeError(`state vector: the receive queue holds at most ${RCVQ_CAP} messages`);
    this.put(n, q);
    putByte(this, this.o, n + 1);
  }
  shift(): Queued | undefined {
    const n = this.b[this.o];
    if (n === 0) return undefined;
    const q = this.at(0) as Queued;
    for (let i = 0; i < n - 1; i++) this.put(i, this.at(i + 1) as Queued);
    this.put(n - 1, { msg: 0, seq: 0, frame: 0 });
    putByte(this, this.o, n - 1);
    return q;
  }
  clear(): void {
    for (let n = this.b[this.o]; n > 0; n--) this.shift();
  }
  toArray(): Queued[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i) as Queued);
  }
  /** Rewrite every message tag (symmetry relabelling). */
  mapMsg(f: (msg: number) => number): void {
    for (let i = 0; i < this.length; i++) {
      const q = this.at(i) as Queued;
      this.put(i, { ...q, msg: f(q.msg) });
    }
  }
}

export interface Sock extends Fields<typeof SOCK_FIELDS> {}
export class Sock extends View {
  readonly rcvq: RecvQueue;
  constructor(b: Int8Array, w: Int16Array, h: Int32Array, readonly rx: Ring, readonly tx: Ring) {
    super(b, w, SOCK_AT, h);
    this.rcvq = new RecvQueue(b, w, RCVQ_AT, h);
  }
}
defineFields(Sock.prototype, SOCK_FIELDS);

const PRODUCER_FIELDS: FieldList = LOCAL_FIELDS.filter(([name]) => PRODUCER_LOCALS.includes(name));

/** Thread-local variables: FullLocals or ProducerLocals, which read and write the same way. */
export type Locals = FullLocals | ProducerLocals;

export interface FullLocals extends Fields<typeof LOCAL_FIELDS> {}
export class FullLocals extends View {
  /** Every value of nm_len read for the TX frame in progress. */
  readonly txReads: IntList;
  /** Frames the consumer holds as SKIP, ascending. */
  readonly held: IntList;
  constructor(b: Int8Array, w: Int16Array, threadAt: number, h: Int32Array, frames: number) {
    super(b, w, threadAt + T_LOCALS, h);
    this.txReads = new IntList(b, w, threadAt + T_TX_READS, h, TX_READS_CAP, true, 'nm_len reads');
    this.held = new IntList(b, w, threadAt + T_HELD, h, frames, false, 'held frames');
  }
}
defineFields(FullLocals.prototype, LOCAL_FIELDS);

/** A list that is always empty (a producer has no nm_len reads and holds no frames): pushing throws. */
function noList(what: string): IntList {
  return new IntList(new Int8Array(2), new Int16Array(1), 0, new Int32Array(2), 0, true, `${what} (a producer thread has none)`);
}

export interface ProducerLocals extends Fields<typeof LOCAL_FIELDS> {}
export class ProducerLocals extends View {
  readonly txReads = noList('nm_len reads');
  readonly held = noList('held frames');
  constructor(b: Int8Array, w: Int16Array, threadAt: number, h: Int32Array) {
    super(b, w, threadAt + T_LOCALS, h);
  }
}
defineFields(ProducerLocals.prototype, PRODUCER_FIELDS);
for (const [name, kind] of LOCAL_FIELDS) {
  if (PRODUCER_LOCALS.includes(name)) continue;
  const initial: number | boolean = kind === 'bool' ? false : (LOCAL_DEFAULTS[name] ?? 0);
  Object.defineProperty(ProducerLocals.prototype, name, {
    get: () => initial,
    set: (x: number | boolean) => {
      if (x !== initial) throw new Error(`a producer thread has no local '${name}' (state.ts PRODUCER_LOCALS); it cannot hold ${String(x)}`);
    },
    enumerable: true,
    configurable: false,
  });
}

/** Words of the vector read and written by index (a thread's memory area; mem.ts gives them meaning). */
export class WordArea extends View {
  get(i: number): number {
    return this.w[(this.o >> 1) + i];
  }
  set(i: number, x: number): void {
    if ((x << 16) >> 16 !== x) outOfRange('memory area', x, 16);
    putWord(this, (this.o >> 1) + i, x);
  }
}

export class Thread extends View {
  /** Return labels of the subroutines this thread is inside. */
  readonly stack: LabelStack;
  readonly l: Locals;
  /** Store buffer and early loads (tso and weak); null under sc. */
  readonly mem: WordArea | null;
  constructor(b: Int8Array, w: Int16Array, o: number, h: Int32Array, frames: number, shape: ThreadShape, memAt: number | null) {
    super(b, w, o, h);
    this.stack = new LabelStack(new IntList(b, w, o + T_STACK, h, STACK_CAP, true, 'call stack'));
    this.l = shape === 'producer' ? new ProducerLocals(b, w, o, h) : new FullLocals(b, w, o, h, frames);
    this.mem = memAt === null ? null : new WordArea(b, w, memAt, h);
  }
  /** Program counter: a step label such as `alloc.lock`. */
  get pc(): string {
    return labelAt(this.w[(this.o + T_PC) >> 1]);
  }
  set pc(label: string) {
    putWord(this, (this.o + T_PC) >> 1, labelId(label));
  }
  /** The program counter as its label id (cheap to compare and index by). */
  get pcId(): number {
    return this.w[(this.o + T_PC) >> 1];
  }
  set pcId(id: number) {
    labelAt(id); // an unknown id throws
    putWord(this, (this.o + T_PC) >> 1, id);
  }
}

/** A stale load of a published frame (Ghost.stale): where, which field, what it read and what was stored. */
export interface Stale {
  readonly ring: number;
  readonly frame: number;
  readonly field: string;
  readonly read: number;
  readonly stored: number;
  readonly thread: number;
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
  /**
   * Transient, beside the note (which the same step may use for something else): a kernel
   * sender's delivery call (netlink_unicast / netlink_broadcast) returned in the last step.
   * The sender's thread (-1 for none), what it was told, and the message (tag) it sent.
   */
  toldThread = -1;
  toldValue = 0;
  toldMsg = 0;
  /**
   * Transient: a load of a frame's header or message after its status handed the frame
   * over returned something other than what was stored before the status (mem.ts
   * loadPublished): for PUBLISH-RX and PUBLISH-TX. `stale` is null when none did.
   */
  stale: Stale | null = null;
  noteStale(ring: number, frame: number, field: string, read: number, stored: number, thread: number): void {
    this.stale ??= { ring, frame, field, read, stored, thread };
  }
  constructor(b: Int8Array, w: Int16Array, h: Int32Array) {
    super(b, w, GHOST_AT, h);
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
    if (this.toldThread !== -1) {
      this.toldThread = -1;
      this.toldValue = 0;
      this.toldMsg = 0;
    }
    // Cleared only when set (a store is a write in a step's footprint, footprints.ts); only tso and weak set it.
    if (this.stale !== null) this.stale = null;
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
    this.toldThread = from.toldThread;
    this.toldValue = from.toldValue;
    this.toldMsg = from.toldMsg;
    this.stale = from.stale;
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
    const buf = new ArrayBuffer(layout.size);
    const b = new Int8Array(buf);
    const w = new Int16Array(buf);
    // The fingerprint of the all-zero vector is 0 (zero values have zero keys).
    const h = new Int32Array(2);
    super(b, w, ROOT_AT, h);
    this.units = new Uint16Array(buf);
    this.sock = new Sock(b, w, h, new Ring(b, w, layout.rxAt, h, layout.rxFrames), new Ring(b, w, layout.txAt, h, layout.txFrames));
    this.threads = layout.shapes.map((shape, i) => new Thread(b, w, layout.threadAt(i), h, layout.rxFrames, shape, layout.memory === 'sc' ? null : layout.memAt(i)));
    this.ghost = new Ghost(b, w, h);
  }
  /** Make this state equal to `from` (same layout), transient record included. */
  copyFrom(from: State): void {
    this.units.set(from.units);
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
    } else rehash(this.h, this.b, this.w, this.layout.wordStarts);
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
  for (const [name, kind] of LOCAL_FIELDS) (l as unknown as Record<string, number | boolean>)[name] = kind === 'bool' ? false : (LOCAL_DEFAULTS[name] ?? 0);
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
    threads: s.threads.map((t) => ({ pc: t.pc, stack: t.stack.toArray(), l: plainLocals(t.l), ...(t.mem ? { mem: Array.from({ length: MEM_WORDS }, (_, i) => t.mem!.get(i)) } : {}) })),
    ghost: plainFields(s.ghost, GHOST_FIELDS),
  };
}

/** Every named field (or list) of the layout with its bytes, for the layout itself and for tests that it has no overlaps. */
export function fieldSlots(layout: Pick<Layout, 'rxAt' | 'txAt' | 'rxFrames' | 'txFrames' | 'shapes' | 'threadAt' | 'memory' | 'memAt'>): { path: string; at: number; bytes: number; word: boolean }[] {
  const out: { path: string; at: number; bytes: number; word: boolean }[] = [];
  const add = (prefix: string, base: number, fields: FieldList) => {
    const { at } = placeFields(fields);
    for (const [name, kind] of fields) out.push({ path: `${prefix}${name}`, at: base + (at.get(name) as number), bytes: bytesOf(kind), word: isWide(kind) });
  };
  add('', ROOT_AT, ROOT_FIELDS);
  add('ghost.', GHOST_AT, GHOST_FIELDS);
  add('sock.', SOCK_AT, SOCK_FIELDS);
  out.push({ path: 'sock.rcvq', at: RCVQ_AT, bytes: 1 + 3 * RCVQ_CAP, word: false });
  for (const [name, at, frames] of [['rx', layout.rxAt, layout.rxFrames], ['tx', layout.txAt, layout.txFrames]] as const) {
    add(`sock.${name}.`, at, RING_FIELDS);
    for (let f = 0; f < frames; f++) add(`sock.${name}.frames[${f}].`, at + RING_SCALARS + f * FRAME_SIZE, FRAME_FIELDS);
  }
  for (let ti = 0; ti < layout.shapes.length; ti++) {
    const at = layout.threadAt(ti);
    out.push({ path: `threads[${ti}].pc`, at: at + T_PC, bytes: 2, word: true });
    out.push({ path: `threads[${ti}].stack`, at: at + T_STACK, bytes: 2 * (1 + STACK_CAP), word: true });
    if (layout.memory !== 'sc') out.push({ path: `threads[${ti}].mem`, at: layout.memAt(ti), bytes: 2 * MEM_WORDS, word: true });
    if (layout.shapes[ti] === 'producer') {
      add(`threads[${ti}].l.`, at + T_LOCALS, PRODUCER_FIELDS);
      continue;
    }
    add(`threads[${ti}].l.`, at + T_LOCALS, LOCAL_FIELDS);
    out.push({ path: `threads[${ti}].l.txReads`, at: at + T_TX_READS, bytes: 2 * (1 + TX_READS_CAP), word: true });
    out.push({ path: `threads[${ti}].l.held`, at: at + T_HELD, bytes: 1 + layout.rxFrames, word: false });
  }
  return out;
}
