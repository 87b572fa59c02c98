/**
 * Variant checks (src/model/variant.ts): checkKnobs (names, values, and for a
 * complete variant every knob present), defineVariant's refusals of malformed
 * patches with the exact one-line UsageError a user sees, and what the derived
 * variant carries (knobs, base id, inherited overrides, steps and continuations).
 */
import { describe, expect, it } from 'vitest';
import { usageMessage } from './helpers.js';
import { checkKnobs, defineVariant, deriveVariant, KNOB_VALUES, type Knobs } from '../../src/model/variant.js';
import { linux45 } from '../../src/model/variants/linux-4.5.js';

const NAMES = Object.keys(KNOB_VALUES);

const usage = usageMessage;

describe('checkKnobs', () => {
  it('refuses knobs that are not an object', () => {
    expect(usage(() => checkKnobs('w', null as never, false))).toBe('w: knobs must be an object');
    expect(usage(() => checkKnobs('w', 5 as never, false))).toBe('w: knobs must be an object');
  });
  it('accepts a partial set when not complete, and every knob at every value', () => {
    expect(() => checkKnobs('w', {}, false)).not.toThrow();
    for (const [k, vals] of Object.entries(KNOB_VALUES)) for (const x of vals) expect(() => checkKnobs('w', { [k]: x }, false)).not.toThrow();
    expect(() => checkKnobs('w', linux45.knobs, true)).not.toThrow();
  });
  it('refuses an unknown knob and a value the knob cannot take', () => {
    expect(usage(() => checkKnobs('w', { nope: 1 }, false))).toBe(`w: unknown knob 'nope' (knobs: ${NAMES.join(', ')})`);
    expect(usage(() => checkKnobs('w', { orderedIds: 'yes' }, false))).toBe('w: knob orderedIds must be false or true, got "yes"');
  });
  it('a complete variant must give every knob: the missing ones are listed in order', () => {
    const { txMode: _t, dumpAlloc: _d, ...rest } = linux45.knobs as Knobs;
    expect(usage(() => checkKnobs('w', rest, true))).toBe(
      'w: missing knobs txMode, dumpAlloc (derive it with deriveVariant(base, ...) or defineVariant({ base, ... }) to inherit the rest)',
    );
    expect(usage(() => checkKnobs('w', {}, true))).toBe(
      `w: missing knobs ${NAMES.join(', ')} (derive it with deriveVariant(base, ...) or defineVariant({ base, ... }) to inherit the rest)`,
    );
    expect(() => checkKnobs('w', rest, false)).not.toThrow();
  });
});

describe('defineVariant refusals', () => {
  const ok = { base: linux45, id: 'x', description: 'd', cites: 'c' };
  it('takes one object', () => {
    expect(usage(() => defineVariant(null as never))).toBe(
      'defineVariant takes one object { base, id, description, cites, knobs?, overrides?, steps?, continuations? }',
    );
    expect(usage(() => defineVariant('linux-4.5' as never))).toBe(
      'defineVariant takes one object { base, id, description, cites, knobs?, overrides?, steps?, continuations? }',
    );
  });
  it('refuses an unknown field, listing the fields', () => {
    expect(usage(() => defineVariant({ ...ok, knob: {} } as never))).toBe(
      "defineVariant: unknown field 'knob' (fields: base, id, description, cites, knobs, overrides, steps, continuations)",
    );
  });
  it('refuses a base that is not a variant', () => {
    expect(usage(() => defineVariant({ ...ok, base: 'linux-4.5' } as never))).toBe("variant 'x': 'base' must be a variant (e.g. linux45)");
    expect(usage(() => defineVariant({ ...ok, base: null } as never))).toBe("variant 'x': 'base' must be a variant (e.g. linux45)");
    expect(usage(() => defineVariant({ ...ok, base: {} } as never))).toBe("variant 'x': 'base' must be a variant (e.g. linux45)");
  });
  it('refuses an empty or non-string id, description or cites', () => {
    for (const f of ['id', 'description', 'cites']) {
      expect(usage(() => defineVariant({ ...ok, [f]: ' ' }))).toBe(`defineVariant: '${f}' must be a non-empty string`);
      expect(usage(() => defineVariant({ ...ok, [f]: 3 } as never))).toBe(`defineVariant: '${f}' must be a non-empty string`);
    }
  });
  it('refuses an id with a space or a slash', () => {
    expect(usage(() => defineVariant({ ...ok, id: 'a/b' }))).toBe(`variant id "a/b" must be a word without spaces or '/'`);
    expect(usage(() => defineVariant({ ...ok, id: 'a b' }))).toBe(`variant id "a b" must be a word without spaces or '/'`);
  });
  it('checks the knobs it is given, naming the variant', () => {
    expect(usage(() => defineVariant({ ...ok, knobs: { txMode: 'copy' } as never }))).toBe(`variant 'x': knob txMode must be "zero-copy" or "always-copy", got "copy"`);
    expect(usage(() => defineVariant({ ...ok, knobs: 5 as never }))).toBe("variant 'x': knobs must be an object");
  });
  it('refuses overrides, steps or continuations that are not objects', () => {
    for (const f of ['overrides', 'steps', 'continuations']) {
      expect(usage(() => defineVariant({ ...ok, [f]: null } as never))).toBe(`variant 'x': '${f}' must be an object keyed by step label`);
      expect(usage(() => defineVariant({ ...ok, [f]: 'a' } as never))).toBe(`variant 'x': '${f}' must be an object keyed by step label`);
    }
  });
  it('refuses an override that is not an object, naming the label (not a missing cites)', () => {
    for (const [o, what] of [[null, 'null'], [3, 'number'], ['x', 'string']] as const) {
      expect(usage(() => defineVariant({ ...ok, overrides: { 'send.publish': o } } as never))).toBe(
        `variant 'x': override of 'send.publish' must be an object { cites, text?, run?, guard?, choices? }, got ${what}`,
      );
    }
  });
});

describe('defineVariant result', () => {
  it('carries id, description, cites, the base id and the merged knobs; no empty patch fields', () => {
    const v = deriveVariant(linux45, 'k', 'desc', 'cit', { orderedIds: true });
    expect(v).toEqual({ id: 'k', description: 'desc', cites: 'cit', knobs: { ...linux45.knobs, orderedIds: true }, base: linux45.id });
    expect('overrides' in v || 'steps' in v || 'continuations' in v).toBe(false);
  });
  it('keeps added steps and continuations, its own and its base\'s', () => {
    const step = { who: 'user' as const, cites: 'p', text: () => 't', run: () => undefined };
    const cont = { cites: 'p', run: () => undefined };
    const a = defineVariant({ base: linux45, id: 'a', description: 'd', cites: 'c', steps: { 's.a': step }, continuations: { 'c.a': cont } });
    expect(a.steps).toEqual({ 's.a': step });
    expect(a.continuations).toEqual({ 'c.a': cont });
    const b = defineVariant({ base: a, id: 'b', description: 'd', cites: 'c', continuations: { 'c.b': cont } });
    expect(b.steps).toEqual({ 's.a': step });
    expect(b.continuations).toEqual({ 'c.a': cont, 'c.b': cont });
  });
});
