/**
 * The engine interface of the spec (src/model/spec.ts): makeCtx's interned
 * actions and their range check, layoutOf's frame slots (every request a setup
 * thread may install on a ring), initialState's ownership of the initial
 * mapping, applyInPlace's refusal of an action that does not fit and its
 * clearing of per-transition thread locals, describeAction, buildSpec's
 * symmetry reduction, and errnoName (src/model/constants.ts).
 */
import { describe, expect, it } from 'vitest';
import { findScenario, findVariant } from '../../src/catalog.js';
import type { ThreadSpec } from '../../src/model/config.js';
import { errnoName } from '../../src/model/constants.js';
import { applyInPlace, buildSpec, describeAction, initialState, layoutOf, makeCtx } from '../../src/model/spec.js';
import { Layout } from '../../src/model/state.js';
import { labelId } from '../../src/model/step.js';
import { bench, enter, FOUR, scenario, stepOnce, tid, TWO } from './helpers.js';

const EIGHT = { blockSize: 4096, blockNr: 2, frameSize: 1024, frameNr: 8 };
const linux45 = findVariant('linux-4.5');
const consumer: ThreadSpec = { name: 'consumer', program: 'consumer', params: { maxHold: 0 } };
const producer: ThreadSpec = { name: 'prod', program: 'producer', params: { count: 1, path: 'ring', firstTag: 1 } };

describe('makeCtx actions', () => {
  const c = makeCtx(linux45, findScenario('rx-basic'));
  const L = labelId('c.start');
  it('an action is interned: the same (thread, label, choice) gives the same frozen object', () => {
    const a = c.action(3, L, 0);
    expect(c.action(3, L, 0)).toBe(a);
    expect(a).toEqual({ actor: 'consumer', kind: 'c.start', thread: 3, arg: 0, label: L });
    expect(Object.isFrozen(a)).toBe(true);
    expect(c.action(2, L, 0)).not.toBe(a);
    expect(c.action(3, L, 1)).not.toBe(a);
  });
  it('a choice is an integer in [-1, 65536]', () => {
    expect(c.action(3, L, -1).arg).toBe(-1);
    expect(c.action(3, L, 65536).arg).toBe(65536);
    for (const arg of [-2, 65537, 0.5]) {
      expect(() => c.action(3, L, arg)).toThrow(new RangeError(`step choice ${arg} is not an integer in [-1, 65536]`));
    }
  });
});

describe('layoutOf', () => {
  it("gives each ring slots for the largest request installed at the start or by a setup thread's setsockopt on that ring", () => {
    const setup: ThreadSpec = {
      name: 'setup',
      program: 'setup',
      params: { ops: [{ op: 'setsockopt', ring: 'rx', req: 1 }, { op: 'mmap' }, { op: 'setsockopt', ring: 'tx', req: 2 }, { op: 'munmap' }] },
    };
    const l = layoutOf(scenario([setup], { requests: [FOUR, EIGHT, TWO], rx: 0, tx: null }));
    expect(l.rxFrames).toBe(8);
    expect(l.txFrames).toBe(2);
    const none = layoutOf(scenario([consumer], { requests: [FOUR, EIGHT], rx: null, tx: null }));
    expect([none.rxFrames, none.txFrames]).toEqual([0, 0]);
  });
  it('a producer thread gets the short producer shape, every other thread the full one', () => {
    const l = layoutOf(scenario([producer, consumer]));
    const expected = new Layout(4, 0, ['producer', 'full']);
    expect(l.threadSizes).toEqual(expected.threadSizes);
    expect(l.threadSizes[0]).toBeLessThan(l.threadSizes[1]);
  });
});

describe('initialState', () => {
  it('the initial mapping belongs to the first setup thread only', () => {
    const setup = (name: string): ThreadSpec => ({ name, program: 'setup', params: { ops: [{ op: 'close' }] } });
    const c = makeCtx(linux45, scenario([setup('a'), setup('b')]));
    const s = initialState(c);
    expect(s.threads[0].l.maps).toBe(1);
    expect(s.threads[1].l.maps).toBe(0);
  });
});

describe('applyInPlace', () => {
  const c = makeCtx(linux45, findScenario('rx-basic'));
  it('refuses an action whose thread is not at its label, or that names no thread', () => {
    const s = initialState(c);
    const a = c.action(3, labelId('send.copy-claim'), 0);
    expect(() => applyInPlace(c, s, a)).toThrow(`action consumer:send.copy-claim does not fit the state (thread is at ${s.threads[3].pc})`);
    const ghost = { actor: 'ghost', kind: 'c.start', thread: 9, arg: 0, label: labelId('c.start') };
    expect(() => applyInPlace(c, s, ghost)).toThrow('action ghost:c.start does not fit the state (thread is at nothing)');
  });
  it('clears fullSeen outside an allocation, fwdSeen off fwd.step, and a return value at rest', () => {
    const { c: tc, s } = bench('linux-4.5', findScenario('tx-sibling'));
    const ti = tid(tc, 'txuser');
    const t = s.threads[ti];
    expect(t.pc).toBe('u.check');
    t.l.fullSeen = true;
    t.l.fwdSeen = 6;
    t.l.ret = 5;
    const n = stepOnce(tc, s, ti);
    expect(n.threads[ti].pc).toBe('u.fill');
    expect(n.threads[ti].stack.length).toBe(0);
    expect(n.threads[ti].l.fullSeen).toBe(false);
    expect(n.threads[ti].l.fwdSeen).toBe(0);
    expect(n.threads[ti].l.ret).toBe(0);
  });
  it('keeps fullSeen inside an allocation and fwdSeen across netlink_forward_ring (fwd.step adds the frame it reads)', () => {
    const { c: bc, s } = bench('linux-4.5', findScenario('rx-basic'));
    enter(s, 3, 'fwd.step');
    const t = s.threads[3];
    t.l.inAlloc = true;
    t.l.fullSeen = true;
    t.l.fwdSeen = 2;
    const n = stepOnce(bc, s, 3);
    expect(n.threads[3].l.fwdSeen).toBe(3);
    expect(n.threads[3].l.fullSeen).toBe(true);
  });
});

describe('describeAction', () => {
  it("prefixes the step's text with whose code and which thread; a label with no step is an error naming the variant", () => {
    const c = makeCtx(linux45, findScenario('rx-basic'));
    const s = initialState(c);
    const [a] = buildSpec(linux45, findScenario('rx-basic')).actions(s);
    expect(describeAction(c, s, a)).toMatch(new RegExp(`^kernel\\[${a.actor}\\]: `));
    const cont = c.action(3, labelId('send.attach'), 0);
    expect(() => describeAction(c, s, cont)).toThrow('no step labelled send.attach in variant linux-4.5');
  });
});

describe('buildSpec', () => {
  it('offers canonical units when the scenario has interchangeable producers (rx-basic), not otherwise', () => {
    expect(typeof buildSpec(linux45, findScenario('rx-basic')).canonicalUnits).toBe('function');
    expect(buildSpec(linux45, scenario([consumer])).canonicalUnits).toBeUndefined();
  });
});

describe('errnoName', () => {
  it('names an errno by its symbol with its sign; 0 is "0"; an unknown one is its number', () => {
    expect(errnoName(0)).toBe('0');
    expect(errnoName(12)).toBe('ENOMEM');
    expect(errnoName(-12)).toBe('-ENOMEM');
    expect(errnoName(-7)).toBe('-7');
    expect(errnoName(7)).toBe('7');
  });
});
