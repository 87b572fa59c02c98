/**
 * Rules of delivery to a ring socket (src/model/kernel/deliver.ts), one test per
 * branch, on states built by hand: admission while CONGESTED (netlink_attachskb /
 * netlink_broadcast_deliver), __netlink_sendskb's routing, netlink_queue_mmaped_skb,
 * netlink_ring_set_copied and the RX skb destructor.
 */
import { describe, expect, it } from 'vitest';
import { COPY, EAGAIN, ECONNREFUSED, ENOBUFS, ESRCH, HDRLEN, RESERVED, SKIP, UNUSED, VALID } from '../../../src/model/constants.js';
import type { ThreadSpec } from '../../../src/model/config.js';
import { SKB_NONE, SKB_PLAIN, SKB_RX, type State } from '../../../src/model/state.js';
import { destinationGoneText } from '../../../src/model/kernel/deliver.js';
import { bench, enter, guardHolds, runContinuation, scenario, stepOnce, tid } from '../helpers.js';

const idle = (name: string, path: 'ring' | 'plain' | 'mcast'): ThreadSpec => ({ name, program: 'producer', params: { count: 0, path, firstTag: 1 } });
const waiter: ThreadSpec = { name: 'c', program: 'consumer', params: { maxHold: 0 } };

/** Thread `name` holds an skb of `kind` (a ring skb in frame `frame`, RESERVED, pending and a socket reference counted). */
function holding(s: State, ti: number, kind: number, frame = 0, len = 64): void {
  const l = s.threads[ti].l;
  l.skb = kind;
  l.skbLen = len;
  if (kind === SKB_RX) {
    l.skbGen = s.sock.rx.gen;
    l.skbFrame = frame;
    s.sock.rx.frames[frame].status = RESERVED;
    s.sock.rx.frames[frame].owner = ti;
    s.sock.rx.pending++;
    s.sock.sockRefs++;
  } else {
    l.skbMsg = 5;
    l.skbSeq = 2;
  }
}

