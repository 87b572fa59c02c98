/**
 * Reachability witnesses (`sometimes` properties): the states a scenario is
 * meant to reach. A run that never reaches one is vacuous, not green.
 */
import { COPY, MSG_DONE, RX, SKIP, VALID } from '../model/constants.js';
import type { Property } from '../model/interface.js';
import type { State } from '../model/state.js';

type W = Property<State>;

function sometimes(id: string, doc: string, holds: (s: State) => boolean): W {
  return { id, family: 'witness', kind: 'sometimes', doc, cites: 'scenario coverage', holds };
}

const rxStatuses = (s: State) => s.sock.rx.frames.slice(0, s.sock.rx.frameNr).map((f) => f.status);

export const W = {
  msgRead: sometimes('W-MSG-READ', 'The consumer read a message from a VALID frame.', (s) => s.ghost.note === 'read' || s.ghost.note === 'read-id'),
  skipHeld: sometimes('W-SKIP-HELD', 'A frame is held as SKIP.', (s) => rxStatuses(s).includes(SKIP)),
  skipPassed: sometimes('W-SKIP-PASSED', 'netlink_forward_ring passed over a SKIP frame.', (s) => s.ghost.note === 'forward-skip'),
  ringFull: sometimes('W-RING-FULL', 'An RX allocation or COPY delivery found the ring full and overran.', (s) => s.ghost.note === 'alloc-full' || s.ghost.note === 'copy-full'),
  copyRead: sometimes('W-COPY-READ', 'The consumer read a COPY frame’s message with recvmsg.', (s) => s.ghost.copyFrame >= 0),
  copyAndValid: sometimes('W-COPY-AND-VALID', 'A COPY frame and a VALID frame are in the ring at once.', (s) => rxStatuses(s).includes(COPY) && rxStatuses(s).includes(VALID)),
  errorRead: sometimes('W-ERROR-READ', 'The user read a pending socket error.', (s) => s.ghost.note === 'error-read'),
  dumpDone: sometimes('W-DUMP-DONE', 'The consumer read NLMSG_DONE.', (s) => s.ghost.note === 'dump-read' && s.ghost.noteValue === MSG_DONE),
  dumpFromPoll: sometimes('W-DUMP-FROM-POLL', 'poll continued the dump.', (s) => s.ghost.note === 'dump-from-poll'),
  dumpFullRing: sometimes('W-DUMP-FULL-RING', 'A dump allocation failed on a full ring and the dump stayed running.', (s) => s.ghost.note === 'alloc-full' && s.threads[s.ghost.noteThread].pc === 'dump.fill'),
  dumpPartRead: sometimes('W-DUMP-PART-READ', 'The consumer read a dump part.', (s) => s.ghost.note === 'dump-read' && s.ghost.noteValue !== MSG_DONE),
  pollSlept: sometimes('W-POLL-SLEPT', 'The consumer slept in poll.', (s) => s.threads.some((t) => t.pc === 'c.sleep')),
  txActed: sometimes('W-TX-ACTED', 'The kernel receiver acted on a message from the TX ring.', (s) => s.ghost.note === 'tx-acted'),
  txRejected: sometimes('W-TX-REJECTED', 'The kernel receiver rejected a rewritten TX message.', (s) => s.ghost.note === 'tx-rejected'),
  txBatch: sometimes('W-TX-BATCH', 'One sendmsg consumed two or more frames.', (s) => s.ghost.note === 'sendmsg-return' && s.threads[s.ghost.noteThread].l.txCount >= 2),
  siblingWrote: sometimes('W-SIBLING-WROTE', 'The sibling thread rewrote a TX frame.', (s) => s.ghost.last.kind === 'ustore' && !s.ghost.last.conforming),
  portRebound: sometimes('W-PORT-REBOUND', 'Another socket bound the released socket’s port id while a ring skb for the released socket was still pending.', (s) => s.sock.otherBound && s.sock.rx.pending > 0),
  otherQueued: sometimes('W-OTHER-QUEUED', 'A message sent to the port id was queued on the socket that bound it after the release.', (s) => s.sock.otherQueued > 0),
  forked: sometimes('W-FORKED', 'The mapping is shared with a forked child (mapped > 1).', (s) => s.sock.mapped > 1),
  secondMap: sometimes('W-SECOND-MMAP', 'The rings are mapped twice.', (s) => s.sock.mapped >= 2 && s.sock.fileRefs >= 3),
  ringSwapped: sometimes('W-RING-SWAPPED', 'setsockopt swapped a ring’s blocks.', (s) => s.ghost.note === 'ring-swapped'),
  released: sometimes('W-RELEASED', 'The socket was released while the scenario ran.', (s) => s.sock.released),
  verdict: sometimes('W-VERDICT', 'A batch verdict reached nfqueue.', (s) => s.ghost.verdictIds !== 0),
  dumpAutosized: sometimes(
    'W-DUMP-AUTOSIZED',
    'netlink_dump built a message in a ring frame it allocated at max_recvmsg_len (autosize), larger than the minimum.',
    (s) => s.ghost.note === 'dump-autosize-ring',
  ),
  dumpGated: sometimes(
    'W-DUMP-GATED',
    'netlink_recvmsg dequeued a message while a dump ran and left the dump for later: sk_rmem_alloc was above sk_rcvbuf / 2.',
    (s) => s.ghost.note === 'dump-gated' && s.sock.dumpRunning,
  ),
  txError: sometimes('W-TX-ERROR', 'A TX send returned an error to its caller (a failed allocation, a port gone).', (s) => s.ghost.note === 'sendmsg-return' && s.ghost.noteValue < 0),
  undelivered: sometimes(
    'W-UNDELIVERED',
    'netlink_skb_destructor published the frame of an undelivered ring skb (VALID, nm_len 0).',
    (s) => s.ghost.last.kind === 'kstore' && s.ghost.last.ring === RX && s.ghost.last.after === VALID && s.sock.rx.frames[s.ghost.last.frame].len === 0,
  ),
  setRingMapped: sometimes(
    'W-SET-RING-MAPPED',
    'A setsockopt of a ring is at netlink_set_ring\'s first checks while the rings are mapped (it must be refused).',
    (s) => s.sock.mapped > 0 && s.threads.some((t) => t.pc === 'so.check'),
  ),
  readAfterClose: sometimes(
    'W-READ-AFTER-CLOSE',
    'The consumer read a message through the mapping after every file descriptor of the socket was closed (the mappings alone keep it).',
    (s) => (s.ghost.note === 'read' || s.ghost.note === 'read-id' || s.ghost.note === 'dump-read') && s.sock.mapped > 0 && s.sock.fileRefs === s.sock.mapped,
  ),
  noIovReturned: sometimes(
    'W-NOIOV-RETURNED',
    'A sendmsg() with no iovec (msg_iovlen 0) came back to the user: the kernel decided what to do with it.',
    (s) => s.ghost.note === 'sendmsg-return' && s.threads[s.ghost.noteThread].l.txNoIov,
  ),
} as const;
