/**
 * More rules of delivery (src/model/kernel/deliver.ts): netlink_ring_set_copied when the
 * ring the skb was routed to has been replaced (freed memory: the new ring's frame is not
 * given to the sender), its description, and nm_group written only for a multicast.
 */
import { describe, expect, it } from 'vitest';
import { COPY } from '../../../src/model/constants.js';
import type { ThreadSpec } from '../../../src/model/config.js';
import { describeAction, enabledActions } from '../../../src/model/spec.js';
import { SKB_PLAIN, type State } from '../../../src/model/state.js';
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

  it('netlink_ring_set_copied: the ring the skb was routed to is gone -> described as reading freed memory', () => {
    const { c, s, ti } = at('send.copy-claim', 'q');
    expect(textOf(c, s, ti)).not.toContain('freed memory');
    s.threads[ti].l.skbGen = s.sock.rx.gen + 1;
    expect(textOf(c, s, ti)).toContain('the ring it was routed to is gone: reads freed memory');
  });

  it('netlink_ring_set_copied: a claim in a ring that is gone reads freed memory and gives no frame of the current ring to the sender', () => {
    const { c, s, ti } = at('send.copy-claim', 'q');
    s.threads[ti].l.skbGen = s.sock.rx.gen + 1;
    const owner = s.sock.rx.frames[0].owner;
    const n = stepOnce(c, s, ti);
    expect(n.ghost.usedFreed).toBe(true);
    expect(n.sock.rx.frames[0].owner).toBe(owner);
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
