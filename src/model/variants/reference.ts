/**
 * `reference`: the protocol as it should have been. linux-4.5 plus one fix per
 * finding of the README (Findings on linux-4.5, and the ones that only showed
 * once those were fixed), each citing the counterexample it removes. It passes
 * every property of every catalogue scenario, exhaustively
 * (test/model/reference.test.ts).
 *
 * A fix is a set of step overrides. Several fixes touch the same step
 * (netlink_set_ring's swap carries three), so a fix does not replace a step: it
 * wraps the code it is given, which is the base step or an earlier fix's
 * wrapping of it. `referenceWithout(ids)` builds the variant without some fixes;
 * the tests use it to show that each fix is needed, i.e. that without it the
 * checker finds its counterexample again.
 */
import { COPY, ECONNREFUSED, ENOBUFS, EBUSY, POLLERR, POLLIN, POLLOUT, RESERVED, RX, SKIP, STATUS_NAMES, UNUSED, VALID, EAGAIN } from '../constants.js';
import { here, load, peek, store } from '../mem.js';
import { beforeStatusStore } from '../user/order.js';
import { ringOf, SKB_PLAIN } from '../state.js';
import { attachCharge, attachRefuses, destinationGone, endDelivery, routeSkb, takeLookupRef } from '../kernel/deliver.js';
import type { State } from '../state.js';
import { call, goto, lockFree, ret, stepAt, type Ctx, type StepDef } from '../step.js';
import { defineVariant, type Knobs, type StepOverride, type Variant } from '../variant.js';
import { dataReady, dropSkb, nextIndex, note, noteValue, overrun } from '../kernel/sock.js';
import { linux45 } from './linux-4.5.js';

type Run = StepDef['run'];
type Text = StepDef['text'];
type Choices = NonNullable<StepDef['choices']>;

/** How a fix changes one step: each field receives the code it wraps. */
interface Wrap {
  /** A guard replaces the step's (at most one fix may give one per step). */
  readonly guard?: NonNullable<StepDef['guard']>;
  readonly choices?: (prev: Choices) => Choices;
  readonly text?: (prev: Text) => Text;
  readonly run?: (prev: Run) => Run;
}

/** One fix: what it removes, and the overrides that remove it. */
export interface Fix {
  readonly id: string;
  /** The finding (README "Findings on linux-4.5") and the counterexample it removes. */
  readonly cites: string;
  /** Where the finding shows: without this fix, bfs finds `property` in `scenario`. */
  readonly removes: readonly { readonly scenario: string; readonly property: string }[];
  readonly knobs?: Partial<Knobs>;
  readonly wraps?: Readonly<Record<string, Wrap>>;
  /** Base continuations replaced outright (a continuation has only its `run`). */
  readonly continuations?: Readonly<Record<string, (c: Ctx, s: State, ti: number) => void>>;
  /** Steps the fix adds, under labels of its own. */
  readonly steps?: Readonly<Record<string, StepDef>>;
}

/** The base step at `label`, looked up when first run (the spec's modules register their steps on import). */
function base(label: string): () => StepDef {
  let d: StepDef | undefined;
  return () => (d ??= stepAt(label));
}

/** netlink_overrun as it should be: every drop reports ENOBUFS (and wakes pollers), not only the first while CONGESTED. */
function reportDrops(s: State, dropsBefore: number): void {
  const k = s.sock;
  if (k.drops > dropsBefore && !k.noEnobufs) {
    k.skErr = ENOBUFS;
    k.wake = true; // sk_error_report
  }
}

/** Did this step install a ring (so.swap notes it)? */
function swapped(s: State, ti: number): boolean {
  return s.ghost.note === 'ring-swapped' && s.ghost.noteThread === ti;
}

// ---------------------------------------------------------------------------------------------
// The consumer's side of Finding 9 (see FIXES below).

/** c.look's choice "look at the frame at the cursor", and its batch-verdict choice (user/consumer.ts). */
const LOOK = -1;
const VERDICT = 100;

/** The RX ring size the user configured (its own request, as user/consumer.ts computes it). */
function userRxFrames(c: Ctx): number {
  return c.scenario.rx === null ? 0 : c.scenario.requests[c.scenario.rx].frameNr;
}

function userRx(s: State, frame: number) {
  return { ring: RX, gen: s.sock.vmaRxGen, frame };
}

function heldIndex(s: State, ti: number, frame: number): number {
  const h = s.threads[ti].l.held;
  for (let i = 0; i < h.length; i++) if (h.at(i) === frame) return i;
  return -1;
}

/** The first frame after `from` in ring order that the consumer does not hold; -1 if it holds every other one. */
function nextUnheld(c: Ctx, s: State, ti: number, from: number): number {
  const n = userRxFrames(c);
  if (n === 0) return -1;
  for (let i = nextIndex(from, n); i !== from; i = nextIndex(i, n)) if (heldIndex(s, ti, i) < 0) return i;
  return -1;
}

/** The cursor is on a frame this consumer holds (SKIP), and it holds not every frame. */
function atOwnSkip(c: Ctx, s: State, ti: number): boolean {
  const cur = s.threads[ti].l.cursor;
  return peek(s, ti, userRx(s, cur), 'status') === SKIP && heldIndex(s, ti, cur) >= 0 && nextUnheld(c, s, ti, cur) >= 0;
}

/** Evidence that the kernel has passed the held frame in this turn: the next frame it does not hold was taken again. */
function takenAgain(status: number): boolean {
  return status === RESERVED || status === VALID || status === COPY;
}

