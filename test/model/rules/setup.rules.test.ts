/**
 * Rules of ring set-up and lifetime (src/model/kernel/setup.ts), one test per
 * branch of each step, on states built by hand: netlink_set_ring's unlocked
 * checks, its locked swap, netlink_mmap, the VMA close hook and close(fd).
 * Each test names the kernel rule it encodes; a spec that breaks the rule fails it.
 */
import { describe, expect, it } from 'vitest';
import { EBUSY, EFAULT, EINVAL, EPERM, RX, TX, UNUSED, VALID } from '../../../src/model/constants.js';
import { exitChild, forkVma } from '../../../src/model/kernel/setup.js';
import type { ThreadSpec } from '../../../src/model/config.js';
import { DESTROY, FOUR, TWO, bench, enter, guardHolds, scenario, stepOnce, tid } from '../helpers.js';

const user: ThreadSpec = { name: 'u', program: 'consumer', params: { maxHold: 0 } };
const other: ThreadSpec = { name: 'o', program: 'consumer', params: { maxHold: 0 } };
/** requests: 0 = FOUR (installed on RX), 1 = TWO, 2 = destroy, 3 = invalid (frames_per_block * block_nr != frame_nr). */
const BAD = { blockSize: 4096, blockNr: 1, frameSize: 1024, frameNr: 3 };
const REQS = [FOUR, TWO, DESTROY, BAD];

/** A socket with the RX ring of request 0, mapped or not, and thread u entering netlink_set_ring step `label` for (ring, req). */
function setRing(label: string, ring: number, req: number, over: { mapped?: boolean; tx?: number | null } = {}) {
  const b = bench('linux-4.5', scenario([user, other], { requests: REQS, mapped: over.mapped ?? false, tx: over.tx ?? null }));
  const ti = tid(b.c, 'u');
  enter(b.s, ti, label);
  b.s.threads[ti].l.msg = ring;
  b.s.threads[ti].l.seq = req;
  return { ...b, ti };
}

