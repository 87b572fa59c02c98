/**
 * Rules of the receive-memory accounting (src/model/kernel/rmem.ts) on states built
 * by hand: netlink_recvmsg's dump gate (sk_rmem_alloc <= sk_rcvbuf / 2), the
 * sk_rmem_alloc > sk_rcvbuf refusal of netlink_attachskb, netlink_dump's test on a
 * socket without an RX ring, and where an ordinary skb is charged and given back.
 *
 * msgLen 64: one ordinary skb is 640 bytes of truesize, so rcvbuf 1280 puts the gate
 * exactly at one charged skb.
 */
import { describe, expect, it } from 'vitest';
import { EAGAIN, ENOBUFS, UNUSED, VALID } from '../../../src/model/constants.js';
import type { ThreadSpec } from '../../../src/model/config.js';
import { RCVBUF_DEFAULT, skbTruesize } from '../../../src/model/kernel/rmem.js';
import { maybeDestruct } from '../../../src/model/kernel/sock.js';
import { SKB_NONE, SKB_PLAIN, SKB_RX, type State } from '../../../src/model/state.js';
import { FOUR_PAGES, bench, catalogModel, enter, runContinuation, runToDone, scenario, stepOnce, take, threadIndex, tid } from '../helpers.js';

const dumper: ThreadSpec = { name: 'c', program: 'consumer', params: { maxHold: 0, dump: true } };
const plain: ThreadSpec = { name: 'q', program: 'producer', params: { count: 0, path: 'plain', firstTag: 1 } };
const ring: ThreadSpec = { name: 'p', program: 'producer', params: { count: 0, path: 'ring', firstTag: 1 } };
const mcast: ThreadSpec = { name: 'm', program: 'producer', params: { count: 0, path: 'mcast', firstTag: 1 } };

/** `n` ordinary skbs on the receive queue, each charged. */
function queued(s: State, n: number): void {
  for (let i = 0; i < n; i++) {
    s.sock.rcvq.push({ msg: 10 + i, seq: 0, frame: -1 });
    s.sock.rmem++;
  }
}

