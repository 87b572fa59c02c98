/**
 * Rules of the TX ring path netlink_mmap_sendmsg (src/model/kernel/sendmsg.ts),
 * one test per branch, on states built by hand: the exclusivity test at its
 * entry (3.10), the frame loop under pg_vec_lock (VALID, or wait while pending
 * unless MSG_DONTWAIT), the nm_len bound, 3.10's zero-copy and copy branches,
 * 4.5's single read and copy, the kernel receiver, and the destructors.
 * (The ring-path test and the ordinary send are in test/model/tx-path.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { ECONNREFUSED, EINVAL, ENOBUFS, MSG_EVIL, RESERVED, SKIP, UNUSED, VALID } from '../../../src/model/constants.js';
import type { ThreadSpec, TxParams } from '../../../src/model/config.js';
import { maxLen } from '../../../src/model/geometry.js';
import { content, ringPathTest } from '../../../src/model/kernel/sendmsg.js';
import { SKB_NONE, SKB_PLAIN, SKB_TX, plainLocals, type State } from '../../../src/model/state.js';
import { FOUR, bench, choicesOf, enter, guardHolds, runContinuation, scenario, stepOnce, tid } from '../helpers.js';

const txUser = (over: Partial<TxParams> = {}): ThreadSpec => ({ name: 'tx', program: 'txuser', params: { count: 1, batch: 1, dontwait: false, firstTag: 1, ...over } });
const other: ThreadSpec = { name: 'o', program: 'consumer', params: { maxHold: 0 } };
const MAX = maxLen(FOUR.frameSize);

/** A VALID TX frame `i` holding message `msg` (id `seq`) of `len` bytes. */
function validFrame(s: State, i: number, len = 64, msg = 1, seq = 0): void {
  Object.assign(s.sock.tx.frames[i], { status: VALID, len, msg, seq });
}

function at(v: string, label: string, tx: Partial<TxParams> = {}, over: { allocFailures?: boolean } = {}) {
  const b = bench(v, scenario([txUser(tx), other], { tx: 0, ...over }));
  const ti = tid(b.c, 'tx');
  enter(b.s, ti, label);
  return { ...b, ti };
}

/** The thread inside the loop holding pg_vec_lock at frame `frame` (as tx.status leaves it). */
function inLoop(s: State, ti: number, frame = 0): void {
  s.sock.pgVecLock = ti;
  s.threads[ti].l.txFrame = frame;
}

describe('netlink_mmap_sendmsg entry: the exclusivity test (3.10: excl = !(f_count > 2 || mapped > 1))', () => {
  const entry = (v: string, fileRefs: number, mapped: number) => {
    const { c, s, ti } = at(v, 'tx.enter');
    s.sock.fileRefs = fileRefs;
    s.sock.mapped = mapped;
    s.threads[ti].l.txTotal = 9;
    s.threads[ti].l.txErr = -1;
    return { n: runContinuation(c, s, ti, 'tx.enter'), ti };
  };

  it('netlink_mmap_sendmsg (3.10): fd table + one VMA (f_count 2, mapped 1) -> exclusive, loop starts with nothing sent', () => {
    const { n, ti } = entry('linux-3.10', 2, 1);
    expect(n.threads[ti].l.txExcl).toBe(true);
    expect([n.threads[ti].pc, n.threads[ti].l.txTotal, n.threads[ti].l.txErr, n.threads[ti].l.txCount]).toEqual(['tx.status', 0, 0, 0]);
  });

  it('netlink_mmap_sendmsg (3.10): f_count > 2 (the file is shared, e.g. after fork or dup) -> not exclusive', () => {
    expect(entry('linux-3.10', 3, 1).n.threads[0].l.txExcl).toBe(false);
  });

  it('netlink_mmap_sendmsg (3.10): mapped > 1 (a second mapping) -> not exclusive', () => {
    expect(entry('linux-3.10', 2, 2).n.threads[0].l.txExcl).toBe(false);
  });

  it('netlink_mmap_sendmsg (4.5, always copy): never exclusive', () => {
    expect(entry('linux-4.5', 2, 1).n.threads[0].l.txExcl).toBe(false);
  });

  it('netlink_sendmsg: no TX ring -> the ordinary send, on every ring-path test', () => {
    for (const ringPath of ['iov-base', 'iter-type-eq', 'iter-is-iovec'] as const) {
      expect([ringPathTest({ ringPathTest: ringPath }, false, false), ringPathTest({ ringPathTest: ringPath }, false, true)]).toEqual(['plain', 'plain']);
    }
    expect([ringPathTest({ ringPathTest: 'iov-base' }, true, false), ringPathTest({ ringPathTest: 'iov-base' }, true, true)]).toEqual(['ring', 'uninit']);
    expect([ringPathTest({ ringPathTest: 'iter-is-iovec' }, true, false), ringPathTest({ ringPathTest: 'iter-is-iovec' }, true, true)]).toEqual(['ring', 'plain']);
    expect(ringPathTest({ ringPathTest: 'iter-type-eq' }, true, false)).toBe('plain');
  });
});

