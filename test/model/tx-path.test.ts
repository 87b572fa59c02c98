/**
 * netlink_sendmsg outside the ring loop: the test that chooses the TX ring
 * (knob ringPathTest), its uninitialised read on 3.10 … 3.19 (B4), the 4.1 form
 * that never holds (B5), and the ordinary send the user's empty data gets when
 * the ring path is not taken. Each test names the kernel rule it encodes; the
 * last part checks that the checker finds B4 and B5 from the generic properties
 * on the variants that had them and passes the variants that fixed them.
 */
import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { parsePath, replay } from '../../src/check/replay.js';
import type { CheckResult } from '../../src/check/result.js';
import { buildTarget } from '../../src/catalog.js';
import type { ThreadSpec, TxParams } from '../../src/model/config.js';
import { ECONNREFUSED, ENOBUFS, TX, VALID } from '../../src/model/constants.js';
import { ringPathTest } from '../../src/model/kernel/sendmsg.js';
import { SKB_NONE, SKB_PLAIN, emptyState, type State } from '../../src/model/state.js';
import { branchOn, initialised, uninitRead } from '../../src/model/taint.js';
import { layoutOf } from '../../src/model/spec.js';
import { TWO, catalogModel, model, property, scenario, script, take, thread, walk, type Model } from './helpers.js';

const txUser = (over: Partial<TxParams> = {}): ThreadSpec => ({
  name: 'tx', program: 'txuser', params: { count: 1, batch: 1, dontwait: false, firstTag: 1, ...over },
});
const base = { requests: [TWO], rx: null, tx: 0 } as const;
const noIov = { call: 'sendmsg-noiov' } as const;
const tx = (s: State, i: number) => s.sock.tx.frames[i];

/** Fill frame 0, mark it VALID and make the send call: the thread is then inside netlink_sendmsg. */
const submit = (m: Model) => script(m, m.spec.init(), ['tx u.check', 'tx u.fill', 'tx u.valid']);

const DET = property('DET-NO-UNINIT-BRANCH');
const PROGRESS = property('TX-PROGRESS');

// ---------------------------------------------------------------------------------------------

describe("netlink_sendmsg's ring-path test, as a function of the knob and the call", () => {
  it.each([
    // knob, TX ring, msg_iovlen == 0, outcome
    ['iov-base', true, false, 'ring'],
    ['iov-base', true, true, 'uninit'],
    ['iter-type-eq', true, false, 'plain'],
    ['iter-type-eq', true, true, 'plain'],
    ['iter-is-iovec', true, false, 'ring'],
    ['iter-is-iovec', true, true, 'plain'],
    ['iov-base', false, true, 'plain'],
    ['iter-is-iovec', false, false, 'plain'],
  ] as const)('%s, TX ring %s, no iovec %s -> %s', (knob, txRing, noIovCall, outcome) => {
    expect(ringPathTest({ ringPathTest: knob }, txRing, noIovCall)).toBe(outcome);
  });
});

