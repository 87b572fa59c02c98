/**
 * The step table (src/model/step.ts): label ids and their inverse, lookups of
 * steps by label and id, call/ret on the thread's stack, settle's bound on
 * continuation chains, the base label listing, and stepTableFor's validation of
 * a variant's added steps, added continuations and overrides: every bad input is
 * a UsageError whose one-line message names the variant, the label and the fault.
 */
import { describe, expect, it } from 'vitest';
import { findScenario } from '../../src/catalog.js';
import { usageMessage } from './helpers.js';
import { initialState, makeCtx } from '../../src/model/spec.js';
import {
  DONE_ID,
  allStepLabels,
  baseLabels,
  call,
  defineContinuations,
  defineSteps,
  goto,
  labelAt,
  labelId,
  ret,
  settle,
  stepAt,
  stepById,
  stepTableFor,
} from '../../src/model/step.js';
import { defineVariant, type Variant } from '../../src/model/variant.js';
import { linux45 } from '../../src/model/variants/linux-4.5.js';

const CITES_TAIL = "needs 'cites': the commit, kernel function or proposed patch it stands for";
const NO_LABEL = 'no step or continuation has that label (see nlring list --steps)';

const usage = usageMessage;

let n = 0;
/** A fresh variant of linux-4.5 with the given patch fields (ids unique, so the step-table cache never answers). */
function v(fields: Record<string, unknown>): ReturnType<typeof defineVariant> {
  return defineVariant({ base: linux45, id: `t${++n}`, description: 'd', cites: 'c', ...fields } as never);
}
/**
 * The message stepTableFor gives for a variant with `fields`, its id written V. The
 * variant is a plain object (as a variant file may export), so that what reaches
 * stepTableFor is exactly `fields` (defineVariant would turn a null override into {}).
 */
const table = (fields: Record<string, unknown>): string => {
  const variant = { ...linux45, id: `t${++n}`, ...fields } as never as Variant;
  return usage(() => stepTableFor(variant)).split(`'${variant.id}'`).join("'V'");
};
const goodStep = { who: 'kernel', cites: 'p', text: () => 't', run: () => undefined };

describe('labels', () => {
  it('labelAt inverts labelId; done is id 0', () => {
    expect(labelAt(labelId('send.copy-claim'))).toBe('send.copy-claim');
    expect(labelId('done')).toBe(DONE_ID);
    expect(labelAt(0)).toBe('done');
  });
  it('an unknown label or label id is an error naming it', () => {
    expect(() => labelAt(1e6)).toThrow('unknown label id 1000000');
    expect(() => labelId('no.such')).toThrow('unknown label no.such');
  });
  it('stepAt and stepById find steps only, not continuations', () => {
    expect(stepById(labelId('send.copy-claim'))).toBe(stepAt('send.copy-claim'));
    expect(() => stepAt('no.such')).toThrow('no step labelled no.such');
    expect(() => stepAt('send.attach')).toThrow('no step labelled send.attach');
    expect(() => stepById(labelId('send.attach'))).toThrow('no step labelled send.attach');
  });
  it('a label is defined once: defining a base label again is an error (before anything changes)', () => {
    expect(() => defineSteps({ 'send.copy-claim': goodStep as never })).toThrow('label send.copy-claim defined twice');
    expect(() => defineContinuations({ 'send.attach': () => undefined })).toThrow('label send.attach defined twice');
    expect(stepById(labelId('send.copy-claim'))).toBe(stepAt('send.copy-claim'));
    expect(() => stepById(DONE_ID)).toThrow('no step labelled done');
  });
  it('allStepLabels lists the steps, not continuations or done', () => {
    const all = allStepLabels();
    expect(all).toContain('send.copy-claim');
    expect(all).toContain('send.copy-mark');
    expect(all).not.toContain('send.attach');
    expect(all).not.toContain('done');
  });
  it('baseLabels lists steps and continuations of the base spec, never done nor a label a variant added', () => {
    stepTableFor(v({ steps: { 'infra.added-step': goodStep } }));
    const b = baseLabels();
    const labels = b.map((x) => x.label);
    expect(labels).not.toContain('done');
    expect(labels).not.toContain('infra.added-step');
    expect(b.find((x) => x.label === 'send.attach')).toEqual({ label: 'send.attach', kind: 'continuation' });
    const claim = stepAt('send.copy-claim');
    expect(b.find((x) => x.label === 'send.copy-claim')).toEqual({ label: 'send.copy-claim', kind: 'step', who: claim.who, cites: claim.cites });
    expect(labels.length).toBe(allStepLabels().length + b.filter((x) => x.kind === 'continuation').length);
  });
});

