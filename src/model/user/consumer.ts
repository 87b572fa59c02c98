/**
 * The RX consumer (protocol.md §7): the documentation's and libmnl's loop —
 * VALID: read and release (nm_len 0: just release); COPY: recvmsg then release;
 * anything else: poll — extended with ulogd2's holding: a VALID frame may be
 * marked SKIP and released later, out of order. It can start a dump first and
 * send nfqueue batch verdicts through the TX ring (libmnl nf-queue example).
 *
 * Its `style` (config.ts ConsumerStyle) says whose loop it runs, in what they do
 * differently from the documentation's:
 * - libmnl 2012 addresses frame i at ring + i * frame_size; where frames do not
 *   fill their blocks that is not where the kernel put frame i.
 * - ulogd2 (NFLOG2/NFQ input plugins): woken up and finding its cursor on an UNUSED
 *   frame before it has handled any frame, it searches the whole ring for a VALID
 *   one (mnl_ring_lookup_frame), moving its cursor as it goes; it releases a COPY
 *   frame whatever its recv() returned.
 * - nurs (its library's mnl_ring_cb_run): marks a VALID or COPY frame SKIP before
 *   running the callback and UNUSED after it; from an UNUSED, RESERVED or SKIP frame
 *   it scans on for the next frame that is neither (VALID or COPY) and handles that,
 *   giving up back at its start; it releases a COPY frame whatever recv() returned,
 *   and handles one frame per wakeup of its event loop (it polls again after each).
 * A `stops` consumer may, instead of looking at its next frame, unmap the rings and
 * close its descriptor and end (what a program does when it exits or tears its ring
 * down): with no other reference left, the socket is released under the kernel
 * senders still holding skbs for it.
 * Both search only when woken with the socket readable: the thread's `mask` local
 * keeps POLLIN from that wakeup until it handles a frame ("nproc == 0" in ulogd2).
 *
 * Frame accesses go through the mapping (the VMA's generation), as userspace's do.
 */
import { COPY, DUMP_TAG_BASE, MSG_DONE, MSG_NONE, MSG_VERDICT, POLLERR, POLLIN, RESERVED, RX, SKIP, STATUS_NAMES, TX, UNUSED, VALID } from '../constants.js';
import type { ConsumerParams, ConsumerStyle } from '../config.js';
import { contiguousFrame } from '../geometry.js';
import { USER_MSG_OFFSET, load, loadPublished, store, peek } from '../mem.js';
import { beforeStatusStore, userWindow } from './order.js';
import type { State } from '../state.js';
import type { Ctx } from '../step.js';
import { DONE, call, defineContinuations, defineSteps, goto } from '../step.js';
import { nextIndex, noteValue, tagBit } from '../kernel/sock.js';

const DOC = 'Documentation/networking/netlink_mmap.txt RX loop; libmnl examples; ulogd2 NFQ (SKIP holding)';
const LOOKUP = 'ulogd2 util/ring.c mnl_ring_lookup_frame(ring, NL_MMAP_STATUS_VALID), called by the NFLOG2/NFQ input plugins';
const NURS = 'nurs src/ring.c mnl_ring_cb_run';
/** What a libmnl-2012 consumer reads where no frame header is: zeroed block tail or payload bytes, never VALID or COPY. */
const NOT_A_FRAME = -1;
const LOOK = -1;
const VERDICT = 100;
/** c.look's choice to stop: unmap the rings and close the descriptor (a `stops` consumer). */
const STOP = 200;
const RELEASE = 0;
const HOLD = 1;
const USER = (ti: number) => ({ thread: ti, kernel: false, conforming: true });
/** dumpReq: a `dumpAfterCopy` consumer has read no COPY message yet / has read one (dump due) / has sent its request. */
const DUMP_WAIT = 0;
const DUMP_DUE = 1;
const DUMP_SENT = 2;

function params(c: Ctx, ti: number): ConsumerParams {
  const spec = c.threads[ti];
  if (spec.program !== 'consumer') throw new Error(`${spec.name} is not a consumer`);
  return spec.params;
}

function rxRef(s: State, frame: number) {
  return { ring: RX, gen: s.sock.vmaRxGen, frame };
}

function styleOf(c: Ctx, ti: number): ConsumerStyle {
  return params(c, ti).style ?? 'doc';
}

