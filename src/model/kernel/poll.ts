/**
 * netlink_poll (protocol.md §4.7). Subroutine `poll.enter`; ret = the mask.
 *
 * The thread registers on the wait queue first (sock_poll_wait), so a wakeup
 * during the computation is not lost. Then: dump continuation while
 * netlink_dump_space() (two frame reads), netlink_rcv_wake, datagram_poll,
 * the RX readability rule of the variant (one step per frame read, under the
 * receive-queue lock), and POLLOUT from the TX head.
 */
import { ENOBUFS, POLLERR, POLLIN, POLLOUT, RX, STATUS_NAMES, TX, UNUSED, VALID } from '../constants.js';
import { here, load, peek, mb } from '../mem.js';
import type { State } from '../state.js';
import { call, defineContinuations, defineSteps, goto, lockFree, ret } from '../step.js';
import { dumpErrToSkErr } from './dump.js';
import { note, noteValue, rcvWakeStep } from './sock.js';

const CITE = 'af_netlink.c netlink_poll';

/** netlink_dump_space: the frame half a ring ahead of head, with 4.5's wrap (n -= frame_max). */
export function dumpSpaceSecond(head: number, frameNr: number): number {
  const frameMax = frameNr - 1;
  let n = head + Math.floor(frameMax / 2);
  if (n > frameMax) n -= frameMax;
  return n;
}

function finish(s: State, ti: number): void {
  const t = s.threads[ti];
  t.l.scan = 0;
  noteValue(s, ti, 'poll-return', t.l.mask);
  ret(t, t.l.mask);
}

/** After the RX part: POLLOUT needs a read of the TX head frame if there is a TX ring. */
function toTx(s: State, ti: number): void {
  if (s.sock.tx.gen !== 0) return goto(s.threads[ti], 'poll.tx');
  finish(s, ti);
}

defineContinuations({
  'poll.enter': (_c, s, ti) => {
    const t = s.threads[ti];
    t.l.waiting = true; // sock_poll_wait: registered before anything is looked at
    mb(s, ti); // sock_poll_wait: smp_mb() after poll_wait, pairing with wq_has_sleeper in sk_data_ready
    s.sock.wake = false;
    t.l.mask = 0;
    goto(t, s.sock.rx.gen !== 0 ? 'poll.dump-check' : 'poll.datagram');
  },
  'poll.dump-check': (_c, s, ti) => {
    goto(s.threads[ti], s.sock.dumpRunning ? 'poll.space1' : 'poll.rcvwake');
  },
  'poll.dump-ret': (c, s, ti) => {
    const t = s.threads[ti];
    if (t.l.ret < 0) {
      s.sock.skErr = dumpErrToSkErr(c.knobs.dumpErrSign, t.l.ret);
      s.sock.wake = true; // sk_error_report
      if (t.l.ret === -ENOBUFS) note(s, ti, 'dump-poll-enobufs');
      return goto(t, 'poll.rcvwake');
    }
    note(s, ti, 'dump-from-poll');
    goto(t, 'poll.dump-check');
  },
});

