/**
 * A kernel message producer: a converted subsystem (netlink_alloc_skb), the
 * nfnetlink_queue packet path, an unconverted subsystem (alloc_skb) or a
 * multicast sender. Allocation, construction, id assignment and delivery are
 * separate steps, so two producers interleave as the RFC warns (D1).
 *
 * Per message: [ordered: lock ids] alloc -> fill -> lock ids, write id ->
 * deliver (netlink_unicast / netlink_broadcast) -> unlock ids.
 */
import { HDRLEN } from '../constants.js';
import type { ProducerParams } from '../config.js';
import { store } from '../mem.js';
import { SKB_NONE, SKB_PLAIN, SKB_RX } from '../state.js';
import type { State } from '../state.js';
import type { Ctx } from '../step.js';
import { DONE, call, defineContinuations, defineSteps, goto, lockFree } from '../step.js';
import { callAlloc } from './alloc.js';
import { destinationGoneText } from './deliver.js';
import { dropSkb, tagBit } from './sock.js';

const NFQ = 'nfnetlink_queue.c nfqnl_enqueue_packet / __nfqnl_enqueue_packet (4.5)';

function params(c: Ctx, ti: number): ProducerParams {
  const spec = c.threads[ti];
  if (spec.program !== 'producer') throw new Error(`${spec.name} is not a producer`);
  return spec.params;
}

function usesRing(p: ProducerParams): boolean {
  return p.path === 'ring' || p.path === 'nfq';
}

/** Set the thread up for its next message, or finish. */
export function beginMessage(c: Ctx, s: State, ti: number): void {
  const p = params(c, ti);
  const t = s.threads[ti];
  if (t.l.k >= p.count) return goto(t, DONE);
  const tag = p.firstTag + t.l.k;
  t.l.msg = tag;
  if (c.knobs.orderedIds && usesRing(p)) return goto(t, 'prod.lock-ordered');
  startAlloc(c, s, ti);
}

function startAlloc(c: Ctx, s: State, ti: number): void {
  const p = params(c, ti);
  const t = s.threads[ti];
  if (usesRing(p)) return callAlloc(s, ti, c.scenario.msgLen, t.l.msg, 'prod.fill');
  // Unconverted subsystems and broadcasts build an ordinary skb (alloc_skb): kernel-private memory.
  t.l.skb = SKB_PLAIN;
  t.l.skbLen = c.scenario.msgLen;
  goto(t, 'prod.fill');
}

function finishMessage(c: Ctx, s: State, ti: number): void {
  const t = s.threads[ti];
  if (s.idLock === ti) s.idLock = -1;
  t.l.seq = 0;
  t.l.k++;
  beginMessage(c, s, ti);
}

const ABANDON = 1;

/**
 * Hand the thread the next id (`++queue->id_sequence`). When nothing checked reads ids
 * (ids.ts) the model leaves them all 0: the lock is still taken at the same step.
 */
function assignId(c: Ctx, s: State, ti: number): void {
  if (!c.trackIds) return;
  s.idSeq++;
  s.threads[ti].l.seq = s.idSeq;
}

function nextId(c: Ctx, s: State): string {
  return c.trackIds ? `id ${s.idSeq + 1}` : 'the next id (ids are not tracked in this check)';
}