describe.each(['linux-4.5', 'linux-3.10'])('netlink_set_ring on %s', (v) => {
  const at = (label: string, ring: number, req: number, mapped = false) => {
    const b = bench(v, scenario([user, other], { requests: REQS, mapped }));
    const ti = tid(b.c, 'u');
    enter(b.s, ti, label);
    b.s.threads[ti].l.msg = ring;
    b.s.threads[ti].l.seq = req;
    return { ...b, ti };
  };

  it('netlink_set_ring (so.check): atomic_read(mapped) != 0 -> EBUSY before anything else', () => {
    const { c, s, ti } = at('so.check', RX, 2, true);
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].l.ret).toBe(-EBUSY);
    expect(n.threads[ti].pc).toBe('done');
    expect(n.sock.rx.gen).toBe(s.sock.rx.gen);
  });

  it('netlink_set_ring (so.check): atomic_read(pending) != 0 -> EBUSY on an unmapped ring', () => {
    const { c, s, ti } = at('so.check', RX, 2);
    s.sock.rx.pending = 1;
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].l.ret).toBe(-EBUSY);
  });

  it('netlink_set_ring (so.check): pending is read on the ring being set (TX pending does not block RX)', () => {
    const { c, s, ti } = at('so.check', RX, 2);
    s.sock.tx.pending = 1;
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].pc).toBe('so.lock');
  });

  it('netlink_set_ring (so.check): a valid destroy goes straight to pg_vec_lock and installs no blocks', () => {
    const { c, s, ti } = at('so.check', RX, 2);
    s.threads[ti].l.skbGen = 9;
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].pc).toBe('so.lock');
    expect(n.threads[ti].l.skbGen).toBe(0);
  });

  it('netlink_set_ring (so.check): a create goes on to the pg_vec check', () => {
    const { c, s, ti } = at('so.check', TX, 1);
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].pc).toBe('so.check-pgvec');
  });

  it('netlink_set_ring (so.check-pgvec): create while pg_vec != NULL -> EBUSY', () => {
    const { c, s, ti } = at('so.check-pgvec', RX, 1);
    expect(s.sock.rx.gen).not.toBe(0);
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].l.ret).toBe(-EBUSY);
  });

  it('netlink_set_ring (so.check-pgvec): no ring yet -> the size checks', () => {
    const { c, s, ti } = at('so.check-pgvec', TX, 1);
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].pc).toBe('so.check-size');
  });

  it('netlink_set_ring (so.check-size): valid sizes -> frames_per_block written, a new block generation, then pg_vec_lock', () => {
    const { c, s, ti } = at('so.check-size', TX, 1);
    const gen = s.nextGen;
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].pc).toBe('so.lock');
    expect(n.threads[ti].l.skbGen).toBe(gen);
    expect(n.nextGen).toBe(gen + 1);
    expect(n.sock.tx.framesPerBlock).toBe(2);
    expect(n.sock.tx.gen).toBe(0); // not installed yet
  });

  it('netlink_set_ring (so.check-size): frames_per_block * block_nr != frame_nr -> EINVAL after frames_per_block is written to the live ring', () => {
    const { c, s, ti } = at('so.check-size', TX, 3);
    const gen = s.nextGen;
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].l.ret).toBe(-EINVAL);
    expect(n.sock.tx.framesPerBlock).toBe(4);
    expect(n.nextGen).toBe(gen);
    expect(n.sock.tx.gen).toBe(0);
  });

  it('netlink_set_ring (so.lock): mutex_lock(pg_vec_lock) waits while another thread holds it, then takes it', () => {
    const { c, s, ti } = at('so.lock', TX, 1);
    s.sock.pgVecLock = tid(c, 'o');
    expect(guardHolds(c, s, ti)).toBe(false);
    s.sock.pgVecLock = -1;
    expect(guardHolds(c, s, ti)).toBe(true);
    const n = stepOnce(c, s, ti);
    expect(n.sock.pgVecLock).toBe(ti);
    expect(n.threads[ti].pc).toBe('so.swap');
  });

  it('netlink_set_ring (so.swap): mapped != 0 under pg_vec_lock -> unlock, EBUSY, the ring left as it was', () => {
    const { c, s, ti } = at('so.swap', RX, 1, true);
    s.sock.pgVecLock = ti;
    s.threads[ti].l.skbGen = s.nextGen++;
    s.sock.rx.head = 2;
    s.sock.rx.frames[1].status = VALID;
    s.sock.rcvq.push({ msg: 3, seq: 0, frame: -1 });
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].l.ret).toBe(-EBUSY);
    expect(n.sock.pgVecLock).toBe(-EPERM);
    expect([n.sock.rx.gen, n.sock.rx.frameNr, n.sock.rx.head, n.sock.rx.frames[1].status, n.sock.rcvq.length]).toEqual([s.sock.rx.gen, 4, 2, VALID, 1]);
    expect(n.ghost.unreported).toBe(0);
  });

  it('netlink_set_ring (so.swap): not mapped -> new geometry, head = 0, new pg_vec, zeroed frames, the receive queue purged silently', () => {
    const { c, s, ti } = at('so.swap', RX, 1);
    s.sock.pgVecLock = ti;
    const gen = s.nextGen++;
    s.threads[ti].l.skbGen = gen;
    s.sock.rx.head = 3;
    s.sock.rx.frames[0].status = VALID;
    s.sock.rcvq.push({ msg: 3, seq: 0, frame: -1 });
    s.sock.rcvq.push({ msg: 4, seq: 0, frame: -1 });
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].l.ret).toBe(0);
    expect(n.sock.pgVecLock).toBe(-EPERM);
    expect([n.sock.rx.gen, n.sock.rx.req, n.sock.rx.frameNr, n.sock.rx.frameSize, n.sock.rx.blockSize, n.sock.rx.blockNr, n.sock.rx.head])
      .toEqual([gen, 1, TWO.frameNr, TWO.frameSize, TWO.blockSize, TWO.blockNr, 0]);
    expect(n.sock.rx.frames[0].status).toBe(UNUSED);
    expect(n.sock.rcvq.length).toBe(0);
    expect(n.sock.drops).toBe(0);
    expect(n.ghost.unreported).toBe(2);
    expect(n.threads[ti].l.skbGen).toBe(0);
  });

  it('netlink_set_ring (so.swap): a destroy installs no ring (gen 0, req -1)', () => {
    const { c, s, ti } = at('so.swap', RX, 2);
    s.sock.pgVecLock = ti;
    s.threads[ti].l.skbGen = 0;
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].l.ret).toBe(0);
    expect([n.sock.rx.gen, n.sock.rx.req]).toEqual([0, -1]);
  });

  it('netlink_set_ring (so.swap): the TX swap leaves the receive queue alone', () => {
    const { c, s, ti } = at('so.swap', TX, 1);
    s.sock.pgVecLock = ti;
    s.threads[ti].l.skbGen = s.nextGen++;
    s.sock.rcvq.push({ msg: 3, seq: 0, frame: -1 });
    const n = stepOnce(c, s, ti);
    expect(n.sock.rcvq.length).toBe(1);
    expect(n.sock.tx.frameNr).toBe(TWO.frameNr);
    expect(n.ghost.unreported).toBe(0);
  });

  it('netlink_set_ring (so.swap): the RX swap takes sk_receive_queue.lock (waits for its holder); the TX swap does not', () => {
    const rxs = at('so.swap', RX, 1);
    rxs.s.sock.pgVecLock = rxs.ti;
    rxs.s.sock.rxqLock = tid(rxs.c, 'o');
    expect(guardHolds(rxs.c, rxs.s, rxs.ti)).toBe(false);
    const txs = at('so.swap', TX, 1);
    txs.s.sock.pgVecLock = txs.ti;
    txs.s.sock.rxqLock = tid(txs.c, 'o');
    expect(guardHolds(txs.c, txs.s, txs.ti)).toBe(true);
  });

  it('netlink_set_ring (so.swap): a purge after netlink_release counts no unreported loss', () => {
    const { c, s, ti } = at('so.swap', RX, 1);
    s.sock.pgVecLock = ti;
    s.sock.released = true;
    s.sock.rcvq.push({ msg: 3, seq: 0, frame: -1 });
    const n = stepOnce(c, s, ti);
    expect(n.ghost.unreported).toBe(0);
  });
});

