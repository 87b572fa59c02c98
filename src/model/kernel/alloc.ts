/**
 * RX allocation: netlink_alloc_skb (3.10) / __netlink_alloc_skb (4.5), and
 * netlink_forward_ring. protocol.md §4.2, §4.5.
 *
 * Subroutine `alloc.lookup`: input `l.skbLen` (message size), `l.msg` (tag, for
 * the drop accounting). Output: `l.skb` is SKB_RX (a frame was reserved),
 * SKB_PLAIN (fallback to an ordinary skb) or SKB_NONE with ret -ENOBUFS (ring
 * full: NULL, after netlink_overrun).
 */
import { ENOBUFS, RESERVED, RX, SKIP, STATUS_NAMES, UNUSED } from '../constants.js';
import { here, load, store, peek } from '../mem.js';
import { setStatus } from './status.js';
import { SKB_NONE, SKB_PLAIN, SKB_RX } from '../state.js';
import type { State } from '../state.js';
import { defineSteps, goto, lockFree, ret, call } from '../step.js';
import { nextIndex, note, overrun, rxMaxLen, sockPut } from './sock.js';

const CITE = 'af_netlink.c netlink_alloc_skb (3.10) / __netlink_alloc_skb (4.5)';
const FWD_CITE = 'af_netlink.c netlink_forward_ring (3.10: examines the start position; 4.5: the current head)';

function plain(s: State, ti: number): void {
  const t = s.threads[ti];
  t.l.skb = SKB_PLAIN;
  ret(t, 0);
}

/** Where the forward loop looks: the start position (3.10 … 4.4) or the current head (4.5). */
function forwardPos(s: State, ti: number, startPosition: boolean): number {
  return startPosition ? s.threads[ti].l.fwdPos : s.sock.rx.head;
}

