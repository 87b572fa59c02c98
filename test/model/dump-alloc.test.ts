/**
 * netlink_recvmsg's max_recvmsg_len and netlink_dump's allocation under the
 * `dumpAlloc` knob (protocol.md §4.8, §4.10; bugs.md B12), driven step by step
 * through the real spec. Each test names the kernel rule it encodes.
 */
import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { parsePath } from '../../src/check/replay.js';
import { buildTarget } from '../../src/catalog.js';
import type { ThreadSpec } from '../../src/model/config.js';
import { COPY, DUMP_TAG_BASE, ENOBUFS, HDRLEN, MSG_NONE, NLMSG_GOODSIZE, VALID } from '../../src/model/constants.js';
import type { MmapReq } from '../../src/model/geometry.js';
import { dumpHeadroom, dumpLargeAlloc } from '../../src/model/kernel/dump.js';
import { MAX_RECVMSG_LEN_CAP, recordRecvmsgLen } from '../../src/model/kernel/recvmsg.js';
import { SKB_NONE, SKB_PLAIN, SKB_RX, type State } from '../../src/model/state.js';
import { FOUR_PAGES, catalogModel, model, property, restrictedTarget, runActor, runTo, runToDone, scenario, script, take, thread, walk, type Model } from './helpers.js';

/** Two 16 KiB frames (the documentation's frame size): payload 16360 bytes. */
const RING16K: MmapReq = { blockSize: 16384, blockNr: 2, frameSize: 16384, frameNr: 2 };
const MAXLEN16K = 16384 - HDRLEN;
const AUTOSIZING = ['linux-3.18.4', 'linux-4.1', 'linux-4.2', 'linux-4.5'] as const;

const plain = (count = 1): ThreadSpec => ({ name: 'p', program: 'producer', params: { count, path: 'plain', firstTag: 1 } });
const ringProducer = (count: number): ThreadSpec => ({ name: 'rp', program: 'producer', params: { count, path: 'ring', firstTag: 5 } });
const dumper = (recvBuf: number, extra: Partial<{ dump: boolean; dumpAfterCopy: boolean }> = {}): ThreadSpec => ({
  name: 'c', program: 'consumer', params: { maxHold: 0, dump: true, dumpAfterCopy: true, recvBuf, ...extra },
});
const sc = (threads: ThreadSpec[], req: MmapReq = RING16K) => scenario(threads, { requests: [req], dumpParts: 1 });

/** The plain producer's message becomes a COPY frame; the consumer recv()s it (stops after the dequeue). */
function recvCopy(m: Model, s: State): State {
  s = runToDone(m, s, 'p').state;
  return script(m, s, ['c c.look -1', 'c recv.err', 'c recv.dequeue']);
}

/** recvCopy, then the rest of recvmsg and the release of the COPY frame: the consumer is about to send its dump request. */
function toDumpRequest(m: Model, s: State): State {
  s = script(m, recvCopy(m, s), ['c recv.wake', 'c c.release']);
  expect(thread(m, s, 'c').pc).toBe('dumpstart.lock');
  return s;
}

/** From the dump request to the step after dump.fill (the message is written, not yet published). */
function toFilled(m: Model, s: State): State {
  s = runTo(m, s, 'c', 'dump.fill').state;
  return take(m, s, 'c', 'dump.fill');
}

