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
import { NL_MMAP_REQ_SIZE, checkCreate, checkDestroy, checkMmap, checkSetsockoptCall, ringBytes } from '../geometry.js';
import type { SetupOp } from '../config.js';
import type { State } from '../state.js';
import { ringOf } from '../state.js';
import type { Ctx } from '../step.js';
import { defineSteps, goto, lockFree, ret } from '../step.js';
import { maybeDestruct, note } from './sock.js';
import { mb } from '../mem.js';
import { unchargeSkbs } from './rmem.js';

const CITE = 'af_netlink.c netlink_set_ring (3.10; 4.5 with __netlink_set_ring)';

function request(c: Ctx, s: State, ti: number) {
  return c.scenario.requests[s.threads[ti].l.seq];
}

/** The set-up operation the thread is performing (its program's op list, l.k already advanced past it). */
function currentOp(c: Ctx, s: State, ti: number): SetupOp | null {
  const spec = c.threads[ti];
  return spec.program === 'setup' ? spec.params.ops[s.threads[ti].l.k - 1] ?? null : null;
}

/** netlink_setsockopt's argument checks and netlink_set_ring's first test: EBUSY while mapped or pending. */
function busyError(c: Ctx, s: State, ti: number): number {
  const op = currentOp(c, s, ti);
  if (op?.op === 'setsockopt') {
    const callErr = checkSetsockoptCall({ capNetAdmin: op.capNetAdmin ?? true, optlen: op.optlen ?? NL_MMAP_REQ_SIZE, badPointer: op.badPointer ?? false });
    if (callErr !== 0) return callErr;
  }
  const ring = ringOf(s, s.threads[ti].l.msg);
  return s.sock.mapped !== 0 || ring.pending !== 0 ? EBUSY : 0;
}

function what(c: Ctx, s: State, ti: number): string {
  const req = request(c, s, ti);
  return `setsockopt ${RING_NAMES[s.threads[ti].l.msg]} ring ${req.blockNr === 0 ? 'destroy' : `req ${s.threads[ti].l.seq}`}`;
}

// The checks of netlink_set_ring run without any lock; each reads kernel state
// another thread may change, and the size checks write frames_per_block into the
// live ring. Three steps, so a concurrent set-up can fall between them.
defineSteps({
  'so.check': {
    who: 'kernel',
    cites: `netlink_setsockopt: EPERM without CAP_NET_ADMIN, EINVAL for a short optlen, EFAULT; ${CITE}: atomic_read(mapped), atomic_read(pending) -> EBUSY`,
    text: (c, s, ti) => {
      const e = busyError(c, s, ti);
      return e !== 0 ? `${what(c, s, ti)}: -${errnoName(e)}` : `${what(c, s, ti)}: not mapped, nothing pending`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      const e = busyError(c, s, ti);
      if (e !== 0) return ret(t, -e);
      if (request(c, s, ti).blockNr === 0) {
        const d = checkDestroy(request(c, s, ti));
        if (d !== 0) return ret(t, -d);
        t.l.skbGen = 0; // a destroy installs no blocks
        return goto(t, 'so.lock');
      }
      goto(t, 'so.check-pgvec');
    },
  },
  'so.check-pgvec': {
    who: 'kernel',
    cites: `${CITE}: create: ring->pg_vec != NULL -> EBUSY (no lock)`,
    text: (c, s, ti) => `${what(c, s, ti)}: ${ringOf(s, s.threads[ti].l.msg).gen !== 0 ? 'ring exists: -EBUSY' : 'no ring yet'}`,
    run: (_c, s, ti) => {
      const t = s.threads[ti];
      if (ringOf(s, t.l.msg).gen !== 0) return ret(t, -EBUSY);
      goto(t, 'so.check-size');
    },
  },
  'so.check-size': {
    who: 'kernel',
    cites: `${CITE}: size checks (EINVAL); frames_per_block written into the live ring before the last checks; blocks allocated (no lock)`,
    text: (c, s, ti) => {
      const r = checkCreate(request(c, s, ti));
      const fpb = r.ok ? r.framesPerBlock : r.fpbWritten;
      const wrote = fpb !== null ? `, frames_per_block = ${fpb} written to the live ring` : '';
      return r.ok ? `${what(c, s, ti)}: sizes valid${wrote}, blocks allocated` : `${what(c, s, ti)}: sizes invalid${wrote}: -${errnoName(r.errno)}`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      const r = checkCreate(request(c, s, ti));
      const ring = ringOf(s, t.l.msg);
      const fpb = r.ok ? r.framesPerBlock : r.fpbWritten;
      if (fpb !== null) ring.framesPerBlock = fpb;
      if (!r.ok) return ret(t, -r.errno);
      t.l.skbGen = s.nextGen++; // the new block array's identity
      goto(t, 'so.lock');
    },
  },
});

