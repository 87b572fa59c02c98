/**
 * More rules of netlink_sendmsg / netlink_mmap_sendmsg (src/model/kernel/sendmsg.ts): the
 * branches the first rule file left open (the wait-or-return description, a verdict-sending
 * consumer blocks, the ring-path test without a TX ring, 3.10's copy never fails, the
 * nfqueue batch verdict's coverage, and the descriptions of the failing branches).
 */
import { describe, expect, it } from 'vitest';
import { MSG_VERDICT, UNUSED, VALID } from '../../../src/model/constants.js';
import type { ThreadSpec, TxParams } from '../../../src/model/config.js';
import { content } from '../../../src/model/kernel/sendmsg.js';
import { describeAction, enabledActions } from '../../../src/model/spec.js';
import { SKB_PLAIN, type State } from '../../../src/model/state.js';
import type { Ctx } from '../../../src/model/step.js';
import { bench, choicesOf, enter, runContinuation, scenario, stepOnce, tid } from '../helpers.js';

const txUser = (over: Partial<TxParams> = {}): ThreadSpec => ({ name: 'tx', program: 'txuser', params: { count: 1, batch: 1, dontwait: false, firstTag: 1, ...over } });
const other: ThreadSpec = { name: 'o', program: 'consumer', params: { maxHold: 0, verdicts: 1 } };

function at(v: string, label: string, tx: Partial<TxParams> = {}, over: { allocFailures?: boolean; tx?: number | null } = {}) {
  const b = bench(v, scenario([txUser(tx), other], { tx: 0, ...over }));
  const ti = tid(b.c, 'tx');
  enter(b.s, ti, label);
  return { ...b, ti };
}

/** The description of thread `ti`'s enabled step with choice `arg`, as the engine prints it. */
function textOf(c: Ctx, s: State, ti: number, arg = 0): string {
  const a = enabledActions(c, s).find((x) => x.thread === ti && x.arg === arg);
  if (a === undefined) expect.fail(`no enabled step of ${ti} with choice ${arg}`);
  return describeAction(c, s, a);
}

describe('netlink_sendmsg ring-path test (netlink_tx_is_mmaped)', () => {
  it.each(['linux-4.5', 'linux-3.10'])('netlink_sendmsg (%s): no TX ring (generation 0) -> the ordinary send, never the ring loop', (v) => {
    const { c, s, ti } = at(v, 'tx.enter', {}, { tx: null });
    expect(s.sock.tx.gen).toBe(0);
    expect(runContinuation(c, s, ti, 'tx.enter').threads[ti].pc).toBe('send.alloc');
  });
});

describe.each(['linux-4.5', 'linux-3.10'])('netlink_mmap_sendmsg frame loop on %s', (v) => {
  it('netlink_mmap_sendmsg: no VALID frame, pending > 0, blocking -> described as schedule and retry', () => {
    const { c, s, ti } = at(v, 'tx.status');
    s.sock.tx.pending = 1;
    expect(textOf(c, s, ti)).toContain('pending > 0, schedule and retry');
  });

  it('netlink_mmap_sendmsg: no VALID frame, pending > 0, MSG_DONTWAIT -> described as unlock, return', () => {
    const { c, s, ti } = at(v, 'tx.status', { dontwait: true });
    s.sock.tx.pending = 1;
    const t = textOf(c, s, ti);
    expect(t).toContain('unlock, return');
    expect(t).not.toContain('schedule');
  });

  it('netlink_mmap_sendmsg: a consumer sending nfqueue verdicts blocks (no MSG_DONTWAIT, as libmnl): waits while pending > 0', () => {
    const b = bench(v, scenario([txUser(), other], { tx: 0 }));
    const oi = tid(b.c, 'o');
    enter(b.s, oi, 'tx.status');
    b.s.sock.tx.pending = 1;
    const n = stepOnce(b.c, b.s, oi);
    expect([n.threads[oi].pc, n.sock.pgVecLock]).toEqual(['tx.status', oi]);
  });

  it('netlink_mmap_sendmsg: a VALID frame starts a fresh message: nothing validated or acted on yet (vMsg = aMsg = -1)', () => {
    const { c, s, ti } = at(v, 'tx.status');
    Object.assign(s.sock.tx.frames[0], { status: VALID, len: 64, msg: 1 });
    Object.assign(s.threads[ti].l, { vMsg: 65, aMsg: 65 });
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].pc, n.threads[ti].l.vMsg, n.threads[ti].l.aMsg]).toEqual(['tx.len', -1, -1]);
  });

  it('the kernel receiver (netlink_unicast to a port that has gone away) is described as ECONNREFUSED', () => {
    const { c, s, ti } = at(v, 'rcv.validate', { dst: 'missing-port' });
    s.sock.pgVecLock = ti;
    Object.assign(s.threads[ti].l, { skb: SKB_PLAIN, skbLen: 64, skbMsg: 1 });
    expect(textOf(c, s, ti)).toContain('-ECONNREFUSED');
    const k = at(v, 'rcv.validate');
    k.s.sock.pgVecLock = k.ti;
    Object.assign(k.s.threads[k.ti].l, { skb: SKB_PLAIN, skbLen: 64, skbMsg: 1 });
    expect(textOf(k.c, k.s, k.ti)).not.toContain('ECONNREFUSED');
  });

  it('netlink_sendmsg ordinary send: netlink_unicast to a port that has gone away is described as ECONNREFUSED; to the kernel, returns len', () => {
    const { c, s, ti } = at(v, 'send.unicast', { dst: 'missing-port' });
    Object.assign(s.threads[ti].l, { skb: SKB_PLAIN, skbLen: 0 });
    expect(textOf(c, s, ti)).toContain('-ECONNREFUSED');
    const k = at(v, 'send.unicast');
    Object.assign(k.s.threads[k.ti].l, { skb: SKB_PLAIN, skbLen: 0 });
    expect(textOf(k.c, k.s, k.ti)).toContain('return 0');
  });
});