describe('call and ret', () => {
  const sc = findScenario('rx-basic');
  const c = makeCtx(linux45, sc);
  it('call pushes the resume label and jumps; ret pops it and leaves the value in l.ret', () => {
    const s = initialState(c);
    const t = s.threads[3];
    const depth = t.stack.length;
    call(t, 'send.copy-claim', 'send.copy-mark');
    expect(t.pc).toBe('send.copy-claim');
    expect(t.stack.length).toBe(depth + 1);
    ret(t, 7);
    expect(t.pc).toBe('send.copy-mark');
    expect(t.l.ret).toBe(7);
    expect(t.stack.length).toBe(depth);
    goto(t, 'send.copy-claim');
    expect(t.pc).toBe('send.copy-claim');
  });
  it('ret with an empty call stack is an error', () => {
    const s = initialState(c);
    const t = s.threads[3];
    expect(t.stack.length).toBe(0);
    expect(() => ret(t, 0)).toThrow('return with an empty call stack');
  });
});

describe('settle', () => {
  /** A variant whose continuation infra.spin stays put `runs - 1` times, then jumps to done; returns how often it ran. */
  function spin(runs: number): () => number {
    let count = 0;
    const variant = v({
      continuations: {
        'infra.spin': {
          cites: 'p',
          run: (_c: unknown, s: { threads: { pc: string }[] }, ti: number) => {
            count++;
            if (count > 1000) throw new Error('runaway');
            if (count >= runs) s.threads[ti].pc = 'done';
          },
        },
      },
    });
    const c = makeCtx(variant, findScenario('rx-basic'));
    const s = initialState(c);
    s.threads[3].pc = 'infra.spin';
    return () => {
      settle(c, s, 3);
      return count;
    };
  }
  it('runs a chain of 65 continuations to its end', () => {
    expect(spin(65)()).toBe(65);
  });
  it('stops a continuation that never reaches a step after 65 runs, naming where it loops', () => {
    const go = spin(66);
    expect(go).toThrow('continuations loop at infra.spin');
  });
});

describe('stepTableFor: added steps', () => {
  const what = (l: string): string => `variant 'V': added step '${l}'`;
  it('accepts a well-formed step of either side, with or without guard and choices', () => {
    for (const who of ['kernel', 'user']) {
      const d = { ...goodStep, who, guard: () => true, choices: () => [0] };
      expect(stepTableFor(v({ steps: { 'infra.ok': d } })).steps[labelId('infra.ok')]).toBe(d);
    }
  });
  it('refuses a step that is not an object', () => {
    expect(table({ steps: { 'infra.s1': null } })).toBe(`${what('infra.s1')} must be an object { who, cites, text, run, guard?, choices? }`);
    expect(table({ steps: { 'infra.s1': 5 } })).toBe(`${what('infra.s1')} must be an object { who, cites, text, run, guard?, choices? }`);
  });
  it('refuses unknown fields, listing the allowed ones', () => {
    expect(table({ steps: { 'infra.s1': { ...goodStep, label: 'x' } } })).toBe(`${what('infra.s1')}: unknown field 'label' (allowed: who, cites, guard, choices, text, run, window, inWindow)`);
  });
  it("refuses a 'who' other than kernel or user", () => {
    expect(table({ steps: { 'infra.s2': { ...goodStep, who: 'both' } } })).toBe(`${what('infra.s2')}: 'who' must be 'kernel' or 'user', got "both"`);
    expect(table({ steps: { 'infra.s2': { ...goodStep, who: undefined } } })).toBe(`${what('infra.s2')}: 'who' must be 'kernel' or 'user', got undefined`);
  });
  it('refuses a step without cites, or with blank or non-string cites', () => {
    for (const cites of [undefined, '', '   ', 5]) {
      expect(table({ steps: { 'infra.s3': { ...goodStep, cites } } })).toBe(`${what('infra.s3')} ${CITES_TAIL}`);
    }
  });
  it('refuses text or run that is not a function, and guard or choices given but not a function', () => {
    expect(table({ steps: { 'infra.s4': { ...goodStep, text: 'words' } } })).toBe(`${what('infra.s4')}: 'text' must be a function`);
    expect(table({ steps: { 'infra.s4': { ...goodStep, run: undefined } } })).toBe(`${what('infra.s4')}: 'run' must be a function`);
    expect(table({ steps: { 'infra.s4': { ...goodStep, guard: true } } })).toBe(`${what('infra.s4')}: 'guard' must be a function`);
    expect(table({ steps: { 'infra.s4': { ...goodStep, choices: [0, 1] } } })).toBe(`${what('infra.s4')}: 'choices' must be a function`);
  });
  it('refuses a label that is not a word starting with a letter', () => {
    for (const l of ['1abc', '.x', 'ab c', 'a/b', '']) {
      expect(table({ steps: { [l]: goodStep } })).toBe(`variant 'V': step label ${JSON.stringify(l)} must be a word such as 'copy.mark2'`);
    }
    expect(stepTableFor(v({ steps: { 'Infra_x-1.y': goodStep } })).steps[labelId('Infra_x-1.y')]).toBe(goodStep);
  });
  it('refuses a label of the base spec: a step, a continuation or done', () => {
    for (const l of ['send.copy-claim', 'send.attach', 'done']) {
      expect(table({ steps: { [l]: goodStep } })).toBe(`variant 'V': '${l}' is a label of the base spec; replace it under 'overrides' instead of adding it`);
    }
  });
});

