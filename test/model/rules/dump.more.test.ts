/**
 * More rules of netlink_dump (src/model/kernel/dump.ts): the descriptions of its failing
 * branches, the evidence a ring frame was autosized (allocated above NLMSG_GOODSIZE), and
 * cb->dump's write into the frame recorded as a kernel store.
 */
import { describe, expect, it } from 'vitest';
import { NLMSG_GOODSIZE } from '../../../src/model/constants.js';
import type { ThreadSpec } from '../../../src/model/config.js';
import { describeAction, enabledActions } from '../../../src/model/spec.js';
import { SKB_NONE, SKB_PLAIN, SKB_RX, type State } from '../../../src/model/state.js';
import type { Ctx } from '../../../src/model/step.js';
import { FOUR_PAGES, bench, benchAt, enter, scenario, stepOnce, tid, nextStepText } from '../helpers.js';

const dumper: ThreadSpec = { name: 'c', program: 'consumer', params: { maxHold: 0, dump: true } };
const other: ThreadSpec = { name: 'o', program: 'consumer', params: { maxHold: 0 } };

const at = (v: string, label: string) => benchAt(v, scenario([dumper, other], { requests: [FOUR_PAGES], dumpParts: 2 }), 'c', label);

const textOf = nextStepText;

describe.each(['linux-4.5', 'linux-3.10'])('netlink_dump on %s', (v) => {
  it('__netlink_dump_start: a dump already running is described as EBUSY; none running as cb_running = true', () => {
    const { c, s, ti } = at(v, 'dumpstart.lock');
    expect(textOf(c, s, ti)).toContain('cb_running = true');
    s.sock.dumpRunning = true;
    expect(textOf(c, s, ti)).toContain('a dump is running: EBUSY');
  });

  it('netlink_dump: no dump running is described as -EINVAL; a running one as the allocation', () => {
    const { c, s, ti } = at(v, 'dump.lock');
    expect(textOf(c, s, ti)).toContain('-EINVAL');
    s.sock.dumpRunning = true;
    expect(textOf(c, s, ti)).toContain('allocate');
  });

  it('netlink_dump: the allocation failed is described as -ENOBUFS, the dump staying running', () => {
    const { c, s, ti } = at(v, 'dump.fill');
    Object.assign(s.sock, { dumpRunning: true, cbMutex: ti });
    s.threads[ti].l.skb = SKB_NONE;
    expect(textOf(c, s, ti)).toContain('-ENOBUFS (dump stays running)');
  });

  it('netlink_dump: a part written into an ordinary skb is described as such, into a ring frame with its number', () => {
    const { c, s, ti } = at(v, 'dump.fill');
    Object.assign(s.sock, { dumpRunning: true, cbMutex: ti });
    Object.assign(s.threads[ti].l, { skb: SKB_PLAIN, skbLen: NLMSG_GOODSIZE });
    expect(textOf(c, s, ti)).toContain('into an ordinary skb');
    Object.assign(s.threads[ti].l, { skb: SKB_RX, skbGen: s.sock.rx.gen, skbFrame: 2 });
    expect(textOf(c, s, ti)).toContain('into rx frame 2');
  });

  /** dump.fill of part 0 into `skb` of `len` bytes (ring frame 2 for SKB_RX). */
  function fill(skb: number, len: number): { n: State; ti: number } {
    const { c, s, ti } = at(v, 'dump.fill');
    Object.assign(s.sock, { dumpRunning: true, cbMutex: ti });
    s.sock.rx.pending = 1;
    Object.assign(s.threads[ti].l, { skb, skbGen: s.sock.rx.gen, skbFrame: 2, skbLen: len });
    s.ghost.note = '';
    return { n: stepOnce(c, s, ti), ti };
  }

  it('netlink_dump: a ring frame allocated above NLMSG_GOODSIZE (max_recvmsg_len) is noted as autosized', () => {
    const { n, ti } = fill(SKB_RX, NLMSG_GOODSIZE + 1);
    expect([n.ghost.note, n.ghost.noteThread]).toEqual(['dump-autosize-ring', ti]);
  });

  it('netlink_dump: a ring frame allocated at exactly NLMSG_GOODSIZE (the minimum) is not autosized', () => {
    expect(fill(SKB_RX, NLMSG_GOODSIZE).n.ghost.note).not.toBe('dump-autosize-ring');
  });

  it('netlink_dump: a large ordinary skb is not a ring frame: no autosize note', () => {
    expect(fill(SKB_PLAIN, NLMSG_GOODSIZE + 1).n.ghost.note).not.toBe('dump-autosize-ring');
  });

  it('netlink_dump: cb->dump writing into the ring frame is a kernel store by the dumping thread', () => {
    const { n, ti } = fill(SKB_RX, NLMSG_GOODSIZE);
    expect([n.ghost.last.kind, n.ghost.last.thread, n.ghost.last.frame]).toEqual(['kstore', ti, 2]);
  });
});
