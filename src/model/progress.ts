/**
 * What counts as progress in the netlink spec, and which end states are proper,
 * for the liveness check (src/check/liveness.ts, docs/liveness.md).
 *
 * Progress is judged per step from what the step did (the ghost record of its
 * frame store and its note) and from the receive queue:
 * - a message made readable: the kernel publishes an RX frame VALID or COPY
 *   (netlink_ring_set_copied, __netlink_sendskb's ring case, dumps), or the
 *   receive queue changes length (an skb queued by __netlink_sendskb, or one
 *   dequeued by recvmsg);
 * - a message consumed: the user reads a message (ring, recvmsg, dump part) or an
 *   error, or hands an RX frame back (any status -> UNUSED, a held SKIP frame too);
 * - TX: a conforming user marks a TX frame VALID (submits a message), the kernel
 *   hands a TX frame back (UNUSED) or acts on a TX message (netlink_rcv);
 * - a dump finishes (NLMSG_DONE), or a thread finishes its program.
 * Everything else is not progress: locks, frame loads, poll, SKIP forwarding,
 * reservations and failed allocations, a sendmsg that consumes nothing.
 *
 * Strong fairness (promiseOf): a step that waits (for a lock or a wakeup), and the
 * release of a held SKIP frame, are steps a thread gets (takes) eventually if they
 * are offered again and again.
 *
 * Proper end states: every thread finished, except that a consumer may rest
 * asleep in poll (`c.sleep`): the documented loop waits there for the next
 * message, the way a SPIN `end` label marks a valid resting place. Whether it
 * sleeps while something is owed to it is judged by the safety properties
 * POLL-NO-LOST-WAKEUP and DUMP-PROGRESS, not here.
 */
import { COPY, RX, SKIP, TX, UNUSED, VALID } from './constants.js';
import type { State } from './state.js';
import type { Ctx, StepAction } from './step.js';
import { DONE_ID, labelId } from './step.js';
import './user/consumer.js'; // registers c.sleep

/** Notes (sock.ts note/noteValue) of steps that deliver or consume something. */
const PROGRESS_NOTES = new Set(['read', 'read-id', 'dump-read', 'error-read', 'dump-done', 'tx-acted']);

const SLEEP = labelId('c.sleep');
/**
 * Another program's bind() of the port id, retried until it succeeds (kernel/setup.ts
 * port.bind): waiting for a port id that is never freed is that program's business, like a
 * consumer resting in poll, not work the socket owes anyone.
 */
let BIND = -1;

export function isProgress(_c: Ctx, s: State, a: StepAction, t: State): boolean {
  if (t.threads[a.thread].pcId === DONE_ID) return true; // it acted, so it was not done before
  if (PROGRESS_NOTES.has(t.ghost.note)) return true;
  const e = t.ghost.last;
  if (e.kind === 'kstore') {
    if (e.ring === RX && (e.after === VALID || e.after === COPY)) return true;
    if (e.ring === TX && e.after === UNUSED) return true;
  } else if (e.kind === 'ustore' && e.conforming) {
    if (e.ring === RX && e.after === UNUSED) return true;
    if (e.ring === TX && e.after === VALID) return true;
  }
  return t.sock.rcvq.length !== s.sock.rcvq.length;
}

/**
 * Strong fairness: steps a thread is promised to get eventually if they are
 * offered again and again, even if not continuously.
 * - `wait`: a step that waits, i.e. has a guard: taking a lock (the receive-queue
 *   lock, pg_vec_lock, cb_mutex, the id lock) or being woken in poll. The model
 *   disables such a step while the lock is held, so a waiter is enabled only
 *   between other threads' critical sections; weak fairness alone would accept a
 *   loop in which a consumer's poll takes the queue lock again and again while a
 *   producer waiting for it never gets it. Linux spinlocks are FIFO (ticket
 *   spinlocks since 2.6.25, queued spinlocks since 4.2) and a woken waiter runs,
 *   so a waiter gets what it waits for; that is what strong fairness says.
 * - `release`: a holding consumer (ulogd2) releasing a frame it holds: it
 *   releases every held frame eventually; the model lets it choose when, at each
 *   look at the ring. Without this, a loop in which it polls forever while
 *   holding a frame it could release would be reported, which only says that a
 *   consumer that never finishes its work never finishes it. Recognised by what
 *   the step did: a conforming user stored UNUSED over a SKIP frame of the RX ring.
 * Each is a promise of its own per thread: a consumer that takes the queue lock in
 * its poll loop keeps its `wait` promise, not its `release` one.
 */
export function promiseOf(c: Ctx, _s: State, a: StepAction, t: State): 'wait' | 'release' | undefined {
  const e = t.ghost.last;
  if (e.kind === 'ustore' && e.conforming && e.ring === RX && e.before === SKIP && e.after === UNUSED) return 'release';
  if (c.table.steps[a.label]?.guard !== undefined) return 'wait';
  return undefined;
}

/** The locks a thread holds, by name, for the explanation of a stuck state. */
function heldLocks(s: State, ti: number): string[] {
  const out: string[] = [];
  if (s.sock.rxqLock === ti) out.push('the receive-queue lock');
  if (s.sock.pgVecLock === ti) out.push('pg_vec_lock');
  if (s.sock.cbMutex === ti) out.push('cb_mutex');
  if (s.idLock === ti) out.push('the id lock');
  return out;
}

/** In a terminal state: one line per thread that has not finished and is not resting in poll (or waiting for a port id to bind). */
export function unfinishedThreads(c: Ctx, s: State): string[] {
  const out: string[] = [];
  s.threads.forEach((t, ti) => {
    // Looked up on first use: kernel/setup.ts registers the label after this module loads.
    if (BIND < 0) BIND = labelId('port.bind');
    if (t.pcId === DONE_ID || t.pcId === SLEEP || t.pcId === BIND) return;
    const holds = heldLocks(s, ti);
    out.push(`${c.threads[ti].name} cannot take its next step (${t.pc})${holds.length > 0 ? `, holding ${holds.join(' and ')}` : ''}`);
  });
  return out;
}
