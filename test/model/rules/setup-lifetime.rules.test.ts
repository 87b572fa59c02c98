/**
 * More rules of ring set-up and lifetime (src/model/kernel/setup.ts), written to
 * reach what setup.rules.test.ts does not: the step texts where they state a rule
 * (what the trace tells the reader), the citations and actor of each step,
 * netlink_mmap's size/offset rule for callers with and without an mmap op, the
 * errno signs of a bad destroy and a bad mmap, and the child's exit after fork.
 */
import { describe, expect, it } from 'vitest';
import { EINVAL, RX, TX } from '../../../src/model/constants.js';
import type { ThreadSpec } from '../../../src/model/config.js';
import { exitChild, forkVma } from '../../../src/model/kernel/setup.js';
import type { State } from '../../../src/model/state.js';
import { stepAt, type Ctx } from '../../../src/model/step.js';
import { DESTROY, FOUR, TWO, bench, enter, scenario, stepOnce, tid } from '../helpers.js';

const user: ThreadSpec = { name: 'u', program: 'consumer', params: { maxHold: 0 } };
/** requests: 0 = FOUR (installed on RX), 1 = TWO, 2 = destroy, 3 = frame_nr mismatch, 4 = destroy with frame_nr != 0, 5 = block size not a page multiple. */
const REQS = [FOUR, TWO, DESTROY, { blockSize: 4096, blockNr: 1, frameSize: 1024, frameNr: 3 }, { ...DESTROY, frameNr: 1 }, { blockSize: 1000, blockNr: 1, frameSize: 500, frameNr: 2 }];

/** Thread u at step `label` of netlink_set_ring for (ring, req) on a socket with the RX ring of request 0. */
function at(label: string, ring: number, req: number, mapped = false) {
  const b = bench('linux-4.5', scenario([user], { requests: REQS, mapped }));
  const ti = tid(b.c, 'u');
  enter(b.s, ti, label);
  b.s.threads[ti].l.msg = ring;
  b.s.threads[ti].l.seq = req;
  return { ...b, ti };
}

/** The trace line of the step thread `ti` is at. */
function textOf(b: { c: Ctx; s: State; ti: number }): string {
  return stepAt(b.s.threads[b.ti].pc).text(b.c, b.s, b.ti, 0);
}

describe('netlink_set_ring: the trace states the rule that decided', () => {
  it('so.check: EBUSY while mapped is named, with the ring and the request', () => {
    expect(textOf(at('so.check', RX, 1, true))).toBe('setsockopt rx ring req 1: -EBUSY');
  });

  it('so.check: a destroy request is called a destroy; not mapped and nothing pending is said', () => {
    expect(textOf(at('so.check', TX, 2))).toBe('setsockopt tx ring destroy: not mapped, nothing pending');
    expect(textOf(at('so.check', TX, 1))).toBe('setsockopt tx ring req 1: not mapped, nothing pending');
  });

  it('so.check-pgvec: a create while pg_vec != NULL says -EBUSY; no ring says so', () => {
    expect(textOf(at('so.check-pgvec', RX, 1))).toBe('setsockopt rx ring req 1: ring exists: -EBUSY');
    expect(textOf(at('so.check-pgvec', TX, 1))).toBe('setsockopt tx ring req 1: no ring yet');
  });

  it('so.check-size: valid sizes name the frames_per_block written to the live ring', () => {
    expect(textOf(at('so.check-size', TX, 1))).toBe('setsockopt tx ring req 1: sizes valid, frames_per_block = 2 written to the live ring, blocks allocated');
  });

  it('so.check-size: a frame_nr mismatch is EINVAL after frames_per_block was written; an early size error writes nothing', () => {
    expect(textOf(at('so.check-size', TX, 3))).toBe('setsockopt tx ring req 3: sizes invalid, frames_per_block = 4 written to the live ring: -EINVAL');
    expect(textOf(at('so.check-size', TX, 5))).toBe('setsockopt tx ring req 5: sizes invalid: -EINVAL');
  });

  it('so.lock and so.swap: pg_vec_lock; mapped != 0 under the lock frees the new blocks with EBUSY', () => {
    expect(textOf(at('so.lock', TX, 1))).toBe('setsockopt: lock pg_vec_lock');
    expect(textOf(at('so.swap', RX, 1, true))).toBe('setsockopt: mapped != 0: unlock, free the new blocks, -EBUSY');
  });

  it('so.swap: the RX swap purges the queued messages and says how many; the TX swap and an empty queue purge nothing; a destroy swaps in no blocks', () => {
    const rx = at('so.swap', RX, 1);
    rx.s.sock.rcvq.push({ msg: 3, seq: 0, frame: -1 });
    rx.s.sock.rcvq.push({ msg: 4, seq: 0, frame: -1 });
    expect(textOf(rx)).toBe('setsockopt: swap in the new blocks, head = 0, purge 2 queued message(s), unlock, free the old blocks');
    const tx = at('so.swap', TX, 1);
    tx.s.sock.rcvq.push({ msg: 3, seq: 0, frame: -1 });
    expect(textOf(tx)).toBe('setsockopt: swap in the new blocks, head = 0, unlock, free the old blocks');
    expect(textOf(at('so.swap', RX, 2))).toBe('setsockopt: swap in no blocks, head = 0, unlock, free the old blocks');
  });
});

