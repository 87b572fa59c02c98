/**
 * Delivery to the ring socket: the destination lookup of netlink_unicast /
 * netlink_broadcast, netlink_attachskb / netlink_broadcast_deliver admission, __netlink_sendskb with netlink_queue_mmaped_skb (R2),
 * netlink_ring_set_copied (R4, R4'), the plain receive queue, and the skb
 * destructor for undelivered ring skbs (R3). protocol.md §4.3, §4.4, §4.6.
 *
 * Subroutine `send.attach` (or `send.skb` for callers that skip admission, like
 * netlink_dump): the thread's skb (SKB_RX or SKB_PLAIN, with l.skbLen,
 * l.skbMsg / l.skbSeq for plain skbs) is handed over; on return the thread
 * holds no skb. ret = length, or -EAGAIN when a congested receiver refused an
 * ordinary skb.
 */
import { COPY, EAGAIN, ECONNREFUSED, ESRCH, HDRLEN, RX, STATUS_NAMES, UNUSED, VALID } from '../constants.js';
import { load, store, peek } from '../mem.js';
import { setStatus } from './status.js';
import { SKB_PLAIN, SKB_RX } from '../state.js';
import type { State } from '../state.js';
import type { Ctx } from '../step.js';
import { defineContinuations, defineSteps, goto, lockFree, ret } from '../step.js';
import { ringFullNow } from './alloc.js';
import { dataReady, dropSkb, nextIndex, note, overrun, sockPut } from './sock.js';
import { chargeSkb, overRcvbuf, unchargeSkbs } from './rmem.js';

const KERNEL = (ti: number) => ({ thread: ti, kernel: true, conforming: true });

/** The skb's own frame, at the generation it was allocated (or routed) in. */
function skbFrame(s: State, ti: number) {
  const l = s.threads[ti].l;
  return { ring: RX, gen: l.skbGen, frame: l.skbFrame };
}

/** The frame netlink_ring_set_copied claims: the head of the RX ring as it is under the queue lock. */
function copyHead(s: State) {
  return { ring: RX, gen: s.sock.rx.gen, frame: s.sock.rx.head };
}

/** Whether the skb queued for COPY frame `frame` with message `msg` is still on the receive queue (not yet dequeued or purged, so not freed). */
function queuedStill(s: State, msg: number, frame: number): boolean {
  const q = s.sock.rcvq;
  for (let i = 0; i < q.length; i++) {
    const e = q.at(i);
    if (e !== undefined && e.msg === msg && e.frame === frame) return true;
  }
  return false;
}

function mcastGroup(c: Ctx, ti: number): number {
  const spec = c.threads[ti];
  return spec.program === 'producer' && spec.params.path === 'mcast' ? 1 : 0;
}

/**
 * The destination lookup at delivery: netlink_unicast's netlink_getsockbyportid, or
 * netlink_broadcast's walk of the group's members. Once netlink_release has unhashed the
 * socket (and taken it off the group lists) neither finds it, whatever the sender's skb
 * still points at: a ring skb is freed, so its destructor publishes nm_len 0 (skb.free,
 * R3); an ordinary one is dropped. The sender is told -ECONNREFUSED (no such port) or
 * -ESRCH (a broadcast nobody received). Nothing is lost: nobody can read the socket any
 * more. A lookup that succeeded before the release holds a reference and delivers into
 * the released socket: that is the step after this one (send.publish, send.copy-claim).
 *
 * Once another socket has bound the port id (port.bind), netlink_unicast's lookup finds
 * that one instead, and delivers the skb to it whatever it was built for: an ordinary skb
 * goes on its receive queue (send.queue-other); a ring skb, whose data lies in this
 * socket's ring, is published there (send.publish-other). A broadcast is not affected: the
 * other socket has joined no group.
 * Returns whether the lookup did not find this socket (the thread has then been sent on).
 */
