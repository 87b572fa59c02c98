/**
 * netlink_recvmsg (src/model/kernel/recvmsg.ts): whether a scenario keeps max_recvmsg_len
 * depends on its consumers alone. The field's only reader is netlink_dump, and only a
 * consumer thread starts a dump; threads of other programs (a forker has no parameters at
 * all, producers and TX users have no `dump`) never make it kept.
 */
import { describe, expect, it } from 'vitest';
import type { ThreadSpec } from '../../../src/model/config.js';
import { tracksMaxRecvmsgLen } from '../../../src/model/kernel/recvmsg.js';
import { bench, scenario, stepOnce, enter, tid } from '../helpers.js';

const quiet: ThreadSpec = { name: 'c', program: 'consumer', params: { maxHold: 0 } };
const dumper: ThreadSpec = { name: 'd', program: 'consumer', params: { maxHold: 0, dump: true } };
const forker: ThreadSpec = { name: 'f', program: 'forker' };
const producer: ThreadSpec = { name: 'p', program: 'producer', params: { count: 1, path: 'ring', firstTag: 1 } };

describe('netlink_recvmsg (3.15+): max_recvmsg_len is kept only where a consumer dumps', () => {
  it('a non-dumping consumer with a forker and a producer: not kept, and a recvmsg that dequeues leaves it 0 and does not describe it', () => {
    const { c, s } = bench('linux-4.5', scenario([quiet, forker, producer]));
    expect(tracksMaxRecvmsgLen(c)).toBe(false);
    const ti = tid(c, 'c');
    enter(s, ti, 'recv.dequeue');
    s.sock.rcvq.push({ msg: 3, seq: 0, frame: -1 });
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.rMsg, n.sock.maxRecvmsgLen]).toEqual([3, 0]);
  });

  it('a dumping consumer listed after a forker: kept (linux-4.5), whatever comes before it', () => {
    expect(tracksMaxRecvmsgLen(bench('linux-4.5', scenario([forker, producer, dumper])).c)).toBe(true);
    expect(tracksMaxRecvmsgLen(bench('linux-3.10', scenario([forker, producer, dumper])).c)).toBe(false);
  });
});
