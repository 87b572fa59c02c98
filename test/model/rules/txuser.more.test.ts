/**
 * More rules of the TX ring user (src/model/user/txuser.ts; Documentation/networking/
 * netlink_mmap.txt TX example, libmnl): the descriptions of the frame check and of when
 * the send call is made, a user without a TX request of its own, and that its steps
 * belong to TX users only.
 */
import { describe, expect, it } from 'vitest';
import { VALID } from '../../../src/model/constants.js';
import type { ThreadSpec, TxParams } from '../../../src/model/config.js';
import { describeAction, enabledActions } from '../../../src/model/spec.js';
import type { State } from '../../../src/model/state.js';
import type { Ctx } from '../../../src/model/step.js';
import { bench, scenario, stepOnce, tid, nextStepText } from '../helpers.js';

const txUser = (over: Partial<TxParams> = {}): ThreadSpec => ({ name: 'tx', program: 'txuser', params: { count: 2, batch: 4, dontwait: false, firstTag: 3, ...over } });
const consumer: ThreadSpec = { name: 'c', program: 'consumer', params: { maxHold: 0 } };

function tx(over: Partial<TxParams> = {}, txReq: number | null = 0) {
  const b = bench('linux-4.5', scenario([txUser(over), consumer], { tx: txReq }));
  return { ...b, ti: tid(b.c, 'tx') };
}

const textOf = nextStepText;

describe('TX user: the frame check (u.check)', () => {
  it('TX example: a frame that is not UNUSED with filled frames pending is described as the send call, without any as stop', () => {
    const { c, s, ti } = tx();
    s.threads[ti].pc = 'u.check';
    s.sock.tx.frames[0].status = VALID;
    s.threads[ti].l.unsent = 1;
    const send = textOf(c, s, ti);
    expect(send).toContain('is VALID: sendto(NULL, 0) what is filled');
    expect(send).not.toContain('fill it');
    s.threads[ti].l.unsent = 0;
    expect(textOf(c, s, ti)).toContain('is VALID: stop');
  });

  it('TX example with sendmsg(msg_iovlen 0) (B4): the send call is described as such', () => {
    const { c, s, ti } = tx({ call: 'sendmsg-noiov' });
    s.threads[ti].pc = 'u.check';
    s.sock.tx.frames[0].status = VALID;
    s.threads[ti].l.unsent = 1;
    expect(textOf(c, s, ti)).toContain('sendmsg(msg_iovlen 0) what is filled');
  });
});

describe('TX user: when the send call is made (u.valid)', () => {
  it('TX example: the last message is sent even when the batch is not full (k + 1 >= count), described so', () => {
    const { c, s, ti } = tx({ count: 2, batch: 4 });
    s.threads[ti].pc = 'u.valid';
    Object.assign(s.threads[ti].l, { k: 1, unsent: 1 });
    expect(textOf(c, s, ti)).toContain('VALID, sendto(NULL, 0)');
  });

  it('TX example: a message that neither fills the batch nor is the last is only marked VALID', () => {
    const { c, s, ti } = tx({ count: 2, batch: 4 });
    s.threads[ti].pc = 'u.valid';
    Object.assign(s.threads[ti].l, { k: 0, unsent: 0 });
    expect(textOf(c, s, ti)).not.toContain('sendto');
  });

  it('TX user without a TX request of its own: its cursor stays at frame 0 (no ring to walk)', () => {
    const { c, s, ti } = tx({ count: 3, batch: 4 }, null);
    s.threads[ti].pc = 'u.valid';
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.txCursor, n.threads[ti].l.k, n.threads[ti].pc]).toEqual([0, 1, 'u.check']);
  });
});

describe('TX user steps belong to TX users', () => {
  it('a TX user step at a thread that is not a TX user is an error in the spec', () => {
    const { c, s } = tx();
    const ci = tid(c, 'c');
    s.threads[ci].pc = 'u.fill';
    expect(() => stepOnce(c, s, ci)).toThrow(/c is not a TX user/);
  });
});