describe('netlink_recvmsg records max_recvmsg_len (9063e21fb026, 3.15+)', () => {
  it('min(max(max_recvmsg_len, len), 16384): the largest buffer seen, capped at 16 KiB', () => {
    expect(recordRecvmsgLen(0, 4096)).toBe(4096);
    expect(recordRecvmsgLen(8192, 4096)).toBe(8192);
    expect(recordRecvmsgLen(4096, 65536)).toBe(MAX_RECVMSG_LEN_CAP);
    expect(MAX_RECVMSG_LEN_CAP).toBe(16384);
  });

  it.each(AUTOSIZING)('%s: a recvmsg that dequeues a message records the caller buffer size', (v) => {
    const m = model(v, sc([plain(), dumper(4096)]));
    const before = runToDone(m, m.spec.init(), 'p').state;
    expect(before.sock.maxRecvmsgLen).toBe(0);
    const s = recvCopy(m, m.spec.init());
    expect(s.sock.maxRecvmsgLen).toBe(4096);
  });

  it('linux-4.5: a buffer over 16 KiB is recorded as 16384', () => {
    const m = model('linux-4.5', sc([plain(), dumper(20000)]));
    expect(recvCopy(m, m.spec.init()).sock.maxRecvmsgLen).toBe(16384);
  });

  it('linux-4.5: a smaller buffer does not lower what an earlier recvmsg recorded', () => {
    const m = model('linux-4.5', sc([plain(), dumper(4096)]));
    let s = runToDone(m, m.spec.init(), 'p').state;
    s = script(m, s, ['c c.look -1', 'c recv.err']);
    s.sock.maxRecvmsgLen = 8192; // as if an earlier recvmsg had an 8 KiB buffer
    s = take(m, s, 'c', 'recv.dequeue');
    expect(s.sock.maxRecvmsgLen).toBe(8192);
  });

  it('linux-4.5: a recvmsg that finds the queue empty (-EAGAIN) records nothing', () => {
    const m = model('linux-4.5', sc([plain(), dumper(4096)]));
    let s = runToDone(m, m.spec.init(), 'p').state;
    s = script(m, s, ['c c.look -1', 'c recv.err']);
    s.sock.rcvq.shift(); // the queue emptied under the COPY frame (not reachable here; isolates the branch)
    s = take(m, s, 'c', 'recv.dequeue');
    expect(thread(m, s, 'c').l.ret).toBe(-11);
    expect(s.sock.maxRecvmsgLen).toBe(0);
  });

  it('linux-3.10 has no max_recvmsg_len (min-size dumps): it stays 0', () => {
    const m = model('linux-3.10', sc([plain(), dumper(4096)]));
    expect(recvCopy(m, m.spec.init()).sock.maxRecvmsgLen).toBe(0);
  });

  it('linux-4.5, a scenario where nobody dumps: the field is dead and stays 0', () => {
    const m = model('linux-4.5', sc([plain(), dumper(4096, { dump: false, dumpAfterCopy: false })]));
    expect(recvCopy(m, m.spec.init()).sock.maxRecvmsgLen).toBe(0);
  });
});

