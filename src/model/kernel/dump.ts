/**
 * Dumps: __netlink_dump_start and netlink_dump (protocol.md §4.8). The dump
 * runs in the context of whichever thread continues it (the requester, poll or
 * recvmsg), as in the kernel.
 *
 * Subroutine `dump.lock`: one netlink_dump() call. ret = 0, or -ENOBUFS when the
 * ring was full (the dump stays running), or -EINVAL when no dump runs.
 * Subroutine `dumpstart.lock`: __netlink_dump_start, then the first netlink_dump().
 *
 * The allocation follows the `dumpAlloc` knob. 3.10 always asks for the minimum,
 * max(min_dump_alloc, NLMSG_GOODSIZE) (min_dump_alloc is 0 here). Autosizing
 * first asks for max_recvmsg_len when that is larger, then for the minimum.
 * 4.1 then reserves headroom in the large skb so that exactly max_recvmsg_len
 * bytes of tailroom are left; in a ring skb, whose tailroom is the frame's
 * payload (frame_size - NL_MMAP_HDRLEN), that moves the message away from
 * frame + NL_MMAP_HDRLEN while nm_len still counts from the moved start (B12).
 * 4.2 … 4.5 trim only sockets without an RX ring, whose skbs are never in a frame.
 */
import { DUMP_TAG_BASE, EBUSY, EINVAL, ENOBUFS, HDRLEN, MSG_DONE, NLMSG_GOODSIZE, RX } from '../constants.js';
import { store } from '../mem.js';
import { SKB_NONE, SKB_RX } from '../state.js';
import type { Knobs } from '../variant.js';
import { call, defineContinuations, defineSteps, goto, lockFree, ret } from '../step.js';
import { callAlloc } from './alloc.js';
import { note, noteValue, rxMaxLen } from './sock.js';
import { chargeSkb, dumpRefusedNoRing, rcvbufOf, rmemBytes } from './rmem.js';

const CITE = 'af_netlink.c netlink_dump (3.10, 4.5)';
const AUTOSIZE = 'af_netlink.c netlink_dump autosize (9063e21fb026, 3.15+; K413, K45)';

/**
 * The size netlink_dump asks for first: max_recvmsg_len when the variant
 * autosizes and it exceeds the minimum (alloc_min_size < max_recvmsg_len), else
 * 0, meaning "go straight to the minimum".
 */
export function dumpLargeAlloc(mode: Knobs['dumpAlloc'], maxRecvmsgLen: number): number {
  return mode !== 'min-size' && maxRecvmsgLen > NLMSG_GOODSIZE ? maxRecvmsgLen : 0;
}

/**
 * Bytes of headroom netlink_dump reserves in the skb it got, as far as a frame
 * can show them: only a ring skb's headroom moves the message inside its frame.
 * `autosize-trim` (4.1, K413): skb_reserve(skb, skb_tailroom(skb) -
 * max_recvmsg_len) after a successful large allocation, ring-backed or not; a
 * ring skb's tailroom is the frame payload `maxLen`. `autosize-trim-nonring`
 * (4.2 … 4.5): skb_reserve(skb, skb_tailroom(skb) - alloc_size) only when the
 * socket has no RX ring. `min-size`, `autosize`: no reserve.
 */
export function dumpHeadroom(mode: Knobs['dumpAlloc'], skbKind: number, allocSize: number, maxLen: number): number {
  if (skbKind !== SKB_RX) return 0;
  if (mode === 'autosize-trim' && allocSize > NLMSG_GOODSIZE) return maxLen - allocSize;
  return 0;
}

