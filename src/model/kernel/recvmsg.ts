/**
 * netlink_recvmsg on a ring socket (protocol.md §4.10): it only dequeues the
 * receive queue (COPY messages) and never touches frames; it reports a pending
 * sk_err first (sock_error), may continue a dump, and ends with netlink_rcv_wake.
 *
 * Subroutine `recv.err`. ret > 0: a message was dequeued (l.rMsg, l.rSeq,
 * and its paired COPY frame in l.rFrame); ret < 0: -errno (EAGAIN: queue empty).
 *
 * From 3.15 (9063e21fb026, "netlink: autosize skb lengthes") a recvmsg that
 * dequeued a message also records the size of the caller's buffer in
 * nlk->max_recvmsg_len, which netlink_dump then tries to allocate (bug B12).
 */
import { EAGAIN, ENOBUFS, errnoName } from '../constants.js';
import { UsageError } from '../../errors.js';
import type { Ctx } from '../step.js';
import { call, defineContinuations, defineSteps, goto, lockFree, ret } from '../step.js';
import { dumpErrToSkErr } from './dump.js';
import { note, rcvWakeStep, tagBit } from './sock.js';
import { dumpMayContinue, rcvbufOf, rmemBytes, skbTruesize, unchargeSkbs } from './rmem.js';
import type { State } from '../state.js';

const CITE = 'af_netlink.c netlink_recvmsg (3.10, 4.5)';

/** netlink_recvmsg caps max_recvmsg_len at 16 KiB (3.15 … 4.5). */
export const MAX_RECVMSG_LEN_CAP = 16384;
/** The recv() buffer of a consumer whose parameters do not give one: 16 KiB. */
export const DEFAULT_RECV_BUF = 16384;

/** The size of the buffer thread `ti` passes to recv() (ConsumerParams.recvBuf). */
export function recvBufOf(c: Ctx, ti: number): number {
  const spec = c.threads[ti];
  const len = spec.program === 'consumer' ? (spec.params.recvBuf ?? DEFAULT_RECV_BUF) : DEFAULT_RECV_BUF;
  if (!Number.isInteger(len) || len <= 0) throw new UsageError(`thread ${spec.name}: recvBuf must be a positive integer, not ${String(len)}`);
  return len;
}

/** netlink_recvmsg (3.15+): max_recvmsg_len = min(max(max_recvmsg_len, len), 16384). */
export function recordRecvmsgLen(prev: number, len: number): number {
  return Math.min(Math.max(prev, len), MAX_RECVMSG_LEN_CAP);
}

/**
 * Whether this check keeps max_recvmsg_len. The field exists from 3.15 on
 * (variants whose dumpAlloc is not `min-size`), and netlink_dump is its only
 * reader; in a scenario where no thread ever starts a dump it is dead, so it
 * stays 0 there and equal states stay equal (SPIN's dead-variable reduction).
 */
export function tracksMaxRecvmsgLen(c: Ctx): boolean {
  return c.knobs.dumpAlloc !== 'min-size' && c.threads.some((t) => t.program === 'consumer' && t.params.dump === true);
}

/** The dump gate as the step text shows it (the dequeued skb already given back). */
function gateText(c: Ctx, s: State): string {
  const after = rmemBytes(c, s) - skbTruesize(c.scenario.msgLen);
  const half = Math.trunc(rcvbufOf(c) / 2);
  return after <= half ? '; a dump runs: continue it' : `; a dump runs, but sk_rmem_alloc ${after} > sk_rcvbuf / 2 (${half}): leave it`;
}

