/**
 * A split step: "write the COPY status before dropping the queue lock".
 *
 * linux-4.5's netlink_ring_set_copied claims the frame at the RX head (head++,
 * skb queued) under sk_receive_queue.lock, unlocks, and only then writes the
 * header and the COPY status. In between, the frame still reads UNUSED, and if
 * the head wraps around, netlink_alloc_skb reserves the same frame for a ring
 * skb: the late COPY store lands on a RESERVED frame (README Findings, 1).
 *
 * The patch keeps the lock across the status store. The claim step keeps its
 * code and only holds on to the lock; a new step writes the header and COPY and
 * then unlocks. Check it with
 *   nlring diff linux-4.5 ./examples/patches/copy-status-under-lock.ts --scenarios copy-mixed
 */
import { defineVariant, goto, linux45, stepAt } from 'nlring';

const claim = stepAt('send.copy-claim');
const mark = stepAt('send.copy-mark');
const PATCH = 'proposed patch: netlink_ring_set_copied writes the header and COPY status before spin_unlock_bh';

export default defineVariant({
  base: linux45,
  id: 'copy-status-under-lock',
  description: 'linux-4.5 with netlink_ring_set_copied publishing COPY under the receive-queue lock',
  cites: PATCH,
  overrides: {
    'send.copy-claim': {
      cites: PATCH,
      text: (c, s, ti, arg) => claim.text(c, s, ti, arg).replace(', unlock', ', keep the lock'),
      run: (c, s, ti, arg) => {
        claim.run(c, s, ti, arg);
        const t = s.threads[ti];
        // The original goes on to mark the frame after unlocking; hold the lock until it has.
        if (t.pc === 'send.copy-mark') {
          s.sock.rxqLock = ti;
          goto(t, 'send.copy-mark-locked');
        }
      },
    },
  },
  steps: {
    'send.copy-mark-locked': {
      who: 'kernel',
      cites: PATCH,
      text: (c, s, ti, arg) => `${mark.text(c, s, ti, arg)}, then unlock rx queue`,
      run: (c, s, ti, arg) => {
        mark.run(c, s, ti, arg);
        s.sock.rxqLock = -1;
      },
    },
  },
});
