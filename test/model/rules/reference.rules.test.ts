/**
 * Rules of the reference design (src/model/variants/reference.ts): linux-4.5 with
 * one fix per finding, each an override of a kernel or user step (or a knob). One
 * test per branch of each override, on states built by hand, named after the fix
 * and the kernel function it changes, compared with linux-4.5 where that shows
 * what the fix changes; and the trace texts of the overridden steps where they
 * differ from 4.5. (test/model/reference.test.ts checks whole scenarios; it is
 * too slow for the mutation project.)
 */
import { describe, expect, it } from 'vitest';
import { COPY, EAGAIN, EBUSY, ENOBUFS, HDRLEN, POLLIN, RESERVED, RX, SKIP, TX, UNUSED, VALID } from '../../../src/model/constants.js';
import type { ScenarioConfig, ThreadSpec } from '../../../src/model/config.js';
import { initialState, makeCtx } from '../../../src/model/spec.js';
import { SKB_NONE, SKB_PLAIN, SKB_RX, type State } from '../../../src/model/state.js';
import { labelId, type Ctx, type StepDef } from '../../../src/model/step.js';
import { FIXES, reference, referenceWithout, type Fix } from '../../../src/model/variants/reference.js';
import { DESTROY, FOUR, TWO, bench, choicesOf, enter, nextStepText, runContinuation, scenario, stepOnce, tid } from '../helpers.js';

const REF = 'reference';
const L45 = 'linux-4.5';

const plainProducer: ThreadSpec = { name: 'q', program: 'producer', params: { count: 0, path: 'plain', firstTag: 1 } };
const ringProducer: ThreadSpec = { name: 'p', program: 'producer', params: { count: 0, path: 'ring', firstTag: 1 } };
const consumer = (maxHold = 0, verdicts = 0): ThreadSpec => ({ name: 'c', program: 'consumer', params: { maxHold, verdicts } });

/** The variant's own step at `label` (the overridden one, unlike stepAt, which is the base spec's). */
function def(c: Ctx, label: string): StepDef {
  const d = c.table.steps[labelId(label)];
  if (d === undefined) throw new Error(`no step ${label} in ${c.variant.id}`);
  return d;
}
function textAt(c: Ctx, s: State, ti: number, arg = 0): string {
  return def(c, s.threads[ti].pc).text(c, s, ti, arg);
}
function guardAt(c: Ctx, s: State, ti: number): boolean {
  const g = def(c, s.threads[ti].pc).guard;
  return g === undefined || g(c, s, ti);
}
const statuses = (s: State, list: readonly number[]) => list.forEach((st, i) => { s.sock.rx.frames[i].status = st; });

// ---------------------------------------------------------------------------------------------
// netlink_ring_set_copied: copy-passes-skip (Finding 10), copy-status-under-lock (Finding 1),
// overrun-reports-every-drop (Finding 5) on its drop path.

/** The plain producer q holding an ordinary skb for a mapped RX ring of FOUR frames, consumer c waiting. */
function plainSkb(v: string, label: string) {
  const b = bench(v, scenario([plainProducer, consumer()]));
  const ti = tid(b.c, 'q');
  enter(b.s, ti, label);
  const l = b.s.threads[ti].l;
  l.skb = SKB_PLAIN;
  l.skbLen = 64;
  l.skbMsg = 5;
  l.skbSeq = 2;
  return { ...b, ti };
}

/** As ref.copy-lock and netlink_forward_ring leave it: q at the claim, holding the queue lock, inside the section. */
function atClaim(v: string) {
  const b = plainSkb(v, 'send.copy-claim');
  b.s.threads[b.ti].l.skbGen = b.s.sock.rx.gen;
  if (v === REF) {
    b.s.sock.rxqLock = b.ti;
    b.s.threads[b.ti].l.inAlloc = true;
  }
  return b;
}