describe('stepTableFor: added continuations', () => {
  const what = (l: string): string => `variant 'V': added continuation '${l}'`;
  it('gives an added continuation its own label id, holding its run', () => {
    const run = () => undefined;
    const t = stepTableFor(v({ continuations: { 'infra.c0': { cites: 'p', run } } }));
    expect(t.continuations[labelId('infra.c0')]).toBe(run);
    expect(t.steps[labelId('infra.c0')]).toBeUndefined();
  });
  it('refuses a continuation that is not an object', () => {
    expect(table({ continuations: { 'infra.c1': null } })).toBe(`${what('infra.c1')} must be an object { cites, run }`);
    expect(table({ continuations: { 'infra.c1': 5 } })).toBe(`${what('infra.c1')} must be an object { cites, run }`);
  });
  it('refuses fields other than cites and run', () => {
    expect(table({ continuations: { 'infra.c2': { cites: 'p', run: () => undefined, text: () => 't' } } })).toBe(`${what('infra.c2')}: unknown field 'text' (allowed: cites, run)`);
  });
  it('refuses missing cites and a run that is not a function', () => {
    expect(table({ continuations: { 'infra.c3': { run: () => undefined } } })).toBe(`${what('infra.c3')} ${CITES_TAIL}`);
    expect(table({ continuations: { 'infra.c3': { cites: 'p' } } })).toBe(`${what('infra.c3')}: 'run' must be a function`);
    expect(table({ continuations: { 'infra.c3': { cites: 'p', run: 1 } } })).toBe(`${what('infra.c3')}: 'run' must be a function`);
  });
  it('refuses a bad or base label', () => {
    expect(table({ continuations: { '9x': { cites: 'p', run: () => undefined } } })).toBe(`variant 'V': step label "9x" must be a word such as 'copy.mark2'`);
    expect(table({ continuations: { 'send.attach': { cites: 'p', run: () => undefined } } })).toBe(
      "variant 'V': 'send.attach' is a label of the base spec; replace it under 'overrides' instead of adding it",
    );
  });
});

describe('stepTableFor: overrides', () => {
  const what = (l: string): string => `variant 'V': override of '${l}'`;
  it('refuses an override that is not an object', () => {
    expect(table({ overrides: { 'send.copy-claim': null } })).toBe(`${what('send.copy-claim')} must be an object { cites, guard?, choices?, text?, run? }`);
    expect(table({ overrides: { 'send.copy-claim': 5 } })).toBe(`${what('send.copy-claim')} must be an object { cites, guard?, choices?, text?, run? }`);
  });
  it('refuses an unknown label and done before looking at cites', () => {
    expect(table({ overrides: { 'no.such': {} } })).toBe(`${what('no.such')}: ${NO_LABEL}`);
    expect(table({ overrides: { done: {} } })).toBe(`${what('done')}: ${NO_LABEL}`);
    expect(table({ overrides: { done: { cites: 'p', run: () => undefined } } })).toBe(`${what('done')}: ${NO_LABEL}`);
  });
  it('refuses a label only another variant added', () => {
    stepTableFor(v({ steps: { 'infra.elsewhere': goodStep } }));
    expect(table({ overrides: { 'infra.elsewhere': { cites: 'p', run: () => undefined } } })).toBe(`${what('infra.elsewhere')}: ${NO_LABEL}`);
  });
  it('lets an override patch the variant\'s own added step', () => {
    const run = () => undefined;
    const t = stepTableFor(v({ steps: { 'infra.own': goodStep }, overrides: { 'infra.own': { cites: 'q', run } } }));
    expect(t.steps[labelId('infra.own')]).toEqual({ ...goodStep, run, cites: 'q (patches: p)' });
  });
  it('refuses an override without cites', () => {
    expect(table({ overrides: { 'send.copy-claim': { run: () => undefined } } })).toBe(`${what('send.copy-claim')} ${CITES_TAIL}`);
    expect(table({ overrides: { 'send.copy-claim': { cites: ' ', run: () => undefined } } })).toBe(`${what('send.copy-claim')} ${CITES_TAIL}`);
  });
  it('refuses a continuation override whose run is not a function', () => {
    expect(table({ overrides: { 'send.attach': { cites: 'p' } } })).toBe(`${what('send.attach')}: 'run' must be a function (c, s, ti)`);
  });
  it('refuses unknown fields and fields that are not functions', () => {
    expect(table({ overrides: { 'send.copy-claim': { cites: 'p', who: 'user' } } })).toBe(`${what('send.copy-claim')}: unknown field 'who' (allowed: cites, guard, choices, text, run, window, inWindow)`);
    for (const f of ['guard', 'choices', 'text', 'run']) {
      expect(table({ overrides: { 'send.copy-claim': { cites: 'p', [f]: 'x' } } })).toBe(`${what('send.copy-claim')}: '${f}' must be a function`);
    }
  });
});