describe.each(['linux-4.5', 'linux-3.10'])('netlink_mmap_sendmsg loop on %s', (v) => {
  it('netlink_mmap_sendmsg: mutex_lock(pg_vec_lock) on entry waits for another holder', () => {
    const { c, s, ti } = at(v, 'tx.status');
    s.sock.pgVecLock = tid(c, 'o');
    expect(guardHolds(c, s, ti)).toBe(false);
  });

  it('netlink_mmap_sendmsg: the head frame is VALID -> take it (frame in progress = head), read nm_len next', () => {
    const { c, s, ti } = at(v, 'tx.status');
    s.sock.tx.head = 2;
    validFrame(s, 2);
    s.threads[ti].l.txReads.push(5);
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].pc, n.threads[ti].l.txFrame, n.sock.pgVecLock, n.threads[ti].l.txReads.length]).toEqual(['tx.len', 2, ti, 0]);
  });

  it('netlink_mmap_sendmsg: no VALID frame and nothing pending -> unlock, return the bytes sent so far', () => {
    const { c, s, ti } = at(v, 'tx.status');
    s.threads[ti].l.txTotal = 128;
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].pc, n.threads[ti].l.ret, n.sock.pgVecLock, n.ghost.note, n.ghost.noteValue]).toEqual(['done', 128, -1, 'sendmsg-return', 128]);
  });

  it('netlink_sendmsg returns: the call\'s locals are dead and cleared (equal states encode equally)', () => {
    const { c, s, ti } = at(v, 'tx.status');
    Object.assign(s.threads[ti].l, { txExcl: true, txTotal: 64, txLen: 64, txAlloc: 64, txFrame: 1, vMsg: 3, aMsg: 3 });
    s.threads[ti].l.txReads.push(64);
    const l = stepOnce(c, s, ti).threads[ti].l;
    expect([l.txExcl, l.txTotal, l.txErr, l.txLen, l.txAlloc, l.txReads.length, l.txFrame, l.vMsg, l.aMsg]).toEqual([false, 0, 0, 0, 0, 0, -1, -1, -1]);
  });

  it('netlink_mmap_sendmsg: no VALID frame but TX skbs pending, blocking call -> schedule() and look again, pg_vec_lock kept', () => {
    const { c, s, ti } = at(v, 'tx.status');
    s.sock.tx.pending = 1;
    s.sock.tx.frames[0].status = RESERVED;
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].pc, n.sock.pgVecLock]).toEqual(['tx.status', ti]);
  });

  it('netlink_mmap_sendmsg: with MSG_DONTWAIT it does not wait for pending TX skbs: unlock and return', () => {
    const { c, s, ti } = at(v, 'tx.status', { dontwait: true });
    s.sock.tx.pending = 1;
    s.sock.tx.frames[0].status = RESERVED;
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].pc, n.threads[ti].l.ret, n.sock.pgVecLock]).toEqual(['done', 0, -1]);
  });

  it('netlink_mmap_sendmsg: a SKIP or UNUSED head frame is not VALID (no forwarding on TX)', () => {
    const { c, s, ti } = at(v, 'tx.status');
    s.sock.tx.frames[0].status = SKIP;
    validFrame(s, 1);
    expect(stepOnce(c, s, ti).threads[ti].pc).toBe('done');
  });

  it('netlink_mmap_sendmsg: nm_len == maxlen is accepted (the test is nm_len > maxlen)', () => {
    const { c, s, ti } = at(v, 'tx.len');
    inLoop(s, ti);
    validFrame(s, 0, MAX);
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].l.ret).toBe(0);
    expect(n.threads[ti].pc).not.toBe('done');
    expect(n.threads[ti].l.txLen).toBe(MAX);
    expect(n.threads[ti].l.txReads.toArray()).toEqual([MAX]);
  });

  it('netlink_mmap_sendmsg: nm_len > maxlen -> EINVAL, unlock, the frame stays VALID and the head does not move', () => {
    const { c, s, ti } = at(v, 'tx.len');
    inLoop(s, ti);
    validFrame(s, 0, MAX + 1);
    s.threads[ti].l.txTotal = 64; // a frame already sent in this call
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].pc, n.threads[ti].l.ret, n.sock.pgVecLock]).toEqual(['done', -EINVAL, -1]);
    expect([n.sock.tx.frames[0].status, n.sock.tx.head]).toEqual([VALID, 0]);
  });

  it('netlink_mmap_sendmsg: an error discards the count of bytes already sent (goto out returns err)', () => {
    const { c, s, ti } = at(v, 'tx.status');
    s.threads[ti].l.txTotal = 64;
    s.threads[ti].l.txErr = -ENOBUFS;
    expect(stepOnce(c, s, ti).threads[ti].l.ret).toBe(-ENOBUFS);
  });

  it('the kernel receiver (netlink_unicast to a port that has gone away) -> ECONNREFUSED, the skb freed', () => {
    const { c, s, ti } = at(v, 'rcv.validate', { dst: 'missing-port' });
    inLoop(s, ti);
    Object.assign(s.threads[ti].l, { skb: SKB_PLAIN, skbLen: 64, skbMsg: 1 });
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.ret, n.threads[ti].l.skb, n.sock.pgVecLock]).toEqual([-ECONNREFUSED, SKB_NONE, -1]);
  });

  it('the kernel receiver validates a copy and acts on the same copy in one step; a rejected message is not acted on', () => {
    for (const [msg, acted] of [[3, true], [MSG_EVIL, false], [0, false]] as const) {
      const { c, s, ti } = at(v, 'rcv.validate');
      inLoop(s, ti);
      Object.assign(s.threads[ti].l, { skb: SKB_PLAIN, skbLen: 64, skbMsg: msg, skbSeq: 2 });
      const n = stepOnce(c, s, ti);
      expect(n.threads[ti].l.vMsg).toBe(content(msg, 2));
      expect(n.threads[ti].l.aMsg).toBe(acted ? content(msg, 2) : -1);
      expect(n.ghost.note).toBe(acted ? 'tx-acted' : 'tx-rejected');
      // tx.copy-free ran: the copy is freed, its bytes counted, back to the loop.
      expect([n.threads[ti].pc, n.threads[ti].l.txTotal, n.threads[ti].l.txCount, n.threads[ti].l.skb]).toEqual(['tx.status', 64, 1, SKB_NONE]);
    }
  });
});