export function destinationGone(c: Ctx, s: State, ti: number): boolean {
  if (!s.sock.released) return false;
  const t = s.threads[ti];
  if (s.sock.otherBound && mcastGroup(c, ti) === 0) {
    goto(t, t.l.skb === SKB_RX ? 'send.publish-other' : 'send.queue-other');
    return true;
  }
  if (t.l.skb === SKB_RX) {
    t.l.ret = -ECONNREFUSED;
    goto(t, 'skb.free');
    return true;
  }
  dropSkb(s, ti);
  ret(t, mcastGroup(c, ti) !== 0 ? -ESRCH : -ECONNREFUSED);
  return true;
}

/**
 * netlink_unicast and netlink_broadcast hold the reference their lookup took (sock_hold)
 * until the delivery is over (sock_put after netlink_sendskb), so a socket whose last file
 * reference goes meanwhile is released but not destructed: its rings stay. A ring skb has
 * held its own reference since allocation (the lookup's is dropped within the publishing
 * step, so it is not counted); an ordinary skb from a producer holds only the lookup's. A
 * dump delivers to its own socket (netlink_dump) and takes none.
 */
function holdsLookupRef(c: Ctx, s: State, ti: number): boolean {
  return c.threads[ti].program === 'producer' && s.threads[ti].l.skb === SKB_PLAIN;
}

/** The lookup succeeded and the skb was admitted: the sender holds the socket until its delivery ends. */
export function takeLookupRef(c: Ctx, s: State, ti: number): void {
  if (holdsLookupRef(c, s, ti)) s.sock.sockRefs++;
}

/** The thread's delivery of an ordinary or COPY skb is over: the skb is handed on or freed, and the lookup's reference dropped. */
export function endDelivery(c: Ctx, s: State, ti: number): void {
  const put = holdsLookupRef(c, s, ti);
  dropSkb(s, ti);
  if (put) sockPut(s, ti);
}

/**
 * netlink_attachskb (3.10, 4.5): (sk_rmem_alloc > sk_rcvbuf || CONGESTED) && !mmaped
 * refuses the skb (MSG_DONTWAIT or a kernel sender: -EAGAIN, netlink_overrun);
 * netlink_broadcast_deliver admits only while sk_rmem_alloc <= sk_rcvbuf && !CONGESTED.
 * The model's senders do not block, so both refuse on the same test. The counter and
 * the bit are kernel-private, read in the order the code has them.
 */
export function attachRefuses(c: Ctx, s: State, ti: number): boolean {
  return s.threads[ti].l.skb === SKB_PLAIN && (overRcvbuf(c, s) || s.sock.congested);
}

/** netlink_attachskb / netlink_broadcast_deliver: netlink_skb_set_owner_r charges an admitted ordinary skb. */
export function attachCharge(s: State, ti: number): void {
  if (s.threads[ti].l.skb === SKB_PLAIN) chargeSkb(s);
}

/** What destinationGone will do, for the text of the step that hands the skb over ('' when the lookup succeeds). */
export function destinationGoneText(c: Ctx, s: State, ti: number): string {
  if (!s.sock.released) return '';
  if (mcastGroup(c, ti) !== 0) return '; netlink_broadcast: the socket left the group, nobody receives it: -ESRCH';
  if (s.sock.otherBound) return '; netlink_unicast: the port id now belongs to another socket: deliver to it';
  const skb = s.threads[ti].l.skb === SKB_RX ? 'free the ring skb' : 'drop the skb';
  return `; netlink_unicast: no socket has the port (released): ${skb}, -ECONNREFUSED`;
}

