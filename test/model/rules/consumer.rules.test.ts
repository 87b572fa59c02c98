/**
 * Rules of the RX consumer (src/model/user/consumer.ts): the documented loop
 * (Documentation/networking/netlink_mmap.txt, libmnl), ulogd2's SKIP holding and
 * the libmnl nf-queue batch verdicts, one test per branch on states built by hand.
 */
import { describe, expect, it } from 'vitest';
import { COPY, DUMP_TAG_BASE, HDRLEN, MSG_DONE, MSG_VERDICT, POLLERR, POLLIN, RESERVED, SKIP, UNUSED, VALID } from '../../../src/model/constants.js';
import type { ConsumerParams, ThreadSpec } from '../../../src/model/config.js';
import type { State } from '../../../src/model/state.js';
import { bench, choicesOf, guardHolds, runContinuation, scenario, stepOnce, tid } from '../helpers.js';

const consumer = (over: Partial<ConsumerParams> = {}): ThreadSpec => ({ name: 'c', program: 'consumer', params: { maxHold: 0, ...over } });
const LOOK = -1;
const VERDICT = 100;

/** A consumer resting at c.look on a mapped RX ring (and TX ring if `tx`). */
function at(p: Partial<ConsumerParams> = {}, tx = false, v = 'linux-4.5') {
  const b = bench(v, scenario([consumer(p)], { tx: tx ? 0 : null }));
  const ti = tid(b.c, 'c');
  return { ...b, ti };
}

function valid(s: State, i: number, msg: number, seq = 0, len = 64): void {
  Object.assign(s.sock.rx.frames[i], { status: VALID, len, msg, seq, off: HDRLEN });
}

