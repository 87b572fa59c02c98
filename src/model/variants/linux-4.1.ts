import type { Variant } from '../variant.js';
import { defineVariant } from '../variant.js';
import { linux3184 } from './linux-3.18.4.js';

/**
 * 4.1 (K413, linux-4.1.3), on top of 3.18.4: the msg_iter conversion left the
 * ring-path test comparing `msg_iter.type` for equality with ITER_IOVEC, which
 * sendto()'s WRITE bit never matches (B5), and netlink_dump trims every large
 * dump skb, ring-backed or not (B12). Old poll and forward_ring.
 */
export const linux41: Variant = defineVariant({
  base: linux3184,
  id: 'linux-4.1',
  description: 'Linux 4.1: ring-path test that never matches (B5), dump trimming of ring skbs (B12); old poll and forward_ring',
  cites: 'K413 net/netlink/af_netlink.c (4.1.3)',
  knobs: { ringPathTest: 'iter-type-eq', dumpAlloc: 'autosize-trim' },
});
