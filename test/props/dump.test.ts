/**
 * Dump properties (family `dump`), clause by clause, on dump-full-ring
 * (thread 0 the producer, thread 1 the consumer that dumps).
 */
import { describe, it } from 'vitest';
import { DUMP_TAG_BASE, MSG_DONE } from '../../src/model/constants.js';
import type { State } from '../../src/model/state.js';
import { edit, expectClause, expectHolds, init } from './helpers.js';

/** The consumer has just read dump message number `nth` (1-based) with tag `msg`, the kernel having emitted `parts`. */
const read = (nth: number, msg: number, parts: number) =>
  edit(init('dump-full-ring').s, (x) => {
    x.ghost.note = 'dump-read';
    x.ghost.noteThread = 1;
    x.ghost.noteValue = msg;
    x.ghost.dumpRead = nth;
    x.sock.dumpPart = parts;
  });

/** The consumer asleep in poll (c.sleep) with the producer finished and a dump running, a wakeup owed. */
function stuck(): State {
  return edit(init('dump-full-ring').s, (x) => {
    x.threads[0].pc = 'done';
    x.threads[1].pc = 'c.sleep';
    x.sock.dumpRunning = true;
    x.sock.wake = true;
  });
}

// af_netlink.c netlink_dump (3.10, 4.5): parts then NLMSG_DONE; flow control from poll (cd1df525da59).
describe('DUMP-ORDER: the consumer reads dump parts in order, each once, and NLMSG_DONE last, after every emitted part', () => {
  const P = 'DUMP-ORDER';

  it('the first read being part 0 holds; part 1 first (part 0 skipped) fails', () => {
    expectClause(P, read(1, DUMP_TAG_BASE, 1), (x) => (x.ghost.noteValue = DUMP_TAG_BASE + 1));
  });

  it('the third read being part 2 holds; part 1 again (read twice) fails', () => {
    expectClause(P, read(3, DUMP_TAG_BASE + 2, 3), (x) => (x.ghost.noteValue = DUMP_TAG_BASE + 1));
  });

  it('NLMSG_DONE read after all 3 emitted parts holds; with a 4th part emitted and unread it fails', () => {
    expectClause(P, read(4, MSG_DONE, 3), (x) => (x.sock.dumpPart = 4));
  });

  it('NLMSG_DONE read after more messages than the kernel emitted parts (one of them read twice) fails', () => {
    expectClause(P, read(4, MSG_DONE, 3), (x) => (x.ghost.dumpRead = 5));
  });

  it('NLMSG_DONE read before the last emitted part fails', () => {
    expectClause(P, read(4, MSG_DONE, 3), (x) => (x.ghost.dumpRead = 3));
  });

  it('a part read where NLMSG_DONE is due is judged by its position, not by the parts emitted', () => {
    expectClause(P, read(4, DUMP_TAG_BASE + 3, 4), (x) => {
      x.sock.dumpPart = 3;
      x.ghost.noteValue = DUMP_TAG_BASE + 2;
    });
  });

  it('judged only on a dump read (note dump-read)', () => {
    expectHolds(P, edit(read(1, DUMP_TAG_BASE + 5, 0), (x) => (x.ghost.note = 'read')));
  });
});

// af_netlink.c netlink_poll dump continuation under netlink_dump_space (3.10, 4.5); flow-control commit cd1df525da59; bugs.md D2.
describe('DUMP-PROGRESS: a running dump is never left stuck with its consumer asleep and nobody else to run', () => {
  const P = 'DUMP-PROGRESS';

  it('a wakeup owed to the sleeper holds; with no wakeup the dump is stuck and it fails', () => {
    expectClause(P, stuck(), (x) => (x.sock.wake = false));
  });

  it('no dump running holds; the same sleep with the dump still running fails', () => {
    const over = edit(stuck(), (x) => {
      x.sock.wake = false;
      x.sock.dumpRunning = false;
    });
    expectClause(P, over, (x) => (x.sock.dumpRunning = true));
  });

  it('another thread still able to run (it may free a frame and wake the consumer) holds', () => {
    const running = edit(stuck(), (x) => {
      x.sock.wake = false;
      x.threads[0].pc = 'alloc.lookup';
    });
    expectClause(P, running, (x) => (x.threads[0].pc = 'done'));
  });

  it('every thread finished, none asleep, holds: the property is about a sleeping consumer', () => {
    const finished = edit(stuck(), (x) => {
      x.sock.wake = false;
      x.threads[1].pc = 'done';
    });
    expectClause(P, finished, (x) => (x.threads[1].pc = 'c.sleep'));
  });
});