describe('netlink_sendmsg (3.10 … 3.19, iov-base): msg->msg_iov->iov_base == NULL', () => {
  it.each(['linux-3.10', 'linux-3.18.4'])('%s: sendto(fd, NULL, 0) builds one iovec with a NULL base -> netlink_mmap_sendmsg, nothing uninitialised read', (v) => {
    const m = model(v, scenario([txUser()], base));
    const s = submit(m);
    expect(thread(m, s, 'tx').pc).toBe('tx.status');
    expect(s.ghost.uninitBranch).toBe(false);
    expect(DET.holds(s)).toBe(true);
  });

  it.each(['linux-3.10', 'linux-3.18.4'])('%s: msg_iovlen == 0 -> the test reads the uninitialised iovstack[0]: a kernel step with two outcomes', (v) => {
    const m = model(v, scenario([txUser(noIov)], base));
    const s = submit(m);
    expect(thread(m, s, 'tx').pc).toBe('send.iov-garbage');
    expect(thread(m, s, 'tx').l.txNoIov).toBe(true);
    expect(s.ghost.uninitBranch).toBe(false);
    expect(m.spec.actions(s).map((a) => [a.kind, a.arg])).toEqual([['send.iov-garbage', 0], ['send.iov-garbage', 1]]);
  });

  it('linux-3.10: garbage base reads as NULL -> netlink_mmap_sendmsg, and the branch on garbage is recorded (DET-NO-UNINIT-BRANCH fails)', () => {
    const m = model('linux-3.10', scenario([txUser(noIov)], base));
    const s = take(m, submit(m), 'tx', 'send.iov-garbage', 0);
    expect(thread(m, s, 'tx').pc).toBe('tx.status');
    expect(thread(m, s, 'tx').l.txExcl).toBe(true); // netlink_mmap_sendmsg's entry ran
    expect(s.ghost.uninitBranch).toBe(true);
    expect(DET.holds(s)).toBe(false);
    expect(s.ghost.last.kind).toBe('none'); // the iovec is the syscall's stack, not frame memory
  });

  it('linux-3.10: garbage base reads as non-NULL -> the ordinary send, and the branch on garbage is recorded', () => {
    const m = model('linux-3.10', scenario([txUser(noIov)], base));
    const s = take(m, submit(m), 'tx', 'send.iov-garbage', 1);
    expect(thread(m, s, 'tx').pc).toBe('send.alloc');
    expect(s.ghost.uninitBranch).toBe(true);
    expect(DET.holds(s)).toBe(false);
  });

  it('the garbage outcome stays recorded after the call returns (sticky ghost)', () => {
    const m = model('linux-3.10', scenario([txUser(noIov)], base));
    const s = script(m, submit(m), ['tx send.iov-garbage 1', 'tx send.alloc', 'tx send.unicast']);
    expect(thread(m, s, 'tx').pc).toBe('done');
    expect(DET.holds(s)).toBe(false);
  });
});

describe('netlink_sendmsg (4.1, iter-type-eq): msg_iter.type == ITER_IOVEC never holds', () => {
  it('linux-4.1: sendto(fd, NULL, 0) sets ITER_IOVEC | WRITE -> the ordinary send, the VALID frame is not looked at', () => {
    const m = model('linux-4.1', scenario([txUser()], base));
    const s = submit(m);
    expect(thread(m, s, 'tx').pc).toBe('send.alloc');
    expect(s.ghost.uninitBranch).toBe(false);
  });

  it('linux-4.1: msg_iovlen == 0 -> the ordinary send (the type test fails first; nr_segs is 0 anyway)', () => {
    const m = model('linux-4.1', scenario([txUser(noIov)], base));
    expect(thread(m, submit(m), 'tx').pc).toBe('send.alloc');
  });
});

