import type { Variant } from '../variant.js';

/**
 * 4.1 (K413, linux-4.1.3): the msg_iter conversion left the ring-path test
 * comparing `msg_iter.type` for equality with ITER_IOVEC, which sendto()'s
 * WRITE bit never matches (B5), and netlink_dump trims every large dump skb,
 * ring-backed or not (B12). Old poll and forward_ring.
 */
export const linux41: Variant = {
  id: 'linux-4.1',
  description: 'Linux 4.1: ring-path test that never matches (B5), dump trimming of ring skbs (B12); old poll and forward_ring',
  cites: 'K413 net/netlink/af_netlink.c (4.1.3)',
  knobs: {
    forwardRing: 'start-position',
    allocEarlySizeCheck: true,
    pollRx: 'prev-frame',
    txMode: 'always-copy',
    dumpErrSign: 'positive',
    statusBarrier: 'mb-before',
    orderedIds: false,
    ringPathTest: 'iter-type-eq',
    dumpAlloc: 'autosize-trim',
  },
};
