/**
 * The tables of src/model/variant.ts that are built when the module loads (the
 * values each knob can take, the fields a patch may give), checked through the
 * functions that use them. The modules are imported inside the test, not at the
 * top of the file, so that a wrong table entry fails here, where it is built.
 */
import { expect, it } from 'vitest';

it('every shipped variant sets every knob to a value checkKnobs accepts, and defineVariant accepts every patch field, continuations included', async () => {
  const { checkKnobs, defineVariant } = await import('../../src/model/variant.js');
  const { VARIANTS } = await import('../../src/model/variants/index.js');
  const { linux310 } = await import('../../src/model/variants/linux-3.10.js');

  // linux-3.10 (written out in full, not derived) and every variant derived from it: their knob values are values
  // the knobs can take (KNOB_VALUES), the ones `nlring list` shows and a patch may choose.
  expect(VARIANTS.map((v) => v.id)).toContain('linux-3.10');
  for (const v of VARIANTS) expect(() => checkKnobs(`variant '${v.id}'`, v.knobs, true), v.id).not.toThrow();
  // A patch may set a knob back to linux-3.10's value (the first value of each knob).
  expect(() => defineVariant({ base: VARIANTS[VARIANTS.length - 1], id: 'back-to-3.10', description: 'd', cites: 'c', knobs: linux310.knobs })).not.toThrow();

  // A patch may add a continuation (VariantPatch.continuations): it is kept, next to the base's.
  const run = () => undefined;
  const v = defineVariant({ base: linux310, id: 'with-continuation', description: 'd', cites: 'c', continuations: { 'x.tail': { cites: 'a patch', run } } });
  expect(v.continuations?.['x.tail']?.run).toBe(run);
});
