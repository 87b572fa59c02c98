/**
 * Rules of RX allocation (src/model/kernel/alloc.ts): netlink_alloc_skb (3.10) /
 * __netlink_alloc_skb (4.5) and netlink_forward_ring, one test per branch on
 * states built by hand.
 */
import { describe, expect, it } from 'vitest';
import { COPY, ENOBUFS, RESERVED, SKIP, UNUSED, VALID } from '../../../src/model/constants.js';
import type { ThreadSpec } from '../../../src/model/config.js';
import { maxLen } from '../../../src/model/geometry.js';
import { ringFullNow } from '../../../src/model/kernel/alloc.js';
import { SKB_NONE, SKB_PLAIN, SKB_RX, type State } from '../../../src/model/state.js';
import { FOUR, bench, enter, guardHolds, scenario, stepOnce, tid } from '../helpers.js';

const idle: ThreadSpec = { name: 'p', program: 'producer', params: { count: 0, path: 'ring', firstTag: 1 } };
const other: ThreadSpec = { name: 'o', program: 'consumer', params: { maxHold: 0 } };
const MAX = maxLen(FOUR.frameSize);

function at(v: string, label: string, len = 64, over: { rx?: number | null } = {}) {
  const b = bench(v, scenario([idle, other], { rx: over.rx === undefined ? 0 : over.rx }));
  const ti = tid(b.c, 'p');
  enter(b.s, ti, label);
  b.s.threads[ti].l.skbLen = len;
  return { ...b, ti };
}

/** Inside the locked section (as alloc.lock leaves it, with the lookup's reference). */
function locked(s: State, ti: number): void {
  s.sock.rxqLock = ti;
  s.sock.sockRefs = 1;
  s.threads[ti].l.inAlloc = true;
}

const statuses = (s: State, list: readonly number[]) => list.forEach((st, i) => { s.sock.rx.frames[i].status = st; });

describe.each(['linux-4.5', 'linux-3.10'])('netlink_alloc_skb on %s', (v) => {
  it('netlink_alloc_skb: destination released (lookup fails) -> fall back to an ordinary skb', () => {
    const { c, s, ti } = at(v, 'alloc.lookup');
    s.sock.released = true;
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.skb, n.threads[ti].l.ret, n.threads[ti].pc, n.sock.sockRefs]).toEqual([SKB_PLAIN, 0, 'done', 0]);
  });

  it('netlink_alloc_skb: no RX ring -> fall back to an ordinary skb', () => {
    const { c, s, ti } = at(v, 'alloc.lookup', 64, { rx: null });
    expect(stepOnce(c, s, ti).threads[ti].l.skb).toBe(SKB_PLAIN);
  });

  it('netlink_alloc_skb: ring present -> sock_hold, then the queue lock', () => {
    const { c, s, ti } = at(v, 'alloc.lookup');
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].pc, n.sock.sockRefs, n.threads[ti].l.skb]).toEqual(['alloc.lock', 1, SKB_NONE]);
  });

  it(`netlink_alloc_skb: a message larger than a frame ${v === 'linux-4.5' ? 'falls back before the lock (4.5 early size check)' : 'is only caught under the lock (3.10)'}`, () => {
    const { c, s, ti } = at(v, 'alloc.lookup', MAX + 1);
    const n = stepOnce(c, s, ti);
    if (v === 'linux-4.5') expect([n.threads[ti].l.skb, n.sock.sockRefs]).toEqual([SKB_PLAIN, 0]);
    else expect(n.threads[ti].pc).toBe('alloc.lock');
  });

  it('netlink_alloc_skb: a message of exactly frame_size - NL_MMAP_HDRLEN fits', () => {
    const { c, s, ti } = at(v, 'alloc.lookup', MAX);
    expect(stepOnce(c, s, ti).threads[ti].pc).toBe('alloc.lock');
  });

  it('netlink_alloc_skb: spin_lock_bh(sk_receive_queue.lock) waits for another holder', () => {
    const { c, s, ti } = at(v, 'alloc.lock');
    s.sock.rxqLock = tid(c, 'o');
    expect(guardHolds(c, s, ti)).toBe(false);
  });

  it('netlink_alloc_skb: under the lock, ring and size fine -> netlink_forward_ring first, then the head test', () => {
    const { c, s, ti } = at(v, 'alloc.lock');
    s.sock.sockRefs = 1;
    const n = stepOnce(c, s, ti);
    expect([n.sock.rxqLock, n.threads[ti].l.inAlloc, n.threads[ti].pc, n.threads[ti].stack.toArray().at(-1)]).toEqual([ti, true, 'fwd.step', 'alloc.check']);
  });

  it('netlink_alloc_skb: under the lock the ring is gone or too small -> sock_put, fall back, lock not kept', () => {
    for (const [gone, len] of [[true, 64], [false, MAX + 1]] as const) {
      const { c, s, ti } = at(v, 'alloc.lock', len);
      s.sock.sockRefs = 1;
      if (gone) s.sock.rx.gen = 0;
      const n = stepOnce(c, s, ti);
      expect([n.threads[ti].l.skb, n.sock.sockRefs, n.sock.rxqLock, n.threads[ti].pc]).toEqual([SKB_PLAIN, 0, -1, 'done']);
    }
  });

  it('netlink_alloc_skb: the head frame is UNUSED -> reserve it', () => {
    const { c, s, ti } = at(v, 'alloc.check');
    locked(s, ti);
    expect(stepOnce(c, s, ti).threads[ti].pc).toBe('alloc.reserve');
  });

  it('netlink_alloc_skb: the head frame is taken -> unlock, netlink_overrun, sock_put, NULL (-ENOBUFS), no fallback', () => {
    for (const st of [VALID, RESERVED, COPY, SKIP]) {
      const { c, s, ti } = at(v, 'alloc.check');
      locked(s, ti);
      s.sock.rx.frames[0].status = st;
      const n = stepOnce(c, s, ti);
      expect([n.threads[ti].l.ret, n.threads[ti].l.skb, n.sock.rxqLock, n.threads[ti].l.inAlloc, n.sock.sockRefs]).toEqual([-ENOBUFS, SKB_NONE, -1, false, 0]);
      expect([n.sock.drops, n.sock.skErr, n.ghost.note]).toEqual([1, ENOBUFS, 'alloc-full']);
    }
  });

  it('netlink_alloc_skb: reserve: RESERVED (owned), a ring skb in that frame, pending++, head++ (wrapping), unlock', () => {
    const { c, s, ti } = at(v, 'alloc.reserve');
    locked(s, ti);
    s.sock.rx.head = 3;
    const n = stepOnce(c, s, ti);
    expect(n.sock.rx.frames[3]).toMatchObject({ status: RESERVED, owner: ti });
    expect([n.threads[ti].l.skb, n.threads[ti].l.skbFrame, n.threads[ti].l.skbGen, n.threads[ti].l.ret]).toEqual([SKB_RX, 3, s.sock.rx.gen, 0]);
    expect([n.sock.rx.pending, n.sock.rx.head, n.sock.rxqLock, n.threads[ti].l.inAlloc, n.sock.sockRefs]).toEqual([1, 0, -1, false, 1]);
  });

  it('netlink_forward_ring: the head frame is not SKIP -> stop, head unchanged', () => {
    const { c, s, ti } = at(v, 'fwd.step');
    locked(s, ti);
    s.sock.rx.head = 2;
    s.sock.rx.frames[2].status = VALID;
    const n = stepOnce(c, s, ti);
    expect([n.sock.rx.head, n.threads[ti].pc, n.threads[ti].l.fwdPos, n.ghost.note]).toEqual([2, 'done', -1, 'forward-done']);
  });

  it('netlink_forward_ring: a SKIP head frame is passed (head++)', () => {
    const { c, s, ti } = at(v, 'fwd.step');
    locked(s, ti);
    statuses(s, [SKIP, UNUSED, UNUSED, UNUSED]);
    const n = stepOnce(c, s, ti);
    expect([n.sock.rx.head, n.threads[ti].pc, n.ghost.note]).toEqual([1, 'fwd.step', 'forward-skip']);
  });

  it('netlink_forward_ring: a whole turn of SKIP frames ends at the start', () => {
    const { c, s, ti } = at(v, 'fwd.step');
    locked(s, ti);
    statuses(s, [SKIP, SKIP, SKIP, SKIP]);
    let n = s;
    for (let k = 0; k < 4; k++) n = stepOnce(c, n, ti);
    expect([n.sock.rx.head, n.threads[ti].pc, n.ghost.note]).toEqual([0, 'done', 'forward-done']);
  });
});

