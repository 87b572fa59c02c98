/**
 * The memory models of src/model/mem.ts: store buffers (tso: oldest first; weak: any
 * order a barrier allows), early loads at a window, the barriers, the bound, and what
 * they add up to: B2 found on linux-3.10 under weak only, and a barrier taken away
 * by a variant making a passing scenario fail.
 */
import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { buildTarget, findScenario, findVariant, targetOf } from '../../src/catalog.js';
import { MSG_NONE, RX, RESERVED, VALID } from '../../src/model/constants.js';
import {
  LOC_HEADER, LOC_MESSAGE, drain, drainable, earlyChoices, earlyLoads, here, load, loadEarly, loadPublished, mb, peek, release, rmb, settled, store, storeBuffer, visible, wmb,
} from '../../src/model/mem.js';
import { Layout, MEM_WORDS, SB_CAP, cloneState, plainState, type State } from '../../src/model/state.js';
import { deriveVariant } from '../../src/model/variant.js';
import type { Spec } from '../../src/model/interface.js';
import type { NlAction } from '../../src/model/spec.js';
import { catalogModel } from './helpers.js';
import { formatText } from '../../src/report/text.js';
import { formatJson } from '../../src/report/json.js';

const KERNEL = { thread: 0, kernel: true, conforming: true };
/** rx-publish's initial state: thread 0 is the producer (kernel code), thread 1 the consumer. */
function start(memory: '' | '+tso' | '+weak' | '+weak-plain'): State {
  return catalogModel('linux-4.5', `rx-publish${memory}`).spec.init();
}
const frame0 = (s: State) => here(s, RX, 0);

/** Only PUBLISH-RX / PUBLISH-TX, exhaustively. */
function publication(variant: string, scenario: string, property: string) {
  const t = buildTarget(variant, scenario);
  return bfs({ ...t, invariants: t.invariants.filter((p) => p.id === property) }, { allViolations: true });
}

describe('the state vector', () => {
  it('under sc a thread has no memory area, so sequentially consistent vectors are as before; tso and weak add MEM_WORDS words per thread', () => {
    const shapes = ['producer', 'full'] as const;
    expect(new Layout(2, 0, shapes, 'weak').size - new Layout(2, 0, shapes).size).toBe(2 * 2 * MEM_WORDS);
    expect(new Layout(2, 0, shapes, 'tso').size).toBe(new Layout(2, 0, shapes, 'weak').size);
    expect(start('').threads.every((t) => t.mem === null)).toBe(true);
    expect(start('+weak').threads.every((t) => t.mem !== null)).toBe(true);
  });
});

