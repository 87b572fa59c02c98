/**
 * Dumps: __netlink_dump_start and netlink_dump (protocol.md §4.8). The dump
 * runs in the context of whichever thread continues it (the requester, poll or
 * recvmsg), as in the kernel.
 *
 * Subroutine `dump.lock`: one netlink_dump() call. ret = 0, or -ENOBUFS when the
 * ring was full (the dump stays running), or -EINVAL when no dump runs.
 * Subroutine `dumpstart.lock`: __netlink_dump_start, then the first netlink_dump().
 */
import { DUMP_TAG_BASE, EBUSY, EINVAL, ENOBUFS, HDRLEN, MSG_DONE, NLMSG_GOODSIZE, RX } from '../constants.js';
import { store } from '../mem.js';
import { SKB_NONE, SKB_RX } from '../state.js';
import { call, defineContinuations, defineSteps, lockFree, ret } from '../step.js';
import { callAlloc } from './alloc.js';
import { note } from './sock.js';

const CITE = 'af_netlink.c netlink_dump (3.10, 4.5)';

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
    cites: `${CITE}: mutex_lock(cb_mutex); -EINVAL unless cb_running; allocate for the dumping socket itself`,
    guard: (_c, s, ti) => lockFree(s.sock.cbMutex, ti),
    text: (_c, s) => (s.sock.dumpRunning ? `dump: lock cb_mutex, allocate for part ${s.sock.dumpPart}` : 'dump: lock cb_mutex, no dump running: -EINVAL'),
    run: (_c, s, ti) => {
      const t = s.threads[ti];
      if (!s.sock.dumpRunning) return ret(t, -EINVAL);
      s.sock.cbMutex = ti;
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
      return s.sock.dumpPart < (c.scenario.dumpParts ?? 0) ? `dump: write part ${s.sock.dumpPart} into ${where}, unlock cb_mutex` : `dump: write NLMSG_DONE into ${where}`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      const k = s.sock;
      if (t.l.skb === SKB_NONE) {
        k.cbMutex = -1;
        return ret(t, -ENOBUFS);
      }
      const last = k.dumpPart >= (c.scenario.dumpParts ?? 0);
      const tag = last ? MSG_DONE : DUMP_TAG_BASE + k.dumpPart;
      t.l.msg = tag;
      t.l.skbLen = c.scenario.msgLen;
      if (t.l.skb === SKB_RX) {
        store(s, { thread: ti, kernel: true, conforming: true }, { ring: RX, gen: t.l.skbGen, frame: t.l.skbFrame }, { msg: tag, seq: 0, off: HDRLEN });
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
