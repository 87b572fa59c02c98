/**
 * Ordering properties (family `ordering`), clause by clause, on nfq-batch
 * (thread 2 is the nfqueue consumer).
 */
import { describe, it } from 'vitest';
import { edit, expectClause, expectHolds, init } from './helpers.js';

const C = 2;

/** The consumer has just read id `seq` after id `prev` (consume(): the note carries the previous id, the thread the new one). */
const readId = (prev: number, seq: number) =>
  edit(init('nfq-batch').s, (x) => {
    x.ghost.note = 'read-id';
    x.ghost.noteThread = C;
    x.ghost.noteValue = prev;
    x.threads[C].l.seqLast = seq;
  });

// RFC cover letter and "netlink: implement memory mapped recvmsg()": frames are delivered in allocation order,
// not transmission order; bugs.md D1.
describe('ORDER-RING-IDS: ids increase in ring order as the consumer reads them', () => {
  const P = 'ORDER-RING-IDS';

  it('id 3 read after id 2 holds; id 2 after id 3 (out of order) fails', () => {
    expectClause(P, readId(2, 3), (x) => {
      x.ghost.noteValue = 3;
      x.threads[C].l.seqLast = 2;
    });
  });

  it('the same id twice is not an increase', () => {
    expectClause(P, readId(2, 3), (x) => (x.ghost.noteValue = 3));
  });

  it('the first id read (no previous id: 0) is never out of order', () => {
    expectHolds(P, readId(0, 1));
    expectHolds(P, readId(0, 0));
  });

  it('the reading thread (noteThread) is judged: the producers\' last id (0) does not count', () => {
    const s = readId(2, 3);
    expectHolds(P, s);
    expectClause(P, s, (x) => (x.threads[C].l.seqLast = 1));
  });

  it('judged only on a read of a message with an id (note read-id)', () => {
    expectHolds(P, edit(readId(3, 2), (x) => (x.ghost.note = 'read')));
  });
});

// nfnetlink_queue.c nfqnl_recv_verdict_batch: verdict for every queued id <= the batch id (4.5); bugs.md D1.
describe('NFQ-VERDICT-AFTER-READ: no nfqueue packet gets a verdict before the consumer has read it', () => {
  const P = 'NFQ-VERDICT-AFTER-READ';

  it('no verdict holds, whatever was read', () => {
    expectHolds(P, edit(init('nfq-batch').s, (x) => (x.ghost.readIds = 0b110)));
  });

  it('verdicts for ids 1 and 2, both read, hold; a verdict also for unread id 3 fails', () => {
    const read = edit(init('nfq-batch').s, (x) => {
      x.ghost.readIds = 0b110;
      x.ghost.verdictIds = 0b110;
    });
    expectClause(P, read, (x) => (x.ghost.verdictIds = 0b1110));
  });

  it('a verdict for id 1 with only id 2 read fails (a batch verdict covering a lower, unread id)', () => {
    const read = edit(init('nfq-batch').s, (x) => {
      x.ghost.readIds = 0b100;
      x.ghost.verdictIds = 0b100;
    });
    expectClause(P, read, (x) => (x.ghost.verdictIds = 0b110));
  });

  it('a verdict for id 1 with only id 2 read fails: the verdicts must be a subset of the ids read, not a smaller number', () => {
    const read = edit(init('nfq-batch').s, (x) => (x.ghost.readIds = 0b100));
    expectClause(P, read, (x) => (x.ghost.verdictIds = 0b010));
  });

  it('a high id (bit 29) is judged like a low one', () => {
    const read = edit(init('nfq-batch').s, (x) => {
      x.ghost.readIds = 1 << 29;
      x.ghost.verdictIds = 1 << 29;
    });
    expectClause(P, read, (x) => (x.ghost.readIds = 0));
  });
});
