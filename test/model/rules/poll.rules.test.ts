/**
 * Rules of netlink_poll (src/model/kernel/poll.ts), one test per branch on states
 * built by hand: registration, the dump continuation under netlink_dump_space,
 * netlink_rcv_wake, datagram_poll, the RX readability rule (4.5's
 * netlink_has_valid_frame scan; 3.10's forward-ring and previous-frame test) and
 * POLLOUT from the TX head.
 */
import { describe, expect, it } from 'vitest';
import { COPY, ENOBUFS, POLLERR, POLLIN, POLLOUT, RESERVED, SKIP, UNUSED, VALID } from '../../../src/model/constants.js';
import type { ThreadSpec } from '../../../src/model/config.js';
import { dumpSpaceSecond } from '../../../src/model/kernel/poll.js';
import { bench, enter, guardHolds, runContinuation, scenario, stepOnce, tid } from '../helpers.js';

const poller: ThreadSpec = { name: 'c', program: 'consumer', params: { maxHold: 0, dump: true } };
const other: ThreadSpec = { name: 'o', program: 'consumer', params: { maxHold: 0 } };

function at(v: string, label: string, over: { rx?: number | null; tx?: number | null } = {}) {
  const b = bench(v, scenario([poller, other], { rx: over.rx === undefined ? 0 : over.rx, tx: over.tx ?? null }));
  const ti = tid(b.c, 'c');
  enter(b.s, ti, label);
  return { ...b, ti };
}