describe('store buffers', () => {
  it('sc: a store is visible at once, and nothing is ever buffered', () => {
    const s = start('');
    store(s, KERNEL, frame0(s), { len: 64, status: VALID });
    expect([visible(s, frame0(s), 'len'), visible(s, frame0(s), 'status')]).toEqual([64, VALID]);
    expect(storeBuffer(s, 0)).toEqual([]);
  });

  it('a buffered store is seen by its own thread only, and settles when drained', () => {
    const s = start('+weak');
    store(s, KERNEL, frame0(s), { len: 64 });
    expect(load(s, 0, frame0(s), 'len')).toBe(64);
    expect(load(s, 1, frame0(s), 'len')).toBe(0);
    expect(settled(s, frame0(s), 'len')).toBe(64);
    drain(s, 0, 0);
    expect([visible(s, frame0(s), 'len'), storeBuffer(s, 0).length]).toEqual([64, 0]);
  });

  it('one store() call enters the buffer as message, then header, then status', () => {
    const s = start('+weak');
    store(s, KERNEL, frame0(s), { status: VALID, len: 64, msg: 3 });
    expect(storeBuffer(s, 0).map((e) => e.loc)).toEqual([LOC_MESSAGE, LOC_HEADER, 0]);
  });

  it('tso drains oldest first; weak any location, unless a write barrier or an older store to the same location is before it', () => {
    const tso = start('+tso');
    store(tso, KERNEL, frame0(tso), { msg: 3, len: 64, status: VALID });
    expect(drainable(tso, 0)).toEqual([0]);
    const weak = start('+weak');
    store(weak, KERNEL, frame0(weak), { msg: 3, len: 64, status: VALID });
    expect(drainable(weak, 0)).toEqual([0, 1, 2]);
    // smp_wmb between the header and the status: the status waits for both.
    const fenced = start('+weak');
    store(fenced, KERNEL, frame0(fenced), { msg: 3, len: 64 });
    wmb(fenced, 0);
    store(fenced, KERNEL, frame0(fenced), { status: VALID });
    expect(drainable(fenced, 0)).toEqual([0, 1]);
    drain(fenced, 0, 1);
    drain(fenced, 0, 0);
    expect(drainable(fenced, 0)).toEqual([0]);
    expect(storeBuffer(fenced, 0)[0].fence).toBe(false);
    // Two stores to one location stay in program order (coherence).
    const twice = start('+weak');
    store(twice, KERNEL, frame0(twice), { status: RESERVED });
    store(twice, KERNEL, frame0(twice), { status: VALID });
    expect(drainable(twice, 0)).toEqual([0]);
  });

  it('tso ignores write barriers (its buffer is FIFO already)', () => {
    const s = start('+tso');
    store(s, KERNEL, frame0(s), { len: 64 });
    wmb(s, 0);
    store(s, KERNEL, frame0(s), { status: VALID });
    expect(storeBuffer(s, 0).map((e) => e.fence)).toEqual([false, false]);
  });

  it('smp_mb and a lock release make every buffered store visible, in program order', () => {
    for (const barrier of [mb, release]) {
      const s = start('+weak');
      store(s, KERNEL, frame0(s), { status: RESERVED, len: 8 });
      store(s, KERNEL, frame0(s), { status: VALID, len: 64 });
      barrier(s, 0);
      expect([visible(s, frame0(s), 'status'), visible(s, frame0(s), 'len'), storeBuffer(s, 0).length]).toEqual([VALID, 64, 0]);
    }
  });

  it(`the bound: a buffer holds ${SB_CAP} entries, and a store to a full one first makes the oldest visible`, () => {
    const s = start('+tso');
    for (let i = 1; i <= SB_CAP; i++) store(s, KERNEL, frame0(s), { len: i });
    expect(storeBuffer(s, 0)).toHaveLength(SB_CAP);
    store(s, KERNEL, frame0(s), { len: 99 });
    expect(storeBuffer(s, 0)).toHaveLength(SB_CAP);
    expect(visible(s, frame0(s), 'len')).toBe(1);
  });
});

describe('early loads (weak)', () => {
  it('are offered only at a window: the plain consumer\'s status load, not the ordered one\'s', () => {
    const plain = catalogModel('linux-4.5', 'rx-publish+weak-plain');
    const ordered = catalogModel('linux-4.5', 'rx-publish+weak');
    const early = (spec: Spec<State, NlAction>) => spec.actions(spec.init()).filter((a) => a.kind === 'cpu.early').map((a) => `${a.actor}:${a.arg}`);
    expect(early(plain.spec)).toEqual(['consumer:1', 'consumer:2']);
    expect(early(ordered.spec)).toEqual([]);
  });

  it('return what memory held when they were taken, until a read barrier drops them', () => {
    const s = start('+weak-plain');
    expect(earlyChoices(s, 1, frame0(s))).toEqual([LOC_HEADER, LOC_MESSAGE]);
    loadEarly(s, 1, frame0(s), LOC_HEADER);
    expect(earlyChoices(s, 1, frame0(s))).toEqual([LOC_MESSAGE]);
    // The producer then stores nm_len and it becomes visible: the consumer's early load still returns 0.
    store(s, KERNEL, frame0(s), { len: 64 });
    drain(s, 0, 0);
    expect([visible(s, frame0(s), 'len'), load(s, 1, frame0(s), 'len'), peek(s, 1, frame0(s), 'len')]).toEqual([64, 0, 0]);
    rmb(s, 1);
    expect([earlyLoads(s, 1).length, load(s, 1, frame0(s), 'len')]).toEqual([0, 64]);
  });

  it('none under tso: x86 does not reorder loads', () => {
    const s = start('+tso');
    expect(earlyChoices(s, 1, frame0(s))).toEqual([]);
  });
});

describe('loadPublished: the evidence of PUBLISH-RX and PUBLISH-TX', () => {
  it('records a load that returns something other than the settled value, and nothing when they agree', () => {
    const s = start('+weak');
    store(s, KERNEL, frame0(s), { len: 64 });
    const stale = cloneState(s);
    expect(loadPublished(stale, 1, frame0(stale), 'len')).toBe(0);
    expect(stale.ghost.stale).toEqual({ ring: RX, frame: 0, field: 'len', read: 0, stored: 64, thread: 1 });
    drain(s, 0, 0);
    expect(loadPublished(s, 1, frame0(s), 'len')).toBe(64);
    expect(s.ghost.stale).toBeNull();
  });

  it('never under sc, where every load returns the last store', () => {
    const s = start('');
    store(s, KERNEL, frame0(s), { len: 64, msg: MSG_NONE });
    loadPublished(s, 1, frame0(s), 'len');
    expect(s.ghost.stale).toBeNull();
  });
});

