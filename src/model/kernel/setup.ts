/**
 * Ring set-up and lifetime (protocol.md §2): setsockopt(NETLINK_RX_RING /
 * NETLINK_TX_RING) -> netlink_set_ring, netlink_mmap, the VMA open/close hooks,
 * and close(fd) -> netlink_release -> netlink_sock_destruct.
 *
 * netlink_set_ring is split where the kernel splits it: the checks and the
 * allocation run without any lock (and write frames_per_block into the live
 * ring), then pg_vec_lock is taken, `mapped` re-checked, and the swap done under
 * the queue lock of that direction. `pending` is NOT re-checked under the mutex.
 *
 * Subroutines: `so.check` (l.msg = ring, l.seq = request index; ret 0 / -errno),
 * `mm.map` (ret 0 / -EINVAL), `mm.unmap`, `fd.close`.
 */
import { EBUSY, EINVAL, RING_NAMES, RX, errnoName } from '../constants.js';
import { checkCreate, checkDestroy, ringBytes } from '../geometry.js';
import type { State } from '../state.js';
import { newFrame, ringOf } from '../state.js';
import type { Ctx } from '../step.js';
import { defineSteps, goto, lockFree, ret } from '../step.js';
import { maybeDestruct, note } from './sock.js';

const CITE = 'af_netlink.c netlink_set_ring (3.10; 4.5 with __netlink_set_ring)';

function request(c: Ctx, s: State, ti: number) {
  return c.scenario.requests[s.threads[ti].l.seq];
}

/** What `so.check` would decide, without changing anything (for the step's text). */
function decide(c: Ctx, s: State, ti: number): { errno: number; fpb: number | null } {
  const k = s.sock;
  const ring = ringOf(s, s.threads[ti].l.msg);
  const req = request(c, s, ti);
  if (k.mapped !== 0 || ring.pending !== 0) return { errno: EBUSY, fpb: null };
  if (req.blockNr !== 0) {
    if (ring.gen !== 0) return { errno: EBUSY, fpb: null };
    const r = checkCreate(req);
    if (!r.ok) return { errno: r.errno, fpb: r.fpbWritten };
    return { errno: 0, fpb: r.framesPerBlock };
  }
  return { errno: checkDestroy(req), fpb: null };
}

