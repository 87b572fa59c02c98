/**
 * Check targets for variants that are not in the catalogue: a reviewer writes a
 * variant in a file of their own (see examples/reviewer-variant.ts) and checks
 * it against any named scenario, with the same properties `buildTarget` uses.
 */
import type { CheckTarget } from './model/interface.js';
import type { Variant } from './model/variant.js';
import { checkKnobs } from './model/variant.js';
import { stepTableFor } from './model/step.js';
import type { NlAction, NlState } from './model/spec.js';
import { findScenario, targetOf } from './catalog.js';
import { UsageError } from './errors.js';

/**
 * The check target for `variant` (any Variant value, catalogued or not) and the
 * scenario named `scenarioId`: the scenario's witnesses and every `always`
 * property it does not exclude, exactly as `buildTarget` does for catalogued
 * variants. Unknown scenarios and variants with missing or unknown knobs raise
 * UsageError (TypeScript catches those at compile time; plain JavaScript does not).
 */
export function buildTargetFor(variant: Variant, scenarioId: string): CheckTarget<NlState, NlAction> {
  checkVariant(variant);
  return targetOf(variant, findScenario(scenarioId));
}

/**
 * A variant value checked as the catalogue's own are: a word for an id, every
 * knob with a value it can take, overrides and added steps that fit the spec.
 * Problems are UsageErrors (exit 2 on the command line).
 */
export function checkVariant(variant: Variant): void {
  if (typeof variant?.id !== 'string' || !/^[^\s/]+$/.test(variant.id)) {
    // The id goes into reproduce commands and report file names.
    throw new UsageError(`variant id ${JSON.stringify(variant?.id)} must be a non-empty word without spaces or '/'`);
  }
  checkKnobs(`variant '${variant.id}'`, variant.knobs ?? {}, true);
  stepTableFor(variant);
}