describe('the consumer loop (netlink_mmap.txt RX loop)', () => {
  it('start: a consumer that dumps sends its dump request first, then looks at the ring', () => {
    // c.start runs as the initial state is built.
    const { s, ti } = at({ dump: true });
    expect([s.threads[ti].pc, s.threads[ti].stack.toArray().at(-1)]).toEqual(['dumpstart.lock', 'c.look']);
    expect(at({ dump: true, dumpAfterCopy: true }).s.threads[ti].pc).toBe('c.look');
    expect(at().s.threads[ti].pc).toBe('c.look');
  });

  it('look: the frame at the cursor is VALID -> read it', () => {
    const { c, s, ti } = at();
    s.threads[ti].l.cursor = 2;
    valid(s, 2, 5);
    expect(stepOnce(c, s, ti, LOOK).threads[ti].pc).toBe('c.read');
  });

  it('look: COPY -> recvmsg (netlink_recvmsg), returning to c.copied', () => {
    const { c, s, ti } = at();
    s.sock.rx.frames[0].status = COPY;
    const n = stepOnce(c, s, ti, LOOK);
    expect([n.threads[ti].pc, n.threads[ti].stack.toArray().at(-1)]).toEqual(['recv.err', 'c.copied']);
  });

  it('look: UNUSED, RESERVED or SKIP -> poll', () => {
    for (const st of [UNUSED, RESERVED, SKIP]) {
      const { c, s, ti } = at();
      s.sock.rx.frames[0].status = st;
      const n = stepOnce(c, s, ti, LOOK);
      expect(n.threads[ti].pc).toMatch(/^poll\./); // netlink_poll, entered through its first step
      expect(n.threads[ti].stack.toArray().at(-1)).toBe('c.polled');
    }
  });

  it('read: a message at frame + NL_MMAP_HDRLEN is consumed (its id becomes the last id) and the frame released', () => {
    const { c, s, ti } = at();
    valid(s, 0, 5, 3);
    s.threads[ti].pc = 'c.read';
    s.threads[ti].l.seqLast = 1;
    const n = stepOnce(c, s, ti);
    expect([n.ghost.note, n.ghost.noteValue, n.threads[ti].l.seqLast, n.threads[ti].pc]).toEqual(['read-id', 1, 3, 'c.release']);
  });

  it('read: a message without an id is noted with its tag', () => {
    const { c, s, ti } = at();
    valid(s, 0, 5, 0);
    s.threads[ti].pc = 'c.read';
    const n = stepOnce(c, s, ti);
    expect([n.ghost.note, n.ghost.noteValue]).toEqual(['read', 5]);
  });

  it('read: a message the kernel put elsewhere than frame + NL_MMAP_HDRLEN is not what userspace parses', () => {
    const { c, s, ti } = at();
    valid(s, 0, 5, 0);
    s.sock.rx.frames[0].off = HDRLEN + 16;
    s.threads[ti].pc = 'c.read';
    const n = stepOnce(c, s, ti);
    expect([n.ghost.note, n.ghost.noteValue]).toEqual(['read', 0]);
  });

  it('read: nm_len 0 (a kernel-side error) is released at once: nothing consumed, never held', () => {
    const { c, s, ti } = at({ maxHold: 1 });
    valid(s, 0, 5, 3, 0);
    s.threads[ti].pc = 'c.read';
    expect(choicesOf(c, s, ti)).toEqual([0]);
    const n = stepOnce(c, s, ti);
    expect([n.ghost.note, n.threads[ti].l.seqLast, n.threads[ti].pc]).toEqual(['', 0, 'c.release']);
  });

  it('read: a dump part or NLMSG_DONE counts as dump data, not as an id', () => {
    for (const tag of [DUMP_TAG_BASE, DUMP_TAG_BASE + 15, MSG_DONE]) {
      const { c, s, ti } = at();
      valid(s, 0, tag, 4);
      s.threads[ti].pc = 'c.read';
      const n = stepOnce(c, s, ti);
      expect([n.ghost.note, n.ghost.noteValue, n.ghost.dumpRead, n.threads[ti].l.seqLast]).toEqual(['dump-read', tag, 1, 0]);
    }
  });

  it('release: VALID -> UNUSED, the cursor advances (wrapping at the frame count of the user\'s request)', () => {
    const { c, s, ti } = at();
    valid(s, 3, 5);
    s.threads[ti].pc = 'c.release';
    s.threads[ti].l.cursor = 3;
    s.ghost.copyFrame = 3;
    s.ghost.copyPaired = 3;
    const n = stepOnce(c, s, ti);
    expect([n.sock.rx.frames[3].status, n.threads[ti].l.cursor, n.ghost.copyFrame, n.ghost.copyPaired, n.threads[ti].pc]).toEqual([UNUSED, 0, -1, -1, 'c.look']);
  });

  it('release: a consumer that dumps after its first COPY message sends the dump request after releasing that frame', () => {
    const { c, s, ti } = at({ dump: true, dumpAfterCopy: true });
    s.sock.rx.frames[0].status = COPY;
    s.threads[ti].pc = 'c.release';
    s.threads[ti].l.dumpReq = 1;
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.dumpReq, n.threads[ti].pc, n.threads[ti].stack.toArray().at(-1)]).toEqual([2, 'dumpstart.lock', 'c.look']);
  });
});