describe('copy-passes-skip (Finding 10): netlink_ring_set_copied forwards the ring past SKIP frames under the queue lock', () => {
  it('__netlink_sendskb: an ordinary skb for a ring socket enters set_copied at the new lock step (linux-4.5: straight at the claim)', () => {
    for (const [v, first] of [[REF, 'ref.copy-lock'], [L45, 'send.copy-claim']] as const) {
      const { c, s, ti } = plainSkb(v, 'send.skb');
      const n = runContinuation(c, s, ti, 'send.skb');
      expect(n.threads[ti].pc, v).toBe(first);
      expect(n.threads[ti].l.skbGen).toBe(s.sock.rx.gen);
    }
  });

  it('__netlink_sendskb (reference): routing is otherwise unchanged: a ring skb is published, no RX ring queues', () => {
    const { c, s, ti } = plainSkb(REF, 'send.skb');
    s.threads[ti].l.skb = SKB_RX;
    expect(runContinuation(c, s, ti, 'send.skb').threads[ti].pc).toBe('send.publish');
    const b = bench(REF, scenario([plainProducer, consumer()], { rx: null }));
    const q = tid(b.c, 'q');
    enter(b.s, q, 'send.skb');
    b.s.threads[q].l.skb = SKB_PLAIN;
    expect(runContinuation(b.c, b.s, q, 'send.skb').threads[q].pc).toBe('send.queue');
  });

  it('set_copied lock step: waits for the receive-queue lock (held by another thread: not enabled)', () => {
    const { c, s, ti } = plainSkb(REF, 'ref.copy-lock');
    s.threads[ti].l.skbGen = s.sock.rx.gen;
    expect(guardAt(c, s, ti)).toBe(true);
    s.sock.rxqLock = tid(c, 'c');
    expect(guardAt(c, s, ti)).toBe(false);
    expect(choicesOf(c, s, ti)).toEqual([]);
    s.sock.rxqLock = ti;
    expect(guardAt(c, s, ti)).toBe(true);
  });

  it('set_copied lock step: spin_lock_bh, enter the allocation section (inAlloc, no full ring seen yet), then netlink_forward_ring returning to the claim', () => {
    const { c, s, ti } = plainSkb(REF, 'ref.copy-lock');
    s.threads[ti].l.skbGen = s.sock.rx.gen;
    s.threads[ti].l.fullSeen = true;
    expect(textAt(c, s, ti)).toBe('set_copied: lock rx queue, forward the ring past SKIP frames');
    const n = stepOnce(c, s, ti);
    expect(n.sock.rxqLock).toBe(ti);
    expect([n.threads[ti].l.inAlloc, n.threads[ti].l.fullSeen]).toEqual([true, false]);
    expect([n.threads[ti].pc, n.threads[ti].stack.toArray().at(-1)]).toEqual(['fwd.step', 'send.copy-claim']);
  });

  it('set_copied lock step: the RX ring was destroyed since routing -> lock and go to the claim (which dereferences NULL), no forwarding, no section', () => {
    const { c, s, ti } = plainSkb(REF, 'ref.copy-lock');
    s.sock.rx.gen = 0;
    expect(textAt(c, s, ti)).toBe('set_copied: lock rx queue (the RX ring was destroyed since routing)');
    const n = stepOnce(c, s, ti);
    expect(n.sock.rxqLock).toBe(ti);
    expect(n.threads[ti].pc).toBe('send.copy-claim');
    expect(n.threads[ti].l.inAlloc).toBe(false);
  });

  it('set_copied lock step: a ring destroyed and created again since routing is the ring forwarded (read afresh under the lock, as netlink_ring_set_copied reads nlk->rx_ring)', () => {
    const { c, s, ti } = plainSkb(REF, 'ref.copy-lock');
    s.threads[ti].l.skbGen = s.sock.rx.gen + 7;
    expect(textAt(c, s, ti)).toBe('set_copied: lock rx queue, forward the ring past SKIP frames');
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].pc, n.threads[ti].l.inAlloc]).toEqual(['fwd.step', true]);
  });

  it('set_copied with the head frame held as SKIP: the reference forwards past it and claims the next UNUSED frame; linux-4.5 drops the message', () => {
    const { c, s, ti } = plainSkb(REF, 'ref.copy-lock');
    s.threads[ti].l.skbGen = s.sock.rx.gen;
    statuses(s, [SKIP, UNUSED, UNUSED, UNUSED]);
    let n = stepOnce(c, s, ti); // lock
    n = stepOnce(c, n, ti); // frame 0 SKIP: read on (forward-to-free: the head stays until a free frame is found)
    expect(n.sock.rx.head).toBe(0);
    n = stepOnce(c, n, ti); // frame 1 UNUSED: read the SKIP frames again
    expect(n.sock.rx.head).toBe(0);
    n = stepOnce(c, n, ti); // frame 0 still SKIP: head = 1, stop, back to the claim
    expect(n.sock.rx.head).toBe(1);
    expect(n.threads[ti].pc).toBe('send.copy-claim');
    n = stepOnce(c, n, ti);
    expect(n.threads[ti].pc).toBe('send.copy-mark');
    expect(n.sock.rcvq.toArray().map((q) => q.frame)).toEqual([1]);
    expect([n.sock.rx.head, n.sock.drops]).toEqual([2, 0]);

    const old = atClaim(L45);
    statuses(old.s, [SKIP, UNUSED, UNUSED, UNUSED]);
    const o = stepOnce(old.c, old.s, old.ti);
    expect([o.sock.drops, o.sock.rcvq.length, o.threads[old.ti].pc]).toEqual([1, 0, 'done']);
  });

  it('forward-to-free: a forward that meets a frame in use after SKIP frames leaves the head (ring full)', () => {
    const { c, s, ti } = plainSkb(REF, 'ref.copy-lock');
    s.threads[ti].l.skbGen = s.sock.rx.gen;
    statuses(s, [SKIP, VALID, UNUSED, UNUSED]);
    let n = stepOnce(c, s, ti); // lock
    n = stepOnce(c, n, ti); // frame 0 SKIP: read on
    expect(nextStepText(c, n, ti)).toBe('kernel[q]: forward_ring: rx frame 1 is VALID: ring full, head stays, stop');
    n = stepOnce(c, n, ti);
    expect([n.sock.rx.head, n.threads[ti].pc]).toEqual([0, 'send.copy-claim']);
  });

  it('forward-to-free: a SKIP frame released between the two reads is not passed: the head goes to it', () => {
    const { c, s, ti } = plainSkb(REF, 'ref.copy-lock');
    s.threads[ti].l.skbGen = s.sock.rx.gen;
    statuses(s, [SKIP, UNUSED, UNUSED, UNUSED]);
    let n = stepOnce(c, s, ti); // lock
    n = stepOnce(c, n, ti); // frame 0 SKIP: read on
    n = stepOnce(c, n, ti); // frame 1 UNUSED: read the SKIP frames again
    n.sock.rx.frames[0].status = UNUSED; // the reader released frame 0 meanwhile
    expect(nextStepText(c, n, ti)).toBe('kernel[q]: forward_ring: again, rx frame 0 is UNUSED now (released): head = 0, stop');
    n = stepOnce(c, n, ti);
    expect([n.sock.rx.head, n.threads[ti].pc]).toEqual([0, 'send.copy-claim']);
  });

  it('set_copied claim (reference): the lock is taken by the step before, so the claim text does not take it again', () => {
    const { c, s, ti } = atClaim(REF);
    expect(textAt(c, s, ti)).toBe('set_copied: claim rx frame 0 (head++), queue the skb, keep the lock');
    const o = atClaim(L45);
    expect(textAt(o.c, o.s, o.ti)).toBe('set_copied: lock rx queue, claim rx frame 0 (head++), queue the skb, unlock');
    s.sock.rx.gen = 0;
    expect(textAt(c, s, ti)).toBe('set_copied: under the queue lock the RX ring is gone: queue the skb as an ordinary message, unlock, data_ready');
  });

  it('set_copied claim, drop: a full ring seen earlier in the section is kept (LOSS-FREE-FRAME ghost), even if the ring has room by the time of the claim', () => {
    // The head frame was VALID when forwarding stopped (ring full, seen); the user then held it as SKIP.
    const { c, s, ti } = atClaim(REF);
    statuses(s, [SKIP, UNUSED, UNUSED, UNUSED]);
    s.threads[ti].l.fullSeen = true;
    const n = stepOnce(c, s, ti);
    expect(n.sock.drops).toBe(1);
    expect(n.threads[ti].l.fullSeen).toBe(true);
    expect(n.threads[ti].l.inAlloc).toBe(false);
    expect(n.sock.rxqLock).toBe(-1);
  });

  it('set_copied claim, drop: a ring full now counts even if it was not seen before', () => {
    const { c, s, ti } = atClaim(REF);
    statuses(s, [VALID, VALID, VALID, VALID]);
    const n = stepOnce(c, s, ti);
    expect([n.sock.drops, n.threads[ti].l.fullSeen, n.threads[ti].l.inAlloc]).toEqual([1, true, false]);
  });

  it('set_copied claim, success: the section ends (inAlloc cleared) and the claimed frame is the thread\'s until marked', () => {
    const { c, s, ti } = atClaim(REF);
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].l.inAlloc).toBe(false);
    expect(n.sock.rx.frames[0].owner).toBe(ti);
    expect(n.threads[ti].l.skbFrame).toBe(0);
  });
});

