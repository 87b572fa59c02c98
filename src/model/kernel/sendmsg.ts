/**
 * netlink_sendmsg: its choice between the TX ring and an ordinary send
 * (the ring-path test), the ordinary send of the user's data, the ring path
 * netlink_mmap_sendmsg, and the kernel receiver it hands each message to
 * (netlink_unicast_kernel -> the protocol's input handler), which first
 * VALIDATES the message and later ACTS on it, as two separate reads.
 *
 * The ring-path test, chosen by knobs.ringPathTest (the user asks for the ring
 * by passing no data):
 * - `iov-base` (3.10 … 3.19): `msg->msg_iov->iov_base == NULL`. sendto(fd, NULL,
 *   0) builds one iovec with a NULL base; sendmsg() with msg_iovlen == 0 leaves
 *   msg_iov pointing at ___sys_sendmsg's on-stack iovec array, never written,
 *   so the test reads garbage (B4).
 * - `iter-type-eq` (4.1, a8866ff6): one segment, base NULL, and
 *   `msg_iter.type == ITER_IOVEC`; sendto and sendmsg both initialise the
 *   iterator with the WRITE direction bit in `type`, so it never holds (B5).
 * - `iter-is-iovec` (4.2 … 4.5): one segment, base NULL, `iter_is_iovec()`.
 * When the test fails the data (here always empty) is sent as an ordinary
 * message and the TX ring is not looked at.
 *
 * Two forms of the ring path, chosen by knobs.txMode:
 * - `zero-copy` (3.10 … 3.18.3): excl = !(f_count > 2 || mapped > 1); for kernel
 *   destinations the skb points into the frame (RESERVED until the skb is freed),
 *   and nm_len is read again for every use (check, skb length, allocation, put, copy).
 * - `always-copy` (4.5): nm_len read once into a local, the frame copied and set
 *   UNUSED before the message is processed.
 *
 * Entered through the continuation `tx.enter` (the syscall's entry). ret =
 * bytes sent, or -errno.
 */
import { ECONNREFUSED, EINVAL, ENOBUFS, MSG_EVIL, MSG_VERDICT, RESERVED, STATUS_NAMES, TX, UNUSED, VALID } from '../constants.js';
import type { TxParams } from '../config.js';
import { maxLen } from '../geometry.js';
import { here, load, loadPublished, mb, store, peek } from '../mem.js';
import { getStatus, setStatus, statusLoadWindow } from './status.js';
import { SKB_PLAIN, SKB_TX } from '../state.js';
import { branchOn, uninitRead } from '../taint.js';
import type { State } from '../state.js';
import type { Ctx } from '../step.js';
import type { Knobs } from '../variant.js';
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

/** NLMSG_HDRLEN: an skb shorter than this holds no netlink message for the receiver to parse. */
const NLMSG_HDRLEN = 16;

function valid(msg: number): boolean {
  return msg !== 0 && msg !== MSG_EVIL;
}

/**
 * out: mutex_unlock(pg_vec_lock); return err. An error jumps here directly, so
 * the bytes of frames already sent in this call are not reported; a normal
 * loop exit returns the accumulated length (or 0).
 */
function finish(s: State, ti: number): void {
  const l = s.threads[ti].l;
  s.sock.pgVecLock = -1;
  sendmsgReturn(s, ti, l.txErr !== 0 ? l.txErr : l.txTotal);
}

/** netlink_sendmsg returns `result` to the caller, by either path. */
function sendmsgReturn(s: State, ti: number, result: number): void {
  const t = s.threads[ti];
  const l = t.l;
  noteValue(s, ti, 'sendmsg-return', result);
  // The call's locals are dead now (their checks were judged on the steps that set them).
  l.txExcl = false; l.txTotal = 0; l.txErr = 0; l.txLen = 0; l.txAlloc = 0; l.txReads.clear(); l.txFrame = -1; l.vMsg = -1; l.aMsg = -1;
  ret(t, result);
}

/** Where netlink_sendmsg's ring-path test sends a call: the ring, an ordinary send, or a branch on garbage. */
export type RingPathOutcome = 'ring' | 'plain' | 'uninit';

/**
 * The ring-path test (see the file comment) for a socket with or without a TX
 * ring and a call made with sendto(fd, NULL, 0) or with no iovec at all.
 * `netlink_tx_is_mmaped(sk)` comes first in every version, and C's && stops there.
 */
export function ringPathTest(knobs: Pick<Knobs, 'ringPathTest'>, txRing: boolean, noIov: boolean): RingPathOutcome {
  if (!txRing) return 'plain';
  switch (knobs.ringPathTest) {
    case 'iov-base':
      return noIov ? 'uninit' : 'ring';
    case 'iter-type-eq':
      return 'plain'; // type is ITER_IOVEC | WRITE for sendto and sendmsg alike, never ITER_IOVEC
    case 'iter-is-iovec':
      return noIov ? 'plain' : 'ring'; // no iovec: nr_segs is 0, not 1
  }
}