describe('sequential consistency is one of the behaviours of tso and weak', () => {
  /** Every state of a small space, as plain objects without the memory areas (and the ghost record of ring reads, kept only under tso / weak). */
  function projections(variant: string, scenario: string, emptyBuffersOnly: boolean): Set<string> {
    const { spec } = { spec: targetOf(findVariant(variant), findScenario(scenario)).spec };
    const seen = new Set<string>();
    const out = new Set<string>();
    const todo: State[] = [spec.init()];
    while (todo.length > 0) {
      const s = todo.pop() as State;
      const key = spec.encode(s);
      if (seen.has(key)) continue;
      seen.add(key);
      const empty = s.threads.every((t) => storeBuffer(s, s.threads.indexOf(t)).length === 0 && earlyLoads(s, s.threads.indexOf(t)).length === 0);
      if (!emptyBuffersOnly || empty) {
        const p = plainState(s) as { threads: Record<string, unknown>[]; ghost: Record<string, unknown> };
        for (const t of p.threads) delete t.mem;
        delete p.ghost.recvTags;
        out.add(JSON.stringify(p));
      }
      for (const a of spec.actions(s)) todo.push(spec.next(s, a));
    }
    return out;
  }

  it.each(['rx-publish', 'tx-publish'])('%s: every sc state is a tso and a weak state with empty buffers (the memory models only add behaviours)', (sc) => {
    const base = projections('linux-3.10', sc, false);
    for (const m of ['+tso', '+weak', '+weak-plain']) {
      const more = projections('linux-3.10', `${sc}${m}`, true);
      const missing = [...base].filter((x) => !more.has(x));
      expect(missing.length, `${sc}${m}`).toBe(0);
    }
  });
});

describe('B2 and the barriers that keep it away', () => {
  it('B2: PUBLISH-RX fails on linux-3.10 under weak, with the correctly ordered consumer', () => {
    const r = publication('linux-3.10', 'rx-publish+weak', 'PUBLISH-RX');
    expect(r.verdict).toBe('fail');
    expect(r.violations?.[0].steps.some((step) => /store buffer: rx frame 0 nm_status = VALID becomes visible/.test(step))).toBe(true);
  });

  it.each([
    ['linux-3.10', 'rx-publish+tso'],
    ['linux-3.10', 'rx-publish'],
    ['linux-3.18.4', 'rx-publish+weak'],
    ['linux-4.5', 'rx-publish+weak'],
    ['reference', 'rx-publish+weak'],
  ])('PUBLISH-RX holds on %s in %s, exhaustively', (variant, scenario) => {
    const r = publication(variant, scenario, 'PUBLISH-RX');
    expect([r.verdict, r.complete]).toEqual(['pass', true]);
  });

  it('taking smp_mb() out of netlink_set_status (knob statusBarrier: none) makes linux-4.5 fail PUBLISH-RX under weak', () => {
    const noMb = deriveVariant(findVariant('linux-4.5'), 'linux-4.5-no-mb', 'linux-4.5 without the barrier in netlink_set_status', 'test: the barrier removed', { statusBarrier: 'none' });
    const t = targetOf(noMb, findScenario('rx-publish+weak'));
    const r = bfs({ ...t, invariants: t.invariants.filter((p) => p.id === 'PUBLISH-RX') });
    expect(r.verdict).toBe('fail');
    // ... and under tso the same variant still passes: x86 keeps stores in order without the barrier.
    const x86 = targetOf(noMb, findScenario('rx-publish+tso'));
    expect(bfs({ ...x86, invariants: x86.invariants.filter((p) => p.id === 'PUBLISH-RX') }).verdict).toBe('pass');
  });

  it('userspace without its barriers (the sample code, +weak-plain) fails PUBLISH-RX and PUBLISH-TX on every kernel, the reference included', () => {
    for (const v of ['linux-4.5', 'reference']) {
      expect(publication(v, 'rx-publish+weak-plain', 'PUBLISH-RX').verdict, v).toBe('fail');
      expect(publication(v, 'tx-publish+weak-plain', 'PUBLISH-TX').verdict, v).toBe('fail');
    }
  });

  it('the kernel\'s TX status load leaves a window on every version (Finding 15); the reference\'s acquire closes it', () => {
    for (const v of ['linux-3.10', 'linux-3.18.4', 'linux-4.5']) expect(publication(v, 'tx-publish+weak', 'PUBLISH-TX').verdict, v).toBe('fail');
    const r = publication('reference', 'tx-publish+weak', 'PUBLISH-TX');
    expect([r.verdict, r.complete]).toEqual(['pass', true]);
    expect(publication('linux-4.5', 'tx-publish+tso', 'PUBLISH-TX').verdict).toBe('pass');
  });
});

