/**
 * What the liveness check counts as progress, which steps are promised (strong
 * fairness) and which end states are proper (src/model/progress.ts), one test per
 * clause, on transitions built by hand: `s`, an action, and a successor `t`
 * whose record of what the step did is set directly.
 */
import { describe, expect, it } from 'vitest';
import { COPY, RESERVED, RX, SKIP, TX, UNUSED, VALID } from '../../../src/model/constants.js';
import type { ThreadSpec } from '../../../src/model/config.js';
import { isProgress, promiseOf, unfinishedThreads } from '../../../src/model/progress.js';
import { cloneState, type State } from '../../../src/model/state.js';
import { DONE_ID, labelId } from '../../../src/model/step.js';
import { bench, scenario, tid } from '../helpers.js';

const consumer: ThreadSpec = { name: 'c', program: 'consumer', params: { maxHold: 1 } };
const producer: ThreadSpec = { name: 'p', program: 'producer', params: { count: 1, path: 'ring', firstTag: 1 } };

function setup() {
  const { c, s } = bench('linux-4.5', scenario([producer, consumer]));
  const ci = tid(c, 'c');
  const pi = tid(c, 'p');
  // The consumer at its look at the ring; the step is the action it takes there.
  s.threads[ci].pc = 'c.look';
  const a = c.action(ci, labelId('c.look'), -1);
  const t = cloneState(s);
  t.ghost.clearTransient();
  return { c, s: s as State, t, a, ci, pi };
}

/** Record in `t` a frame store of the acting thread. */
function stored(t: State, who: 'kstore' | 'ustore', ring: number, before: number, after: number, conforming = true): void {
  const e = t.ghost.last;
  e.kind = who;
  e.ring = ring;
  e.frame = 0;
  e.before = before;
  e.after = after;
  e.conforming = conforming;
}

describe('progress', () => {
  it('a step that changes nothing the definition looks at is not progress', () => {
    const { c, s, a, t } = setup();
    expect(isProgress(c, s, a, t)).toBe(false);
  });

  it('a thread that finishes makes progress', () => {
    const { c, s, a, t, ci } = setup();
    t.threads[ci].pcId = DONE_ID;
    expect(isProgress(c, s, a, t)).toBe(true);
  });

  it.each(['read', 'read-id', 'dump-read', 'error-read', 'dump-done', 'tx-acted'])('the note %s (something delivered or consumed) is progress', (note) => {
    const { c, s, a, t } = setup();
    t.ghost.note = note;
    expect(isProgress(c, s, a, t)).toBe(true);
  });

  it.each(['poll-return', 'forward-skip', 'alloc-full', 'copy-full', 'sendmsg-return', 'dump-from-poll'])('the note %s is not progress', (note) => {
    const { c, s, a, t } = setup();
    t.ghost.note = note;
    expect(isProgress(c, s, a, t)).toBe(false);
  });

  it.each([
    ['the kernel publishes an RX frame VALID', 'kstore', RX, RESERVED, VALID, true],
    ['the kernel marks an RX frame COPY', 'kstore', RX, UNUSED, COPY, true],
    ['the kernel reserves an RX frame', 'kstore', RX, UNUSED, RESERVED, false],
    ['the kernel stores UNUSED in an RX frame', 'kstore', RX, RESERVED, UNUSED, false],
    ['the kernel hands a TX frame back (UNUSED)', 'kstore', TX, VALID, UNUSED, true],
    ['the kernel reserves a TX frame', 'kstore', TX, VALID, RESERVED, false],
    ['the kernel stores a field but no status', 'kstore', RX, VALID, -1, false],
    ['the user releases an RX frame', 'ustore', RX, VALID, UNUSED, true],
    ['the user releases a held SKIP frame', 'ustore', RX, SKIP, UNUSED, true],
    ['the user holds an RX frame (SKIP)', 'ustore', RX, VALID, SKIP, false],
    ['the user submits a TX frame (VALID)', 'ustore', TX, UNUSED, VALID, true],
    ['the user writes a TX frame but no status', 'ustore', TX, UNUSED, -1, false],
  ] as const)('%s: progress %s', (_what, who, ring, before, after, expected) => {
    const { c, s, a, t } = setup();
    stored(t, who, ring, before, after);
    expect(isProgress(c, s, a, t)).toBe(expected);
  });

  it('a hostile writer (not conforming) marking a TX frame VALID or an RX frame UNUSED is not progress', () => {
    for (const [ring, after] of [[TX, VALID], [RX, UNUSED]] as const) {
      const { c, s, a, t } = setup();
      stored(t, 'ustore', ring, UNUSED, after, false);
      expect(isProgress(c, s, a, t)).toBe(false);
    }
  });

  it('the receive queue growing or shrinking is progress', () => {
    const { c, s, a, t } = setup();
    t.sock.rcvq.push({ msg: 3, seq: 1, frame: -1 });
    expect(isProgress(c, s, a, t)).toBe(true);
    expect(isProgress(c, t, a, s)).toBe(true);
  });
});

describe('promises (strong fairness)', () => {
  it("releasing a held SKIP frame is the consumer's 'release'", () => {
    const { c, s, a, t } = setup();
    stored(t, 'ustore', RX, SKIP, UNUSED);
    expect(promiseOf(c, s, a, t)).toBe('release');
  });

  it('releasing a VALID frame, a hostile store, or a store in the TX ring is no release', () => {
    for (const [ring, before, conforming] of [[RX, VALID, true], [RX, SKIP, false], [TX, SKIP, true]] as const) {
      const { c, s, a, t } = setup();
      stored(t, 'ustore', ring, before, UNUSED, conforming);
      expect(promiseOf(c, s, a, t)).toBeUndefined();
    }
  });

  it("a step with a guard (taking a lock, being woken) is a 'wait'; a step without one promises nothing", () => {
    const { c, s, t, pi, ci } = setup();
    expect(promiseOf(c, s, c.action(pi, labelId('alloc.lock'), 0), t)).toBe('wait');
    expect(promiseOf(c, s, c.action(ci, labelId('c.sleep'), 0), t)).toBe('wait');
    expect(promiseOf(c, s, c.action(ci, labelId('c.look'), -1), t)).toBeUndefined();
  });
});

describe('proper end states', () => {
  it('every thread finished, or a consumer asleep in poll, is a proper end', () => {
    const { c, s, ci, pi } = setup();
    s.threads[pi].pcId = DONE_ID;
    s.threads[ci].pcId = DONE_ID;
    expect(unfinishedThreads(c, s)).toEqual([]);
    s.threads[ci].pc = 'c.sleep';
    expect(unfinishedThreads(c, s)).toEqual([]);
    // Another program retrying bind() for a port id that is never freed (kernel/setup.ts port.bind).
    s.threads[pi].pc = 'port.bind';
    expect(unfinishedThreads(c, s)).toEqual([]);
  });

  it('a thread stopped anywhere else is work left undone, with the locks it holds', () => {
    const { c, s, ci, pi } = setup();
    s.threads[ci].pcId = DONE_ID;
    s.threads[pi].pc = 'alloc.lock';
    expect(unfinishedThreads(c, s)).toEqual(['p cannot take its next step (alloc.lock)']);
    s.sock.rxqLock = pi;
    s.sock.pgVecLock = pi;
    s.sock.cbMutex = pi;
    s.idLock = pi;
    expect(unfinishedThreads(c, s)).toEqual(['p cannot take its next step (alloc.lock), holding the receive-queue lock and pg_vec_lock and cb_mutex and the id lock']);
    s.threads[ci].pc = 'c.look';
    expect(unfinishedThreads(c, s)).toHaveLength(2);
  });
});
