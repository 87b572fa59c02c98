/**
 * A knob: "what if this patch reverted 4682a0358639?"
 *
 * linux-3.10 sent mmap TX frames to kernel destinations zero-copy: the skb
 * pointed into the shared TX frame, and nm_len was read once for the bound
 * check and again for the skb length. Commit 4682a0358639 ("netlink: Always
 * copy on mmap TX", January 2015) made the kernel read nm_len once and copy.
 * Reverting it on linux-4.5 is one knob; the rest is 4.5. Compare with
 *   nlring diff linux-4.5 ./examples/patches/zero-copy-tx.ts --scenarios tx-sibling
 */
import { defineVariant, linux45 } from 'nlring';

export default defineVariant({
  base: linux45,
  id: 'linux-4.5-zero-copy-tx',
  description: 'Linux 4.5 with netlink_mmap_sendmsg reverted to zero-copy for kernel destinations (as in 3.10 to 3.18.3)',
  cites: 'hypothetical revert of 4682a0358639 ("netlink: Always copy on mmap TX.", Jan 2015) on top of linux-4.5',
  knobs: { txMode: 'zero-copy' },
});