/** netlink_poll after the RX part (kernel/poll.ts toTx and finish): POLLOUT from the TX head, or return the mask. */
function pollToTx(s: State, ti: number): void {
  const t = s.threads[ti];
  if (s.sock.tx.gen !== 0) return goto(t, 'poll.tx');
  t.l.scan = 0;
  noteValue(s, ti, 'poll-return', t.l.mask);
  ret(t, t.l.mask);
}

// ---------------------------------------------------------------------------------------------
// Finding 4: netlink_dump_space, counting.

/**
 * poll's dump continuation, as a scan of the whole ring under the receive-queue
 * lock (one frame read per step, as netlink_has_valid_frame). While scanning,
 * `l.ret` holds 16 x UNUSED frames + SKIP frames seen (a ring has at most 15
 * frames: scenarios/load.ts RX_FRAMES_MAX), `l.scan` the position; both are cleared when it ends.
 */
function dumpSpaceScan(_c: Ctx, s: State, ti: number): void {
  const t = s.threads[ti];
  const k = s.sock;
  if (k.rxqLock !== ti) {
    k.rxqLock = ti;
    t.l.scan = k.rx.head;
    t.l.ret = 0;
  }
  const st = load(s, ti, here(s, RX, t.l.scan), 'status');
  let unused = t.l.ret >> 4;
  let skip = t.l.ret & 15;
  const stop = (space: boolean): void => {
    k.rxqLock = -1;
    t.l.scan = 0;
    t.l.ret = 0;
    if (space) return call(t, 'dump.lock', 'poll.dump-ret');
    goto(t, 'poll.rcvwake');
  };
  if (st === SKIP) skip++;
  else if (st === UNUSED) unused++;
  // The first frame that is neither SKIP nor UNUSED before any UNUSED one: the allocator would stop here (ring full).
  else if (unused === 0) return stop(false);
  t.l.ret = unused * 16 + skip;
  t.l.scan = nextIndex(t.l.scan, k.rx.frameNr);
  if (t.l.scan !== k.rx.head) return;
  // Half of the frames the kernel may use (the ones not held as SKIP) are free.
  stop(unused >= 1 && 2 * unused >= k.rx.frameNr - skip);
}

// ---------------------------------------------------------------------------------------------

/**
 * The fixes, in the order they wrap shared steps. Each entry's comment says why
 * it works; its `cites` names the finding and the linux-4.5 counterexample.
 */
