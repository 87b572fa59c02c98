/**
 * Rules of the userspace actors besides the RX consumer: the TX producer
 * (netlink_mmap.txt TX example, libmnl), the hostile sibling writer (B3a/B3b),
 * fork and the child's exit, and the set-up thread. One test per branch on
 * states built by hand.
 */
import { describe, expect, it } from 'vitest';
import { MSG_EVIL, RX, SKIP, TX, UNUSED, VALID } from '../../../src/model/constants.js';
import type { SetupOp, ThreadSpec, TxParams } from '../../../src/model/config.js';
import { maxLen } from '../../../src/model/geometry.js';
import { FOUR, TWO, bench, choicesOf, runContinuation, scenario, stepOnce, tid } from '../helpers.js';

const txUser = (over: Partial<TxParams> = {}): ThreadSpec => ({ name: 'tx', program: 'txuser', params: { count: 2, batch: 2, dontwait: false, firstTag: 3, ...over } });

function tx(over: Partial<TxParams> = {}) {
  const b = bench('linux-4.5', scenario([txUser(over)], { tx: 0 }));
  return { ...b, ti: tid(b.c, 'tx') };
}

describe('the TX producer (netlink_mmap.txt TX example)', () => {
  it('check: the frame at the cursor is UNUSED -> fill it', () => {
    const { c, s, ti } = tx();
    expect(s.threads[ti].pc).toBe('u.check');
    expect(stepOnce(c, s, ti).threads[ti].pc).toBe('u.fill');
  });

  it('check: the frame is not UNUSED and filled frames wait -> send them (sendto(NULL, 0))', () => {
    const { c, s, ti } = tx();
    s.sock.tx.frames[0].status = VALID;
    s.threads[ti].l.unsent = 1;
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].pc, n.threads[ti].stack.toArray().at(-1), n.threads[ti].l.txNoIov]).toEqual(['tx.status', 'u.sent', false]);
  });

  it('check: the frame is not UNUSED and nothing waits -> stop (a real producer would wait for POLLOUT)', () => {
    const { c, s, ti } = tx();
    s.sock.tx.frames[0].status = SKIP;
    expect(stepOnce(c, s, ti).threads[ti].pc).toBe('done');
  });

  it('fill: the message (firstTag + k) and nm_len = msgLen, the status not yet VALID', () => {
    const { c, s, ti } = tx();
    s.threads[ti].pc = 'u.fill';
    s.threads[ti].l.txCursor = 1;
    s.threads[ti].l.k = 1;
    const n = stepOnce(c, s, ti);
    expect(n.sock.tx.frames[1]).toMatchObject({ msg: 4, seq: 0, len: 64, status: UNUSED });
    expect(n.threads[ti].pc).toBe('u.valid');
  });

  it('valid: VALID, advance (wrapping), and go on filling while the batch is not full', () => {
    const { c, s, ti } = tx({ count: 3, batch: 2 });
    s.threads[ti].pc = 'u.valid';
    s.threads[ti].l.txCursor = 3;
    const n = stepOnce(c, s, ti);
    expect([n.sock.tx.frames[3].status, n.threads[ti].l.txCursor, n.threads[ti].l.k, n.threads[ti].l.unsent, n.threads[ti].pc]).toEqual([VALID, 0, 1, 1, 'u.check']);
  });

  it('valid: a full batch, or the last message, is sent', () => {
    for (const [count, batch, k, unsent] of [[3, 2, 0, 1], [2, 4, 1, 0]] as const) {
      const { c, s, ti } = tx({ count, batch });
      s.threads[ti].pc = 'u.valid';
      Object.assign(s.threads[ti].l, { k, unsent });
      expect(stepOnce(c, s, ti).threads[ti].stack.toArray().at(-1)).toBe('u.sent');
    }
  });

  it('sendmsg with msg_iovlen == 0 (B4\'s trigger) is marked as such on the way in', () => {
    const { c, s, ti } = tx({ call: 'sendmsg-noiov', count: 1, batch: 1 });
    s.threads[ti].pc = 'u.valid';
    expect(stepOnce(c, s, ti).threads[ti].l.txNoIov).toBe(true);
  });

  it('after the send call: nothing unsent; more to send -> check again, else done', () => {
    const { c, s, ti } = tx();
    Object.assign(s.threads[ti].l, { unsent: 2, k: 1 });
    let n = runContinuation(c, s, ti, 'u.sent');
    expect([n.threads[ti].l.unsent, n.threads[ti].pc]).toEqual([0, 'u.check']);
    s.threads[ti].l.k = 2;
    n = runContinuation(c, s, ti, 'u.sent');
    expect(n.threads[ti].pc).toBe('done');
  });
});