describe.each(['linux-4.5', 'linux-3.10'])('netlink_poll on %s', (v) => {
  it('netlink_poll: sock_poll_wait registers the poller before anything is read (a later wakeup is not lost); mask starts empty', () => {
    const { c, s, ti } = at(v, 'poll.enter');
    s.sock.wake = true;
    s.threads[ti].l.mask = POLLERR;
    const n = runContinuation(c, s, ti, 'poll.enter');
    expect([n.threads[ti].l.waiting, n.sock.wake, n.threads[ti].l.mask, n.threads[ti].pc]).toEqual([true, false, 0, 'poll.rcvwake']);
  });

  it('netlink_poll: a dump is running -> netlink_dump_space is checked first', () => {
    const { c, s, ti } = at(v, 'poll.enter');
    s.sock.dumpRunning = true;
    expect(runContinuation(c, s, ti, 'poll.enter').threads[ti].pc).toBe('poll.space1');
  });

  it('netlink_poll: no RX ring -> straight to datagram_poll', () => {
    const { c, s, ti } = at(v, 'poll.enter', { rx: null });
    expect(runContinuation(c, s, ti, 'poll.enter').threads[ti].pc).toBe('poll.datagram');
  });

  it('netlink_dump_space: the head frame is not UNUSED -> no space, no dump', () => {
    const { c, s, ti } = at(v, 'poll.space1');
    s.sock.rx.frames[0].status = VALID;
    expect(stepOnce(c, s, ti).threads[ti].pc).toBe('poll.rcvwake');
  });

  it('netlink_dump_space: the head frame UNUSED -> look half a ring ahead', () => {
    const { c, s, ti } = at(v, 'poll.space1');
    expect(stepOnce(c, s, ti).threads[ti].pc).toBe('poll.space2');
  });

  it('netlink_dump_space: the frame half a ring ahead UNUSED too -> netlink_dump, returning to poll', () => {
    const { c, s, ti } = at(v, 'poll.space2');
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].pc, n.threads[ti].stack.toArray().at(-1)]).toEqual(['dump.lock', 'poll.dump-ret']);
  });

  it('netlink_dump_space: the frame half a ring ahead is taken -> no space', () => {
    const { c, s, ti } = at(v, 'poll.space2');
    s.sock.rx.frames[dumpSpaceSecond(0, 4)].status = COPY;
    expect(stepOnce(c, s, ti).threads[ti].pc).toBe('poll.rcvwake');
  });

  it('netlink_poll: a dump error from netlink_dump goes to sk_err, wakes pollers (sk_error_report), ends the dump loop', () => {
    const { c, s, ti } = at(v, 'poll.dump-check');
    s.threads[ti].stack.push('poll.dump-ret');
    s.threads[ti].l.ret = -ENOBUFS;
    const n = runContinuation(c, s, ti, 'poll.dump-ret');
    expect(n.sock.skErr).not.toBe(0);
    if (v === 'linux-4.5') expect(n.sock.skErr).toBe(ENOBUFS);
    expect([n.sock.wake, n.ghost.note, n.threads[ti].pc]).toEqual([true, 'dump-poll-enobufs', 'poll.rcvwake']);
  });

  it('netlink_poll: a dump part written -> check the space again (while netlink_dump_space)', () => {
    const { c, s, ti } = at(v, 'poll.dump-check');
    s.threads[ti].stack.push('poll.dump-ret');
    s.sock.dumpRunning = true;
    s.threads[ti].l.ret = 0;
    const n = runContinuation(c, s, ti, 'poll.dump-ret');
    expect([n.sock.skErr, n.ghost.note, n.threads[ti].pc]).toEqual([0, 'dump-from-poll', 'poll.space1']);
  });

  it('datagram_poll: POLLIN with a queued message, POLLERR with sk_err, POLLOUT always (netlink never charges sk_wmem_alloc)', () => {
    const { c, s, ti } = at(v, 'poll.datagram', { rx: null });
    let n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.ret, n.ghost.note, n.ghost.noteValue]).toEqual([POLLOUT, 'poll-return', POLLOUT]);
    s.sock.rcvq.push({ msg: 1, seq: 0, frame: -1 });
    s.sock.skErr = ENOBUFS;
    n = stepOnce(c, s, ti);
    expect(n.threads[ti].l.ret).toBe(POLLIN | POLLERR | POLLOUT);
  });

  it('datagram_poll: with an RX ring and nothing queued, the ring readability rule follows', () => {
    const { c, s, ti } = at(v, 'poll.datagram');
    expect(stepOnce(c, s, ti).threads[ti].pc).toBe(v === 'linux-4.5' ? 'poll.scan' : 'poll.forward');
  });

  it('netlink_poll: with a TX ring, POLLOUT is also looked for at the TX head', () => {
    const { c, s, ti } = at(v, 'poll.datagram', { rx: null, tx: 0 });
    expect(stepOnce(c, s, ti).threads[ti].pc).toBe('poll.tx');
  });

  it('netlink_poll: TX head UNUSED -> POLLOUT; either way the mask is returned and the scan position reset', () => {
    for (const st of [UNUSED, VALID]) {
      const { c, s, ti } = at(v, 'poll.tx', { tx: 0 });
      s.sock.tx.frames[0].status = st;
      s.threads[ti].l.mask = POLLIN;
      s.threads[ti].l.scan = 2;
      const n = stepOnce(c, s, ti);
      expect([n.threads[ti].l.ret, n.threads[ti].l.scan, n.threads[ti].pc]).toEqual([POLLIN | (st === UNUSED ? POLLOUT : 0), 0, 'done']);
    }
  });
});