describe('netlink_forward_ring: which frame each iteration examines', () => {
  it('netlink_forward_ring (4.5): examines the current head: stops at the first frame after the SKIP run', () => {
    const { c, s, ti } = at('linux-4.5', 'fwd.step');
    locked(s, ti);
    statuses(s, [SKIP, UNUSED, UNUSED, UNUSED]);
    const n = stepOnce(c, stepOnce(c, s, ti), ti);
    expect([n.sock.rx.head, n.threads[ti].pc]).toEqual([1, 'done']);
  });

  it('netlink_forward_ring (3.10, B9): examines the start position every time: one SKIP frame advances head a whole turn', () => {
    const { c, s, ti } = at('linux-3.10', 'fwd.step');
    locked(s, ti);
    statuses(s, [SKIP, UNUSED, UNUSED, UNUSED]);
    let n = stepOnce(c, stepOnce(c, s, ti), ti);
    expect([n.sock.rx.head, n.threads[ti].pc]).toEqual([2, 'fwd.step']);
    n = stepOnce(c, stepOnce(c, n, ti), ti);
    expect([n.sock.rx.head, n.threads[ti].pc]).toEqual([0, 'done']);
  });
});

describe('ringFullNow (ghost: "ring full" as the design defines it, protocol.md R9)', () => {
  it('the first frame from head that is not SKIP decides; no ring is full', () => {
    const { s } = at('linux-4.5', 'fwd.step');
    statuses(s, [VALID, SKIP, UNUSED, VALID]);
    s.sock.rx.head = 1;
    expect(ringFullNow(s)).toBe(false);
    s.sock.rx.head = 3;
    expect(ringFullNow(s)).toBe(true);
    statuses(s, [SKIP, SKIP, SKIP, SKIP]);
    expect(ringFullNow(s)).toBe(true);
    s.sock.rx.gen = 0;
    statuses(s, [UNUSED, UNUSED, UNUSED, UNUSED]);
    expect(ringFullNow(s)).toBe(true);
  });
});
