/**
 * More rules of the kernel producers (src/model/kernel/producer.ts): message construction
 * and id assignment write the ring frame as the kernel, only an nfqueue producer queues a
 * packet id, and the producer steps are only for producer threads.
 */
import { describe, expect, it } from 'vitest';
import { RESERVED } from '../../../src/model/constants.js';
import type { ProducerParams, ThreadSpec } from '../../../src/model/config.js';
import { enabledActions } from '../../../src/model/spec.js';
import { SKB_RX, type State } from '../../../src/model/state.js';
import { bench, scenario, stepOnce, tid } from '../helpers.js';

const producer = (name: string, p: Partial<ProducerParams> = {}): ThreadSpec => ({ name, program: 'producer', params: { count: 2, path: 'ring', firstTag: 5, ...p } });
const consumer: ThreadSpec = { name: 'c', program: 'consumer', params: { maxHold: 0 } };

function at(v: string, label: string, p: Partial<ProducerParams> = {}) {
  const b = bench(v, scenario([producer('p', p), consumer]));
  const ti = tid(b.c, 'p');
  withRingSkb(b.s, ti, label);
  return { ...b, ti };
}

/** The producer holding a ring skb in rx frame 1 (as netlink_alloc_skb leaves it), at `label`. */
function withRingSkb(s: State, ti: number, label: string): void {
  const t = s.threads[ti];
  t.pc = label;
  t.stack.push('done');
  Object.assign(t.l, { skb: SKB_RX, skbGen: s.sock.rx.gen, skbFrame: 1, skbLen: 64, msg: 5, seq: 3 });
  Object.assign(s.sock.rx.frames[1], { status: RESERVED, owner: ti });
  s.sock.rx.pending = 1;
}

describe.each(['linux-4.5', 'linux-4.5-ordered', 'linux-3.10'])('kernel producers on %s', (v) => {
  it('message construction (e.g. nfqnl_build_packet_message) writing the ring frame is a kernel store by the producer', () => {
    const { c, s, ti } = at(v, 'prod.fill');
    const n = stepOnce(c, s, ti);
    expect(n.sock.rx.frames[1].msg).toBe(5);
    expect([n.ghost.last.kind, n.ghost.last.thread, n.ghost.last.frame]).toEqual(['kstore', ti, 1]);
  });
});

describe.each(['linux-4.5', 'linux-3.10'])('id assignment on %s', (v) => {
  it('nfqnl_enqueue_packet: entry->id written into the ring frame is a kernel store by the producer', () => {
    const { c, s, ti } = at(v, 'prod.id');
    const n = stepOnce(c, s, ti);
    expect(n.sock.rx.frames[1].seq).toBe(n.idSeq);
    expect([n.ghost.last.kind, n.ghost.last.thread, n.ghost.last.frame]).toEqual(['kstore', ti, 1]);
  });
});

describe('the ordered mode (D1): packet ids queued for a verdict', () => {
  it('only an nfqueue producer queues its packet id for a verdict; a plain ring producer queues none', () => {
    const ring = at('linux-4.5-ordered', 'prod.fill', { path: 'ring' });
    expect(stepOnce(ring.c, ring.s, ring.ti).ghost.queuedIds).toBe(0);
    const nfq = at('linux-4.5-ordered', 'prod.fill', { path: 'nfq' });
    expect(stepOnce(nfq.c, nfq.s, nfq.ti).ghost.queuedIds).not.toBe(0);
  });
});

describe('producer steps belong to producer threads', () => {
  it('a producer step at a thread that is not a producer is an error in the spec, not a silent default', () => {
    const b = bench('linux-4.5', scenario([producer('p'), consumer]));
    const ci = tid(b.c, 'c');
    withRingSkb(b.s, ci, 'prod.fill');
    expect(() => enabledActions(b.c, b.s)).toThrow(/c is not a producer/);
  });
});