/** netlink_mmap_sendmsg's entry (before the loop, no lock). */
function enterRing(c: Ctx, s: State, ti: number): void {
  const t = s.threads[ti];
  const k = s.sock;
  // 3.10: excl unless the file is shared (f_count > 2: fd table + one VMA) or mapped more than once.
  t.l.txExcl = c.knobs.txMode === 'zero-copy' && !(k.fileRefs > 2 || k.mapped > 1);
  t.l.txTotal = 0;
  t.l.txErr = 0;
  t.l.txCount = 0;
  t.l.txTaken = 0;
  goto(t, 'tx.status');
}

/** The ordinary send path's entry: no ring frame is consumed by this call. */
function enterPlain(s: State, ti: number): void {
  const t = s.threads[ti];
  t.l.txCount = 0;
  t.l.txTaken = 0;
  goto(t, 'send.alloc');
}

/** Read nm_len from the frame in progress; every read is kept for the no-TOCTOU property. */
function readLen(s: State, ti: number): number {
  // After the status load that found the frame VALID: PUBLISH-TX judges what it returns.
  const v = loadPublished(s, ti, txRef(s, ti), 'len');
  s.threads[ti].l.txReads.push(v);
  return v;
}

function allocChoices(c: Ctx): number[] {
  return c.scenario.allocFailures ? [0, FAIL] : [0];
}

