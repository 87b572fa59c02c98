/**
 * More rules of delivery (src/model/kernel/deliver.ts): netlink_ring_set_copied when the
 * ring the skb was routed to has been replaced (freed memory: the new ring's frame is not
 * given to the sender), its description, and nm_group written only for a multicast.
 */
import { describe, expect, it } from 'vitest';
import { COPY } from '../../../src/model/constants.js';
import type { ThreadSpec } from '../../../src/model/config.js';
import { describeAction, enabledActions } from '../../../src/model/spec.js';
import { SKB_NONE, SKB_PLAIN, type State } from '../../../src/model/state.js';
import type { Ctx } from '../../../src/model/step.js';
import { bench, enter, scenario, stepOnce, tid, nextStepText } from '../helpers.js';

const idle = (name: string, path: 'ring' | 'plain' | 'mcast'): ThreadSpec => ({ name, program: 'producer', params: { count: 0, path, firstTag: 1 } });
const waiter: ThreadSpec = { name: 'c', program: 'consumer', params: { maxHold: 0 } };

const textOf = nextStepText;

describe.each(['linux-4.5', 'linux-3.10'])('netlink_ring_set_copied on %s', (v) => {
  const at = (label: string, name: string) => {
    const b = bench(v, scenario([idle('p', 'ring'), idle('q', 'plain'), idle('m', 'mcast'), waiter]));
    const ti = tid(b.c, name);
    enter(b.s, ti, label);
    Object.assign(b.s.threads[ti].l, { skb: SKB_PLAIN, skbLen: 64, skbMsg: 5, skbSeq: 2, skbGen: b.s.sock.rx.gen });
    return { ...b, ti };
  };

  it('netlink_ring_set_copied: the RX ring was destroyed since routing -> described as the NULL dereference of rx_ring.pg_vec', () => {
    const { c, s, ti } = at('send.copy-claim', 'q');
    expect(textOf(c, s, ti)).not.toContain('NULL');
    s.sock.rx.gen = 0;
    expect(textOf(c, s, ti)).toContain('the RX ring was destroyed since routing: rx_ring.pg_vec is NULL: NULL dereference');
  });

  it('netlink_ring_set_copied: with the RX ring destroyed since routing, the claim dereferences NULL (recorded as a use of ring memory that is not there) and the send ends', () => {
    const { c, s, ti } = at('send.copy-claim', 'q');
    s.sock.rx.gen = 0;
    const n = stepOnce(c, s, ti);
    expect(n.ghost.usedFreed).toBe(true);
    expect([n.threads[ti].pc, n.threads[ti].l.skb, n.sock.rcvq.length]).toEqual(['done', SKB_NONE, 0]);
  });

  it('netlink_ring_set_copied: a ring destroyed and created again since routing is read afresh under the queue lock: the head frame of the new ring is claimed, nothing freed is touched', () => {
    const { c, s, ti } = at('send.copy-claim', 'q');
    const routed = s.threads[ti].l.skbGen;
    s.sock.rx.gen = routed + 5;
    const n = stepOnce(c, s, ti);
    expect(n.ghost.usedFreed).toBe(false);
    expect([n.threads[ti].pc, n.threads[ti].l.skbGen, n.sock.rx.head, n.sock.rx.frames[0].owner]).toEqual(['send.copy-mark', routed + 5, 1, ti]);
  });

  it('netlink_ring_set_copied: the header is written from skb->len after the unlock: with the skb still queued nothing freed is read; once a recvmsg (or a purge) has taken it off the queue and freed it, that read is a use of freed memory', () => {
    for (const [queued, freed] of [[true, false], [false, true]] as const) {
      const { c, s, ti } = at('send.copy-mark', 'q');
      s.threads[ti].l.skbFrame = 1;
      // Another message queued for the same frame does not count: only this skb's own entry.
      s.sock.rcvq.push({ msg: 6, seq: 3, frame: 1 });
      if (queued) s.sock.rcvq.push({ msg: 5, seq: 2, frame: 1 });
      const n = stepOnce(c, s, ti);
      expect(n.ghost.usedFreed, `queued ${queued}`).toBe(freed);
      expect(n.sock.rx.frames[1].status).toBe(COPY);
    }
    // The entry must be this message in this frame: message 5 queued for frame 2 is another skb.
    const { c, s, ti } = at('send.copy-mark', 'q');
    s.threads[ti].l.skbFrame = 1;
    s.sock.rcvq.push({ msg: 5, seq: 2, frame: 2 });
    expect(stepOnce(c, s, ti).ghost.usedFreed).toBe(true);
  });

  it('netlink_ring_set_copied: nm_group is 0 for a unicast, the group for a multicast', () => {
    for (const [name, group] of [['q', 0], ['m', 1]] as const) {
      const { c, s, ti } = at('send.copy-mark', name);
      s.threads[ti].l.skbFrame = 1;
      s.sock.rx.frames[1].group = 7;
      const n = stepOnce(c, s, ti);
      expect(n.sock.rx.frames[1]).toMatchObject({ status: COPY, group });
    }
  });
});