describe('the sibling writer (CLONE_VM without CLONE_FILES; B3a, B3b)', () => {
  const sib = (writes: number) => {
    const b = bench('linux-3.10', scenario([{ name: 'sib', program: 'sibling', params: { writes } }], { requests: [FOUR, TWO], tx: 1 }));
    return { ...b, ti: tid(b.c, 'sib') };
  };

  it('sibling: two rewrites per TX frame: the message bytes or nm_len', () => {
    const { c, s, ti } = sib(1);
    expect(choicesOf(c, s, ti)).toEqual([0, 1, 2, 3]);
  });

  it('sibling: a message rewrite leaves bytes the kernel receiver rejects; a length rewrite exceeds maxlen by 8', () => {
    const { c, s, ti } = sib(2);
    let n = stepOnce(c, s, ti, 2);
    expect([n.sock.tx.frames[1].msg, n.threads[ti].l.k, n.threads[ti].pc]).toEqual([MSG_EVIL, 1, 'sib.write']);
    n = stepOnce(c, n, ti, 1);
    expect([n.sock.tx.frames[0].len, n.threads[ti].pc]).toEqual([maxLen(TWO.frameSize) + 8, 'done']);
    expect(n.ghost.last).toMatchObject({ kind: 'ustore', conforming: false });
  });

  it('sibling with no writes never runs', () => {
    expect(sib(0).s.threads[0].pc).toBe('done');
  });
});

describe('fork and the child\'s exit (3.10\'s exclusivity test sees these)', () => {
  it('fork: the child\'s fd table and VMA (netlink_mm_open); exit undoes both', () => {
    const { c, s } = bench('linux-3.10', scenario([{ name: 'f', program: 'forker' }], { tx: 0 }));
    let n = stepOnce(c, s, 0);
    expect([n.sock.fileRefs, n.sock.mapped, n.threads[0].pc]).toEqual([4, 2, 'fork.exit']);
    n = stepOnce(c, n, 0);
    expect([n.sock.fileRefs, n.sock.mapped, n.threads[0].pc]).toEqual([2, 1, 'done']);
  });
});

describe('the set-up thread', () => {
  const setup = (ops: SetupOp[], mapped = true) => {
    const b = bench('linux-4.5', scenario([{ name: 'u', program: 'setup', params: { ops } }], { requests: [FOUR, TWO], mapped }));
    return { ...b, ti: tid(b.c, 'u') };
  };

  it('setsockopt: enters netlink_set_ring with the ring and the request', () => {
    const { s, ti } = setup([{ op: 'setsockopt', ring: 'tx', req: 1 }]);
    expect([s.threads[ti].pc, s.threads[ti].l.msg, s.threads[ti].l.seq, s.threads[ti].stack.toArray()]).toEqual(['so.check', TX, 1, ['set.next']]);
    expect(setup([{ op: 'setsockopt', ring: 'rx', req: 0 }]).s.threads[0].l.msg).toBe(RX);
  });

  it('mmap: a successful mmap is the thread\'s to unmap (maps++); a failed one is not', () => {
    const ok = setup([{ op: 'mmap' }, { op: 'close' }], false);
    expect(stepOnce(ok.c, ok.s, ok.ti).threads[ok.ti].l.maps).toBe(1);
    const bad = setup([{ op: 'mmap', bytes: 1 }, { op: 'close' }], false);
    expect(stepOnce(bad.c, bad.s, bad.ti).threads[bad.ti].l.maps).toBe(0);
  });

  it('munmap: only a mapping this thread owns is unmapped', () => {
    const owner = setup([{ op: 'munmap' }]);
    expect([owner.s.threads[owner.ti].pc, owner.s.threads[owner.ti].l.maps]).toEqual(['mm.unmap', 0]);
    const none = setup([{ op: 'munmap' }], false);
    expect(none.s.threads[none.ti].pc).toBe('done');
  });

  it('close: enters close(fd)', () => {
    const { s, ti } = setup([{ op: 'close' }]);
    expect(s.threads[ti].pc).toBe('fd.close');
  });
});
