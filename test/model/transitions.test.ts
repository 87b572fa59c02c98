/**
 * The frame state machine and the kernel paths around it, driven step by step
 * through the real spec (protocol.md §2–§5). Each test names the kernel rule it
 * encodes and asserts the concrete outcome (frame status, head, pending,
 * sk_err, poll mask, ...) that a wrong spec would change.
 */
import { describe, expect, it } from 'vitest';
import type { ThreadSpec } from '../../src/model/config.js';
import {
  COPY, DUMP_TAG_BASE, EINVAL, ENOBUFS, HDRLEN, MSG_DONE, POLLERR, POLLIN, POLLOUT, RESERVED, RX, SKIP, TX, UNUSED, VALID,
} from '../../src/model/constants.js';
import { SKB_NONE, SKB_PLAIN, SKB_RX, SKB_TX, plainLocals, plainRing, plainState, type State } from '../../src/model/state.js';
import {
  DESTROY, FOUR, FOUR_PAGES, ONE, TWO, VARIANT_IDS, model, property, runActor, runTo, runToDone, scenario, script, take, thread, threadIndex,
  type Model,
} from './helpers.js';

// ---------------------------------------------------------------------------------------------
// Threads

const ringProducer = (name: string, count: number, firstTag = 1, mayAbandon = false): ThreadSpec => ({
  name, program: 'producer', params: { count, path: 'ring', firstTag, ...(mayAbandon ? { mayAbandon } : {}) },
});
const plainProducer = (name: string, count: number, firstTag = 10): ThreadSpec => ({
  name, program: 'producer', params: { count, path: 'plain', firstTag },
});
const consumer = (maxHold = 0, dump = false): ThreadSpec => ({ name: 'c', program: 'consumer', params: { maxHold, dump } });
const txUser = (count: number, batch: number): ThreadSpec => ({ name: 'tx', program: 'txuser', params: { count, batch, dontwait: false, firstTag: 1 } });
const sibling: ThreadSpec = { name: 'sib', program: 'sibling', params: { writes: 1 } };

/**
 * Pre-roll helpers. They run one thread through steps that are not under test
 * by position (runActor), so that only the steps a test is about are named.
 */
/** One whole message of a producer: allocation to delivery (or loss). */
const produce = (m: Model, s: State, actor: string) => {
  const k0 = thread(m, s, actor).l.k;
  return runActor(m, s, actor, (x) => thread(m, x, actor).l.k > k0).state;
};
/** A ring producer up to (not including) the reservation step. */
const toReserve = (m: Model, s: State, actor: string) => runTo(m, s, actor, 'alloc.reserve').state;
/** A ring producer holding a RESERVED frame. */
const reserve = (m: Model, s: State, actor: string) => take(m, toReserve(m, s, actor), actor, 'alloc.reserve');
/**
 * A 'plain' producer's message until __netlink_sendskb has run: queued with its
 * frame claimed (before the COPY mark), or dropped.
 */
const plainQueue = (m: Model, s: State, actor: string) => {
  const k0 = thread(m, s, actor).l.k;
  return runActor(m, s, actor, (x) => thread(m, x, actor).pc === 'send.copy-mark' || thread(m, x, actor).l.k > k0).state;
};

const rx = (s: State, i: number) => s.sock.rx.frames[i];
const tx = (s: State, i: number) => s.sock.tx.frames[i];

/** Run the consumer until the poll call it is in returns; the mask is the note's value on that step. */
function pollOnce(m: Model, s: State): { state: State; mask: number; kinds: string[] } {
  const ci = threadIndex(m, 'c');
  const r = runActor(m, s, 'c', (x) => x.ghost.note === 'poll-return' && x.ghost.noteThread === ci);
  return { state: r.state, mask: r.state.ghost.noteValue, kinds: r.kinds };
}

// ---------------------------------------------------------------------------------------------