defineSteps({
  'prod.lock-ordered': {
    who: 'kernel',
    cites: 'design hazard D1, "ordered" mode: the id lock is taken before allocation (not in any kernel)',
    guard: (_c, s, ti) => lockFree(s.idLock, ti),
    text: (c, s) => `lock ids, assign ${nextId(c, s)} before allocating`,
    run: (c, s, ti) => {
      s.idLock = ti;
      assignId(c, s, ti);
      startAlloc(c, s, ti);
    },
  },
  'prod.fill': {
    who: 'kernel',
    cites: 'subsystem message construction after allocation (e.g. nfqnl_build_packet_message, genlmsg_put)',
    choices: (c, s, ti) => (params(c, ti).mayAbandon && s.threads[ti].l.skb === SKB_RX ? [0, ABANDON] : [0]),
    text: (c, s, ti, arg) => {
      const l = s.threads[ti].l;
      if (l.skb === SKB_NONE) return `allocation failed: message ${l.msg} is lost (counted by the overrun)`;
      if (arg === ABANDON) return `construction fails: free the ring skb of rx frame ${l.skbFrame} undelivered`;
      // In ordered mode the id is already assigned, so this step also sends.
      const sends = c.knobs.orderedIds && usesRing(params(c, ti)) ? destinationGoneText(c, s, ti) : '';
      if (l.skb === SKB_RX) return `build message ${l.msg} in rx frame ${l.skbFrame}${sends}`;
      return `build message ${l.msg} in an ordinary skb${sends}`;
    },
    run: (c, s, ti, arg) => {
      const t = s.threads[ti];
      if (t.l.skb === SKB_NONE) {
        return finishMessage(c, s, ti);
      }
      if (arg === ABANDON) {
        t.l.ret = 0;
        return call(t, 'skb.free', 'prod.after-send');
      }
      if (t.l.skb === SKB_RX) {
        store(s, { thread: ti, kernel: true, conforming: true }, { ring: 0, gen: t.l.skbGen, frame: t.l.skbFrame }, { msg: t.l.msg, off: HDRLEN, seq: t.l.seq });
      } else {
        t.l.skbMsg = t.l.msg;
        t.l.skbSeq = t.l.seq;
      }
      if (c.knobs.orderedIds && usesRing(params(c, ti))) {
        if (params(c, ti).path === 'nfq') s.ghost.queuedIds |= tagBit(t.l.seq);
        return call(t, 'send.attach', 'prod.after-send');
      }
      goto(t, 'prod.id');
    },
  },
  'prod.id': {
    who: 'kernel',
    cites: `${NFQ}: spin_lock_bh(queue->lock), entry->id = ++queue->id_sequence, written into the message, nfnetlink_unicast under the lock; other subsystems: a sequence number under their own lock, sent after it is dropped`,
    guard: (_c, s, ti) => lockFree(s.idLock, ti),
    text: (c, s, ti) => {
      const l = s.threads[ti].l;
      const where = l.skb === SKB_RX ? `rx frame ${l.skbFrame}` : 'the skb';
      return `lock ids, assign ${nextId(c, s)}, write it into ${where}${params(c, ti).path === 'nfq' ? '' : ', unlock ids'}${destinationGoneText(c, s, ti)}`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      s.idLock = ti;
      assignId(c, s, ti);
      if (t.l.skb === SKB_RX) {
        store(s, { thread: ti, kernel: true, conforming: true }, { ring: 0, gen: t.l.skbGen, frame: t.l.skbFrame }, { seq: t.l.seq });
      } else {
        t.l.skbSeq = t.l.seq;
      }
      if (params(c, ti).path === 'nfq') s.ghost.queuedIds |= tagBit(t.l.seq);
      // Only nfqueue delivers under the lock that assigned the id (queue->lock); other
      // subsystems take a sequence number under their lock and send after dropping it.
      else s.idLock = -1;
      call(t, 'send.attach', 'prod.after-send');
    },
  },
});

defineContinuations({
  // __nfqnl_enqueue_packet: spin_unlock_bh(queue->lock) after delivery; then the next message.
  'prod.after-send': (c, s, ti) => {
    const t = s.threads[ti];
    // What netlink_unicast / netlink_broadcast told the sender (RET-KERNEL-SEND judges it). An
    // abandoned construction returns here too, with ret 0, having made no delivery call
    // (a delivery returns the message's length or -errno): nothing was told, no note.
    if (t.l.ret !== 0) {
      s.ghost.toldThread = ti;
      s.ghost.toldValue = t.l.ret;
      s.ghost.toldMsg = t.l.msg;
    }
    dropSkb(s, ti);
    finishMessage(c, s, ti);
  },
});