describe('netlink_mmap_sendmsg (4.5): nm_len read once, the frame copied and released before the message is processed', () => {
  it('netlink_mmap_sendmsg (4.5): nm_len within bounds -> the copy (never 3.10\'s branches)', () => {
    const { c, s, ti } = at('linux-4.5', 'tx.len');
    inLoop(s, ti);
    validFrame(s, 0);
    expect(stepOnce(c, s, ti).threads[ti].pc).toBe('tx.copy');
  });

  it('netlink_mmap_sendmsg (4.5): alloc_skb(len) of the local, memcpy; nm_len is not read again', () => {
    const { c, s, ti } = at('linux-4.5', 'tx.copy');
    inLoop(s, ti);
    validFrame(s, 0, 200, 3, 2);
    s.threads[ti].l.txLen = 64;
    s.threads[ti].l.txReads.push(64);
    const n = stepOnce(c, s, ti);
    expect(plainLocals(n.threads[ti].l)).toMatchObject({ skb: SKB_PLAIN, skbLen: 64, txAlloc: 64, skbMsg: 3, skbSeq: 2 });
    expect(n.threads[ti].l.txReads.toArray()).toEqual([64]);
    expect(n.threads[ti].pc).toBe('tx.release');
  });

  it('netlink_mmap_sendmsg (4.5): alloc_skb may fail only where the scenario allows it -> ENOBUFS, the frame stays VALID', () => {
    const no = at('linux-4.5', 'tx.copy');
    inLoop(no.s, no.ti);
    validFrame(no.s, 0);
    expect(choicesOf(no.c, no.s, no.ti)).toEqual([0]);
    const { c, s, ti } = at('linux-4.5', 'tx.copy', {}, { allocFailures: true });
    inLoop(s, ti);
    validFrame(s, 0);
    expect(choicesOf(c, s, ti)).toEqual([0, 1]);
    const n = stepOnce(c, s, ti, 1);
    expect([n.threads[ti].l.ret, n.sock.pgVecLock, n.sock.tx.frames[0].status]).toEqual([-ENOBUFS, -1, VALID]);
  });

  it('netlink_mmap_sendmsg: after the copy the frame is set UNUSED and the head advances (wrapping at frame_max)', () => {
    for (const v of ['linux-4.5', 'linux-3.10']) {
      const { c, s, ti } = at(v, 'tx.release');
      s.sock.tx.head = 3;
      inLoop(s, ti, 3);
      validFrame(s, 3);
      const n = stepOnce(c, s, ti);
      expect([n.sock.tx.frames[3].status, n.sock.tx.head, n.threads[ti].pc]).toEqual([UNUSED, 0, 'rcv.validate']);
    }
  });
});

