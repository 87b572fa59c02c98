/**
 * The SPIN anchor (bench/anchor/rxring.pml) as an nlring spec: the same
 * transition system as the `pan` verifier that `spin -a` generates from it, so
 * that nlring's bfs and SPIN store the same number of distinct states and the
 * benchmark compares like with like.
 *
 * What "the same" means, and why each rule is here:
 * - One action per pan transition. Pan runs an atomic block without storing the
 *   states inside it, so a whole atomic block is one action. Pan also merges
 *   statements (statement merging, on unless `spin -o3`): a run of statements
 *   that only touch the process's own variables is folded into the transition
 *   before it. The actions below follow the merged transitions that `./pan -d`
 *   lists for this model, e.g. `sent++` rides on the publish step. With
 *   `merging: false` the spec is instead the system of `spin -o3 -a` (no merging),
 *   where `sent++` is a step of its own.
 * - The state is pan's state vector: the globals, and for each running process
 *   its program counter and locals. A local keeps its last value (`hops`,
 *   `frame`, the reader's `j`), as in pan, and counts towards distinctness.
 *   `payload` is written and never read, so SPIN leaves it out of the vector
 *   (`-o2` would keep it); it is left out here too.
 * - Processes exist only while they run, as in pan: the senders appear when
 *   init's atomic block starts them, and pan removes a finished process only
 *   when it has the highest pid (init is pid 1, senders 2..K+1), so a finished
 *   sender waits at its end until every later sender is gone, and init until
 *   every sender is. A removed process's bytes are zero again.
 *
 * Reduction: `reduction` offers SPIN-style ample sets for bfs's `{ por: true }`
 * (reduction.ts: a sender's purely local steps go first, from the footprint
 * table and the control-flow graph declared there). It changes nothing unless
 * asked for: the unreduced state counts are pan's with -DNOREDUCE.
 */
import type { ActionBase, InPlace, Spec } from '../../src/model/interface.js';
import { UsageError } from '../../src/errors.js';
import { I_END, I_START, Layout, S_ALLOC, S_END, S_INC, S_LOOP, S_NOPUB, S_PUB, S_WRITE, U_LOOP, type AnchorParams } from './layout.js';
import { anchorReduction, type AnchorProperty } from './reduction.js';

export type { AnchorParams } from './layout.js';

/** nm_status values, as the model numbers them. */
export const UNUSED = 0;
export const RESERVED = 1;
export const VALID = 2;
export const SKIP = 3;
const STATUS = ['UNUSED', 'RESERVED', 'VALID', 'SKIP'];

/** The reader may keep at most this many frames as SKIP (the model's constant). */
const MAX_HELD = 2;
/** `frame` after an overrun: no frame. */
const NO_FRAME = 255;



export type AnchorKind =
  | 'init.spawn'
  | 'init.exit'
  | 'reader.consume'
  | 'reader.keep'
  | 'reader.pass'
  | 'reader.release'
  | 'sender.next'
  | 'sender.done'
  | 'sender.alloc'
  | 'sender.publish'
  | 'sender.lost'
  | 'sender.write'
  | 'sender.nowrite'
  | 'sender.count'
  | 'sender.exit';

export interface AnchorAction extends ActionBase {
  readonly kind: AnchorKind;
  /** -1 for init, -2 for the reader, else the sender's index 0..K-1 (its `me`). */
  readonly proc: number;
  /** The kind's index in KINDS (engines count firings by it). */
  readonly kindAt: number;
}

const KINDS: readonly AnchorKind[] = [
  'init.spawn', 'init.exit',
  'reader.consume', 'reader.keep', 'reader.pass', 'reader.release',
  'sender.next', 'sender.done', 'sender.alloc', 'sender.publish', 'sender.lost', 'sender.write', 'sender.nowrite', 'sender.count', 'sender.exit',
];
const KIND_INDEX = new Map(KINDS.map((k, i) => [k, i]));


/**
 * A state: pan's vector as bytes, and the same bytes as 16-bit units (the
 * canonical encoding engines hash and queue; one buffer, so encoding is free).
 */
