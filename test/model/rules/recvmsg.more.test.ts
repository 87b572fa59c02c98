/**
 * More rules of netlink_recvmsg and getsockopt(SO_ERROR) (src/model/kernel/recvmsg.ts):
 * the recv() buffer size a scenario may give, when max_recvmsg_len is kept at all, the
 * descriptions of an empty queue and of a clear sk_err, and which error reading resets the
 * ghost count of unreported overruns.
 */
import { describe, expect, it } from 'vitest';
import { EINVAL, ENOBUFS } from '../../../src/model/constants.js';
import type { ThreadSpec } from '../../../src/model/config.js';
import { recvBufOf, tracksMaxRecvmsgLen } from '../../../src/model/kernel/recvmsg.js';
import { describeAction, enabledActions } from '../../../src/model/spec.js';
import type { State } from '../../../src/model/state.js';
import type { Ctx } from '../../../src/model/step.js';
import { bench, enter, scenario, stepOnce, tid, nextStepText } from '../helpers.js';

const consumer = (params: { dump?: boolean; recvBuf?: number } = {}): ThreadSpec => ({ name: 'c', program: 'consumer', params: { maxHold: 0, ...params } });
const other: ThreadSpec = { name: 'o', program: 'consumer', params: { maxHold: 0 } };

const textOf = nextStepText;

describe('netlink_recvmsg: the recv() buffer (len)', () => {
  it('recv(): the buffer length must be a positive integer (0, negative and fractional sizes are rejected)', () => {
    for (const bad of [0, -1, 1.5]) {
      const { c } = bench('linux-4.5', scenario([consumer({ recvBuf: bad }), other]));
      expect(() => recvBufOf(c, 0)).toThrow(/recvBuf must be a positive integer/);
    }
    const { c } = bench('linux-4.5', scenario([consumer({ recvBuf: 1 }), other]));
    expect(recvBufOf(c, 0)).toBe(1);
  });

  it('netlink_recvmsg (3.15+): max_recvmsg_len is kept only where some consumer dumps (its only reader is netlink_dump)', () => {
    expect(tracksMaxRecvmsgLen(bench('linux-4.5', scenario([consumer(), other])).c)).toBe(false);
    expect(tracksMaxRecvmsgLen(bench('linux-4.5', scenario([consumer({ dump: true }), other])).c)).toBe(true);
    expect(tracksMaxRecvmsgLen(bench('linux-3.10', scenario([consumer({ dump: true }), other])).c)).toBe(false);
  });
});

describe.each(['linux-4.5', 'linux-3.10'])('netlink_recvmsg and SO_ERROR on %s', (v) => {
  const at = (label: string) => {
    const b = bench(v, scenario([consumer(), other]));
    const ti = tid(b.c, 'c');
    enter(b.s, ti, label);
    return { ...b, ti };
  };

  it('__skb_recv_datagram (MSG_DONTWAIT): an empty queue is described as -EAGAIN', () => {
    const { c, s, ti } = at('recv.dequeue');
    expect(textOf(c, s, ti)).toContain('queue empty: -EAGAIN');
  });

  it('__skb_recv_datagram: a dequeued message without an id is described by its tag alone', () => {
    const { c, s, ti } = at('recv.dequeue');
    s.sock.rcvq.push({ msg: 5, seq: 0, frame: -1 });
    expect(textOf(c, s, ti)).toMatch(/recvmsg: dequeue message 5$/);
    s.sock.rcvq.shift();
    s.sock.rcvq.push({ msg: 5, seq: 2, frame: -1 });
    expect(textOf(c, s, ti)).toMatch(/recvmsg: dequeue message 5 \(id 2\)$/);
  });

  it('getsockopt(SO_ERROR): no pending error is described without "cleared"; a pending one with it', () => {
    const { c, s, ti } = at('err.read');
    expect(textOf(c, s, ti)).toMatch(/getsockopt\(SO_ERROR\): \S+$/);
    s.sock.skErr = ENOBUFS;
    expect(textOf(c, s, ti)).toContain(', cleared');
  });

  it('getsockopt(SO_ERROR): reading an error other than ENOBUFS does not count as reporting the overruns', () => {
    for (const err of [0, EINVAL]) {
      const { c, s, ti } = at('err.read');
      s.sock.skErr = err;
      s.ghost.unreported = 2;
      expect(stepOnce(c, s, ti).ghost.unreported).toBe(2);
    }
    const { c, s, ti } = at('err.read');
    s.sock.skErr = ENOBUFS;
    s.ghost.unreported = 2;
    expect(stepOnce(c, s, ti).ghost.unreported).toBe(0);
  });
});