export const FIXES: readonly Fix[] = [
  // Finding 10 (copy-hold). netlink_ring_set_copied takes the frame at the RX head
  // only if it is UNUSED and, unlike the allocation path, never passes SKIP frames:
  // with the head frame held as SKIP by the user, a message from an unconverted
  // subsystem is dropped (overrun) while the next frame is free. The fix forwards
  // the ring under the queue lock first, as __netlink_alloc_skb does, one frame
  // read per step (fwd.step). Listed first because it changes how the claim takes
  // the lock, which Finding 1's fix then holds on to.
  {
    id: 'copy-passes-skip',
    cites: 'removes copy-hold LOSS-FREE-FRAME, 23 steps, linux-4.5 (netlink_ring_set_copied does not pass SKIP frames, so a held head frame drops COPY messages while frames are free)',
    removes: [{ scenario: 'copy-hold', property: 'LOSS-FREE-FRAME' }],
    wraps: {
      'send.copy-claim': {
        text: (prev) => (c, s, ti, arg) => prev(c, s, ti, arg).replace('lock rx queue, ', '').replace('lock rx queue; ', ''),
        run: (prev) => (c, s, ti, arg) => {
          const t = s.threads[ti];
          // The ring may have been full at any point since the lock was taken (observeAllocations kept track).
          const seen = t.l.fullSeen;
          prev(c, s, ti, arg);
          if (s.threads[ti].pc !== 'send.copy-mark') t.l.fullSeen ||= seen;
          t.l.inAlloc = false;
          // The claim ends the critical section the new lock step opened (Finding 1's fix may keep it longer).
          s.sock.rxqLock = -1;
        },
      },
    },
    continuations: {
      // __netlink_sendskb's routing (kernel/deliver.ts), with COPY messages going through the new lock step.
      'send.skb': (_c, s, ti) => routeSkb(s, ti, 'ref.copy-lock'),
    },
    steps: {
      'ref.copy-lock': {
        who: 'kernel',
        cites: 'reference netlink_ring_set_copied: spin_lock_bh(sk_receive_queue.lock), then netlink_forward_ring as __netlink_alloc_skb does, then the claim',
        guard: (_c, s, ti) => lockFree(s.sock.rxqLock, ti),
        text: (_c, s) => (s.sock.rx.gen === 0 ? 'set_copied: lock rx queue (the RX ring was destroyed since routing)' : 'set_copied: lock rx queue, forward the ring past SKIP frames'),
        run: (_c, s, ti) => {
          const t = s.threads[ti];
          s.sock.rxqLock = ti;
          if (s.sock.rx.gen === 0) return goto(t, 'send.copy-claim');
          // Inside the section for LOSS-FREE-FRAME's ghost: was the ring ever full while we held the lock?
          t.l.inAlloc = true;
          t.l.fullSeen = false;
          call(t, 'fwd.step', 'send.copy-claim');
        },
      },
    },
  },
  // Finding 1. netlink_ring_set_copied claims the head frame under the queue lock
  // but marks it COPY only after unlocking; until then the frame reads UNUSED and a
  // wrapped allocator can reserve it. Holding the lock until the COPY store makes
  // claim and mark one critical section, the same one the allocator's
  // check-and-reserve uses, so no other kernel path can see the claimed frame as
  // UNUSED. (The same race also gave OWN-USER-WRITE and COPY-QUEUE-MATCH.)
  {
    id: 'copy-status-under-lock',
    cites: 'removes README Finding 1: copy-mixed OWN-RX-KERNEL-WRITE, 22 steps, linux-4.5 (netlink_ring_set_copied writes COPY after spin_unlock_bh)',
    removes: [
      { scenario: 'copy-mixed', property: 'OWN-RX-KERNEL-WRITE' },
      { scenario: 'copy-mixed', property: 'ACCT-NO-FREE-IN-USE' },
    ],
    wraps: {
      'send.copy-claim': {
        text: (prev) => (c, s, ti, arg) => prev(c, s, ti, arg).replace('queue the skb, unlock', 'queue the skb, keep the lock'),
        run: (prev) => (c, s, ti, arg) => {
          prev(c, s, ti, arg);
          // On success the original goes on to mark the frame after unlocking: hold the lock until it has.
          if (s.threads[ti].pc === 'send.copy-mark') s.sock.rxqLock = ti;
        },
      },
      'send.copy-mark': {
        text: (prev) => (c, s, ti, arg) => `${prev(c, s, ti, arg)}, unlock rx queue`,
        run: (prev) => (c, s, ti, arg) => {
          prev(c, s, ti, arg);
          s.sock.rxqLock = -1;
        },
      },
    },
  },
  // Finding 2. Taking pg_vec_lock before netlink_set_ring's checks is not enough
  // (still ACCT-NO-FREE-IN-USE in 7 steps): producers do not take pg_vec_lock; they
  // reserve (pending++) under sk_receive_queue.lock, and the swap is done under that
  // lock. AF_PACKET's packet_set_ring first quiesces its producers (unhooks the
  // socket, synchronize_net) and only then swaps. Netlink's producers hold a ring
  // skb across arbitrary subsystem code, so the quiescent point is "pending == 0
  // while reservations are excluded": test pending in the swap's own critical
  // section under the queue lock, and return EBUSY as the up-front test does. A
  // producer then either reserved before (EBUSY) or re-checks the ring under the
  // lock after the swap and allocates from the new one. TX pending is taken under
  // pg_vec_lock by netlink_mmap_sendmsg, which the swap also holds.
  {
    id: 'swap-rechecks-pending',
    cites: 'removes README Finding 2: setup-teardown ACCT-NO-FREE-IN-USE, 8 steps, linux-4.5 (pending read once, before the locks; the swap re-checks only mapped)',
    removes: [{ scenario: 'setup-teardown', property: 'ACCT-NO-FREE-IN-USE' }],
    wraps: {
      'so.swap': {
        text: (prev) => (c, s, ti, arg) =>
          s.sock.mapped === 0 && ringOf(s, s.threads[ti].l.msg).pending !== 0
            ? 'setsockopt: pending != 0 under the queue lock: unlock, free the new blocks, -EBUSY'
            : prev(c, s, ti, arg),
        run: (prev) => (c, s, ti, arg) => {
          const t = s.threads[ti];
          if (s.sock.mapped === 0 && ringOf(s, t.l.msg).pending !== 0) {
            s.sock.pgVecLock = -1;
            return ret(t, -EBUSY);
          }
          prev(c, s, ti, arg);
        },
      },
    },
  },
  // Finding 3. netlink_set_ring writes frames_per_block into the live ring while
  // validating, before any lock, so a setsockopt that then fails (or a second
  // creator that raced past the "no ring yet" test) rewrites a ring another thread
  // installed. Keep it in a local while validating and store it with the rest of the
  // geometry in the swap, under pg_vec_lock and the queue lock. (Taking pg_vec_lock
  // before the checks removes this counterexample too, but not Finding 2's.)
  {
    id: 'geometry-at-swap',
    cites: 'removes README Finding 3: setup-concurrent SETUP-GEOMETRY, 8 steps, linux-4.5 (frames_per_block written into the live ring before the last size check)',
    removes: [{ scenario: 'setup-concurrent', property: 'SETUP-GEOMETRY' }],
    wraps: {
      'so.check-size': {
        text: (prev) => (c, s, ti, arg) => prev(c, s, ti, arg).replace(' written to the live ring', ' kept in a local'),
        run: (prev) => (c, s, ti, arg) => {
          const ring = ringOf(s, s.threads[ti].l.msg);
          const live = ring.framesPerBlock;
          prev(c, s, ti, arg);
          ring.framesPerBlock = live;
        },
      },
      'so.swap': {
        run: (prev) => (c, s, ti, arg) => {
          const t = s.threads[ti];
          const req = c.scenario.requests[t.l.seq];
          prev(c, s, ti, arg);
          if (swapped(s, ti)) ringOf(s, t.l.msg).framesPerBlock = req.blockNr !== 0 ? Math.floor(req.blockSize / req.frameSize) : 0;
        },
      },
    },
  },
  // Finding 4. Wrapping the second probe by frame_max + 1 is not enough (still
  // DUMP-PROGRESS in 43 steps): whichever frame is probed "half a ring ahead" can be
  // one the consumer holds as SKIP, and then poll never continues the dump while
  // the consumer sleeps. The rule the probe stands for is "at least half the ring is
  // unused" (the comment in netlink_poll). Count instead of probing, and leave the
  // frames the user holds out of the ring the dump competes for, since the
  // allocator passes them: continue while the frame the allocator would take (the
  // first non-SKIP one from the head) is UNUSED and at least half of the non-SKIP
  // frames are UNUSED. A sleeping consumer leaves every frame it does not hold
  // UNUSED, so the dump always continues then.
  {
    id: 'dump-space-counts',
    cites: 'removes README Finding 4: dump-full-ring DUMP-PROGRESS, 43 steps, linux-4.5 (netlink_dump_space probes one frame half a ring ahead, wrapped by frame_max)',
    removes: [{ scenario: 'dump-full-ring', property: 'DUMP-PROGRESS' }],
    wraps: {
      'poll.space1': {
        guard: (_c, s, ti) => lockFree(s.sock.rxqLock, ti),
        text: () => (_c, s, ti) => {
          const held = s.sock.rxqLock === ti;
          const pos = held ? s.threads[ti].l.scan : s.sock.rx.head;
          return `poll: dump running, dump_space: ${held ? '' : 'lock rx queue, '}count free frames: rx frame ${pos} is ${STATUS_NAMES[peek(s, ti, here(s, RX, pos), 'status')]}`;
        },
        run: () => dumpSpaceScan,
      },
    },
  },
  // Finding 5. netlink_overrun reports ENOBUFS only when CONGESTED goes from clear
  // to set, and only netlink_rcv_wake clears CONGESTED. A user that reads the error
  // before that (SO_ERROR on POLLERR) gets nothing for the drops that follow. Report
  // every drop: sk_err = ENOBUFS and sk_error_report on each overrun (CONGESTED
  // keeps its flow-control role). Every caller of netlink_overrun gets it: the RX
  // allocation, netlink_ring_set_copied and the admission of ordinary skbs.
  {
    id: 'overrun-reports-every-drop',
    cites: 'removes README Finding 5: skip-hold LOSS-REPORTED, 43 steps, and rx-basic LOSS-REPORTED, 40 steps, linux-4.5 (netlink_overrun sets sk_err only on the CONGESTED transition)',
    removes: [{ scenario: 'skip-hold', property: 'LOSS-REPORTED' }],
    wraps: {
      'alloc.check': {
        text: (prev) => (c, s, ti, arg) => prev(c, s, ti, arg).replace('overrun', 'overrun (sk_err = ENOBUFS)'),
        run: (prev) => (c, s, ti, arg) => {
          const drops = s.sock.drops;
          prev(c, s, ti, arg);
          reportDrops(s, drops);
        },
      },
      'send.copy-claim': {
        text: (prev) => (c, s, ti, arg) => prev(c, s, ti, arg).replace('overrun', 'overrun (sk_err = ENOBUFS)'),
        run: (prev) => (c, s, ti, arg) => {
          const drops = s.sock.drops;
          prev(c, s, ti, arg);
          reportDrops(s, drops);
        },
      },
    },
    continuations: {
      // netlink_attachskb / netlink_broadcast_deliver (kernel/deliver.ts), with the reporting overrun.
      'send.attach': (c, s, ti) => {
        const t = s.threads[ti];
        if (destinationGone(c, s, ti)) return;
        if (attachRefuses(c, s, ti)) {
          const drops = s.sock.drops;
          overrun(s, ti);
          reportDrops(s, drops);
          dropSkb(s, ti);
          return ret(t, -EAGAIN);
        }
        attachCharge(s, ti);
        takeLookupRef(c, s, ti);
        goto(t, 'send.skb');
      },
    },
  },
  // Finding 6 (design hazard D1). Ids are assigned after the frame is chosen, so
  // ring order and id order differ. The remedy the design itself offers: the
  // "ordered" mode, allocation and id assignment in one atomic section.
  {
    id: 'ordered-ids',
    cites: 'removes README Finding 6: rx-order ORDER-RING-IDS, 21 steps, and nfq-batch NFQ-VERDICT-AFTER-READ, 27 steps, linux-4.5 (D1: the frame is chosen before the id)',
    removes: [
      { scenario: 'rx-order', property: 'ORDER-RING-IDS' },
      { scenario: 'nfq-batch', property: 'NFQ-VERDICT-AFTER-READ' },
    ],
    knobs: { orderedIds: true },
  },
  // Finding 7 (found once Finding 1 was fixed). A ring skb freed undelivered
  // publishes its frame as VALID with nm_len 0 from netlink_skb_destructor, which
  // does not call sk_data_ready. A consumer whose poll scan passed that frame while
  // it was RESERVED sleeps with a VALID frame to release and no wakeup coming.
  // The destructor must wake readers as delivery does.
  {
    id: 'destructor-wakes',
    cites: 'removes copy-mixed POLL-NO-LOST-WAKEUP, 48 steps, linux-4.5 (--all-violations: behind Finding 1; netlink_skb_destructor publishes VALID without sk_data_ready)',
    removes: [{ scenario: 'copy-mixed', property: 'POLL-NO-LOST-WAKEUP' }],
    wraps: {
      'skb.free': {
        text: (prev) => (c, s, ti, arg) => `${prev(c, s, ti, arg)}, sk_data_ready`,
        run: (prev) => (c, s, ti, arg) => {
          prev(c, s, ti, arg);
          dataReady(s, ti);
        },
      },
    },
  },
  // Finding 8 (found once Finding 2 was fixed). Installing or removing an RX ring
  // purges the receive queue (__netlink_set_ring, __skb_queue_purge) without
  // counting a drop or raising an error: messages queued while the socket had no
  // ring are lost silently. Count them in sk_drops and report ENOBUFS, as an overrun
  // would (without CONGESTED: nothing is overrun, the queue is empty afterwards).
  {
    id: 'purge-reported',
    cites: 'removes setup-teardown LOSS-REPORTED, 12 steps, linux-4.5 (--all-violations: behind Finding 2; __netlink_set_ring purges the receive queue silently)',
    removes: [{ scenario: 'setup-teardown', property: 'LOSS-REPORTED' }],
    wraps: {
      'so.swap': {
        text: (prev) => (c, s, ti, arg) => prev(c, s, ti, arg).replace(/purge (\d+) queued message\(s\)/, 'purge $1 queued message(s), drops += $1, sk_err = ENOBUFS'),
        run: (prev) => (c, s, ti, arg) => {
          const k = s.sock;
          const purged = s.threads[ti].l.msg === RX && !k.released ? k.rcvq.length : 0;
          prev(c, s, ti, arg);
          if (purged === 0 || !swapped(s, ti)) return;
          k.drops += purged;
          if (!k.noEnobufs) {
            k.skErr = ENOBUFS;
            k.wake = true;
          }
        },
      },
    },
  },
  // Finding 9 (found once Finding 4 was fixed). The kernel passes SKIP frames; the
  // user cannot see the kernel head. If a held frame is released after the kernel
  // passed it in the current turn of the ring, it is refilled only a turn later,
  // but the reader's cursor stops at it first: it reads the later message before
  // the earlier ones (dump parts after NLMSG_DONE). Nothing the kernel writes can
  // mark a frame the user owns as passed, so the rule is the user's: hold a frame
  // until the cursor comes back to it, and pass it (and release it) only once the
  // next frame the user does not hold has been taken again in this turn, which
  // proves the kernel went past the held one. Until then, poll.
  {
    id: 'hold-until-passed',
    cites:
      'removes dump-full-ring DUMP-ORDER, 105 steps, linux-4.5 with Finding 4 fixed (behind Finding 4: a held frame released behind the kernel head is refilled a turn late); ' +
      'with forward-to-free in place that instance is gone, and the reference without this rule fails dump-abandon DUMP-ORDER, 59 steps',
    removes: [{ scenario: 'dump-abandon', property: 'DUMP-ORDER' }],
    wraps: {
      'c.look': {
        // No asynchronous release of held frames: they are released as the cursor passes them.
        choices: (prev) => (c, s, ti) => prev(c, s, ti).filter((a) => a === LOOK || a >= VERDICT),
        text: (prev) => (c, s, ti, arg) =>
          arg === LOOK && atOwnSkip(c, s, ti) ? `rx frame ${s.threads[ti].l.cursor} is SKIP, held here: has the kernel passed it?` : prev(c, s, ti, arg),
        run: (prev) => (c, s, ti, arg) => {
          if (arg !== LOOK || !atOwnSkip(c, s, ti)) return prev(c, s, ti, arg);
          load(s, ti, userRx(s, s.threads[ti].l.cursor), 'status'); // the step's one read, as in the original
          goto(s.threads[ti], 'ref.c.passed');
        },
      },
    },
    steps: {
      'ref.c.passed': {
        who: 'user',
        cites: 'reference rule for SKIP holding: at its own held frame, the reader looks at the next frame it does not hold; taken again in this turn means the kernel has passed the held one',
        text: (c, s, ti) => {
          const y = nextUnheld(c, s, ti, s.threads[ti].l.cursor);
          const st = peek(s, ti, userRx(s, y), 'status');
          return `rx frame ${y} is ${STATUS_NAMES[st]}: ${takenAgain(st) ? `the kernel has passed held rx frame ${s.threads[ti].l.cursor}` : 'not yet, poll'}`;
        },
        run: (c, s, ti) => {
          const t = s.threads[ti];
          const st = load(s, ti, userRx(s, nextUnheld(c, s, ti, t.l.cursor)), 'status');
          if (takenAgain(st)) return goto(t, 'ref.c.unhold');
          call(t, 'poll.enter', 'c.polled');
        },
      },
      'ref.c.unhold': {
        who: 'user',
        cites: 'reference rule for SKIP holding: release the held frame the kernel has passed (SKIP -> UNUSED) and advance past it',
        text: (_c, s, ti) => `release held rx frame ${s.threads[ti].l.cursor} (SKIP -> UNUSED), advance`,
        run: (c, s, ti) => {
          const t = s.threads[ti];
          // Handing the frame back: a release store in ordered userspace, as every release of the consumer's.
          beforeStatusStore(c, s, ti);
          store(s, { thread: ti, kernel: false, conforming: true }, userRx(s, t.l.cursor), { status: UNUSED });
          t.l.held.removeAt(heldIndex(s, ti, t.l.cursor));
          t.l.cursor = nextIndex(t.l.cursor, userRxFrames(c));
          goto(t, 'c.look');
        },
      },
    },
  },
  // Finding 11. __netlink_sendskb decides on the COPY path from netlink_rx_is_mmaped,
  // read without any lock; netlink_ring_set_copied then takes the queue lock and indexes
  // rx_ring.pg_vec without checking it is still there. A setsockopt that destroyed the
  // (unmapped) RX ring in between leaves pg_vec NULL: the kernel dereferences NULL.
  // Check again under the queue lock, the lock __netlink_set_ring swaps pg_vec under, and
  // queue the skb as an ordinary message when the ring has gone, as __netlink_sendskb
  // would have done had it looked a moment later.
  {
    id: 'copy-rechecks-ring',
    cites: 'removes copy-teardown ACCT-NO-FREE-IN-USE, 6 steps, linux-4.5 (netlink_ring_set_copied indexes rx_ring.pg_vec, NULL once setsockopt destroyed the ring after __netlink_sendskb routed the skb)',
    removes: [{ scenario: 'copy-teardown', property: 'ACCT-NO-FREE-IN-USE' }],
    wraps: {
      'send.copy-claim': {
        text: (prev) => (c, s, ti, arg) =>
          s.sock.rx.gen === 0 ? 'set_copied: under the queue lock the RX ring is gone: queue the skb as an ordinary message, unlock, data_ready' : prev(c, s, ti, arg),
        run: (prev) => (c, s, ti, arg) => {
          if (s.sock.rx.gen !== 0) return prev(c, s, ti, arg);
          const t = s.threads[ti];
          s.sock.rcvq.push({ msg: t.l.skbMsg, seq: t.l.skbSeq, frame: -1 });
          // The queue lock is this thread's (copy-passes-skip's lock step took it) or free (the
          // base claim's guard): either way it is free after the claim.
          s.sock.rxqLock = -1;
          const len = t.l.skbLen;
          endDelivery(c, s, ti);
          dataReady(s, ti);
          ret(t, len);
        },
      },
    },
  },
  // Finding 12. netlink_release frees the port id (netlink_remove) while a converted
  // subsystem may still hold a ring skb built for the socket, and another socket may bind
  // the port id before that subsystem calls netlink_unicast. Its lookup then finds the
  // other socket, and __netlink_sendskb publishes the message in the frame it was built
  // in: the released socket's ring, which nobody reads any more. The sender is told the
  // message was delivered and the other socket is woken for nothing. A ring skb can only
  // be delivered to the socket whose ring holds it: when the lookup finds another, free
  // it undelivered (its destructor publishes nm_len 0 in its own ring) and tell the sender
  // the port's socket is gone, -ECONNREFUSED, as when no socket has the port id.
  {
    id: 'ring-skb-own-socket',
    cites: 'removes rebind DELIVER-PORT-OWNER, 10 steps, linux-4.5 (netlink_unicast delivers a ring skb built for a released socket to the socket that bound its port id since)',
    removes: [{ scenario: 'rebind', property: 'DELIVER-PORT-OWNER' }],
    wraps: {
      'send.publish-other': {
        text: () => () => "netlink_unicast: the port id belongs to another socket, but the skb lies in this socket's ring: free it undelivered, -ECONNREFUSED",
        run: () => (_c, s, ti) => {
          const t = s.threads[ti];
          t.l.ret = -ECONNREFUSED;
          goto(t, 'skb.free');
        },
      },
    },
  },
  // Finding 14. netlink_mmap_sendmsg consumes frames one at a time (each set UNUSED
  // before netlink_unicast) and adds each one's length to len; an error on a later
  // frame (nm_len > maxlen, alloc_skb failing, the unicast refused) jumps to out: and
  // returns the error, dropping len. The user, told nothing was sent, cannot tell
  // which of its messages went out (the consumed frames look like never-used ones)
  // and resends or loses them. At out:, the byte count wins, as for a short write:
  // if (len > 0) err = len. The frame that failed is left as the error left it
  // (VALID after EINVAL or ENOBUFS), for the next call to meet again.
  {
    id: 'sendmsg-counts',
    cites: 'removes tx-batch RET-TX-SENDMSG, 14 steps, linux-4.5 (netlink_mmap_sendmsg jumps to out: on alloc_skb failure after a frame was sent and returns -ENOBUFS, dropping len)',
    removes: [{ scenario: 'tx-batch', property: 'RET-TX-SENDMSG' }],
    wraps: Object.fromEntries(
      ['tx.len', 'tx.alloc', 'tx.copy', 'rcv.validate'].map((label): [string, Wrap] => [
        label,
        {
          text: (prev) => (c, s, ti, arg) => {
            const text = prev(c, s, ti, arg);
            const total = s.threads[ti].l.txTotal;
            return total > 0 && /-E[A-Z]+/.test(text) ? `${text}; len ${total} > 0: return ${total}, not the error` : text;
          },
          run: (prev) => (c, s, ti, arg) => {
            const total = s.threads[ti].l.txTotal;
            prev(c, s, ti, arg);
            if (total > 0 && s.ghost.note === 'sendmsg-return' && s.ghost.noteThread === ti && s.ghost.noteValue < 0) {
              // Kept past the return (the call's locals are otherwise cleared): the call is a short
              // count, cut by this error, which TX-PROGRESS does not take for a completed submission.
              s.threads[ti].l.txErr = s.ghost.noteValue;
              s.ghost.noteValue = total;
              s.threads[ti].l.ret = total;
            }
          },
        },
      ]),
    ),
  },
  // Finding 13. A reader polls when the frame at its own position is not VALID or COPY, and
  // takes POLLIN as "there is something there now". Two of 4.5's rules break that. (1)
  // datagram_poll reports POLLIN for a non-empty receive queue, read without the queue lock,
  // while netlink_ring_set_copied has queued the skb but not yet marked its frame COPY (even
  // with copy-status-under-lock: poll does not take the lock). (2) netlink_has_valid_frame
  // reports POLLIN for a VALID frame anywhere in the ring, while the reader's position is on
  // an older frame still RESERVED (frames are published out of order). Either way the reader
  // finds nothing, polls again, is told POLLIN again, and spins. The rule poll needs is the
  // reader's: under the queue lock, POLLIN iff the oldest frame in use, the first from the
  // kernel head onwards that is neither UNUSED nor SKIP, is VALID or COPY. On a ring socket
  // every queued skb has a COPY frame (copy-rechecks-ring queues an ordinary one only once the
  // ring is gone), so the queue alone no longer makes POLLIN there.
  {
    id: 'poll-oldest-frame',
    cites: 'removes poll POLL-IN-AT-CURSOR, 6 steps, linux-4.5 (datagram_poll: POLLIN for a queued COPY skb whose frame is not yet marked COPY; netlink_has_valid_frame: any VALID frame, not the one the reader looks at)',
    removes: [
      { scenario: 'poll', property: 'POLL-IN-AT-CURSOR' },
      { scenario: 'copy-mixed', property: 'POLL-IN-AT-CURSOR' },
      { scenario: 'dump-autosize', property: 'POLL-IN-AT-CURSOR' },
    ],
    wraps: {
      'poll.datagram': {
        text: (prev) => (c, s, ti, arg) =>
          s.sock.rx.gen === 0 ? prev(c, s, ti, arg) : `poll: datagram_poll: ${s.sock.rx.gen !== 0 && s.sock.skErr !== 0 ? 'sk_err set, ' : ''}the queue is not looked at (a ring socket: the oldest frame in use decides)`,
        run: (prev) => (c, s, ti, arg) => {
          if (s.sock.rx.gen === 0) return prev(c, s, ti, arg);
          const t = s.threads[ti];
          if (s.sock.skErr !== 0) t.l.mask |= POLLERR;
          t.l.mask |= POLLOUT; // datagram_poll's sock_writeable, as in the base step
          goto(t, 'poll.scan');
        },
      },
      'poll.scan': {
        text: () => (_c, s, ti) => {
          const k = s.sock;
          const mine = k.rxqLock === ti;
          const pos = mine ? s.threads[ti].l.scan : k.rx.head;
          const st = peek(s, ti, here(s, RX, pos), 'status');
          const lock = mine ? '' : 'lock rx queue, ';
          if (st === VALID || st === COPY) return `poll: ${lock}rx frame ${pos} is ${STATUS_NAMES[st]}, the oldest in use: POLLIN, unlock`;
          if (st !== UNUSED && st !== SKIP) return `poll: ${lock}rx frame ${pos} is ${STATUS_NAMES[st]}, the oldest in use: no POLLIN, unlock`;
          const last = nextIndex(pos, k.rx.frameNr) === k.rx.head;
          return `poll: ${lock}rx frame ${pos} is ${STATUS_NAMES[st]}${last ? ': no frame in use, unlock' : ', not in use'}`;
        },
        run: () => (_c, s, ti) => {
          const t = s.threads[ti];
          const k = s.sock;
          if (k.rxqLock !== ti) {
            k.rxqLock = ti;
            t.l.scan = k.rx.head; // the head cannot move while the queue lock is held
          }
          const st = load(s, ti, here(s, RX, t.l.scan), 'status');
          const next = nextIndex(t.l.scan, k.rx.frameNr);
          if ((st === UNUSED || st === SKIP) && next !== k.rx.head) {
            t.l.scan = next;
            return;
          }
          if (st === VALID || st === COPY) t.l.mask |= POLLIN;
          k.rxqLock = -1;
          pollToTx(s, ti);
        },
      },
    },
  },
  // Found once Finding 13 was fixed (copy-hold, dump-abandon, skip-hold POLL-IN-AT-CURSOR: the reader
  // is told POLLIN for the next frame while it waits at a frame it has just released).
  // netlink_forward_ring moves the head past SKIP frames as it reads them and stops at the first
  // other frame, also when that one is in use (the ring is full and nothing is taken). So the head
  // can pass a held frame once more, in a turn in which it takes nothing after it, while the reader
  // still has the evidence of the earlier pass (hold-until-passed: the next frame it does not hold
  // was taken again): the reader releases the frame, which is then refilled after the next one, a
  // turn late; back at it, the reader waits there while the next message lies in the following
  // frame (Finding 9's hazard, through another door). The same happens when the forward reads a
  // held frame as SKIP, the reader releases it (on the earlier evidence) and consumes the next
  // frame, and the forward then finds that one UNUSED and passes the released frame.
  // The rule: pass SKIP frames only into a free frame, and only frames still SKIP once that free
  // frame is found. Read on from the head without moving it (one frame per step, under the queue
  // lock as before); at a frame in use, leave the head (ring full); at an UNUSED frame past SKIP
  // ones, read the SKIP frames again from the head and move the head to the first that is no
  // longer SKIP (released meanwhile), or to the UNUSED frame. A reader cannot release a held frame
  // between that second read and the take (its evidence, the next frame taken again, is not there
  // yet), so every pass of a held frame is followed, in the same critical section, by a take of
  // the frame after it, which is what the reader's rule relies on.
  {
    id: 'forward-to-free',
    cites: 'removes copy-hold POLL-IN-AT-CURSOR, 49 steps, linux-4.5 with Finding 13 fixed (behind it: netlink_forward_ring passes a held SKIP frame while the ring is full, or passes one released meanwhile; the reader waits at it a turn early)',
    removes: [
      { scenario: 'copy-hold', property: 'POLL-IN-AT-CURSOR' },
      { scenario: 'dump-abandon', property: 'POLL-IN-AT-CURSOR' },
    ],
    wraps: {
      'fwd.step': {
        text: () => (_c, s, ti) => {
          const t = s.threads[ti];
          const k = s.sock;
          const pos = t.l.fwdPos === -1 ? k.rx.head : t.l.fwdPos;
          const st = peek(s, ti, here(s, RX, pos), 'status');
          const name = STATUS_NAMES[st];
          if (t.l.fwdStart >= 16) {
            const free = (t.l.fwdStart >> 4) - 1;
            if (st !== SKIP) return `forward_ring: again, rx frame ${pos} is ${name} now (released): head = ${pos}, stop`;
            return nextIndex(pos, k.rx.frameNr) === free ? `forward_ring: again, rx frame ${pos} is SKIP: head = ${free}, stop` : `forward_ring: again, rx frame ${pos} is SKIP`;
          }
          if (st === SKIP) return nextIndex(pos, k.rx.frameNr) === k.rx.head ? `forward_ring: rx frame ${pos} is SKIP, every frame is: head stays, stop` : `forward_ring: rx frame ${pos} is SKIP, read on`;
          if (st !== UNUSED) return `forward_ring: rx frame ${pos} is ${name}${pos !== k.rx.head ? ': ring full, head stays' : ''}, stop`;
          return pos === k.rx.head ? `forward_ring: rx frame ${pos} is UNUSED, stop` : `forward_ring: rx frame ${pos} is UNUSED: read the SKIP frames before it again`;
        },
        run: () => (_c, s, ti) => {
          const t = s.threads[ti];
          const k = s.sock;
          const done = (): void => {
            t.l.fwdPos = -1;
            t.l.fwdStart = 0;
            note(s, ti, 'forward-done');
            ret(t, 0);
          };
          if (t.l.fwdPos === -1) t.l.fwdPos = k.rx.head;
          const pos = t.l.fwdPos;
          const st = load(s, ti, here(s, RX, pos), 'status');
          t.l.fwdSeen |= 1 << pos;
          // Second pass: fwdStart holds 16 * (the free frame + 1), so that the free frame survives the pass.
          if (t.l.fwdStart >= 16) {
            const free = (t.l.fwdStart >> 4) - 1;
            if (st !== SKIP) {
              k.rx.head = pos;
              if (pos !== t.l.fwdStart % 16) note(s, ti, 'forward-skip');
              return done();
            }
            t.l.fwdPos = nextIndex(pos, k.rx.frameNr);
            if (t.l.fwdPos !== free) return;
            k.rx.head = free;
            done();
            note(s, ti, 'forward-skip'); // the head passed SKIP frames (W-SKIP-PASSED)
            return;
          }
          if (st === SKIP) {
            t.l.fwdPos = nextIndex(pos, k.rx.frameNr);
            if (t.l.fwdPos === k.rx.head) done(); // a whole turn of SKIP frames: the head stays
            return;
          }
          if (st !== UNUSED || pos === k.rx.head) return done(); // in use (ring full) or free at the head: the head stays
          t.l.fwdStart = 16 * (pos + 1) + k.rx.head;
          t.l.fwdPos = k.rx.head;
        },
      },
    },
  },
  // Finding 15 (memory ordering, README "Memory ordering"). netlink_get_status issues smp_rmb()
  // before the status load, which orders it after earlier loads but leaves the loads of nm_len
  // and the message that follow it free to be satisfied first on a weakly ordered CPU. A
  // sendmsg on one CPU that finds a frame VALID can use an nm_len and message from before the
  // thread that filled it (on another CPU, with a write barrier before VALID) published it.
  // The status must be loaded with acquire semantics (smp_load_acquire, or smp_rmb() after the load).
  {
    id: 'status-load-acquire',
    cites: 'removes tx-publish+weak PUBLISH-TX, 19 steps, linux-4.5 (netlink_get_status: smp_rmb() before the status load, none after it; netlink_mmap_sendmsg reads nm_len and copies the message right after)',
    removes: [{ scenario: 'tx-publish+weak', property: 'PUBLISH-TX' }],
    knobs: { statusLoad: 'acquire' },
  },
];