describe('holding (ulogd2: SKIP)', () => {
  it('read: a non-empty frame may be held while fewer than maxHold frames are held', () => {
    const { c, s, ti } = at({ maxHold: 1 });
    valid(s, 0, 5);
    s.threads[ti].pc = 'c.read';
    expect(choicesOf(c, s, ti)).toEqual([0, 1]);
    expect(stepOnce(c, s, ti, 1).threads[ti].pc).toBe('c.skip');
    s.threads[ti].l.held.insertSorted(2);
    expect(choicesOf(c, s, ti)).toEqual([0]);
  });

  it('skip: VALID -> SKIP, the frame joins the held set, the cursor advances', () => {
    const { c, s, ti } = at({ maxHold: 2 });
    valid(s, 1, 5);
    s.threads[ti].pc = 'c.skip';
    s.threads[ti].l.cursor = 1;
    s.threads[ti].l.held.insertSorted(3);
    const n = stepOnce(c, s, ti);
    expect([n.sock.rx.frames[1].status, n.threads[ti].l.cursor, n.threads[ti].l.held.toArray()]).toEqual([SKIP, 2, [1, 3]]);
  });

  it('look: every held frame may be released (SKIP -> UNUSED), out of ring order', () => {
    const { c, s, ti } = at({ maxHold: 2 });
    for (const i of [1, 3]) {
      s.sock.rx.frames[i].status = SKIP;
      s.threads[ti].l.held.insertSorted(i);
    }
    expect(choicesOf(c, s, ti)).toEqual([LOOK, 0, 1]);
    const n = stepOnce(c, s, ti, 1);
    expect([n.sock.rx.frames[3].status, n.sock.rx.frames[1].status, n.threads[ti].l.held.toArray(), n.threads[ti].pc]).toEqual([UNUSED, SKIP, [1], 'c.look']);
  });
});

describe('poll and recvmsg results', () => {
  const polled = (mask: number, wake = false) => {
    const { c, s, ti } = at();
    s.threads[ti].l.mask = mask;
    s.threads[ti].l.waiting = true;
    s.sock.wake = wake;
    return { n: runContinuation(c, s, ti, 'c.polled'), ti };
  };

  it('poll returned POLLERR -> read the error (getsockopt SO_ERROR), then look again', () => {
    const { n, ti } = polled(POLLERR | POLLIN);
    expect([n.threads[ti].pc, n.threads[ti].stack.toArray().at(-1), n.threads[ti].l.waiting, n.threads[ti].l.mask]).toEqual(['err.read', 'c.look', false, 0]);
  });

  it('poll returned POLLIN, or a wakeup arrived meanwhile -> look again', () => {
    for (const [mask, wake] of [[POLLIN, false], [0, true]] as const) {
      const { n, ti } = polled(mask, wake);
      expect([n.threads[ti].pc, n.threads[ti].l.waiting]).toEqual(['c.look', false]);
    }
  });

  it('poll returned nothing and no wakeup -> sleep, until sk_data_ready / sk_error_report wakes the queue', () => {
    const { c, s, ti } = at();
    s.threads[ti].l.waiting = true;
    const n = runContinuation(c, s, ti, 'c.polled');
    expect([n.threads[ti].pc, n.threads[ti].l.waiting]).toEqual(['c.sleep', true]);
    expect(guardHolds(c, n, ti)).toBe(false);
    n.sock.wake = true;
    expect(guardHolds(c, n, ti)).toBe(true);
    const w = stepOnce(c, n, ti);
    expect([w.threads[ti].pc, w.threads[ti].l.waiting]).toEqual(['c.look', false]);
  });

  it('recvmsg returned a message -> the COPY frame and the message paired (ghost), consumed, then the frame released', () => {
    const { c, s, ti } = at({ dump: true, dumpAfterCopy: true });
    Object.assign(s.threads[ti].l, { ret: 1, rMsg: 5, rSeq: 2, rFrame: 1, cursor: 1 });
    const n = runContinuation(c, s, ti, 'c.copied');
    expect([n.ghost.copyFrame, n.ghost.copyPaired, n.threads[ti].l.seqLast, n.threads[ti].pc]).toEqual([1, 1, 2, 'c.release']);
    expect([n.threads[ti].l.rMsg, n.threads[ti].l.rSeq, n.threads[ti].l.rFrame, n.threads[ti].l.dumpReq]).toEqual([0, 0, -1, 1]);
  });

  it('recvmsg returned an error or EAGAIN -> look again, the frame stays COPY', () => {
    const { c, s, ti } = at();
    s.sock.rx.frames[0].status = COPY;
    s.threads[ti].l.ret = -11;
    const n = runContinuation(c, s, ti, 'c.copied');
    expect([n.threads[ti].pc, n.sock.rx.frames[0].status, n.ghost.copyFrame]).toEqual(['c.look', COPY, s.ghost.copyFrame]);
  });
});

