/**
 * More rules of RX allocation (src/model/kernel/alloc.ts): the size bounds at exactly
 * the frame's capacity, the descriptions of the fall-back branches, netlink_forward_ring's
 * record of the frames it read, and the full-ring monitor only inside the allocation section.
 */
import { describe, expect, it } from 'vitest';
import { SKIP, UNUSED, VALID } from '../../../src/model/constants.js';
import type { ThreadSpec } from '../../../src/model/config.js';
import { maxLen } from '../../../src/model/geometry.js';
import { observeAllocations } from '../../../src/model/kernel/alloc.js';
import { describeAction, enabledActions } from '../../../src/model/spec.js';
import type { State } from '../../../src/model/state.js';
import type { Ctx } from '../../../src/model/step.js';
import { FOUR, bench, enter, scenario, stepOnce, tid, nextStepText } from '../helpers.js';

const idle: ThreadSpec = { name: 'p', program: 'producer', params: { count: 0, path: 'ring', firstTag: 1 } };
const other: ThreadSpec = { name: 'o', program: 'consumer', params: { maxHold: 0 } };
const MAX = maxLen(FOUR.frameSize);

function at(v: string, label: string, len = 64) {
  const b = bench(v, scenario([idle, other]));
  const ti = tid(b.c, 'p');
  enter(b.s, ti, label);
  b.s.threads[ti].l.skbLen = len;
  return { ...b, ti };
}

const textOf = nextStepText;

describe('__netlink_alloc_skb (4.5): the early size check', () => {
  it('__netlink_alloc_skb (4.5): a message larger than the frame is described as the fall-back to alloc_skb', () => {
    const { c, s, ti } = at('linux-4.5', 'alloc.lookup', MAX + 1);
    expect(textOf(c, s, ti)).toContain('message exceeds frame');
  });

  it('__netlink_alloc_skb (4.5): a message of exactly the frame capacity fits (len > maxlen falls back, not >=)', () => {
    const { c, s, ti } = at('linux-4.5', 'alloc.lookup', MAX);
    expect(textOf(c, s, ti)).toContain('rx ring present');
  });
});

describe.each(['linux-4.5', 'linux-3.10'])('netlink_alloc_skb locked re-check on %s', (v) => {
  it('netlink_alloc_skb: a message of exactly the frame capacity fits under the lock: lock taken, forward_ring next', () => {
    const { c, s, ti } = at(v, 'alloc.lock', MAX);
    s.sock.sockRefs = 1;
    expect(textOf(c, s, ti)).toMatch(/alloc: lock rx queue$/);
    const n = stepOnce(c, s, ti);
    expect([n.sock.rxqLock, n.threads[ti].pc]).toEqual([ti, 'fwd.step']);
  });

  it('netlink_alloc_skb: a message larger than the frame is described as unlock and fall back', () => {
    const { c, s, ti } = at(v, 'alloc.lock', MAX + 1);
    s.sock.sockRefs = 1;
    expect(textOf(c, s, ti)).toContain('too small, unlock, fall back');
  });

  it('netlink_alloc_skb: the ring gone (generation 0) is described as unlock and fall back', () => {
    const { c, s, ti } = at(v, 'alloc.lock', 64);
    s.sock.sockRefs = 1;
    s.sock.rx.gen = 0;
    expect(textOf(c, s, ti)).toContain('ring gone or too small, unlock, fall back');
  });
});

describe.each([
  ['linux-4.5', 0b11],
  ['linux-3.10', 0b1],
] as const)('netlink_forward_ring on %s', (v, second) => {
  it('netlink_forward_ring: every frame status read is recorded, accumulating over the walk (3.10 reads the start position again)', () => {
    const { c, s, ti } = at(v, 'fwd.step');
    s.sock.rxqLock = ti;
    s.threads[ti].l.inAlloc = true;
    s.sock.rx.frames[0].status = SKIP;
    s.sock.rx.frames[1].status = SKIP;
    let n = stepOnce(c, s, ti);
    expect([n.threads[ti].pc, n.threads[ti].l.fwdSeen]).toEqual(['fwd.step', 0b1]);
    n = stepOnce(c, n, ti);
    expect(n.threads[ti].l.fwdSeen).toBe(second);
  });
});

describe('the ring-full monitor (observeAllocations)', () => {
  function full(inAlloc: boolean, fullSeen: boolean) {
    const { s, ti } = at('linux-4.5', 'alloc.check');
    for (const f of s.sock.rx.frames) f.status = VALID;
    s.sock.rxqLock = ti;
    Object.assign(s.threads[ti].l, { inAlloc, fullSeen });
    observeAllocations(s);
    return s.threads[ti].l.fullSeen;
  }

  it('observeAllocations: the rxq lock holder inside netlink_alloc_skb sees the full ring', () => {
    expect(full(true, false)).toBe(true);
  });

  it('observeAllocations: an rxq lock holder outside the allocation section (e.g. set_copied) records nothing', () => {
    expect(full(false, false)).toBe(false);
  });

  it('observeAllocations: a ring with an UNUSED frame is not full', () => {
    const { s, ti } = at('linux-4.5', 'alloc.check');
    s.sock.rx.frames[0].status = UNUSED;
    s.sock.rxqLock = ti;
    Object.assign(s.threads[ti].l, { inAlloc: true, fullSeen: false });
    observeAllocations(s);
    expect(s.threads[ti].l.fullSeen).toBe(false);
  });
});