describe('netlink_mmap_sendmsg (3.10): zero-copy for an exclusive sender to the kernel, nm_len read for every use', () => {
  it('netlink_mmap_sendmsg (3.10): exclusive, destination the kernel -> zero-copy', () => {
    const { c, s, ti } = at('linux-3.10', 'tx.len');
    inLoop(s, ti);
    validFrame(s, 0);
    s.threads[ti].l.txExcl = true;
    expect(stepOnce(c, s, ti).threads[ti].pc).toBe('tx.zc-len');
  });

  it('netlink_mmap_sendmsg (3.10): not exclusive -> the copy branch (alloc_skb)', () => {
    const { c, s, ti } = at('linux-3.10', 'tx.len');
    inLoop(s, ti);
    validFrame(s, 0);
    expect(stepOnce(c, s, ti).threads[ti].pc).toBe('tx.alloc');
  });

  it('netlink_mmap_sendmsg (3.10): exclusive but to a user port -> the copy branch', () => {
    const { c, s, ti } = at('linux-3.10', 'tx.len', { dst: 'missing-port' });
    inLoop(s, ti);
    validFrame(s, 0);
    s.threads[ti].l.txExcl = true;
    expect(stepOnce(c, s, ti).threads[ti].pc).toBe('tx.alloc');
  });

  it('netlink_mmap_sendmsg (3.10): zero-copy: __skb_put(nm_len) reads nm_len again, then RESERVED, pending++, sock_hold, head++', () => {
    const { c, s, ti } = at('linux-3.10', 'tx.zc-len');
    inLoop(s, ti);
    validFrame(s, 0, 100);
    s.threads[ti].l.txReads.push(64);
    let n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.skbLen, n.threads[ti].pc]).toEqual([100, 'tx.zc-reserve']);
    expect(n.threads[ti].l.txReads.toArray()).toEqual([64, 100]);
    n = stepOnce(c, n, ti);
    expect([n.sock.tx.frames[0].status, n.sock.tx.pending, n.sock.sockRefs, n.sock.tx.head]).toEqual([RESERVED, 1, 1, 1]);
    expect(plainLocals(n.threads[ti].l)).toMatchObject({ skb: SKB_TX, skbFrame: 0, skbGen: s.sock.tx.gen });
    expect(n.threads[ti].pc).toBe('rcv.validate');
  });

  it('netlink_mmap_sendmsg (3.10): copy branch: alloc_skb(nm_len), __skb_put(nm_len), memcpy(nm_len): three more reads', () => {
    const { c, s, ti } = at('linux-3.10', 'tx.alloc');
    inLoop(s, ti);
    validFrame(s, 0, 64, 3, 1);
    let n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.txAlloc, n.threads[ti].pc]).toEqual([64, 'tx.put']);
    n = stepOnce(c, n, ti);
    expect([n.threads[ti].l.skb, n.threads[ti].l.skbLen, n.threads[ti].pc]).toEqual([SKB_PLAIN, 64, 'tx.copy']);
    n = stepOnce(c, n, ti);
    expect([n.threads[ti].l.skbMsg, n.threads[ti].l.skbSeq, n.threads[ti].pc]).toEqual([3, 1, 'tx.release']);
    expect(n.threads[ti].l.txReads.toArray()).toEqual([64, 64, 64]);
  });

  it('netlink_mmap_sendmsg (3.10): alloc_skb failure -> ENOBUFS, unlock, the frame stays VALID', () => {
    const { c, s, ti } = at('linux-3.10', 'tx.alloc', {}, { allocFailures: true });
    inLoop(s, ti);
    validFrame(s, 0);
    const n = stepOnce(c, s, ti, 1);
    expect([n.threads[ti].l.ret, n.sock.pgVecLock, n.sock.tx.frames[0].status]).toEqual([-ENOBUFS, -1, VALID]);
  });

  it('the kernel receiver (3.10 zero-copy): validates the message in the frame, acts on it in a later step (a second read)', () => {
    const { c, s, ti } = at('linux-3.10', 'rcv.validate');
    inLoop(s, ti);
    validFrame(s, 0, 64, 3, 2);
    s.sock.tx.frames[0].status = RESERVED;
    Object.assign(s.threads[ti].l, { skb: SKB_TX, skbGen: s.sock.tx.gen, skbFrame: 0, skbLen: 64 });
    let n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.vMsg, n.threads[ti].l.aMsg, n.threads[ti].pc]).toEqual([content(3, 2), -1, 'rcv.act']);
    n.sock.tx.frames[0].msg = 4; // a sibling rewrote the frame in between
    n = stepOnce(c, n, ti);
    expect([n.threads[ti].l.aMsg, n.threads[ti].pc]).toEqual([content(4, 2), 'tx.zc-free']);
  });

  it('the kernel receiver (3.10 zero-copy): a rejected message goes straight to the destructor', () => {
    const { c, s, ti } = at('linux-3.10', 'rcv.validate');
    inLoop(s, ti);
    validFrame(s, 0, 64, MSG_EVIL);
    Object.assign(s.threads[ti].l, { skb: SKB_TX, skbGen: s.sock.tx.gen, skbFrame: 0, skbLen: 64 });
    expect(stepOnce(c, s, ti).threads[ti].pc).toBe('tx.zc-free');
  });

  it('netlink_skb_destructor (TX, 3.10): the frame back to UNUSED, pending--, sock_put, its bytes counted, next frame', () => {
    const { c, s, ti } = at('linux-3.10', 'tx.zc-free');
    inLoop(s, ti);
    s.sock.tx.frames[0].status = RESERVED;
    s.sock.tx.pending = 1;
    s.sock.sockRefs = 1;
    Object.assign(s.threads[ti].l, { skb: SKB_TX, skbGen: s.sock.tx.gen, skbFrame: 0, skbLen: 64 });
    const n = stepOnce(c, s, ti);
    expect([n.sock.tx.frames[0].status, n.sock.tx.pending, n.sock.sockRefs]).toEqual([UNUSED, 0, 0]);
    expect([n.threads[ti].l.txTotal, n.threads[ti].l.txCount, n.threads[ti].l.skb, n.threads[ti].pc]).toEqual([64, 1, SKB_NONE, 'tx.status']);
  });
});