/** The RX frame at the consumer's cursor as its code computes the address; -1 when no frame header is there. */
function cursorFrame(c: Ctx, s: State, ti: number): number {
  const cursor = s.threads[ti].l.cursor;
  if (styleOf(c, ti) !== 'libmnl-2012' || c.scenario.rx === null) return cursor;
  return contiguousFrame(cursor, c.scenario.requests[c.scenario.rx]);
}

/** The frame at the cursor, as the consumer addresses it. */
function cursorRef(c: Ctx, s: State, ti: number) {
  return rxRef(s, cursorFrame(c, s, ti));
}

/** The status the consumer finds at its cursor (`read`: load, with its event, or peek for texts). */
function statusAtCursor(c: Ctx, s: State, ti: number, read: typeof load | typeof peek): number {
  const f = cursorFrame(c, s, ti);
  return f < 0 ? NOT_A_FRAME : read(s, ti, rxRef(s, f), 'status');
}

/** ulogd2 and nurs: woken up readable and no frame handled since (their lookup is allowed). */
function fresh(c: Ctx, s: State, ti: number): boolean {
  return s.threads[ti].l.mask === POLLIN && styleOf(c, ti) !== 'doc' && styleOf(c, ti) !== 'libmnl-2012';
}

/** Woken up readable: ulogd2 and nurs remember it until they handle a frame. */
function wokenReadable(c: Ctx, s: State, ti: number): void {
  const st = styleOf(c, ti);
  if (st === 'ulogd2' || st === 'nurs') s.threads[ti].l.mask = POLLIN;
}

/** Whether the consumer searches the ring from a frame with this status (only when fresh): ulogd2 from UNUSED, nurs from UNUSED, RESERVED or SKIP. */
function looksUpFrom(c: Ctx, ti: number, status: number): boolean {
  const st = styleOf(c, ti);
  if (st === 'ulogd2') return status === UNUSED;
  return st === 'nurs' && (status === UNUSED || status === RESERVED || status === SKIP);
}

/** A search moves on to the next frame; after a whole turn (back where it started) it gives up and polls. */
function searchOn(c: Ctx, s: State, ti: number): void {
  const t = s.threads[ti];
  advance(c, s, ti);
  if (++t.l.scan < rxFrames(c)) return;
  t.l.scan = 0;
  call(t, 'poll.enter', 'c.polled');
}

/** Start a search: ulogd2's lookup re-reads the frame at the cursor; nurs's scan starts at the next one, and with one frame has nowhere to go. */
function startSearch(c: Ctx, s: State, ti: number): void {
  const t = s.threads[ti];
  if (styleOf(c, ti) !== 'nurs') return goto(t, 'c.lookup');
  if (rxFrames(c) <= 1) return call(t, 'poll.enter', 'c.polled');
  advance(c, s, ti);
  t.l.scan = 1;
  goto(t, 'c.scan');
}

/** After a frame: the documentation's loop looks at the next one; nurs returns to its event loop, which polls. */
function nextFrame(c: Ctx, s: State, ti: number): void {
  const t = s.threads[ti];
  if (styleOf(c, ti) === 'nurs') return call(t, 'poll.enter', 'c.polled');
  goto(t, 'c.look');
}

/** VALID at the cursor: nurs marks it SKIP first; the others read it. */
function onValid(c: Ctx, s: State, ti: number): void {
  goto(s.threads[ti], styleOf(c, ti) === 'nurs' ? 'c.mark' : 'c.read');
}

/** COPY at the cursor: nurs marks it SKIP first; the others recv() at once. */
function onCopy(c: Ctx, s: State, ti: number): void {
  const t = s.threads[ti];
  if (styleOf(c, ti) === 'nurs') return goto(t, 'c.mark-copy');
  call(t, 'recv.err', 'c.copied');
}

function txRef(s: State, frame: number) {
  return { ring: TX, gen: s.sock.vmaTxGen, frame };
}

/** The user's ring size comes from its own setsockopt request, not from kernel state. */
function rxFrames(c: Ctx): number {
  return c.scenario.rx === null ? 0 : c.scenario.requests[c.scenario.rx].frameNr;
}