describe('copy-status-under-lock (Finding 1): netlink_ring_set_copied writes COPY before spin_unlock_bh', () => {
  it('claim: on success the queue lock is kept until the frame is marked (linux-4.5 and the reference without the fix: unlocked)', () => {
    const { c, s, ti } = atClaim(REF);
    expect(stepOnce(c, s, ti).sock.rxqLock).toBe(ti);
    const o = atClaim(L45);
    expect(stepOnce(o.c, o.s, o.ti).sock.rxqLock).toBe(-1);
    const w = bench(REF, scenario([plainProducer, consumer()]));
    const without = makeCtx(referenceWithout(['copy-status-under-lock']), w.c.scenario);
    const ws = initialState(without);
    const q = tid(without, 'q');
    enter(ws, q, 'send.copy-claim');
    Object.assign(ws.threads[q].l, { skb: SKB_PLAIN, skbLen: 64, skbGen: ws.sock.rx.gen, inAlloc: true });
    ws.sock.rxqLock = q;
    expect(stepOnce(without, ws, q).sock.rxqLock).toBe(-1);
  });

  it('mark: header and COPY, then the unlock', () => {
    const { c, s, ti } = atClaim(REF);
    const n = stepOnce(c, s, ti);
    expect(textAt(c, n, ti)).toBe('set_copied: write header of rx frame 0 (nm_len 64), mark it COPY, data_ready, unlock rx queue');
    const m = stepOnce(c, n, ti);
    expect(m.sock.rx.frames[0].status).toBe(COPY);
    expect(m.sock.rx.frames[0].off).toBe(HDRLEN);
    expect(m.sock.rxqLock).toBe(-1);
    expect(m.threads[ti].l.ret).toBe(64);
  });
});

// ---------------------------------------------------------------------------------------------
// netlink_set_ring: swap-rechecks-pending (Finding 2), geometry-at-swap (Finding 3), purge-reported (Finding 8).

const REQS = [FOUR, TWO, DESTROY];

/** Thread u inside netlink_set_ring at `label` for (ring, request), as the steps before leave it (new blocks, pg_vec_lock). */
function setRing(v: string, label: string, ring: number, req: number, over: Partial<ScenarioConfig> = {}) {
  const b = bench(v, scenario([consumer()], { requests: REQS, mapped: false, ...over }));
  const ti = tid(b.c, 'c');
  enter(b.s, ti, label);
  const l = b.s.threads[ti].l;
  l.msg = ring;
  l.seq = req;
  if (label === 'so.swap') {
    l.skbGen = REQS[req].blockNr !== 0 ? b.s.nextGen++ : 0;
    b.s.sock.pgVecLock = ti;
  }
  return { ...b, ti };
}

describe('swap-rechecks-pending (Finding 2): netlink_set_ring re-checks pending in the swap, under the locks', () => {
  it('swap: pending != 0 on the ring being set -> unlock pg_vec_lock, -EBUSY, ring untouched (linux-4.5 swaps the ring under the ring skb)', () => {
    const { c, s, ti } = setRing(REF, 'so.swap', RX, 1);
    s.sock.rx.pending = 1;
    const gen = s.sock.rx.gen;
    expect(textAt(c, s, ti)).toBe('setsockopt: pending != 0 under the queue lock: unlock, free the new blocks, -EBUSY');
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].l.ret).toBe(-EBUSY);
    expect(n.sock.pgVecLock).toBe(-1);
    expect([n.sock.rx.gen, n.sock.rx.frameNr]).toEqual([gen, 4]);

    const o = setRing(L45, 'so.swap', RX, 1);
    o.s.sock.rx.pending = 1;
    const on = stepOnce(o.c, o.s, o.ti);
    expect(on.threads[o.ti].l.ret).toBe(0);
    expect(on.sock.rx.frameNr).toBe(2);
  });

  it('swap: nothing pending -> the swap goes on (new geometry, head 0, ret 0), text as linux-4.5', () => {
    const { c, s, ti } = setRing(REF, 'so.swap', RX, 1);
    s.sock.rx.head = 3;
    expect(textAt(c, s, ti)).toBe('setsockopt: swap in the new blocks, head = 0, unlock, free the old blocks');
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.ret, n.sock.rx.frameNr, n.sock.rx.head, n.sock.pgVecLock]).toEqual([0, 2, 0, -1]);
  });

  it('swap: pending is read on the ring being set (TX pending does not block an RX swap)', () => {
    const { c, s, ti } = setRing(REF, 'so.swap', RX, 1);
    s.sock.tx.pending = 1;
    expect(stepOnce(c, s, ti).threads[ti].l.ret).toBe(0);
  });

  it('swap: mapped != 0 is still -EBUSY first (the original re-check), whatever is pending', () => {
    const { c, s, ti } = setRing(REF, 'so.swap', RX, 1);
    s.sock.mapped = 1;
    s.sock.rx.pending = 1;
    expect(textAt(c, s, ti)).toBe('setsockopt: mapped != 0: unlock, free the new blocks, -EBUSY');
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.ret, n.sock.pgVecLock, n.sock.rx.frameNr]).toEqual([-EBUSY, -1, 4]);
  });
});

describe('geometry-at-swap (Finding 3): netlink_set_ring stores frames_per_block with the rest of the geometry, in the swap', () => {
  it('size checks: frames_per_block is kept in a local, the live ring keeps its own (linux-4.5 writes it into the live ring)', () => {
    const { c, s, ti } = setRing(REF, 'so.check-size', RX, 1);
    expect(s.sock.rx.framesPerBlock).toBe(4);
    expect(textAt(c, s, ti)).toBe('setsockopt rx ring req 1: sizes valid, frames_per_block = 2 kept in a local, blocks allocated');
    expect(stepOnce(c, s, ti).sock.rx.framesPerBlock).toBe(4);
    const o = setRing(L45, 'so.check-size', RX, 1);
    expect(stepOnce(o.c, o.s, o.ti).sock.rx.framesPerBlock).toBe(2);
  });

  it('swap of a new ring: frames_per_block = block_size / frame_size is stored with the geometry', () => {
    const { c, s, ti } = setRing(REF, 'so.swap', RX, 1);
    expect(stepOnce(c, s, ti).sock.rx.framesPerBlock).toBe(2);
  });

  it('swap of a destroy: frames_per_block = 0', () => {
    const { c, s, ti } = setRing(REF, 'so.swap', RX, 2);
    const n = stepOnce(c, s, ti);
    expect([n.sock.rx.gen, n.sock.rx.framesPerBlock]).toEqual([0, 0]);
  });

  it('failed swap (mapped): the live ring keeps its frames_per_block', () => {
    const { c, s, ti } = setRing(REF, 'so.swap', RX, 1);
    s.sock.mapped = 1;
    expect(stepOnce(c, s, ti).sock.rx.framesPerBlock).toBe(4);
  });
});

