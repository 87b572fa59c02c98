import type { Variant } from '../variant.js';

/** The original merge (K310, AndreiLux/ref-3.10 af_netlink.c; protocol.md §0). */
export const linux310: Variant = {
  id: 'linux-3.10',
  description: 'Linux 3.10, the original merge: zero-copy TX with the exclusivity test, old poll and forward_ring, old barrier',
  cites: 'K310 net/netlink/af_netlink.c (3.10)',
  knobs: {
    forwardRing: 'start-position',
    allocEarlySizeCheck: false,
    pollRx: 'prev-frame',
    txMode: 'zero-copy',
    dumpErrSign: 'negative',
    statusBarrier: 'wmb-after',
    statusLoad: 'rmb-before',
    orderedIds: false,
    ringPathTest: 'iov-base',
    dumpAlloc: 'min-size',
  },
};