describe('netlink_mmap and the VMA hooks', () => {
  const mmapUser = (bytes?: number, pgoff?: number): ThreadSpec => ({
    name: 'm', program: 'setup', params: { ops: [{ op: 'mmap', ...(bytes === undefined ? {} : { bytes }), ...(pgoff === undefined ? {} : { pgoff }) }] },
  });

  it('netlink_mmap: the size of both rings -> mapped++, a file reference, the VMA maps the current generations', () => {
    const { c, s } = bench('linux-4.5', scenario([mmapUser()], { requests: [FOUR, TWO], tx: 1, mapped: false }));
    const ti = tid(c, 'm');
    expect(s.threads[ti].pc).toBe('mm.map');
    const n = stepOnce(c, s, ti);
    expect([n.sock.mapped, n.sock.fileRefs, n.sock.vmaRxGen, n.sock.vmaTxGen]).toEqual([1, 2, s.sock.rx.gen, s.sock.tx.gen]);
    expect(n.threads[ti].l.maps).toBe(1); // set.next saw ret 0
  });

  it('netlink_mmap: a size other than RX + TX ring bytes -> EINVAL, nothing mapped', () => {
    const { c, s } = bench('linux-4.5', scenario([mmapUser(4096)], { requests: [FOUR, TWO], tx: 1, mapped: false }));
    const ti = tid(c, 'm');
    const n = stepOnce(c, s, ti);
    expect([n.sock.mapped, n.sock.fileRefs, n.sock.vmaRxGen]).toEqual([0, 1, 0]);
    expect(n.threads[ti].l.maps).toBe(0);
  });

  it('netlink_mmap: takes pg_vec_lock (waits while a set-up holds it)', () => {
    const { c, s } = bench('linux-4.5', scenario([mmapUser(), other], { mapped: false }));
    s.sock.pgVecLock = tid(c, 'o');
    expect(guardHolds(c, s, tid(c, 'm'))).toBe(false);
  });

  const at = (label: string, mapped: boolean) => {
    const b = bench('linux-4.5', scenario([user], { mapped }));
    const ti = tid(b.c, 'u');
    enter(b.s, ti, label);
    return { ...b, ti };
  };

  it('netlink_mm_close: mapped-- and the VMA drops its file reference; the last VMA forgets the generations', () => {
    const { c, s, ti } = at('mm.unmap', true);
    s.sock.mapped = 2;
    s.sock.fileRefs = 3;
    let n = stepOnce(c, s, ti);
    expect([n.sock.mapped, n.sock.fileRefs, n.sock.vmaRxGen]).toEqual([1, 2, s.sock.rx.gen]);
    enter(n, ti, 'mm.unmap');
    n = stepOnce(c, n, ti);
    expect([n.sock.mapped, n.sock.fileRefs, n.sock.vmaRxGen, n.sock.vmaTxGen, n.sock.released]).toEqual([0, 1, 0, 0, false]);
  });

  it('netlink_mm_close: the VMA held the last file reference -> netlink_release, and the socket is destructed', () => {
    const { c, s, ti } = at('mm.unmap', true);
    s.sock.fileRefs = 1;
    const n = stepOnce(c, s, ti);
    expect([n.sock.released, n.sock.destructed, n.sock.rx.gen]).toEqual([true, true, 0]);
  });

  it('close(fd): fput while a VMA still holds the file does not release the socket', () => {
    const { c, s, ti } = at('fd.close', true);
    const n = stepOnce(c, s, ti);
    expect([n.sock.fileRefs, n.sock.released]).toEqual([1, false]);
  });

  it('close(fd): the last reference -> netlink_release; netlink_sock_destruct waits for ring skbs (sock refs)', () => {
    const { c, s, ti } = at('fd.close', false);
    s.sock.sockRefs = 1;
    s.sock.rcvq.push({ msg: 1, seq: 0, frame: -1 });
    let n = stepOnce(c, s, ti);
    expect([n.sock.fileRefs, n.sock.released, n.sock.destructed, n.sock.rcvq.length]).toEqual([0, true, false, 1]);
    const { c: c2, s: s2, ti: t2 } = at('fd.close', false);
    s2.sock.rcvq.push({ msg: 1, seq: 0, frame: -1 });
    n = stepOnce(c2, s2, t2);
    expect([n.sock.released, n.sock.destructed, n.sock.rcvq.length, n.sock.rx.gen, n.sock.rx.req]).toEqual([true, true, 0, 0, -1]);
  });

  it('fork: the child gets a file reference, and netlink_mm_open counts its VMA only if the parent has one', () => {
    const { s } = at('fd.close', true);
    expect(forkVma(s)).toBe(true);
    expect([s.sock.fileRefs, s.sock.mapped]).toEqual([4, 2]);
    exitChild(s, true);
    expect([s.sock.fileRefs, s.sock.mapped]).toEqual([2, 1]);
    const { s: u } = at('fd.close', false);
    expect(forkVma(u)).toBe(false);
    expect([u.sock.fileRefs, u.sock.mapped]).toEqual([2, 0]);
    exitChild(u, false);
    expect([u.sock.fileRefs, u.sock.mapped]).toEqual([1, 0]);
  });
});