defineSteps({
  'alloc.lookup': {
    who: 'kernel',
    cites: `${CITE}: netlink_getsockbyportid, pg_vec check, early size check (4.5 only)`,
    text: (c, s, ti) => {
      const k = s.sock;
      if (k.released) return 'alloc: destination gone, fall back to alloc_skb';
      if (k.rx.gen === 0) return 'alloc: no rx ring, fall back to alloc_skb';
      if (c.knobs.allocEarlySizeCheck && s.threads[ti].l.skbLen > rxMaxLen(s)) return 'alloc: message exceeds frame, fall back to alloc_skb';
      return 'alloc: look up destination (sock_hold), rx ring present';
    },
    run: (c, s, ti) => {
      const k = s.sock;
      const t = s.threads[ti];
      if (k.released) return plain(s, ti);
      if (k.rx.gen === 0) return plain(s, ti);
      if (c.knobs.allocEarlySizeCheck && t.l.skbLen > rxMaxLen(s)) return plain(s, ti);
      k.sockRefs++;
      goto(t, 'alloc.lock');
    },
  },
  'alloc.lock': {
    who: 'kernel',
    cites: `${CITE}: spin_lock_bh(sk_receive_queue.lock), re-check ring and size`,
    guard: (_c, s, ti) => lockFree(s.sock.rxqLock, ti),
    text: (_c, s, ti) => (s.sock.rx.gen === 0 || s.threads[ti].l.skbLen > rxMaxLen(s)
      ? 'alloc: lock rx queue; ring gone or too small, unlock, fall back'
      : 'alloc: lock rx queue'),
    run: (_c, s, ti) => {
      const k = s.sock;
      const t = s.threads[ti];
      if (k.rx.gen === 0 || t.l.skbLen > rxMaxLen(s)) {
        sockPut(s, ti);
        return plain(s, ti);
      }
      k.rxqLock = ti;
      t.l.inAlloc = true;
      t.l.fullSeen = false;
      call(t, 'fwd.step', 'alloc.check');
    },
  },
  'alloc.check': {
    who: 'kernel',
    cites: `${CITE}: netlink_current_frame(ring, UNUSED); ring full: unlock, netlink_overrun, NULL`,
    text: (_c, s, ti) => {
      const st = peek(s, ti, here(s, RX, s.sock.rx.head), 'status');
      return st === UNUSED
        ? `alloc: rx frame ${s.sock.rx.head} is UNUSED`
        : `alloc: rx frame ${s.sock.rx.head} is ${STATUS_NAMES[st]}: ring full, unlock, overrun, return NULL`;
    },
    run: (_c, s, ti) => {
      const k = s.sock;
      const t = s.threads[ti];
      const st = load(s, ti, here(s, RX, k.rx.head), 'status');
      if (st === UNUSED) return goto(t, 'alloc.reserve');
      k.rxqLock = -1;
      t.l.inAlloc = false;
      note(s, ti, 'alloc-full');
      overrun(s, ti);
      sockPut(s, ti);
      t.l.skb = SKB_NONE;
      ret(t, -ENOBUFS);
    },
  },
  'alloc.reserve': {
    who: 'kernel',
    cites: `${CITE}: netlink_ring_setup_skb, netlink_set_status(RESERVED), pending++, head++, unlock`,
    text: (_c, s, ti) => `alloc: reserve rx frame ${s.sock.rx.head} (RESERVED, pending++, head++), unlock`,
    run: (c, s, ti) => {
      const k = s.sock;
      const t = s.threads[ti];
      const ref = here(s, RX, k.rx.head);
      setStatus(c, s, ti, ref, RESERVED, ti);
      t.l.skb = SKB_RX;
      t.l.skbGen = ref.gen;
      t.l.skbFrame = ref.frame;
      k.rx.pending++;
      k.rx.head = nextIndex(k.rx.head, k.rx.frameNr);
      k.rxqLock = -1;
      t.l.inAlloc = false;
      ret(t, 0);
    },
  },

  // netlink_forward_ring, entered with sk_receive_queue.lock held. One step per
  // frame status read, because userspace may change the frame between reads.
  'fwd.step': {
    who: 'kernel',
    cites: FWD_CITE,
    text: (c, s, ti) => {
      const startPos = c.knobs.forwardRing === 'start-position';
      const t = s.threads[ti];
      // The first iteration records the start; the text reports the read.
      const pos = t.l.fwdPos === -1 || !startPos ? s.sock.rx.head : t.l.fwdPos;
      const st = peek(s, ti, here(s, RX, pos), 'status');
      return st === SKIP ? `forward_ring: rx frame ${pos} is SKIP, head++` : `forward_ring: rx frame ${pos} is ${STATUS_NAMES[st]}, stop`;
    },
    run: (c, s, ti) => {
      const k = s.sock;
      const t = s.threads[ti];
      const startPos = c.knobs.forwardRing === 'start-position';
      if (t.l.fwdPos === -1) {
        t.l.fwdStart = k.rx.head;
        t.l.fwdPos = k.rx.head;
      }
      const pos = forwardPos(s, ti, startPos);
      const st = load(s, ti, here(s, RX, pos), 'status');
      t.l.fwdSeen |= 1 << pos;
      if (st !== SKIP) {
        t.l.fwdPos = -1;
        t.l.fwdStart = 0;
        note(s, ti, 'forward-done');
        return ret(t, 0);
      }
      k.rx.head = nextIndex(k.rx.head, k.rx.frameNr);
      note(s, ti, 'forward-skip');
      if (k.rx.head === t.l.fwdStart) {
        t.l.fwdPos = -1;
        t.l.fwdStart = 0;
        note(s, ti, 'forward-done');
        ret(t, 0);
      }
    },
  },
});

/** Enter netlink_alloc_skb for a message of `size` bytes tagged `tag`. */
export function callAlloc(s: State, ti: number, size: number, tag: number, resume: string): void {
  const t = s.threads[ti];
  t.l.skbLen = size;
  t.l.msg = tag;
  call(t, 'alloc.lookup', resume);
}

/**
 * Whether the RX ring, as it is now, offers the kernel no frame: starting at the
 * head and passing over SKIP frames (at most one turn), the first other frame is
 * not UNUSED. This is what "ring full" means in the design (protocol.md §3.2 R9).
 */
export function ringFullNow(s: State): boolean {
  const r = s.sock.rx;
  if (r.gen === 0 || r.frameNr === 0) return true;
  for (let n = 0, i = r.head; n < r.frameNr; n++, i = nextIndex(i, r.frameNr)) {
    const st = r.frames[i].status;
    if (st === SKIP) continue;
    return st !== UNUSED;
  }
  return true;
}

/** Ghost monitor, run after every step: record a full ring for threads inside the allocation section. */
export function observeAllocations(s: State): void {
  // A thread is inside the section exactly while it holds sk_receive_queue.lock with inAlloc set
  // (alloc.lock sets both, both exits clear both), so only the lock holder needs looking at.
  const ti = s.sock.rxqLock;
  if (ti < 0) return;
  const t = s.threads[ti];
  if (t.l.inAlloc && !t.l.fullSeen && ringFullNow(s)) t.l.fullSeen = true;
}
