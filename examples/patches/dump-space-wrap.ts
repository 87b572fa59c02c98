/**
 * A replaced step: "wrap netlink_dump_space with frame_max + 1".
 *
 * netlink_dump_space lets poll continue a dump only while the frame at the RX
 * head and the frame half a ring ahead are UNUSED. linux-4.5 computes the
 * second index as head + frame_max / 2 and wraps it by subtracting frame_max,
 * one short of the ring size: with 4 frames and the head at 3 it probes frame
 * 1, not frame 0. This patch replaces the text and the code of the step that
 * makes that probe; everything else is linux-4.5. Compare with
 *   nlring diff linux-4.5 ./examples/patches/dump-space-wrap.ts --scenarios dump-full-ring
 */
import { call, defineVariant, goto, here, linux45, load, peek, RX, STATUS_NAMES, UNUSED, type State } from 'nlring';

const PATCH = 'proposed patch: netlink_dump_space wraps head + frame_max / 2 by frame_max + 1 (the ring size)';

/** The frame half a ring ahead of the head, wrapped by the ring size. */
function halfAhead(s: State): number {
  const frameMax = s.sock.rx.frameNr - 1;
  const n = s.sock.rx.head + Math.floor(frameMax / 2);
  return n > frameMax ? n - (frameMax + 1) : n;
}

export default defineVariant({
  base: linux45,
  id: 'dump-space-wrap',
  description: 'linux-4.5 with netlink_dump_space wrapping its second probe by the ring size',
  cites: PATCH,
  overrides: {
    'poll.space2': {
      cites: PATCH,
      text: (_c, s, ti) => {
        const n = halfAhead(s);
        const st = peek(s, ti, here(s, RX, n), 'status');
        return st === UNUSED ? `poll: dump_space: rx frame ${n} is UNUSED: continue the dump` : `poll: dump_space: rx frame ${n} is ${STATUS_NAMES[st]}: no space`;
      },
      run: (_c, s, ti) => {
        // One load of frame memory, as in the step it replaces.
        if (load(s, ti, here(s, RX, halfAhead(s)), 'status') === UNUSED) return call(s.threads[ti], 'dump.lock', 'poll.dump-ret');
        goto(s.threads[ti], 'poll.rcvwake');
      },
    },
  },
});
