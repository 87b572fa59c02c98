/**
 * The invariants, as named data (design.md: id, family, kind, doc, cites,
 * predicate). Each encodes one rule of the protocol as the kernel documents or
 * implements it. Predicates read the state, including the ghost record of what
 * the last step did (store events and named notes), so engines judge them on
 * every transition.
 */
import { ENOBUFS, HDRLEN, MSG_DONE, DUMP_TAG_BASE, POLLIN, RESERVED, RX, SKIP, TX, UNUSED, VALID, COPY } from '../model/constants.js';
import type { Property } from '../model/interface.js';
import type { Ring, State } from '../model/state.js';
import { DONE_ID, labelId } from '../model/step.js';
import { SKB_RX, SKB_TX } from '../model/state.js';
import { SOCKET_PROPERTIES } from './sockets.js';
import { CALLER_VIEW } from './caller-view.js';
import { explained } from './explain.js';


type P = Property<State>;

/** An invariant that reads what the last step did (its store event or note): judged on every transition. */
function always(id: string, family: string, doc: string, cites: string, holds: (s: State) => boolean): P {
  return { id, family, kind: 'always', doc, cites, holds };
}

/** An invariant of the state alone (see Property.stateOnly): a test checks it ignores the last-step record. */
function alwaysState(id: string, family: string, doc: string, cites: string, holds: (s: State) => boolean): P {
  return { id, family, kind: 'always', doc, cites, holds, stateOnly: true };
}

/** Label id of the consumer's poll sleep (looked up on first use: steps register when the spec loads). */
let SLEEP = -1;

/** Every thread is asleep in poll or finished, and at least one is asleep. */
function allAsleepOrDone(s: State): boolean {
  if (SLEEP < 0) SLEEP = labelId('c.sleep');
  let asleep = 0;
  for (const t of s.threads) {
    const pc = t.pcId;
    if (pc === SLEEP) asleep++;
    else if (pc !== DONE_ID) return false;
  }
  return asleep > 0;
}

/** Something a consumer can take: a VALID frame, or a message in the receive queue (COPY frames' messages are there). */
export function somethingToConsume(s: State): boolean {
  const r = s.sock.rx;
  if (s.sock.rcvq.length > 0) return true;
  if (r.gen === 0) return false;
  for (let i = 0; i < r.frameNr; i++) if (r.frames[i].status === VALID) return true;
  return false;
}

const noted = (s: State, what: string) => s.ghost.note === what;
const noteThread = (s: State) => s.threads[s.ghost.noteThread];

/**
 * The geometry of one ring comes from one request, and every frame lies in its
 * block. The second half follows from the first: with frames_per_block =
 * floor(block_size / frame_size) and frame_nr = frames_per_block * block_nr,
 * frame i < frame_nr sits in block floor(i / frames_per_block) < block_nr at
 * offset (i mod frames_per_block) * frame_size <= block_size - frame_size
 * (__netlink_lookup_frame). So only the first is computed, once per state.
 */
function geometryConsistent(r: Ring): boolean {
  if (r.gen === 0) return true;
  const fpb = Math.floor(r.blockSize / r.frameSize);
  return r.framesPerBlock === fpb && fpb * r.blockNr === r.frameNr;
}

