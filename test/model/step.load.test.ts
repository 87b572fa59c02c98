/**
 * The label and field tables of src/model/step.ts, built when the module loads
 * (the DONE label, the fields an added step may have), checked in the test that
 * loads them: the modules are imported inside the test, not at the top of the
 * file, so that a wrong entry fails here, where the table is built.
 */
import { expect, it } from 'vitest';

it('a finished thread reads pc done (label id 0), and a variant may add a step with nondeterministic choices; a variant\'s step table is built once', async () => {
  const { DONE, DONE_ID, labelAt, labelId, stepTableFor } = await import('../../src/model/step.js');
  const { defineVariant } = await import('../../src/model/variant.js');
  const { linux45 } = await import('../../src/model/variants/linux-4.5.js');
  const { catalogModel } = await import('./helpers.js');

  // DONE is label id 0 both ways (the encoding stores a finished thread's pc as 0).
  expect(DONE).toBe('done');
  expect(labelId(DONE)).toBe(DONE_ID);
  expect(labelAt(DONE_ID)).toBe(DONE);
  // A thread set to DONE reads back DONE (the name the timeline and the ring drawings print).
  const s = catalogModel('linux-4.5', 'poll').spec.init();
  s.threads[0].pc = DONE;
  expect(s.threads[0].pcId).toBe(DONE_ID);
  expect(s.threads[0].pc).toBe(DONE);

  // An added step has the shape of the spec's own steps: who, cites, text, run, and optional guard and choices.
  const choices = () => [0, 1];
  const guard = () => true;
  const v = defineVariant({
    base: linux45,
    id: 'adds-a-choice',
    description: 'a patch that adds a step with two alternatives',
    cites: 'a proposed patch',
    steps: { 'x.pick': { who: 'user', cites: 'a proposed patch', text: () => 'pick', run: () => undefined, guard, choices } },
  });
  const table = stepTableFor(v);
  const added = table.steps[labelId('x.pick')];
  expect(added?.choices).toBe(choices);
  expect(added?.guard).toBe(guard);
  // Validated and built once per variant: every spec of the variant shares the table.
  expect(stepTableFor(v)).toBe(table);
});