defineSteps({
  'poll.space1': {
    who: 'kernel',
    cites: `${CITE} -> netlink_dump_space: netlink_current_frame(ring, UNUSED)`,
    text: (_c, s, ti) => `poll: dump running, dump_space: rx frame ${s.sock.rx.head} is ${STATUS_NAMES[peek(s, ti, here(s, RX, s.sock.rx.head), 'status')]}`,
    run: (_c, s, ti) => {
      const st = load(s, ti, here(s, RX, s.sock.rx.head), 'status');
      goto(s.threads[ti], st === UNUSED ? 'poll.space2' : 'poll.rcvwake');
    },
  },
  'poll.space2': {
    who: 'kernel',
    cites: `${CITE} -> netlink_dump_space: frame head + frame_max/2 (wrapped by frame_max) is UNUSED; then netlink_dump`,
    text: (_c, s, ti) => {
      const n = dumpSpaceSecond(s.sock.rx.head, s.sock.rx.frameNr);
      const st = peek(s, ti, here(s, RX, n), 'status');
      return st === UNUSED ? `poll: dump_space: rx frame ${n} is UNUSED: continue the dump` : `poll: dump_space: rx frame ${n} is ${STATUS_NAMES[st]}: no space`;
    },
    run: (_c, s, ti) => {
      const n = dumpSpaceSecond(s.sock.rx.head, s.sock.rx.frameNr);
      const st = load(s, ti, here(s, RX, n), 'status');
      if (st === UNUSED) return call(s.threads[ti], 'dump.lock', 'poll.dump-ret');
      goto(s.threads[ti], 'poll.rcvwake');
    },
  },
  'poll.rcvwake': rcvWakeStep('poll', CITE, (s, ti) => goto(s.threads[ti], 'poll.datagram')),
  'poll.datagram': {
    who: 'kernel',
    cites: `${CITE} -> datagram_poll: POLLIN if the receive queue is non-empty, POLLERR if sk_err; 4.5 skips the ring scan on POLLIN`,
    text: (c, s) => {
      const q = s.sock.rcvq.length;
      const early = c.knobs.pollRx === 'any-valid' && q > 0 ? ', skip the ring scan' : '';
      return `poll: datagram_poll: ${q} queued${s.sock.skErr !== 0 ? ', sk_err set' : ''}${early}`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      if (s.sock.rcvq.length > 0) t.l.mask |= POLLIN;
      if (s.sock.skErr !== 0) t.l.mask |= POLLERR;
      // datagram_poll: POLLOUT while sock_writeable(); netlink_sendmsg never charges the
      // sender's sk_wmem_alloc, so it always is, and the TX-ring test below can only add
      // POLLOUT, not clear it (protocol.md §4.7 step 4 says "iff"; the code ORs).
      t.l.mask |= POLLOUT;
      // 4.5 (B10 fix): a queued message already made POLLIN; skip the ring scan (POLLOUT is still computed).
      if (c.knobs.pollRx === 'any-valid' && (t.l.mask & POLLIN) !== 0) return toTx(s, ti);
      if (s.sock.rx.gen === 0) return toTx(s, ti);
      goto(t, c.knobs.pollRx === 'any-valid' ? 'poll.scan' : 'poll.forward');
    },
  },
  // 4.5: netlink_has_valid_frame, a backward scan from head, one frame read per step.
  'poll.scan': {
    who: 'kernel',
    cites: `${CITE} -> netlink_has_valid_frame (4.5), under sk_receive_queue.lock`,
    guard: (_c, s, ti) => lockFree(s.sock.rxqLock, ti),
    text: (_c, s, ti) => {
      const t = s.threads[ti];
      const pos = s.sock.rxqLock === ti ? t.l.scan : s.sock.rx.head;
      const st = peek(s, ti, here(s, RX, pos), 'status');
      return `poll: ${s.sock.rxqLock === ti ? '' : 'lock rx queue, '}rx frame ${pos} is ${STATUS_NAMES[st]}${st === VALID ? ': POLLIN, unlock' : ''}`;
    },
    run: (_c, s, ti) => {
      const t = s.threads[ti];
      const k = s.sock;
      if (k.rxqLock !== ti) {
        k.rxqLock = ti;
        t.l.scan = k.rx.head;
      }
      const st = load(s, ti, here(s, RX, t.l.scan), 'status');
      const prev = t.l.scan !== 0 ? t.l.scan - 1 : k.rx.frameNr - 1;
      if (st === VALID || prev === k.rx.head) {
        if (st === VALID) t.l.mask |= POLLIN;
        k.rxqLock = -1;
        return toTx(s, ti);
      }
      t.l.scan = prev;
    },
  },
  // 3.10 … 4.4: netlink_forward_ring, then netlink_previous_frame(ring, UNUSED).
  'poll.forward': {
    who: 'kernel',
    cites: `${CITE} (3.10): spin_lock_bh(sk_receive_queue.lock); netlink_forward_ring`,
    guard: (_c, s, ti) => lockFree(s.sock.rxqLock, ti),
    text: () => 'poll: lock rx queue, forward the ring',
    run: (_c, s, ti) => {
      s.sock.rxqLock = ti;
      call(s.threads[ti], 'fwd.step', 'poll.prev');
    },
  },
  'poll.prev': {
    who: 'kernel',
    cites: `${CITE} (3.10): POLLIN unless netlink_previous_frame(ring, UNUSED); unlock`,
    text: (_c, s, ti) => {
      const k = s.sock;
      const prev = k.rx.head !== 0 ? k.rx.head - 1 : k.rx.frameNr - 1;
      const st = peek(s, ti, here(s, RX, prev), 'status');
      return `poll: frame before head (rx frame ${prev}) is ${STATUS_NAMES[st]}${st !== UNUSED ? ': POLLIN' : ''}, unlock`;
    },
    run: (_c, s, ti) => {
      const k = s.sock;
      const prev = k.rx.head !== 0 ? k.rx.head - 1 : k.rx.frameNr - 1;
      if (load(s, ti, here(s, RX, prev), 'status') !== UNUSED) s.threads[ti].l.mask |= POLLIN;
      k.rxqLock = -1;
      toTx(s, ti);
    },
  },
  'poll.tx': {
    who: 'kernel',
    cites: `${CITE}: mask |= POLLOUT if netlink_current_frame(tx_ring, UNUSED) (on top of datagram_poll's POLLOUT)`,
    text: (_c, s, ti) => {
      const st = peek(s, ti, here(s, TX, s.sock.tx.head), 'status');
      return `poll: tx frame ${s.sock.tx.head} is ${STATUS_NAMES[st]}${st === UNUSED ? ': POLLOUT' : ''}; return`;
    },
    run: (_c, s, ti) => {
      if (load(s, ti, here(s, TX, s.sock.tx.head), 'status') === UNUSED) s.threads[ti].l.mask |= POLLOUT;
      finish(s, ti);
    },
  },
});