export class AnchorState {
  readonly v: Uint8Array;
  readonly u: Uint16Array;
  constructor(bytes: number) {
    this.v = new Uint8Array(bytes);
    this.u = new Uint16Array(this.v.buffer);
  }
}

function checkParams(p: AnchorParams): void {
  const ok = (n: number, lo: number, hi: number) => Number.isInteger(n) && n >= lo && n <= hi;
  // Bytes hold every counter: K * M messages at most, and `me * 16 + sent` in the model stays below 256.
  if (!ok(p.frames, 1, 254)) throw new UsageError(`anchor: frames must be an integer in 1..254, got ${p.frames}`);
  if (!ok(p.senders, 1, 15)) throw new UsageError(`anchor: senders must be an integer in 1..15, got ${p.senders}`);
  if (!ok(p.messages, 1, 15)) throw new UsageError(`anchor: messages must be an integer in 1..15, got ${p.messages}`);
}

/** The anchor model for F frames, K senders and M messages each, as an nlring spec. */
export function anchorSpec(p: AnchorParams): Spec<AnchorState, AnchorAction> {
  checkParams(p);
  const L = new Layout(p);
  const F = p.frames;
  const K = p.senders;
  const M = p.messages;
  const merging = p.merging ?? true;

  // Actions are interned: enumerating them allocates only the result array.
  const make = (kind: AnchorKind, proc: number): AnchorAction =>
    Object.freeze({ actor: proc === -1 ? 'init' : proc === -2 ? 'reader' : `sender${proc}`, kind, proc, kindAt: KIND_INDEX.get(kind) ?? 0 });
  const initSpawn = make('init.spawn', -1);
  const initExit = make('init.exit', -1);
  const consume = make('reader.consume', -2);
  const keep = make('reader.keep', -2);
  const pass = make('reader.pass', -2);
  const release = make('reader.release', -2);
  const senderActs = Array.from({ length: K }, (_, i) => ({
    next: make('sender.next', i),
    done: make('sender.done', i),
    alloc: make('sender.alloc', i),
    publish: make('sender.publish', i),
    lost: make('sender.lost', i),
    write: make('sender.write', i),
    nowrite: make('sender.nowrite', i),
    count: make('sender.count', i),
    exit: make('sender.exit', i),
  }));

  const pcAt = (i: number) => L.senderAt + 4 * i;
  /** Whether every sender from `from` on has been removed (pan removes only the highest pid). */
  const noneRunningFrom = (v: Uint8Array, from: number): boolean => {
    for (let i = from; i < K; i++) if (v[pcAt(i)] !== 0) return false;
    return true;
  };

  const init = (): AnchorState => {
    const s = new AnchorState(L.bytes);
    s.v[L.readerPc] = U_LOOP; // active proctype: pid 0, running from the start
    s.v[L.initPc] = I_START; // init: pid 1
    return s;
  };

  const actions = (s: AnchorState): AnchorAction[] => {
    const v = s.v;
    const out: AnchorAction[] = [];
    // The reader (pid 0): the do loop's four guarded atomic blocks, in order.
    const at = v[L.cursor];
    if (v[at] === VALID) out.push(consume);
    if (v[at] === VALID && v[L.nheld] < MAX_HELD) out.push(keep);
    if (v[at] === SKIP) out.push(pass);
    if (v[L.nheld] > 0) out.push(release);
    // init (pid 1).
    const ipc = v[L.initPc];
    if (ipc === I_START) out.push(initSpawn);
    else if (ipc === I_END && noneRunningFrom(v, 0)) out.push(initExit);
    // The senders (pids 2..K+1): exactly one control point each, and every one but the end is always enabled.
    for (let i = 0; i < K; i++) {
      const b = pcAt(i);
      const a = senderActs[i];
      switch (v[b]) {
        case S_LOOP:
          out.push(v[b + 1] < M ? a.next : a.done);
          break;
        case S_ALLOC:
          out.push(a.alloc);
          break;
        case S_PUB:
          out.push(v[b + 2] !== NO_FRAME ? a.publish : a.lost);
          break;
        case S_WRITE:
          out.push(a.write);
          break;
        case S_NOPUB:
          out.push(a.nowrite);
          break;
        case S_INC:
          out.push(a.count);
          break;
        case S_END:
          if (noneRunningFrom(v, i + 1)) out.push(a.exit);
          break;
      }
    }
    return out;
  };

  /** Step `s` by `a` in place. Each case is one pan transition (an atomic block or a merged run of statements). */
  const apply = (s: AnchorState, a: AnchorAction): void => {
    const v = s.v;
    switch (a.kind) {
      case 'init.spawn':
        // atomic { do :: k < K -> run kernel_sender(k); k++ :: else -> break od }: all senders at once.
        for (let i = 0; i < K; i++) {
          v[pcAt(i)] = S_LOOP;
          v[pcAt(i) + 1] = 0;
          v[pcAt(i) + 2] = 0;
          v[pcAt(i) + 3] = 0;
        }
        v[L.initK] = K;
        v[L.initPc] = I_END;
        return;
      case 'init.exit':
        v[L.initPc] = 0;
        v[L.initK] = 0;
        return;
      case 'reader.consume': {
        const c = v[L.cursor];
        v[L.nread]++;
        v[c] = UNUSED;
        v[L.cursor] = (c + 1) % F;
        return;
      }
      case 'reader.keep': {
        const c = v[L.cursor];
        v[c] = SKIP;
        v[L.nheld]++;
        v[L.cursor] = (c + 1) % F;
        return;
      }
      case 'reader.pass':
        v[L.cursor] = (v[L.cursor] + 1) % F;
        return;
      case 'reader.release': {
        // j = 0; find the first SKIP frame; give it back. j keeps its final value, as pan keeps locals.
        let j = 0;
        while (j < F && v[j] !== SKIP) j++;
        if (j < F) {
          v[j] = UNUSED;
          v[L.nheld]--;
        }
        v[L.readerJ] = j;
        return;
      }
    }
    const b = pcAt(a.proc);
    switch (a.kind) {
      case 'sender.next':
        v[b] = S_ALLOC;
        return;
      case 'sender.done':
        v[b] = S_END;
        return;
      case 'sender.alloc': {
        // The atomic allocation: pass over SKIP frames (one turn at most), then reserve the head or lose the message.
        let hops = 0;
        while (hops < F && v[v[L.head]] === SKIP) {
          v[L.head] = (v[L.head] + 1) % F;
          hops++;
        }
        v[b + 3] = hops;
        const h = v[L.head];
        if (v[h] === UNUSED) {
          v[b + 2] = h;
          v[h] = RESERVED;
          v[L.head] = (h + 1) % F;
        } else {
          v[b + 2] = NO_FRAME;
          v[L.nlost]++;
        }
        v[b] = S_PUB;
        return;
      }
      case 'sender.publish':
        v[b] = S_WRITE;
        return;
      case 'sender.lost':
        v[b] = S_NOPUB;
        return;
      case 'sender.write':
        // atomic { payload[frame] = ...; status[frame] = VALID }, merged with the sent++ after the if.
        v[v[b + 2]] = VALID;
        if (merging) v[b + 1]++;
        v[b] = merging ? S_LOOP : S_INC;
        return;
      case 'sender.nowrite':
        // skip, merged with sent++.
        if (merging) v[b + 1]++;
        v[b] = merging ? S_LOOP : S_INC;
        return;
      case 'sender.count':
        // sent++ alone (no merging).
        v[b + 1]++;
        v[b] = S_LOOP;
        return;
      case 'sender.exit':
        v[b] = 0;
        v[b + 1] = 0;
        v[b + 2] = 0;
        v[b + 3] = 0;
        return;
    }
  };

  const copy = (dst: AnchorState, src: AnchorState) => dst.v.set(src.v);
  const clone = (s: AnchorState): AnchorState => {
    const n = new AnchorState(L.bytes);
    n.v.set(s.v);
    return n;
  };
  const inPlace: InPlace<AnchorState, AnchorAction> = {
    scratch: () => new AnchorState(L.bytes),
    copy,
    apply,
    units: (s) => s.u,
    load: (s, units) => s.u.set(units),
  };

  const frameText = (v: Uint8Array, i: number): string => STATUS[v[i]] ?? `?${v[i]}`;
  const procLine = (v: Uint8Array): string => {
    const parts = [`reader j=${v[L.readerJ]}`];
    parts.push(v[L.initPc] === 0 ? 'init gone' : `init ${v[L.initPc] === I_START ? 'start' : 'end'} k=${v[L.initK]}`);
    for (let i = 0; i < K; i++) {
      const b = pcAt(i);
      parts.push(v[b] === 0 ? `sender${i} -` : `sender${i} pc${v[b]} sent=${v[b + 1]} frame=${v[b + 2]} hops=${v[b + 3]}`);
    }
    return parts.join('  ');
  };

  return {
    init,
    actions,
    next: (s, a) => {
      const n = clone(s);
      apply(n, a);
      return n;
    },
    encode: (s) => String.fromCharCode(...s.u),
    decode: (key) => {
      const s = new AnchorState(L.bytes);
      for (let i = 0; i < s.u.length; i++) s.u[i] = key.charCodeAt(i);
      return s;
    },
    encodeUnits: (s) => s.u,
    decodeUnits: (units) => {
      const s = new AnchorState(L.bytes);
      s.u.set(units);
      return s;
    },
    inPlace,
    describe: (s, a) => {
      const v = s.v;
      switch (a.kind) {
        case 'init.spawn':
          return `init: start ${K} senders`;
        case 'init.exit':
          return 'init: exit';
        case 'reader.consume':
          return `reader: consume frame ${v[L.cursor]}, give it back`;
        case 'reader.keep':
          return `reader: keep frame ${v[L.cursor]} as SKIP`;
        case 'reader.pass':
          return `reader: pass kept frame ${v[L.cursor]}`;
        case 'reader.release':
          return 'reader: give back the lowest kept frame';
        case 'sender.next':
          return `${a.actor}: message ${v[pcAt(a.proc) + 1]} of ${M}`;
        case 'sender.done':
          return `${a.actor}: all ${M} messages sent`;
        case 'sender.alloc':
          return `${a.actor}: allocate at head ${v[L.head]} (pass SKIP frames; reserve if UNUSED, else overrun)`;
        case 'sender.publish':
          return `${a.actor}: frame ${v[pcAt(a.proc) + 2]} reserved: publish it`;
        case 'sender.lost':
          return `${a.actor}: no frame: message lost`;
        case 'sender.write':
          return `${a.actor}: set frame ${v[pcAt(a.proc) + 2]} VALID`;
        case 'sender.nowrite':
          return `${a.actor}: nothing to publish`;
        case 'sender.count':
          return `${a.actor}: count the message`;
        case 'sender.exit':
          return `${a.actor}: exit`;
      }
    },
    render: (s) => {
      const v = s.v;
      const frames = Array.from({ length: F }, (_, i) => `${i}:${frameText(v, i)}${v[L.head] === i ? '<K>' : ''}${v[L.cursor] === i ? '<u>' : ''}`);
      return [`rx  [ ${frames.join(' | ')} ]`, `read ${v[L.nread]}  lost ${v[L.nlost]}  held ${v[L.nheld]}`, procLine(v)].join('\n');
    },
    summary: (s) => {
      const v = s.v;
      return `${Array.from({ length: F }, (_, i) => frameText(v, i)[0]).join('')} head=${v[L.head]} cur=${v[L.cursor]} read=${v[L.nread]} lost=${v[L.nlost]} held=${v[L.nheld]}`;
    },
    stepInfo: (_s, a) => ({
      lane: a.proc === -2 ? 'user' : 'kernel',
      actor: a.actor,
      label: a.kind,
      cites: CITES[a.kind],
    }),
    kinds: () => KINDS,
    kindIndex: (a) => a.kindAt,
    reduction: (properties) => anchorReduction(p, properties),
  };
}