describe('purge-reported (Finding 8): __netlink_set_ring counts and reports the messages it purges', () => {
  const queued = (s: State, n: number) => { for (let i = 0; i < n; i++) s.sock.rcvq.push({ msg: i + 1, seq: 0, frame: -1 }); };

  it('RX swap with messages queued: drops += n, sk_err = ENOBUFS, pollers woken (linux-4.5: lost silently)', () => {
    const { c, s, ti } = setRing(REF, 'so.swap', RX, 1);
    queued(s, 2);
    s.sock.drops = 1;
    expect(textAt(c, s, ti)).toBe('setsockopt: swap in the new blocks, head = 0, purge 2 queued message(s), drops += 2, sk_err = ENOBUFS, unlock, free the old blocks');
    const n = stepOnce(c, s, ti);
    expect([n.sock.rcvq.length, n.sock.drops, n.sock.skErr, n.sock.wake, n.sock.congested]).toEqual([0, 3, ENOBUFS, true, false]);

    const o = setRing(L45, 'so.swap', RX, 1);
    queued(o.s, 2);
    expect(textAt(o.c, o.s, o.ti)).toBe('setsockopt: swap in the new blocks, head = 0, purge 2 queued message(s), unlock, free the old blocks');
    const on = stepOnce(o.c, o.s, o.ti);
    expect([on.sock.rcvq.length, on.sock.drops, on.sock.skErr]).toEqual([0, 0, 0]);
  });

  it('RX swap with NETLINK_NO_ENOBUFS: the drops are counted, no error, no wakeup', () => {
    const { c, s, ti } = setRing(REF, 'so.swap', RX, 1);
    queued(s, 2);
    s.sock.noEnobufs = true;
    const n = stepOnce(c, s, ti);
    expect([n.sock.drops, n.sock.skErr, n.sock.wake]).toEqual([2, 0, false]);
  });

  it('RX swap with nothing queued: nothing to report', () => {
    const { c, s, ti } = setRing(REF, 'so.swap', RX, 1);
    const n = stepOnce(c, s, ti);
    expect([n.sock.drops, n.sock.skErr, n.sock.wake]).toEqual([0, 0, false]);
  });

  it('TX swap: the receive queue is not purged, so nothing is counted', () => {
    const { c, s, ti } = setRing(REF, 'so.swap', TX, 1);
    queued(s, 2);
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].l.ret).toBe(0);
    expect([n.sock.rcvq.length, n.sock.drops, n.sock.skErr]).toEqual([2, 0, 0]);
  });

  it('RX swap of a released socket: its messages are not reported (nobody can read the error)', () => {
    const { c, s, ti } = setRing(REF, 'so.swap', RX, 1);
    queued(s, 2);
    s.sock.released = true;
    const n = stepOnce(c, s, ti);
    expect([n.sock.drops, n.sock.skErr]).toEqual([0, 0]);
  });

  it('failed swap (mapped): nothing purged, nothing counted', () => {
    const { c, s, ti } = setRing(REF, 'so.swap', RX, 1);
    queued(s, 2);
    s.sock.mapped = 1;
    const n = stepOnce(c, s, ti);
    expect([n.sock.rcvq.length, n.sock.drops, n.sock.skErr]).toEqual([2, 0, 0]);
  });
});

// ---------------------------------------------------------------------------------------------
// netlink_dump_space: dump-space-counts (Finding 4).

/** Consumer c at poll's dump-space step with a dump running, the RX frames as given. */
function dumpSpace(v: string, list: readonly number[], head = 0) {
  const b = bench(v, scenario([consumer(), { ...consumer(), name: 'o' }]));
  const ti = tid(b.c, 'c');
  enter(b.s, ti, 'poll.space1');
  b.s.sock.dumpRunning = true;
  b.s.sock.rx.head = head;
  statuses(b.s, list);
  return { ...b, ti };
}

/** Run the scan to its end: the state after and the number of steps (one frame read each). */
function scan(v: string, list: readonly number[], head = 0): { n: State; steps: number; ti: number } {
  const { c, s, ti } = dumpSpace(v, list, head);
  let n = s;
  let steps = 0;
  do {
    n = stepOnce(c, n, ti);
    steps++;
  } while (n.threads[ti].pc === 'poll.space1' && steps < 20);
  return { n, steps, ti };
}

const continues = (r: { n: State; ti: number }) => r.n.threads[r.ti].pc === 'dump.lock' && r.n.threads[r.ti].stack.toArray().at(-1) === 'poll.dump-ret';

describe('dump-space-counts (Finding 4): netlink_dump_space counts the unused frames under the queue lock', () => {
  it('scan: one frame read per step under the receive-queue lock; the lock and the scan locals are dropped at the end', () => {
    const { c, s, ti } = dumpSpace(REF, [UNUSED, UNUSED, UNUSED, UNUSED]);
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].pc, n.sock.rxqLock, n.threads[ti].l.scan]).toEqual(['poll.space1', ti, 1]);
    const r = scan(REF, [UNUSED, UNUSED, UNUSED, UNUSED]);
    expect(r.steps).toBe(4);
    expect(continues(r)).toBe(true);
    expect([r.n.sock.rxqLock, r.n.threads[r.ti].l.scan]).toEqual([-1, 0]);
  });

  it('scan: waits for the queue lock held by another thread; its own lock does not block it', () => {
    const { c, s, ti } = dumpSpace(REF, [UNUSED, UNUSED, UNUSED, UNUSED]);
    s.sock.rxqLock = tid(c, 'o');
    expect(guardAt(c, s, ti)).toBe(false);
    s.sock.rxqLock = ti;
    expect(guardAt(c, s, ti)).toBe(true);
  });

  it('scan: the allocator\'s frame (first non-SKIP from the head) is taken -> no space at once, unlock, rcv_wake', () => {
    const r = scan(REF, [VALID, UNUSED, UNUSED, UNUSED]);
    expect(r.steps).toBe(1);
    expect([r.n.threads[r.ti].pc, r.n.sock.rxqLock, r.n.threads[r.ti].l.scan]).toEqual(['poll.rcvwake', -1, 0]);
  });

  it('scan: frames held as SKIP are left out of the ring the dump competes for: 1 UNUSED of 2 non-SKIP frames -> continue (linux-4.5: head is SKIP, no space)', () => {
    expect(continues(scan(REF, [SKIP, SKIP, UNUSED, VALID]))).toBe(true);
    expect(scan(L45, [SKIP, SKIP, UNUSED, VALID]).n.threads[0].pc).toBe('poll.rcvwake');
  });

  it('scan: fewer than half the frames UNUSED -> no space', () => {
    const r = scan(REF, [UNUSED, VALID, VALID, VALID]);
    expect(r.steps).toBe(4);
    expect(r.n.threads[r.ti].pc).toBe('poll.rcvwake');
  });

  it('scan: a single UNUSED frame is enough when it is half of the non-SKIP ring', () => {
    expect(continues(scan(REF, [SKIP, SKIP, SKIP, UNUSED]))).toBe(true);
  });

  it('scan: no UNUSED frame at all (every frame SKIP) -> no space', () => {
    expect(scan(REF, [SKIP, SKIP, SKIP, SKIP]).n.threads[0].pc).toBe('poll.rcvwake');
  });

  it('scan: starts at the head and wraps round the ring', () => {
    const r = scan(REF, [VALID, VALID, UNUSED, UNUSED], 2);
    expect(r.steps).toBe(4);
    expect(continues(r)).toBe(true);
    expect(scan(REF, [UNUSED, UNUSED, VALID, VALID], 2).steps).toBe(1);
  });

  it('text: the first step takes the lock; later steps name the frame being counted', () => {
    const { c, s, ti } = dumpSpace(REF, [UNUSED, VALID, UNUSED, UNUSED]);
    expect(textAt(c, s, ti)).toBe('poll: dump running, dump_space: lock rx queue, count free frames: rx frame 0 is UNUSED');
    const n = stepOnce(c, s, ti);
    expect(textAt(c, n, ti)).toBe('poll: dump running, dump_space: count free frames: rx frame 1 is VALID');
  });
});