// explained(): each invariant with its explain() (explain.ts), the values that broke it for reports.
export const PROPERTIES: readonly P[] = explained([
  // ownership
  always(
    'OWN-RX-KERNEL-WRITE', 'ownership',
    'The kernel writes an RX frame only while it owns it: an UNUSED frame nobody has claimed, or a frame the writing thread itself reserved or claimed; and it never sets an RX frame UNUSED.',
    'netlink_mmap.txt ownership table; D. Miller (ulogd2 d4cf9b0): only the user may release RX frames; af_netlink.c netlink_skb_destructor (4.5) publishes VALID nm_len 0 instead',
    (s) => {
      const e = s.ghost.last;
      if (e.kind !== 'kstore' || e.ring !== RX || e.before === -1) return true;
      if (e.after === UNUSED) return false;
      if (e.before === UNUSED) return e.ownerBefore === -1 || e.ownerBefore === e.thread;
      return e.before === RESERVED && e.ownerBefore === e.thread;
    },
  ),
  always(
    'OWN-TX-KERNEL-WRITE', 'ownership',
    'The kernel writes a TX frame only while it owns it: VALID (submitted) or RESERVED (zero-copy skb in flight).',
    'netlink_mmap.txt TX ring ownership; af_netlink.c netlink_mmap_sendmsg, netlink_skb_destructor (3.10, 4.5)',
    (s) => {
      const e = s.ghost.last;
      if (e.kind !== 'kstore' || e.ring !== TX || e.before === -1) return true;
      return e.before === VALID || e.before === RESERVED;
    },
  ),
  always(
    'OWN-USER-WRITE', 'ownership',
    'A protocol-following user thread writes only frames it owns: RX frames that are VALID, COPY or SKIP; TX frames that are UNUSED.',
    'netlink_mmap.txt ownership rules (3.10, 4.5); protocol.md §3.1',
    (s) => {
      const e = s.ghost.last;
      if (e.kind !== 'ustore' || !e.conforming || e.before === -1) return true;
      return e.ring === RX ? e.before === VALID || e.before === COPY || e.before === SKIP : e.before === UNUSED;
    },
  ),

  // no-TOCTOU
  alwaysState(
    'NOTOCTOU-TX-ACT', 'no-toctou',
    'What the kernel receiver acts on equals what it validated: userspace cannot change a message after validation.',
    'netlink: implement memory mapped sendmsg() (3.10): "prevent userspace from changing the messages contents after validation"; fixed by 4682a0358639 "Always copy on mmap TX"',
    (s) => {
      for (const t of s.threads) if (t.l.aMsg !== -1 && t.l.aMsg !== t.l.vMsg) return false;
      return true;
    },
  ),
  alwaysState(
    'NOTOCTOU-TX-LEN', 'no-toctou',
    'Every length decision for a TX frame (bound check, skb length, allocation, copy) derives from one read of nm_len.',
    'af_netlink.c netlink_mmap_sendmsg: 4.5 reads nm_len once (ACCESS_ONCE) into a local; 3.10 re-reads hdr->nm_len (bugs.md B3b)',
    (s) => {
      for (const t of s.threads) {
        const r = t.l.txReads;
        for (let i = 1; i < r.length; i++) if (r.at(i) !== r.at(0)) return false;
      }
      return true;
    },
  ),

  // accounting
  alwaysState(
    'ACCT-PENDING', 'accounting',
    "Each ring's pending count equals the ring-backed skbs alive for it.",
    'af_netlink.c netlink_alloc_skb / netlink_mmap_sendmsg pending++, netlink_skb_destructor pending-- (3.10, 4.5)',
    (s) => {
      let rx = 0;
      let tx = 0;
      for (const t of s.threads) {
        if (t.l.skb === SKB_RX) rx++;
        if (t.l.skb === SKB_TX) tx++;
      }
      return s.sock.rx.pending === rx && s.sock.tx.pending === tx;
    },
  ),
  alwaysState(
    'ACCT-NO-FREE-IN-USE', 'accounting',
    'No ring memory is freed or swapped while a ring skb points into it or a VMA maps it; nothing writes a freed ring.',
    'af_netlink.c netlink_set_ring: EBUSY while mapped or pending (3.10, 4.5); protocol.md §2.1, §2.3',
    (s) => {
      if (s.ghost.usedFreed) return false;
      const k = s.sock;
      for (const t of s.threads) {
        if (t.l.skb === SKB_RX && t.l.skbGen !== k.rx.gen) return false;
        if (t.l.skb === SKB_TX && t.l.skbGen !== k.tx.gen) return false;
      }
      if (k.mapped > 0 && ((k.vmaRxGen !== 0 && k.vmaRxGen !== k.rx.gen) || (k.vmaTxGen !== 0 && k.vmaTxGen !== k.tx.gen))) return false;
      return true;
    },
  ),

  // COPY-queue correspondence
  alwaysState(
    'COPY-QUEUE-MATCH', 'copy-queue',
    'The message recvmsg returns for a COPY frame is the one queued when that frame was marked: COPY frames and the receive queue stay in step.',
    'af_netlink.c netlink_ring_set_copied (3.10, 4.5); netlink_mmap.txt: COPY means "fetch the message with recvmsg"',
    (s) => s.ghost.copyFrame === s.ghost.copyPaired,
  ),

  // no silent loss
  alwaysState(
    'LOSS-REPORTED', 'no-silent-loss',
    'Every message lost since the user last read an error is reported: while such a loss exists, sk_err holds ENOBUFS (unless NETLINK_NO_ENOBUFS or the socket is released).',
    'af_netlink.c netlink_overrun: CONGESTED, sk_err = ENOBUFS (3.10, 4.5); netlink(7) ENOBUFS semantics',
    (s) => s.ghost.unreported === 0 || s.sock.skErr === ENOBUFS || s.sock.noEnobufs || s.sock.released,
  ),
  always(
    'LOSS-FREE-FRAME', 'no-silent-loss',
    'A message is dropped for want of a frame (an RX allocation or a COPY delivery overruns) only if, at some instant while the kernel held the queue lock, no UNUSED frame was reachable from the head over SKIP frames.',
    'RFC cover letter: "The kernel skips over all frames marked with SKIP ... and only fails when not finding a free frame"; bugs.md B9; af_netlink.c netlink_ring_set_copied does not forward (4.5)',
    (s) => !(noted(s, 'alloc-full') || noted(s, 'copy-full')) || noteThread(s).l.fullSeen,
  ),

  // SKIP progress
  always(
    'SKIP-PROGRESS', 'skip-progress',
    'When netlink_forward_ring ends on a SKIP frame, it has examined every frame of the ring (and found each SKIP): it gives up only after one full turn, ' +
      'or it found the ring full (a frame it examined is in use: the reference forward, which passes SKIP frames only into a free frame, then leaves the head where it was).',
    'af_netlink.c netlink_forward_ring (4.5 form); RFC cover letter ("only fails ... when having skipped the entire ring"); bugs.md B9',
    (s) => {
      if (!noted(s, 'forward-done')) return true;
      const r = s.sock.rx;
      if (r.frames[r.head].status !== SKIP) return true;
      const seen = noteThread(s).l.fwdSeen;
      if (seen === (1 << r.frameNr) - 1) return true;
      // Ring full: a frame it examined is in use (not SKIP, not UNUSED), so no free frame was there to reach.
      for (let i = 0; i < r.frameNr; i++) if ((seen >> i) & 1 && r.frames[i].status !== SKIP && r.frames[i].status !== UNUSED) return true;
      return false;
    },
  ),

  // poll readiness
  always(
    'POLL-IN-SOUND', 'poll-readiness',
    'poll reports POLLIN only when there is something to consume: a VALID frame or a queued message.',
    'netlink_mmap.txt: poll signals frames to process; af_netlink.c netlink_poll (4.5: netlink_has_valid_frame); bugs.md B11',
    (s) => !noted(s, 'poll-return') || (s.ghost.noteValue & POLLIN) === 0 || somethingToConsume(s),
  ),
  alwaysState(
    'POLL-NO-LOST-WAKEUP', 'poll-readiness',
    'No consumer is left asleep in poll with something to consume or an error to read once every other thread has finished: a wakeup in flight may arrive late, but it must arrive.',
    'af_netlink.c netlink_poll with sock_poll_wait; __netlink_sendskb sk_data_ready; netlink_overrun sk_error_report',
    (s) => {
      if (s.sock.wake || !allAsleepOrDone(s)) return true;
      return !somethingToConsume(s) && s.sock.skErr === 0;
    },
  ),

  // frame layout
  alwaysState(
    'LAYOUT-MSG-AT-HDRLEN', 'frame-layout',
    'Every RX frame handed to the user with a message (VALID or COPY, nm_len > 0) has the message at frame + NL_MMAP_HDRLEN, where userspace parses it; in a VALID frame, nm_len bytes from there fit in the frame.',
    'include/uapi/linux/netlink.h NL_MMAP_HDRLEN; netlink_mmap.txt; af_netlink.c netlink_ring_setup_skb (data = frame + NL_MMAP_HDRLEN, tailroom frame_size - NL_MMAP_HDRLEN), netlink_dump trim (4.1); bugs.md B12',
    (s) => {
      const r = s.sock.rx;
      for (let i = 0; i < r.frameNr; i++) {
        const f = r.frames[i];
        if ((f.status === VALID || f.status === COPY) && f.len > 0 && f.off !== HDRLEN) return false;
        // A COPY frame's nm_len is the queued message's length, which need not fit a frame.
        if (f.status === VALID && HDRLEN + f.len > r.frameSize) return false;
      }
      return true;
    },
  ),

  // set-up consistency
  alwaysState(
    'SETUP-GEOMETRY', 'setup-consistency',
    'A configured ring’s geometry (frames per block, frame size, frame count, blocks) all comes from one successful setsockopt, and every frame lies inside its block.',
    'af_netlink.c netlink_set_ring: frames_per_block written before pg_vec_lock is taken (3.10, 4.5); protocol.md §2.1',
    (s) => {
      return geometryConsistent(s.sock.rx) && geometryConsistent(s.sock.tx);
    },
  ),

  // error values
  alwaysState(
    'ERR-SK-ERR-POSITIVE', 'error-values',
    'sk_err holds 0 or a positive errno.',
    'include/net/sock.h sock_error() negates sk_err; af_netlink.c netlink_poll/netlink_recvmsg store -err (fixed form); bugs.md B1',
    (s) => s.sock.skErr >= 0,
  ),

  // ordering
  always(
    'ORDER-RING-IDS', 'ordering',
    'Ids (sequence numbers, nfqueue packet ids) increase in ring order as the consumer reads them. The design does not promise this (RFC, D1).',
    'RFC cover letter and "netlink: implement memory mapped recvmsg()": frames are delivered in allocation order, not transmission order; bugs.md D1',
    (s) => !noted(s, 'read-id') || s.ghost.noteValue === 0 || noteThread(s).l.seqLast > s.ghost.noteValue,
  ),
  alwaysState(
    'NFQ-VERDICT-AFTER-READ', 'ordering',
    'No nfqueue packet gets a verdict before the consumer has read it.',
    'nfnetlink_queue.c nfqnl_recv_verdict_batch: verdict for every queued id <= the batch id (4.5); bugs.md D1',
    (s) => (s.ghost.verdictIds & ~s.ghost.readIds) === 0,
  ),

  // dumps
  always(
    'DUMP-ORDER', 'dump',
    'The consumer reads dump parts in order, each once, and NLMSG_DONE last, after every part the kernel emitted.',
    'af_netlink.c netlink_dump (3.10, 4.5): parts then NLMSG_DONE; flow control from poll (cd1df525da59)',
    (s) => {
      if (!noted(s, 'dump-read')) return true;
      const index = s.ghost.dumpRead - 1; // this message's position in the dump
      return s.ghost.noteValue === MSG_DONE ? index === s.sock.dumpPart : s.ghost.noteValue === DUMP_TAG_BASE + index;
    },
  ),

  alwaysState(
    'DUMP-PROGRESS', 'dump',
    'A running dump is never left stuck: once every other thread has finished, a consumer asleep in poll has no dump still running and no wakeup owed (the dump must continue while the consumer keeps polling and releasing frames).',
    'af_netlink.c netlink_poll dump continuation under netlink_dump_space (3.10, 4.5); flow-control commit cd1df525da59; bugs.md D2',
    (s) => {
      return s.sock.wake || !s.sock.dumpRunning || !allAsleepOrDone(s);
    },
  ),

  // TX progress
  always(
    'TX-PROGRESS', 'tx-progress',
    'A call that submits the TX ring as documented (sendto(fd, NULL, 0): one iovec with a NULL base) and returns without error leaves no VALID frame at the kernel TX head: every frame the user marked VALID before the call was consumed, whichever path netlink_sendmsg took. ' +
      'A frame left VALID waits for a later call to drain it, which never comes if the ring path is never taken; netlink_poll\'s ring rule would also keep POLLOUT clear, but the model follows datagram_poll, which sets POLLOUT regardless, so the frame left VALID is the evidence. ' +
      'A sendmsg with no iovec at all is not a submission (the fixed kernels send it as an empty ordinary message) and is not judged here, nor is a short count: a call cut by an error after it sent frames, which returns the bytes it sent (as write(2) does) and leaves the frame that failed VALID for the caller to resubmit.',
    'netlink_mmap.txt TX: "the kernel processes all frames marked VALID" after sendto(fd, NULL, 0); af_netlink.c netlink_sendmsg ring-path test (4.2: iter_is_iovec) and netlink_mmap_sendmsg loop (4.5); bug B5',
    (s) => {
      if (!noted(s, 'sendmsg-return') || s.ghost.noteValue < 0) return true;
      if (noteThread(s).l.txNoIov) return true;
      // A short count (txErr kept past the return): the caller was told how much went out.
      if (noteThread(s).l.txErr !== 0) return true;
      return s.sock.tx.gen === 0 || s.sock.tx.frames[s.sock.tx.head].status !== VALID;
    },
  ),

  // determinism
  alwaysState(
    'DET-NO-UNINIT-BRANCH', 'determinism',
    'No kernel decision depends on a value read from uninitialised memory, so what a syscall does is a function of its arguments and of the state, never of stack garbage. ' +
      'The rule is MemorySanitizer\'s: a read of memory nobody wrote gives a poisoned value that may be copied, but the step that branches on it records that in the ghost state, and from then on the property fails.',
    'MemorySanitizer (report at the conditional branch that uses an uninitialised value); af_netlink.c netlink_sendmsg (3.10 … 3.19) tests msg_iov->iov_base, uninitialised when msg_iovlen == 0; a8866ff6 "netlink: make the check for \'send from tx_ring\' deterministic"; bug B4',
    (s) => !s.ghost.uninitBranch,
  ),

  // port ids that another socket binds after a release (sockets.ts)
  ...SOCKET_PROPERTIES,

  // what each caller is told (caller-view.ts), and TX reads inside the frame
  ...CALLER_VIEW,

  // publication order (judged under --memory tso and weak; under sc every load returns the last store)
  always(
    'PUBLISH-RX', 'publication',
    'Whoever sees an RX frame handed over (VALID) sees the header and message the kernel wrote before it: every load of nm_len, the message offset, the message or its id that the consumer makes after its status load returned VALID gives the value last stored there in program order. ' +
      'It fails when the status store became visible before the header or message stores (the kernel\'s barrier in the wrong place), or when the consumer\'s loads were satisfied before its status load (no acquire).',
    'af_netlink.c netlink_set_status: 3.10 stores nm_status then smp_wmb(); 3.18.4, 3.19 and 4.5: smp_mb() then the store (bugs.md B2); Documentation/memory-barriers.txt; protocol reference §6',
    (s) => s.ghost.stale === null || s.ghost.stale.ring !== RX,
  ),
  always(
    'PUBLISH-TX', 'publication',
    'Whoever sees a TX frame handed over (VALID) sees the header and message userspace wrote before it: every load of nm_len, the message or its id that netlink_mmap_sendmsg makes after its status load returned VALID gives the value last stored there in program order by a thread that follows the protocol. ' +
      'It fails when userspace publishes VALID without a write barrier after filling the frame, or when the kernel\'s loads after netlink_get_status are satisfied before its status load (smp_rmb() comes before that load, not after it).',
    'af_netlink.c netlink_get_status (3.10 … 4.5): smp_rmb(); flush_dcache_page(); return hdr->nm_status; netlink_mmap_sendmsg then reads hdr->nm_len and the message with no barrier in between; protocol reference §6',
    (s) => s.ghost.stale === null || s.ghost.stale.ring !== TX,
  ),
]);


