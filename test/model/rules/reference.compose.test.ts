/**
 * The reference design as referenceWithout builds it (src/model/variants/reference.ts),
 * built inside each test: how the fixes' wrappings, guards and steps are put together
 * into one variant, and the overrides whose wrappers only run while the variant is built
 * (geometry-at-swap's netlink_set_ring, overrun-reports-every-drop's __netlink_alloc_skb).
 * reference.rules.test.ts checks each fix on the variant the catalogue loaded at import;
 * these tests check the same rules on a variant built while the test runs, so that a
 * wrong composition fails here. Also the holding consumer's batch verdict at a frame it
 * holds (hold-until-passed only changes its look at the frame, not the verdict).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ENOBUFS, RX, SKIP, UNUSED, VALID } from '../../../src/model/constants.js';
import type { ScenarioConfig, ThreadSpec } from '../../../src/model/config.js';
import { initialState, makeCtx } from '../../../src/model/spec.js';
import type { State } from '../../../src/model/state.js';
import { labelId, type Ctx, type StepDef } from '../../../src/model/step.js';
import type { Fix } from '../../../src/model/variants/reference.js';

// reference.ts builds its fix table (the wrappers these tests check) when it loads, and
// test/model/helpers.ts loads it through the catalog. Both are imported inside the tests,
// not at the top of the file: the module then loads during the first test, which Stryker's
// per-test coverage credits with that table (vitest.mutate.config.ts). So the first test
// checks every wrapper that only takes effect at load; the later tests repeat one each.
const loadModules = async () => ({ ...(await import('../../../src/model/variants/reference.js')), ...(await import('../helpers.js')) });
let M: Awaited<ReturnType<typeof loadModules>>;
beforeEach(async () => {
  M ??= await loadModules();
});

const ringProducer: ThreadSpec = { name: 'p', program: 'producer', params: { count: 0, path: 'ring', firstTag: 1 } };
const consumer = (name = 'c', maxHold = 0, verdicts = 0): ThreadSpec => ({ name, program: 'consumer', params: { maxHold, verdicts } });

/** The reference built now (every fix, or all but `omit`), on scenario `sc`. */
function built(sc: ScenarioConfig, omit: readonly string[] = []): { c: Ctx; s: State } {
  const c = makeCtx(M.referenceWithout(omit), sc);
  return { c, s: initialState(c) };
}

/** The variant's own step at `label` (the overridden one). */
function def(c: Ctx, label: string): StepDef {
  const d = c.table.steps[labelId(label)];
  if (d === undefined) throw new Error(`no step ${label} in ${c.variant.id}`);
  return d;
}

const statuses = (s: State, list: readonly number[]) => list.forEach((st, i) => { s.sock.rx.frames[i].status = st; });

/** Build the reference with `extra` appended to FIXES for the duration of `f`. */
function withExtra<T>(extra: Fix, f: () => T): T {
  const list = M.FIXES as Fix[];
  list.push(extra);
  try {
    return f();
  } finally {
    list.pop();
  }
}

/** Consumer c inside netlink_set_ring at `label` for RX request `req` (of FOUR, TWO, DESTROY), as the steps before leave it. */
function setRing(label: string, req: number, omit: readonly string[] = []) {
  const b = built(M.scenario([consumer()], { requests: [M.FOUR, M.TWO, M.DESTROY], mapped: false }), omit);
  const ti = M.tid(b.c, 'c');
  M.enter(b.s, ti, label);
  const l = b.s.threads[ti].l;
  l.msg = RX;
  l.seq = req;
  if (label === 'so.swap') {
    l.skbGen = b.s.nextGen++;
    b.s.sock.pgVecLock = ti;
  }
  return { ...b, ti };
}

/** geometry-at-swap, netlink_set_ring's size checks: the live ring keeps frames_per_block while the new request is checked. */
function checkSizeCheck(): void {
  const { c, s, ti } = setRing('so.check-size', 1);
  expect(s.sock.rx.framesPerBlock).toBe(4);
  const n = M.stepOnce(c, s, ti);
  expect(n.sock.rx.framesPerBlock).toBe(4);
  expect(n.threads[ti].pc).not.toBe('so.check-size');
  const w = setRing('so.check-size', 1, ['geometry-at-swap']);
  expect(M.stepOnce(w.c, w.s, w.ti).sock.rx.framesPerBlock).toBe(2);
}

/** geometry-at-swap, __netlink_set_ring's swap: frames_per_block is stored with the new geometry. */
function checkSwap(): void {
  const { c, s, ti } = setRing('so.swap', 1);
  const n = M.stepOnce(c, s, ti);
  expect([n.threads[ti].l.ret, n.sock.rx.frameNr, n.sock.rx.framesPerBlock]).toEqual([0, 2, 2]);
}

/** overrun-reports-every-drop, __netlink_alloc_skb: a drop while CONGESTED sets sk_err again. */
function checkOverrun(): void {
  for (const [omit, err] of [[[], ENOBUFS], [['overrun-reports-every-drop'], 0]] as const) {
    const { c, s } = built(M.scenario([ringProducer, consumer()]), omit);
    const ti = M.tid(c, 'p');
    M.enter(s, ti, 'alloc.check');
    s.sock.rxqLock = ti;
    s.sock.sockRefs = 1;
    s.threads[ti].l.inAlloc = true;
    s.threads[ti].l.skbLen = 64;
    s.sock.congested = true;
    statuses(s, [VALID, VALID, VALID, VALID]);
    const n = M.stepOnce(c, s, ti);
    expect([n.sock.drops, n.sock.skErr, n.sock.wake], omit.join()).toEqual([1, err, err !== 0]);
  }
}

