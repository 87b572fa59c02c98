/**
 * Delivery to the ring socket: netlink_attachskb / netlink_broadcast_deliver
 * admission, __netlink_sendskb with netlink_queue_mmaped_skb (R2),
 * netlink_ring_set_copied (R4, R4'), the plain receive queue, and the skb
 * destructor for undelivered ring skbs (R3). protocol.md §4.3, §4.4, §4.6.
 *
 * Subroutine `send.attach`: the thread's skb (SKB_RX or SKB_PLAIN, with l.skbLen,
 * l.skbMsg / l.skbSeq for plain skbs, l.msg the tag) is handed over; on return
 * the thread holds no skb. ret = length, or -EAGAIN when a congested receiver
 * refused an ordinary skb.
 */
import { COPY, EAGAIN, HDRLEN, RX, STATUS_NAMES, UNUSED, VALID } from '../constants.js';
import { here, load, store } from '../mem.js';
import { SKB_PLAIN, SKB_RX } from '../state.js';
import type { State } from '../state.js';
import { defineSteps, goto, lockFree, ret } from '../step.js';
import { dataReady, dropSkb, nextIndex, note, overrun, sockPut } from './sock.js';

const KERNEL = (ti: number) => ({ thread: ti, kernel: true, conforming: true });

/** The skb's own frame, at the generation it was allocated in. */
function skbFrame(s: State, ti: number) {
  const l = s.threads[ti].l;
  return { ring: RX, gen: l.skbGen, frame: l.skbFrame };
}


defineSteps({
  'send.attach': {
    who: 'kernel',
    cites: 'af_netlink.c netlink_attachskb / netlink_broadcast_deliver: ordinary skbs refused while NETLINK_S_CONGESTED (ring skbs exempt)',
    text: (_c, s, ti) => {
      const l = s.threads[ti].l;
      if (l.skb === SKB_PLAIN && s.sock.congested) return 'attach: receiver congested, kernel sender: overrun, drop (-EAGAIN)';
      return 'attach: admitted';
    },
    run: (_c, s, ti) => {
      const t = s.threads[ti];
      if (t.l.skb === SKB_PLAIN && s.sock.congested) {
        overrun(s);
        dropSkb(s, ti);
        return ret(t, -EAGAIN);
      }
      goto(t, 'send.skb');
    },
  },
  'send.skb': {
    who: 'kernel',
    cites: 'af_netlink.c __netlink_sendskb: ring skb -> netlink_queue_mmaped_skb; RX ring -> netlink_ring_set_copied; else queue',
    guard: (_c, s, ti) => s.threads[ti].l.skb === SKB_RX || lockFree(s.sock.rxqLock, ti),
    text: (_c, s, ti) => {
      const l = s.threads[ti].l;
      const k = s.sock;
      if (l.skb === SKB_RX) return `sendskb: rx frame ${l.skbFrame}: nm_len ${l.skbLen}, credentials, VALID; kfree_skb: pending--; data_ready`;
      if (k.rx.gen === 0) return 'sendskb: no rx ring: append to receive queue, data_ready';
      const st = load(s, here(s, RX, k.rx.head), 'status');
      return st === UNUSED
        ? `set_copied: lock rx queue, claim rx frame ${k.rx.head} (head++), queue the skb, unlock`
        : `set_copied: lock rx queue, rx frame ${k.rx.head} is ${STATUS_NAMES[st]}: unlock, drop, overrun`;
    },
    run: (_c, s, ti) => {
      const t = s.threads[ti];
      const k = s.sock;
      if (t.l.skb === SKB_RX) return publish(s, ti);
      if (k.rx.gen === 0) {
        k.rcvq.push({ msg: t.l.skbMsg, seq: t.l.skbSeq, frame: -1 });
        dropSkb(s, ti);
        dataReady(s);
        return ret(t, t.l.skbLen);
      }
      // netlink_ring_set_copied: the frame is claimed under the queue lock, its header written after unlock.
      const ref = here(s, RX, k.rx.head);
      const st = load(s, ref, 'status');
      if (st !== UNUSED) {
        note(s, ti, 'copy-full');
        overrun(s);
        dropSkb(s, ti);
        dataReady(s);
        return ret(t, t.l.skbLen); // the sender is told it succeeded (protocol.md §4.3 step 6)
      }
      k.rx.head = nextIndex(k.rx.head, k.rx.frameNr);
      k.rcvq.push({ msg: t.l.skbMsg, seq: t.l.skbSeq, frame: ref.frame });
      t.l.skbGen = ref.gen;
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
      const spec = c.threads[ti];
      const group = spec.program === 'producer' && spec.params.path === 'mcast' ? 1 : 0;
      // Consecutive stores to one frame by one thread: one step under sequential consistency.
      store(s, KERNEL(ti), skbFrame(s, ti), { len: t.l.skbLen, group, off: HDRLEN, status: COPY });
      const len = t.l.skbLen;
      dropSkb(s, ti); // the skb now belongs to the receive queue
      dataReady(s);
      ret(t, len);
    },
  },
  'skb.free': {
    who: 'kernel',
    cites: 'af_netlink.c netlink_skb_destructor (RX): an undelivered ring skb publishes nm_len 0, VALID (R3); pending--, sock_put',
    text: (_c, s, ti) => `kfree_skb undelivered: destructor writes rx frame ${s.threads[ti].l.skbFrame} nm_len 0, VALID; pending--, sock_put`,
    run: (_c, s, ti) => {
      const t = s.threads[ti];
      store(s, KERNEL(ti), skbFrame(s, ti), { len: 0, status: VALID });
      dropSkb(s, ti);
      s.sock.rx.pending--;
      sockPut(s);
      dataReady(s);
      ret(t, 0);
    },
  },
});

/**
 * netlink_queue_mmaped_skb then kfree_skb: header fields and VALID (consecutive
 * stores to the skb's own frame, one step under sequential consistency), the
 * destructor (pending--, sock_put) and sk_data_ready.
 */
function publish(s: State, ti: number): void {
  const t = s.threads[ti];
  store(s, KERNEL(ti), skbFrame(s, ti), { len: t.l.skbLen, group: 0, status: VALID });
  t.l.skbDelivered = true;
  const len = t.l.skbLen;
  dropSkb(s, ti);
  s.sock.rx.pending--;
  sockPut(s);
  dataReady(s);
  ret(t, len);
}