defineContinuations({
  // netlink_unicast / netlink_broadcast: the destination lookup (destinationGone), then
  // netlink_attachskb / netlink_broadcast_deliver: ordinary skbs are refused while
  // sk_rmem_alloc > sk_rcvbuf or NETLINK_S_CONGESTED (ring skbs are exempt); a kernel
  // sender gets -EAGAIN and an overrun is counted. An admitted ordinary skb is charged
  // (netlink_skb_set_owner_r). Kernel memory only, no lock: part of the step that reaches it.
  'send.attach': (c, s, ti) => {
    const t = s.threads[ti];
    if (destinationGone(c, s, ti)) return;
    if (attachRefuses(c, s, ti)) {
      overrun(s, ti);
      dropSkb(s, ti);
      return ret(t, -EAGAIN);
    }
    attachCharge(s, ti);
    takeLookupRef(c, s, ti);
    goto(t, 'send.skb');
  },
  // __netlink_sendskb: route on netlink_skb_is_mmaped / netlink_rx_is_mmaped, read
  // without any lock. netlink_ring_set_copied then takes the queue lock and reads
  // nlk->rx_ring again without checking that a ring is still there (protocol.md §4.3).
  'send.skb': (_c, s, ti) => routeSkb(s, ti),
});

/**
 * __netlink_sendskb's routing: a ring skb is published, an ordinary one is queued,
 * or (RX ring present) goes to netlink_ring_set_copied, which starts at `copy`
 * (a patch that changes how the COPY path begins passes its own label).
 */
export function routeSkb(s: State, ti: number, copy = 'send.copy-claim'): void {
  const t = s.threads[ti];
  if (t.l.skb === SKB_RX) return goto(t, 'send.publish');
  if (s.sock.rx.gen === 0) return goto(t, 'send.queue');
  // The ring the skb was routed to: a patch's copy path may check it is still the same.
  t.l.skbGen = s.sock.rx.gen;
  goto(t, copy);
}

/** The destructor of an undelivered ring skb after its status store: pending--, sock_put, and the caller's return value. */
function destructorTail(s: State, ti: number): void {
  const t = s.threads[ti];
  dropSkb(s, ti);
  s.sock.rx.pending--;
  sockPut(s, ti);
  // kfree_skb returns nothing: the caller returns what it had decided before freeing
  // (-ECONNREFUSED from a failed lookup, 0 for an abandoned construction).
  ret(t, t.l.ret);
}

/** After netlink_queue_mmaped_skb's status store: the skb is freed (pending--, sock_put), readers are woken, the sender told the length. */
function publishTail(s: State, ti: number): void {
  const t = s.threads[ti];
  const len = t.l.skbLen;
  dropSkb(s, ti);
  s.sock.rx.pending--;
  sockPut(s, ti);
  dataReady(s, ti);
  ret(t, len);
}

