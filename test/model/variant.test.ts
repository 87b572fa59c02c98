/**
 * Variants as patches (src/model/variant.ts, src/model/step.ts stepTableFor):
 * knobs checked by name and value, overrides that replace only what they give,
 * added steps, inheritance through derived variants, and isolation (one
 * variant's overrides never leak into another's step table).
 */
import { describe, expect, it } from 'vitest';
import { defineVariant, deriveVariant, KNOB_VALUES } from '../../src/model/variant.js';
import { labelId, stepAt, stepTableFor } from '../../src/model/step.js';
import { linux45 } from '../../src/model/variants/linux-4.5.js';
import { linux310 } from '../../src/model/variants/linux-3.10.js';
import { UsageError } from '../../src/errors.js';
import { buildTargetFor } from '../../src/targets.js';
import { bfs } from '../../src/check/bfs.js';

const CLAIM = labelId('send.copy-claim');

describe('defineVariant', () => {
  it('refuses an unknown knob, naming the knobs that exist', () => {
    expect(() => deriveVariant(linux45, 'x', 'd', 'c', { txmode: 'zero-copy' } as never)).toThrow(UsageError);
    expect(() => deriveVariant(linux45, 'x', 'd', 'c', { txmode: 'zero-copy' } as never)).toThrow(`unknown knob 'txmode' (knobs: ${Object.keys(KNOB_VALUES).join(', ')})`);
  });

  it('refuses a knob value the knob cannot take, naming the values', () => {
    expect(() => deriveVariant(linux45, 'x', 'd', 'c', { pollRx: 'any' } as never)).toThrow('knob pollRx must be "prev-frame" or "any-valid", got "any"');
  });

  it('refuses unknown fields, a missing base and ids that cannot go into a command line', () => {
    expect(() => defineVariant({ base: linux45, id: 'x', description: 'd', cites: 'c', knob: {} } as never)).toThrow("unknown field 'knob'");
    expect(() => defineVariant({ id: 'x', description: 'd', cites: 'c' } as never)).toThrow("'base' must be a variant");
    expect(() => defineVariant({ base: linux45, id: 'a b', description: 'd', cites: 'c' })).toThrow('must be a word');
    expect(() => defineVariant({ base: linux45, id: 'x', description: '', cites: 'c' })).toThrow("'description' must be a non-empty string");
  });

  it('inherits knobs, overrides and added steps; a later override of the same label replaces only the fields it gives', () => {
    const run = () => undefined;
    const text = () => 'patched';
    const a = defineVariant({ base: linux45, id: 'a', description: 'd', cites: 'c', overrides: { 'send.copy-claim': { cites: 'p1', run } } });
    const b = defineVariant({ base: a, id: 'b', description: 'd', cites: 'c', knobs: { orderedIds: true }, overrides: { 'send.copy-claim': { cites: 'p2', text } } });
    expect(b.base).toBe('a');
    expect(b.knobs).toEqual({ ...linux45.knobs, orderedIds: true });
    expect(b.overrides?.['send.copy-claim']).toEqual({ cites: 'p2', run, text });
  });
});

describe('stepTableFor', () => {
  it('replaces only the fields an override gives, and cites the patch before the step it patches', () => {
    const run = () => undefined;
    const v = defineVariant({ base: linux45, id: 'only-run', description: 'd', cites: 'c', overrides: { 'send.copy-claim': { cites: 'my patch', run } } });
    const d = stepTableFor(v).steps[CLAIM]!;
    const base = stepAt('send.copy-claim');
    expect(d.run).toBe(run);
    expect(d.text).toBe(base.text);
    expect(d.guard).toBe(base.guard);
    expect(d.cites).toBe(`my patch (patches: ${base.cites})`);
  });

  it('never changes the base table or another variant: linux-4.5 keeps its finding after a patch removed it elsewhere', () => {
    const patched = defineVariant({
      base: linux45,
      id: 'no-copy',
      description: 'd',
      cites: 'c',
      overrides: { 'send.copy-claim': { cites: 'p', guard: () => false } },
    });
    expect(stepTableFor(patched).steps[CLAIM]).not.toBe(stepAt('send.copy-claim'));
    expect(stepTableFor(linux45).steps[CLAIM]).toBe(stepAt('send.copy-claim'));
    expect(stepTableFor(linux310).steps[CLAIM]).toBe(stepAt('send.copy-claim'));
    const t = buildTargetFor(linux45, 'copy-mixed');
    const r = bfs({ ...t, invariants: t.invariants.filter((p) => p.id === 'OWN-RX-KERNEL-WRITE') });
    expect(r.verdict).toBe('fail');
  });

  it('gives an added step a label id of its own, in every variant that adds it, and refuses base labels', () => {
    const step = { who: 'kernel' as const, cites: 'p', text: () => 't', run: () => undefined };
    const a = defineVariant({ base: linux45, id: 'add-a', description: 'd', cites: 'c', steps: { 'my.extra': step } });
    const b = defineVariant({ base: linux310, id: 'add-b', description: 'd', cites: 'c', steps: { 'my.extra': step } });
    stepTableFor(a);
    stepTableFor(b);
    const id = labelId('my.extra');
    expect(stepTableFor(a).steps[id]).toBe(step);
    expect(stepTableFor(b).steps[id]).toBe(step);
    expect(stepTableFor(linux45).steps[id]).toBeUndefined();
    const dup = defineVariant({ base: linux45, id: 'dup', description: 'd', cites: 'c', steps: { 'send.copy-mark': step } });
    expect(() => stepTableFor(dup)).toThrow("'send.copy-mark' is a label of the base spec; replace it under 'overrides' instead of adding it");
  });

  it('lets a continuation be overridden in run only', () => {
    const v = defineVariant({ base: linux45, id: 'cont', description: 'd', cites: 'c', overrides: { 'send.attach': { cites: 'p', text: () => 'x' } } });
    expect(() => stepTableFor(v)).toThrow("override of 'send.attach' (a continuation): unknown field 'text' (allowed: cites, run)");
    const ok = defineVariant({ base: linux45, id: 'cont-ok', description: 'd', cites: 'c', overrides: { 'send.attach': { cites: 'p', run: () => undefined } } });
    expect(stepTableFor(ok).continuations[labelId('send.attach')]).toBeDefined();
  });

  it('refuses an override that replaces nothing', () => {
    const v = defineVariant({ base: linux45, id: 'empty', description: 'd', cites: 'c', overrides: { 'send.copy-claim': { cites: 'p' } } });
    expect(() => stepTableFor(v)).toThrow("override of 'send.copy-claim' replaces nothing: give at least one of guard, choices, text, run");
  });
});