// Keep `setRing` (4.5 only) for the TX ring of a TX-ringed socket.
describe('netlink_set_ring on a socket with both rings (linux-4.5)', () => {
  it('netlink_set_ring (so.check): TX pending != 0 -> EBUSY for the TX ring', () => {
    const { c, s, ti } = setRing('so.check', TX, 2, { tx: 1 });
    s.sock.tx.pending = 1;
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].l.ret).toBe(-EBUSY);
  });
});

describe('netlink_setsockopt before netlink_set_ring', () => {
  /** A set-up thread whose first op is this setsockopt call; a close follows, so the call's return value stays visible. */
  const call = (over: Partial<{ capNetAdmin: boolean; optlen: number; badPointer: boolean }>, mapped = true) => {
    const b = bench('linux-4.5', scenario([{ name: 's', program: 'setup', params: { ops: [{ op: 'setsockopt', ring: 'rx', req: 1, ...over }, { op: 'close' }] } }], { requests: REQS, mapped }));
    const ti = tid(b.c, 's');
    expect(b.s.threads[ti].pc).toBe('so.check');
    return stepOnce(b.c, b.s, ti).threads[ti].l.ret;
  };

  it('netlink_setsockopt: no CAP_NET_ADMIN -> EPERM, before the mapped test', () => {
    expect(call({ capNetAdmin: false })).toBe(-EPERM);
  });

  it('netlink_setsockopt: optlen < sizeof(struct nl_mmap_req) -> EINVAL; unreadable optval -> EFAULT', () => {
    expect(call({ optlen: 15 }, false)).toBe(-EINVAL);
    expect(call({ badPointer: true }, false)).toBe(-EFAULT);
  });

  it('netlink_setsockopt: a well-formed call reaches netlink_set_ring\'s own checks (EBUSY while mapped)', () => {
    expect(call({ optlen: 16 })).toBe(-EBUSY);
  });
});