defineSteps({
  'send.publish': {
    who: 'kernel',
    cites: 'af_netlink.c netlink_queue_mmaped_skb: nm_len, nm_group, credentials, netlink_set_status(VALID); kfree_skb -> netlink_skb_destructor: pending--, sock_put; then sk_data_ready',
    text: (c, s, ti) => `sendskb: rx frame ${s.threads[ti].l.skbFrame}: nm_len ${s.threads[ti].l.skbLen}, credentials, VALID${c.layout.memory === 'sc' ? '; kfree_skb: pending--; data_ready' : ''}`,
    run: (c, s, ti) => {
      const t = s.threads[ti];
      // Consecutive stores to the skb's own frame: one step under sequential consistency.
      setStatus(c, s, ti, skbFrame(s, ti), VALID, -1, { len: t.l.skbLen, group: 0 });
      // Under tso and weak the stores may wait in the store buffer until sk_data_ready's smp_mb():
      // that barrier is a step of its own, so that other CPUs can look at the frame in between.
      if (c.layout.memory !== 'sc') return goto(t, 'send.publish-wake');
      publishTail(s, ti);
    },
  },
  'send.publish-wake': {
    who: 'kernel',
    cites: 'af_netlink.c netlink_queue_mmaped_skb: kfree_skb -> netlink_skb_destructor: pending--, sock_put; then sk_data_ready (its smp_mb() in wq_has_sleeper); a step of its own only under --memory tso or weak',
    text: () => 'sendskb: kfree_skb: pending--; data_ready',
    run: (_c, s, ti) => publishTail(s, ti),
  },
  'send.queue': {
    who: 'kernel',
    cites: 'af_netlink.c __netlink_sendskb: no RX ring: skb_queue_tail(sk_receive_queue) (takes the queue lock), sk_data_ready',
    guard: (_c, s, ti) => lockFree(s.sock.rxqLock, ti),
    text: () => 'sendskb: no rx ring: append to receive queue, data_ready',
    run: (c, s, ti) => {
      const t = s.threads[ti];
      s.sock.rcvq.push({ msg: t.l.skbMsg, seq: t.l.skbSeq, frame: -1 });
      const len = t.l.skbLen;
      endDelivery(c, s, ti);
      dataReady(s, ti);
      ret(t, len);
    },
  },
  'send.copy-claim': {
    who: 'kernel',
    cites: "af_netlink.c netlink_ring_set_copied: spin_lock_bh(sk_receive_queue.lock); netlink_current_frame(ring, UNUSED) (no SKIP forwarding); head++, queue the skb, unlock; or unlock, drop, netlink_overrun",
    guard: (_c, s, ti) => lockFree(s.sock.rxqLock, ti),
    text: (_c, s, ti) => {
      const k = s.sock;
      if (k.rx.gen === 0) return 'set_copied: lock rx queue; the RX ring was destroyed since routing: rx_ring.pg_vec is NULL: NULL dereference';
      const st = peek(s, ti, copyHead(s), 'status');
      return st === UNUSED
        ? `set_copied: lock rx queue, claim rx frame ${k.rx.head} (head++), queue the skb, unlock`
        : `set_copied: lock rx queue, rx frame ${k.rx.head} is ${STATUS_NAMES[st]}: unlock, drop, overrun`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      const k = s.sock;
      if (k.rx.gen === 0) {
        // __netlink_lookup_frame indexes rx_ring.pg_vec, which __netlink_set_ring has set
        // to NULL: the kernel oopses. Recorded as a use of ring memory that is not there
        // (ACCT-NO-FREE-IN-USE); the model ends the send here.
        s.ghost.usedFreed = true;
        const len = t.l.skbLen;
        unchargeSkbs(s, 1); // the send ends as if the skb were freed: its charge goes with it
        endDelivery(c, s, ti);
        return ret(t, len);
      }
      // The header is written after the unlock through the address computed here.
      t.l.skbGen = k.rx.gen;
      const ref = copyHead(s);
      const st = load(s, ti, ref, 'status');
      if (st !== UNUSED) {
        // Ghost: was the drop justified? (LOSS-FREE-FRAME; this path never passes SKIP frames.)
        t.l.fullSeen = ringFullNow(s);
        note(s, ti, 'copy-full');
        overrun(s, ti);
        unchargeSkbs(s, 1); // kfree_skb -> netlink_skb_destructor -> sock_rfree
        const len = t.l.skbLen;
        endDelivery(c, s, ti);
        dataReady(s, ti);
        return ret(t, len); // the sender is told it succeeded (protocol.md §4.3 step 6)
      }
      k.rx.head = nextIndex(k.rx.head, k.rx.frameNr);
      k.rcvq.push({ msg: t.l.skbMsg, seq: t.l.skbSeq, frame: ref.frame });
      // Ghost: the frame is this thread's until it marks it COPY.
      k.rx.frames[ref.frame].owner = ti;
      t.l.skbFrame = ref.frame;
      goto(t, 'send.copy-mark');
    },
  },
  'send.copy-mark': {
    who: 'kernel',
    cites: 'af_netlink.c netlink_ring_set_copied: after the unlock, nm_len, nm_group, credentials, then netlink_set_status(COPY); __netlink_sendskb: sk_data_ready',
    text: (_c, s, ti) => `set_copied: write header of rx frame ${s.threads[ti].l.skbFrame} (nm_len ${s.threads[ti].l.skbLen}), mark it COPY, data_ready`,
    run: (c, s, ti) => {
      const t = s.threads[ti];
      // hdr->nm_len = skb->len is read here, after the unlock: the skb is on the receive
      // queue by now, and a recvmsg or a ring swap's purge may already have taken it off
      // and freed it. Reading it then is a use of freed memory.
      if (!queuedStill(s, t.l.skbMsg, t.l.skbFrame)) s.ghost.usedFreed = true;
      // Consecutive stores to one frame by one thread: one step under sequential consistency.
      setStatus(c, s, ti, skbFrame(s, ti), COPY, -1, { len: t.l.skbLen, group: mcastGroup(c, ti), off: HDRLEN });
      const len = t.l.skbLen;
      endDelivery(c, s, ti); // the skb now belongs to the receive queue
      dataReady(s, ti);
      ret(t, len);
    },
  },
  'send.publish-other': {
    who: 'kernel',
    cites: 'af_netlink.c netlink_unicast (4.5): netlink_getsockbyportid finds the socket that bound the port id since; netlink_attachskb and __netlink_sendskb on it; netlink_skb_is_mmaped: netlink_queue_mmaped_skb writes the header and VALID into the frame the skb was allocated in (the released socket\'s ring); kfree_skb: pending--, sock_put; sk_data_ready of the other socket',
    text: (_c, s, ti) => `netlink_unicast: the port id belongs to another socket now: sendskb on it publishes rx frame ${s.threads[ti].l.skbFrame} of this socket's ring (nm_len ${s.threads[ti].l.skbLen}, VALID); kfree_skb: pending--; wake the other socket`,
    run: (c, s, ti) => {
      const t = s.threads[ti];
      setStatus(c, s, ti, skbFrame(s, ti), VALID, -1, { len: t.l.skbLen, group: 0 });
      const len = t.l.skbLen;
      // Evidence for DELIVER-PORT-OWNER: the receiver the lookup found is not the ring's socket.
      note(s, ti, 'publish-other');
      dropSkb(s, ti);
      s.sock.rx.pending--;
      sockPut(s, ti);
      ret(t, len);
    },
  },
  'send.queue-other': {
    who: 'kernel',
    cites: 'af_netlink.c netlink_unicast: netlink_getsockbyportid finds the socket that bound the port id since; netlink_attachskb, __netlink_sendskb: it has no RX ring, skb_queue_tail on its receive queue, sk_data_ready; sock_put',
    text: () => 'netlink_unicast: the port id belongs to another socket now: append to its receive queue, data_ready',
    run: (_c, s, ti) => {
      const t = s.threads[ti];
      s.sock.otherQueued++;
      const len = t.l.skbLen;
      // The lookup's reference was on the other socket: nothing of this one to put.
      dropSkb(s, ti);
      ret(t, len);
    },
  },
  'skb.free': {
    who: 'kernel',
    cites: 'af_netlink.c netlink_skb_destructor (RX): an undelivered ring skb (construction abandoned, or netlink_unicast found no socket) publishes nm_len 0, VALID (R3); pending--, sock_put (no sk_data_ready)',
    text: (c, s, ti) => `kfree_skb undelivered: destructor writes rx frame ${s.threads[ti].l.skbFrame} nm_len 0, VALID${c.layout.memory === 'sc' ? '; pending--, sock_put' : ''}`,
    run: (c, s, ti) => {
      setStatus(c, s, ti, skbFrame(s, ti), VALID, -1, { len: 0 });
      // Under tso and weak, sock_put's full barrier (atomic_dec_and_test) is a step of its own, as in send.publish.
      if (c.layout.memory !== 'sc') return goto(s.threads[ti], 'skb.free-put');
      destructorTail(s, ti);
    },
  },
  'skb.free-put': {
    who: 'kernel',
    cites: 'af_netlink.c netlink_skb_destructor (RX): after the status store, atomic_dec(pending) and sock_put (atomic_dec_and_test: a full barrier); a step of its own only under --memory tso or weak',
    text: () => 'kfree_skb undelivered: destructor: pending--, sock_put',
    run: (_c, s, ti) => destructorTail(s, ti),
  },
});
