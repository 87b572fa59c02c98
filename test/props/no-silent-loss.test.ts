/**
 * No-silent-loss properties (family `no-silent-loss`) and the COPY/queue
 * correspondence (family `copy-queue`), clause by clause.
 */
import { describe, it } from 'vitest';
import { EAGAIN, ENOBUFS } from '../../src/model/constants.js';
import { edit, expectClause, expectFails, expectHolds, init } from './helpers.js';

const base = () => init('rx-order').s;

// af_netlink.c netlink_overrun: CONGESTED, sk_err = ENOBUFS (3.10, 4.5); netlink(7) ENOBUFS semantics.
describe('LOSS-REPORTED: while a loss is unreported, sk_err holds ENOBUFS (unless NETLINK_NO_ENOBUFS or released)', () => {
  const P = 'LOSS-REPORTED';

  it('no loss and no error holds', () => {
    expectHolds(P, base());
  });

  it('netlink_overrun reports even one dropped message: a single unreported loss with sk_err 0 fails', () => {
    expectClause(P, base(), (x) => (x.ghost.unreported = 1));
  });

  it('losses reported by sk_err = ENOBUFS hold; the same losses with sk_err cleared fail', () => {
    const reported = edit(base(), (x) => {
      x.ghost.unreported = 2;
      x.sock.skErr = ENOBUFS;
    });
    expectClause(P, reported, (x) => (x.sock.skErr = 0));
  });

  it('another error in sk_err does not report a loss', () => {
    const reported = edit(base(), (x) => {
      x.ghost.unreported = 1;
      x.sock.skErr = ENOBUFS;
    });
    expectClause(P, reported, (x) => (x.sock.skErr = EAGAIN));
  });

  it('NETLINK_NO_ENOBUFS excuses an unreported loss; clearing it makes the loss silent', () => {
    const noEnobufs = edit(base(), (x) => {
      x.ghost.unreported = 1;
      x.sock.noEnobufs = true;
    });
    expectClause(P, noEnobufs, (x) => (x.sock.noEnobufs = false));
  });

  it('a released socket has nobody to report to; the same loss before release fails', () => {
    const released = edit(base(), (x) => {
      x.ghost.unreported = 1;
      x.sock.released = true;
    });
    expectClause(P, released, (x) => (x.sock.released = false));
  });
});

// RFC cover letter: "The kernel skips over all frames marked with SKIP ... and only fails when not finding a free frame";
// bugs.md B9; af_netlink.c netlink_ring_set_copied does not forward (4.5).
describe('LOSS-FREE-FRAME: a drop for want of a frame only if, under the queue lock, no UNUSED frame was reachable over SKIP', () => {
  const P = 'LOSS-FREE-FRAME';
  const note = (what: string, ti: number, fullSeen: boolean) =>
    edit(base(), (x) => {
      x.ghost.note = what;
      x.ghost.noteThread = ti;
      x.threads[ti].l.fullSeen = fullSeen;
    });

  it('an RX allocation overrun (alloc-full) after the ring was seen full holds; without that it fails', () => {
    expectClause(P, note('alloc-full', 0, true), (x) => (x.threads[0].l.fullSeen = false));
  });

  it('a COPY delivery overrun (copy-full) after the ring was seen full holds; without that it fails', () => {
    expectClause(P, note('copy-full', 1, true), (x) => (x.threads[1].l.fullSeen = false));
  });

  it('the overrunning thread (noteThread) is the one judged, not another thread that saw the ring full', () => {
    const s = note('alloc-full', 1, false);
    expectFails(P, edit(s, (x) => (x.threads[0].l.fullSeen = true)));
    expectHolds(P, edit(s, (x) => (x.threads[1].l.fullSeen = true)));
  });

  it('steps that drop nothing are not judged, whatever the monitor says', () => {
    expectHolds(P, note('forward-done', 0, false));
    expectHolds(P, note('', 0, false));
  });
});

// af_netlink.c netlink_ring_set_copied (3.10, 4.5); netlink_mmap.txt: COPY means "fetch the message with recvmsg".
describe('COPY-QUEUE-MATCH: the message recvmsg returns for a COPY frame is the one queued when it was marked', () => {
  const P = 'COPY-QUEUE-MATCH';

  it('the initial state holds', () => {
    expectHolds(P, base());
  });

  it('COPY frame 2 read with the message paired with frame 2 holds; paired with frame 1 fails', () => {
    const paired = edit(base(), (x) => {
      x.ghost.copyFrame = 2;
      x.ghost.copyPaired = 2;
    });
    expectClause(P, paired, (x) => (x.ghost.copyPaired = 1));
  });

  it('COPY frame 1 read with the message paired with frame 2 (a later COPY frame\'s message) fails', () => {
    const paired = edit(base(), (x) => {
      x.ghost.copyFrame = 1;
      x.ghost.copyPaired = 1;
    });
    expectClause(P, paired, (x) => (x.ghost.copyPaired = 2));
  });

  it('a COPY frame read with no message paired (an ordinary queued message came first) fails', () => {
    const paired = edit(base(), (x) => {
      x.ghost.copyFrame = 0;
      x.ghost.copyPaired = 0;
    });
    expectClause(P, paired, (x) => (x.ghost.copyPaired = -1));
  });
});
