import type { Variant } from '../variant.js';
import { defineVariant } from '../variant.js';
import { linux41 } from './linux-4.1.js';

/**
 * 4.2 (K428, a 4.2 extended-stable tree), on top of 4.1: `iter_is_iovec()` in the
 * ring-path test (B5 fixed) and dump trimming only for sockets without an RX ring
 * (aa3a022094fa, B12 fixed), but still the old poll and forward_ring.
 */
export const linux42: Variant = defineVariant({
  base: linux41,
  id: 'linux-4.2',
  description: 'Linux 4.2: ring-path test and dump trimming fixed; old poll and forward_ring',
  cites: 'K428 net/netlink/af_netlink.c (4.2.8-ckt12)',
  knobs: { ringPathTest: 'iter-is-iovec', dumpAlloc: 'autosize-trim-nonring' },
});