describe('netlink_set_ring: a destroy request with nm_frame_nr != 0', () => {
  it('so.check: EINVAL (negative errno), nothing locked, the ring kept', () => {
    const { c, s, ti } = at('so.check', RX, 4);
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].l.ret).toBe(-EINVAL);
    expect(n.threads[ti].pc).toBe('done');
    expect(n.sock.pgVecLock).toBe(-1);
    expect(n.sock.rx.gen).toBe(s.sock.rx.gen);
  });
});

describe('netlink_set_ring: size checks that fail before frames_per_block is computed', () => {
  it('so.check-size: a block size that is not a page multiple -> EINVAL, the live frames_per_block untouched', () => {
    const { c, s, ti } = at('so.check-size', RX, 5);
    const before = s.sock.rx.framesPerBlock;
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].l.ret).toBe(-EINVAL);
    expect(n.sock.rx.framesPerBlock).toBe(before);
    expect(before).toBe(4);
  });
});

describe('netlink_mmap: the VMA covers exactly RX then TX ring bytes, at offset 0', () => {
  /** A set-up thread whose first op is this mmap; a close follows, so the call's return value stays visible. */
  const mmapCall = (over: { bytes?: number; pgoff?: number }) => {
    const b = bench('linux-4.5', scenario([{ name: 'm', program: 'setup', params: { ops: [{ op: 'mmap', ...over }, { op: 'close' }] } }], { requests: [FOUR, TWO], tx: 1, mapped: false }));
    const ti = tid(b.c, 'm');
    expect(b.s.threads[ti].pc).toBe('mm.map');
    return { ...b, ti };
  };

  it('netlink_mmap: a size other than the rings -> -EINVAL returned (negative errno), and the trace says why', () => {
    const b = mmapCall({ bytes: 4096 });
    expect(textOf(b)).toBe('mmap: size or offset does not fit the rings: -EINVAL');
    const n = stepOnce(b.c, b.s, b.ti);
    expect(n.threads[b.ti].l.ret).toBe(-EINVAL);
    expect(n.sock.mapped).toBe(0);
  });

  it('netlink_mmap: the right size at a non-zero page offset -> -EINVAL, nothing mapped', () => {
    const b = mmapCall({ pgoff: 1 });
    expect(textOf(b)).toBe('mmap: size or offset does not fit the rings: -EINVAL');
    const n = stepOnce(b.c, b.s, b.ti);
    expect(n.threads[b.ti].l.ret).toBe(-EINVAL);
    expect([n.sock.mapped, n.sock.fileRefs]).toEqual([0, 1]);
  });

  it('netlink_mmap: the right size at offset 0 -> 0, mapped++, and the trace says so', () => {
    const b = mmapCall({});
    expect(textOf(b)).toBe('mmap: map both rings, mapped++');
    const n = stepOnce(b.c, b.s, b.ti);
    expect(n.threads[b.ti].l.ret).toBe(0);
    expect(n.sock.mapped).toBe(1);
  });

  it('netlink_mmap: a caller with no mmap op of its own asks for the configured rings at offset 0 and maps them', () => {
    const b = bench('linux-4.5', scenario([user], { requests: [FOUR, TWO], tx: 1, mapped: false }));
    const ti = tid(b.c, 'u');
    enter(b.s, ti, 'mm.map');
    const n = stepOnce(b.c, b.s, ti);
    expect(n.threads[ti].l.ret).toBe(0);
    expect([n.sock.mapped, n.sock.fileRefs]).toEqual([1, 2]);
  });

  it('netlink_mmap: no ring configured -> -EINVAL even for a caller with no mmap op', () => {
    const b = bench('linux-4.5', scenario([user], { requests: [FOUR], rx: null, tx: null, mapped: false }));
    const ti = tid(b.c, 'u');
    enter(b.s, ti, 'mm.map');
    const n = stepOnce(b.c, b.s, ti);
    expect(n.threads[ti].l.ret).toBe(-EINVAL);
  });
});

