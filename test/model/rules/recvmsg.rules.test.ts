/**
 * Rules of netlink_recvmsg on a ring socket (src/model/kernel/recvmsg.ts), one
 * test per branch, on states built by hand: sock_error first, the dequeue, the
 * dump it continues, and netlink_rcv_wake at its end; and getsockopt(SO_ERROR).
 */
import { describe, expect, it } from 'vitest';
import { EAGAIN, ENOBUFS, EINVAL } from '../../../src/model/constants.js';
import type { ThreadSpec } from '../../../src/model/config.js';
import type { Ctx } from '../../../src/model/step.js';
import type { State } from '../../../src/model/state.js';
import { bench, enter, guardHolds, runContinuation, scenario, stepOnce, tid } from '../helpers.js';

const consumer = (dump = false, recvBuf?: number): ThreadSpec => ({
  name: 'c', program: 'consumer', params: { maxHold: 0, dump, ...(recvBuf === undefined ? {} : { recvBuf }) },
});
const other: ThreadSpec = { name: 'o', program: 'consumer', params: { maxHold: 0 } };

/** Run thread `ti` alone (first enabled choice) until its call returns; the labels it passed through. */
function runCall(c: Ctx, s: State, ti: number): { state: State; labels: string[] } {
  const labels: string[] = [];
  let cur = s;
  for (let n = 0; cur.threads[ti].pc !== 'done'; n++) {
    if (n > 20) throw new Error(`no return after ${labels.join(', ')}`);
    labels.push(cur.threads[ti].pc);
    cur = stepOnce(c, cur, ti);
  }
  return { state: cur, labels };
}

describe.each(['linux-4.5', 'linux-3.10'])('netlink_recvmsg on %s', (v) => {
  const at = (label: string, dump = false, recvBuf?: number) => {
    const b = bench(v, scenario([consumer(dump, recvBuf), other]));
    const ti = tid(b.c, 'c');
    enter(b.s, ti, label);
    return { ...b, ti };
  };

  it('netlink_recvmsg -> sock_error: a pending sk_err is returned and cleared before any message is dequeued', () => {
    const { c, s, ti } = at('recv.err');
    s.sock.skErr = ENOBUFS;
    s.ghost.unreported = 2;
    s.sock.rcvq.push({ msg: 1, seq: 0, frame: 0 });
    const n = stepOnce(c, s, ti);
    expect([n.sock.skErr, n.threads[ti].l.ret, n.ghost.unreported, n.ghost.note]).toEqual([0, -ENOBUFS, 0, 'error-read']);
    expect(n.threads[ti].pc).toBe('recv.wake');
    expect(n.sock.rcvq.length).toBe(1);
  });

  it('netlink_recvmsg -> sock_error: reading an error other than ENOBUFS does not report the losses', () => {
    const { c, s, ti } = at('recv.err');
    s.sock.skErr = EINVAL;
    s.ghost.unreported = 2;
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.ret, n.ghost.unreported]).toEqual([-EINVAL, 2]);
  });

  it('netlink_recvmsg: no pending error -> dequeue', () => {
    const { c, s, ti } = at('recv.err');
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].pc).toBe('recv.dequeue');
  });

  it('netlink_recvmsg (MSG_DONTWAIT): an empty queue -> -EAGAIN, still through netlink_rcv_wake', () => {
    const { c, s, ti } = at('recv.dequeue');
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].l.ret).toBe(-EAGAIN);
    expect(n.threads[ti].pc).toBe('recv.wake');
  });

  it('netlink_recvmsg: dequeues the head of the queue (FIFO) with the COPY frame it was queued with', () => {
    const { c, s, ti } = at('recv.dequeue');
    s.sock.rcvq.push({ msg: 7, seq: 3, frame: 2 });
    s.sock.rcvq.push({ msg: 8, seq: 4, frame: 3 });
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.rMsg, n.threads[ti].l.rSeq, n.threads[ti].l.rFrame, n.threads[ti].l.ret]).toEqual([7, 3, 2, 1]);
    expect(n.sock.rcvq.toArray()).toEqual([{ msg: 8, seq: 4, frame: 3 }]);
    expect(n.threads[ti].pc).toBe('recv.wake');
  });

  it('netlink_recvmsg: the dequeue takes sk_receive_queue.lock (waits for another holder)', () => {
    const { c, s, ti } = at('recv.dequeue');
    s.sock.rxqLock = tid(c, 'o');
    expect(guardHolds(c, s, ti)).toBe(false);
    s.sock.rxqLock = ti;
    expect(guardHolds(c, s, ti)).toBe(true);
  });

  it('netlink_recvmsg: a running dump (cb_running) is continued after the dequeue (netlink_dump), returning to recvmsg', () => {
    const { c, s, ti } = at('recv.dequeue', true);
    s.sock.dumpRunning = true;
    s.sock.rcvq.push({ msg: 7, seq: 0, frame: 1 });
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].pc).toBe('dump.lock');
    expect(n.threads[ti].stack.toArray().at(-1)).toBe('recv.dump-ret');
  });

  it('netlink_recvmsg: no dump running -> no netlink_dump call', () => {
    const { c, s, ti } = at('recv.dequeue', true);
    s.sock.rcvq.push({ msg: 7, seq: 0, frame: 1 });
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].pc).toBe('recv.wake');
  });

  it('netlink_recvmsg: an empty queue does not continue the dump either', () => {
    const { c, s, ti } = at('recv.dequeue', true);
    s.sock.dumpRunning = true;
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].pc).toBe('recv.wake');
  });

  it('netlink_recvmsg: a dump error from the continued dump is stored in sk_err and wakes pollers; recvmsg still returns its message', () => {
    const { c, s, ti } = at('recv.dequeue', true);
    s.threads[ti].stack.push('recv.dump-ret');
    s.threads[ti].l.ret = -ENOBUFS;
    const n = runContinuation(c, s, ti, 'recv.dump-ret');
    expect(n.sock.skErr).not.toBe(0);
    if (v === 'linux-4.5') expect(n.sock.skErr).toBe(ENOBUFS);
    expect([n.sock.wake, n.threads[ti].l.ret, n.threads[ti].pc]).toEqual([true, 1, 'recv.wake']);
  });

  it('netlink_recvmsg: a dump continued without error leaves sk_err alone', () => {
    const { c, s, ti } = at('recv.dequeue', true);
    s.threads[ti].stack.push('recv.dump-ret');
    s.threads[ti].l.ret = 0;
    const n = runContinuation(c, s, ti, 'recv.dump-ret');
    expect([n.sock.skErr, n.sock.wake, n.threads[ti].l.ret]).toEqual([0, false, 1]);
  });

  it('netlink_recvmsg ends with netlink_rcv_wake: a recvmsg that empties the queue clears CONGESTED', () => {
    const { c, s, ti } = at('recv.err');
    s.sock.congested = true;
    s.sock.rcvq.push({ msg: 7, seq: 0, frame: 1 });
    const r = runCall(c, s, ti);
    expect(r.state.threads[ti].l.ret).toBe(1);
    expect(r.state.sock.congested).toBe(false);
    expect(r.labels).toEqual(['recv.err', 'recv.dequeue', 'recv.wake']);
  });

  it('netlink_recvmsg ends with netlink_rcv_wake also after returning sk_err', () => {
    const { c, s, ti } = at('recv.err');
    s.sock.congested = true;
    s.sock.skErr = ENOBUFS;
    const r = runCall(c, s, ti);
    expect(r.state.threads[ti].l.ret).toBe(-ENOBUFS);
    expect(r.state.sock.congested).toBe(false);
  });

  it('getsockopt(SO_ERROR) -> sock_error: returns sk_err and clears it; ENOBUFS read reports the losses', () => {
    const { c, s, ti } = at('err.read');
    s.sock.skErr = ENOBUFS;
    s.ghost.unreported = 3;
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.ret, n.sock.skErr, n.ghost.unreported, n.ghost.note]).toEqual([ENOBUFS, 0, 0, 'error-read']);
    const z = at('err.read');
    const m = stepOnce(z.c, z.s, z.ti);
    expect([m.threads[z.ti].l.ret, m.ghost.note]).toEqual([0, '']);
  });
});

