/**
 * Named workloads with small bounds. Each says which threads exist, the ring
 * geometry, and the witnesses it must reach. Geometry is real setsockopt input
 * (4 KiB pages): blocks page-aligned, frames a multiple of 4.
 */
import type { ScenarioConfig } from '../model/config.js';
import { maxLen, type MmapReq } from '../model/geometry.js';
import { W } from '../props/witnesses.js';

/** 4 frames of 1 KiB in one page-sized block. */
const FOUR: MmapReq = { blockSize: 4096, blockNr: 1, frameSize: 1024, frameNr: 4 };
/** 2 frames of 2 KiB in one block. */
const TWO: MmapReq = { blockSize: 4096, blockNr: 1, frameSize: 2048, frameNr: 2 };
/** 4 page-sized frames: enough payload for a dump allocation (NLMSG_GOODSIZE). */
const FOUR_PAGES: MmapReq = { blockSize: 4096, blockNr: 4, frameSize: 4096, frameNr: 4 };
const DESTROY: MmapReq = { blockSize: 0, blockNr: 0, frameSize: 0, frameNr: 0 };
/** 2 frames of 16 KiB, the documentation's frame size: room for a dump allocated at max_recvmsg_len. */
const TWO_16K: MmapReq = { blockSize: 16384, blockNr: 2, frameSize: 16384, frameNr: 2 };
/**
 * 2 frames of 3 KiB, one per 4 KiB block: the last KiB of each block is unused, so frame 1
 * starts at block 1 (offset 4096), not at ring + frame_size (3072), where a consumer that
 * takes frames to be contiguous (libmnl's first mmap code) would look.
 */
const GAPPED: MmapReq = { blockSize: 4096, blockNr: 2, frameSize: 3072, frameNr: 2 };
/** 2 page-sized frames, one per block: room for a dump allocation, on a ring of two blocks. */
const TWO_PAGES: MmapReq = { blockSize: 4096, blockNr: 2, frameSize: 4096, frameNr: 2 };
/** libmnl's MNL_SOCKET_BUFFER_SIZE with 4 KiB pages: a recv() buffer larger than NLMSG_GOODSIZE. */
const MNL_SOCKET_BUFFER_SIZE = 4096;

/** Ordering has its own scenarios (rx-order, nfq-batch); elsewhere D1 would hide everything else. */
const NOT_ORDER = ['ORDER-RING-IDS'];

