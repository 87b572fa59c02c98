/**
 * netlink_sendmsg's ring path, netlink_mmap_sendmsg (protocol.md §5), and the
 * kernel receiver it hands each message to (netlink_unicast_kernel -> the
 * protocol's input handler), which first VALIDATES the message and later ACTS
 * on it, as two separate reads.
 *
 * Two forms, chosen by knobs.txMode:
 * - `zero-copy` (3.10 … 3.18.3): excl = !(f_count > 2 || mapped > 1); for kernel
 *   destinations the skb points into the frame (RESERVED until the skb is freed),
 *   and nm_len is read again for every use (check, skb length, allocation, put, copy).
 * - `always-copy` (4.5): nm_len read once into a local, the frame copied and set
 *   UNUSED before the message is processed.
 *
 * Subroutine `tx.status` (entered through `tx.enter`). ret = bytes sent, or -errno.
 */
import { ECONNREFUSED, EINVAL, ENOBUFS, MSG_EVIL, MSG_VERDICT, RESERVED, STATUS_NAMES, TX, UNUSED, VALID } from '../constants.js';
import type { TxParams } from '../config.js';
import { maxLen } from '../geometry.js';
import { here, load, store, peek } from '../mem.js';
import { SKB_PLAIN, SKB_TX } from '../state.js';
import type { State } from '../state.js';
import type { Ctx } from '../step.js';
import { defineContinuations, defineSteps, goto, lockFree, ret } from '../step.js';
import { dropSkb, nextIndex, note, noteValue, sockPut } from './sock.js';

const CITE = 'af_netlink.c netlink_mmap_sendmsg';
const KERNEL = (ti: number) => ({ thread: ti, kernel: true, conforming: true });
const FAIL = 1;

function txParams(c: Ctx, ti: number): TxParams | null {
  const spec = c.threads[ti];
  return spec.program === 'txuser' ? spec.params : null;
}

/** sendto() flags: the TX user's choice; a consumer sending verdicts blocks, as libmnl's nf-queue example does. */
function dontwait(c: Ctx, ti: number): boolean {
  return txParams(c, ti)?.dontwait ?? false;
}

/** The frame the thread is consuming, at the generation it read it in. */
function txRef(s: State, ti: number) {
  return { ring: TX, gen: s.sock.tx.gen, frame: s.threads[ti].l.txFrame };
}

/** The message content as one comparable value: tag and id field. */
export function content(msg: number, seq: number): number {
  return msg * 64 + seq;
}

function valid(msg: number): boolean {
  return msg !== 0 && msg !== MSG_EVIL;
}

/**
 * out: mutex_unlock(pg_vec_lock); return err. An error jumps here directly, so
 * the bytes of frames already sent in this call are not reported; a normal
 * loop exit returns the accumulated length (or 0).
 */
function finish(s: State, ti: number): void {
  const t = s.threads[ti];
  const l = t.l;
  s.sock.pgVecLock = -1;
  const result = l.txErr !== 0 ? l.txErr : l.txTotal;
  noteValue(s, ti, 'sendmsg-return', result);
  // The call's locals are dead now (their checks were judged on the steps that set them).
  l.txExcl = false; l.txTotal = 0; l.txErr = 0; l.txLen = 0; l.txAlloc = 0; l.txReads.clear(); l.txFrame = -1; l.vMsg = -1; l.aMsg = -1;
  ret(t, result);
}

/** Read nm_len from the frame in progress; every read is kept for the no-TOCTOU property. */
function readLen(s: State, ti: number): number {
  const v = load(s, txRef(s, ti), 'len');
  s.threads[ti].l.txReads.push(v);
  return v;
}

function allocChoices(c: Ctx): number[] {
  return c.scenario.allocFailures ? [0, FAIL] : [0];
}