describe('nfqueue batch verdicts (libmnl nf-queue example)', () => {
  const readId = (maxRead: number, seq: number) => {
    const { c, s, ti } = at({ verdicts: 1 }, true);
    valid(s, 0, 5, seq);
    s.threads[ti].pc = 'c.read';
    s.threads[ti].l.maxRead = maxRead;
    return { n: stepOnce(c, s, ti), ti };
  };

  it('nfqueue consumer: maxRead = max(maxRead, id): a smaller id read later does not lower it', () => {
    const { n, ti } = readId(5, 3);
    expect([n.threads[ti].l.maxRead, n.threads[ti].l.seqLast]).toEqual([5, 3]);
    expect(n.ghost.readIds & (1 << 3)).not.toBe(0);
  });

  it('nfqueue consumer: a larger id raises maxRead', () => {
    const { n, ti } = readId(3, 5);
    expect(n.threads[ti].l.maxRead).toBe(5);
  });

  it('a consumer without verdicts tracks no ids for them', () => {
    const { c, s, ti } = at({}, true);
    valid(s, 0, 5, 3);
    s.threads[ti].pc = 'c.read';
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.maxRead, n.ghost.readIds]).toEqual([0, 0]);
  });

  it('look: a verdict is offered only while verdicts remain and ids read are not yet covered', () => {
    const { c, s, ti } = at({ verdicts: 1 }, true);
    expect(choicesOf(c, s, ti)).toEqual([LOOK]);
    s.threads[ti].l.maxRead = 3;
    expect(choicesOf(c, s, ti)).toEqual([LOOK, VERDICT]);
    s.threads[ti].l.covered = 3;
    expect(choicesOf(c, s, ti)).toEqual([LOOK]);
    s.threads[ti].l.covered = 1;
    s.threads[ti].l.k = 1;
    expect(choicesOf(c, s, ti)).toEqual([LOOK]);
  });

  it('look (verdict): the TX frame at the user\'s cursor is UNUSED -> fill it; otherwise look again', () => {
    const { c, s, ti } = at({ verdicts: 1 }, true);
    s.threads[ti].l.maxRead = 3;
    expect(stepOnce(c, s, ti, VERDICT).threads[ti].pc).toBe('c.verdict-fill');
    s.sock.tx.frames[0].status = VALID;
    expect(stepOnce(c, s, ti, VERDICT).threads[ti].pc).toBe('c.look');
  });

  it('verdict: the batch verdict for ids <= maxRead is written, marked VALID, covered = maxRead, then sendto(NULL, 0)', () => {
    const { c, s, ti } = at({ verdicts: 1 }, true);
    Object.assign(s.threads[ti].l, { maxRead: 3, txCursor: 3 });
    s.threads[ti].pc = 'c.verdict-fill';
    let n = stepOnce(c, s, ti);
    expect(n.sock.tx.frames[3]).toMatchObject({ msg: MSG_VERDICT, seq: 3, len: 64, status: UNUSED });
    n = stepOnce(c, n, ti);
    expect([n.sock.tx.frames[3].status, n.threads[ti].l.covered, n.threads[ti].l.txCursor]).toEqual([VALID, 3, 0]);
    expect(n.threads[ti].stack.toArray().at(-1)).toBe('c.verdict-sent');
    expect(n.threads[ti].pc).toBe('tx.status'); // netlink_sendmsg's ring path (4.5)
  });

  it('verdict sent: one verdict fewer to send', () => {
    const { c, s, ti } = at({ verdicts: 2 }, true);
    const n = runContinuation(c, s, ti, 'c.verdict-sent');
    expect([n.threads[ti].l.k, n.threads[ti].pc]).toEqual([1, 'c.look']);
  });
});
