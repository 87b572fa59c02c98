/**
 * Rules of the kernel message producers (src/model/kernel/producer.ts): a
 * converted subsystem (netlink_alloc_skb), nfnetlink_queue, an unconverted
 * subsystem (alloc_skb) and the design's "ordered" mode (D1), one test per branch
 * on states built by hand.
 */
import { describe, expect, it } from 'vitest';
import { HDRLEN, RESERVED } from '../../../src/model/constants.js';
import type { ProducerParams, ThreadSpec } from '../../../src/model/config.js';
import { SKB_NONE, SKB_PLAIN, SKB_RX, type State } from '../../../src/model/state.js';
import { bench, choicesOf, guardHolds, runContinuation, scenario, stepOnce, tid } from '../helpers.js';

const producer = (name: string, p: Partial<ProducerParams> = {}): ThreadSpec => ({ name, program: 'producer', params: { count: 2, path: 'ring', firstTag: 5, ...p } });

function at(v: string, p: Partial<ProducerParams> = {}) {
  const b = bench(v, scenario([producer('p', p), producer('q', { count: 0 })]));
  return { ...b, ti: tid(b.c, 'p') };
}

/** The producer holding a ring skb in rx frame `frame` (as netlink_alloc_skb leaves it), at prod.fill. */
function withRingSkb(s: State, ti: number, frame = 1): void {
  const t = s.threads[ti];
  t.pc = 'prod.fill';
  Object.assign(t.l, { skb: SKB_RX, skbGen: s.sock.rx.gen, skbFrame: frame, skbLen: 64 });
  s.sock.rx.frames[frame].status = RESERVED;
}