describe('netlink_dump allocation (dumpAlloc)', () => {
  it('asks for max_recvmsg_len first only when autosizing and it exceeds max(min_dump_alloc, NLMSG_GOODSIZE)', () => {
    expect(dumpLargeAlloc('min-size', 16384)).toBe(0);
    expect(dumpLargeAlloc('autosize', NLMSG_GOODSIZE)).toBe(0);
    expect(dumpLargeAlloc('autosize', NLMSG_GOODSIZE + 1)).toBe(NLMSG_GOODSIZE + 1);
    expect(dumpLargeAlloc('autosize-trim', 4096)).toBe(4096);
    expect(dumpLargeAlloc('autosize-trim-nonring', 4096)).toBe(4096);
  });

  it.each(AUTOSIZING)('%s: dump.lock allocates max_recvmsg_len (4096), to retry at the minimum if that fails', (v) => {
    const m = model(v, sc([plain(), dumper(4096)]));
    const s = script(m, toDumpRequest(m, m.spec.init()), ['c dumpstart.lock', 'c dump.lock']);
    const c = thread(m, s, 'c');
    expect(c.pc).toBe('alloc.lookup');
    expect(c.l.skbLen).toBe(4096);
    expect(c.stack.toArray()).toContain('dump.alloc-min');
    expect(s.sock.cbMutex).toBe(1);
  });

  it('linux-3.10 (min-size): dump.lock allocates NLMSG_GOODSIZE whatever max_recvmsg_len holds', () => {
    const m = model('linux-3.10', sc([plain(), dumper(4096)]));
    let s = toDumpRequest(m, m.spec.init());
    s.sock.maxRecvmsgLen = 4096; // 3.10 never records it; the branch must ignore it anyway
    s = script(m, s, ['c dumpstart.lock', 'c dump.lock']);
    expect(thread(m, s, 'c').l.skbLen).toBe(NLMSG_GOODSIZE);
    expect(thread(m, s, 'c').stack.toArray()).not.toContain('dump.alloc-min');
  });

  it('linux-4.5: max_recvmsg_len no larger than NLMSG_GOODSIZE: straight to the minimum', () => {
    const m = model('linux-4.5', sc([plain(), dumper(2048)]));
    const s = script(m, toDumpRequest(m, m.spec.init()), ['c dumpstart.lock', 'c dump.lock']);
    expect(s.sock.maxRecvmsgLen).toBe(2048);
    expect(thread(m, s, 'c').l.skbLen).toBe(NLMSG_GOODSIZE);
  });

  it('linux-4.5: the large allocation fails on a full ring, the retry at the minimum fails too: -ENOBUFS, two overruns, the dump stays running', () => {
    const m = model('linux-4.5', sc([plain(), ringProducer(2), dumper(4096)]));
    let s = toDumpRequest(m, m.spec.init());
    s = runToDone(m, s, 'rp').state; // frames 1 and 0 VALID: the ring is full
    expect(s.sock.rx.frames.slice(0, 2).map((f) => f.status)).toEqual([VALID, VALID]);
    s = script(m, s, ['c dumpstart.lock', 'c dump.lock', 'c alloc.lookup', 'c alloc.lock', 'c fwd.step', 'c alloc.check']);
    let c = thread(m, s, 'c');
    expect([c.pc, c.l.skbLen, c.l.skb, s.sock.drops]).toEqual(['alloc.lookup', NLMSG_GOODSIZE, SKB_NONE, 1]);
    s = runTo(m, s, 'c', 'dump.fill').state;
    c = thread(m, s, 'c');
    expect([c.l.skb, s.sock.drops, s.sock.skErr]).toEqual([SKB_NONE, 2, ENOBUFS]);
    s = take(m, s, 'c', 'dump.fill');
    expect(s.sock.dumpRunning).toBe(true);
    expect(s.sock.cbMutex).toBe(-1);
  });

  it('linux-4.1: a max_recvmsg_len larger than the frame payload gets an ordinary skb (no trim visible): the part arrives as a COPY frame', () => {
    const m = model('linux-4.1', sc([plain(), dumper(8192)], FOUR_PAGES)); // payload 4072 < 8192
    let s = script(m, toDumpRequest(m, m.spec.init()), ['c dumpstart.lock', 'c dump.lock', 'c alloc.lookup']);
    expect(thread(m, s, 'c').l.skb).toBe(SKB_PLAIN);
    s = runTo(m, s, 'c', 'c.look').state;
    expect(s.sock.rx.frames[1]).toMatchObject({ status: COPY, off: HDRLEN });
    expect(s.sock.rcvq.at(0)?.msg).toBe(DUMP_TAG_BASE);
    expect(property('LAYOUT-MSG-AT-HDRLEN').holds(s)).toBe(true);
  });
});

