/**
 * Port ids and a second socket (src/props/sockets.ts, kernel/setup.ts port.bind,
 * kernel/deliver.ts): the property's one clause, its witnesses, and the delivery
 * paths the lookup takes once another socket has bound the released port id.
 */
import { describe, expect, it } from 'vitest';
import { RESERVED, VALID } from '../../src/model/constants.js';
import type { State } from '../../src/model/state.js';
import { W } from '../../src/props/witnesses.js';
import { runTo, runToDone, script, take, thread } from '../model/helpers.js';
import { edit, expectClause, expectFails, init } from './helpers.js';

describe('DELIVER-PORT-OWNER: a ring skb is published only on the socket whose ring holds it', () => {
  it('fails on the note of a ring skb published by the lookup\'s other socket, and on no other note', () => {
    const s = edit(init('rebind').s, (x) => {
      x.ghost.note = 'read';
      x.ghost.noteThread = 0;
    });
    expectClause('DELIVER-PORT-OWNER', s, (x) => (x.ghost.note = 'publish-other'));
  });
});

describe('witnesses of a second socket', () => {
  it('W-PORT-REBOUND: the port id rebound while a ring skb is pending; not while none is, nor before the bind', () => {
    const s = edit(init('rebind').s, (x) => {
      x.sock.otherBound = true;
      x.sock.rx.pending = 1;
    });
    expectClause(W.portRebound.id, s, (x) => (x.sock.rx.pending = 0));
    expectClause(W.portRebound.id, s, (x) => (x.sock.otherBound = false));
  });
  it('W-OTHER-QUEUED: a message queued on the other socket', () => {
    expectFails(W.otherQueued.id, init('rebind').s, 'the initial state');
    expectClause(W.otherQueued.id, edit(init('rebind').s, (x) => (x.sock.otherQueued = 1)), (x) => (x.sock.otherQueued = 0));
  });
});

describe('the lookup at delivery after another socket bound the port id', () => {
  /** rebind on `variant`: the ring producer has reserved frame 0 and is about to build message 1 in it; the socket is closed and the port id rebound. */
  function rebound(variant: string) {
    const b = init('rebind', variant);
    let s: State = runTo(b.m, b.s, 'ring', 'prod.fill').state;
    expect(s.sock.rx.frames[0].status).toBe(RESERVED);
    s = script(b.m, s, ['closer fd.close', 'other port.bind']);
    expect([s.sock.released, s.sock.otherBound]).toEqual([true, true]);
    return { m: b.m, s };
  }
  it('the bind waits for the release: before close(fd) it is not enabled', () => {
    const b = init('rebind');
    expect(b.m.spec.actions(b.s).some((a) => a.kind === 'port.bind')).toBe(false);
    const s = take(b.m, b.s, 'closer', 'fd.close');
    expect(b.m.spec.actions(s).some((a) => a.kind === 'port.bind')).toBe(true);
  });
  it('linux-4.5: a ring skb is published VALID in the released socket\'s ring, and its sender told it was delivered', () => {
    const { m, s: s0 } = rebound('linux-4.5');
    let s = runTo(m, s0, 'ring', 'send.publish-other').state;
    s = take(m, s, 'ring', 'send.publish-other');
    expect([s.sock.rx.frames[0].status, s.sock.rx.frames[0].len, s.ghost.note, thread(m, s, 'ring').l.ret]).toEqual([VALID, 64, 'publish-other', 64]);
  });
  it('an ordinary skb goes on the other socket\'s receive queue, and nothing of the released socket is touched', () => {
    const b = init('rebind');
    let s = script(b.m, b.s, ['closer fd.close', 'other port.bind']);
    const refs = s.sock.sockRefs;
    s = runToDone(b.m, s, 'plain', 10).state;
    expect([s.sock.otherQueued, s.sock.rcvq.length, s.sock.sockRefs]).toEqual([1, 0, refs]);
  });
  it('the reference frees the ring skb undelivered instead (nm_len 0 in its own ring), -ECONNREFUSED', () => {
    const { m, s: s0 } = rebound('reference');
    let s = runTo(m, s0, 'ring', 'send.publish-other').state;
    const a = m.spec.actions(s).find((x) => x.kind === 'send.publish-other')!;
    expect(m.spec.describe(s, a)).toMatch(/free it undelivered, -ECONNREFUSED/);
    s = script(m, s, ['ring send.publish-other', 'ring skb.free']);
    expect([s.sock.rx.frames[0].status, s.sock.rx.frames[0].len, s.sock.rx.pending]).toEqual([VALID, 0, 0]);
    expect(s.ghost.note).not.toBe('publish-other');
  });
});