describe.each(['linux-4.5', 'linux-3.10'])('producers on %s', (v) => {
  it('a converted subsystem starts each message with netlink_alloc_skb(msgLen), tagged firstTag + k', () => {
    const { s, ti } = at(v);
    const t = s.threads[ti];
    expect([t.pc, t.l.skbLen, t.l.msg, t.stack.toArray().at(-1)]).toEqual(['alloc.lookup', 64, 5, 'prod.fill']);
  });

  it('an unconverted subsystem builds an ordinary skb (alloc_skb): no ring involved', () => {
    const { s, ti } = at(v, { path: 'plain' });
    const t = s.threads[ti];
    expect([t.pc, t.l.skb, t.l.skbLen, t.l.msg, s.sock.rx.pending]).toEqual(['prod.fill', SKB_PLAIN, 64, 5, 0]);
  });

  it('a producer with nothing to send is done', () => {
    const { s, c } = at(v);
    expect(s.threads[tid(c, 'q')].pc).toBe('done');
  });

  it('construction: the message is written into the reserved frame at NL_MMAP_HDRLEN, then the id step', () => {
    const { c, s, ti } = at(v);
    withRingSkb(s, ti);
    const n = stepOnce(c, s, ti);
    expect(n.sock.rx.frames[1]).toMatchObject({ msg: 5, off: HDRLEN, status: RESERVED });
    expect(n.threads[ti].pc).toBe('prod.id');
  });

  it('construction: an ordinary skb carries the tag in the skb', () => {
    const { c, s, ti } = at(v, { path: 'plain' });
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.skbMsg, n.threads[ti].pc]).toEqual([5, 'prod.id']);
  });

  it('construction may fail after allocation only where the subsystem can (mayAbandon) and only for a ring skb: the skb is freed undelivered (R3)', () => {
    const plainP = at(v, { path: 'plain', mayAbandon: true });
    expect(choicesOf(plainP.c, plainP.s, plainP.ti)).toEqual([0]);
    const noAbandon = at(v);
    withRingSkb(noAbandon.s, noAbandon.ti);
    expect(choicesOf(noAbandon.c, noAbandon.s, noAbandon.ti)).toEqual([0]);
    const { c, s, ti } = at(v, { mayAbandon: true });
    withRingSkb(s, ti);
    expect(choicesOf(c, s, ti)).toEqual([0, 1]);
    s.threads[ti].l.ret = -7; // left over from an earlier call
    const n = stepOnce(c, s, ti, 1);
    expect([n.threads[ti].pc, n.threads[ti].stack.toArray().at(-1)]).toEqual(['skb.free', 'prod.after-send']);
    // Nothing was sent, so nothing failed: the freeing returns 0 to the subsystem.
    expect(n.threads[ti].l.ret).toBe(0);
  });

  it('the allocation failed (NULL): the message is lost, the producer goes on to the next one', () => {
    const { c, s, ti } = at(v);
    s.threads[ti].pc = 'prod.fill';
    s.threads[ti].l.skb = SKB_NONE;
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.k, n.threads[ti].l.msg, n.threads[ti].pc]).toEqual([1, 6, 'alloc.lookup']);
  });

  it('ids: under the id lock, ++id_sequence written into the frame; an ordinary subsystem drops the lock before sending', () => {
    const { c, s, ti } = at(v);
    withRingSkb(s, ti);
    s.threads[ti].pc = 'prod.id';
    s.idSeq = 2;
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.seq, n.sock.rx.frames[1].seq, n.idSeq, n.idLock, n.ghost.queuedIds]).toEqual([3, 3, 3, -1, 0]);
    expect([n.threads[ti].stack.toArray().at(-1), n.threads[ti].pc]).toEqual(['prod.after-send', 'send.publish']);
  });

  it('ids (nfnetlink_queue): the id enters the verdict queue and queue->lock is held across delivery', () => {
    const { c, s, ti } = at(v, { path: 'nfq' });
    withRingSkb(s, ti);
    s.threads[ti].pc = 'prod.id';
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.seq, n.idLock, n.ghost.queuedIds]).toEqual([1, ti, 1 << 1]);
  });

  it('ids: the id lock is waited for while another producer holds it', () => {
    const { c, s, ti } = at(v);
    withRingSkb(s, ti);
    s.threads[ti].pc = 'prod.id';
    s.idLock = tid(c, 'q');
    expect(guardHolds(c, s, ti)).toBe(false);
  });

  it('ids: an ordinary skb gets its id in the skb', () => {
    const { c, s, ti } = at(v, { path: 'plain' });
    const n = stepOnce(c, stepOnce(c, s, ti), ti);
    expect([n.threads[ti].l.skbSeq, n.threads[ti].l.seq]).toEqual([1, 1]);
  });

  it('after delivery: unlock ids (nfqueue), forget the skb, id 0, next message', () => {
    const { c, s, ti } = at(v, { path: 'nfq' });
    s.idLock = ti;
    s.threads[ti].l.seq = 4;
    s.threads[ti].stack.push('done');
    s.threads[ti].l.skb = SKB_PLAIN;
    const n = runContinuation(c, s, ti, 'prod.after-send');
    expect([n.idLock, n.threads[ti].l.seq, n.threads[ti].l.k, n.threads[ti].l.skb, n.threads[ti].l.msg]).toEqual([-1, 0, 1, SKB_NONE, 6]);
    n.threads[ti].l.k = 1;
    const last = runContinuation(c, n, ti, 'prod.after-send');
    expect(last.threads[ti].pc).toBe('done');
  });
});

describe('design hazard D1, "ordered" mode (linux-4.5-ordered): the id is taken before allocating', () => {
  it('ordered: a ring producer starts at the id lock; ids are assigned before netlink_alloc_skb', () => {
    const { c, s, ti } = at('linux-4.5-ordered');
    expect(s.threads[ti].pc).toBe('prod.lock-ordered');
    s.idLock = tid(c, 'q');
    expect(guardHolds(c, s, ti)).toBe(false);
    s.idLock = -1;
    const n = stepOnce(c, s, ti);
    expect([n.idLock, n.idSeq, n.threads[ti].l.seq, n.threads[ti].pc]).toEqual([ti, 1, 1, 'alloc.lookup']);
  });

  it('ordered: an unconverted subsystem is not ordered', () => {
    const { s, ti } = at('linux-4.5-ordered', { path: 'plain' });
    expect(s.threads[ti].pc).toBe('prod.fill');
  });

  it('ordered: construction writes the id already taken and delivers at once (no separate id step)', () => {
    const { c, s, ti } = at('linux-4.5-ordered', { path: 'nfq' });
    withRingSkb(s, ti);
    s.threads[ti].l.seq = 2;
    s.idLock = ti;
    const n = stepOnce(c, s, ti);
    expect([n.sock.rx.frames[1].seq, n.ghost.queuedIds, n.threads[ti].stack.toArray().at(-1), n.threads[ti].pc]).toEqual([2, 1 << 2, 'prod.after-send', 'send.publish']);
  });
});