describe.each(VARIANT_IDS)('RX frame transitions on %s (protocol.md §3.2, §4.2–§4.6)', (v) => {
  it('netlink_alloc_skb (R1): the UNUSED frame at head becomes RESERVED, pending++, head++', () => {
    const m = model(v, scenario([ringProducer('p', 1)]));
    let s = toReserve(m, m.spec.init(), 'p');
    expect(thread(m, s, 'p').pc).toBe('alloc.reserve');
    expect(s.sock.rxqLock).toBe(0); // the reservation happens under sk_receive_queue.lock
    expect([rx(s, 0).status, s.sock.rx.pending, s.sock.rx.head]).toEqual([UNUSED, 0, 0]);
    s = take(m, s, 'p', 'alloc.reserve');
    expect([rx(s, 0).status, s.sock.rx.pending, s.sock.rx.head]).toEqual([RESERVED, 1, 1]);
    expect(plainLocals(thread(m, s, 'p').l)).toMatchObject({ skb: SKB_RX, skbFrame: 0 });
    expect(s.sock.rxqLock).toBe(-1);
    expect(s.sock.sockRefs).toBe(1); // the lookup's reference is kept until the destructor
    expect(s.ghost.last).toMatchObject({ kind: 'kstore', ring: RX, frame: 0, before: UNUSED, after: RESERVED });
  });

  it('netlink_queue_mmaped_skb (R2): RESERVED -> VALID with nm_len, message at +NL_MMAP_HDRLEN; the destructor then does pending--', () => {
    const m = model(v, scenario([ringProducer('p', 1, 7)]));
    let s = runTo(m, m.spec.init(), 'p', 'send.publish').state;
    expect([rx(s, 0).status, s.sock.rx.pending]).toEqual([RESERVED, 1]);
    s = take(m, s, 'p', 'send.publish');
    expect(rx(s, 0)).toMatchObject({ status: VALID, len: 64, msg: 7, seq: 1, off: HDRLEN });
    expect(s.sock.rx.pending).toBe(0);
    expect(s.sock.sockRefs).toBe(0);
    expect(s.sock.rx.head).toBe(1);
    expect(thread(m, s, 'p')).toMatchObject({ pc: 'done', l: { skb: SKB_NONE } });
    expect(s.ghost.last).toMatchObject({ kind: 'kstore', ring: RX, before: RESERVED, after: VALID });
  });

  it('netlink_skb_destructor (R3): a ring skb freed undelivered publishes VALID with nm_len 0, never UNUSED', () => {
    const m = model(v, scenario([ringProducer('p', 1, 1, true)]));
    let s = take(m, reserve(m, m.spec.init(), 'p'), 'p', 'prod.fill', 1);
    expect(thread(m, s, 'p').pc).toBe('skb.free');
    expect([rx(s, 0).status, s.sock.rx.pending]).toEqual([RESERVED, 1]);
    s = take(m, s, 'p', 'skb.free');
    expect(rx(s, 0)).toMatchObject({ status: VALID, len: 0 });
    expect(s.sock.rx.pending).toBe(0);
    expect(s.sock.sockRefs).toBe(0);
    expect(s.ghost.last).toMatchObject({ kind: 'kstore', ring: RX, frame: 0, before: RESERVED, after: VALID });
    expect(property('OWN-RX-KERNEL-WRITE').holds(s)).toBe(true);
  });

  it('user RX release (R5): VALID -> UNUSED by the consumer, cursor advances', () => {
    const m = model(v, scenario([ringProducer('p', 1), consumer(0)]));
    let s = produce(m, m.spec.init(), 'p');
    s = script(m, s, ['c c.look -1', 'c c.read 0']);
    expect(rx(s, 0).status).toBe(VALID);
    s = take(m, s, 'c', 'c.release');
    expect(rx(s, 0).status).toBe(UNUSED);
    expect(thread(m, s, 'c').l.cursor).toBe(1);
    expect(s.ghost.last).toMatchObject({ kind: 'ustore', ring: RX, frame: 0, before: VALID, after: UNUSED, conforming: true });
  });

  it('user RX hold (R6, R8): VALID -> SKIP while held, SKIP -> UNUSED on release, out of ring order', () => {
    const m = model(v, scenario([ringProducer('p', 1), consumer(1)]));
    let s = produce(m, m.spec.init(), 'p');
    s = script(m, s, ['c c.look -1', 'c c.read 1']);
    expect(thread(m, s, 'c').pc).toBe('c.skip');
    s = take(m, s, 'c', 'c.skip');
    expect(rx(s, 0).status).toBe(SKIP);
    expect(plainLocals(thread(m, s, 'c').l)).toMatchObject({ cursor: 1, held: [0] });
    expect(s.ghost.last).toMatchObject({ kind: 'ustore', before: VALID, after: SKIP });
    s = take(m, s, 'c', 'c.look', 0); // release held frame #0
    expect(rx(s, 0).status).toBe(UNUSED);
    expect(thread(m, s, 'c').l.held.toArray()).toEqual([]);
    expect(s.ghost.last).toMatchObject({ kind: 'ustore', before: SKIP, after: UNUSED });
  });

  it('netlink_ring_set_copied (R4): an ordinary skb claims the UNUSED head frame (head++) and is queued; the frame becomes COPY after the unlock', () => {
    const m = model(v, scenario([plainProducer('plain', 1, 5), consumer(0)]));
    let s = m.spec.init();
    expect(thread(m, s, 'plain').l.skb).toBe(SKB_PLAIN);
    s = plainQueue(m, s, 'plain');
    expect(s.sock.rcvq.toArray()).toEqual([{ msg: 5, seq: 1, frame: 0 }]);
    expect(s.sock.rx.head).toBe(1);
    expect(rx(s, 0).status).toBe(UNUSED); // header and status are written after the unlock
    expect(s.sock.rx.pending).toBe(0); // not a ring skb
    s = take(m, s, 'plain', 'send.copy-mark');
    expect(rx(s, 0)).toMatchObject({ status: COPY, len: 64, off: HDRLEN });
    expect(s.ghost.last).toMatchObject({ kind: 'kstore', before: UNUSED, after: COPY });
  });

  it('user COPY release (R7): recvmsg dequeues exactly the message of the COPY frame, then COPY -> UNUSED', () => {
    const m = model(v, scenario([plainProducer('plain', 1, 5), consumer(0)]));
    let s = take(m, plainQueue(m, m.spec.init(), 'plain'), 'plain', 'send.copy-mark');
    s = script(m, s, ['c c.look -1', 'c recv.err', 'c recv.dequeue', 'c recv.wake']);
    expect(s.sock.rcvq.toArray()).toEqual([]);
    expect(s.ghost).toMatchObject({ copyFrame: 0, copyPaired: 0 });
    expect(thread(m, s, 'c').pc).toBe('c.release');
    s = take(m, s, 'c', 'c.release');
    expect(rx(s, 0).status).toBe(UNUSED);
    expect(s.ghost.last).toMatchObject({ kind: 'ustore', before: COPY, after: UNUSED });
  });

  it('netlink_ring_set_copied (R4\'): head frame not UNUSED -> the ordinary skb is dropped, netlink_overrun: sk_err ENOBUFS, CONGESTED, drops++', () => {
    const m = model(v, scenario([ringProducer('p', 1), plainProducer('plain', 1)], { requests: [ONE] }));
    let s = reserve(m, m.spec.init(), 'p');
    expect([rx(s, 0).status, s.sock.rx.head]).toEqual([RESERVED, 0]);
    s = plainQueue(m, s, 'plain');
    expect(s.ghost.note).toBe('copy-full');
    expect(plainState(s).sock).toMatchObject({ skErr: ENOBUFS, congested: true, drops: 1, rcvq: [] });
    expect(s.sock.rx.head).toBe(0);
    expect(rx(s, 0).status).toBe(RESERVED); // untouched
    expect(s.ghost.unreported).toBe(1);
    expect(thread(m, s, 'plain').pc).toBe('done'); // the sender saw success: no retry
  });

  it('netlink_overrun with NETLINK_NO_ENOBUFS: the drop is counted but sk_err and CONGESTED stay clear', () => {
    const m = model(v, scenario([ringProducer('p', 1), plainProducer('plain', 1)], { requests: [ONE], noEnobufs: true }));
    let s = reserve(m, m.spec.init(), 'p');
    s = plainQueue(m, s, 'plain');
    expect(s.ghost.note).toBe('copy-full');
    expect(plainState(s).sock).toMatchObject({ skErr: 0, congested: false, drops: 1, rcvq: [] });
    expect(property('LOSS-REPORTED').holds(s)).toBe(true);
  });

  it('netlink_attachskb: while CONGESTED an ordinary skb from a kernel sender is refused (overrun, drop) before it reaches the ring', () => {
    const m = model(v, scenario([ringProducer('p', 1), plainProducer('plain', 2)], { requests: [ONE] }));
    const s = reserve(m, m.spec.init(), 'p');
    const first = runActor(m, s, 'plain', (x) => thread(m, x, 'plain').l.k === 1);
    expect(first.kinds).toContain('send.copy-claim'); // the first one reached netlink_ring_set_copied and was dropped there
    expect(plainState(first.state).sock).toMatchObject({ congested: true, drops: 1 });
    const second = runToDone(m, first.state, 'plain');
    expect(plainState(second.state).sock).toMatchObject({ congested: true, drops: 2, skErr: ENOBUFS, rcvq: [] });
    expect(second.kinds).not.toContain('send.copy-claim'); // refused before __netlink_sendskb
  });

  it('netlink_alloc_skb: ring full at allocation -> NULL (no fallback to an ordinary skb) and netlink_overrun', () => {
    const m = model(v, scenario([ringProducer('p', 2)], { requests: [ONE] }));
    let s = produce(m, m.spec.init(), 'p');
    expect([rx(s, 0).status, s.sock.rx.head]).toEqual([VALID, 0]);
    s = take(m, runTo(m, s, 'p', 'alloc.check').state, 'p', 'alloc.check');
    expect(s.ghost.note).toBe('alloc-full');
    expect(thread(m, s, 'p')).toMatchObject({ pc: 'prod.fill', l: { skb: SKB_NONE, inAlloc: false } });
    expect(plainState(s).sock).toMatchObject({ skErr: ENOBUFS, congested: true, drops: 1, rxqLock: -1, sockRefs: 0 });
    expect([rx(s, 0).status, s.sock.rx.head, s.sock.rx.pending]).toEqual([VALID, 0, 0]);
    expect(property('LOSS-FREE-FRAME').holds(s)).toBe(true); // the ring really was full
    s = take(m, s, 'p', 'prod.fill');
    expect(thread(m, s, 'p').pc).toBe('done'); // the message is lost
  });
});