defineSteps({
  'dumpstart.lock': {
    who: 'kernel',
    cites: 'af_netlink.c __netlink_dump_start: mutex_lock(cb_mutex), EBUSY if running, cb_running = true, unlock',
    guard: (_c, s, ti) => lockFree(s.sock.cbMutex, ti),
    text: (_c, s) => (s.sock.dumpRunning ? 'dump_start: a dump is running: EBUSY' : 'dump_start: cb_running = true'),
    run: (_c, s, ti) => {
      const t = s.threads[ti];
      if (s.sock.dumpRunning) return ret(t, -EBUSY);
      s.sock.dumpRunning = true;
      s.sock.dumpPart = 0;
      call(t, 'dump.lock', 'dumpstart.after');
    },
  },
  'dump.lock': {
    who: 'kernel',
    cites: `${CITE}: mutex_lock(cb_mutex); -EINVAL unless cb_running; no RX ring and sk_rmem_alloc >= sk_rcvbuf: -ENOBUFS; allocate for the dumping socket itself: ${AUTOSIZE}: max_recvmsg_len first if larger than the minimum`,
    guard: (_c, s, ti) => lockFree(s.sock.cbMutex, ti),
    text: (c, s) => {
      if (!s.sock.dumpRunning) return 'dump: lock cb_mutex, no dump running: -EINVAL';
      if (dumpRefusedNoRing(c, s)) return `dump: lock cb_mutex, no rx ring and sk_rmem_alloc ${rmemBytes(c, s)} >= sk_rcvbuf ${rcvbufOf(c)}: unlock, -ENOBUFS`;
      const large = dumpLargeAlloc(c.knobs.dumpAlloc, s.sock.maxRecvmsgLen);
      const size = large > 0 ? `max_recvmsg_len (${large})` : `the minimum (${NLMSG_GOODSIZE})`;
      return `dump: lock cb_mutex, allocate ${size} for part ${s.sock.dumpPart}`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      if (!s.sock.dumpRunning) return ret(t, -EINVAL);
      // !netlink_rx_is_mmaped(sk) && sk_rmem_alloc >= sk_rcvbuf: errout_skb unlocks at once.
      // A ring socket skips the test: its ring is its only flow control (protocol.md §4.8).
      if (dumpRefusedNoRing(c, s)) return ret(t, -ENOBUFS);
      s.sock.cbMutex = ti;
      const large = dumpLargeAlloc(c.knobs.dumpAlloc, s.sock.maxRecvmsgLen);
      if (large > 0) return callAlloc(s, ti, large, 0, 'dump.alloc-min');
      callAlloc(s, ti, NLMSG_GOODSIZE, 0, 'dump.fill');
    },
  },
  'dump.fill': {
    who: 'kernel',
    cites: `${CITE}: cb->dump() fills the skb; len > 0: unlock then __netlink_sendskb; len == 0: NLMSG_DONE, send, cb_running = false`,
    text: (c, s, ti) => {
      const l = s.threads[ti].l;
      const where = l.skb === SKB_RX ? `rx frame ${l.skbFrame}` : 'an ordinary skb';
      if (l.skb === SKB_NONE) return 'dump: allocation failed: unlock cb_mutex, -ENOBUFS (dump stays running)';
      const head = dumpHeadroom(c.knobs.dumpAlloc, l.skb, l.skbLen, rxMaxLen(s));
      const trim = head > 0 ? `skb_reserve(tailroom - max_recvmsg_len) puts data at frame + ${HDRLEN + head}; ` : '';
      return s.sock.dumpPart < (c.scenario.dumpParts ?? 0)
        ? `dump: ${trim}write part ${s.sock.dumpPart} into ${where}, unlock cb_mutex`
        : `dump: ${trim}write NLMSG_DONE into ${where}`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      const k = s.sock;
      if (t.l.skb === SKB_NONE) {
        k.cbMutex = -1;
        return ret(t, -ENOBUFS);
      }
      // netlink_skb_set_owner_r: an ordinary skb is charged to sk_rmem_alloc (a ring skb's
      // head-only charge is left out, kernel/rmem.ts).
      if (t.l.skb !== SKB_RX) chargeSkb(s);
      const last = k.dumpPart >= (c.scenario.dumpParts ?? 0);
      const tag = last ? MSG_DONE : DUMP_TAG_BASE + k.dumpPart;
      // skb_reserve is kernel-private (skb pointers); it shows only as where cb->dump writes in the frame.
      const head = dumpHeadroom(c.knobs.dumpAlloc, t.l.skb, t.l.skbLen, rxMaxLen(s));
      const autosized = t.l.skb === SKB_RX && t.l.skbLen > NLMSG_GOODSIZE;
      t.l.msg = tag;
      t.l.skbLen = c.scenario.msgLen;
      if (t.l.skb === SKB_RX) {
        store(s, { thread: ti, kernel: true, conforming: true }, { ring: RX, gen: t.l.skbGen, frame: t.l.skbFrame }, { msg: tag, seq: 0, off: HDRLEN + head });
        // Evidence for the scenario's witness: a ring frame was allocated at max_recvmsg_len; the value is the headroom.
        if (autosized) noteValue(s, ti, 'dump-autosize-ring', head);
      } else {
        t.l.skbMsg = tag;
        t.l.skbSeq = 0;
      }
      if (last) return call(t, 'send.skb', 'dump.after-done');
      k.dumpPart++;
      k.cbMutex = -1;
      call(t, 'send.skb', 'dump.after-part');
    },
  },
});

defineContinuations({
  // netlink_dump (autosize): if (!skb) retry with the minimum, alloc_min_size.
  'dump.alloc-min': (_c, s, ti) => {
    const t = s.threads[ti];
    if (t.l.skb === SKB_NONE) return callAlloc(s, ti, NLMSG_GOODSIZE, 0, 'dump.fill');
    goto(t, 'dump.fill');
  },
  'dump.after-part': (_c, s, ti) => ret(s.threads[ti], 0),
  // netlink_dump: cb->done(), nlk->cb_running = false, mutex_unlock(cb_mutex).
  'dump.after-done': (_c, s, ti) => {
    s.sock.dumpRunning = false;
    s.sock.cbMutex = -1;
    note(s, ti, 'dump-done');
    ret(s.threads[ti], 0);
  },
  'dumpstart.after': (_c, s, ti) => ret(s.threads[ti], s.threads[ti].l.ret),
});

/** The errno netlink_poll / netlink_recvmsg store in sk_err after a failed netlink_dump (B1: 3.10 keeps it negative). */
export function dumpErrToSkErr(sign: 'negative' | 'positive', err: number): number {
  return sign === 'negative' ? err : -err;
}
