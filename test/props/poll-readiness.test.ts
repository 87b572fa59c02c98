/**
 * Poll-readiness properties (family `poll-readiness`), clause by clause, on the
 * `poll` scenario (producers prod1, prod2, plain; thread 3 is the consumer).
 */
import { describe, it } from 'vitest';
import { ENOBUFS, POLLIN, POLLOUT, VALID, COPY, SKIP } from '../../src/model/constants.js';
import type { State } from '../../src/model/state.js';
import { edit, expectClause, expectFails, expectHolds, init, runUntil } from './helpers.js';

const C = 3;

/** The consumer's first poll in `poll` has just returned: nothing was ready, so no POLLIN. */
function pollReturned(): State {
  const s = runUntil(init('poll'), 'consumer', (x) => x.ghost.note === 'poll-return');
  if ((s.ghost.noteValue & POLLIN) !== 0) throw new Error('the first poll of an empty ring reported POLLIN');
  return s;
}

/** The consumer asleep in poll (c.sleep) and every other thread finished, nothing to consume, no error, no wakeup. */
function asleepAlone(): State {
  const s = runUntil(init('poll'), 'consumer', (x) => x.threads[C].pc === 'c.sleep');
  return edit(s, (x) => {
    for (let i = 0; i < x.threads.length; i++) if (i !== C) x.threads[i].pc = 'done';
    x.sock.wake = false;
  });
}

// netlink_mmap.txt: poll signals frames to process; af_netlink.c netlink_poll (4.5: netlink_has_valid_frame); bugs.md B11.
describe('POLL-IN-SOUND: poll reports POLLIN only when there is a VALID frame or a queued message', () => {
  const P = 'POLL-IN-SOUND';

  it('poll of an empty ring without POLLIN holds; the same return with POLLIN fails', () => {
    expectClause(P, pollReturned(), (x) => (x.ghost.noteValue |= POLLIN));
  });

  it('POLLIN with a VALID frame holds; with the frame gone (COPY, SKIP: not VALID) it fails', () => {
    const valid = edit(pollReturned(), (x) => {
      x.ghost.noteValue |= POLLIN;
      x.sock.rx.frames[2].status = VALID;
    });
    expectClause(P, valid, (x) => (x.sock.rx.frames[2].status = COPY));
    expectClause(P, valid, (x) => (x.sock.rx.frames[2].status = SKIP));
  });

  it('POLLIN with a message in the receive queue (a COPY frame\'s message) holds; with the queue emptied it fails', () => {
    const queued = edit(pollReturned(), (x) => {
      x.ghost.noteValue |= POLLIN;
      x.sock.rcvq.push({ msg: 1, seq: 0, frame: 0 });
    });
    expectClause(P, queued, (x) => x.sock.rcvq.shift());
  });

  it('a queued message counts even with no ring (gen 0); a VALID status left in a frame of no ring does not', () => {
    const noRing = edit(pollReturned(), (x) => {
      x.ghost.noteValue |= POLLIN;
      x.sock.rx.gen = 0;
      x.sock.rcvq.push({ msg: 1, seq: 0, frame: -1 });
    });
    expectHolds(P, noRing);
    const stale = edit(noRing, (x) => {
      x.sock.rcvq.shift();
      x.sock.rx.frames[0].status = VALID;
    });
    expectFails(P, stale);
    expectHolds(P, edit(stale, (x) => (x.sock.rx.gen = 1)), 'the same frame in a live ring');
  });

  it('only frames of the ring count: a VALID status past frame_nr is not a frame to consume', () => {
    const shrunk = edit(pollReturned(), (x) => {
      x.ghost.noteValue |= POLLIN;
      x.sock.rx.frameNr = 3;
      x.sock.rx.frames[2].status = VALID;
    });
    expectClause(P, shrunk, (x) => {
      x.sock.rx.frames[2].status = SKIP;
      x.sock.rx.frames[3].status = VALID;
    });
  });

  it('a mask without POLLIN (POLLOUT alone) is never unsound', () => {
    expectHolds(P, edit(pollReturned(), (x) => (x.ghost.noteValue = POLLOUT)));
  });

  it('judged only when poll returns (note poll-return)', () => {
    const bad = edit(pollReturned(), (x) => (x.ghost.noteValue |= POLLIN));
    expectHolds(P, edit(bad, (x) => (x.ghost.note = 'read')));
  });
});

// af_netlink.c netlink_poll with sock_poll_wait; __netlink_sendskb sk_data_ready; netlink_overrun sk_error_report.
describe('POLL-NO-LOST-WAKEUP: no consumer is left asleep with something to consume or an error to read once the others finished', () => {
  const P = 'POLL-NO-LOST-WAKEUP';

  it('asleep alone with nothing to consume and no error holds; a VALID frame nobody woke it for fails', () => {
    expectClause(P, asleepAlone(), (x) => (x.sock.rx.frames[1].status = VALID));
  });

  it('a queued message nobody woke it for fails', () => {
    expectClause(P, asleepAlone(), (x) => x.sock.rcvq.push({ msg: 1, seq: 0, frame: -1 }));
  });

  it('sk_err counts: netlink_overrun sets sk_err = ENOBUFS and sk_error_report must wake the sleeper; sk_err with no wakeup fails, with nothing else to consume', () => {
    expectClause(P, asleepAlone(), (x) => (x.sock.skErr = ENOBUFS));
  });

  it('a wakeup in flight (wake) excuses all of them: it may arrive late', () => {
    const owed = edit(asleepAlone(), (x) => {
      x.sock.rx.frames[1].status = VALID;
      x.sock.skErr = ENOBUFS;
      x.sock.wake = true;
    });
    expectClause(P, owed, (x) => (x.sock.wake = false));
  });

  it('while another thread can still run, the sleeper may yet be woken', () => {
    const running = edit(asleepAlone(), (x) => {
      x.sock.rx.frames[1].status = VALID;
      x.threads[0].pc = 'alloc.lookup';
    });
    expectClause(P, running, (x) => (x.threads[0].pc = 'done'));
  });

  it('no thread asleep (every thread finished) is not a lost wakeup', () => {
    const allDone = edit(asleepAlone(), (x) => {
      x.sock.rx.frames[1].status = VALID;
      x.threads[C].pc = 'done';
    });
    expectClause(P, allDone, (x) => (x.threads[C].pc = 'c.sleep'));
  });
});