describe('netlink_dump trim: where a ring skb message starts (B12)', () => {
  it('skb_reserve(tailroom - max_recvmsg_len) shows only in a ring skb after the large allocation, and only in 4.1', () => {
    expect(dumpHeadroom('autosize-trim', SKB_RX, 4096, MAXLEN16K)).toBe(MAXLEN16K - 4096);
    expect(dumpHeadroom('autosize-trim', SKB_RX, NLMSG_GOODSIZE, MAXLEN16K)).toBe(0);
    expect(dumpHeadroom('autosize-trim', SKB_PLAIN, 4096, MAXLEN16K)).toBe(0);
    expect(dumpHeadroom('autosize-trim-nonring', SKB_RX, 4096, MAXLEN16K)).toBe(0);
    expect(dumpHeadroom('autosize', SKB_RX, 4096, MAXLEN16K)).toBe(0);
    expect(dumpHeadroom('min-size', SKB_RX, NLMSG_GOODSIZE, MAXLEN16K)).toBe(0);
  });

  it('linux-4.1 (autosize-trim): the part is written at frame + 24 + (16360 - 4096) and published VALID there: LAYOUT-MSG-AT-HDRLEN fails', () => {
    const m = model('linux-4.1', sc([plain(), dumper(4096)]));
    let s = toFilled(m, toDumpRequest(m, m.spec.init()));
    expect(s.ghost.note).toBe('dump-autosize-ring');
    expect(s.ghost.noteValue).toBe(MAXLEN16K - 4096);
    expect(s.sock.rx.frames[1]).toMatchObject({ msg: DUMP_TAG_BASE, off: HDRLEN + MAXLEN16K - 4096 });
    expect(property('LAYOUT-MSG-AT-HDRLEN').holds(s)).toBe(true); // still RESERVED: not handed to the user yet
    s = take(m, s, 'c', 'send.publish');
    expect(s.sock.rx.frames[1]).toMatchObject({ status: VALID, len: 64 });
    expect(property('LAYOUT-MSG-AT-HDRLEN').holds(s)).toBe(false);
  });

  it('linux-4.1: the minimum allocation is not trimmed (max_recvmsg_len 2048): the part is at frame + 24', () => {
    const m = model('linux-4.1', sc([plain(), dumper(2048)]));
    const s = toFilled(m, toDumpRequest(m, m.spec.init()));
    expect(s.sock.rx.frames[1].off).toBe(HDRLEN);
  });

  it.each(['linux-3.18.4', 'linux-4.2', 'linux-4.5'])('%s: the large ring allocation is not trimmed: the part is at frame + 24', (v) => {
    const m = model(v, sc([plain(), dumper(4096)]));
    let s = toFilled(m, toDumpRequest(m, m.spec.init()));
    expect(s.ghost.note).toBe('dump-autosize-ring');
    expect(s.ghost.noteValue).toBe(0);
    s = take(m, s, 'c', 'send.publish');
    expect(s.sock.rx.frames[1]).toMatchObject({ status: VALID, off: HDRLEN, len: 64 });
    expect(property('LAYOUT-MSG-AT-HDRLEN').holds(s)).toBe(true);
  });
});

describe('the consumer (documentation loop) around dumps', () => {
  it('dumpAfterCopy: no dump request at the start; one after the first COPY frame is released; not after the second', () => {
    const m = model('linux-4.5', sc([plain(2), dumper(4096)]));
    let s = m.spec.init();
    expect(thread(m, s, 'c').pc).toBe('c.look');
    s = runActor(m, s, 'p', (x) => thread(m, x, 'p').l.k >= 1).state; // first message: COPY in frame 0
    s = script(m, s, ['c c.look -1', 'c recv.err', 'c recv.dequeue', 'c recv.wake']);
    expect(thread(m, s, 'c').l.dumpReq).toBe(1);
    s = take(m, s, 'c', 'c.release');
    expect(thread(m, s, 'c').pc).toBe('dumpstart.lock');
    expect(thread(m, s, 'c').l.dumpReq).toBe(2);
    s = runTo(m, s, 'c', 'c.look').state; // dump part 0 in frame 1
    s = runToDone(m, s, 'p').state; // second message: COPY in frame 0
    expect(s.sock.rx.frames[0].status).toBe(COPY);
    s = runActor(m, s, 'c', (x) => thread(m, x, 'c').pc === 'c.release' && thread(m, x, 'c').l.cursor === 0).state;
    s = take(m, s, 'c', 'c.release');
    expect(thread(m, s, 'c').pc).toBe('c.look');
  });

  it('linux-4.1: the user parses at frame + NL_MMAP_HDRLEN, so a moved dump part reads as garbage, not as a dump part', () => {
    const m = model('linux-4.1', sc([plain(), dumper(4096)]));
    let s = runTo(m, toDumpRequest(m, m.spec.init()), 'c', 'c.look').state;
    s = script(m, s, ['c c.look -1', 'c c.read 0']);
    expect([s.ghost.note, s.ghost.noteValue]).toEqual(['read', MSG_NONE]);
    expect(s.ghost.dumpRead).toBe(0);
  });

  it('linux-4.5: the same part is at frame + NL_MMAP_HDRLEN and reads as dump part 0', () => {
    const m = model('linux-4.5', sc([plain(), dumper(4096)]));
    let s = runTo(m, toDumpRequest(m, m.spec.init()), 'c', 'c.look').state;
    s = script(m, s, ['c c.look -1', 'c c.read 0']);
    expect([s.ghost.note, s.ghost.noteValue]).toEqual(['dump-read', DUMP_TAG_BASE]);
  });
});

