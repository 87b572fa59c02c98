/**
 * Protocol versions as knobs, not copies (issue: "Parameterise the protocol
 * version with knobs"). Each knob names the kernel code it selects between.
 */
export interface Knobs {
  /**
   * netlink_forward_ring. `start-position` (3.10 … 4.4): the loop re-reads the
   * frame at the starting head while it advances ring->head, so SKIP frames are
   * never passed over (bug B9). `current-head` (4.5): reads the frame at the
   * current head each iteration.
   */
  readonly forwardRing: 'start-position' | 'current-head';
  /** __netlink_alloc_skb's size check before taking the queue lock (K31x, K413, K45; not K310). */
  readonly allocEarlySizeCheck: boolean;
  /**
   * netlink_poll RX readability. `prev-frame` (3.10 … 4.4): forward the ring, then
   * POLLIN if the frame before the kernel head is not UNUSED (B11). `any-valid` (4.5):
   * return early if the receive queue made datagram_poll report POLLIN, else POLLIN iff
   * any frame is VALID (netlink_has_valid_frame).
   */
  readonly pollRx: 'prev-frame' | 'any-valid';
  /**
   * netlink_mmap_sendmsg. `zero-copy` (3.10 … 3.18.3): exclusivity test, zero-copy
   * skb into the frame for kernel destinations, nm_len read several times (B3a/B3b).
   * `always-copy` (4682a0358639, Jan 2015; 4.5): nm_len read once into a local, always copied.
   */
  readonly txMode: 'zero-copy' | 'always-copy';
  /** Sign of the errno netlink_poll / netlink_recvmsg store in sk_err after a failed dump: 3.10 stores it negative (B1). */
  readonly dumpErrSign: 'negative' | 'positive';
  /**
   * netlink_set_status barrier placement. `wmb-after` (3.10): store, then smp_wmb();
   * `mb-before` (3.18.4+, 4.5): smp_mb() then store. No effect under the sequentially
   * consistent memory model used now; recorded for the store-buffer mode (B2).
   */
  readonly statusBarrier: 'wmb-after' | 'mb-before';
  /**
   * Not a kernel version: the "ordered" mode of the design hazard D1. When true, a
   * producer takes the subsystem id lock before allocating, so allocation and id
   * assignment are one atomic section.
   */
  readonly orderedIds: boolean;
  /**
   * netlink_sendmsg's test for "send from the TX ring". `iov-base` (3.10 … 3.19):
   * `msg_iov->iov_base == NULL`, which reads an uninitialised on-stack iovec when
   * `msg_iovlen == 0` (B4). `iter-type-eq` (4.1): one segment, base NULL and
   * `msg_iter.type == ITER_IOVEC`, which never holds because sendto() sets the
   * WRITE direction bit in `type` (B5). `iter-is-iovec` (4.2 … 4.5): one segment,
   * base NULL and `iter_is_iovec()`, the working form.
   */
  readonly ringPathTest: 'iov-base' | 'iter-type-eq' | 'iter-is-iovec';
  /**
   * netlink_dump's allocation. `min-size` (3.10): always the minimum dump size.
   * `autosize` (3.11-era): first try `max_recvmsg_len` (the largest recvmsg buffer
   * seen), then the minimum. `autosize-trim` (4.1): as autosize, and reserve
   * headroom so the message fits the reader's buffer, even in a ring skb (B12).
   * `autosize-trim-nonring` (aa3a022094fa, 4.2 … 4.5): trim only sockets without an RX ring.
   */
  readonly dumpAlloc: 'min-size' | 'autosize' | 'autosize-trim' | 'autosize-trim-nonring';
}

export interface Variant {
  readonly id: string;
  readonly description: string;
  /** The source snapshot it follows (protocol.md §0 tags). */
  readonly cites: string;
  readonly knobs: Knobs;
}

/** Derive a variant from another by overriding some knobs: how reviewers write a patch. */
export function deriveVariant(base: Variant, id: string, description: string, cites: string, knobs: Partial<Knobs>): Variant {
  return { id, description, cites, knobs: { ...base.knobs, ...knobs } };
}