describe('netlink_recvmsg records max_recvmsg_len for dump autosizing (3.15+, 9063e21fb026)', () => {
  it('netlink_recvmsg (4.5): max_recvmsg_len = min(max(max_recvmsg_len, len), 16384) when a dump can read it', () => {
    const b = bench('linux-4.5', scenario([consumer(true, 8192), other]));
    const ti = tid(b.c, 'c');
    enter(b.s, ti, 'recv.dequeue');
    b.s.sock.rcvq.push({ msg: 7, seq: 0, frame: 1 });
    b.s.sock.maxRecvmsgLen = 4096;
    expect(stepOnce(b.c, b.s, ti).sock.maxRecvmsgLen).toBe(8192);
    b.s.sock.maxRecvmsgLen = 12000;
    expect(stepOnce(b.c, b.s, ti).sock.maxRecvmsgLen).toBe(12000);
    const big = bench('linux-4.5', scenario([consumer(true, 65536), other]));
    enter(big.s, ti, 'recv.dequeue');
    big.s.sock.rcvq.push({ msg: 7, seq: 0, frame: 1 });
    expect(stepOnce(big.c, big.s, ti).sock.maxRecvmsgLen).toBe(16384);
  });

  it('netlink_recvmsg: an empty queue records nothing; 3.10 (before 3.15) never records', () => {
    const b = bench('linux-4.5', scenario([consumer(true, 8192), other]));
    const ti = tid(b.c, 'c');
    enter(b.s, ti, 'recv.dequeue');
    expect(stepOnce(b.c, b.s, ti).sock.maxRecvmsgLen).toBe(0);
    const o = bench('linux-3.10', scenario([consumer(true, 8192), other]));
    enter(o.s, ti, 'recv.dequeue');
    o.s.sock.rcvq.push({ msg: 7, seq: 0, frame: 1 });
    expect(stepOnce(o.c, o.s, ti).sock.maxRecvmsgLen).toBe(0);
  });
});
