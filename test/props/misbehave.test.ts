/**
 * The misbehaving TX user (TxParams.misbehave, src/model/user/txuser.ts) step by step on
 * tx-misbehave (prod, consumer, txuser; one 2-frame ring of 2 KiB frames for RX and TX):
 * each misbehaviour does what its step says, and the kernel's answer keeps the rules.
 */
import { describe, expect, it } from 'vitest';
import { EINVAL, UNUSED, VALID } from '../../src/model/constants.js';
import type { State } from '../../src/model/state.js';
import { catalogModel, runTo, script, take } from '../model/helpers.js';
import { expectHolds } from './helpers.js';

const m = catalogModel('linux-4.5', 'tx-misbehave');
const TX = 2; // txuser's thread index
const MAXLEN = 2048 - 24;

/** Fill frame 0 with nm_len choice `len` (0 true, 1 too large, 2 too small), frame 1 correctly, and submit both. */
function submitted(len: number): State {
  return script(m, m.spec.init(), ['txuser u.check', `txuser u.fill ${len}`, 'txuser u.valid', 'txuser u.check', 'txuser u.fill 0', 'txuser u.valid']);
}

describe('a TX user that breaks the rules (tx-misbehave)', () => {
  it('u.fill offers the true nm_len, one past what the frame holds, and one shorter than a netlink header', () => {
    const s = take(m, m.spec.init(), 'txuser', 'u.check');
    const lens = [0, 1, 2].map((arg) => take(m, s, 'txuser', 'u.fill', arg).sock.tx.frames[0].len);
    expect(lens).toEqual([64, MAXLEN + 8, 8]);
  });

  it('too large: sendmsg refuses it with EINVAL and leaves it VALID; the user calls again once and gets EINVAL again, then submits the frame again (not refilled)', () => {
    let s = submitted(1);
    s = runTo(m, s, 'txuser', 'u.retry').state;
    expect([s.sock.tx.frames[0].status, s.threads[TX].l.txTaken]).toEqual([VALID, 0]);
    s = take(m, s, 'txuser', 'u.retry');
    expect(s.threads[TX].l.retried).toBe(1);
    s = runTo(m, s, 'txuser', 'u.resubmit').state; // the retry failed too, and no retry is left
    expect(s.threads[TX].l.retried).toBe(1);
    s = take(m, s, 'txuser', 'u.resubmit');
    expect(s.sock.tx.frames[1].status).toBe(VALID);
    expect([s.ghost.last.kind, s.ghost.last.conforming]).toEqual(['ustore', false]);
    expect(s.threads[TX].pc).toBe('done');
  });

  it('too small: the kernel copies the 8 bytes, the receiver finds no message in them, and the frame is consumed', () => {
    let s = submitted(2);
    s = runTo(m, s, 'txuser', 'rcv.validate').state;
    s = take(m, s, 'txuser', 'rcv.validate');
    expect(s.ghost.note).toBe('tx-rejected');
    expect([s.sock.tx.frames[0].status, s.threads[TX].l.aMsg]).toEqual([UNUSED, -1]);
    expectHolds('TX-READ-IN-FRAME', s);
  });

  it('the error after a frame was sent is what RET-TX-SENDMSG judges: frame 0 sent, frame 1 too large, -EINVAL', () => {
    let s = script(m, m.spec.init(), ['txuser u.check', 'txuser u.fill 0', 'txuser u.valid', 'txuser u.check', 'txuser u.fill 1', 'txuser u.valid']);
    s = runTo(m, s, 'txuser', 'u.retry').state;
    expect(s.sock.tx.frames[0].status).toBe(UNUSED);
    expect(s.threads[TX].l.txTaken).toBe(1);
    // The return itself was judged on the step that made it; replay it to see the value.
    let r = script(m, m.spec.init(), ['txuser u.check', 'txuser u.fill 0', 'txuser u.valid', 'txuser u.check', 'txuser u.fill 1', 'txuser u.valid']);
    while (r.ghost.note !== 'sendmsg-return') r = m.spec.next(r, m.spec.actions(r).find((a) => a.actor === 'txuser')!);
    expect(r.ghost.noteValue).toBe(-EINVAL);
  });
});