describe.each(['linux-4.5', 'linux-3.10'])('receive memory on %s', (v) => {
  const at = (name: string, label: string, rcvbuf?: number, over: { rx?: number | null } = {}) => {
    const b = bench(v, scenario([dumper, plain, ring, mcast], { requests: [FOUR_PAGES], dumpParts: 1, ...(rcvbuf === undefined ? {} : { rcvbuf }), ...over }));
    const ti = tid(b.c, name);
    enter(b.s, ti, label);
    return { ...b, ti };
  };

  it('the unit: one ordinary skb of a 64-byte message is 640 bytes of truesize (64 + 256 + 320)', () => {
    expect(skbTruesize(64)).toBe(640);
    expect(skbTruesize(65)).toBe(704);
    expect(RCVBUF_DEFAULT).toBe(212992);
  });

  it('netlink_recvmsg: skb_free_datagram gives the dequeued skb back before the gate reads the counter', () => {
    const { c, s, ti } = at('c', 'recv.dequeue', 1280);
    queued(s, 2);
    const n = stepOnce(c, s, ti);
    expect([n.sock.rmem, n.sock.rcvq.length]).toEqual([1, 1]);
  });

  it('netlink_recvmsg: a running dump continues when sk_rmem_alloc == sk_rcvbuf / 2 (the test is <=)', () => {
    const { c, s, ti } = at('c', 'recv.dequeue', 1280);
    queued(s, 2); // after the dequeue: 640 <= 1280 / 2
    s.sock.dumpRunning = true;
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].pc).toBe('dump.lock');
    expect(n.threads[ti].stack.toArray().at(-1)).toBe('recv.dump-ret');
    expect(n.ghost.note).not.toBe('dump-gated');
  });

  it('netlink_recvmsg: a running dump is left for later when sk_rmem_alloc > sk_rcvbuf / 2 (C int division: 1279 / 2 = 639)', () => {
    const { c, s, ti } = at('c', 'recv.dequeue', 1279);
    queued(s, 2);
    s.sock.dumpRunning = true;
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].pc).toBe('recv.wake');
    expect([n.ghost.note, n.sock.dumpRunning, n.threads[ti].l.ret, n.threads[ti].l.rMsg]).toEqual(['dump-gated', true, 1, 10]);
    expect(n.sock.cbMutex).toBe(-1);
  });

  it('netlink_recvmsg: the gate is read only while a dump runs (no dump: no note, straight to netlink_rcv_wake)', () => {
    const { c, s, ti } = at('c', 'recv.dequeue', 1279);
    queued(s, 3);
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].pc, n.ghost.note]).toEqual(['recv.wake', '']);
  });

  it('netlink_recvmsg: with the default sk_rcvbuf a queue the model can hold never closes the gate', () => {
    const { c, s, ti } = at('c', 'recv.dequeue');
    queued(s, 6);
    s.sock.dumpRunning = true;
    expect(stepOnce(c, s, ti).threads[ti].pc).toBe('dump.lock');
  });

  it('netlink_attachskb: sk_rmem_alloc > sk_rcvbuf refuses an ordinary skb as CONGESTED does: -EAGAIN, netlink_overrun', () => {
    const { c, s, ti } = at('q', 'send.attach', 1279);
    s.threads[ti].l.skb = SKB_PLAIN;
    queued(s, 2); // 1280 > 1279
    const n = runContinuation(c, s, ti, 'send.attach');
    expect([n.threads[ti].pc, n.threads[ti].l.ret, n.threads[ti].l.skb]).toEqual(['done', -EAGAIN, SKB_NONE]);
    expect([n.sock.rmem, n.sock.drops, n.sock.congested, n.sock.skErr]).toEqual([2, 1, true, ENOBUFS]);
  });

  it('netlink_attachskb: sk_rmem_alloc == sk_rcvbuf admits the skb and charges it (netlink_skb_set_owner_r)', () => {
    const { c, s, ti } = at('q', 'send.attach', 1280);
    s.threads[ti].l.skb = SKB_PLAIN;
    queued(s, 2);
    const n = runContinuation(c, s, ti, 'send.attach');
    expect(n.threads[ti].pc).toBe('send.copy-claim');
    expect([n.sock.rmem, n.sock.drops]).toEqual([3, 0]);
  });

  it('netlink_broadcast_deliver: the same bound for a multicast skb (admitted only while sk_rmem_alloc <= sk_rcvbuf)', () => {
    const refused = at('m', 'send.attach', 1279);
    refused.s.threads[refused.ti].l.skb = SKB_PLAIN;
    queued(refused.s, 2);
    expect(runContinuation(refused.c, refused.s, refused.ti, 'send.attach').threads[refused.ti].l.ret).toBe(-EAGAIN);
    const admitted = at('m', 'send.attach', 1280);
    admitted.s.threads[admitted.ti].l.skb = SKB_PLAIN;
    queued(admitted.s, 2);
    expect(runContinuation(admitted.c, admitted.s, admitted.ti, 'send.attach').sock.rmem).toBe(3);
  });

  it('netlink_attachskb: a ring skb is exempt from the sk_rcvbuf test and is not charged as an ordinary skb', () => {
    const { c, s, ti } = at('p', 'send.attach', 1);
    const l = s.threads[ti].l;
    l.skb = SKB_RX;
    l.skbGen = s.sock.rx.gen;
    l.skbFrame = 0;
    l.skbLen = 64;
    s.sock.rx.frames[0].owner = ti;
    s.sock.rx.pending++;
    s.sock.sockRefs++;
    queued(s, 2);
    const n = runContinuation(c, s, ti, 'send.attach');
    expect([n.threads[ti].pc, n.sock.rmem, n.sock.drops]).toEqual(['send.publish', 2, 0]);
  });

  it('netlink_ring_set_copied: an skb dropped on a full ring is freed and its charge given back; a queued one stays charged', () => {
    const full = at('q', 'send.copy-claim', 1280);
    const l = full.s.threads[full.ti].l;
    l.skb = SKB_PLAIN;
    l.skbLen = 64;
    l.skbMsg = 3;
    full.s.sock.rmem = 1; // charged by netlink_attachskb
    full.s.sock.rx.frames[0].status = VALID;
    const dropped = stepOnce(full.c, full.s, full.ti);
    expect([dropped.sock.rmem, dropped.sock.drops, dropped.sock.rcvq.length]).toEqual([0, 1, 0]);

    const free = at('q', 'send.copy-claim', 1280);
    const m = free.s.threads[free.ti].l;
    m.skb = SKB_PLAIN;
    m.skbLen = 64;
    m.skbMsg = 3;
    free.s.sock.rmem = 1;
    expect(free.s.sock.rx.frames[0].status).toBe(UNUSED);
    const kept = stepOnce(free.c, free.s, free.ti);
    expect([kept.sock.rmem, kept.sock.rcvq.length]).toEqual([1, 1]);
  });

  it('netlink_dump: no RX ring and sk_rmem_alloc >= sk_rcvbuf: -ENOBUFS before allocating, cb_mutex released, the dump stays running', () => {
    const { c, s, ti } = at('c', 'dump.lock', 1280, { rx: null });
    s.sock.dumpRunning = true;
    queued(s, 2); // 1280 >= 1280
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.ret, n.sock.cbMutex, n.sock.dumpRunning]).toEqual([-ENOBUFS, -1, true]);
  });

  it('netlink_dump: below sk_rcvbuf, or on a ring socket whatever sk_rmem_alloc, it goes on to allocate', () => {
    const below = at('c', 'dump.lock', 1281, { rx: null });
    below.s.sock.dumpRunning = true;
    queued(below.s, 2);
    expect(stepOnce(below.c, below.s, below.ti).threads[below.ti].pc).toBe('alloc.lookup');
    const ringed = at('c', 'dump.lock', 1);
    ringed.s.sock.dumpRunning = true;
    queued(ringed.s, 2);
    expect(ringed.s.sock.rx.gen).not.toBe(0);
    expect(stepOnce(ringed.c, ringed.s, ringed.ti).threads[ringed.ti].pc).toBe('alloc.lookup');
  });

  it('netlink_dump: netlink_skb_set_owner_r charges an ordinary dump skb, not a ring one', () => {
    for (const [kind, charged] of [[SKB_PLAIN, 1], [SKB_RX, 0]] as const) {
      const { c, s, ti } = at('c', 'dump.fill', 1280);
      s.sock.dumpRunning = true;
      s.sock.cbMutex = ti;
      const l = s.threads[ti].l;
      l.skb = kind;
      l.skbLen = 3776;
      if (kind === SKB_RX) {
        l.skbGen = s.sock.rx.gen;
        l.skbFrame = 0;
        s.sock.rx.frames[0].owner = ti;
        s.sock.rx.pending++;
      }
      expect(stepOnce(c, s, ti).sock.rmem).toBe(charged);
    }
  });

  it('socket destruction purges the receive queue and gives every purged charge back', () => {
    const { s } = at('c', 'recv.dequeue', 1280);
    queued(s, 2);
    s.sock.rmem++; // one more charged skb still on its way to the queue
    s.sock.released = true;
    s.sock.fileRefs = 0;
    s.sock.sockRefs = 0;
    s.sock.mapped = 0;
    maybeDestruct(s);
    expect([s.sock.destructed, s.sock.rcvq.length, s.sock.rmem]).toEqual([true, 0, 1]);
    expect(s.sock.rx.gen).toBe(0);
  });
});