describe.each(['linux-4.5', 'linux-3.10'])('delivery on %s', (v) => {
  const at = (label: string, name: string, kind: number, over: { rx?: number | null } = {}) => {
    const b = bench(v, scenario([idle('p', 'ring'), idle('q', 'plain'), idle('m', 'mcast'), waiter], { rx: over.rx === undefined ? 0 : over.rx }));
    const ti = tid(b.c, name);
    enter(b.s, ti, label);
    holding(b.s, ti, kind);
    return { ...b, ti };
  };

  it('netlink_attachskb: while CONGESTED an ordinary skb is refused: -EAGAIN, freed, netlink_overrun counts a drop', () => {
    const { c, s, ti } = at('send.attach', 'q', SKB_PLAIN);
    s.sock.congested = true;
    const n = runContinuation(c, s, ti, 'send.attach');
    expect(n.threads[ti].l.ret).toBe(-EAGAIN);
    expect(n.threads[ti].pc).toBe('done');
    expect(n.threads[ti].l.skb).toBe(SKB_NONE);
    expect([n.sock.drops, n.sock.congested, n.ghost.unreported, n.sock.rcvq.length]).toEqual([1, true, 1, 0]);
  });

  it('netlink_attachskb: ring skbs are exempt from CONGESTED: a ring skb goes on to be published', () => {
    const { c, s, ti } = at('send.attach', 'p', SKB_RX);
    s.sock.congested = true;
    const n = runContinuation(c, s, ti, 'send.attach');
    expect(n.threads[ti].pc).toBe('send.publish');
    expect(n.threads[ti].l.skb).toBe(SKB_RX);
    expect(n.sock.drops).toBe(0);
    // ... and the publication then succeeds although the socket is congested.
    const p = stepOnce(c, n, ti);
    expect(p.sock.rx.frames[0].status).toBe(VALID);
    expect(p.threads[ti].l.ret).toBe(64);
  });

  it('netlink_attachskb: not CONGESTED: an ordinary skb is admitted (routed to netlink_ring_set_copied on a ring socket)', () => {
    const { c, s, ti } = at('send.attach', 'q', SKB_PLAIN);
    const n = runContinuation(c, s, ti, 'send.attach');
    expect(n.threads[ti].pc).toBe('send.copy-claim');
    expect(n.threads[ti].l.skbGen).toBe(s.sock.rx.gen);
    expect(n.sock.drops).toBe(0);
  });

  it('__netlink_sendskb: without an RX ring an ordinary skb goes to the receive queue', () => {
    const { c, s, ti } = at('send.skb', 'q', SKB_PLAIN, { rx: null });
    const n = runContinuation(c, s, ti, 'send.skb');
    expect(n.threads[ti].pc).toBe('send.queue');
  });

  it('__netlink_sendskb: a ring skb is published (netlink_queue_mmaped_skb), never copied', () => {
    const { c, s, ti } = at('send.skb', 'p', SKB_RX);
    const n = runContinuation(c, s, ti, 'send.skb');
    expect(n.threads[ti].pc).toBe('send.publish');
  });

  it('netlink_queue_mmaped_skb: nm_len, nm_group 0, VALID; destructor pending-- and sock_put; sk_data_ready wakes a waiter; returns the length', () => {
    const { c, s, ti } = at('send.publish', 'p', SKB_RX);
    s.threads[tid(c, 'c')].l.waiting = true;
    s.sock.rx.frames[0].group = 3;
    const n = stepOnce(c, s, ti);
    expect(n.sock.rx.frames[0]).toMatchObject({ status: VALID, len: 64, group: 0, owner: -1 });
    expect([n.sock.rx.pending, n.sock.sockRefs, n.sock.wake]).toEqual([0, 0, true]);
    expect(n.threads[ti].l.ret).toBe(64);
    expect(n.threads[ti].l.skb).toBe(SKB_NONE);
  });

  it('sk_data_ready wakes only registered waiters: nobody waiting, no wakeup recorded', () => {
    const { c, s, ti } = at('send.publish', 'p', SKB_RX);
    const n = stepOnce(c, s, ti);
    expect(n.sock.wake).toBe(false);
  });

  it('__netlink_sendskb (no RX ring): skb_queue_tail under the queue lock, then sk_data_ready', () => {
    const { c, s, ti } = at('send.queue', 'q', SKB_PLAIN, { rx: null });
    s.sock.rxqLock = tid(c, 'p');
    expect(guardHolds(c, s, ti)).toBe(false);
    s.sock.rxqLock = -1;
    s.threads[tid(c, 'c')].l.waiting = true;
    const n = stepOnce(c, s, ti);
    expect(n.sock.rcvq.toArray()).toEqual([{ msg: 5, seq: 2, frame: -1 }]);
    expect([n.threads[ti].l.ret, n.sock.wake, n.sock.rxqLock]).toEqual([64, true, -1]);
  });

  it('netlink_ring_set_copied: the head frame is UNUSED -> claimed (head++), the skb queued with its frame, COPY written later', () => {
    const { c, s, ti } = at('send.copy-claim', 'q', SKB_PLAIN);
    s.threads[ti].l.skbGen = s.sock.rx.gen;
    s.sock.rx.head = 3;
    const n = stepOnce(c, s, ti);
    expect(n.sock.rx.head).toBe(0); // wraps at frame_max
    expect(n.sock.rcvq.toArray()).toEqual([{ msg: 5, seq: 2, frame: 3 }]);
    expect(n.sock.rx.frames[3]).toMatchObject({ status: UNUSED, owner: ti });
    expect(n.threads[ti].pc).toBe('send.copy-mark');
    expect(n.threads[ti].l.skbFrame).toBe(3);
    expect(n.sock.rxqLock).toBe(-1);
  });

  it('netlink_ring_set_copied: takes sk_receive_queue.lock (waits for another holder)', () => {
    const { c, s, ti } = at('send.copy-claim', 'q', SKB_PLAIN);
    s.threads[ti].l.skbGen = s.sock.rx.gen;
    s.sock.rxqLock = tid(c, 'p');
    expect(guardHolds(c, s, ti)).toBe(false);
  });

  it('netlink_ring_set_copied: a SKIP head frame is not passed: drop, netlink_overrun (sk_err ENOBUFS, CONGESTED), the sender is told it succeeded', () => {
    const { c, s, ti } = at('send.copy-claim', 'q', SKB_PLAIN);
    s.threads[ti].l.skbGen = s.sock.rx.gen;
    s.sock.rx.frames[0].status = SKIP;
    const n = stepOnce(c, s, ti);
    expect([n.sock.rx.head, n.sock.rcvq.length, n.sock.drops, n.sock.skErr, n.sock.congested]).toEqual([0, 0, 1, ENOBUFS, true]);
    expect(n.threads[ti].l.ret).toBe(64);
    expect(n.threads[ti].l.skb).toBe(SKB_NONE);
    expect(n.ghost.note).toBe('copy-full');
    expect(n.threads[ti].l.fullSeen).toBe(false); // frames 1..3 were free: the drop was not justified (Finding 10)
  });

  it('__netlink_sendskb: sk_data_ready runs after a dropped COPY skb too (already CONGESTED: no error report, but the waiter is woken)', () => {
    const { c, s, ti } = at('send.copy-claim', 'q', SKB_PLAIN);
    s.threads[ti].l.skbGen = s.sock.rx.gen;
    s.sock.rx.frames[0].status = VALID;
    s.sock.congested = true;
    s.threads[tid(c, 'c')].l.waiting = true;
    const n = stepOnce(c, s, ti);
    expect([n.sock.drops, n.sock.skErr, n.sock.wake]).toEqual([1, 0, true]);
  });

  it('netlink_ring_set_copied: a drop on a ring with no UNUSED frame is justified (fullSeen)', () => {
    const { c, s, ti } = at('send.copy-claim', 'q', SKB_PLAIN);
    s.threads[ti].l.skbGen = s.sock.rx.gen;
    for (const f of s.sock.rx.frames) f.status = VALID;
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].l.fullSeen).toBe(true);
  });

  it('netlink_ring_set_copied: after the unlock nm_len, nm_group (1 for a multicast), NL_MMAP_HDRLEN offset, COPY; returns the length', () => {
    for (const [name, group] of [['q', 0], ['m', 1]] as const) {
      const { c, s, ti } = at('send.copy-mark', name, SKB_PLAIN);
      s.threads[ti].l.skbGen = s.sock.rx.gen;
      s.threads[ti].l.skbFrame = 2;
      s.sock.rx.frames[2].owner = ti;
      s.threads[tid(c, 'c')].l.waiting = true;
      const n = stepOnce(c, s, ti);
      expect(n.sock.rx.frames[2]).toMatchObject({ status: COPY, len: 64, group, off: HDRLEN, owner: -1 });
      expect([n.threads[ti].l.ret, n.threads[ti].l.skb, n.sock.wake]).toEqual([64, SKB_NONE, true]);
    }
  });

  it('netlink_skb_destructor: an undelivered ring skb publishes nm_len 0 VALID, pending--, sock_put, no sk_data_ready', () => {
    const { c, s, ti } = at('skb.free', 'p', SKB_RX);
    s.threads[tid(c, 'c')].l.waiting = true;
    s.sock.rx.frames[0].len = 64;
    const n = stepOnce(c, s, ti);
    expect(n.sock.rx.frames[0]).toMatchObject({ status: VALID, len: 0, owner: -1 });
    expect([n.sock.rx.pending, n.sock.sockRefs, n.sock.wake, n.threads[ti].l.ret]).toEqual([0, 0, false, 0]);
  });

  it('netlink_unicast after netlink_release: netlink_getsockbyportid finds no socket, so a ring skb is freed through its destructor (nm_len 0, VALID) and the sender gets -ECONNREFUSED', () => {
    const { c, s, ti } = at('send.attach', 'p', SKB_RX);
    s.sock.released = true;
    const n = runContinuation(c, s, ti, 'send.attach');
    expect(n.threads[ti].pc).toBe('skb.free');
    expect(n.sock.rx.frames[0].status).toBe(RESERVED);
    const f = stepOnce(c, n, ti);
    expect(f.sock.rx.frames[0]).toMatchObject({ status: VALID, len: 0, owner: -1 });
    expect([f.sock.rx.pending, f.sock.sockRefs, f.threads[ti].l.ret, f.threads[ti].pc]).toEqual([0, 0, -ECONNREFUSED, 'done']);
    // Nobody can read a released socket: no loss is counted, nothing is queued.
    expect([f.sock.drops, f.ghost.unreported, f.sock.rcvq.length]).toEqual([0, 0, 0]);
  });

  it('netlink_unicast after netlink_release: an ordinary skb is dropped before admission (even while CONGESTED: the lookup comes first) and the sender gets -ECONNREFUSED', () => {
    const { c, s, ti } = at('send.attach', 'q', SKB_PLAIN);
    s.sock.released = true;
    s.sock.congested = true;
    const n = runContinuation(c, s, ti, 'send.attach');
    expect([n.threads[ti].pc, n.threads[ti].l.ret, n.threads[ti].l.skb]).toEqual(['done', -ECONNREFUSED, SKB_NONE]);
    expect([n.sock.drops, n.ghost.unreported, n.sock.rcvq.length]).toEqual([0, 0, 0]);
  });

  it('netlink_broadcast after netlink_release: the socket left the group, nobody receives the skb, and the sender gets -ESRCH', () => {
    const { c, s, ti } = at('send.attach', 'm', SKB_PLAIN);
    s.sock.released = true;
    const n = runContinuation(c, s, ti, 'send.attach');
    expect([n.threads[ti].pc, n.threads[ti].l.ret, n.threads[ti].l.skb]).toEqual(['done', -ESRCH, SKB_NONE]);
    expect([n.sock.drops, n.sock.rcvq.length]).toEqual([0, 0]);
  });

  it('the step that hands the skb over says what the lookup found: nothing before the release; after it, which skb is dropped and which error the sender gets', () => {
    for (const [name, kind, want] of [
      ['q', SKB_PLAIN, '; netlink_unicast: no socket has the port (released): drop the skb, -ECONNREFUSED'],
      ['p', SKB_RX, '; netlink_unicast: no socket has the port (released): free the ring skb, -ECONNREFUSED'],
      ['m', SKB_PLAIN, '; netlink_broadcast: the socket left the group, nobody receives it: -ESRCH'],
    ] as const) {
      const { c, s, ti } = at('prod.id', name, kind);
      expect(destinationGoneText(c, s, ti), name).toBe('');
      s.sock.released = true;
      expect(destinationGoneText(c, s, ti), name).toBe(want);
    }
  });

  it('netlink_unicast holds the lookup\'s socket reference across the delivery of an ordinary skb: taken when it is admitted, dropped when it is queued; a close meanwhile releases the socket but frees nothing', () => {
    const { c, s, ti } = at('send.attach', 'q', SKB_PLAIN, { rx: null });
    const n = runContinuation(c, s, ti, 'send.attach');
    expect([n.threads[ti].pc, n.sock.sockRefs]).toEqual(['send.queue', 1]);
    n.sock.released = true; // the last close(fd) ran meanwhile
    n.sock.fileRefs = 0;
    const q = stepOnce(c, n, ti);
    expect([q.sock.sockRefs, q.sock.destructed]).toEqual([0, true]);
    // A ring skb holds its own reference from allocation: admission takes none for it.
    const r = at('send.attach', 'p', SKB_RX);
    expect(runContinuation(r.c, r.s, r.ti, 'send.attach').sock.sockRefs).toBe(r.s.sock.sockRefs);
  });

  it('the lookup\'s reference is dropped however an ordinary skb\'s delivery ends: COPY marked, COPY dropped on a full ring, refused while CONGESTED (never taken)', () => {
    const mark = at('send.copy-mark', 'q', SKB_PLAIN);
    mark.s.sock.sockRefs = 1;
    expect(stepOnce(mark.c, mark.s, mark.ti).sock.sockRefs).toBe(0);
    const full = at('send.copy-claim', 'q', SKB_PLAIN);
    full.s.sock.sockRefs = 1;
    for (const f of full.s.sock.rx.frames) f.status = VALID;
    expect(stepOnce(full.c, full.s, full.ti).sock.sockRefs).toBe(0);
    const refused = at('send.attach', 'q', SKB_PLAIN);
    refused.s.sock.congested = true;
    expect(runContinuation(refused.c, refused.s, refused.ti, 'send.attach').sock.sockRefs).toBe(0);
  });

  it('a dump delivers to its own socket without a lookup, so the end of its delivery drops no socket reference (netlink_dump)', () => {
    for (const label of ['send.copy-mark', 'send.copy-claim']) {
      const b = bench(v, scenario([idle('p', 'ring'), { name: 'd', program: 'consumer', params: { maxHold: 0, dump: true } }]));
      const ti = tid(b.c, 'd');
      enter(b.s, ti, label);
      holding(b.s, ti, SKB_PLAIN);
      b.s.sock.sockRefs = 1; // somebody else's (a ring skb in flight)
      b.s.threads[ti].l.skbFrame = 1;
      expect(stepOnce(b.c, b.s, ti).sock.sockRefs, label).toBe(1);
    }
  });

  it('netlink_unicast before netlink_release: the lookup finds the socket, so delivery goes on (a release after it is the next step\'s business)', () => {
    const { c, s, ti } = at('send.attach', 'q', SKB_PLAIN);
    expect(runContinuation(c, s, ti, 'send.attach').threads[ti].pc).toBe('send.copy-claim');
  });
});
