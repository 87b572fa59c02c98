/**
 * Rules of dumps (src/model/kernel/dump.ts): __netlink_dump_start and the control
 * flow of netlink_dump, one test per branch on states built by hand. (The
 * allocation size, autosizing and 4.1's trim are in test/model/dump-alloc.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { DUMP_TAG_BASE, EBUSY, EINVAL, ENOBUFS, HDRLEN, MSG_DONE, NLMSG_GOODSIZE } from '../../../src/model/constants.js';
import type { ThreadSpec } from '../../../src/model/config.js';
import { dumpErrToSkErr } from '../../../src/model/kernel/dump.js';
import { SKB_PLAIN, SKB_RX } from '../../../src/model/state.js';
import { FOUR_PAGES, bench, benchAt, enter, guardHolds, runContinuation, scenario, stepOnce, tid } from '../helpers.js';

const dumper: ThreadSpec = { name: 'c', program: 'consumer', params: { maxHold: 0, dump: true } };
const other: ThreadSpec = { name: 'o', program: 'consumer', params: { maxHold: 0 } };

const at = (v: string, label: string) => benchAt(v, scenario([dumper, other], { requests: [FOUR_PAGES], dumpParts: 2 }), 'c', label);

describe.each(['linux-4.5', 'linux-3.10'])('dumps on %s', (v) => {
  it('__netlink_dump_start: a dump already running -> EBUSY, nothing changes', () => {
    const { c, s, ti } = at(v, 'dumpstart.lock');
    s.sock.dumpRunning = true;
    s.sock.dumpPart = 1;
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.ret, n.sock.dumpPart, n.sock.cbMutex]).toEqual([-EBUSY, 1, -1]);
  });

  it('__netlink_dump_start: cb_running = true from part 0, then the first netlink_dump', () => {
    const { c, s, ti } = at(v, 'dumpstart.lock');
    s.sock.dumpPart = 3;
    const n = stepOnce(c, s, ti);
    expect([n.sock.dumpRunning, n.sock.dumpPart, n.threads[ti].pc, n.threads[ti].stack.toArray().at(-1)]).toEqual([true, 0, 'dump.lock', 'dumpstart.after']);
  });

  it('__netlink_dump_start and netlink_dump take cb_mutex (wait for another holder)', () => {
    for (const label of ['dumpstart.lock', 'dump.lock']) {
      const { c, s, ti } = at(v, label);
      s.sock.cbMutex = tid(c, 'o');
      expect(guardHolds(c, s, ti)).toBe(false);
    }
  });

  it('netlink_dump: no dump running -> -EINVAL, cb_mutex not kept', () => {
    const { c, s, ti } = at(v, 'dump.lock');
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.ret, n.sock.cbMutex]).toEqual([-EINVAL, -1]);
  });

  it('netlink_dump: running -> lock cb_mutex and allocate (netlink_alloc_skb) for the dumping socket itself', () => {
    const { c, s, ti } = at(v, 'dump.lock');
    s.sock.dumpRunning = true;
    const n = stepOnce(c, s, ti);
    expect([n.sock.cbMutex, n.threads[ti].pc, n.threads[ti].l.skbLen, n.threads[ti].stack.toArray().at(-1)]).toEqual([ti, 'alloc.lookup', NLMSG_GOODSIZE, 'dump.fill']);
  });

  it('netlink_dump: the allocation failed -> unlock cb_mutex, -ENOBUFS, the dump stays running', () => {
    const { c, s, ti } = at(v, 'dump.fill');
    s.sock.dumpRunning = true;
    s.sock.cbMutex = ti;
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.ret, n.sock.cbMutex, n.sock.dumpRunning]).toEqual([-ENOBUFS, -1, true]);
  });

  it('netlink_dump: a part (not the last) is written into the ring frame at NL_MMAP_HDRLEN, part++, cb_mutex dropped before __netlink_sendskb', () => {
    const { c, s, ti } = at(v, 'dump.fill');
    s.sock.dumpRunning = true;
    s.sock.cbMutex = ti;
    s.sock.dumpPart = 1;
    s.sock.rx.pending = 1;
    Object.assign(s.threads[ti].l, { skb: SKB_RX, skbGen: s.sock.rx.gen, skbFrame: 2, skbLen: NLMSG_GOODSIZE });
    const n = stepOnce(c, s, ti);
    expect(n.sock.rx.frames[2]).toMatchObject({ msg: DUMP_TAG_BASE + 1, seq: 0, off: HDRLEN });
    expect([n.sock.dumpPart, n.sock.cbMutex, n.sock.dumpRunning, n.threads[ti].l.skbLen]).toEqual([2, -1, true, 64]);
    expect([n.threads[ti].pc, n.threads[ti].stack.toArray().at(-1)]).toEqual(['send.publish', 'dump.after-part']);
  });

  it('netlink_dump: the last call writes NLMSG_DONE (an ordinary skb here), keeps cb_mutex until cb_running = false', () => {
    const { c, s, ti } = at(v, 'dump.fill');
    s.sock.dumpRunning = true;
    s.sock.cbMutex = ti;
    s.sock.dumpPart = 2;
    Object.assign(s.threads[ti].l, { skb: SKB_PLAIN, skbLen: NLMSG_GOODSIZE });
    const n = stepOnce(c, s, ti);
    expect([n.threads[ti].l.skbMsg, n.sock.dumpPart, n.sock.cbMutex, n.sock.dumpRunning]).toEqual([MSG_DONE, 2, ti, true]);
    expect(n.threads[ti].stack.toArray().at(-1)).toBe('dump.after-done');
    // After delivery: cb->done, cb_running = false, unlock.
    const d = runContinuation(c, n, ti, 'dump.after-done');
    expect([d.sock.dumpRunning, d.sock.cbMutex, d.ghost.note, d.threads[ti].l.ret]).toEqual([false, -1, 'dump-done', 0]);
  });

  it('netlink_dump (autosize retry): the large allocation gave nothing -> retry at the minimum; got an skb -> fill it', () => {
    const { c, s, ti } = at(v, 'dump.fill');
    const retry = runContinuation(c, s, ti, 'dump.alloc-min');
    expect([retry.threads[ti].pc, retry.threads[ti].l.skbLen, retry.threads[ti].stack.toArray().at(-1)]).toEqual(['alloc.lookup', NLMSG_GOODSIZE, 'dump.fill']);
    s.threads[ti].l.skb = SKB_PLAIN;
    expect(runContinuation(c, s, ti, 'dump.alloc-min').threads[ti].pc).toBe('dump.fill');
  });
});

it('netlink_dump error into sk_err: 3.10 stores it negative (B1), later kernels positive', () => {
  expect([dumpErrToSkErr('negative', -ENOBUFS), dumpErrToSkErr('positive', -ENOBUFS)]).toEqual([-ENOBUFS, ENOBUFS]);
});
