/**
 * Rules of the socket helpers shared by the kernel paths (src/model/kernel/sock.ts):
 * netlink_rcv_wake (as recvmsg's and poll's step), netlink_overrun, sock_put and
 * netlink_sock_destruct, netlink_increment_head. One test per branch.
 */
import { describe, expect, it } from 'vitest';
import { ENOBUFS, EINVAL } from '../../../src/model/constants.js';
import type { ThreadSpec } from '../../../src/model/config.js';
import { dropSkb, maybeDestruct, nextIndex, overrun, sockPut, tagBit } from '../../../src/model/kernel/sock.js';
import { SKB_RX } from '../../../src/model/state.js';
import { bench, enter, scenario, stepOnce, tid } from '../helpers.js';

const consumer: ThreadSpec = { name: 'c', program: 'consumer', params: { maxHold: 0 } };

const fresh = (noEnobufs = false) => bench('linux-4.5', scenario([consumer], { noEnobufs }));

describe('netlink_rcv_wake', () => {
  // recvmsg's and poll's wake steps are both built by rcvWakeStep; each is tested at its own label.
  for (const label of ['recv.wake', 'poll.rcvwake']) {
    const at = () => {
      const b = fresh();
      const ti = tid(b.c, 'c');
      enter(b.s, ti, label);
      return { ...b, ti };
    };

    it(`netlink_rcv_wake (${label}): the receive queue is empty -> clear NETLINK_S_CONGESTED`, () => {
      const { c, s, ti } = at();
      s.sock.congested = true;
      const n = stepOnce(c, s, ti);
      expect(n.sock.congested).toBe(false);
    });

    it(`netlink_rcv_wake (${label}): CONGESTED stays set while the receive queue is not empty`, () => {
      const { c, s, ti } = at();
      s.sock.congested = true;
      s.sock.rcvq.push({ msg: 1, seq: 0, frame: 0 });
      const n = stepOnce(c, s, ti);
      expect(n.sock.congested).toBe(true);
    });
  }

  it('netlink_rcv_wake (recv.wake): recvmsg then returns the value it prepared', () => {
    const b = fresh();
    const ti = tid(b.c, 'c');
    enter(b.s, ti, 'recv.wake');
    b.s.threads[ti].l.ret = -EINVAL;
    const n = stepOnce(b.c, b.s, ti);
    expect([n.threads[ti].pc, n.threads[ti].l.ret]).toEqual(['done', -EINVAL]);
  });
});

describe('netlink_overrun', () => {
  it('netlink_overrun: the first overrun sets CONGESTED and sk_err = ENOBUFS, wakes pollers, counts a drop', () => {
    const { s } = fresh();
    overrun(s, 0);
    expect([s.sock.congested, s.sock.skErr, s.sock.wake, s.sock.drops, s.ghost.unreported]).toEqual([true, ENOBUFS, true, 1, 1]);
  });

  it('netlink_overrun: already CONGESTED -> sk_err is not set again (only the drop is counted)', () => {
    const { s } = fresh();
    s.sock.congested = true;
    overrun(s, 0);
    expect([s.sock.congested, s.sock.skErr, s.sock.wake, s.sock.drops, s.ghost.unreported]).toEqual([true, 0, false, 1, 1]);
  });

  it('netlink_overrun with NETLINK_NO_ENOBUFS: neither CONGESTED nor sk_err, the drop still counted', () => {
    const { s } = fresh(true);
    overrun(s, 0);
    expect([s.sock.congested, s.sock.skErr, s.sock.wake, s.sock.drops]).toEqual([false, 0, false, 1]);
  });

  it('netlink_overrun after netlink_release: nobody is left to tell, so no unreported loss', () => {
    const { s } = fresh();
    s.sock.released = true;
    overrun(s, 0);
    expect([s.sock.drops, s.ghost.unreported]).toEqual([1, 0]);
  });
});

describe('sock_put and netlink_sock_destruct', () => {
  it('sock_put: the last reference of a released socket with no file runs netlink_sock_destruct (rings freed, queue purged)', () => {
    const { s } = fresh();
    s.sock.released = true;
    s.sock.fileRefs = 0;
    s.sock.sockRefs = 1;
    s.sock.rcvq.push({ msg: 1, seq: 0, frame: 0 });
    sockPut(s, 0);
    expect([s.sock.sockRefs, s.sock.destructed, s.sock.rcvq.length, s.sock.rx.gen, s.sock.rx.req, s.sock.tx.gen]).toEqual([0, true, 0, 0, -1, 0]);
  });

  it('netlink_sock_destruct waits for each of: netlink_release, the last socket reference, the last file reference', () => {
    for (const [released, sockRefs, fileRefs] of [[false, 0, 0], [true, 1, 0], [true, 0, 1]] as const) {
      const { s } = fresh();
      Object.assign(s.sock, { released, sockRefs, fileRefs });
      maybeDestruct(s);
      expect(s.sock.destructed).toBe(false);
      expect(s.sock.rx.gen).not.toBe(0);
    }
  });
});

describe('the skb a thread lets go of', () => {
  it('dropSkb: every skb local is back to what a thread starts with, so a freed skb leaves no trace that would split one state into several', () => {
    const { s } = fresh();
    const ti = 0;
    const l = s.threads[ti].l;
    const skbLocals = () => [l.skb, l.skbGen, l.skbFrame, l.skbLen, l.skbMsg, l.skbSeq];
    const start = skbLocals();
    Object.assign(l, { skb: SKB_RX, skbGen: 2, skbFrame: 3, skbLen: 64, skbMsg: 5, skbSeq: 6 });
    dropSkb(s, ti);
    expect(skbLocals()).toEqual(start);
    expect(start).toEqual([0, 0, -1, 0, 0, 0]);
  });
});

describe('ring index and tag helpers', () => {
  it('netlink_increment_head: head wraps to 0 at frame_max', () => {
    expect([nextIndex(0, 4), nextIndex(2, 4), nextIndex(3, 4), nextIndex(0, 1), nextIndex(0, 0)]).toEqual([1, 3, 0, 0, 0]);
  });

  it('ghost tag bits: tags 1..29 have a bit, others none', () => {
    expect([tagBit(0), tagBit(1), tagBit(29), tagBit(30)]).toEqual([0, 2, 1 << 29, 0]);
  });
});