// ---------------------------------------------------------------------------------------------
// netlink_overrun: overrun-reports-every-drop (Finding 5).

describe('overrun-reports-every-drop (Finding 5): every netlink_overrun sets sk_err = ENOBUFS and wakes pollers, not only the first while CONGESTED', () => {
  /** Producer p inside __netlink_alloc_skb's locked section at the check, the socket already CONGESTED with sk_err read (0). */
  function allocCheck(v: string, list: readonly number[]) {
    const b = bench(v, scenario([ringProducer, consumer()]));
    const ti = tid(b.c, 'p');
    enter(b.s, ti, 'alloc.check');
    b.s.sock.rxqLock = ti;
    b.s.sock.sockRefs = 1;
    b.s.threads[ti].l.inAlloc = true;
    b.s.threads[ti].l.skbLen = 64;
    b.s.sock.congested = true;
    statuses(b.s, list);
    return { ...b, ti };
  }

  it('__netlink_alloc_skb, ring full while CONGESTED: the drop is reported again (linux-4.5: only counted)', () => {
    const { c, s, ti } = allocCheck(REF, [VALID, VALID, VALID, VALID]);
    expect(textAt(c, s, ti)).toBe('alloc: rx frame 0 is VALID: ring full, unlock, overrun (sk_err = ENOBUFS), return NULL');
    const n = stepOnce(c, s, ti);
    expect([n.sock.drops, n.sock.skErr, n.sock.wake, n.threads[ti].l.ret]).toEqual([1, ENOBUFS, true, -ENOBUFS]);
    const o = allocCheck(L45, [VALID, VALID, VALID, VALID]);
    const on = stepOnce(o.c, o.s, o.ti);
    expect([on.sock.drops, on.sock.skErr, on.sock.wake]).toEqual([1, 0, false]);
  });

  it('__netlink_alloc_skb with NETLINK_NO_ENOBUFS: the drop is counted, not reported', () => {
    const { c, s, ti } = allocCheck(REF, [VALID, VALID, VALID, VALID]);
    s.sock.noEnobufs = true;
    const n = stepOnce(c, s, ti);
    expect([n.sock.drops, n.sock.skErr, n.sock.wake]).toEqual([1, 0, false]);
  });

  it('__netlink_alloc_skb with a free frame: no drop, nothing reported', () => {
    const { c, s, ti } = allocCheck(REF, [UNUSED, VALID, VALID, VALID]);
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].pc, n.sock.skErr, n.sock.wake]).toEqual(['alloc.reserve', 0, false]);
  });

  it('netlink_ring_set_copied drop while CONGESTED: reported (text and sk_err)', () => {
    const { c, s, ti } = atClaim(REF);
    statuses(s, [VALID, VALID, VALID, VALID]);
    s.sock.congested = true;
    expect(textAt(c, s, ti)).toBe('set_copied: rx frame 0 is VALID: unlock, drop, overrun (sk_err = ENOBUFS)');
    const n = stepOnce(c, s, ti);
    expect([n.sock.drops, n.sock.skErr, n.sock.wake]).toEqual([1, ENOBUFS, true]);
    const o = atClaim(L45);
    statuses(o.s, [VALID, VALID, VALID, VALID]);
    o.s.sock.congested = true;
    expect(stepOnce(o.c, o.s, o.ti).sock.skErr).toBe(0);
  });

  it('netlink_attachskb while CONGESTED: an ordinary skb is refused with -EAGAIN, freed, and the drop reported (linux-4.5: counted only)', () => {
    for (const [v, err] of [[REF, ENOBUFS], [L45, 0]] as const) {
      const { c, s, ti } = plainSkb(v, 'send.attach');
      s.sock.congested = true;
      const n = runContinuation(c, s, ti, 'send.attach');
      expect([n.threads[ti].l.ret, n.threads[ti].pc, n.threads[ti].l.skb], v).toEqual([-EAGAIN, 'done', SKB_NONE]);
      expect([n.sock.drops, n.sock.skErr, n.sock.wake], v).toEqual([1, err, err !== 0]);
    }
  });

  it('netlink_attachskb: not CONGESTED, an ordinary skb is admitted (on to set_copied); a ring skb is exempt while CONGESTED', () => {
    const { c, s, ti } = plainSkb(REF, 'send.attach');
    const n = runContinuation(c, s, ti, 'send.attach');
    expect([n.threads[ti].pc, n.sock.drops]).toEqual(['ref.copy-lock', 0]);
    const r = plainSkb(REF, 'send.attach');
    r.s.sock.congested = true;
    r.s.threads[r.ti].l.skb = SKB_RX;
    const rn = runContinuation(r.c, r.s, r.ti, 'send.attach');
    expect([rn.threads[r.ti].pc, rn.sock.drops, rn.sock.skErr]).toEqual(['send.publish', 0, 0]);
  });
});

// ---------------------------------------------------------------------------------------------
// ordered-ids (Finding 6) and destructor-wakes (Finding 7).

describe('ordered-ids (Finding 6): allocation and id assignment in one atomic section (the ordered mode)', () => {
  it('the reference sets the orderedIds knob; linux-4.5 and the reference without the fix do not', () => {
    expect(bench(REF, scenario([consumer()])).c.knobs.orderedIds).toBe(true);
    expect(bench(L45, scenario([consumer()])).c.knobs.orderedIds).toBe(false);
    expect(referenceWithout(['ordered-ids']).knobs.orderedIds).toBe(false);
  });
});