function txFrames(c: Ctx): number {
  return c.scenario.tx === null ? 0 : c.scenario.requests[c.scenario.tx].frameNr;
}

function canVerdict(c: Ctx, s: State, ti: number): boolean {
  const l = s.threads[ti].l;
  return l.k < (params(c, ti).verdicts ?? 0) && l.maxRead > l.covered;
}

function advance(c: Ctx, s: State, ti: number): void {
  const l = s.threads[ti].l;
  l.cursor = nextIndex(l.cursor, rxFrames(c));
}

/**
 * Record what the consumer read, as the step's note (for the ordering and dump
 * properties) and, for an nfqueue consumer, the ids it has seen (ghost).
 */
function consume(c: Ctx, s: State, ti: number, msg: number, seq: number): void {
  const l = s.threads[ti].l;
  const g = s.ghost;
  if (msg === MSG_DONE || (msg >= DUMP_TAG_BASE && msg < DUMP_TAG_BASE + 16)) {
    g.dumpRead++;
    return noteValue(s, ti, 'dump-read', msg);
  }
  // Under tso and weak the sender returns in a step after its status store (deliver.ts send.publish-wake),
  // so the message may already be read from its frame and the frame released by then: the ghost record of
  // messages the user has taken (RET-KERNEL-SEND) counts it. Under sc the two cannot straddle, so it is not kept.
  if (c.layout.memory !== 'sc') g.recvTags |= tagBit(msg);
  if (seq === 0) return noteValue(s, ti, 'read', msg);
  // The note carries the previous id, the thread its new last id.
  noteValue(s, ti, 'read-id', l.seqLast);
  l.seqLast = seq;
  if ((params(c, ti).verdicts ?? 0) > 0) {
    g.readIds |= tagBit(seq);
    if (seq > l.maxRead) l.maxRead = seq;
  }
}

defineContinuations({
  'c.start': (c, s, ti) => {
    const t = s.threads[ti];
    const p = params(c, ti);
    if (p.dump && !p.dumpAfterCopy) return call(t, 'dumpstart.lock', 'c.look');
    goto(t, 'c.look');
  },
  'c.polled': (c, s, ti) => {
    const t = s.threads[ti];
    const mask = t.l.mask;
    t.l.mask = 0;
    if ((mask & POLLERR) !== 0) {
      t.l.waiting = false;
      return call(t, 'err.read', 'c.look');
    }
    if ((mask & POLLIN) !== 0 || s.sock.wake) {
      t.l.waiting = false;
      wokenReadable(c, s, ti);
      return goto(t, 'c.look');
    }
    goto(t, 'c.sleep');
  },
  'c.copied': (c, s, ti) => {
    const t = s.threads[ti];
    t.l.mask = 0; // a frame handled: no lookup before the next wakeup
    if (t.l.ret > 0) {
      s.ghost.copyFrame = cursorFrame(c, s, ti);
      s.ghost.copyPaired = t.l.rFrame;
      consume(c, s, ti, t.l.rMsg, t.l.rSeq);
      t.l.rMsg = 0;
      t.l.rSeq = 0;
      t.l.rFrame = -1;
      const p = params(c, ti);
      if (p.dump && p.dumpAfterCopy && t.l.dumpReq === DUMP_WAIT) t.l.dumpReq = DUMP_DUE;
      return goto(t, 'c.release');
    }
    // recv() found nothing: the documentation's loop stops and looks again; ulogd2 and nurs
    // ignore what recv() returned and release the COPY frame anyway.
    if (styleOf(c, ti) === 'ulogd2' || styleOf(c, ti) === 'nurs') return goto(t, 'c.release');
    goto(t, 'c.look');
  },
  'c.stopped': (_c, s, ti) => call(s.threads[ti], 'fd.close', DONE),
  'c.verdict-sent': (_c, s, ti) => {
    const l = s.threads[ti].l;
    l.k++;
    goto(s.threads[ti], 'c.look');
  },
});