describe('the VMA close hook and close(fd): the trace says whether the socket goes', () => {
  const lifetime = (label: string, mapped: boolean) => {
    const b = bench('linux-4.5', scenario([user], { mapped }));
    const ti = tid(b.c, 'u');
    enter(b.s, ti, label);
    return { ...b, ti };
  };

  it('netlink_mm_close: the trace names the VMA close and mapped--', () => {
    expect(textOf(lifetime('mm.unmap', true))).toBe('munmap: vma close, mapped--');
  });

  it('close(fd): the last file reference -> netlink_release; otherwise only fput', () => {
    expect(textOf(lifetime('fd.close', false))).toBe('close: last file reference: netlink_release');
    expect(textOf(lifetime('fd.close', true))).toBe('close: fput (a VMA or another fd table still holds the file)');
  });
});

describe('fork and the child exit', () => {
  it('exit of a child forked before the parent mapped: the child had no VMA, so mapped stays', () => {
    const { s } = bench('linux-4.5', scenario([user], { mapped: false }));
    const hadVma = forkVma(s); // no VMA yet: only the child's fd table
    expect(hadVma).toBe(false);
    expect([s.sock.fileRefs, s.sock.mapped]).toEqual([2, 0]);
    s.sock.mapped = 1; // the parent maps afterwards (netlink_mmap: mapped++, the VMA pins the file)
    s.sock.fileRefs++;
    s.sock.mapped++; // ... and maps a second time: mapped > 1, none of it the child's
    s.sock.fileRefs++;
    exitChild(s, hadVma);
    expect([s.sock.fileRefs, s.sock.mapped]).toEqual([3, 2]);
  });

  it("exit of a child forked while mapped, after the parent unmapped: the child's own VMA closes (mapped 0), and the last reference releases the socket", () => {
    const { s } = bench('linux-4.5', scenario([user], { mapped: true }));
    const hadVma = forkVma(s);
    expect([hadVma, s.sock.fileRefs, s.sock.mapped]).toEqual([true, 4, 2]);
    s.sock.mapped--; // the parent's munmap (netlink_mm_close) and close(fd)
    s.sock.fileRefs -= 2;
    exitChild(s, hadVma);
    expect([s.sock.mapped, s.sock.fileRefs, s.sock.vmaRxGen, s.sock.released]).toEqual([0, 0, 0, true]);
  });

  it('exit of a child while the parent still has the fd open: only the child references go, the socket is not released', () => {
    const { s } = bench('linux-4.5', scenario([user], { mapped: true }));
    const hadVma = forkVma(s);
    exitChild(s, hadVma);
    expect([s.sock.mapped, s.sock.fileRefs, s.sock.released]).toEqual([1, 2, false]);
  });
});

describe('each step names its actor and the kernel rule it models', () => {
  const cases: [string, string[]][] = [
    ['so.check', ['netlink_setsockopt', 'EPERM', 'netlink_set_ring', 'mapped', 'pending', 'EBUSY']],
    ['so.check-pgvec', ['netlink_set_ring', 'pg_vec', 'EBUSY']],
    ['so.check-size', ['netlink_set_ring', 'EINVAL', 'frames_per_block']],
    ['so.lock', ['netlink_set_ring', 'pg_vec_lock']],
    ['so.swap', ['netlink_set_ring', 'mapped == 0', 'swap pg_vec']],
    ['mm.map', ['netlink_mmap', 'pg_vec_lock', 'mapped++']],
    ['mm.unmap', ['netlink_mm_close', 'mapped--']],
    ['fd.close', ['close(fd)', 'netlink_release', 'netlink_sock_destruct']],
  ];
  it.each(cases)('%s is a kernel step citing its rule', (label, words) => {
    const d = stepAt(label);
    expect(d.who).toBe('kernel');
    for (const w of words) expect(d.cites).toContain(w);
  });
});
