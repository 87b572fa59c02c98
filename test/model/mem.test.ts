/**
 * src/model/mem.ts: every access to a frame header userspace can see. A frame
 * address carries the ring generation it was computed against; through a stale
 * address (a freed generation, no ring, an index off the ring) a load reads 0
 * and a store goes nowhere, and both are recorded as use-after-free. Every store
 * records who wrote which frame and its status before and after (the ownership
 * properties judge that record).
 */
import { describe, expect, it } from 'vitest';
import { HDRLEN, RX, TX } from '../../src/model/constants.js';
import { USER_MSG_OFFSET, here, load, peek, store, type FrameField, type FrameRef } from '../../src/model/mem.js';
import type { State } from '../../src/model/state.js';
import { FOUR, TWO, bench, scenario } from './helpers.js';

const THREADS = [{ name: 'cons', program: 'consumer', params: { maxHold: 0 } }] as const;
/** RX ring FOUR (generation 1), TX ring TWO (generation 2), mapped. */
const fresh = (): State => bench('linux-4.5', scenario(THREADS, { requests: [FOUR, TWO], rx: 0, tx: 1 })).s;

const FIELDS: readonly [FrameField, number][] = [
  ['status', 2], ['len', 300], ['group', 3], ['msg', 7], ['seq', 5], ['off', 40], ['owner', 0],
];

/** Give every field of a frame a distinct value. */
function fill(s: State, ring: number, frame: number): void {
  const f = (ring === RX ? s.sock.rx : s.sock.tx).frames[frame];
  for (const [name, x] of FIELDS) f[name] = x;
}

describe('mem: frame addresses', () => {
  it('here() takes the ring\'s current generation: RX is ring 0, TX ring 1', () => {
    const s = fresh();
    expect(s.sock.rx.gen).toBe(1);
    expect(s.sock.tx.gen).toBe(2);
    expect(here(s, RX, 3)).toEqual({ ring: RX, gen: 1, frame: 3 });
    expect(here(s, TX, 1)).toEqual({ ring: TX, gen: 2, frame: 1 });
  });

  it('USER_MSG_OFFSET is NL_MMAP_HDRLEN (24): userspace finds the message right after the header', () => {
    expect(USER_MSG_OFFSET).toBe(HDRLEN);
    expect(USER_MSG_OFFSET).toBe(24);
  });
});

describe('mem: loads', () => {
  it.each(FIELDS)('load of %s through a live address reads that field and records nothing', (name, x) => {
    const s = fresh();
    fill(s, TX, 1);
    expect(load(s, 0, here(s, TX, 1), name)).toBe(x);
    expect(peek(s, 0, here(s, TX, 1), name)).toBe(x);
    expect(s.ghost.usedFreed).toBe(false);
  });

  it('each ring is read through its own index (RX frame 1 and TX frame 1 differ)', () => {
    const s = fresh();
    fill(s, RX, 1);
    expect(load(s, 0, here(s, RX, 1), 'len')).toBe(300);
    expect(load(s, 0, here(s, TX, 1), 'len')).toBe(0);
  });

  const stale: [string, (s: State) => FrameRef][] = [
    ['a freed generation', (s) => ({ ring: RX, gen: s.sock.rx.gen + 5, frame: 1 })],
    ['generation 0 (no ring was ever there)', () => ({ ring: RX, gen: 0, frame: 1 })],
    ['a negative frame index', (s) => ({ ring: RX, gen: s.sock.rx.gen, frame: -1 })],
    ['an index past the ring\'s frame slots', (s) => ({ ring: RX, gen: s.sock.rx.gen, frame: s.sock.rx.frames.length })],
  ];
  it.each(stale)('a load through %s reads 0 and records a use-after-free', (_, ref) => {
    const s = fresh();
    for (let i = 0; i < 4; i++) fill(s, RX, i);
    expect(load(s, 0, ref(s), 'len')).toBe(0);
    expect(s.ghost.usedFreed).toBe(true);
  });

  it('a ring of generation 0 is stale even through an address of generation 0', () => {
    const s = bench('linux-4.5', scenario(THREADS, { requests: [FOUR], rx: 0, tx: null })).s;
    expect(s.sock.tx.gen).toBe(0);
    expect(load(s, 0, here(s, TX, 0), 'status')).toBe(0);
    expect(s.ghost.usedFreed).toBe(true);
  });

  it('a ring slot that has frames in the layout but no ring yet (generation 0) is stale', () => {
    // The TX ring is installed later by a setup thread: the layout has its frame slots, its generation is 0.
    const sc = scenario(
      [...THREADS, { name: 'set', program: 'setup', params: { ops: [{ op: 'setsockopt', ring: 'tx', req: 1 }] } }],
      { requests: [FOUR, TWO], rx: 0, tx: null },
    );
    const s = bench('linux-4.5', sc).s;
    expect(s.sock.tx.gen).toBe(0);
    expect(s.sock.tx.frames.length).toBe(2);
    s.sock.tx.frames[0].len = 77;
    expect(peek(s, 0, here(s, TX, 0), 'len')).toBe(0);
    expect(s.ghost.usedFreed).toBe(false);
    expect(load(s, 0, here(s, TX, 0), 'len')).toBe(0);
    expect(s.ghost.usedFreed).toBe(true);
  });

  it.each(stale)('peek through %s reads 0 and records nothing', (_, ref) => {
    const s = fresh();
    for (let i = 0; i < 4; i++) fill(s, RX, i);
    expect(peek(s, 0, ref(s), 'len')).toBe(0);
    expect(s.ghost.usedFreed).toBe(false);
  });

  it('the last valid index is live (bounds are < frames, not <=)', () => {
    const s = fresh();
    const last = s.sock.rx.frames.length - 1;
    fill(s, RX, last);
    expect(load(s, 0, here(s, RX, last), 'seq')).toBe(5);
    expect(load(s, 0, here(s, RX, 0), 'seq')).toBe(0);
    expect(s.ghost.usedFreed).toBe(false);
  });
});

