import type { Variant } from '../variant.js';

/** The final form before removal in 4.6 (K45, linux-4.5 af_netlink.c; protocol.md §0). */
export const linux45: Variant = {
  id: 'linux-4.5',
  description: 'Linux 4.5, the final form: always-copy TX, any-VALID poll, fixed forward_ring and barrier',
  cites: 'K45 net/netlink/af_netlink.c (4.5)',
  knobs: {
    forwardRing: 'current-head',
    allocEarlySizeCheck: true,
    pollRx: 'any-valid',
    txMode: 'always-copy',
    dumpErrSign: 'positive',
    statusBarrier: 'mb-before',
    orderedIds: false,
    ringPathTest: 'iter-is-iovec',
    dumpAlloc: 'autosize-trim-nonring',
  },
};