/** What each step models in the kernel (linux-4.5, where SKIP forwarding looks at the current head). */
const CITES: Readonly<Record<AnchorKind, string>> = {
  'init.spawn': 'anchor set-up (no kernel code)',
  'init.exit': 'anchor set-up (no kernel code)',
  'reader.consume': 'userspace RX loop: read a VALID frame, set it UNUSED (Documentation/networking/netlink_mmap.txt, 4.5)',
  'reader.keep': 'userspace RX loop: set a VALID frame SKIP to keep it (netlink_mmap.txt, 4.5)',
  'reader.pass': 'userspace RX loop: step over a frame it keeps (netlink_mmap.txt, 4.5)',
  'reader.release': 'userspace: set a kept SKIP frame UNUSED (netlink_mmap.txt, 4.5)',
  'sender.next': 'kernel sender loop (no kernel code: the workload)',
  'sender.done': 'kernel sender loop (no kernel code: the workload)',
  'sender.alloc': 'af_netlink.c __netlink_alloc_skb under sk_receive_queue.lock: netlink_forward_ring, then UNUSED->RESERVED and head++ or netlink_overrun (4.5)',
  'sender.publish': 'kernel sender: skb is ring-backed (netlink_skb_is_mmaped, 4.5)',
  'sender.lost': 'kernel sender: allocation failed (4.5)',
  'sender.write': 'af_netlink.c netlink_queue_mmaped_skb: RESERVED->VALID (4.5)',
  'sender.nowrite': 'kernel sender: nothing queued (4.5)',
  'sender.count': 'kernel sender loop (no kernel code: the workload)',
  'sender.exit': 'kernel sender loop (no kernel code: the workload)',
};