const ID = 'reference';

/**
 * linux-4.5 with every fix except those named in `omit`: its id is `reference`,
 * or `reference-without-<ids>`.
 */
export function referenceWithout(omit: readonly string[] = []): Variant {
  for (const id of omit) if (!FIXES.some((f) => f.id === id)) throw new Error(`no fix '${id}' (fixes: ${FIXES.map((f) => f.id).join(', ')})`);
  const fixes = FIXES.filter((f) => !omit.includes(f.id));
  const overrides: Record<string, StepOverride> = {};
  const labels = [...new Set(fixes.flatMap((f) => Object.keys(f.wraps ?? {})))];
  for (const label of labels) {
    const orig = base(label);
    let text: Text = (c, s, ti, arg) => orig().text(c, s, ti, arg);
    let run: Run = (c, s, ti, arg) => orig().run(c, s, ti, arg);
    let choices: Choices | undefined;
    let guard: StepDef['guard'];
    const cites: string[] = [];
    for (const f of fixes) {
      const w = f.wraps?.[label];
      if (!w) continue;
      cites.push(`${f.id}: ${f.cites}`);
      if (w.guard) {
        if (guard) throw new Error(`two fixes replace the guard of ${label}`);
        guard = w.guard;
      }
      if (w.text) text = w.text(text);
      if (w.run) run = w.run(run);
      if (w.choices) {
        const prev: Choices = choices ?? ((c, s, ti) => orig().choices?.(c, s, ti) ?? [0]);
        choices = w.choices(prev);
      }
    }
    overrides[label] = { cites: cites.join('; '), text, run, ...(guard ? { guard } : {}), ...(choices ? { choices } : {}) };
  }
  for (const f of fixes) {
    for (const [label, fn] of Object.entries(f.continuations ?? {})) {
      if (overrides[label]) throw new Error(`two fixes replace ${label}`);
      overrides[label] = { cites: `${f.id}: ${f.cites}`, run: fn as Run };
    }
  }
  const knobs = Object.assign({}, ...fixes.map((f) => f.knobs ?? {})) as Partial<Knobs>;
  const steps = Object.assign({}, ...fixes.map((f) => f.steps ?? {})) as Record<string, StepDef>;
  const id = omit.length === 0 ? ID : `${ID}-without-${omit.join('-and-')}`;
  return defineVariant({
    base: linux45,
    id,
    description:
      omit.length === 0
        ? 'linux-4.5 as it should have been: one fix per finding (README Findings), passes every property in every scenario'
        : `the reference design without ${omit.join(', ')}`,
    cites: `linux-4.5 plus ${fixes.map((f) => f.id).join(', ')} (src/model/variants/reference.ts)`,
    knobs,
    overrides,
    ...(Object.keys(steps).length > 0 ? { steps } : {}),
  });
}

export const reference = referenceWithout();