defineSteps({
  'so.check': {
    who: 'kernel',
    cites: `${CITE}: mapped/pending -> EBUSY; create: pg_vec -> EBUSY, size checks (EINVAL), frames_per_block written, blocks allocated; all without a lock`,
    text: (c, s, ti) => {
      const d = decide(c, s, ti);
      const req = request(c, s, ti);
      const what = `setsockopt ${RING_NAMES[s.threads[ti].l.msg]} ring ${req.blockNr === 0 ? 'destroy' : `req ${s.threads[ti].l.seq}`}`;
      const fpb = d.fpb !== null ? `, frames_per_block = ${d.fpb} written to the live ring` : '';
      return d.errno !== 0 ? `${what}: checks fail${fpb}: -${errnoName(d.errno)}` : `${what}: checks pass${fpb}${req.blockNr ? ', blocks allocated' : ''}`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      const d = decide(c, s, ti);
      const ring = ringOf(s, t.l.msg);
      if (d.fpb !== null) ring.framesPerBlock = d.fpb;
      if (d.errno !== 0) return ret(t, -d.errno);
      // The new block array's identity; 0 for a destroy.
      t.l.skbGen = request(c, s, ti).blockNr !== 0 ? s.nextGen++ : 0;
      goto(t, 'so.lock');
    },
  },
  'so.lock': {
    who: 'kernel',
    cites: `${CITE}: mutex_lock(pg_vec_lock)`,
    guard: (_c, s, ti) => lockFree(s.sock.pgVecLock, ti),
    text: () => 'setsockopt: lock pg_vec_lock',
    run: (_c, s, ti) => {
      s.sock.pgVecLock = ti;
      goto(s.threads[ti], 'so.swap');
    },
  },
  'so.swap': {
    who: 'kernel',
    cites: `${CITE}: if mapped == 0: under the queue lock set frame_max, head = 0, frame_size, swap pg_vec, purge the queue; unlock; free the old blocks`,
    guard: (_c, s, ti) => s.threads[ti].l.msg !== RX || lockFree(s.sock.rxqLock, ti),
    text: (c, s, ti) => {
      if (s.sock.mapped !== 0) return 'setsockopt: mapped != 0: unlock, free the new blocks, -EBUSY';
      const purge = s.threads[ti].l.msg === RX && s.sock.rcvq.length > 0 ? `, purge ${s.sock.rcvq.length} queued message(s)` : '';
      return `setsockopt: swap in ${request(c, s, ti).blockNr ? 'the new' : 'no'} blocks, head = 0${purge}, unlock, free the old blocks`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      const k = s.sock;
      k.pgVecLock = -1;
      if (k.mapped !== 0) return ret(t, -EBUSY);
      const req = request(c, s, ti);
      const ring = ringOf(s, t.l.msg);
      ring.frameNr = req.frameNr;
      ring.frameSize = req.frameSize;
      ring.blockSize = req.blockSize;
      ring.blockNr = req.blockNr;
      ring.head = 0;
      ring.gen = t.l.skbGen;
      ring.req = req.blockNr !== 0 ? t.l.seq : -1;
      // Fresh zeroed memory: every frame UNUSED. The old generation is gone.
      for (let i = 0; i < ring.frames.length; i++) ring.frames[i] = newFrame();
      if (t.l.msg === RX) {
        // The purge loses every queued message, counts no drop and reports nothing.
        if (!k.released) s.ghost.unreported += k.rcvq.length;
        k.rcvq = [];
      }
      t.l.skbGen = 0;
      note(s, ti, 'ring-swapped');
      ret(t, 0);
    },
  },
  'mm.map': {
    who: 'kernel',
    cites: 'af_netlink.c netlink_mmap: under pg_vec_lock, size must equal RX + TX ring bytes; vm_insert_page; mapped++ (the VMA pins the file)',
    guard: (_c, s, ti) => lockFree(s.sock.pgVecLock, ti),
    text: (_c, s) => (mmapSizeOk(s) ? 'mmap: map both rings, mapped++' : 'mmap: no ring configured: -EINVAL'),
    run: (_c, s, ti) => {
      const k = s.sock;
      if (!mmapSizeOk(s)) return ret(s.threads[ti], -EINVAL);
      k.mapped++;
      k.fileRefs++;
      k.vmaRxGen = k.rx.gen;
      k.vmaTxGen = k.tx.gen;
      ret(s.threads[ti], 0);
    },
  },
  'mm.unmap': {
    who: 'kernel',
    cites: 'af_netlink.c netlink_mm_close (VMA close hook): mapped--; the VMA drops its file reference',
    text: () => 'munmap: vma close, mapped--',
    run: (_c, s, ti) => {
      const k = s.sock;
      k.mapped--;
      if (k.mapped === 0) {
        k.vmaRxGen = 0;
        k.vmaTxGen = 0;
      }
      k.fileRefs--;
      if (k.fileRefs === 0) release(s);
      ret(s.threads[ti], 0);
    },
  },
  'fd.close': {
    who: 'kernel',
    cites: 'close(fd) -> fput; last reference: netlink_release (unhash, sock_put) -> netlink_sock_destruct frees the rings',
    text: (_c, s) => (s.sock.fileRefs === 1 ? 'close: last file reference: netlink_release' : 'close: fput (a VMA or another fd table still holds the file)'),
    run: (_c, s, ti) => {
      s.sock.fileRefs--;
      if (s.sock.fileRefs === 0) release(s);
      ret(s.threads[ti], 0);
    },
  },
});

/** netlink_release: unhash (lookups by portid fail from now on), then the socket goes when the last reference does. */
function release(s: State): void {
  s.sock.released = true;
  maybeDestruct(s);
}

/** netlink_mmap's size rule: the VMA covers exactly the configured rings, RX then TX. */
function mmapSizeOk(s: State): boolean {
  const k = s.sock;
  const expected = (k.rx.gen ? ringBytes(k.rx.blockSize, k.rx.blockNr) : 0) + (k.tx.gen ? ringBytes(k.tx.blockSize, k.tx.blockNr) : 0);
  return expected !== 0;
}

/** fork(): the child's copy of the fd table and of the VMA (netlink_mm_open: mapped++). */
export function forkVma(s: State): void {
  const k = s.sock;
  k.fileRefs++; // the child's fd table
  if (k.mapped > 0) {
    k.mapped++;
    k.fileRefs++; // the child's VMA pins the file too
  }
}

export function exitChild(s: State): void {
  const k = s.sock;
  k.fileRefs--;
  if (k.mapped > 1) {
    k.mapped--;
    k.fileRefs--;
  }
}
