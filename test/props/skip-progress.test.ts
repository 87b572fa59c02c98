/**
 * SKIP-PROGRESS (family `skip-progress`), clause by clause, on rx-order's ring
 * of 4 frames.
 */
import { describe, it } from 'vitest';
import { SKIP, UNUSED, VALID } from '../../src/model/constants.js';
import { edit, expectClause, expectHolds, init } from './helpers.js';

const ALL = 0b1111;

/** netlink_forward_ring (thread 0) just ended (note forward-done) with the head on a SKIP frame, having seen `seen`. */
const ended = (seen: number, head = 1) =>
  edit(init('rx-order').s, (x) => {
    for (let i = 0; i < x.sock.rx.frameNr; i++) x.sock.rx.frames[i].status = SKIP;
    x.sock.rx.head = head;
    x.ghost.note = 'forward-done';
    x.ghost.noteThread = 0;
    x.threads[0].l.fwdSeen = seen;
  });

// af_netlink.c netlink_forward_ring (4.5 form); RFC cover letter ("only fails ... when having skipped the entire ring"); bugs.md B9.
describe('SKIP-PROGRESS: netlink_forward_ring gives up on a SKIP frame only after one full turn', () => {
  const P = 'SKIP-PROGRESS';

  it('ending on SKIP after examining all 4 frames holds; with one frame never examined it fails', () => {
    expectClause(P, ended(ALL), (x) => (x.threads[0].l.fwdSeen = 0b0111));
    expectClause(P, ended(ALL), (x) => (x.threads[0].l.fwdSeen = 0b1110));
  });

  it('having examined only the head frame (the 3.10 start-position bug) fails', () => {
    expectClause(P, ended(ALL, 2), (x) => (x.threads[0].l.fwdSeen = 0b0100));
  });

  it('ending on a frame that is not SKIP (found one UNUSED) needs no full turn', () => {
    const found = edit(ended(0b0010), (x) => (x.sock.rx.frames[1].status = UNUSED));
    expectHolds(P, found);
    expectClause(P, edit(found, (x) => (x.sock.rx.frames[1].status = VALID)), (x) => (x.sock.rx.frames[1].status = SKIP));
  });

  it('the head frame is the one that counts, not frame 0', () => {
    const headOk = edit(ended(0b0010, 1), (x) => (x.sock.rx.frames[1].status = UNUSED));
    expectHolds(P, headOk, 'frame 0 is SKIP but the head (1) is not');
  });

  it('ending on SKIP having found the ring full (a frame it examined is in use; the reference forward leaves the head then) holds; the same frame UNUSED or SKIP fails', () => {
    // Head 1 (SKIP), examined 1 and 2, frame 2 in use.
    const full = edit(ended(0b0110), (x) => (x.sock.rx.frames[2].status = VALID));
    expectClause(P, full, (x) => (x.sock.rx.frames[2].status = UNUSED));
    expectClause(P, full, (x) => (x.sock.rx.frames[2].status = SKIP));
    // A frame in use that it did not examine proves nothing.
    expectClause(P, full, (x) => (x.threads[0].l.fwdSeen = 0b0010));
  });

  it('the thread that forwarded (noteThread) is judged', () => {
    const s = edit(ended(ALL), (x) => (x.ghost.noteThread = 1));
    expectClause(P, edit(s, (x) => (x.threads[1].l.fwdSeen = ALL)), (x) => (x.threads[1].l.fwdSeen = 0b0011));
  });

  it('judged only when netlink_forward_ring has just ended (note forward-done)', () => {
    expectHolds(P, edit(ended(0b0001), (x) => (x.ghost.note = 'forward-skip')));
  });
});