it('loaded in this test (the fix table reference.ts builds at load): geometry-at-swap wraps the size checks and the swap, overrun-reports-every-drop wraps __netlink_alloc_skb', () => {
  checkSizeCheck();
  checkSwap();
  checkOverrun();
});

// ---------------------------------------------------------------------------------------------

describe('geometry-at-swap (Finding 3), as built: netlink_set_ring keeps frames_per_block in a local and stores it in the swap', () => {
  it('size checks (netlink_set_ring): the live ring keeps its frames_per_block (4) while the new request (2 per block) is validated; without the fix it is overwritten', () => {
    checkSizeCheck();
  });

  it('swap (__netlink_set_ring): frames_per_block = block_size / frame_size is stored with the rest of the new geometry', () => {
    checkSwap();
  });
});

describe('overrun-reports-every-drop (Finding 5), as built: __netlink_alloc_skb reports every drop', () => {
  it('__netlink_alloc_skb, ring full while CONGESTED: overrun counts the drop and sets sk_err = ENOBUFS again, waking pollers; without the fix only counted', () => {
    checkOverrun();
  });
});

describe('dump-space-counts (Finding 4), as built: netlink_dump_space scans under the receive-queue lock', () => {
  /** Consumer c at poll's dump-space step with a dump running and the queue lock held by consumer o. */
  function locked(c: Ctx, s: State): number {
    const ti = M.tid(c, 'c');
    M.enter(s, ti, 'poll.space1');
    s.sock.dumpRunning = true;
    s.sock.rxqLock = M.tid(c, 'o');
    return ti;
  }

  it('the scan waits for the queue lock another thread holds (the fix\'s guard is part of the built step); free, it runs', () => {
    const { c, s } = built(M.scenario([consumer(), consumer('o')]));
    const ti = locked(c, s);
    expect(M.choicesOf(c, s, ti)).toEqual([]);
    s.sock.rxqLock = -1;
    expect(M.choicesOf(c, s, ti)).toEqual([0]);
  });

  it('a later fix that wraps the same step without a guard of its own keeps the guard an earlier fix gave', () => {
    const extra: Fix = { id: 'x', cites: 'test', removes: [], wraps: { 'poll.space1': { text: (p) => (c, s, ti, arg) => `${p(c, s, ti, arg)} (x)` } } };
    const v = withExtra(extra, () => M.referenceWithout());
    const c = makeCtx(v, M.scenario([consumer(), consumer('o')]));
    const s = initialState(c);
    const ti = locked(c, s);
    expect(def(c, 'poll.space1').guard).toBeDefined();
    expect(M.choicesOf(c, s, ti)).toEqual([]);
    s.sock.rxqLock = -1;
    expect(M.choicesOf(c, s, ti)).toEqual([0]);
    expect(def(c, 'poll.space1').text(c, s, ti, 0)).toMatch(/count free frames: rx frame 0 is UNUSED \(x\)$/);
  });
});

describe('hold-until-passed (Finding 9): at a frame it holds, the batch verdict is still the verdict (user/consumer.ts c.look)', () => {
  /** Holding consumer c with one batch verdict due, holding rx frame 1 (SKIP) with its cursor on it, the TX frame at its cursor UNUSED. */
  function atOwnSkipWithVerdict() {
    const b = M.bench('reference', M.scenario([consumer('c', 4, 1)], { tx: 0 }));
    const ti = M.tid(b.c, 'c');
    statuses(b.s, [UNUSED, SKIP, UNUSED, UNUSED]);
    b.s.threads[ti].l.held.insertSorted(1);
    b.s.threads[ti].l.cursor = 1;
    b.s.threads[ti].l.maxRead = 3;
    return { ...b, ti };
  }

  it('look with the verdict choice at an own held frame: described as the batch verdict, not as the held-frame question', () => {
    const { c, s, ti } = atOwnSkipWithVerdict();
    expect(M.choicesOf(c, s, ti)).toEqual([-1, 100]);
    expect(def(c, 'c.look').text(c, s, ti, 100)).toBe('tx frame 0 is UNUSED: batch verdict for ids <= 3?');
    expect(def(c, 'c.look').text(c, s, ti, -1)).toBe('rx frame 1 is SKIP, held here: has the kernel passed it?');
  });

  it('look with the verdict choice at an own held frame: the TX frame is UNUSED, so fill the verdict (the held frame stays held, nothing asked about it)', () => {
    const { c, s, ti } = atOwnSkipWithVerdict();
    const n = M.stepOnce(c, s, ti, 100);
    expect(n.threads[ti].pc).toBe('c.verdict-fill');
    expect(n.threads[ti].l.held.toArray()).toEqual([1]);
    expect(M.stepOnce(c, s, ti, -1).threads[ti].pc).toBe('ref.c.passed');
  });
});