export const SCENARIOS: readonly ScenarioConfig[] = [
  {
    id: 'rx-basic',
    description: '4 RX frames; 3 producers allocate then publish 3 messages each; a consumer that may hold up to 2 frames as SKIP and releases them in any order',
    requests: [FOUR], rx: 0, tx: null, mapped: true, msgLen: 64,
    threads: [
      { name: 'prod1', program: 'producer', params: { count: 3, path: 'ring', firstTag: 1 } },
      { name: 'prod2', program: 'producer', params: { count: 3, path: 'ring', firstTag: 4 } },
      { name: 'prod3', program: 'producer', params: { count: 3, path: 'ring', firstTag: 7 } },
      { name: 'consumer', program: 'consumer', params: { maxHold: 2 } },
    ],
    witnesses: [W.msgRead, W.skipHeld, W.skipPassed, W.ringFull],
    excludes: NOT_ORDER,
  },
  {
    id: 'rx-order',
    description: 'Two producers whose ids are assigned after allocation (D1): do ids increase in ring order?',
    requests: [FOUR], rx: 0, tx: null, mapped: true, msgLen: 64,
    threads: [
      { name: 'prod1', program: 'producer', params: { count: 2, path: 'ring', firstTag: 1 } },
      { name: 'prod2', program: 'producer', params: { count: 2, path: 'ring', firstTag: 3 } },
      { name: 'consumer', program: 'consumer', params: { maxHold: 0 } },
    ],
    witnesses: [W.msgRead],
  },
  {
    id: 'copy-mixed',
    description: 'COPY frames mixed with ring delivery: a converted producer (may abandon a message), an unconverted subsystem and a multicast sender',
    requests: [FOUR], rx: 0, tx: null, mapped: true, msgLen: 64,
    threads: [
      { name: 'ring', program: 'producer', params: { count: 2, path: 'ring', firstTag: 1, mayAbandon: true } },
      { name: 'plain', program: 'producer', params: { count: 2, path: 'plain', firstTag: 3 } },
      { name: 'mcast', program: 'producer', params: { count: 1, path: 'mcast', firstTag: 5 } },
      { name: 'consumer', program: 'consumer', params: { maxHold: 0 } },
    ],
    witnesses: [W.copyRead, W.copyAndValid, W.msgRead],
    excludes: NOT_ORDER,
  },
  {
    id: 'copy-hold',
    description: 'COPY frames and a holding consumer on a ring of 2 frames: a ring producer and an unconverted one, a consumer that may hold 1 frame as SKIP',
    requests: [{ blockSize: 4096, blockNr: 1, frameSize: 2048, frameNr: 2 }], rx: 0, tx: null, mapped: true, msgLen: 64,
    threads: [
      { name: 'ring', program: 'producer', params: { count: 2, path: 'ring', firstTag: 1 } },
      { name: 'plain', program: 'producer', params: { count: 2, path: 'plain', firstTag: 3 } },
      { name: 'consumer', program: 'consumer', params: { maxHold: 1 } },
    ],
    witnesses: [W.copyRead, W.skipHeld, W.msgRead],
    excludes: NOT_ORDER,
  },
  {
    id: 'skip-hold',
    description: 'A ulogd2-style consumer holding up to 3 of 4 frames as SKIP while 2 producers keep allocating',
    requests: [FOUR], rx: 0, tx: null, mapped: true, msgLen: 64,
    threads: [
      { name: 'prod1', program: 'producer', params: { count: 3, path: 'ring', firstTag: 1 } },
      { name: 'prod2', program: 'producer', params: { count: 3, path: 'ring', firstTag: 4 } },
      { name: 'consumer', program: 'consumer', params: { maxHold: 3 } },
    ],
    witnesses: [W.skipHeld, W.skipPassed, W.msgRead],
    excludes: NOT_ORDER,
  },
  {
    id: 'dump-full-ring',
    description: 'A dump of 3 parts into 4 page-sized frames, continued from poll and recvmsg, racing a producer that fills the ring',
    requests: [FOUR_PAGES], rx: 0, tx: null, mapped: true, msgLen: 64, dumpParts: 3,
    threads: [
      { name: 'prod1', program: 'producer', params: { count: 2, path: 'ring', firstTag: 1 } },
      { name: 'consumer', program: 'consumer', params: { maxHold: 1, dump: true } },
    ],
    witnesses: [W.dumpDone, W.dumpFromPoll, W.dumpFullRing],
    excludes: NOT_ORDER,
  },
  {
    id: 'poll',
    description: 'poll readiness and wakeups: ring producers and an unconverted one; the consumer sleeps when poll says nothing is ready',
    requests: [FOUR], rx: 0, tx: null, mapped: true, msgLen: 64,
    threads: [
      { name: 'prod1', program: 'producer', params: { count: 2, path: 'ring', firstTag: 1 } },
      { name: 'prod2', program: 'producer', params: { count: 1, path: 'ring', firstTag: 3 } },
      { name: 'plain', program: 'producer', params: { count: 1, path: 'plain', firstTag: 4 } },
      { name: 'consumer', program: 'consumer', params: { maxHold: 1 } },
    ],
    witnesses: [W.pollSlept, W.msgRead, W.copyRead],
    excludes: NOT_ORDER,
  },
  {
    id: 'tx-batch',
    description: 'TX batching: 4 messages in batches of 2 per sendto(NULL, 0) with MSG_DONTWAIT; kernel allocations may fail',
    requests: [FOUR], rx: null, tx: 0, mapped: true, msgLen: 64, allocFailures: true,
    threads: [{ name: 'txuser', program: 'txuser', params: { count: 4, batch: 2, dontwait: true, firstTag: 1 } }],
    witnesses: [W.txActed, W.txBatch],
  },
  {
    id: 'tx-sibling',
    description: 'TX with a sibling writer (CLONE_VM without CLONE_FILES) that may rewrite a frame’s bytes or nm_len at any moment (B3a, B3b)',
    requests: [TWO], rx: null, tx: 0, mapped: true, msgLen: 64,
    threads: [
      { name: 'txuser', program: 'txuser', params: { count: 1, batch: 1, dontwait: false, firstTag: 1 } },
      { name: 'sibling', program: 'sibling', params: { writes: 1 } },
    ],
    witnesses: [W.txActed, W.siblingWrote, W.txRejected],
  },
  {
    id: 'fork-mmap',
    description: 'fork and a second mmap while TX frames are submitted and a sibling rewrites frames: the exclusivity test must fall back to copying',
    requests: [TWO], rx: null, tx: 0, mapped: true, msgLen: 64,
    threads: [
      { name: 'txuser', program: 'txuser', params: { count: 2, batch: 1, dontwait: false, firstTag: 1 } },
      { name: 'forker', program: 'forker' },
      { name: 'mapper', program: 'setup', params: { ops: [{ op: 'mmap' }, { op: 'munmap' }] } },
      { name: 'sibling', program: 'sibling', params: { writes: 1 } },
    ],
    witnesses: [W.forked, W.secondMap, W.txActed],
  },
  {
    id: 'setup-teardown',
    description: 'An unmapped RX ring destroyed and re-created (smaller) by setsockopt while a producer allocates from it',
    requests: [FOUR, DESTROY, TWO], rx: 0, tx: null, mapped: false, msgLen: 64,
    threads: [
      { name: 'prod1', program: 'producer', params: { count: 2, path: 'ring', firstTag: 1 } },
      { name: 'setup', program: 'setup', params: { ops: [{ op: 'setsockopt', ring: 'rx', req: 1 }, { op: 'setsockopt', ring: 'rx', req: 2 }, { op: 'mmap' }] } },
    ],
    witnesses: [W.ringSwapped],
    excludes: NOT_ORDER,
  },
  {
    id: 'setup-map-race',
    description: 'One thread destroys and re-creates the RX ring (setsockopt) while another maps and unmaps it: once mapped, netlink_set_ring must refuse with EBUSY, checked again under pg_vec_lock',
    requests: [FOUR, DESTROY, TWO], rx: 0, tx: null, mapped: false, msgLen: 64,
    threads: [
      { name: 'setup', program: 'setup', params: { ops: [{ op: 'setsockopt', ring: 'rx', req: 1 }, { op: 'setsockopt', ring: 'rx', req: 2 }] } },
      { name: 'mapper', program: 'setup', params: { ops: [{ op: 'mmap' }, { op: 'munmap' }] } },
    ],
    witnesses: [W.ringSwapped],
  },
  {
    id: 'setup-concurrent',
    description: 'Two threads create the RX ring at once, one with a request that fails validation after writing frames_per_block',
    requests: [
      { blockSize: 4096, blockNr: 2, frameSize: 4096, frameNr: 2 },
      { blockSize: 4096, blockNr: 1, frameSize: 1024, frameNr: 3 },
    ],
    rx: null, tx: null, mapped: false, msgLen: 64,
    threads: [
      { name: 'setupA', program: 'setup', params: { ops: [{ op: 'setsockopt', ring: 'rx', req: 0 }] } },
      { name: 'setupB', program: 'setup', params: { ops: [{ op: 'setsockopt', ring: 'rx', req: 1 }] } },
    ],
    witnesses: [W.ringSwapped],
  },
  {
    id: 'close-race',
    description: 'munmap and close(fd) while a producer still holds ring skbs: teardown must wait for them',
    requests: [FOUR], rx: 0, tx: null, mapped: true, msgLen: 64,
    threads: [
      { name: 'prod1', program: 'producer', params: { count: 2, path: 'ring', firstTag: 1 } },
      { name: 'closer', program: 'setup', params: { ops: [{ op: 'munmap' }, { op: 'close' }] } },
    ],
    witnesses: [W.released],
    excludes: NOT_ORDER,
  },
  {
    id: 'copy-teardown',
    description: 'An unmapped RX ring destroyed by setsockopt, then the socket closed, while an unconverted subsystem delivers COPY messages to it and a converted one may abandon its ring skb',
    requests: [TWO, DESTROY], rx: 0, tx: null, mapped: false, msgLen: 64,
    threads: [
      { name: 'plain', program: 'producer', params: { count: 2, path: 'plain', firstTag: 1 } },
      { name: 'ring', program: 'producer', params: { count: 1, path: 'ring', firstTag: 3, mayAbandon: true } },
      { name: 'setup', program: 'setup', params: { ops: [{ op: 'setsockopt', ring: 'rx', req: 1 }, { op: 'close' }] } },
    ],
    witnesses: [W.ringSwapped, W.released],
    excludes: NOT_ORDER,
  },
  {
    id: 'nfq-batch',
    description: 'nfqueue: packets from two producers through the RX ring, ids assigned under the queue lock; the consumer sends batch verdicts through the TX ring for every id up to the highest it read',
    requests: [FOUR, TWO], rx: 0, tx: 1, mapped: true, msgLen: 64,
    threads: [
      { name: 'nfq1', program: 'producer', params: { count: 2, path: 'nfq', firstTag: 1 } },
      { name: 'nfq2', program: 'producer', params: { count: 2, path: 'nfq', firstTag: 3 } },
      { name: 'consumer', program: 'consumer', params: { maxHold: 0, verdicts: 2 } },
    ],
    witnesses: [W.verdict, W.msgRead],
    excludes: NOT_ORDER,
  },
  {
    id: 'dump-autosize',
    description: 'A ring user recv()s a COPY message with a 4 KiB buffer (more than NLMSG_GOODSIZE, so max_recvmsg_len rises), then dumps into 16 KiB frames: does every dump message start at frame + NL_MMAP_HDRLEN (B12)?',
    requests: [TWO_16K], rx: 0, tx: null, mapped: true, msgLen: 64, dumpParts: 1,
    threads: [
      { name: 'plain', program: 'producer', params: { count: 1, path: 'plain', firstTag: 1 } },
      { name: 'consumer', program: 'consumer', params: { maxHold: 0, dump: true, dumpAfterCopy: true, recvBuf: MNL_SOCKET_BUFFER_SIZE } },
    ],
    witnesses: [W.copyRead, W.dumpAutosized, W.dumpDone],
  },
  {
    id: 'tx-no-iovec',
    description: 'A VALID TX frame waiting and sendmsg() with msg_iovlen == 0: is what the kernel does a function of the arguments (B4)?',
    requests: [TWO], rx: null, tx: 0, mapped: true, msgLen: 64,
    threads: [{ name: 'txuser', program: 'txuser', params: { count: 1, batch: 1, dontwait: false, firstTag: 1, call: 'sendmsg-noiov' } }],
    witnesses: [W.noIovReturned],
  },
  {
    id: 'tx-ring-send',
    description: 'The documented TX submission: fill a frame, mark it VALID, sendto(fd, NULL, 0); the kernel must take the ring path and consume the frame (B5)',
    requests: [TWO], rx: null, tx: 0, mapped: true, msgLen: 64,
    threads: [{ name: 'txuser', program: 'txuser', params: { count: 1, batch: 1, dontwait: false, firstTag: 1 } }],
    witnesses: [W.txActed],
  },
  {
    id: 'tx-full-frame',
    description: 'TX messages that fill their frame exactly (nm_len = frame_size - NL_MMAP_HDRLEN, the largest netlink_mmap_sendmsg accepts), two per sendto(NULL, 0)',
    requests: [TWO], rx: null, tx: 0, mapped: true, msgLen: maxLen(TWO.frameSize),
    threads: [{ name: 'txuser', program: 'txuser', params: { count: 2, batch: 2, dontwait: false, firstTag: 1 } }],
    witnesses: [W.txActed, W.txBatch],
  },
  // The scenarios below combine features that no scenario above has together (nlring list --coverage).
  {
    id: 'ring-tx-fork',
    description: 'Both rings in one process, and a fork: a converted producer (may free its ring skb undelivered) fills 2 RX frames laid out with a gap at the end of each block for a consumer that may hold 1 as SKIP, while a TX user sends 2 frames per sendto with failing allocations and a child forked meanwhile shares the mapping (on 3.10 the child makes the TX path copy, so only then can its allocation fail)',
    requests: [GAPPED, TWO], rx: 0, tx: 1, mapped: true, msgLen: 64, allocFailures: true,
    threads: [
      { name: 'ring', program: 'producer', params: { count: 2, path: 'ring', firstTag: 1, mayAbandon: true } },
      { name: 'consumer', program: 'consumer', params: { maxHold: 1 } },
      { name: 'txuser', program: 'txuser', params: { count: 2, batch: 2, dontwait: true, firstTag: 3 } },
      { name: 'forker', program: 'forker' },
    ],
    witnesses: [W.skipHeld, W.undelivered, W.txBatch, W.txError, W.forked],
    excludes: NOT_ORDER,
  },
  {
    id: 'dump-abandon',
    description: 'A dump of 2 parts into 2 page-sized frames in 2 blocks, read by a consumer that may hold 1 frame as SKIP, next to a converted producer that may free its ring skb undelivered, while a child is forked: the dump space test and the reader meet a held frame and a frame published with nm_len 0',
    requests: [TWO_PAGES], rx: 0, tx: null, mapped: true, msgLen: 64, dumpParts: 2,
    threads: [
      { name: 'ring', program: 'producer', params: { count: 1, path: 'ring', firstTag: 1, mayAbandon: true } },
      { name: 'consumer', program: 'consumer', params: { maxHold: 1, dump: true } },
      { name: 'forker', program: 'forker' },
    ],
    witnesses: [W.dumpDone, W.skipHeld, W.undelivered, W.forked],
    excludes: NOT_ORDER,
  },
  {
    id: 'mapped-close',
    description: 'Both rings mapped and in use (a consumer that dumps 2 parts and may hold 1 frame as SKIP, a TX user sending 2 frames per sendto with failing allocations) while another thread maps the rings a second time, asks to destroy the RX ring (netlink_set_ring must refuse: mapped) and closes the descriptor, after which only the mappings keep the socket',
    requests: [TWO_PAGES, TWO, DESTROY], rx: 0, tx: 1, mapped: true, msgLen: 64, dumpParts: 2, allocFailures: true,
    threads: [
      { name: 'consumer', program: 'consumer', params: { maxHold: 1, dump: true } },
      { name: 'txuser', program: 'txuser', params: { count: 2, batch: 2, dontwait: true, firstTag: 1 } },
      { name: 'setup', program: 'setup', params: { ops: [{ op: 'mmap' }, { op: 'setsockopt', ring: 'rx', req: 2 }, { op: 'close' }] } },
    ],
    witnesses: [W.setRingMapped, W.readAfterClose, W.secondMap, W.skipHeld, W.dumpDone, W.txBatch, W.txError],
    excludes: NOT_ORDER,
  },
  {
    id: 'copy-tx-fork',
    description: 'COPY delivery and the TX ring in one process, and a fork: an unconverted subsystem sends 2 messages to a ring of 2 frames while the same socket sends 2 TX frames per sendto with failing allocations and a child forked meanwhile shares the mapping (on 3.10 the child makes the TX path copy, so only then can its allocation fail)',
    requests: [TWO, TWO], rx: 0, tx: 1, mapped: true, msgLen: 64, allocFailures: true,
    threads: [
      { name: 'plain', program: 'producer', params: { count: 2, path: 'plain', firstTag: 1 } },
      { name: 'consumer', program: 'consumer', params: { maxHold: 0 } },
      { name: 'txuser', program: 'txuser', params: { count: 2, batch: 2, dontwait: true, firstTag: 3 } },
      { name: 'forker', program: 'forker' },
    ],
    witnesses: [W.copyRead, W.txBatch, W.txError, W.forked],
    excludes: NOT_ORDER,
  },
  {
    id: 'setup-fork',
    description: 'An unmapped RX ring destroyed and re-created (2 frames), then the descriptor closed, while another thread maps and unmaps it, a child is forked (its copy of the VMA raises mapped, its file references outlive the close) and a converted producer allocates from the ring',
    requests: [FOUR, DESTROY, TWO], rx: 0, tx: null, mapped: false, msgLen: 64,
    threads: [
      { name: 'ring', program: 'producer', params: { count: 1, path: 'ring', firstTag: 1 } },
      { name: 'setup', program: 'setup', params: { ops: [{ op: 'setsockopt', ring: 'rx', req: 1 }, { op: 'setsockopt', ring: 'rx', req: 2 }, { op: 'close' }] } },
      { name: 'mapper', program: 'setup', params: { ops: [{ op: 'mmap' }, { op: 'munmap' }] } },
      { name: 'forker', program: 'forker' },
    ],
    witnesses: [W.ringSwapped, W.forked, W.released],
    excludes: NOT_ORDER,
  },
  {
    id: 'rebind',
    description: 'The unmapped ring socket is closed while a converted subsystem holds ring skbs for it and an unconverted one is sending to it, and another socket binds the port id the release freed: where do their messages go?',
    requests: [FOUR], rx: 0, tx: null, mapped: false, msgLen: 64,
    threads: [
      { name: 'ring', program: 'producer', params: { count: 2, path: 'ring', firstTag: 1 } },
      { name: 'plain', program: 'producer', params: { count: 1, path: 'plain', firstTag: 3 } },
      { name: 'closer', program: 'setup', params: { ops: [{ op: 'close' }] } },
      { name: 'other', program: 'setup', params: { ops: [{ op: 'bind' }] } },
    ],
    witnesses: [W.portRebound, W.otherQueued],
  },
  {
    id: 'rebind-reader',
    description: 'A consumer that holds frames and dumps stops (munmap, close) while a converted subsystem still sends to it, and another socket binds the port id the release freed',
    requests: [TWO_PAGES], rx: 0, tx: null, mapped: true, msgLen: 64, dumpParts: 1,
    threads: [
      { name: 'ring', program: 'producer', params: { count: 2, path: 'ring', firstTag: 1 } },
      { name: 'consumer', program: 'consumer', params: { maxHold: 1, dump: true, stops: true } },
      { name: 'other', program: 'setup', params: { ops: [{ op: 'bind' }] } },
    ],
    witnesses: [W.portRebound, W.skipHeld, W.dumpDone],
    excludes: NOT_ORDER,
  },
  {
    id: 'rebind-nfq',
    description: 'An nfqueue consumer sends a batch verdict through the TX ring (allocations may fail), forks a child, and stops (munmap, close) while nfqueue still sends to it, a thread asks to destroy the RX ring, and another socket binds the port id once the socket is released',
    requests: [TWO, TWO, DESTROY], rx: 0, tx: 1, mapped: true, msgLen: 64, allocFailures: true,
    threads: [
      { name: 'nfq', program: 'producer', params: { count: 2, path: 'nfq', firstTag: 1 } },
      { name: 'consumer', program: 'consumer', params: { maxHold: 0, verdicts: 1, stops: true } },
      { name: 'forker', program: 'forker' },
      { name: 'setup', program: 'setup', params: { ops: [{ op: 'setsockopt', ring: 'rx', req: 2 }] } },
      { name: 'other', program: 'setup', params: { ops: [{ op: 'bind' }] } },
    ],
    witnesses: [W.portRebound, W.verdict, W.forked, W.txError],
    excludes: NOT_ORDER,
  },
  {
    id: 'tx-misbehave',
    description: 'A TX user that breaks the rules (nm_len too large or shorter than a header, a second call after an error, a frame submitted twice) on a socket whose RX ring a kernel producer fills for a consumer',
    requests: [TWO], rx: 0, tx: 0, mapped: true, msgLen: 64,
    threads: [
      { name: 'prod', program: 'producer', params: { count: 2, path: 'ring', firstTag: 1 } },
      { name: 'consumer', program: 'consumer', params: { maxHold: 0 } },
      { name: 'txuser', program: 'txuser', params: { count: 2, batch: 2, dontwait: true, firstTag: 5, misbehave: { badLen: true, retries: 1, resubmit: true } } },
    ],
    witnesses: [W.msgRead, W.txActed, W.txRejected],
    excludes: NOT_ORDER,
  },
  {
    id: 'dump-rcvbuf',
    description: 'An unconverted subsystem sends three COPY messages so large that one queued skb is more than half of a small sk_rcvbuf and two exceed it, while the consumer dumps: netlink_recvmsg leaves the dump for later and netlink_attachskb refuses a message; does the dump still finish, and is nothing lost silently?',
    // 2000-byte messages: truesize 2624 (kernel/rmem.ts), so one queued skb closes netlink_recvmsg's
    // gate (2624 > 4608 / 2) and two make netlink_attachskb refuse the third (5248 > 4608). 4608 is
    // 4.5's SOCK_MIN_RCVBUF, the least setsockopt(SO_RCVBUF) gives.
    requests: [TWO_PAGES], rx: 0, tx: null, mapped: true, msgLen: 2000, rcvbuf: 4608,
    threads: [
      { name: 'plain', program: 'producer', params: { count: 3, path: 'plain', firstTag: 1 } },
      { name: 'consumer', program: 'consumer', params: { maxHold: 0, dump: true } },
    ],
    witnesses: [W.dumpGated, W.copyRead, W.dumpDone],
  },
  // Publication order (PUBLISH-RX, PUBLISH-TX): small enough to check exhaustively under
  // --memory weak, where every store may wait in a buffer (README "Memory ordering").
  {
    id: 'rx-publish',
    description: 'One producer publishes 2 messages into a ring of 2 frames for a consumer: does the consumer that sees a frame VALID read the nm_len and message written before it (B2)?',
    requests: [TWO], rx: 0, tx: null, mapped: true, msgLen: 64,
    threads: [
      { name: 'prod', program: 'producer', params: { count: 2, path: 'ring', firstTag: 1 } },
      { name: 'consumer', program: 'consumer', params: { maxHold: 0 } },
    ],
    witnesses: [W.msgRead],
    excludes: NOT_ORDER,
  },
  {
    id: 'tx-publish',
    description: 'One thread fills 2 TX frames and sends them, while another thread of the process calls sendto(NULL, 0) too: does the kernel, on the other CPU, read the nm_len and message written before VALID?',
    requests: [TWO], rx: null, tx: 0, mapped: true, msgLen: 64,
    threads: [
      { name: 'filler', program: 'txuser', params: { count: 2, batch: 2, dontwait: false, firstTag: 1 } },
      { name: 'kicker', program: 'txuser', params: { count: 1, batch: 1, dontwait: false, firstTag: 9, fills: false } },
    ],
    witnesses: [W.txActed],
  },
];