describe('LAYOUT-MSG-AT-HDRLEN (frame layout)', () => {
  const layout = property('LAYOUT-MSG-AT-HDRLEN');
  const frame0 = (fields: { status: number; len: number; off: number }) => {
    const m = model('linux-4.5', sc([plain(), dumper(4096)]));
    const s = m.spec.init();
    Object.assign(s.sock.rx.frames[0], fields);
    return s;
  };
  it('a VALID frame whose message starts at frame + 24 and whose nm_len fits holds', () => {
    expect(layout.holds(frame0({ status: VALID, len: 64, off: HDRLEN }))).toBe(true);
    expect(layout.holds(frame0({ status: VALID, len: 16384 - HDRLEN, off: HDRLEN }))).toBe(true);
  });
  it('a VALID frame with the message elsewhere fails', () => {
    expect(layout.holds(frame0({ status: VALID, len: 64, off: HDRLEN + 4 }))).toBe(false);
  });
  it('a VALID frame whose nm_len bytes from frame + 24 pass the frame end fails', () => {
    expect(layout.holds(frame0({ status: VALID, len: 16384 - HDRLEN + 1, off: HDRLEN }))).toBe(false);
  });
  it('a COPY frame may carry an nm_len larger than a frame (the message is in the receive queue)', () => {
    expect(layout.holds(frame0({ status: COPY, len: 20000, off: HDRLEN }))).toBe(true);
  });
  it('nm_len 0 (a frame released by the destructor) is not judged', () => {
    expect(layout.holds(frame0({ status: VALID, len: 0, off: 0 }))).toBe(true);
  });
});

/**
 * Every invariant but POLL-IN-AT-CURSOR: that one fails dump-autosize on every kernel in 6 to 9
 * steps, before any dump (netlink_ring_set_copied queues the COPY message before its frame is
 * COPY, and datagram_poll already reports POLLIN; test/props/caller-view.test.ts), and would
 * hide what these tests are about.
 */
function b12Target(variant: string) {
  const t = buildTarget(variant, 'dump-autosize');
  return { ...t, invariants: t.invariants.filter((p) => p.id !== 'POLL-IN-AT-CURSOR') };
}

describe('B12 found by the checker (scenario dump-autosize)', () => {
  it('linux-4.1: bfs fails LAYOUT-MSG-AT-HDRLEN; the counterexample has the large recv() before the dump', () => {
    const r = bfs(b12Target('linux-4.1'));
    expect(r.verdict).toBe('fail');
    expect(r.violation!.property).toBe('LAYOUT-MSG-AT-HDRLEN');
    expect(r.violation!.family).toBe('frame-layout');
    const { actions } = walk(catalogModel('linux-4.1', 'dump-autosize'), parsePath(r.violation!.path));
    const kinds = actions.map((a) => a.kind);
    expect(kinds.indexOf('recv.dequeue')).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf('recv.dequeue')).toBeLessThan(kinds.indexOf('dumpstart.lock'));
    expect(kinds.at(-1)).toBe('send.publish');
  });

  it('linux-4.1, the property alone: still found', () => {
    expect(bfs(restrictedTarget('linux-4.1', 'dump-autosize', ['LAYOUT-MSG-AT-HDRLEN'])).verdict).toBe('fail');
  });

  it.each(['linux-4.2', 'linux-4.5'])('%s: bfs passes completely, every witness reached (autosize ran in a ring frame)', (v) => {
    const r = bfs(b12Target(v));
    expect(r.violation?.message ?? '').toBe('');
    expect(r.verdict).toBe('pass');
    expect(r.complete).toBe(true);
  });
});