describe('mem: stores', () => {
  it('a kernel store writes the given fields only and records kstore, thread, ring, frame, status and owner before, status after', () => {
    const s = fresh();
    fill(s, RX, 2);
    store(s, { thread: 0, kernel: true, conforming: true }, here(s, RX, 2), { status: 3, len: 64 });
    const f = s.sock.rx.frames[2];
    expect([f.status, f.len, f.group, f.msg, f.seq, f.off, f.owner]).toEqual([3, 64, 3, 7, 5, 40, 0]);
    expect({ ...s.ghost.last }).toEqual({ kind: 'kstore', thread: 0, ring: RX, frame: 2, before: 2, after: 3, ownerBefore: 0, conforming: true });
    expect(s.ghost.usedFreed).toBe(false);
  });

  it('a user store is recorded as ustore, with its conformance; no status stored gives after = -1', () => {
    const s = fresh();
    s.sock.tx.frames[1].status = 2;
    s.sock.tx.frames[1].owner = -1;
    store(s, { thread: 0, kernel: false, conforming: false }, here(s, TX, 1), { len: 2032 });
    expect(s.sock.tx.frames[1].len).toBe(2032);
    expect(s.sock.tx.frames[1].status).toBe(2);
    expect({ ...s.ghost.last }).toEqual({ kind: 'ustore', thread: 0, ring: TX, frame: 1, before: 2, after: -1, ownerBefore: -1, conforming: false });
  });

  it.each(FIELDS)('a store of %s alone writes that field and no other', (name, x) => {
    const s = fresh();
    const before = Array.from(s.units);
    store(s, { thread: 0, kernel: true, conforming: true }, here(s, RX, 1), { [name]: x === 0 ? 9 : x });
    const f = s.sock.rx.frames[1];
    expect(f[name]).toBe(x === 0 ? 9 : x);
    // Put it back: the vector is then exactly as before (nothing else was written).
    f[name] = name === 'owner' ? -1 : 0;
    expect(Array.from(s.units)).toEqual(before);
  });

  it('a store through a stale address writes nothing, records a use-after-free and before/owner -1', () => {
    const s = fresh();
    fill(s, RX, 1);
    const before = Array.from(s.units);
    store(s, { thread: 0, kernel: true, conforming: true }, { ring: RX, gen: 9, frame: 1 }, { status: 1, len: 5 });
    expect(s.ghost.usedFreed).toBe(true);
    s.ghost.usedFreed = false;
    expect(Array.from(s.units)).toEqual(before);
    expect({ ...s.ghost.last }).toEqual({ kind: 'kstore', thread: 0, ring: RX, frame: 1, before: -1, after: 1, ownerBefore: -1, conforming: true });
  });
});
