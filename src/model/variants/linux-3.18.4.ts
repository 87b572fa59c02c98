import type { Variant } from '../variant.js';
import { defineVariant } from '../variant.js';
import { linux310 } from './linux-3.10.js';

/**
 * 3.18.4, the stable release that took the January 2015 backports: "Always copy
 * on mmap TX" (4682a0358639) and the smp_mb() before the status store (B2's fix),
 * on top of what 3.11 to 3.18 had already changed since 3.10: the early size check
 * in netlink_alloc_skb, the positive dump errno (B1) and dump autosizing
 * (9063e21fb026). poll and netlink_forward_ring are still the 3.10 forms (B9,
 * B11), and the ring-path test still reads `msg_iov->iov_base` (B4, fixed after
 * 3.19). Source: a 3.14-3.18-era af_netlink.c carrying the backports (K31x), and
 * the 3.18.3..3.18.4 shortlog.
 */
export const linux3184: Variant = defineVariant({
  base: linux310,
  id: 'linux-3.18.4',
  description: 'Linux 3.18.4: always-copy TX and the status barrier backported; old poll, old forward_ring, iov_base ring-path test',
  cites: 'K31x net/netlink/af_netlink.c (3.14-3.18 with the Jan-2015 stable backports)',
  knobs: {
    allocEarlySizeCheck: true,
    txMode: 'always-copy',
    dumpErrSign: 'positive',
    statusBarrier: 'mb-before',
    dumpAlloc: 'autosize',
  },
});