/** The anchor's invariant: every message is read or lost at most once (SPIN's ltl `accounted`). */
export function accountedProperty(p: AnchorParams, bound = p.senders * p.messages): AnchorProperty {
  const L = new Layout(p);
  return {
    id: 'ANCHOR-ACCOUNTED',
    family: 'anchor',
    kind: 'always',
    doc: `Messages read plus messages lost never exceed the ${bound} sent.`,
    cites: 'bench/anchor/rxring.pml ltl accounted',
    holds: (s) => s.v[L.nread] + s.v[L.nlost] <= bound,
    explain: (s) => `read ${s.v[L.nread]} + lost ${s.v[L.nlost]} exceeds ${bound}.`,
    stateOnly: true,
    reads: ['nread', 'nlost'],
  };
}

/** The check target bfs runs: the anchor spec and its invariant, no witnesses (SPIN has none). */
export function anchorTarget(p: AnchorParams) {
  return {
    variant: 'spin-anchor',
    scenario: `rxring-f${p.frames}-k${p.senders}-m${p.messages}${p.merging === false ? '-unmerged' : ''}`,
    spec: anchorSpec(p),
    invariants: [accountedProperty(p)],
    witnesses: [],
  };
}

/**
 * A tightened invariant the model breaks, for testing the reduction: at most
 * one frame is RESERVED at a time. Two senders can each reserve a frame before
 * either publishes, so the full graph violates it, but only on interleavings
 * where a second allocation comes between one sender's allocation and its
 * publishing: a reduction that wrongly let a sender publish ahead of everyone
 * else would miss them.
 */
export function oneFillingProperty(p: AnchorParams): AnchorProperty {
  const F = p.frames;
  const reserved = (s: AnchorState): number => {
    let n = 0;
    for (let i = 0; i < F; i++) if (s.v[i] === RESERVED) n++;
    return n;
  };
  return {
    id: 'ANCHOR-ONE-FILLING',
    family: 'anchor',
    kind: 'always',
    doc: 'At most one frame is RESERVED (being filled by a sender) at a time.',
    cites: 'af_netlink.c __netlink_alloc_skb / netlink_queue_mmaped_skb (4.5): a frame is RESERVED between the two',
    holds: (s) => reserved(s) <= 1,
    explain: (s) => `${reserved(s)} frames are RESERVED at once.`,
    stateOnly: true,
    reads: ['status'],
  };
}