defineSteps({
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
      for (const f of ring.frames) f.reset();
      if (t.l.msg === RX) {
        // The purge loses every queued message, counts no drop and reports nothing.
        if (!k.released) s.ghost.unreported += k.rcvq.length;
        unchargeSkbs(s, k.rcvq.length); // each purged skb's destructor gives its charge back
        k.rcvq.clear();
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
    text: (c, s, ti) => (mmapError(c, s, ti) === 0 ? 'mmap: map both rings, mapped++' : `mmap: size or offset does not fit the rings: -${errnoName(mmapError(c, s, ti))}`),
    run: (c, s, ti) => {
      const k = s.sock;
      const err = mmapError(c, s, ti);
      if (err !== 0) return ret(s.threads[ti], -err);
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
      // munmap holds mmap_sem for writing and flushes the TLB: the thread's stores through the mapping are done.
      mb(s, ti);
      closeVma(s);
      ret(s.threads[ti], 0);
    },
  },
  // A program that wants the port id calls bind() until it gets it: the attempts that fail
  // with EADDRINUSE while this socket still has it change nothing, so only the one that
  // succeeds is a step, enabled once netlink_release has removed this socket's port id.
  'port.bind': {
    who: 'kernel',
    cites: 'af_netlink.c netlink_bind -> netlink_insert (4.5: rhashtable insert of the port id, -EADDRINUSE while a socket has it; 3.10: the nl_table hash): another socket takes the port id once netlink_release has removed this one (netlink_remove)',
    guard: (_c, s) => s.sock.released,
    text: () => 'another socket binds the port id (free since netlink_release)',
    run: (_c, s, ti) => {
      s.sock.otherBound = true;
      ret(s.threads[ti], 0);
    },
  },
  'fd.close': {
    who: 'kernel',
    cites: 'close(fd) -> fput; last reference: netlink_release (unhash, sock_put) -> netlink_sock_destruct frees the rings',
    text: (_c, s) => (s.sock.fileRefs === 1 ? 'close: last file reference: netlink_release' : 'close: fput (a VMA or another fd table still holds the file)'),
    run: (_c, s, ti) => {
      // fput: atomic_long_dec_and_test, a full barrier.
      mb(s, ti);
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

/**
 * netlink_mmap's rule, under pg_vec_lock: the VMA covers exactly the configured
 * rings, RX then TX. The caller asks for the size its op names, or by default
 * for the size of the rings the scenario set up (what a correct user computes).
 */
function mmapError(c: Ctx, s: State, ti: number): number {
  const k = s.sock;
  const expected = (k.rx.gen ? ringBytes(k.rx.blockSize, k.rx.blockNr) : 0) + (k.tx.gen ? ringBytes(k.tx.blockSize, k.tx.blockNr) : 0);
  const op = currentOp(c, s, ti);
  const asked = op?.op === 'mmap' && op.bytes !== undefined ? op.bytes : expected;
  return checkMmap(op?.op === 'mmap' ? op.pgoff ?? 0 : 0, asked, expected);
}

/** netlink_mm_close for one VMA: mapped--, and the file reference the VMA held. */
function closeVma(s: State): void {
  const k = s.sock;
  k.mapped--;
  if (k.mapped === 0) {
    k.vmaRxGen = 0;
    k.vmaTxGen = 0;
  }
  k.fileRefs--;
  if (k.fileRefs === 0) release(s);
}

/**
 * fork(): the child's copy of the fd table and of the VMA (netlink_mm_open:
 * mapped++) if the parent has one. Returns whether the child got a VMA, which
 * only the child's own exit may close again.
 */
export function forkVma(s: State): boolean {
  const k = s.sock;
  k.fileRefs++; // the child's fd table
  if (k.mapped === 0) return false;
  k.mapped++;
  k.fileRefs++; // the child's VMA pins the file too
  return true;
}

/**
 * The child's exit: exit_mmap closes its own VMA if it got one at fork
 * (whatever the parent mapped or unmapped since), then exit_files drops its fd
 * table's reference; the last reference releases the socket.
 */
export function exitChild(s: State, hadVma: boolean): void {
  if (hadVma) closeVma(s);
  s.sock.fileRefs--;
  if (s.sock.fileRefs === 0) release(s);
}
