/**
 * Kernel-private socket helpers shared by several paths. None of these touch
 * memory userspace can see (the wakeups' barriers only order what the thread
 * stored before); they are pieces of steps, never steps themselves.
 */
import { ENOBUFS } from '../constants.js';
import { maxLen } from '../geometry.js';
import type { Ctx, StepDef } from '../step.js';
import type { State } from '../state.js';
import { SKB_NONE } from '../state.js';
import { unchargeSkbs } from './rmem.js';
import { mb } from '../mem.js';

/** Bit of a message tag in the ghost masks (tags 1..29; others are not tracked). */
export function tagBit(tag: number): number {
  return tag > 0 && tag < 30 ? 1 << tag : 0;
}

/**
 * netlink_overrun (af_netlink.c, 3.10 and 4.5): unless NETLINK_NO_ENOBUFS, set
 * CONGESTED and, only if it was not already set, sk_err = ENOBUFS and report.
 * Always counts a drop.
 */
export function overrun(s: State, ti: number): void {
  const k = s.sock;
  if (!k.noEnobufs && !k.congested) {
    k.congested = true;
    k.skErr = ENOBUFS;
    // sk_error_report -> sock_def_error_report: wq_has_sleeper() issues smp_mb() before it looks for sleepers.
    mb(s, ti);
    k.wake = true; // sk_error_report wakes pollers
  }
  k.drops++;
  if (!k.released) s.ghost.unreported++;
}

/**
 * sk_data_ready (sock_def_readable): wake threads registered on the socket wait queue.
 * skwq_has_sleeper / wq_has_sleeper issues smp_mb() first (pairing with the one in
 * sock_poll_wait), so the frames published before it are visible to whoever it wakes.
 */
export function dataReady(s: State, ti: number): void {
  mb(s, ti);
  if (s.threads.some((t) => t.l.waiting)) s.sock.wake = true;
}

/**
 * sock_put. The last reference (file closed, no ring skb or lookup left) runs
 * netlink_sock_destruct, which frees both rings without looking at `mapped` or
 * `pending` (3.10: netlink_set_ring(..., closing); 4.5: __netlink_set_ring).
 */
export function sockPut(s: State, ti: number): void {
  // atomic_dec_and_test implies a full barrier (Documentation/atomic_t.txt): the thread's frame
  // stores are visible before the socket, and the rings with it, can be freed.
  mb(s, ti);
  const k = s.sock;
  k.sockRefs--;
  maybeDestruct(s);
}

export function maybeDestruct(s: State): void {
  const k = s.sock;
  if (k.released && k.sockRefs === 0 && k.fileRefs === 0 && !k.destructed) {
    k.destructed = true;
    unchargeSkbs(s, k.rcvq.length); // skb_queue_purge: each destructor gives its charge back
    k.rcvq.clear();
    for (const r of [k.rx, k.tx]) {
      r.gen = 0;
      r.req = -1;
    }
  }
}

/**
 * netlink_rcv_wake as a step of `caller` (poll or recvmsg): clear CONGESTED if the
 * receive queue is empty, then continue with `then`.
 */
export function rcvWakeStep(caller: string, cites: string, then: (s: State, ti: number) => void): StepDef {
  return {
    who: 'kernel',
    cites: `${cites} -> netlink_rcv_wake: clear CONGESTED if the receive queue is empty`,
    text: (_c, s) => (s.sock.rcvq.length === 0 && s.sock.congested ? `${caller}: rcv_wake: queue empty, clear CONGESTED` : `${caller}: rcv_wake`),
    run: (_c, s, ti) => {
      if (s.sock.rcvq.length === 0) s.sock.congested = false;
      then(s, ti);
    },
  };
}

/** Payload capacity of the RX ring's frames. */
export function rxMaxLen(s: State): number {
  return maxLen(s.sock.rx.frameSize);
}

/** Ring index after `i` (netlink_increment_head: wraps at frame_max). */
export function nextIndex(i: number, frameNr: number): number {
  return frameNr > 0 ? (i + 1) % frameNr : 0;
}

/** The thread's skb is gone (freed or handed on). */
export function dropSkb(s: State, ti: number): void {
  const l = s.threads[ti].l;
  l.skb = SKB_NONE;
  l.skbGen = 0;
  l.skbFrame = -1;
  l.skbLen = 0;
  l.skbMsg = 0;
  l.skbSeq = 0;
}

/** The thread's display name. */
export function nameOf(c: Ctx, ti: number): string {
  return c.threads[ti].name;
}

export function note(s: State, ti: number, what: string): void {
  s.ghost.note = what;
  s.ghost.noteThread = ti;
}

/** A note with a value (a returned mask or length, an id read): transient, judged on this transition only. */
export function noteValue(s: State, ti: number, what: string, value: number): void {
  note(s, ti, what);
  s.ghost.noteValue = value;
}