describe('ordered userspace orders every status store it makes', () => {
  // A user step that hands a frame over (TX VALID) or back (RX UNUSED, SKIP) must make it a release:
  // its status store waits for every store before it. Checked on walks, so that a user path
  // that forgets the barrier (as the reference's own release once did) fails here.
  it.each([
    ['linux-4.5', 'skip-hold+weak'],
    ['reference', 'skip-hold+weak'],
    ['reference', 'copy-hold+weak'],
    ['linux-4.5', 'nfq-batch+weak'],
    ['linux-4.5', 'tx-batch+weak'],
    ['linux-4.5', 'tx-publish+weak'],
    ['linux-4.5', 'copy-hold@nurs+weak'],
    ['linux-4.5', 'copy-hold@ulogd2+weak'],
  ])('%s %s: the status entry of every user status store comes after a write barrier, or first', (variant, scenario) => {
    const spec = targetOf(findVariant(variant), findScenario(scenario)).spec;
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let checked = 0;
    for (let walk = 0; walk < 200; walk++) {
      let s = spec.init();
      for (let d = 0; d < 120; d++) {
        const as = spec.actions(s);
        if (as.length === 0) break;
        const a = as[rand(as.length)];
        const before = storeBuffer(s, a.thread).length;
        s = spec.next(s, a);
        const e = s.ghost.last;
        if (e.kind !== 'ustore' || !e.conforming || e.after === -1) continue;
        const sb = storeBuffer(s, a.thread);
        const last = sb[sb.length - 1];
        // Its status entry is the newest (it may have drained already if the buffer was full and flushed).
        if (last === undefined || last.loc !== 0 || before === 0 || sb.length === 1) continue;
        expect(last.fence, `${a.actor} ${a.kind}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});


describe('reports under tso and weak', () => {
  const t = buildTarget('linux-3.10', 'rx-publish+weak');
  const r = bfs({ ...t, invariants: t.invariants.filter((p) => p.id === 'PUBLISH-RX') });

  it('the text report states the model and its bounds, and the timeline shows the store buffers', () => {
    const text = formatText(r);
    expect(text).toMatch(/^memory model: weak: store buffers of at most 4 entries per thread/m);
    expect(text).toContain('prod store buffer: [rx frame 0 message (message offset 24, message 1, id 0)]');
    expect(text).toMatch(/prod: store buffer: rx frame 0 nm_status = VALID becomes visible/);
  });

  it('JSON carries the model, and every state view the buffered stores and early loads of each thread', () => {
    const j = JSON.parse(formatJson(r));
    expect(j.memory.model).toBe('weak');
    const views = j.violation.trace.map((step: { view: { threads: { name: string; memory?: { buffered: string[]; early: string[] } }[] } }) => step.view.threads);
    expect(views.every((ts: { memory?: unknown }[]) => ts.every((x) => x.memory !== undefined))).toBe(true);
    expect(views.some((ts: { name: string; memory: { buffered: string[] } }[]) => ts.some((x) => x.name === 'prod' && x.memory.buffered.includes('rx frame 0 nm_status = VALID')))).toBe(true);
  });

  it('under sc neither appears', () => {
    const sc = bfs(buildTarget('linux-3.10', 'rx-publish'));
    expect(formatText(sc)).not.toContain('memory model:');
    expect(JSON.parse(formatJson(sc)).memory).toBeUndefined();
  });
});

describe('early loads in a counterexample', () => {
  it('the plain consumer\'s early load shows as a step of its own, and what it loaded under it', () => {
    const t = buildTarget('linux-4.5', 'rx-publish+weak-plain');
    const r = bfs({ ...t, invariants: t.invariants.filter((p) => p.id === 'PUBLISH-RX') });
    const text = formatText(r);
    expect(text).toMatch(/consumer: early load: rx frame 0 header \(nm_len 0\) read before its status/);
    expect(text).toContain('consumer loaded early: [rx frame 0 header (nm_len 0, nm_group 0)]');
  });
});