describe.each(['linux-4.5', 'linux-3.10'])('the dump-rcvbuf scenario on %s', (v) => {
  const m = catalogModel(v, 'dump-rcvbuf');
  const plainAlone = () => runToDone(m, m.spec.init(), 'plain');

  it('the producer alone: two 2000-byte COPY messages are queued and charged, the third is refused by sk_rcvbuf, not by CONGESTED or a full ring', () => {
    const { state, kinds } = plainAlone();
    // Two claims of a COPY frame; the third message never reaches netlink_ring_set_copied.
    expect(kinds.filter((k) => k === 'send.copy-claim')).toHaveLength(2);
    // Both claims queued their skb, so the one drop (the first: CONGESTED was clear) is netlink_attachskb's.
    expect([state.sock.rcvq.length, state.sock.rmem, state.sock.drops, state.sock.congested, state.ghost.unreported]).toEqual([2, 2, 1, true, 1]);
  });

  it('then recvmsg of the first COPY message leaves the running dump: one queued skb (2624) is over 4608 / 2', () => {
    let s = plainAlone().state;
    const c = threadIndex(m, 'consumer');
    // The dump starts on a ring whose two frames are COPY: its first allocation overruns (the dump stays running).
    for (let n = 0; s.threads[c].pc !== 'recv.dequeue'; n++) {
      expect(n).toBeLessThan(40);
      s = take(m, s, 'consumer', s.threads[c].pc);
    }
    expect([s.sock.dumpRunning, s.sock.rmem]).toEqual([true, 2]);
    const n = take(m, s, 'consumer', 'recv.dequeue');
    expect([n.ghost.note, n.sock.rmem, n.sock.dumpRunning, n.threads[c].pc]).toEqual(['dump-gated', 1, true, 'recv.wake']);
    // The second recvmsg empties the queue and opens the gate: the dump goes on from recvmsg.
    let r = n;
    for (let k = 0; r.threads[c].pc !== 'recv.dequeue'; k++) {
      expect(k).toBeLessThan(40);
      r = take(m, r, 'consumer', r.threads[c].pc);
    }
    const o = take(m, r, 'consumer', 'recv.dequeue');
    expect([o.sock.rmem, o.threads[c].pc]).toEqual([0, 'dump.lock']);
  });
});