describe('destructor-wakes (Finding 7): netlink_skb_destructor wakes readers when it publishes an undelivered frame', () => {
  function freeing(v: string) {
    const b = bench(v, scenario([ringProducer, consumer()]));
    const ti = tid(b.c, 'p');
    enter(b.s, ti, 'skb.free');
    const l = b.s.threads[ti].l;
    Object.assign(l, { skb: SKB_RX, skbLen: 64, skbGen: b.s.sock.rx.gen, skbFrame: 1 });
    Object.assign(b.s.sock.rx.frames[1], { status: RESERVED, owner: ti });
    b.s.sock.rx.pending = 1;
    b.s.sock.sockRefs = 1;
    b.s.threads[tid(b.c, 'c')].l.waiting = true;
    return { ...b, ti };
  }

  it('kfree_skb undelivered: nm_len 0, VALID, and sk_data_ready wakes the waiting consumer (linux-4.5: no wakeup)', () => {
    const { c, s, ti } = freeing(REF);
    expect(textAt(c, s, ti)).toBe('kfree_skb undelivered: destructor writes rx frame 1 nm_len 0, VALID; pending--, sock_put, sk_data_ready');
    const n = stepOnce(c, s, ti);
    expect([n.sock.rx.frames[1].status, n.sock.rx.frames[1].len, n.sock.rx.pending, n.sock.wake]).toEqual([VALID, 0, 0, true]);
    const o = freeing(L45);
    expect(stepOnce(o.c, o.s, o.ti).sock.wake).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// hold-until-passed (Finding 9): the holding consumer releases a held frame only once the kernel has passed it.

/** Holding consumer c (up to 4 frames, optional batch verdicts) at c.look; the RX frames and held set as given. */
function holder(v: string, list: readonly number[], held: readonly number[], cursor: number, verdicts = 0) {
  const b = bench(v, scenario([consumer(4, verdicts)], { tx: verdicts > 0 ? 0 : null }));
  const ti = tid(b.c, 'c');
  statuses(b.s, list);
  for (const h of held) b.s.threads[ti].l.held.insertSorted(h);
  b.s.threads[ti].l.cursor = cursor;
  return { ...b, ti };
}

describe('hold-until-passed (Finding 9): a held frame is released as the cursor passes it, after the kernel has', () => {
  it('look: no asynchronous release of held frames (linux-4.5 offers one per held frame); a batch verdict stays possible', () => {
    const r = holder(REF, [UNUSED, SKIP, SKIP, UNUSED], [1, 2], 0);
    expect(choicesOf(r.c, r.s, r.ti)).toEqual([-1]);
    const o = holder(L45, [UNUSED, SKIP, SKIP, UNUSED], [1, 2], 0);
    expect(choicesOf(o.c, o.s, o.ti)).toEqual([-1, 0, 1]);
    const vd = holder(REF, [UNUSED, SKIP, UNUSED, UNUSED], [1], 0, 1);
    vd.s.threads[vd.ti].l.maxRead = 3;
    expect(choicesOf(vd.c, vd.s, vd.ti)).toEqual([-1, 100]);
  });

  it('look at a frame it holds (SKIP): ask whether the kernel has passed it (one status read); linux-4.5 polls', () => {
    const { c, s, ti } = holder(REF, [UNUSED, SKIP, UNUSED, UNUSED], [1], 1);
    expect(textAt(c, s, ti, -1)).toBe('rx frame 1 is SKIP, held here: has the kernel passed it?');
    const n = stepOnce(c, s, ti, -1);
    expect(n.threads[ti].pc).toBe('ref.c.passed');
    expect(n.threads[ti].l.held.toArray()).toEqual([1]);
    const o = holder(L45, [UNUSED, SKIP, UNUSED, UNUSED], [1], 1);
    expect(stepOnce(o.c, o.s, o.ti, -1).threads[o.ti].pc).toMatch(/^poll\./);
  });

  it('look at a VALID frame: read it, as linux-4.5', () => {
    const { c, s, ti } = holder(REF, [VALID, UNUSED, UNUSED, UNUSED], [], 0);
    expect(textAt(c, s, ti, -1)).toBe('rx frame 0 is VALID: read it');
    expect(stepOnce(c, s, ti, -1).threads[ti].pc).toBe('c.read');
  });

  it('look at a SKIP frame it does not hold: poll, as linux-4.5', () => {
    const { c, s, ti } = holder(REF, [SKIP, UNUSED, UNUSED, UNUSED], [2], 0);
    expect(textAt(c, s, ti, -1)).toBe('rx frame 0 is SKIP: poll');
    expect(stepOnce(c, s, ti, -1).threads[ti].pc).toMatch(/^poll\./);
  });

  it('look at a held frame while holding every frame: there is no next frame to look at, poll', () => {
    const { c, s, ti } = holder(REF, [SKIP, SKIP, SKIP, SKIP], [0, 1, 2, 3], 0);
    expect(textAt(c, s, ti, -1)).toBe('rx frame 0 is SKIP: poll');
    expect(stepOnce(c, s, ti, -1).threads[ti].pc).toMatch(/^poll\./);
  });

  it('look at a frame it holds that no longer reads SKIP (the ring was replaced under it): not a held frame, poll', () => {
    const { c, s, ti } = holder(REF, [UNUSED, UNUSED, UNUSED, UNUSED], [1], 1);
    expect(textAt(c, s, ti, -1)).toBe('rx frame 1 is UNUSED: poll');
    expect(stepOnce(c, s, ti, -1).threads[ti].pc).toMatch(/^poll\./);
  });

  it('look at a held frame by a consumer that configured no RX ring itself (ring size 0 by its own request): nothing to look ahead at, poll', () => {
    // The RX ring was installed by a set-up thread; the consumer's own request list has no RX ring, so its cursor never moves.
    const setupThread: ThreadSpec = { name: 'u', program: 'setup', params: { ops: [{ op: 'setsockopt', ring: 'rx', req: 0 }] } };
    const b = bench(REF, scenario([consumer(1), setupThread], { rx: null, mapped: false }));
    const ti = tid(b.c, 'c');
    const k = b.s.sock;
    Object.assign(k.rx, { gen: 5, req: 0, frameNr: 4, frameSize: 1024, blockSize: 4096, blockNr: 1, framesPerBlock: 4 });
    k.vmaRxGen = 5;
    k.mapped = 1;
    statuses(b.s, [SKIP, UNUSED, UNUSED, UNUSED]);
    b.s.threads[ti].l.held.insertSorted(0);
    b.s.threads[ti].pc = 'c.look';
    expect(textAt(b.c, b.s, ti, -1)).toBe('rx frame 0 is SKIP: poll');
    expect(stepOnce(b.c, b.s, ti, -1).threads[ti].pc).toMatch(/^poll\./);
  });

  it('passed?: the next frame it does not hold was taken again (RESERVED, VALID or COPY) -> the kernel has passed the held one', () => {
    for (const st of [RESERVED, VALID, COPY]) {
      // Holds 1 and 2; the cursor is on 1; the next frame it does not hold is 3.
      const { c, s, ti } = holder(REF, [UNUSED, SKIP, SKIP, st], [1, 2], 1);
      const n = stepOnce(c, s, ti, -1);
      expect(textAt(c, n, ti)).toMatch(/^rx frame 3 is (RESERVED|VALID|COPY): the kernel has passed held rx frame 1$/);
      expect(stepOnce(c, n, ti).threads[ti].pc).toBe('ref.c.unhold');
    }
  });

  it('passed?: the next frame it does not hold is UNUSED -> not yet, poll (and look again after)', () => {
    const { c, s, ti } = holder(REF, [UNUSED, SKIP, SKIP, UNUSED], [1, 2], 1);
    const n = stepOnce(c, s, ti, -1);
    expect(textAt(c, n, ti)).toBe('rx frame 3 is UNUSED: not yet, poll');
    const m = stepOnce(c, n, ti);
    expect(m.threads[ti].pc).toMatch(/^poll\./);
    expect(m.threads[ti].stack.toArray().at(-1)).toBe('c.polled');
  });

  it('passed?: the next unheld frame is found round the end of the ring', () => {
    const { c, s, ti } = holder(REF, [VALID, UNUSED, UNUSED, SKIP], [3], 3);
    const n = stepOnce(c, s, ti, -1);
    expect(textAt(c, n, ti)).toBe('rx frame 0 is VALID: the kernel has passed held rx frame 3');
  });

  it('unhold: release the held frame (SKIP -> UNUSED, a conforming user store), forget it, advance the cursor, look again', () => {
    const { c, s, ti } = holder(REF, [UNUSED, SKIP, SKIP, VALID], [1, 2], 1);
    let n = stepOnce(c, s, ti, -1);
    n = stepOnce(c, n, ti);
    expect(textAt(c, n, ti)).toBe('release held rx frame 1 (SKIP -> UNUSED), advance');
    n = stepOnce(c, n, ti);
    expect(n.sock.rx.frames[1].status).toBe(UNUSED);
    expect(n.threads[ti].l.held.toArray()).toEqual([2]);
    expect([n.threads[ti].l.cursor, n.threads[ti].pc]).toEqual([2, 'c.look']);
    const e = n.ghost.last;
    expect([e.kind, e.thread, e.conforming, e.frame, e.before, e.after]).toEqual(['ustore', ti, true, 1, SKIP, UNUSED]);
  });

  it('unhold of the last frame wraps the cursor to 0', () => {
    const { c, s, ti } = holder(REF, [VALID, UNUSED, UNUSED, SKIP], [3], 3);
    let n = stepOnce(c, s, ti, -1);
    n = stepOnce(c, n, ti);
    n = stepOnce(c, n, ti);
    expect([n.threads[ti].l.cursor, n.threads[ti].l.held.length]).toEqual([0, 0]);
  });
});

// ---------------------------------------------------------------------------------------------
// How the fixes are put together (referenceWithout).

describe('referenceWithout: the reference without some fixes', () => {
  it('the reference is every fix: id reference; without fixes the id and description name them', () => {
    expect(reference.id).toBe('reference');
    const one = referenceWithout(['ordered-ids']);
    expect(one.id).toBe('reference-without-ordered-ids');
    expect(one.description).toBe('the reference design without ordered-ids');
    const two = referenceWithout(['ordered-ids', 'destructor-wakes']);
    expect(two.id).toBe('reference-without-ordered-ids-and-destructor-wakes');
    expect(two.description).toBe('the reference design without ordered-ids, destructor-wakes');
  });

  it('an unknown fix is refused, naming the fixes there are', () => {
    expect(() => referenceWithout(['no-such-fix'])).toThrow(`no fix 'no-such-fix' (fixes: ${FIXES.map((f) => f.id).join(', ')})`);
    expect(FIXES.map((f) => f.id)).toContain('copy-passes-skip');
  });

  it('without a fix its override is gone: the destructor does not wake readers', () => {
    const v = referenceWithout(['destructor-wakes']);
    const c = makeCtx(v, scenario([ringProducer, consumer()]));
    const s = initialState(c);
    const ti = tid(c, 'p');
    enter(s, ti, 'skb.free');
    Object.assign(s.threads[ti].l, { skb: SKB_RX, skbLen: 64, skbGen: s.sock.rx.gen, skbFrame: 1 });
    s.sock.rx.pending = 1;
    s.sock.sockRefs = 1;
    s.threads[tid(c, 'c')].l.waiting = true;
    expect(stepOnce(c, s, ti).sock.wake).toBe(false);
  });

  /** Build the reference with `extra` appended to FIXES for the duration of `f`. */
  function withExtra<T>(extra: Fix, f: () => T): T {
    const list = FIXES as Fix[];
    list.push(extra);
    try {
      return f();
    } finally {
      list.pop();
    }
  }

  it('two fixes may not both replace the guard of one step', () => {
    const extra: Fix = { id: 'x', cites: 'test', removes: [], wraps: { 'poll.space1': { guard: () => true } } };
    expect(() => withExtra(extra, () => referenceWithout())).toThrow('two fixes replace the guard of poll.space1');
  });

  it('a continuation a fix replaces may not also be wrapped by another', () => {
    const extra: Fix = { id: 'x', cites: 'test', removes: [], wraps: { 'send.skb': { text: (p) => p } } };
    expect(() => withExtra(extra, () => referenceWithout())).toThrow('two fixes replace send.skb');
  });

  it('a fix that wraps the choices of a step without any gets the one choice 0 to wrap', () => {
    const extra: Fix = { id: 'x', cites: 'test', removes: [], wraps: { 'poll.space2': { choices: (p) => p } } };
    const v = withExtra(extra, () => referenceWithout());
    const c = makeCtx(v, scenario([consumer()]));
    const s = initialState(c);
    enter(s, 0, 'poll.space2');
    expect(choicesOf(c, s, 0)).toEqual([0]);
  });
});

describe('copy-rechecks-ring (Finding 11): netlink_ring_set_copied checks under the queue lock that the RX ring is still there', () => {
  it('the ring destroyed since routing: the skb is queued as an ordinary message (no frame), the lock and the lookup reference dropped, the length returned; nothing freed is touched', () => {
    const { c, s, ti } = atClaim(REF);
    s.sock.rx.gen = 0;
    s.sock.sockRefs = 1; // the lookup's reference, taken at send.attach
    const n = stepOnce(c, s, ti);
    expect(n.sock.rcvq.toArray()).toEqual([{ msg: 5, seq: 2, frame: -1 }]);
    expect([n.sock.rxqLock, n.sock.sockRefs, n.ghost.usedFreed, n.threads[ti].l.ret, n.threads[ti].pc]).toEqual([-1, 0, false, 64, 'done']);
    // linux-4.5 dereferences the NULL pg_vec instead.
    const o = atClaim(L45);
    o.s.sock.rx.gen = 0;
    expect(stepOnce(o.c, o.s, o.ti).ghost.usedFreed).toBe(true);
  });

  it('without the fix the reference dereferences NULL too, and the claim does not say it takes the lock the step before took (copy-passes-skip)', () => {
    const c = makeCtx(referenceWithout(['copy-rechecks-ring']), scenario([plainProducer, consumer()]));
    const b = { c, s: initialState(c) };
    const ti = tid(b.c, 'q');
    enter(b.s, ti, 'send.copy-claim');
    Object.assign(b.s.threads[ti].l, { skb: SKB_PLAIN, skbLen: 64, skbMsg: 5, skbSeq: 2 });
    b.s.sock.rxqLock = ti;
    b.s.sock.rx.gen = 0;
    expect(nextStepText(b.c, b.s, ti)).toBe('kernel[q]: set_copied: the RX ring was destroyed since routing: rx_ring.pg_vec is NULL: NULL dereference');
    expect(stepOnce(b.c, b.s, ti).ghost.usedFreed).toBe(true);
  });

  it('the ring still there: the claim is the other fixes\' claim (a frame of the ring, the skb queued with it)', () => {
    const { c, s, ti } = atClaim(REF);
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].pc).toBe('send.copy-mark');
    expect(n.sock.rcvq.toArray()).toEqual([{ msg: 5, seq: 2, frame: 0 }]);
  });
});

// ---------------------------------------------------------------------------------------------
// Finding 14 (sendmsg-counts) and Finding 13 (poll-oldest-frame).

describe('sendmsg-counts (Finding 14): netlink_mmap_sendmsg returns the bytes already sent when a later frame fails', () => {
  const txUser: ThreadSpec = { name: 'tx', program: 'txuser', params: { count: 1, batch: 1, dontwait: false, firstTag: 1 } };
  const other: ThreadSpec = { name: 'o', program: 'consumer', params: { maxHold: 0 } };
  /** tx inside the loop at tx.copy (4.5 always copies) of frame 1, having sent `total` bytes; allocations may fail. */
  function failing(v: string, total: number) {
    const b = bench(v, scenario([txUser, other], { tx: 0, allocFailures: true }));
    const ti = tid(b.c, 'tx');
    enter(b.s, ti, 'tx.copy');
    b.s.sock.pgVecLock = ti;
    Object.assign(b.s.sock.tx.frames[1], { status: VALID, len: 64, msg: 2, seq: 0 });
    b.s.sock.tx.head = 1;
    const l = b.s.threads[ti].l;
    l.txFrame = 1;
    l.txLen = 64;
    l.txTotal = total;
    l.txTaken = total > 0 ? 1 : 0;
    return { ...b, ti };
  }

  it('after 64 bytes sent, alloc_skb failing returns 64 (linux-4.5: -ENOBUFS); the failed frame stays VALID; the error is kept for TX-PROGRESS', () => {
    const { c, s, ti } = failing(REF, 64);
    expect(textAt(c, s, ti, 1)).toBe('sendmsg: alloc_skb fails: -ENOBUFS, unlock; len 64 > 0: return 64, not the error');
    const n = stepOnce(c, s, ti, 1);
    expect([n.threads[ti].l.ret, n.ghost.noteValue, n.threads[ti].l.txErr, n.sock.tx.frames[1].status, n.sock.pgVecLock]).toEqual([64, 64, -ENOBUFS, VALID, -1]);
    const o = failing(L45, 64);
    const m = stepOnce(o.c, o.s, o.ti, 1);
    expect([m.threads[o.ti].l.ret, m.ghost.noteValue, m.threads[o.ti].l.txErr]).toEqual([-ENOBUFS, -ENOBUFS, 0]);
  });

  it('with nothing sent yet the error is returned as in linux-4.5', () => {
    const { c, s, ti } = failing(REF, 0);
    expect(textAt(c, s, ti, 1)).toBe('sendmsg: alloc_skb fails: -ENOBUFS, unlock');
    const n = stepOnce(c, s, ti, 1);
    expect([n.threads[ti].l.ret, n.ghost.noteValue, n.threads[ti].l.txErr]).toEqual([-ENOBUFS, -ENOBUFS, 0]);
  });
});

describe('poll-oldest-frame (Finding 13): on a ring socket POLLIN iff the oldest frame in use is VALID or COPY', () => {
  /** consumer c at poll's datagram step on a mapped RX ring of FOUR frames, a COPY skb queued. */
  function atDatagram(v: string, list: readonly number[], head = 0) {
    const b = bench(v, scenario([plainProducer, consumer()]));
    const ti = tid(b.c, 'c');
    enter(b.s, ti, 'poll.datagram');
    statuses(b.s, list);
    b.s.sock.rx.head = head;
    b.s.sock.rcvq.push({ msg: 4, seq: 1, frame: 0 });
    return { ...b, ti };
  }
  /** Run c's poll to its return; the mask it returned. */
  function pollMask(c: Ctx, s: State, ti: number): number {
    let n = s;
    for (let i = 0; i < 10 && n.threads[ti].pc !== 'done'; i++) n = stepOnce(c, n, ti);
    expect(n.threads[ti].pc).toBe('done');
    return n.threads[ti].l.ret;
  }
  it('a queued skb whose frame is not marked COPY yet: no POLLIN (linux-4.5: POLLIN from datagram_poll)', () => {
    const r = atDatagram(REF, [UNUSED, UNUSED, UNUSED, UNUSED], 1);
    expect(nextStepText(r.c, r.s, r.ti)).toBe('kernel[c]: poll: datagram_poll: the queue is not looked at (a ring socket: the oldest frame in use decides)');
    expect(pollMask(r.c, r.s, r.ti) & POLLIN).toBe(0);
    const o = atDatagram(L45, [UNUSED, UNUSED, UNUSED, UNUSED], 1);
    expect(pollMask(o.c, o.s, o.ti) & POLLIN).toBe(POLLIN);
  });

  it('from the head, UNUSED and SKIP frames are passed; the first other frame decides: COPY or VALID POLLIN, RESERVED not', () => {
    for (const [list, want] of [
      [[SKIP, UNUSED, COPY, UNUSED], POLLIN],
      [[UNUSED, SKIP, VALID, RESERVED], POLLIN],
      [[UNUSED, RESERVED, VALID, UNUSED], 0],
    ] as const) {
      const r = atDatagram(REF, list, 0);
      expect(pollMask(r.c, r.s, r.ti) & POLLIN, list.join(',')).toBe(want);
    }
    // linux-4.5: any VALID frame makes POLLIN, even behind a RESERVED one (its scan runs only with an empty queue).
    const o = atDatagram(L45, [UNUSED, RESERVED, VALID, UNUSED], 0);
    o.s.sock.rcvq.clear();
    expect(pollMask(o.c, o.s, o.ti) & POLLIN).toBe(POLLIN);
  });

  it('the oldest frame in use is found from the kernel head, wrapping: head 2, frames 2 and 3 UNUSED, frame 0 VALID', () => {
    const r = atDatagram(REF, [VALID, RESERVED, UNUSED, UNUSED], 2);
    expect(pollMask(r.c, r.s, r.ti) & POLLIN).toBe(POLLIN);
  });
});