describe('netlink_poll RX readability, 4.5: netlink_has_valid_frame', () => {
  it('netlink_poll (4.5, B10 fix): a queued message already gave POLLIN -> the ring scan is skipped', () => {
    const { c, s, ti } = at('linux-4.5', 'poll.datagram');
    s.sock.rcvq.push({ msg: 1, seq: 0, frame: 0 });
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].pc, n.threads[ti].l.ret]).toEqual(['done', POLLIN | POLLOUT]);
  });

  it('netlink_poll (3.10): a queued message does not skip the ring test', () => {
    const { c, s, ti } = at('linux-3.10', 'poll.datagram');
    s.sock.rcvq.push({ msg: 1, seq: 0, frame: 0 });
    expect(stepOnce(c, s, ti).threads[ti].pc).toBe('poll.forward');
  });

  it('netlink_has_valid_frame: under sk_receive_queue.lock (waits for another holder)', () => {
    const { c, s, ti } = at('linux-4.5', 'poll.scan');
    s.sock.rxqLock = tid(c, 'o');
    expect(guardHolds(c, s, ti)).toBe(false);
  });

  it('netlink_has_valid_frame: a VALID frame found -> POLLIN, unlock', () => {
    const { c, s, ti } = at('linux-4.5', 'poll.scan');
    s.sock.rx.head = 1;
    s.sock.rx.frames[1].status = VALID;
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.ret & POLLIN, n.sock.rxqLock, n.threads[ti].pc]).toEqual([POLLIN, -1, 'done']);
  });

  it('netlink_has_valid_frame: scans backwards from head, one frame per step, wrapping below 0', () => {
    const { c, s, ti } = at('linux-4.5', 'poll.scan');
    s.sock.rx.head = 1;
    s.sock.rx.frames[3].status = VALID;
    let n = stepOnce(c, s, ti);
    expect([n.sock.rxqLock, n.threads[ti].l.scan, n.threads[ti].pc]).toEqual([ti, 0, 'poll.scan']);
    n = stepOnce(c, n, ti);
    expect([n.threads[ti].l.scan, n.threads[ti].pc]).toEqual([3, 'poll.scan']);
    n = stepOnce(c, n, ti);
    expect([n.threads[ti].l.ret & POLLIN, n.sock.rxqLock]).toEqual([POLLIN, -1]);
  });

  it('netlink_has_valid_frame: COPY, SKIP, RESERVED do not make POLLIN; the scan stops after frame_max frames', () => {
    const { c, s, ti } = at('linux-4.5', 'poll.scan');
    [UNUSED, COPY, SKIP, RESERVED].forEach((st, i) => { s.sock.rx.frames[i].status = st; });
    let n = s;
    const labels: string[] = [];
    while (n.threads[ti].pc !== 'done') {
      labels.push(n.threads[ti].pc);
      n = stepOnce(c, n, ti);
    }
    expect(labels).toEqual(['poll.scan', 'poll.scan', 'poll.scan', 'poll.scan']);
    expect([n.threads[ti].l.ret & POLLIN, n.sock.rxqLock]).toEqual([0, -1]);
  });
  it('netlink_has_valid_frame: only VALID or a full turn ends the scan: a VALID frame behind COPY and SKIP frames still gives POLLIN', () => {
    const { c, s, ti } = at('linux-4.5', 'poll.scan');
    [UNUSED, VALID, COPY, SKIP].forEach((st, i) => { s.sock.rx.frames[i].status = st; });
    let n = s;
    for (let k = 0; k < 4 && n.threads[ti].pc !== 'done'; k++) n = stepOnce(c, n, ti);
    expect([n.threads[ti].pc, n.threads[ti].l.ret & POLLIN]).toEqual(['done', POLLIN]);
  });
});

describe('netlink_poll RX readability, 3.10: netlink_forward_ring and netlink_previous_frame', () => {
  it('netlink_poll (3.10): lock the queue, forward the ring (netlink_forward_ring), then the previous-frame test', () => {
    const { c, s, ti } = at('linux-3.10', 'poll.forward');
    s.sock.rxqLock = tid(c, 'o');
    expect(guardHolds(c, s, ti)).toBe(false);
    s.sock.rxqLock = -1;
    const n = stepOnce(c, s, ti);
    expect([n.sock.rxqLock, n.threads[ti].pc, n.threads[ti].stack.toArray().at(-1)]).toEqual([ti, 'fwd.step', 'poll.prev']);
  });

  it('netlink_poll (3.10): POLLIN unless the frame before head is UNUSED (head 0 looks at frame_max), unlock', () => {
    for (const [st, mask] of [[UNUSED, 0], [VALID, POLLIN], [COPY, POLLIN], [SKIP, POLLIN]] as const) {
      const { c, s, ti } = at('linux-3.10', 'poll.prev');
      s.sock.rxqLock = ti;
      s.sock.rx.frames[3].status = st;
      const n = stepOnce(c, s, ti);
      expect([n.threads[ti].l.ret & POLLIN, n.sock.rxqLock]).toEqual([mask, -1]);
    }
  });
});

it('netlink_dump_space (4.5): the second frame is head + frame_max / 2, wrapped by subtracting frame_max (not frame_max + 1)', () => {
  expect([dumpSpaceSecond(0, 4), dumpSpaceSecond(2, 4), dumpSpaceSecond(3, 4), dumpSpaceSecond(1, 2), dumpSpaceSecond(4, 8)]).toEqual([1, 3, 1, 1, 7]);
});