describe('netlink_sendmsg (4.2 … 4.5, iter-is-iovec): iter_is_iovec, nr_segs == 1, base NULL', () => {
  it.each(['linux-4.2', 'linux-4.5'])('%s: sendto(fd, NULL, 0) -> netlink_mmap_sendmsg', (v) => {
    const m = model(v, scenario([txUser()], base));
    expect(thread(m, submit(m), 'tx').pc).toBe('tx.status');
  });

  it.each(['linux-4.2', 'linux-4.5'])('%s: msg_iovlen == 0 -> nr_segs is 0: the ordinary send, decided without reading garbage', (v) => {
    const m = model(v, scenario([txUser(noIov)], base));
    const s = submit(m);
    expect(thread(m, s, 'tx').pc).toBe('send.alloc');
    expect(s.ghost.uninitBranch).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

describe('netlink_sendmsg, not the ring path: alloc_skb(len), copy from the iovec, netlink_unicast', () => {
  const v = 'linux-4.5';

  it('send.alloc: alloc_skb(0) gives an ordinary skb of 0 bytes; no frame is touched and pg_vec_lock is not taken', () => {
    const m = model(v, scenario([txUser(noIov)], base));
    const s = take(m, submit(m), 'tx', 'send.alloc');
    const l = thread(m, s, 'tx').l;
    expect([l.skb, l.skbLen, l.skbMsg]).toEqual([SKB_PLAIN, 0, 0]);
    expect(s.ghost.last.kind).toBe('none');
    expect(s.sock.pgVecLock).toBe(-1);
    expect(thread(m, s, 'tx').pc).toBe('send.unicast');
  });

  it('send.alloc: without allocation failures in the scenario the only outcome is success', () => {
    const m = model(v, scenario([txUser(noIov)], base));
    expect(m.spec.actions(submit(m)).map((a) => a.arg)).toEqual([0]);
  });

  it('send.alloc: alloc_skb failure -> -ENOBUFS to the caller, nothing delivered, the frame stays VALID', () => {
    const m = model(v, scenario([txUser(noIov)], { ...base, allocFailures: true }));
    const s0 = submit(m);
    expect(m.spec.actions(s0).map((a) => a.arg)).toEqual([0, 1]);
    const s = take(m, s0, 'tx', 'send.alloc', 1);
    expect([s.ghost.note, s.ghost.noteValue]).toEqual(['sendmsg-return', -ENOBUFS]);
    expect(thread(m, s, 'tx').l.skb).toBe(SKB_NONE);
    expect(thread(m, s, 'tx').pc).toBe('done');
    expect(tx(s, 0).status).toBe(VALID);
  });

  it('send.unicast to the kernel: the receiver gets an empty skb and the call returns skb->len = 0; the TX frame stays VALID, the TX head does not move', () => {
    const m = model(v, scenario([txUser(noIov)], base));
    const s = script(m, submit(m), ['tx send.alloc', 'tx send.unicast']);
    expect([s.ghost.note, s.ghost.noteValue]).toEqual(['sendmsg-return', 0]);
    expect(s.ghost.noteThread).toBe(0);
    expect(thread(m, s, 'tx').l.skb).toBe(SKB_NONE);
    expect(tx(s, 0)).toMatchObject({ status: VALID, msg: 1, len: 64 });
    expect(s.sock.tx).toMatchObject({ head: 0, pending: 0 });
    expect(s.ghost.last.kind).toBe('none');
    expect(thread(m, s, 'tx').pc).toBe('done');
  });

  it('send.unicast to a port that has gone away: netlink_getsockbyportid fails -> -ECONNREFUSED', () => {
    const m = model(v, scenario([txUser({ ...noIov, dst: 'missing-port' })], base));
    const s = script(m, submit(m), ['tx send.alloc', 'tx send.unicast']);
    expect([s.ghost.note, s.ghost.noteValue]).toEqual(['sendmsg-return', -ECONNREFUSED]);
    expect(tx(s, 0).status).toBe(VALID);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the properties on these paths', () => {
  it('TX-PROGRESS: a sendto(fd, NULL, 0) that returns 0 through the ordinary send with a VALID frame at the head fails (linux-4.1)', () => {
    const m = model('linux-4.1', scenario([txUser()], base));
    const s = script(m, submit(m), ['tx send.alloc', 'tx send.unicast']);
    expect(tx(s, s.sock.tx.head).status).toBe(VALID);
    expect(PROGRESS.holds(s)).toBe(false);
  });

  it('TX-PROGRESS: an error return is not judged (the user was told)', () => {
    const m = model('linux-4.1', scenario([txUser()], { ...base, allocFailures: true }));
    const s = take(m, submit(m), 'tx', 'send.alloc', 1);
    expect(s.ghost.noteValue).toBe(-ENOBUFS);
    expect(PROGRESS.holds(s)).toBe(true);
  });

  it('TX-PROGRESS: a sendmsg with no iovec is not a submission and is not judged, though the frame stays VALID (linux-4.5)', () => {
    const m = model('linux-4.5', scenario([txUser(noIov)], base));
    const s = script(m, submit(m), ['tx send.alloc', 'tx send.unicast']);
    expect(tx(s, 0).status).toBe(VALID);
    expect(PROGRESS.holds(s)).toBe(true);
  });

  it('TX-PROGRESS: the ring path consumes the frame and the return holds (linux-4.2)', () => {
    const m = model('linux-4.2', scenario([txUser()], base));
    let s = submit(m);
    for (let i = 0; i < 20 && s.ghost.note !== 'sendmsg-return'; i++) s = m.spec.next(s, m.spec.actions(s)[0]);
    expect([s.ghost.note, s.ghost.noteValue]).toEqual(['sendmsg-return', 64]);
    expect(PROGRESS.holds(s)).toBe(true);
  });

  it('taint: a branch on an initialised value records nothing; on an uninitialised one it records the branch, whichever way it goes', () => {
    const s = emptyState(layoutOf(scenario([txUser()], base)));
    expect(branchOn(s, initialised(1))).toBe(true);
    expect(branchOn(s, initialised(0))).toBe(false);
    expect(s.ghost.uninitBranch).toBe(false);
    expect(DET.holds(s)).toBe(true);
    expect(branchOn(s, uninitRead(0))).toBe(false);
    expect(s.ghost.uninitBranch).toBe(true);
    expect(DET.holds(s)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

function expectPass(r: CheckResult): void {
  expect(r.violation?.message ?? '', r.violation?.steps.join('\n')).toBe('');
  expect(r.verdict).toBe('pass');
  expect(r.complete).toBe(true);
}

/** The step labels of a counterexample, by replaying its path. */
function kindsOnPath(variant: string, scenarioId: string, r: CheckResult): string[] {
  return walk(catalogModel(variant, scenarioId), parsePath(r.violation!.path)).actions.map((a) => a.kind);
}

/** A counterexample replays to the same property at the same step. */
function expectReplays(variant: string, scenarioId: string, r: CheckResult): void {
  const back = replay(buildTarget(variant, scenarioId), r.violation!.path);
  expect(back.violation?.property).toBe(r.violation!.property);
  expect(back.violation?.step).toBe(r.violation!.steps.length);
}

describe('B4: with no iovec the send mode rests on stack garbage (tx-no-iovec)', () => {
  it.each(['linux-3.10', 'linux-3.18.4'])('%s: bfs fails the determinism family, at the branch on the uninitialised iovec', (v) => {
    const r = bfs(buildTarget(v, 'tx-no-iovec'));
    expect(r.verdict).toBe('fail');
    expect(r.violation!.family).toBe('determinism');
    expect(r.violation!.property).toBe('DET-NO-UNINIT-BRANCH');
    const kinds = kindsOnPath(v, 'tx-no-iovec', r);
    expect(kinds[kinds.length - 1]).toBe('send.iov-garbage');
    expectReplays(v, 'tx-no-iovec', r);
  });

  it.each(['linux-4.2', 'linux-4.5'])('%s: passes completely (no iovec: decided by nr_segs, every witness reached)', (v) => {
    expectPass(bfs(buildTarget(v, 'tx-no-iovec')));
  });
});

describe('B5: the ring path is never taken on 4.1 (tx-ring-send)', () => {
  it('linux-4.1: bfs fails the tx-progress family after an ordinary send of the empty data', () => {
    const r = bfs(buildTarget('linux-4.1', 'tx-ring-send'));
    expect(r.verdict).toBe('fail');
    expect(r.violation!.family).toBe('tx-progress');
    expect(r.violation!.property).toBe('TX-PROGRESS');
    const kinds = kindsOnPath('linux-4.1', 'tx-ring-send', r);
    expect(kinds).toContain('send.unicast');
    expect(kinds).not.toContain('tx.status');
    expectReplays('linux-4.1', 'tx-ring-send', r);
  });

  it.each(['linux-3.10', 'linux-3.18.4', 'linux-4.2', 'linux-4.5'])('%s: passes completely (the kernel receiver acted on the frame)', (v) => {
    expectPass(bfs(buildTarget(v, 'tx-ring-send')));
  });
});
