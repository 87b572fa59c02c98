/**
 * A replaced step (three of them): "take pg_vec_lock before the checks in
 * netlink_set_ring".
 *
 * linux-4.5's netlink_set_ring runs its checks without any lock (EBUSY while
 * mapped or pending, EBUSY if a ring exists, the size checks that write
 * frames_per_block into the live ring) and takes pg_vec_lock only for the swap.
 * Two concurrent setsockopt calls can then both pass the "no ring yet" test,
 * and the one that fails validation writes its frames_per_block into the ring
 * the other installed (README Findings, 3). The patch takes the mutex before
 * the first check; each check step releases it when it returns an error, and
 * the swap releases it as before. Compare with
 *   nlring diff linux-4.5 ./examples/patches/set-ring-under-lock.ts --scenarios setup-concurrent,setup-teardown
 */
import { defineVariant, linux45, lockFree, stepAt, type StepOverride } from 'nlring';

const PATCH = 'proposed patch: netlink_set_ring takes pg_vec_lock before its first check';
/** Where a thread still inside netlink_set_ring goes next: anywhere else, it has returned. */
const INSIDE = ['so.check-pgvec', 'so.check-size', 'so.lock'];

/** The step at `label`, run with pg_vec_lock held, and the lock dropped if the step returned (an error). */
function underLock(label: string): StepOverride {
  const original = stepAt(label);
  return {
    cites: PATCH,
    run: (c, s, ti, arg) => {
      s.sock.pgVecLock = ti;
      original.run(c, s, ti, arg);
      if (!INSIDE.includes(s.threads[ti].pc)) s.sock.pgVecLock = -1;
    },
  };
}

export default defineVariant({
  base: linux45,
  id: 'set-ring-under-lock',
  description: 'linux-4.5 with netlink_set_ring checking under pg_vec_lock',
  cites: PATCH,
  overrides: {
    // The first check now waits for the mutex (so.lock then finds it already held: re-entrant in the model).
    'so.check': { ...underLock('so.check'), guard: (_c, s, ti) => lockFree(s.sock.pgVecLock, ti), text: (c, s, ti, arg) => `lock pg_vec_lock, ${stepAt('so.check').text(c, s, ti, arg)}` },
    'so.check-pgvec': underLock('so.check-pgvec'),
    'so.check-size': underLock('so.check-size'),
  },
});
