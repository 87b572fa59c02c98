/**
 * The reachability witnesses (src/props/witnesses.ts, `sometimes`): for each
 * condition of a witness, a state where it is reached and the smallest edit
 * that makes it unreached. A witness that is reached too easily makes a vacuous
 * run look exhaustive; one never reached makes every run vacuous.
 */
import { describe, it } from 'vitest';
import { COPY, ENOBUFS, MSG_DONE, DUMP_TAG_BASE, RX, SKIP, TX, VALID } from '../../src/model/constants.js';
import type { State } from '../../src/model/state.js';
import { W } from '../../src/props/witnesses.js';
import { edit, expectClause, expectFails, expectHolds, init } from './helpers.js';

/** rx-order's initial state (thread 2 the consumer) with `note` as the last step's note by `thread`. */
const noted = (note: string, thread = 2, value = 0): State =>
  edit(init('rx-order').s, (x) => {
    x.ghost.note = note;
    x.ghost.noteThread = thread;
    x.ghost.noteValue = value;
  });

describe('witnesses named by a note: reached on that note only', () => {
  const byNote: [string, string][] = [
    [W.skipPassed.id, 'forward-skip'],
    [W.errorRead.id, 'error-read'],
    [W.dumpFromPoll.id, 'dump-from-poll'],
    [W.txActed.id, 'tx-acted'],
    [W.txRejected.id, 'tx-rejected'],
    [W.ringSwapped.id, 'ring-swapped'],
    [W.dumpAutosized.id, 'dump-autosize-ring'],
  ];
  it.each(byNote)('%s: reached on note %s, not on another note', (id, note) => {
    expectFails(id, init('rx-order').s, 'the initial state');
    expectClause(id, noted(note), (x) => (x.ghost.note = 'poll-return'));
  });

  it('W-MSG-READ: reached on a read with or without an id', () => {
    expectClause(W.msgRead.id, noted('read'), (x) => (x.ghost.note = 'dump-read'));
    expectClause(W.msgRead.id, noted('read-id'), (x) => (x.ghost.note = 'dump-read'));
  });

  it('W-RING-FULL: reached on an RX allocation or a COPY delivery that overran', () => {
    expectClause(W.ringFull.id, noted('alloc-full', 0), (x) => (x.ghost.note = 'forward-done'));
    expectClause(W.ringFull.id, noted('copy-full', 0), (x) => (x.ghost.note = 'forward-done'));
  });

  it('W-DUMP-DONE and W-DUMP-PART-READ: a dump read of NLMSG_DONE, and of a part', () => {
    expectClause(W.dumpDone.id, noted('dump-read', 2, MSG_DONE), (x) => (x.ghost.noteValue = DUMP_TAG_BASE));
    expectClause(W.dumpDone.id, noted('dump-read', 2, MSG_DONE), (x) => (x.ghost.note = 'read'));
    expectClause(W.dumpPartRead.id, noted('dump-read', 2, DUMP_TAG_BASE), (x) => (x.ghost.noteValue = MSG_DONE));
    expectClause(W.dumpPartRead.id, noted('dump-read', 2, DUMP_TAG_BASE), (x) => (x.ghost.note = 'read'));
  });

  it('W-DUMP-FULL-RING: an allocation overrun by a thread that goes on with the dump (dump.fill)', () => {
    const dumping = edit(init('dump-full-ring').s, (x) => {
      x.ghost.note = 'alloc-full';
      x.ghost.noteThread = 1;
      x.threads[1].pc = 'dump.fill';
    });
    expectClause(W.dumpFullRing.id, dumping, (x) => (x.threads[1].pc = 'c.look'));
    expectClause(W.dumpFullRing.id, dumping, (x) => (x.ghost.noteThread = 0));
    expectClause(W.dumpFullRing.id, dumping, (x) => (x.ghost.note = 'copy-full'));
  });

  it('W-DUMP-GATED: netlink_recvmsg left a dump that is still running (the note alone, or a finished dump, is not enough)', () => {
    const gated = edit(init('dump-rcvbuf').s, (x) => {
      x.ghost.note = 'dump-gated';
      x.ghost.noteThread = 1;
      x.sock.dumpRunning = true;
    });
    expectClause(W.dumpGated.id, gated, (x) => (x.sock.dumpRunning = false));
    expectClause(W.dumpGated.id, gated, (x) => (x.ghost.note = 'dump-from-poll'));
  });

  it('W-TX-BATCH: a sendmsg return after consuming two frames; one is not a batch', () => {
    const batch = edit(init('tx-sibling').s, (x) => {
      x.ghost.note = 'sendmsg-return';
      x.ghost.noteThread = 0;
      x.threads[0].l.txCount = 2;
    });
    expectClause(W.txBatch.id, batch, (x) => (x.threads[0].l.txCount = 1));
    expectClause(W.txBatch.id, batch, (x) => (x.ghost.note = 'tx-acted'));
    // The returning thread's count is the one that matters.
    expectClause(W.txBatch.id, edit(batch, (x) => (x.threads[1].l.txCount = 1)), (x) => (x.ghost.noteThread = 1));
  });

  it('W-NOIOV-RETURNED: a sendmsg with no iovec came back; a sendto(NULL, 0) return does not count', () => {
    const noIov = edit(init('tx-no-iovec').s, (x) => {
      x.ghost.note = 'sendmsg-return';
      x.ghost.noteThread = 0;
      x.threads[0].l.txNoIov = true;
    });
    expectClause(W.noIovReturned.id, noIov, (x) => (x.threads[0].l.txNoIov = false));
    expectClause(W.noIovReturned.id, noIov, (x) => (x.ghost.note = 'tx-acted'));
  });
});