defineContinuations({
  // netlink_sendmsg's ring-path test: kernel-private (the msghdr and iovec are the syscall's own copies),
  // so it runs as the tail of the step that made the call, unless it reads garbage (then `send.iov-garbage`).
  'tx.enter': (c, s, ti) => {
    const outcome = ringPathTest(c.knobs, s.sock.tx.gen !== 0, s.threads[ti].l.txNoIov);
    if (outcome === 'ring') return enterRing(c, s, ti);
    if (outcome === 'plain') return enterPlain(s, ti);
    goto(s.threads[ti], 'send.iov-garbage');
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
    cites: `${CITE}: mutex_lock(pg_vec_lock) on entry; netlink_current_frame(tx_ring, VALID) -> netlink_get_status: smp_rmb(), then the status load`,
    guard: (_c, s, ti) => lockFree(s.sock.pgVecLock, ti),
    // Only once the mutex is held (the second frame of a call on): on entry, mutex_lock's acquire comes before these loads.
    window: (c, s, ti) => (statusLoadWindow(c) && s.sock.pgVecLock === ti ? here(s, TX, s.sock.tx.head) : null),
    text: (c, s, ti) => {
      const lock = s.sock.pgVecLock === ti ? '' : 'lock pg_vec_lock, ';
      const st = peek(s, ti, here(s, TX, s.sock.tx.head), 'status');
      if (st === VALID) return `sendmsg: ${lock}tx frame ${s.sock.tx.head} is VALID`;
      const wait = !dontwait(c, ti) && s.sock.tx.pending > 0;
      return `sendmsg: ${lock}tx frame ${s.sock.tx.head} is ${STATUS_NAMES[st]}: ${wait ? 'pending > 0, schedule and retry' : 'unlock, return'}`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      const k = s.sock;
      k.pgVecLock = ti;
      const st = getStatus(c, s, ti, here(s, TX, k.tx.head));
      if (st === VALID) {
        t.l.txFrame = k.tx.head;
        t.l.txReads.clear();
        t.l.txAlloc = 0;
        t.l.vMsg = -1;
        t.l.aMsg = -1;
        return goto(t, 'tx.len');
      }
      if (!dontwait(c, ti) && k.tx.pending > 0) return mb(s, ti); // schedule() (a full barrier); loop while pending
      finish(s, ti);
    },
  },
  'tx.len': {
    who: 'kernel',
    // Between the status load that found the frame VALID and the next barrier (the window of tx.status).
    inWindow: true,
    cites: `${CITE}: nm_len > maxlen -> EINVAL (frame stays VALID); 4.5 reads it once into a local (ACCESS_ONCE)`,
    text: (_c, s, ti) => {
      const v = peek(s, ti, txRef(s, ti), 'len');
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
    // Between the status load that found the frame VALID and the next barrier (the window of tx.status).
    inWindow: true,
    cites: `${CITE} (3.10): alloc_skb_head, netlink_ring_setup_skb, __skb_put(skb, hdr->nm_len) (second read)`,
    text: (_c, s, ti) => `sendmsg: zero-copy skb into tx frame ${s.threads[ti].l.txFrame}, skb->len = nm_len ${peek(s, ti, txRef(s, ti), 'len')}`,
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
    run: (c, s, ti) => {
      const t = s.threads[ti];
      const k = s.sock;
      setStatus(c, s, ti, txRef(s, ti), RESERVED, undefined);
      t.l.txTaken++;
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
    // Between the status load that found the frame VALID and the next barrier (the window of tx.status).
    inWindow: true,
    cites: `${CITE} (3.10): alloc_skb(hdr->nm_len) (another read); failure -> ENOBUFS, frame stays VALID`,
    choices: (c) => allocChoices(c),
    text: (_c, s, ti, arg) => (arg === FAIL ? 'sendmsg: alloc_skb fails: -ENOBUFS, unlock' : `sendmsg: alloc_skb(nm_len ${peek(s, ti, txRef(s, ti), 'len')})`),
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
    // Between the status load that found the frame VALID and the next barrier (the window of tx.status).
    inWindow: true,
    cites: `${CITE} (3.10): __skb_put(skb, hdr->nm_len) (another read)`,
    text: (_c, s, ti) => `sendmsg: __skb_put(nm_len ${peek(s, ti, txRef(s, ti), 'len')})`,
    run: (_c, s, ti) => {
      const t = s.threads[ti];
      t.l.skb = SKB_PLAIN;
      t.l.skbLen = readLen(s, ti);
      goto(t, 'tx.copy');
    },
  },
  'tx.copy': {
    who: 'kernel',
    // Between the status load that found the frame VALID and the next barrier (the window of tx.status).
    inWindow: true,
    cites: `${CITE}: memcpy(skb->data, frame + NL_MMAP_HDRLEN, len) (3.10: hdr->nm_len read again; 4.5: alloc_skb(len) with the local, may fail with ENOBUFS)`,
    choices: (c, s, ti) => (c.knobs.txMode === 'always-copy' ? allocChoices(c) : [0]),
    text: (c, s, ti, arg) => {
      if (arg === FAIL) return 'sendmsg: alloc_skb fails: -ENOBUFS, unlock';
      const l = s.threads[ti].l;
      const n = c.knobs.txMode === 'always-copy' ? l.txLen : peek(s, ti, txRef(s, ti), 'len');
      return `sendmsg: copy ${n} bytes of tx frame ${l.txFrame} (message ${peek(s, ti, txRef(s, ti), 'msg')})`;
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
      t.l.skbMsg = loadPublished(s, ti, txRef(s, ti), 'msg');
      t.l.skbSeq = loadPublished(s, ti, txRef(s, ti), 'seq');
      goto(t, 'tx.release');
    },
  },
  'tx.release': {
    who: 'kernel',
    cites: `${CITE}: netlink_set_status(UNUSED) right after the copy, netlink_increment_head`,
    text: (_c, s, ti) => `sendmsg: tx frame ${s.threads[ti].l.txFrame} UNUSED, head++`,
    run: (c, s, ti) => {
      const k = s.sock;
      setStatus(c, s, ti, txRef(s, ti), UNUSED, undefined);
      s.threads[ti].l.txTaken++;
      k.tx.head = nextIndex(k.tx.head, k.tx.frameNr);
      goto(s.threads[ti], 'rcv.validate');
    },
  },
  'rcv.validate': {
    who: 'kernel',
    cites: 'af_netlink.c netlink_unicast -> netlink_unicast_kernel -> input handler: netlink_rcv_skb / nfnetlink_rcv validate the message (attribute parsing; an skb shorter than NLMSG_HDRLEN holds none)',
    text: (c, s, ti) => {
      const l = s.threads[ti].l;
      if ((txParams(c, ti)?.dst ?? 'kernel') === 'missing-port') return 'unicast: destination port gone: -ECONNREFUSED (frame already consumed)';
      if (l.skbLen < NLMSG_HDRLEN) return `kernel receiver gets ${l.skbLen} bytes, less than a netlink header: no message, nothing done`;
      const m = l.skb === SKB_TX ? peek(s, ti, { ring: TX, gen: l.skbGen, frame: l.skbFrame }, 'msg') : l.skbMsg;
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
      if (t.l.skbLen < NLMSG_HDRLEN) {
        // netlink_rcv_skb (and nfnetlink_rcv) look at no message in an skb shorter than one header.
        note(s, ti, 'tx-rejected');
        return goto(t, zc ? 'tx.zc-free' : 'tx.copy-free');
      }
      const ref = { ring: TX, gen: t.l.skbGen, frame: t.l.skbFrame };
      const msg = zc ? load(s, ti, ref, 'msg') : t.l.skbMsg;
      const seq = zc ? load(s, ti, ref, 'seq') : t.l.skbSeq;
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
      return `kernel receiver acts on message ${peek(s, ti, { ring: TX, gen: l.skbGen, frame: l.skbFrame }, 'msg')} in tx frame ${l.skbFrame}`;
    },
    run: (_c, s, ti) => {
      const t = s.threads[ti];
      const ref = { ring: TX, gen: t.l.skbGen, frame: t.l.skbFrame };
      act(s, ti, load(s, ti, ref, 'msg'), load(s, ti, ref, 'seq'));
      goto(t, 'tx.zc-free');
    },
  },
  'tx.zc-free': {
    who: 'kernel',
    cites: 'af_netlink.c netlink_skb_destructor (NETLINK_SKB_TX, 3.10): netlink_set_status(UNUSED), pending--, sock_put',
    text: (_c, s, ti) => `consume_skb: destructor sets tx frame ${s.threads[ti].l.skbFrame} UNUSED, pending--`,
    run: (c, s, ti) => {
      const t = s.threads[ti];
      setStatus(c, s, ti, { ring: TX, gen: t.l.skbGen, frame: t.l.skbFrame }, UNUSED, undefined);
      s.sock.tx.pending--;
      sockPut(s, ti);
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

/** The base of `iovstack[0]` as the choice offers it: garbage that happens to be NULL, or not. */
const GARBAGE_NULL = 0;
const GARBAGE_NONNULL = 1;

// netlink_sendmsg outside netlink_mmap_sendmsg: the garbage-driven ring-path test and the ordinary send.
defineSteps({
  'send.iov-garbage': {
    who: 'kernel',
    cites:
      'af_netlink.c netlink_sendmsg (3.10 … 3.19): netlink_tx_is_mmaped(sk) && msg->msg_iov->iov_base == NULL; with msg_iovlen == 0 ' +
      "msg_iov is ___sys_sendmsg's on-stack iovstack, never written (socket.c verify_iovec copies no entry); B4, fixed by a8866ff6",
    choices: () => [GARBAGE_NULL, GARBAGE_NONNULL],
    text: (_c, _s, _ti, arg) =>
      arg === GARBAGE_NULL
        ? 'sendmsg: msg_iovlen 0: uninitialised iovstack[0].iov_base reads as NULL: ring path'
        : 'sendmsg: msg_iovlen 0: uninitialised iovstack[0].iov_base reads as non-NULL: ordinary send of 0 bytes',
    run: (c, s, ti, arg) => {
      const base = uninitRead(arg === GARBAGE_NULL ? 0 : 1);
      if (branchOn(s, base)) return enterPlain(s, ti);
      enterRing(c, s, ti);
    },
  },
  'send.alloc': {
    who: 'kernel',
    cites:
      'af_netlink.c netlink_sendmsg, not the ring path: len > sk_sndbuf - 32 -> EMSGSIZE (never, len is 0); alloc_skb(len) ' +
      '(3.10; netlink_alloc_large_skb from 3.15), failure -> ENOBUFS; memcpy_fromiovec (4.x memcpy_from_msg) copies the len = 0 bytes: no user memory is read',
    choices: (c) => allocChoices(c),
    text: (_c, _s, _ti, arg) => (arg === FAIL ? 'sendmsg: ordinary send: alloc_skb(0) fails: -ENOBUFS' : 'sendmsg: ordinary send: alloc_skb(0), copy 0 bytes of user data'),
    run: (_c, s, ti, arg) => {
      const t = s.threads[ti];
      if (arg === FAIL) return sendmsgReturn(s, ti, -ENOBUFS);
      t.l.skb = SKB_PLAIN;
      t.l.skbLen = 0; // the user's data: sendto(fd, NULL, 0) and an empty iovec both carry none
      t.l.skbMsg = 0;
      t.l.skbSeq = 0;
      goto(t, 'send.unicast');
    },
  },
  'send.unicast': {
    who: 'kernel',
    cites:
      'af_netlink.c netlink_sendmsg -> netlink_unicast: netlink_getsockbyportid (no socket -> ECONNREFUSED), netlink_unicast_kernel: ' +
      "the input handler gets the empty skb (netlink_rcv_skb's loop needs skb->len >= NLMSG_HDRLEN: no message), returns skb->len",
    text: (c, s, ti) =>
      (txParams(c, ti)?.dst ?? 'kernel') === 'missing-port'
        ? 'sendmsg: unicast: destination port gone: -ECONNREFUSED'
        : `sendmsg: unicast: the kernel receiver gets ${s.threads[ti].l.skbLen} bytes, no message; return ${s.threads[ti].l.skbLen}`,
    run: (c, s, ti) => {
      const t = s.threads[ti];
      const len = t.l.skbLen;
      dropSkb(s, ti);
      sendmsgReturn(s, ti, (txParams(c, ti)?.dst ?? 'kernel') === 'missing-port' ? -ECONNREFUSED : len);
    },
  },
});