defineSteps({
  'c.look': {
    who: 'user',
    cites: `${DOC}: look at the frame at the private cursor; ulogd2 releases held frames asynchronously`,
    window: (c, s, ti) => {
      const f = cursorFrame(c, s, ti);
      return f < 0 ? null : userWindow(c, rxRef(s, f));
    },
    choices: (c, s, ti) => {
      const out = [LOOK];
      for (let i = 0; i < s.threads[ti].l.held.length; i++) out.push(i);
      if (canVerdict(c, s, ti)) out.push(VERDICT);
      if (params(c, ti).stops === true) out.push(STOP);
      return out;
    },
    text: (c, s, ti, arg) => {
      const l = s.threads[ti].l;
      if (arg === VERDICT) return `tx frame ${l.txCursor} is ${STATUS_NAMES[peek(s, ti, txRef(s, l.txCursor), 'status')]}: batch verdict for ids <= ${l.maxRead}?`;
      if (arg === STOP) return `stop: munmap the rings${l.held.length > 0 ? ` (${l.held.length} frame(s) still held as SKIP)` : ''}, then close the descriptor`;
      if (arg >= 0) return `release held rx frame ${l.held.at(arg)} (SKIP -> UNUSED)`;
      const st = statusAtCursor(c, s, ti, peek);
      if (st === NOT_A_FRAME) return `rx frame ${l.cursor} at ring + ${l.cursor} * frame_size: no frame header there (the kernel's frame ${l.cursor} is elsewhere): poll`;
      const nurs = styleOf(c, ti) === 'nurs';
      const then =
        st === VALID ? (nurs ? 'mark it SKIP' : 'read it')
        : st === COPY ? (nurs ? 'mark it SKIP' : 'recvmsg')
        : fresh(c, s, ti) && looksUpFrom(c, ti, st) ? (nurs ? 'scan on for a VALID or COPY frame' : 'search the ring for a VALID frame')
        : 'poll';
      const at = cursorFrame(c, s, ti) !== l.cursor ? ` (at the kernel's rx frame ${cursorFrame(c, s, ti)})` : '';
      return `rx frame ${l.cursor}${at} is ${STATUS_NAMES[st]}: ${then}`;
    },
    run: (c, s, ti, arg) => {
      const t = s.threads[ti];
      // A program's exit, or its teardown before reconfiguring: the VMA goes, then the descriptor.
      if (arg === STOP) return call(t, 'mm.unmap', 'c.stopped');
      if (arg === VERDICT) {
        const st = load(s, ti, txRef(s, t.l.txCursor), 'status');
        return goto(t, st === UNUSED ? 'c.verdict-fill' : 'c.look');
      }
      if (arg >= 0) {
        const frame = t.l.held.at(arg);
        beforeStatusStore(c, s, ti);
        store(s, USER(ti), rxRef(s, frame), { status: UNUSED });
        t.l.held.removeAt(arg);
        return;
      }
      const st = statusAtCursor(c, s, ti, load);
      if (st === VALID) return onValid(c, s, ti);
      if (st === COPY) return onCopy(c, s, ti);
      if (fresh(c, s, ti) && looksUpFrom(c, ti, st)) return startSearch(c, s, ti);
      call(t, 'poll.enter', 'c.polled');
    },
  },
  'c.lookup': {
    who: 'user',
    cites: `${LOOKUP}: read the frame at the cursor; VALID: handle it; otherwise advance the cursor, and after one whole turn (back at the start) give up and poll`,
    window: (c, s, ti) => userWindow(c, rxRef(s, s.threads[ti].l.cursor)),
    text: (c, s, ti) => {
      const l = s.threads[ti].l;
      const st = peek(s, ti, rxRef(s, l.cursor), 'status');
      if (st === VALID) return `search: rx frame ${l.cursor} is VALID: handle it`;
      const end = l.scan + 1 === rxFrames(c) ? ': no VALID frame in the ring, poll' : ', advance';
      return `search: rx frame ${l.cursor} is ${STATUS_NAMES[st]}${end}`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      // mnl_ring_lookup_frame starts at the cursor (the sentinel) and re-reads it.
      if (load(s, ti, rxRef(s, t.l.cursor), 'status') === VALID) {
        t.l.scan = 0;
        return onValid(c, s, ti);
      }
      searchOn(c, s, ti);
    },
  },
  'c.scan': {
    who: 'user',
    cites: `${NURS}: at an UNUSED, SKIP or RESERVED frame, "scan all frames": advance and read the next frame while it is UNUSED, SKIP or RESERVED; back at the start, give up (NURS_RET_ERROR, the event loop polls); otherwise handle it (VALID or COPY)`,
    window: (c, s, ti) => userWindow(c, rxRef(s, s.threads[ti].l.cursor)),
    text: (c, s, ti) => {
      const l = s.threads[ti].l;
      const st = peek(s, ti, rxRef(s, l.cursor), 'status');
      if (st === VALID || st === COPY) return `scan: rx frame ${l.cursor} is ${STATUS_NAMES[st]}: handle it`;
      const end = l.scan + 1 === rxFrames(c) ? ': back at the start, no frame to handle, poll' : ', advance';
      return `scan: rx frame ${l.cursor} is ${STATUS_NAMES[st]}${end}`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      const st = load(s, ti, rxRef(s, t.l.cursor), 'status');
      if (st === VALID || st === COPY) {
        t.l.scan = 0;
        return st === VALID ? onValid(c, s, ti) : onCopy(c, s, ti);
      }
      searchOn(c, s, ti);
    },
  },
  'c.mark': {
    who: 'user',
    cites: `${NURS}: case NL_MMAP_STATUS_VALID: frame->nm_status = NL_MMAP_STATUS_SKIP before the valid callback runs`,
    text: (_c, s, ti) => `mark rx frame ${s.threads[ti].l.cursor} SKIP (in progress), then read it`,
    run: (c, s, ti) => {
      const t = s.threads[ti];
      beforeStatusStore(c, s, ti);
      store(s, USER(ti), rxRef(s, t.l.cursor), { status: SKIP });
      goto(t, 'c.read');
    },
  },
  'c.mark-copy': {
    who: 'user',
    cites: `${NURS}: case NL_MMAP_STATUS_COPY: frame->nm_status = NL_MMAP_STATUS_SKIP, then recv() until nm_len bytes arrived or recv fails`,
    text: (_c, s, ti) => `mark rx frame ${s.threads[ti].l.cursor} SKIP (in progress), then recvmsg`,
    run: (c, s, ti) => {
      const t = s.threads[ti];
      beforeStatusStore(c, s, ti);
      store(s, USER(ti), rxRef(s, t.l.cursor), { status: SKIP });
      call(t, 'recv.err', 'c.copied');
    },
  },
  'c.read': {
    who: 'user',
    cites: `${DOC}: read nm_len and parse the message at frame + NL_MMAP_HDRLEN (whatever the kernel wrote there); nm_len 0 is released at once; ulogd2 may hold it (SKIP)`,
    // Right after the status load that found the frame VALID: loads the status load's window let ahead are used here.
    inWindow: true,
    choices: (c, s, ti) => {
      const l = s.threads[ti].l;
      const len = load(s, ti, cursorRef(c, s, ti), 'len');
      return len > 0 && l.held.length < params(c, ti).maxHold ? [RELEASE, HOLD] : [RELEASE];
    },
    text: (c, s, ti, arg) => {
      const l = s.threads[ti].l;
      const ref = cursorRef(c, s, ti);
      const len = peek(s, ti, ref, 'len');
      if (len === 0) return `read rx frame ${l.cursor}: nm_len 0 (kernel-side error), release`;
      const hold = arg === HOLD ? ', hold it' : '';
      const off = peek(s, ti, ref, 'off');
      if (off !== USER_MSG_OFFSET) return `read rx frame ${l.cursor}: nm_len ${len}, but the message starts at frame + ${off}: parses garbage at + ${USER_MSG_OFFSET}${hold}`;
      const seq = peek(s, ti, ref, 'seq');
      return `read rx frame ${l.cursor}: message ${peek(s, ti, ref, 'msg')}${seq ? ` id ${seq}` : ''}, nm_len ${len}${hold}`;
    },
    run: (c, s, ti, arg) => {
      const t = s.threads[ti];
      const ref = cursorRef(c, s, ti);
      t.l.mask = 0; // a frame handled: no lookup before the next wakeup
      // Loads of a frame the status handed over: PUBLISH-RX judges what they return.
      if (loadPublished(s, ti, ref, 'len') > 0) {
        // Userspace parses at frame + NL_MMAP_HDRLEN: a message the kernel put elsewhere (B12) is not what it finds there.
        const atHdr = loadPublished(s, ti, ref, 'off') === USER_MSG_OFFSET;
        consume(c, s, ti, atHdr ? loadPublished(s, ti, ref, 'msg') : MSG_NONE, atHdr ? loadPublished(s, ti, ref, 'seq') : 0);
      }
      if (arg !== HOLD) return goto(t, 'c.release');
      if (styleOf(c, ti) !== 'nurs') return goto(t, 'c.skip');
      // nurs marked the frame SKIP before reading it: holding it is keeping it SKIP.
      t.l.held.insertSorted(t.l.cursor);
      advance(c, s, ti);
      nextFrame(c, s, ti);
    },
  },
  'c.release': {
    who: 'user',
    cites: `${DOC}: hdr->nm_status = NL_MMAP_STATUS_UNUSED; advance the cursor (then, for a consumer that dumps after its first COPY message, the dump request)`,
    text: (_c, s, ti) => {
      const l = s.threads[ti].l;
      return `release rx frame ${l.cursor} (UNUSED), advance${l.dumpReq === DUMP_DUE ? '; send the dump request' : ''}`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      beforeStatusStore(c, s, ti);
      store(s, USER(ti), cursorRef(c, s, ti), { status: UNUSED });
      // COPY-QUEUE-MATCH judged the pairing on the transition that set it; it is history now.
      s.ghost.copyFrame = -1;
      s.ghost.copyPaired = -1;
      advance(c, s, ti);
      // A `dumpAfterCopy` consumer sends its dump request once the COPY message is handled.
      if (t.l.dumpReq === DUMP_DUE) {
        t.l.dumpReq = DUMP_SENT;
        return call(t, 'dumpstart.lock', 'c.look');
      }
      nextFrame(c, s, ti);
    },
  },
  'c.skip': {
    who: 'user',
    cites: 'ulogd2 / nurs mnl_ring_cb_run: mark the frame SKIP while it is held; advance',
    text: (_c, s, ti) => `hold rx frame ${s.threads[ti].l.cursor} (SKIP), advance`,
    run: (c, s, ti) => {
      const t = s.threads[ti];
      beforeStatusStore(c, s, ti);
      store(s, USER(ti), cursorRef(c, s, ti), { status: SKIP });
      // The held frames form a set (any may be released next): keep it sorted, so equal sets encode equally.
      t.l.held.insertSorted(cursorFrame(c, s, ti));
      advance(c, s, ti);
      goto(t, 'c.look');
    },
  },
  'c.sleep': {
    who: 'user',
    cites: 'poll() sleeps until sk_data_ready / sk_error_report wakes the wait queue',
    guard: (_c, s) => s.sock.wake,
    text: () => 'woken up',
    run: (c, s, ti) => {
      s.threads[ti].l.waiting = false;
      wokenReadable(c, s, ti);
      goto(s.threads[ti], 'c.look');
    },
  },
  'c.verdict-fill': {
    who: 'user',
    cites: 'libmnl examples/mmap nf-queue: build the batch verdict at frame + NL_MMAP_HDRLEN, set nm_len',
    text: (_c, s, ti) => `write batch verdict (ids <= ${s.threads[ti].l.maxRead}) into tx frame ${s.threads[ti].l.txCursor}`,
    run: (c, s, ti) => {
      const l = s.threads[ti].l;
      store(s, USER(ti), txRef(s, l.txCursor), { msg: MSG_VERDICT, seq: l.maxRead, len: c.scenario.msgLen });
      goto(s.threads[ti], 'c.verdict-valid');
    },
  },
  'c.verdict-valid': {
    who: 'user',
    cites: 'libmnl examples/mmap nf-queue: nm_status = VALID; sendto(fd, NULL, 0, 0, &addr, len)',
    text: (_c, s, ti) => `mark tx frame ${s.threads[ti].l.txCursor} VALID, sendto(NULL, 0)`,
    run: (c, s, ti) => {
      const t = s.threads[ti];
      beforeStatusStore(c, s, ti);
      store(s, USER(ti), txRef(s, t.l.txCursor), { status: VALID });
      t.l.covered = t.l.maxRead;
      t.l.txCursor = nextIndex(t.l.txCursor, txFrames(c));
      call(t, 'tx.enter', 'c.verdict-sent');
    },
  },
});