// ---------------------------------------------------------------------------------------------

describe('netlink_forward_ring with a SKIP frame at head (protocol.md §4.5, bugs.md B9)', () => {
  /** 2 frames: frame 0 held as SKIP at the kernel head, frame 1 released (UNUSED); then a third allocation starts. */
  function skipAtHead(v: string) {
    const m = model(v, scenario([ringProducer('p', 3), consumer(1)], { requests: [TWO] }));
    let s = produce(m, m.spec.init(), 'p');
    s = script(m, s, ['c c.look -1', 'c c.read 1', 'c c.skip']);
    s = produce(m, s, 'p');
    s = script(m, s, ['c c.look -1', 'c c.read 0', 'c c.release']);
    expect([rx(s, 0).status, rx(s, 1).status, s.sock.rx.head]).toEqual([SKIP, UNUSED, 0]);
    s = script(m, s, ['p alloc.lookup', 'p alloc.lock']);
    expect(thread(m, s, 'p').pc).toBe('fwd.step');
    return { m, s };
  }

  it('linux-4.5: forward_ring passes the SKIP frame; head advances to the UNUSED frame after it, which is reserved', () => {
    const { m, s: s0 } = skipAtHead('linux-4.5');
    let s = take(m, s0, 'p', 'fwd.step');
    expect(s.ghost.note).toBe('forward-skip');
    expect(s.sock.rx.head).toBe(1);
    s = take(m, s, 'p', 'fwd.step');
    expect(s.ghost.note).toBe('forward-done');
    expect(property('SKIP-PROGRESS').holds(s)).toBe(true);
    expect(thread(m, s, 'p').pc).toBe('alloc.check');
    s = script(m, s, ['p alloc.check', 'p alloc.reserve']);
    expect([rx(s, 0).status, rx(s, 1).status, s.sock.rx.head]).toEqual([SKIP, RESERVED, 0]);
    expect(s.sock.drops).toBe(0);
  });

  it('linux-3.10: forward_ring re-reads the start frame, turns the head once round the ring back to the SKIP frame, and the allocation fails', () => {
    const { m, s: s0 } = skipAtHead('linux-3.10');
    let s = take(m, s0, 'p', 'fwd.step');
    expect(s.sock.rx.head).toBe(1);
    s = take(m, s, 'p', 'fwd.step');
    expect(s.ghost.note).toBe('forward-done');
    expect(s.sock.rx.head).toBe(0); // back at the SKIP frame
    expect(property('SKIP-PROGRESS').holds(s)).toBe(false);
    s = take(m, s, 'p', 'alloc.check');
    expect(s.ghost.note).toBe('alloc-full');
    expect(thread(m, s, 'p').l.skb).toBe(SKB_NONE);
    expect([rx(s, 0).status, rx(s, 1).status]).toEqual([SKIP, UNUSED]); // a free frame existed
    expect(plainState(s).sock).toMatchObject({ drops: 1, skErr: ENOBUFS });
    expect(property('LOSS-FREE-FRAME').holds(s)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

describe('netlink_poll (protocol.md §4.7)', () => {
  /** Producer p1 has reserved frame 0 (RESERVED); optionally p2 published frame 1 (VALID). The consumer's cursor is on frame 0. */
  function reservedAtCursor(v: string, withValid: boolean) {
    const m = model(v, scenario([ringProducer('p1', 1), ringProducer('p2', 1, 5), consumer(0)]));
    let s = reserve(m, m.spec.init(), 'p1');
    if (withValid) s = produce(m, s, 'p2');
    return pollOnce(m, s);
  }

  it('linux-4.5: a RESERVED frame alone gives no POLLIN (netlink_has_valid_frame); the consumer sleeps', () => {
    const { state, mask, kinds } = reservedAtCursor('linux-4.5', false);
    expect(mask & POLLIN).toBe(0);
    expect(kinds).toContain('poll.scan');
    expect(property('POLL-IN-SOUND').holds(state)).toBe(true);
    expect(state.threads[2].pc).toBe('c.sleep');
  });

  it('linux-3.10: POLLIN because the frame before head is RESERVED, though nothing is VALID (spurious, B11)', () => {
    const { state, mask, kinds } = reservedAtCursor('linux-3.10', false);
    expect(mask & POLLIN).toBe(POLLIN);
    expect(kinds).toEqual(['c.look', 'poll.rcvwake', 'poll.datagram', 'poll.forward', 'fwd.step', 'poll.prev']);
    expect(property('POLL-IN-SOUND').holds(state)).toBe(false);
  });

  it.each(VARIANT_IDS)('%s: POLLIN when some frame is VALID, even one past a RESERVED frame at the user cursor', (v) => {
    const { state, mask } = reservedAtCursor(v, true);
    expect([state.sock.rx.frames[0].status, state.sock.rx.frames[1].status]).toEqual([RESERVED, VALID]);
    expect(mask & POLLIN).toBe(POLLIN);
    expect(property('POLL-IN-SOUND').holds(state)).toBe(true);
  });

  /** An ordinary skb queued (frame claimed, not yet marked COPY): the consumer's cursor frame is still UNUSED, so it polls. */
  function queuedOnly(v: string) {
    const m = model(v, scenario([plainProducer('plain', 1), consumer(0)]));
    const s = plainQueue(m, m.spec.init(), 'plain');
    expect(s.sock.rcvq).toHaveLength(1);
    return pollOnce(m, s);
  }

  it('linux-4.5: a non-empty receive queue gives POLLIN from datagram_poll and the ring scan is skipped (B10 fix)', () => {
    const { mask, kinds } = queuedOnly('linux-4.5');
    expect(mask).toBe(POLLIN | POLLOUT);
    // No TX ring in this scenario, so nothing follows datagram_poll.
    expect(kinds).toEqual(['c.look', 'poll.rcvwake', 'poll.datagram']);
  });

  it('linux-3.10: a non-empty receive queue gives POLLIN and the ring is still forwarded and examined', () => {
    const { mask, kinds } = queuedOnly('linux-3.10');
    expect(mask & POLLIN).toBe(POLLIN);
    expect(kinds).toEqual(['c.look', 'poll.rcvwake', 'poll.datagram', 'poll.forward', 'fwd.step', 'poll.prev']);
  });

  // datagram_poll sets POLLOUT while sock_writeable(); netlink sends never charge the sender's
  // sk_wmem_alloc, so POLLOUT is always set and netlink_poll's TX-ring test can only add to it
  // (protocol.md §4.7 step 4 says "iff"; the code ORs).
  describe.each(VARIANT_IDS)('%s: POLLOUT from datagram_poll, plus the TX-ring test', (v) => {
    const sc = scenario([consumer(0), txUser(2, 2)], { requests: [FOUR, TWO], rx: 0, tx: 1 });

    it('netlink_poll: TX head frame UNUSED -> POLLOUT, after reading the TX head', () => {
      const m = model(v, sc);
      const { mask, kinds } = pollOnce(m, m.spec.init());
      expect(mask).toBe(POLLOUT);
      expect(kinds[kinds.length - 1]).toBe('poll.tx');
    });

    it('netlink_poll: TX head frame VALID (filled, not yet sent) -> POLLOUT all the same (datagram_poll)', () => {
      const m = model(v, sc);
      const s = script(m, m.spec.init(), ['tx u.check', 'tx u.fill', 'tx u.valid']);
      expect([tx(s, 0).status, tx(s, 1).status, s.sock.tx.head]).toEqual([VALID, UNUSED, 0]);
      expect(thread(m, s, 'tx').pc).toBe('u.check'); // batch of 2: no sendto yet
      const { mask } = pollOnce(m, s);
      expect(mask & POLLOUT).toBe(POLLOUT);
    });
  });

  it.each(VARIANT_IDS)('%s: netlink_poll: sk_err set -> POLLERR; the consumer then reads and clears the error', (v) => {
    const m = model(v, scenario([ringProducer('p', 1), plainProducer('plain', 1), consumer(0)], { requests: [ONE] }));
    let s = reserve(m, m.spec.init(), 'p');
    s = plainQueue(m, s, 'plain');
    expect(s.sock.skErr).toBe(ENOBUFS);
    const r = pollOnce(m, s);
    expect(r.mask & POLLERR).toBe(POLLERR);
    expect(thread(m, r.state, 'c').pc).toBe('err.read');
    s = take(m, r.state, 'c', 'err.read');
    expect(s.sock.skErr).toBe(0);
    expect(s.ghost.note).toBe('error-read');
    expect(s.ghost.unreported).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------

describe('netlink_mmap_sendmsg on linux-4.5: always copy (protocol.md §5.3, §5.4)', () => {
  const v = 'linux-4.5';
  const base = { requests: [FOUR], rx: null, tx: 0 } as const;

  it('netlink_mmap_sendmsg: a VALID frame is copied with ONE read of nm_len, set UNUSED and head++ before the receiver processes it', () => {
    const m = model(v, scenario([txUser(1, 1)], base));
    let s = script(m, m.spec.init(), ['tx u.check', 'tx u.fill', 'tx u.valid']);
    expect(tx(s, 0)).toMatchObject({ status: VALID, len: 64, msg: 1 });
    expect(thread(m, s, 'tx').pc).toBe('tx.status');
    s = take(m, s, 'tx', 'tx.status');
    expect(s.sock.pgVecLock).toBe(0);
    s = take(m, s, 'tx', 'tx.len');
    expect(thread(m, s, 'tx').l.txReads.toArray()).toEqual([64]);
    s = take(m, s, 'tx', 'tx.copy');
    expect(plainLocals(thread(m, s, 'tx').l)).toMatchObject({ txReads: [64], skb: SKB_PLAIN, skbLen: 64, skbMsg: 1 });
    expect(tx(s, 0).status).toBe(VALID);
    s = take(m, s, 'tx', 'tx.release');
    expect(tx(s, 0).status).toBe(UNUSED);
    expect(s.sock.tx.head).toBe(1);
    expect(s.sock.tx.pending).toBe(0); // no RESERVED, no NETLINK_SKB_TX
    expect(thread(m, s, 'tx').l.txReads.toArray()).toEqual([64]);
    expect(thread(m, s, 'tx').pc).toBe('rcv.validate');
    expect(s.ghost.last).toMatchObject({ kind: 'kstore', ring: TX, frame: 0, before: VALID, after: UNUSED });
    s = take(m, s, 'tx', 'rcv.validate');
    expect(s.ghost.note).toBe('tx-acted');
    s = take(m, s, 'tx', 'tx.status'); // frame 1 not VALID: loop ends
    expect(s.ghost.note).toBe('sendmsg-return');
    expect(s.ghost.noteValue).toBe(64);
    expect(s.sock.pgVecLock).toBe(-1);
    expect(thread(m, s, 'tx').pc).toBe('done');
  });

  it('netlink_mmap_sendmsg: nm_len > maxlen -> -EINVAL, the frame stays VALID and the head does not move', () => {
    const m = model(v, scenario([txUser(1, 1), sibling], base));
    // The sibling rewrites nm_len of frame 0 (choice 2*0+1) to maxlen + 8.
    let s = script(m, m.spec.init(), ['tx u.check', 'tx u.fill', 'tx u.valid', 'sib sib.write 1', 'tx tx.status']);
    expect(tx(s, 0).len).toBe(1000 + 8);
    s = take(m, s, 'tx', 'tx.len');
    expect(s.ghost.note).toBe('sendmsg-return');
    expect(s.ghost.noteValue).toBe(-EINVAL);
    expect(tx(s, 0).status).toBe(VALID);
    expect(s.sock.tx.head).toBe(0);
    expect(s.sock.pgVecLock).toBe(-1);
  });

  it('netlink_mmap_sendmsg: alloc_skb failure -> -ENOBUFS, the frame stays VALID and the head does not move', () => {
    const m = model(v, scenario([txUser(1, 1)], { ...base, allocFailures: true }));
    let s = script(m, m.spec.init(), ['tx u.check', 'tx u.fill', 'tx u.valid', 'tx tx.status', 'tx tx.len']);
    expect(m.spec.actions(s).filter((a) => a.kind === 'tx.copy').map((a) => a.arg)).toEqual([0, 1]);
    s = take(m, s, 'tx', 'tx.copy', 1);
    expect(s.ghost.note).toBe('sendmsg-return');
    expect(s.ghost.noteValue).toBe(-ENOBUFS);
    expect(tx(s, 0).status).toBe(VALID);
    expect(s.sock.tx.head).toBe(0);
  });

  it('netlink_mmap_sendmsg: one call consumes every VALID frame from the head and returns the accumulated length', () => {
    const m = model(v, scenario([txUser(2, 2)], base));
    let s = script(m, m.spec.init(), ['tx u.check', 'tx u.fill', 'tx u.valid', 'tx u.check', 'tx u.fill', 'tx u.valid']);
    expect([tx(s, 0).status, tx(s, 1).status, tx(s, 2).status]).toEqual([VALID, VALID, UNUSED]);
    const r = runActor(m, s, 'tx', (x) => x.ghost.note === 'sendmsg-return');
    s = r.state;
    expect(r.kinds.filter((k) => k === 'tx.release')).toHaveLength(2);
    expect(s.ghost.noteValue).toBe(128);
    expect(thread(m, s, 'tx').pc).toBe('done');
    expect([tx(s, 0).status, tx(s, 1).status, s.sock.tx.head]).toEqual([UNUSED, UNUSED, 2]);
  });
});

describe('netlink_mmap_sendmsg on linux-3.10: zero-copy when exclusive (protocol.md §5.2)', () => {
  const v = 'linux-3.10';
  const base = { requests: [TWO], rx: null, tx: 0 } as const;

  it('netlink_mmap_sendmsg (T2, T3): exclusive socket -> zero-copy: frame RESERVED, tx pending 1, head++; UNUSED when the receiver is done', () => {
    const m = model(v, scenario([txUser(1, 1)], base));
    let s = script(m, m.spec.init(), ['tx u.check', 'tx u.fill', 'tx u.valid']);
    expect(thread(m, s, 'tx').l.txExcl).toBe(true);
    s = script(m, s, ['tx tx.status', 'tx tx.len']);
    expect(thread(m, s, 'tx').pc).toBe('tx.zc-len');
    s = take(m, s, 'tx', 'tx.zc-len');
    s = take(m, s, 'tx', 'tx.zc-reserve');
    expect(tx(s, 0).status).toBe(RESERVED);
    expect(s.sock.tx).toMatchObject({ pending: 1, head: 1 });
    expect(plainLocals(thread(m, s, 'tx').l)).toMatchObject({ skb: SKB_TX, skbFrame: 0 });
    expect(s.ghost.last).toMatchObject({ kind: 'kstore', ring: TX, before: VALID, after: RESERVED });
    s = take(m, s, 'tx', 'rcv.validate');
    expect(thread(m, s, 'tx').pc).toBe('rcv.act'); // validation and use are two reads of the frame
    expect(tx(s, 0).status).toBe(RESERVED);
    s = take(m, s, 'tx', 'rcv.act');
    expect(tx(s, 0).status).toBe(RESERVED);
    expect(s.sock.tx.pending).toBe(1);
    s = take(m, s, 'tx', 'tx.zc-free');
    expect(tx(s, 0).status).toBe(UNUSED);
    expect(s.sock.tx.pending).toBe(0);
    expect(s.sock.sockRefs).toBe(0);
    expect(s.ghost.last).toMatchObject({ kind: 'kstore', ring: TX, before: RESERVED, after: UNUSED });
  });

  it('netlink_mmap_sendmsg: nm_len is read again for the zero-copy skb length (two reads)', () => {
    const m = model(v, scenario([txUser(1, 1)], base));
    const s = script(m, m.spec.init(), ['tx u.check', 'tx u.fill', 'tx u.valid', 'tx tx.status', 'tx tx.len', 'tx tx.zc-len']);
    expect(thread(m, s, 'tx').l.txReads.toArray()).toEqual([64, 64]);
  });

  /** Runs the copy branch from tx.len on and checks it: never RESERVED, several nm_len reads, UNUSED + head++. */
  function expectCopyBranch(m: Model, s0: State) {
    let s = script(m, s0, ['tx u.check', 'tx u.fill', 'tx u.valid']);
    expect(thread(m, s, 'tx').l.txExcl).toBe(false);
    s = script(m, s, ['tx tx.status', 'tx tx.len']);
    expect(thread(m, s, 'tx').pc).toBe('tx.alloc');
    s = script(m, s, ['tx tx.alloc', 'tx tx.put', 'tx tx.copy']);
    expect(thread(m, s, 'tx').l.txReads.toArray()).toEqual([64, 64, 64, 64]); // check, alloc_skb, __skb_put, memcpy
    expect(tx(s, 0).status).toBe(VALID);
    s = take(m, s, 'tx', 'tx.release');
    expect(tx(s, 0).status).toBe(UNUSED);
    expect(s.sock.tx).toMatchObject({ head: 1, pending: 0 });
  }

  it('netlink_mmap_sendmsg: after fork (f_count > 2, mapped 2) the copy branch is taken', () => {
    const m = model(v, scenario([txUser(1, 1), { name: 'fork', program: 'forker' }], base));
    const s = take(m, m.spec.init(), 'fork', 'fork.do');
    expect(plainState(s).sock).toMatchObject({ mapped: 2, fileRefs: 4 });
    expectCopyBranch(m, s);
  });

  it('netlink_mmap_sendmsg: a second mmap of the rings (mapped 2) -> the copy branch is taken', () => {
    const m = model(v, scenario([txUser(1, 1), { name: 'map', program: 'setup', params: { ops: [{ op: 'mmap' }] } }], base));
    const s = take(m, m.spec.init(), 'map', 'mm.map');
    expect(plainState(s).sock).toMatchObject({ mapped: 2, fileRefs: 3 });
    expectCopyBranch(m, s);
  });

  it('netlink_mmap_sendmsg: after the forked child exits the socket is exclusive again (zero-copy)', () => {
    const m = model(v, scenario([txUser(1, 1), { name: 'fork', program: 'forker' }], base));
    let s = script(m, m.spec.init(), ['fork fork.do', 'fork fork.exit']);
    expect(plainState(s).sock).toMatchObject({ mapped: 1, fileRefs: 2 });
    s = script(m, s, ['tx u.check', 'tx u.fill', 'tx u.valid', 'tx tx.status', 'tx tx.len']);
    expect(thread(m, s, 'tx').pc).toBe('tx.zc-len');
  });
});

// ---------------------------------------------------------------------------------------------

describe.each(VARIANT_IDS)('ring set-up and teardown on %s (protocol.md §2)', (v) => {
  const setup = (ops: readonly unknown[]): ThreadSpec => ({ name: 'set', program: 'setup', params: { ops: ops as never } });

  /** Run the set-up thread to the end of its ops; `swapped` says whether it reached the swap under pg_vec_lock. */
  const runSetup = (m: Model, s: State) => {
    const r = runToDone(m, s, 'set');
    return { state: r.state, swapped: r.kinds.includes('so.swap'), locked: r.kinds.includes('so.lock') };
  };

  it('netlink_set_ring: mapped != 0 -> EBUSY: a valid destroy is refused and the ring is left as it is', () => {
    const sc = (mapped: boolean) => scenario([setup([{ op: 'setsockopt', ring: 'rx', req: 1 }])], { requests: [FOUR, DESTROY], mapped });
    const m = model(v, sc(true));
    const s0 = m.spec.init();
    expect(s0.sock.mapped).toBe(1);
    const r = runSetup(m, s0);
    expect(r.locked).toBe(false); // refused before pg_vec_lock
    expect(plainRing(r.state.sock.rx)).toEqual(plainRing(s0.sock.rx));
    // The same request on the unmapped ring goes through.
    const u = model(v, sc(false));
    const ru = runSetup(u, u.spec.init());
    expect(ru.swapped).toBe(true);
    expect(ru.state.sock.rx.gen).toBe(0);
  });

  it('netlink_set_ring: pending != 0 -> EBUSY (a ring skb is in flight on an unmapped ring)', () => {
    const m = model(v, scenario([ringProducer('p', 1), setup([{ op: 'setsockopt', ring: 'rx', req: 1 }])], { requests: [FOUR, DESTROY], mapped: false }));
    const s = reserve(m, m.spec.init(), 'p');
    expect([s.sock.mapped, s.sock.rx.pending]).toEqual([0, 1]);
    const r = runSetup(m, s);
    expect(r.locked).toBe(false);
    expect(plainRing(r.state.sock.rx)).toEqual(plainRing(s.sock.rx));
  });

  it('netlink_set_ring: create while the ring exists -> EBUSY, before frames_per_block is written', () => {
    const sc = (rxReq: number | null) => scenario([setup([{ op: 'setsockopt', ring: 'rx', req: 1 }])], { requests: [FOUR, TWO], rx: rxReq, mapped: false });
    const m = model(v, sc(0));
    const s0 = m.spec.init();
    const r = runSetup(m, s0);
    expect(r.locked).toBe(false);
    expect(plainRing(r.state.sock.rx)).toEqual(plainRing(s0.sock.rx));
    expect(r.state.sock.rx.framesPerBlock).toBe(4); // TWO would have written 2
    // Without a ring the same request creates one.
    const u = model(v, sc(null));
    const ru = runSetup(u, u.spec.init());
    expect(ru.swapped).toBe(true);
    expect(ru.state.sock.rx).toMatchObject({ req: 1, frameNr: 2, framesPerBlock: 2 });
  });

  it('netlink_set_ring: a create that fails the frame count check has already written frames_per_block into the live ring', () => {
    const bad = { blockSize: 4096, blockNr: 1, frameSize: 1024, frameNr: 3 };
    const m = model(v, scenario([setup([{ op: 'setsockopt', ring: 'rx', req: 0 }])], { requests: [bad], rx: null, mapped: false }));
    const r = runSetup(m, m.spec.init());
    expect(r.locked).toBe(false);
    expect(r.state.sock.rx).toMatchObject({ gen: 0, framesPerBlock: 4 });
  });

  it('netlink_set_ring: destroy then create swaps the blocks under the lock: head 0, all frames UNUSED, receive queue purged', () => {
    const m = model(
      v,
      scenario([ringProducer('p', 1), plainProducer('plain', 1), setup([{ op: 'setsockopt', ring: 'rx', req: 1 }, { op: 'setsockopt', ring: 'rx', req: 2 }])], {
        requests: [FOUR, DESTROY, TWO], mapped: false,
      }),
    );
    let s = produce(m, m.spec.init(), 'p');
    s = take(m, plainQueue(m, s, 'plain'), 'plain', 'send.copy-mark');
    expect([rx(s, 0).status, rx(s, 1).status, s.sock.rx.head, s.sock.rcvq.length]).toEqual([VALID, COPY, 2, 1]);
    s = runTo(m, s, 'set', 'so.swap').state;
    expect(s.sock.pgVecLock).toBe(threadIndex(m, 'set'));
    s = take(m, s, 'set', 'so.swap');
    expect(s.ghost.note).toBe('ring-swapped');
    expect(s.sock.rx).toMatchObject({ gen: 0, head: 0, req: -1 });
    expect(s.sock.rx.frames.every((f) => f.status === UNUSED && f.len === 0)).toBe(true);
    expect(s.sock.rcvq.toArray()).toEqual([]);
    expect(s.sock.pgVecLock).toBe(-1);
    expect(s.ghost.unreported).toBe(1); // the purged COPY message is lost without a report
    const r = runSetup(m, s);
    expect(r.swapped).toBe(true);
    expect(r.state.sock.rx).toMatchObject({ gen: 2, req: 2, frameNr: 2, frameSize: 2048, framesPerBlock: 2, head: 0, pending: 0 });
    expect(r.state.sock.rx.frames.every((f) => f.status === UNUSED)).toBe(true);
  });

  it('netlink_mmap: no ring configured -> -EINVAL, nothing is mapped', () => {
    const m = model(v, scenario([setup([{ op: 'mmap' }])], { rx: null, tx: null, mapped: false }));
    const s = take(m, m.spec.init(), 'set', 'mm.map');
    expect(plainState(s).sock).toMatchObject({ mapped: 0, fileRefs: 1, vmaRxGen: 0 });
    expect(thread(m, s, 'set').l.maps).toBe(0);
  });

  it('netlink_mmap: with a ring -> mapped++ and the VMA pins the file', () => {
    const m = model(v, scenario([setup([{ op: 'mmap' }])], { mapped: false }));
    const s = take(m, m.spec.init(), 'set', 'mm.map');
    expect(plainState(s).sock).toMatchObject({ mapped: 1, fileRefs: 2, vmaRxGen: 1 });
    expect(thread(m, s, 'set').l.maps).toBe(1);
  });

  it('close(fd) with a live VMA does not release the socket; the munmap that drops the last reference does', () => {
    const m = model(v, scenario([setup([{ op: 'close' }, { op: 'munmap' }])]));
    let s = take(m, m.spec.init(), 'set', 'fd.close');
    expect(plainState(s).sock).toMatchObject({ fileRefs: 1, mapped: 1, released: false, destructed: false });
    expect(s.sock.rx.gen).toBe(1);
    s = take(m, s, 'set', 'mm.unmap');
    expect(plainState(s).sock).toMatchObject({ fileRefs: 0, mapped: 0, released: true, destructed: true });
    expect(s.sock.rx.gen).toBe(0);
  });

  it('close(fd) after munmap releases the socket and the destructor frees the rings', () => {
    const m = model(v, scenario([setup([{ op: 'munmap' }, { op: 'close' }])]));
    let s = take(m, m.spec.init(), 'set', 'mm.unmap');
    expect(plainState(s).sock).toMatchObject({ fileRefs: 1, mapped: 0, released: false });
    s = take(m, s, 'set', 'fd.close');
    expect(plainState(s).sock).toMatchObject({ fileRefs: 0, released: true, destructed: true });
    expect(s.sock.rx.gen).toBe(0);
  });

  it('netlink_sock_destruct waits for the last ring skb: released at close, destructed at the skb\'s sock_put', () => {
    const m = model(v, scenario([ringProducer('p', 1), setup([{ op: 'munmap' }, { op: 'close' }])]));
    let s = reserve(m, m.spec.init(), 'p');
    s = script(m, s, ['set mm.unmap', 'set fd.close']);
    expect(plainState(s).sock).toMatchObject({ released: true, destructed: false, sockRefs: 1 });
    expect(s.sock.rx.gen).toBe(1);
    s = runToDone(m, s, 'p').state;
    expect(s.ghost.usedFreed).toBe(false);
    expect(plainState(s).sock).toMatchObject({ destructed: true, sockRefs: 0 });
    expect(property('ACCT-NO-FREE-IN-USE').holds(s)).toBe(true);
  });
});


// ---------------------------------------------------------------------------------------------

describe.each(VARIANT_IDS)('dumps on %s (protocol.md §4.8)', (v) => {
  const dumpScenario = (threads: ThreadSpec[]) => scenario(threads, { requests: [FOUR_PAGES], dumpParts: 2 });

  it('__netlink_dump_start sets cb_running; netlink_dump puts the first part into the ring at frame + NL_MMAP_HDRLEN', () => {
    const m = model(v, dumpScenario([consumer(0, true)]));
    let s = m.spec.init();
    expect(s.sock.dumpRunning).toBe(false);
    s = take(m, s, 'c', 'dumpstart.lock');
    expect(plainState(s).sock).toMatchObject({ dumpRunning: true, dumpPart: 0 });
    const r = runTo(m, s, 'c', 'c.look');
    expect(r.kinds).toContain('alloc.reserve'); // netlink_dump allocates from the ring of the dumping socket
    expect(r.kinds).toContain('dump.fill');
    s = r.state;
    expect(rx(s, 0)).toMatchObject({ status: VALID, msg: DUMP_TAG_BASE, off: HDRLEN, len: 64 });
    expect(plainState(s).sock).toMatchObject({ dumpRunning: true, dumpPart: 1, cbMutex: -1 });
  });

  it('netlink_poll continues the dump while dump_space holds; NLMSG_DONE ends it (cb_running false)', () => {
    const m = model(v, dumpScenario([consumer(0, true)]));
    const r = runActor(m, take(m, m.spec.init(), 'c', 'dumpstart.lock'), 'c', (x) => !x.sock.dumpRunning);
    const s = r.state;
    expect(r.kinds).toContain('poll.space2');
    expect(rx(s, 0).status).toBe(UNUSED); // part 0 was read and released before polling
    expect(rx(s, 1)).toMatchObject({ status: VALID, msg: DUMP_TAG_BASE + 1, off: HDRLEN });
    expect(rx(s, 2)).toMatchObject({ status: VALID, msg: MSG_DONE, off: HDRLEN });
    expect(rx(s, 3).status).toBe(UNUSED);
    expect(plainState(s).sock).toMatchObject({ dumpRunning: false, cbMutex: -1 });
  });

  it(`netlink_poll: a continued dump that fails on a full ring stores ${v === 'linux-3.10' ? 'a NEGATIVE' : 'a positive'} errno in sk_err (B1)`, () => {
    const m = model(v, dumpScenario([ringProducer('p', 4), consumer(0, true)]));
    let s = runTo(m, m.spec.init(), 'c', 'c.look').state; // part 0 in frame 0
    s = script(m, s, ['c c.look -1', 'c c.read 0', 'c c.release', 'c c.look -1', 'c poll.space1', 'c poll.space2']);
    expect(thread(m, s, 'c').pc).toBe('dump.lock'); // dump_space said yes
    s = take(m, s, 'c', 'dump.lock');
    s = runToDone(m, s, 'p').state; // the producer takes frames 1, 2, 3, 0
    expect(s.sock.rx.frames.map((f) => f.status)).toEqual([VALID, VALID, VALID, VALID]);
    s = script(m, s, ['c alloc.lookup', 'c alloc.lock', 'c fwd.step', 'c alloc.check']);
    expect(s.ghost.note).toBe('alloc-full');
    expect(s.sock.skErr).toBe(ENOBUFS); // netlink_overrun
    s = take(m, s, 'c', 'dump.fill');
    expect(s.ghost.note).toBe('dump-poll-enobufs');
    expect(s.sock.dumpRunning).toBe(true); // the dump stays active
    expect(s.sock.skErr).toBe(v === 'linux-3.10' ? -ENOBUFS : ENOBUFS);
    expect(property('ERR-SK-ERR-POSITIVE').holds(s)).toBe(v !== 'linux-3.10');
  });
});
