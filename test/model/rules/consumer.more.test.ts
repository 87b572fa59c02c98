/**
 * More rules of the RX consumer (src/model/user/consumer.ts; netlink_mmap.txt RX loop,
 * ulogd2, libmnl): what counts as a dump message, recv() returning 0, when a dump request
 * becomes due, a consumer without ring requests of its own, and its steps belong to
 * consumers only.
 */
import { describe, expect, it } from 'vitest';
import { DUMP_TAG_BASE } from '../../../src/model/constants.js';
import type { ConsumerParams, ThreadSpec } from '../../../src/model/config.js';
import { bench, runContinuation, scenario, stepOnce, tid } from '../helpers.js';

const consumer = (p: Partial<ConsumerParams> = {}): ThreadSpec => ({ name: 'c', program: 'consumer', params: { maxHold: 0, ...p } });
const txUser: ThreadSpec = { name: 'tx', program: 'txuser', params: { count: 1, batch: 1, dontwait: false, firstTag: 1 } };

function at(p: Partial<ConsumerParams> = {}, over: { rx?: number | null; tx?: number | null } = {}) {
  const b = bench('linux-4.5', scenario([consumer(p), txUser], { rx: over.rx === undefined ? 0 : over.rx, tx: over.tx ?? null }));
  return { ...b, ti: tid(b.c, 'c') };
}

describe('RX consumer: consuming what recvmsg returned (c.copied)', () => {
  it('consumer: dump parts are the tags DUMP_TAG_BASE .. DUMP_TAG_BASE + 15; the next tag is an ordinary message', () => {
    for (const [msg, dump] of [[DUMP_TAG_BASE, true], [DUMP_TAG_BASE + 15, true], [DUMP_TAG_BASE + 16, false]] as const) {
      const { c, s, ti } = at();
      Object.assign(s.threads[ti].l, { ret: 1, rMsg: msg, rSeq: 0, rFrame: 0 });
      const n = runContinuation(c, s, ti, 'c.copied');
      expect([n.ghost.note, n.ghost.dumpRead]).toEqual(dump ? ['dump-read', s.ghost.dumpRead + 1] : ['read', s.ghost.dumpRead]);
    }
  });

  it('consumer: recvmsg returning 0 (nothing) -> look again, nothing consumed', () => {
    const { c, s, ti } = at();
    Object.assign(s.threads[ti].l, { ret: 0, rMsg: 5, rSeq: 0, rFrame: 0 });
    const n = runContinuation(c, s, ti, 'c.copied');
    expect([n.threads[ti].pc, n.threads[ti].l.rMsg, n.ghost.copyFrame]).toEqual(['c.look', 5, s.ghost.copyFrame]);
  });

  it('consumer with a dump at the start (not dumpAfterCopy): a COPY message read does not make a dump request due', () => {
    const { c, s, ti } = at({ dump: true });
    Object.assign(s.threads[ti].l, { ret: 1, rMsg: 5, rSeq: 0, rFrame: 0, dumpReq: 0 });
    expect(runContinuation(c, s, ti, 'c.copied').threads[ti].l.dumpReq).toBe(0);
  });
});

describe('RX consumer without ring requests of its own', () => {
  it('consumer with no RX request: releasing leaves its cursor at 0 (no ring to walk)', () => {
    const { c, s, ti } = at({}, { rx: null });
    s.threads[ti].pc = 'c.release';
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.cursor, n.threads[ti].pc]).toEqual([0, 'c.look']);
  });

  it('nfqueue consumer with no TX request: marking the verdict VALID leaves its TX cursor at 0', () => {
    const { c, s, ti } = at({ verdicts: 1 }, { tx: null });
    s.threads[ti].pc = 'c.verdict-valid';
    const n = stepOnce(c, s, ti);
    expect(n.threads[ti].l.txCursor).toBe(0);
  });
});

describe('consumer steps belong to consumers', () => {
  it('a consumer step at a thread that is not a consumer is an error in the spec', () => {
    const { c, s } = at();
    expect(() => runContinuation(c, s, tid(c, 'tx'), 'c.start')).toThrow(/tx is not a consumer/);
  });
});