defineSteps({
  'recv.err': {
    who: 'kernel',
    cites: `${CITE} -> skb_recv_datagram -> sock_error: report and clear sk_err`,
    text: (_c, s) => (s.sock.skErr !== 0 ? `recvmsg: sock_error returns ${errnoName(s.sock.skErr)} and clears sk_err` : 'recvmsg: no pending error'),
    run: (_c, s, ti) => {
      const t = s.threads[ti];
      const err = s.sock.skErr;
      if (err !== 0) {
        // sock_error: return -xchg(&sk->sk_err, 0). With 3.10's negative sk_err (B1)
        // recvmsg returns a positive number, which its caller takes for a length.
        s.sock.skErr = 0;
        if (err === ENOBUFS) s.ghost.unreported = 0;
        note(s, ti, 'error-read');
        t.l.ret = -err;
        return goto(t, 'recv.wake');
      }
      goto(t, 'recv.dequeue');
    },
  },
  'recv.dequeue': {
    who: 'kernel',
    cites: `${CITE} -> __skb_recv_datagram: dequeue under sk_receive_queue.lock (MSG_DONTWAIT: EAGAIN if empty); 3.15+: max_recvmsg_len = min(max(max_recvmsg_len, len), 16384); skb_free_datagram (sock_rfree); continue the dump if cb_running && sk_rmem_alloc <= sk_rcvbuf / 2`,
    guard: (_c, s, ti) => lockFree(s.sock.rxqLock, ti),
    text: (c, s, ti) => {
      const q = s.sock.rcvq.at(0);
      if (q === undefined) return 'recvmsg: queue empty: -EAGAIN';
      const rec = tracksMaxRecvmsgLen(c) ? `, max_recvmsg_len = ${recordRecvmsgLen(s.sock.maxRecvmsgLen, recvBufOf(c, ti))}` : '';
      return `recvmsg: dequeue message ${q.msg}${q.seq ? ` (id ${q.seq})` : ''}${rec}${s.sock.dumpRunning ? gateText(c, s) : ''}`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      const q = s.sock.rcvq.shift();
      if (q === undefined) {
        t.l.ret = -EAGAIN;
        return goto(t, 'recv.wake');
      }
      // Kernel-private, after the queue lock is dropped: the caller's buffer size, for the next dump allocation.
      if (tracksMaxRecvmsgLen(c)) s.sock.maxRecvmsgLen = recordRecvmsgLen(s.sock.maxRecvmsgLen, recvBufOf(c, ti));
      t.l.rMsg = q.msg;
      t.l.rSeq = q.seq;
      t.l.rFrame = q.frame;
      s.ghost.recvTags |= tagBit(q.msg); // ghost: the user has it (RET-KERNEL-SEND)
      t.l.ret = 1;
      // skb_free_datagram: the skb is freed and its charge given back before the gate reads it.
      unchargeSkbs(s, 1);
      if (s.sock.dumpRunning) {
        if (dumpMayContinue(c, s)) return call(t, 'dump.lock', 'recv.dump-ret');
        // Evidence for W-DUMP-GATED: a running dump left for later (poll, or a later recvmsg).
        note(s, ti, 'dump-gated');
      }
      goto(t, 'recv.wake');
    },
  },
  'recv.wake': rcvWakeStep('recvmsg', CITE, (s, ti) => ret(s.threads[ti], s.threads[ti].l.ret)),
});

defineSteps({
  'err.read': {
    who: 'kernel',
    cites: 'getsockopt(SO_ERROR) -> sock_error: read and clear sk_err',
    text: (_c, s) => `getsockopt(SO_ERROR): ${errnoName(s.sock.skErr)}${s.sock.skErr !== 0 ? ', cleared' : ''}`,
    run: (_c, s, ti) => {
      // SO_ERROR: val = -sock_error(sk), i.e. sk_err as stored (negative in 3.10 after B1).
      const err = s.sock.skErr;
      s.sock.skErr = 0;
      if (err === ENOBUFS) s.ghost.unreported = 0;
      if (err !== 0) note(s, ti, 'error-read');
      ret(s.threads[ti], err);
    },
  },
});

defineContinuations({
  // netlink_recvmsg: a dump continued here stores its error in sk_err (3.10: negative, B1).
  'recv.dump-ret': (c, s, ti) => {
    const t = s.threads[ti];
    if (t.l.ret < 0) {
      s.sock.skErr = dumpErrToSkErr(c.knobs.dumpErrSign, t.l.ret);
      s.sock.wake = true;
    }
    t.l.ret = 1;
    goto(t, 'recv.wake');
  },
});
