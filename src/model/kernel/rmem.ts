/**
 * Receive-memory accounting of the ring socket: sk_rmem_alloc against sk_rcvbuf
 * (af_netlink.c, 3.10 and 4.5).
 *
 * netlink_skb_set_owner_r charges skb->truesize to sk_rmem_alloc; the skb's
 * destructor (netlink_skb_destructor -> sock_rfree) gives it back when the skb is
 * freed. Three readers compare it with sk_rcvbuf:
 * - netlink_attachskb (netlink_unicast) refuses an ordinary skb while
 *   sk_rmem_alloc > sk_rcvbuf, as it does while CONGESTED; netlink_broadcast_deliver
 *   admits one only while sk_rmem_alloc <= sk_rcvbuf. Ring skbs are exempt from both.
 * - netlink_recvmsg continues a running dump only if sk_rmem_alloc <= sk_rcvbuf / 2.
 * - netlink_dump gives up (-ENOBUFS) when sk_rmem_alloc >= sk_rcvbuf, but only on a
 *   socket without an RX ring (!netlink_rx_is_mmaped).
 *
 * The unit (Sock.rmem): charged ordinary skbs, each counted at one truesize. Every
 * ordinary skb in the model carries one message of the scenario's msgLen bytes, so
 * they all have the same truesize, and a count keeps the state small: it is a
 * function of the receive queue and of the threads between netlink_attachskb and
 * the queueing, so it adds no state to a scenario whose rcvbuf nobody reaches.
 * Charged: netlink_attachskb / netlink_broadcast_deliver (kernel/deliver.ts
 * send.attach) and netlink_dump for an ordinary skb (kernel/dump.ts). Given back:
 * skb_free_datagram in netlink_recvmsg, the kfree_skb of netlink_ring_set_copied's
 * drop, and the purges of the receive queue (ring swap, socket destruction).
 *
 * Left out: a ring skb's charge. netlink_dump charges its ring skb too, but such an
 * skb is head-only (truesize = sizeof(struct sk_buff), a fraction of an ordinary
 * skb's) and is freed, uncharged, when netlink_queue_mmaped_skb publishes it; a
 * count of ordinary skbs cannot express it.
 */
import { UsageError } from '../../errors.js';
import type { State } from '../state.js';
import type { Ctx } from '../step.js';

/** sk_rcvbuf when the scenario does not set one: net.core.rmem_default (sysctl_rmem_default = SK_RMEM_MAX, 212992 on 64-bit). */
export const RCVBUF_DEFAULT = 212992;

/**
 * skb->truesize of an ordinary skb carrying one `len`-byte message, on x86-64:
 * SKB_TRUESIZE(SKB_DATA_ALIGN(len)) = data + SKB_DATA_ALIGN(sizeof(struct sk_buff))
 * (256) + SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) (320). A subsystem's
 * nlmsg_new(NLMSG_DEFAULT_SIZE) skb starts larger; netlink_trim (netlink_unicast,
 * netlink_broadcast) cuts it down by its unused tailroom, to about this.
 */
export function skbTruesize(len: number): number {
  return ((len + 63) & ~63) + 256 + 320;
}

/** The socket's sk_rcvbuf in bytes (ScenarioConfig.rcvbuf). */
export function rcvbufOf(c: Ctx): number {
  const v = c.scenario.rcvbuf ?? RCVBUF_DEFAULT;
  if (!Number.isInteger(v) || v <= 0) throw new UsageError(`rcvbuf must be a positive integer, not ${String(v)}`);
  return v;
}

/** atomic_read(&sk->sk_rmem_alloc), in bytes. */
export function rmemBytes(c: Ctx, s: State): number {
  return s.sock.rmem * skbTruesize(c.scenario.msgLen);
}

/** netlink_attachskb: sk_rmem_alloc > sk_rcvbuf (an ordinary skb waits or gets -EAGAIN); netlink_broadcast_deliver's complement. */
export function overRcvbuf(c: Ctx, s: State): boolean {
  return rmemBytes(c, s) > rcvbufOf(c);
}

/** netlink_recvmsg: a running dump is continued only if sk_rmem_alloc <= sk_rcvbuf / 2 (C int division). */
export function dumpMayContinue(c: Ctx, s: State): boolean {
  return rmemBytes(c, s) <= Math.trunc(rcvbufOf(c) / 2);
}

/** netlink_dump: !netlink_rx_is_mmaped(sk) && sk_rmem_alloc >= sk_rcvbuf: -ENOBUFS before allocating. */
export function dumpRefusedNoRing(c: Ctx, s: State): boolean {
  return s.sock.rx.gen === 0 && rmemBytes(c, s) >= rcvbufOf(c);
}

/** netlink_skb_set_owner_r: charge one ordinary skb. */
export function chargeSkb(s: State): void {
  s.sock.rmem++;
}

/** sock_rfree (netlink_skb_destructor) for `n` ordinary skbs freed. */
export function unchargeSkbs(s: State, n: number): void {
  s.sock.rmem -= n;
}
