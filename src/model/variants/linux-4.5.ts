import type { Variant } from '../variant.js';
import { defineVariant } from '../variant.js';
import { linux42 } from './linux-4.2.js';

/**
 * The final form before removal in 4.6 (K45, linux-4.5 af_netlink.c), on top of
 * 4.2: netlink_forward_ring examines the frame at the current head (B9 fixed) and
 * netlink_poll reports POLLIN iff some frame is VALID, skipping the scan when the
 * receive queue already made the socket readable (B11 fixed).
 */
export const linux45: Variant = defineVariant({
  base: linux42,
  id: 'linux-4.5',
  description: 'Linux 4.5, the final form: always-copy TX, any-VALID poll, fixed forward_ring and barrier',
  cites: 'K45 net/netlink/af_netlink.c (4.5)',
  knobs: { forwardRing: 'current-head', pollRx: 'any-valid' },
});