defineContinuations({
  'tx.enter': (c, s, ti) => {
    const t = s.threads[ti];
    const k = s.sock;
    // 3.10: excl unless the file is shared (f_count > 2: fd table + one VMA) or mapped more than once.
    t.l.txExcl = c.knobs.txMode === 'zero-copy' && !(k.fileRefs > 2 || k.mapped > 1);
    t.l.txTotal = 0;
    t.l.txErr = 0;
    t.l.txCount = 0;
    goto(t, 'tx.status');
  },
  // The kernel receiver is done with a copied skb (kfree_skb of ordinary memory); next frame.
  'tx.copy-free': (_c, s, ti) => {
    const t = s.threads[ti];
    t.l.txTotal += t.l.skbLen;
    t.l.txCount++;
    dropSkb(s, ti);
    goto(t, 'tx.status');
  },
});

defineSteps({
  'tx.status': {
    who: 'kernel',
    cites: `${CITE}: mutex_lock(pg_vec_lock) on entry; netlink_current_frame(tx_ring, VALID)`,
    guard: (_c, s, ti) => lockFree(s.sock.pgVecLock, ti),
    text: (c, s, ti) => {
      const lock = s.sock.pgVecLock === ti ? '' : 'lock pg_vec_lock, ';
      const st = peek(s, here(s, TX, s.sock.tx.head), 'status');
      if (st === VALID) return `sendmsg: ${lock}tx frame ${s.sock.tx.head} is VALID`;
      const wait = !dontwait(c, ti) && s.sock.tx.pending > 0;
      return `sendmsg: ${lock}tx frame ${s.sock.tx.head} is ${STATUS_NAMES[st]}: ${wait ? 'pending > 0, schedule and retry' : 'unlock, return'}`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      const k = s.sock;
      k.pgVecLock = ti;
      const st = load(s, here(s, TX, k.tx.head), 'status');
      if (st === VALID) {
        t.l.txFrame = k.tx.head;
        t.l.txReads.clear();
        t.l.txAlloc = 0;
        t.l.vMsg = -1;
        t.l.aMsg = -1;
        return goto(t, 'tx.len');
      }
      if (!dontwait(c, ti) && k.tx.pending > 0) return; // schedule(); loop while pending
      finish(s, ti);
    },
  },
  'tx.len': {
    who: 'kernel',
    cites: `${CITE}: nm_len > maxlen -> EINVAL (frame stays VALID); 4.5 reads it once into a local (ACCESS_ONCE)`,
    text: (_c, s, ti) => {
      const v = peek(s, txRef(s, ti), 'len');
      return v > maxLen(s.sock.tx.frameSize) ? `sendmsg: nm_len ${v} > maxlen: -EINVAL, unlock` : `sendmsg: nm_len ${v} within maxlen`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      const v = readLen(s, ti);
      if (v > maxLen(s.sock.tx.frameSize)) {
        t.l.txErr = -EINVAL;
        return finish(s, ti);
      }
      t.l.txLen = v;
      if (c.knobs.txMode === 'always-copy') return goto(t, 'tx.copy');
      const dstKernel = (txParams(c, ti)?.dst ?? 'kernel') === 'kernel';
      goto(t, t.l.txExcl && dstKernel ? 'tx.zc-len' : 'tx.alloc');
    },
  },
  // 3.10 zero-copy branch.
  'tx.zc-len': {
    who: 'kernel',
    cites: `${CITE} (3.10): alloc_skb_head, netlink_ring_setup_skb, __skb_put(skb, hdr->nm_len) (second read)`,
    text: (_c, s, ti) => `sendmsg: zero-copy skb into tx frame ${s.threads[ti].l.txFrame}, skb->len = nm_len ${peek(s, txRef(s, ti), 'len')}`,
    run: (_c, s, ti) => {
      const t = s.threads[ti];
      // The head-only skb exists from here, but it counts as a ring skb (pending) from the next step, as in the kernel.
      t.l.skbLen = readLen(s, ti);
      goto(t, 'tx.zc-reserve');
    },
  },
  'tx.zc-reserve': {
    who: 'kernel',
    cites: `${CITE} (3.10): netlink_set_status(RESERVED), pending++, sock_hold, netlink_increment_head`,
    text: (_c, s, ti) => `sendmsg: tx frame ${s.threads[ti].l.txFrame} RESERVED, pending++, head++`,
    run: (_c, s, ti) => {
      const t = s.threads[ti];
      const k = s.sock;
      store(s, KERNEL(ti), txRef(s, ti), { status: RESERVED });
      t.l.skb = SKB_TX;
      t.l.skbGen = k.tx.gen;
      t.l.skbFrame = t.l.txFrame;
      k.tx.pending++;
      k.sockRefs++;
      k.tx.head = nextIndex(k.tx.head, k.tx.frameNr);
      goto(t, 'rcv.validate');
    },
  },
  // 3.10 copy branch: alloc_skb(hdr->nm_len), __skb_put(skb, hdr->nm_len), memcpy(.., hdr->nm_len).
  'tx.alloc': {
    who: 'kernel',
    cites: `${CITE} (3.10): alloc_skb(hdr->nm_len) (another read); failure -> ENOBUFS, frame stays VALID`,
    choices: (c) => allocChoices(c),
    text: (_c, s, ti, arg) => (arg === FAIL ? 'sendmsg: alloc_skb fails: -ENOBUFS, unlock' : `sendmsg: alloc_skb(nm_len ${peek(s, txRef(s, ti), 'len')})`),
    run: (_c, s, ti, arg) => {
      const t = s.threads[ti];
      if (arg === FAIL) {
        t.l.txErr = -ENOBUFS;
        return finish(s, ti);
      }
      t.l.txAlloc = readLen(s, ti);
      goto(t, 'tx.put');
    },
  },
  'tx.put': {
    who: 'kernel',
    cites: `${CITE} (3.10): __skb_put(skb, hdr->nm_len) (another read)`,
    text: (_c, s, ti) => `sendmsg: __skb_put(nm_len ${peek(s, txRef(s, ti), 'len')})`,
    run: (_c, s, ti) => {
      const t = s.threads[ti];
      t.l.skb = SKB_PLAIN;
      t.l.skbLen = readLen(s, ti);
      goto(t, 'tx.copy');
    },
  },
  'tx.copy': {
    who: 'kernel',
    cites: `${CITE}: memcpy(skb->data, frame + NL_MMAP_HDRLEN, len) (3.10: hdr->nm_len read again; 4.5: alloc_skb(len) with the local, may fail with ENOBUFS)`,
    choices: (c, s, ti) => (c.knobs.txMode === 'always-copy' ? allocChoices(c) : [0]),
    text: (c, s, ti, arg) => {
      if (arg === FAIL) return 'sendmsg: alloc_skb fails: -ENOBUFS, unlock';
      const l = s.threads[ti].l;
      const n = c.knobs.txMode === 'always-copy' ? l.txLen : peek(s, txRef(s, ti), 'len');
      return `sendmsg: copy ${n} bytes of tx frame ${l.txFrame} (message ${peek(s, txRef(s, ti), 'msg')})`;
    },
    run: (c, s, ti, arg) => {
      const t = s.threads[ti];
      if (arg === FAIL) {
        t.l.txErr = -ENOBUFS;
        return finish(s, ti);
      }
      if (c.knobs.txMode === 'always-copy') {
        t.l.skb = SKB_PLAIN;
        t.l.txAlloc = t.l.txLen;
        t.l.skbLen = t.l.txLen;
      } else {
        readLen(s, ti); // memcpy's length
      }
      t.l.skbMsg = load(s, txRef(s, ti), 'msg');
      t.l.skbSeq = load(s, txRef(s, ti), 'seq');
      goto(t, 'tx.release');
    },
  },
  'tx.release': {
    who: 'kernel',
    cites: `${CITE}: netlink_set_status(UNUSED) right after the copy, netlink_increment_head`,
    text: (_c, s, ti) => `sendmsg: tx frame ${s.threads[ti].l.txFrame} UNUSED, head++`,
    run: (_c, s, ti) => {
      const k = s.sock;
      store(s, KERNEL(ti), txRef(s, ti), { status: UNUSED });
      k.tx.head = nextIndex(k.tx.head, k.tx.frameNr);
      goto(s.threads[ti], 'rcv.validate');
    },
  },
  'rcv.validate': {
    who: 'kernel',
    cites: 'af_netlink.c netlink_unicast -> netlink_unicast_kernel -> input handler: netlink_rcv_skb / nfnetlink_rcv validate the message (attribute parsing)',
    text: (c, s, ti) => {
      const l = s.threads[ti].l;
      if ((txParams(c, ti)?.dst ?? 'kernel') === 'missing-port') return 'unicast: destination port gone: -ECONNREFUSED (frame already consumed)';
      const m = l.skb === SKB_TX ? peek(s, { ring: TX, gen: l.skbGen, frame: l.skbFrame }, 'msg') : l.skbMsg;
      const where = l.skb === SKB_TX ? `in tx frame ${l.skbFrame}` : 'in the copy';
      if (!valid(m)) return `kernel receiver validates message ${m} ${where}: rejected`;
      return l.skb === SKB_TX ? `kernel receiver validates message ${m} ${where}: ok` : `kernel receiver validates message ${m} ${where}: ok, acts on it`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      if ((txParams(c, ti)?.dst ?? 'kernel') === 'missing-port') {
        t.l.txErr = -ECONNREFUSED;
        dropSkb(s, ti);
        return finish(s, ti);
      }
      const zc = t.l.skb === SKB_TX;
      const ref = { ring: TX, gen: t.l.skbGen, frame: t.l.skbFrame };
      const msg = zc ? load(s, ref, 'msg') : t.l.skbMsg;
      const seq = zc ? load(s, ref, 'seq') : t.l.skbSeq;
      t.l.vMsg = content(msg, seq);
      if (!valid(msg)) {
        note(s, ti, 'tx-rejected');
        return goto(t, zc ? 'tx.zc-free' : 'tx.copy-free');
      }
      // A private copy cannot change between validation and use: act in the same step.
      if (!zc) {
        act(s, ti, msg, seq);
        return goto(t, 'tx.copy-free');
      }
      goto(t, 'rcv.act');
    },
  },
  'rcv.act': {
    who: 'kernel',
    cites: 'input handler acts on skb->data after validating it (e.g. nfqnl_recv_verdict_batch; a zero-copy skb still points into the frame)',
    text: (_c, s, ti) => {
      const l = s.threads[ti].l;
      return `kernel receiver acts on message ${peek(s, { ring: TX, gen: l.skbGen, frame: l.skbFrame }, 'msg')} in tx frame ${l.skbFrame}`;
    },
    run: (_c, s, ti) => {
      const t = s.threads[ti];
      const ref = { ring: TX, gen: t.l.skbGen, frame: t.l.skbFrame };
      act(s, ti, load(s, ref, 'msg'), load(s, ref, 'seq'));
      goto(t, 'tx.zc-free');
    },
  },
  'tx.zc-free': {
    who: 'kernel',
    cites: 'af_netlink.c netlink_skb_destructor (NETLINK_SKB_TX, 3.10): netlink_set_status(UNUSED), pending--, sock_put',
    text: (_c, s, ti) => `consume_skb: destructor sets tx frame ${s.threads[ti].l.skbFrame} UNUSED, pending--`,
    run: (_c, s, ti) => {
      const t = s.threads[ti];
      store(s, KERNEL(ti), { ring: TX, gen: t.l.skbGen, frame: t.l.skbFrame }, { status: UNUSED });
      s.sock.tx.pending--;
      sockPut(s);
      t.l.txTotal += t.l.skbLen;
      t.l.txCount++;
      dropSkb(s, ti);
      goto(t, 'tx.status');
    },
  },
});

/** The receiver acts on the message it read now (ghost: what was acted on; nfqueue verdicts). */
function act(s: State, ti: number, msg: number, seq: number): void {
  const t = s.threads[ti];
  t.l.aMsg = content(msg, seq);
  note(s, ti, 'tx-acted');
  if (msg === MSG_VERDICT) {
    // nfqnl_recv_verdict_batch: every queued packet with id <= the batch id gets the verdict.
    let covered = 0;
    for (let id = 1; id <= seq && id < 30; id++) covered |= 1 << id;
    covered &= s.ghost.queuedIds;
    s.ghost.verdictIds |= covered;
    s.ghost.queuedIds &= ~covered;
  }
}


