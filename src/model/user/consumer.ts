/**
 * The RX consumer (protocol.md §7): the documentation's and libmnl's loop —
 * VALID: read and release (nm_len 0: just release); COPY: recvmsg then release;
 * anything else: poll — extended with ulogd2's holding: a VALID frame may be
 * marked SKIP and released later, out of order. It can start a dump first and
 * send nfqueue batch verdicts through the TX ring (libmnl nf-queue example).
 *
 * Frame accesses go through the mapping (the VMA's generation), as userspace's do.
 */
import { COPY, DUMP_TAG_BASE, MSG_DONE, MSG_NONE, MSG_VERDICT, POLLERR, POLLIN, RX, SKIP, STATUS_NAMES, TX, UNUSED, VALID } from '../constants.js';
import type { ConsumerParams } from '../config.js';
import { USER_MSG_OFFSET, load, store, peek } from '../mem.js';
import type { State } from '../state.js';
import type { Ctx } from '../step.js';
import { call, defineContinuations, defineSteps, goto } from '../step.js';
import { nextIndex, noteValue, tagBit } from '../kernel/sock.js';

const DOC = 'Documentation/networking/netlink_mmap.txt RX loop; libmnl examples; ulogd2 NFQ (SKIP holding)';
const LOOK = -1;
const VERDICT = 100;
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
  'c.polled': (_c, s, ti) => {
    const t = s.threads[ti];
    const mask = t.l.mask;
    t.l.mask = 0;
    if ((mask & POLLERR) !== 0) {
      t.l.waiting = false;
      return call(t, 'err.read', 'c.look');
    }
    if ((mask & POLLIN) !== 0 || s.sock.wake) {
      t.l.waiting = false;
      return goto(t, 'c.look');
    }
    goto(t, 'c.sleep');
  },
  'c.copied': (c, s, ti) => {
    const t = s.threads[ti];
    if (t.l.ret > 0) {
      s.ghost.copyFrame = t.l.cursor;
      s.ghost.copyPaired = t.l.rFrame;
      consume(c, s, ti, t.l.rMsg, t.l.rSeq);
      t.l.rMsg = 0;
      t.l.rSeq = 0;
      t.l.rFrame = -1;
      const p = params(c, ti);
      if (p.dump && p.dumpAfterCopy && t.l.dumpReq === DUMP_WAIT) t.l.dumpReq = DUMP_DUE;
      return goto(t, 'c.release');
    }
    goto(t, 'c.look');
  },
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
    choices: (c, s, ti) => {
      const out = [LOOK];
      for (let i = 0; i < s.threads[ti].l.held.length; i++) out.push(i);
      if (canVerdict(c, s, ti)) out.push(VERDICT);
      return out;
    },
    text: (_c, s, ti, arg) => {
      const l = s.threads[ti].l;
      if (arg === VERDICT) return `tx frame ${l.txCursor} is ${STATUS_NAMES[peek(s, txRef(s, l.txCursor), 'status')]}: batch verdict for ids <= ${l.maxRead}?`;
      if (arg >= 0) return `release held rx frame ${l.held.at(arg)} (SKIP -> UNUSED)`;
      const st = peek(s, rxRef(s, l.cursor), 'status');
      const then = st === VALID ? 'read it' : st === COPY ? 'recvmsg' : 'poll';
      return `rx frame ${l.cursor} is ${STATUS_NAMES[st]}: ${then}`;
    },
    run: (c, s, ti, arg) => {
      const t = s.threads[ti];
      if (arg === VERDICT) {
        const st = load(s, txRef(s, t.l.txCursor), 'status');
        return goto(t, st === UNUSED ? 'c.verdict-fill' : 'c.look');
      }
      if (arg >= 0) {
        const frame = t.l.held.at(arg);
        store(s, USER(ti), rxRef(s, frame), { status: UNUSED });
        t.l.held.removeAt(arg);
        return;
      }
      const st = load(s, rxRef(s, t.l.cursor), 'status');
      if (st === VALID) return goto(t, 'c.read');
      if (st === COPY) return call(t, 'recv.err', 'c.copied');
      call(t, 'poll.enter', 'c.polled');
    },
  },
  'c.read': {
    who: 'user',
    cites: `${DOC}: read nm_len and parse the message at frame + NL_MMAP_HDRLEN (whatever the kernel wrote there); nm_len 0 is released at once; ulogd2 may hold it (SKIP)`,
    choices: (c, s, ti) => {
      const l = s.threads[ti].l;
      const len = load(s, rxRef(s, l.cursor), 'len');
      return len > 0 && l.held.length < params(c, ti).maxHold ? [RELEASE, HOLD] : [RELEASE];
    },
    text: (_c, s, ti, arg) => {
      const l = s.threads[ti].l;
      const ref = rxRef(s, l.cursor);
      const len = peek(s, ref, 'len');
      if (len === 0) return `read rx frame ${l.cursor}: nm_len 0 (kernel-side error), release`;
      const hold = arg === HOLD ? ', hold it' : '';
      const off = peek(s, ref, 'off');
      if (off !== USER_MSG_OFFSET) return `read rx frame ${l.cursor}: nm_len ${len}, but the message starts at frame + ${off}: parses garbage at + ${USER_MSG_OFFSET}${hold}`;
      const seq = peek(s, ref, 'seq');
      return `read rx frame ${l.cursor}: message ${peek(s, ref, 'msg')}${seq ? ` id ${seq}` : ''}, nm_len ${len}${hold}`;
    },
    run: (c, s, ti, arg) => {
      const t = s.threads[ti];
      const ref = rxRef(s, t.l.cursor);
      if (load(s, ref, 'len') > 0) {
        // Userspace parses at frame + NL_MMAP_HDRLEN: a message the kernel put elsewhere (B12) is not what it finds there.
        const atHdr = load(s, ref, 'off') === USER_MSG_OFFSET;
        consume(c, s, ti, atHdr ? load(s, ref, 'msg') : MSG_NONE, atHdr ? load(s, ref, 'seq') : 0);
      }
      goto(t, arg === HOLD ? 'c.skip' : 'c.release');
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
      store(s, USER(ti), rxRef(s, t.l.cursor), { status: UNUSED });
      // COPY-QUEUE-MATCH judged the pairing on the transition that set it; it is history now.
      s.ghost.copyFrame = -1;
      s.ghost.copyPaired = -1;
      advance(c, s, ti);
      // A `dumpAfterCopy` consumer sends its dump request once the COPY message is handled.
      if (t.l.dumpReq === DUMP_DUE) {
        t.l.dumpReq = DUMP_SENT;
        return call(t, 'dumpstart.lock', 'c.look');
      }
      goto(t, 'c.look');
    },
  },
  'c.skip': {
    who: 'user',
    cites: 'ulogd2 / nurs mnl_ring_cb_run: mark the frame SKIP while it is held; advance',
    text: (_c, s, ti) => `hold rx frame ${s.threads[ti].l.cursor} (SKIP), advance`,
    run: (c, s, ti) => {
      const t = s.threads[ti];
      store(s, USER(ti), rxRef(s, t.l.cursor), { status: SKIP });
      // The held frames form a set (any may be released next): keep it sorted, so equal sets encode equally.
      t.l.held.insertSorted(t.l.cursor);
      advance(c, s, ti);
      goto(t, 'c.look');
    },
  },
  'c.sleep': {
    who: 'user',
    cites: 'poll() sleeps until sk_data_ready / sk_error_report wakes the wait queue',
    guard: (_c, s) => s.sock.wake,
    text: () => 'woken up',
    run: (_c, s, ti) => {
      s.threads[ti].l.waiting = false;
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
      store(s, USER(ti), txRef(s, t.l.txCursor), { status: VALID });
      t.l.covered = t.l.maxRead;
      t.l.txCursor = nextIndex(t.l.txCursor, txFrames(c));
      call(t, 'tx.enter', 'c.verdict-sent');
    },
  },
});
