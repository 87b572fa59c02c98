/**
 * TX-PROGRESS (family `tx-progress`), clause by clause, on tx-ring-send: the
 * documented submission of one frame (thread 0, `txuser`).
 */
import { describe, it } from 'vitest';
import { EAGAIN, ENOBUFS, RESERVED, UNUSED, VALID } from '../../src/model/constants.js';
import type { State } from '../../src/model/state.js';
import { edit, expectClause, expectHolds, init, runUntil } from './helpers.js';

/** sendto(fd, NULL, 0) has just returned (note sendmsg-return) on linux-4.5, having consumed the frame. */
function returned(): State {
  const s = runUntil(init('tx-ring-send'), 'txuser', (x) => x.ghost.note === 'sendmsg-return');
  if (s.ghost.noteValue < 0) throw new Error(`the documented submission failed with ${s.ghost.noteValue}`);
  return s;
}

// netlink_mmap.txt TX: "the kernel processes all frames marked VALID" after sendto(fd, NULL, 0); af_netlink.c netlink_sendmsg
// ring-path test (4.2: iter_is_iovec) and netlink_mmap_sendmsg loop (4.5); bug B5.
describe('TX-PROGRESS: a successful sendto(fd, NULL, 0) leaves no VALID frame at the kernel TX head', () => {
  const P = 'TX-PROGRESS';

  it('the real linux-4.5 return (frame consumed) holds; a VALID frame left at the TX head fails', () => {
    expectClause(P, returned(), (x) => (x.sock.tx.frames[x.sock.tx.head].status = VALID));
  });

  it('only the head frame is judged: a VALID frame elsewhere (submitted after the call) holds', () => {
    const s = returned();
    const other = (s.sock.tx.head + 1) % s.sock.tx.frameNr;
    expectClause(P, edit(s, (x) => (x.sock.tx.frames[other].status = VALID)), (x) => (x.sock.tx.frames[x.sock.tx.head].status = VALID));
  });

  it('UNUSED or RESERVED at the head (consumed, or a zero-copy skb in flight) holds', () => {
    expectHolds(P, edit(returned(), (x) => (x.sock.tx.frames[x.sock.tx.head].status = UNUSED)));
    expectHolds(P, edit(returned(), (x) => (x.sock.tx.frames[x.sock.tx.head].status = RESERVED)));
  });

  it('a call that returned an error is not judged; the same state returning success fails', () => {
    const failed = edit(returned(), (x) => {
      x.sock.tx.frames[x.sock.tx.head].status = VALID;
      x.ghost.noteValue = -EAGAIN;
    });
    expectClause(P, failed, (x) => (x.ghost.noteValue = 0));
  });

  it('a return of 0 bytes is a success (judged)', () => {
    expectClause(P, edit(returned(), (x) => (x.ghost.noteValue = 0)), (x) => (x.sock.tx.frames[x.sock.tx.head].status = VALID));
  });

  it('a sendmsg with no iovec (txNoIov) is not a submission; the same call as sendto(NULL, 0) fails', () => {
    const noIov = edit(returned(), (x) => {
      x.sock.tx.frames[x.sock.tx.head].status = VALID;
      x.threads[0].l.txNoIov = true;
    });
    expectClause(P, noIov, (x) => (x.threads[0].l.txNoIov = false));
  });

  it('a short count (a call cut by an error after it sent frames: txErr kept past the return) is not judged; the same return without the error fails', () => {
    const short = edit(returned(), (x) => {
      x.sock.tx.frames[x.sock.tx.head].status = VALID;
      x.threads[0].l.txErr = -ENOBUFS;
    });
    expectClause(P, short, (x) => (x.threads[0].l.txErr = 0));
  });

  it('no TX ring (gen 0) holds even with a stale VALID status in its frames', () => {
    const noRing = edit(returned(), (x) => {
      x.sock.tx.frames[x.sock.tx.head].status = VALID;
      x.sock.tx.gen = 0;
    });
    expectClause(P, noRing, (x) => (x.sock.tx.gen = 1));
  });

  it('judged only when sendmsg returns (note sendmsg-return)', () => {
    const bad = edit(returned(), (x) => (x.sock.tx.frames[x.sock.tx.head].status = VALID));
    expectHolds(P, edit(bad, (x) => (x.ghost.note = 'tx-acted')));
  });
});