describe('netlink_mmap_sendmsg (3.10) copy branch', () => {
  it('netlink_mmap_sendmsg (3.10): alloc_skb failure is described as -ENOBUFS, success with the nm_len read', () => {
    const { c, s, ti } = at('linux-3.10', 'tx.alloc', {}, { allocFailures: true });
    s.sock.pgVecLock = ti;
    s.threads[ti].l.txFrame = 0;
    Object.assign(s.sock.tx.frames[0], { status: VALID, len: 77, msg: 1 });
    expect(textOf(c, s, ti, 1)).toContain('-ENOBUFS');
    expect(textOf(c, s, ti, 0)).toContain('nm_len 77');
  });

  it('netlink_mmap_sendmsg (3.10): the memcpy cannot fail (the skb was allocated before): one choice even where allocation may fail', () => {
    const { c, s, ti } = at('linux-3.10', 'tx.copy', {}, { allocFailures: true });
    s.sock.pgVecLock = ti;
    s.threads[ti].l.txFrame = 0;
    Object.assign(s.sock.tx.frames[0], { status: VALID, len: 200, msg: 3 });
    s.threads[ti].l.txLen = 64;
    expect(choicesOf(c, s, ti)).toEqual([0]);
    // 3.10's memcpy reads nm_len again: the description gives the frame's value, not the local.
    expect(textOf(c, s, ti)).toContain('copy 200 bytes');
  });
});

describe('nfqnl_recv_verdict_batch (the kernel receiver acting on a verdict)', () => {
  /** The receiver acting on a private copy of message `msg` with id `seq` (4.5: acts in rcv.validate). */
  function act(msg: number, seq: number, queued: number): State {
    const { c, s, ti } = at('linux-4.5', 'rcv.validate');
    s.sock.pgVecLock = ti;
    Object.assign(s.threads[ti].l, { skb: SKB_PLAIN, skbLen: 64, skbMsg: msg, skbSeq: seq });
    s.ghost.queuedIds = queued;
    s.ghost.verdictIds = 0;
    return stepOnce(c, s, ti);
  }

  it('nfqnl_recv_verdict_batch: every queued id <= the batch id gets the verdict (inclusive); later ids stay queued', () => {
    const n = act(MSG_VERDICT, 2, (1 << 1) | (1 << 2) | (1 << 3));
    expect(n.ghost.verdictIds).toBe((1 << 1) | (1 << 2));
    expect(n.ghost.queuedIds).toBe(1 << 3);
  });

  it('nfqnl_recv_verdict_batch: ids not queued are not given a verdict', () => {
    const n = act(MSG_VERDICT, 3, 1 << 2);
    expect([n.ghost.verdictIds, n.ghost.queuedIds]).toEqual([1 << 2, 0]);
  });

  it('the kernel receiver acting on a message that is not a verdict gives no verdict', () => {
    const n = act(5, 3, (1 << 1) | (1 << 2));
    expect([n.ghost.verdictIds, n.ghost.queuedIds]).toEqual([0, (1 << 1) | (1 << 2)]);
  });

  it('the ghost id set holds ids 1..29: a batch id of 30 or more covers no id past 29', () => {
    expect(act(MSG_VERDICT, 30, 1 << 30).ghost.queuedIds).toBe(1 << 30);
    expect(act(MSG_VERDICT, 32, 1).ghost.queuedIds).toBe(1);
  });
});

describe('netlink_sendmsg (3.10 … 3.19) msg_iovlen 0: the uninitialised iov_base', () => {
  it('netlink_sendmsg: garbage read as NULL is described as the ring path, non-NULL as the ordinary send', () => {
    const { c, s, ti } = at('linux-3.10', 'send.iov-garbage');
    expect(textOf(c, s, ti, 0)).toContain('reads as NULL: ring path');
    expect(textOf(c, s, ti, 1)).toContain('reads as non-NULL: ordinary send');
  });
});

describe('netlink_mmap_sendmsg: the frame release', () => {
  it('netlink_mmap_sendmsg: netlink_set_status(UNUSED) is a kernel store by the sending thread', () => {
    const { c, s, ti } = at('linux-4.5', 'tx.release');
    s.sock.pgVecLock = ti;
    s.threads[ti].l.txFrame = 0;
    Object.assign(s.sock.tx.frames[0], { status: VALID, len: 64, msg: 1 });
    const n = stepOnce(c, s, ti);
    expect(n.sock.tx.frames[0].status).toBe(UNUSED);
    expect([n.ghost.last.kind, n.ghost.last.thread]).toEqual(['kstore', ti]);
  });
});

describe('the ghost record of a message (content: tag and id as one value)', () => {
  it('content is one-to-one over tags and ids, and never -1 (the "no message yet" marker the no-TOCTOU property skips)', () => {
    const seen = new Set<number>();
    for (let msg = 0; msg < 128; msg++) {
      for (let seq = 0; seq < 64; seq++) {
        const v = content(msg, seq);
        expect(v).not.toBe(-1);
        seen.add(v);
      }
    }
    expect(seen.size).toBe(128 * 64);
  });
});