describe('witnesses of the state', () => {
  const rx = () => init('rx-order').s;

  it('W-SKIP-HELD: a frame of the ring held as SKIP (not a status past frame_nr)', () => {
    const held = edit(rx(), (x) => (x.sock.rx.frames[3].status = SKIP));
    expectFails(W.skipHeld.id, rx());
    expectClause(W.skipHeld.id, held, (x) => (x.sock.rx.frameNr = 3));
    expectClause(W.skipHeld.id, held, (x) => (x.sock.rx.frames[3].status = VALID));
  });

  it('W-COPY-READ: the consumer read a COPY frame (copyFrame set)', () => {
    expectClause(W.copyRead.id, edit(rx(), (x) => (x.ghost.copyFrame = 0)), (x) => (x.ghost.copyFrame = -1));
  });

  it('W-COPY-AND-VALID: a COPY frame and a VALID frame at once; either alone is not enough', () => {
    const both = edit(rx(), (x) => {
      x.sock.rx.frames[0].status = COPY;
      x.sock.rx.frames[3].status = VALID;
    });
    expectClause(W.copyAndValid.id, both, (x) => (x.sock.rx.frames[0].status = VALID));
    expectClause(W.copyAndValid.id, both, (x) => (x.sock.rx.frames[3].status = COPY));
    expectClause(W.copyAndValid.id, both, (x) => (x.sock.rx.frameNr = 3));
  });

  it('W-POLL-SLEPT: some thread asleep in poll', () => {
    expectClause(W.pollSlept.id, edit(rx(), (x) => (x.threads[2].pc = 'c.sleep')), (x) => (x.threads[2].pc = 'c.look'));
  });

  it('W-SIBLING-WROTE: a user store by a thread that does not follow the protocol', () => {
    const hostile = edit(init('tx-sibling').s, (x) => {
      x.ghost.last.kind = 'ustore';
      x.ghost.last.conforming = false;
    });
    expectClause(W.siblingWrote.id, hostile, (x) => (x.ghost.last.conforming = true));
    expectClause(W.siblingWrote.id, hostile, (x) => (x.ghost.last.kind = 'kstore'));
  });

  it('W-FORKED: the mapping shared (mapped > 1); one mapping is not', () => {
    expectClause(W.forked.id, edit(rx(), (x) => (x.sock.mapped = 2)), (x) => (x.sock.mapped = 1));
  });

  it('W-SECOND-MMAP: two mappings and a file reference for each besides the fd table\'s', () => {
    const twice = edit(rx(), (x) => {
      x.sock.mapped = 2;
      x.sock.fileRefs = 3;
    });
    expectClause(W.secondMap.id, twice, (x) => (x.sock.fileRefs = 2));
    expectClause(W.secondMap.id, twice, (x) => (x.sock.mapped = 1));
  });

  it('W-RELEASED: the socket released', () => {
    expectClause(W.released.id, edit(rx(), (x) => (x.sock.released = true)), (x) => (x.sock.released = false));
  });

  it('W-TX-ERROR: a sendmsg that returned an error; a byte count is no error', () => {
    const failed = noted('sendmsg-return', 0, -ENOBUFS);
    expectClause(W.txError.id, failed, (x) => (x.ghost.noteValue = 64));
    expectClause(W.txError.id, failed, (x) => (x.ghost.note = 'tx-acted'));
  });

  it('W-UNDELIVERED: a kernel store that publishes an RX frame VALID with nm_len 0', () => {
    const published = edit(rx(), (x) => {
      const e = x.ghost.last;
      e.kind = 'kstore';
      e.ring = RX;
      e.frame = 2;
      e.after = VALID;
      x.sock.rx.frames[2].status = VALID;
    });
    expectClause(W.undelivered.id, published, (x) => (x.sock.rx.frames[2].len = 64));
    expectClause(W.undelivered.id, published, (x) => (x.ghost.last.after = COPY));
    expectClause(W.undelivered.id, published, (x) => (x.ghost.last.kind = 'ustore'));
    expectClause(W.undelivered.id, published, (x) => (x.ghost.last.ring = TX));
  });

  it('W-SET-RING-MAPPED: a setsockopt at its first checks while the rings are mapped', () => {
    const asking = edit(init('mapped-close').s, (x) => (x.threads[2].pc = 'so.check'));
    expectClause(W.setRingMapped.id, asking, (x) => (x.sock.mapped = 0));
    expectClause(W.setRingMapped.id, asking, (x) => (x.threads[2].pc = 'so.lock'));
  });

  it('W-READ-AFTER-CLOSE: a read (of a message, with an id, of a dump) while only mappings hold the file (no descriptor left)', () => {
    const closed = edit(noted('read'), (x) => (x.sock.fileRefs = 1));
    expectClause(W.readAfterClose.id, closed, (x) => (x.sock.fileRefs = 2));
    expectClause(W.readAfterClose.id, closed, (x) => (x.ghost.note = 'poll-return'));
    expectClause(W.readAfterClose.id, edit(closed, (x) => (x.ghost.note = 'dump-read')), (x) => (x.sock.fileRefs = 2));
    expectClause(W.readAfterClose.id, edit(closed, (x) => (x.ghost.note = 'read-id')), (x) => {
      x.sock.mapped = 0;
      x.sock.fileRefs = 0;
    });
  });

  it('W-VERDICT: some id got a verdict', () => {
    expectClause(W.verdict.id, edit(rx(), (x) => (x.ghost.verdictIds = 1 << 29)), (x) => (x.ghost.verdictIds = 0));
  });
});
