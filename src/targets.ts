/**
 * Check targets for variants that are not in the catalogue: a reviewer writes a
 * variant in a file of their own (see examples/reviewer-variant.ts) and checks
 * it against any named scenario, with the same properties `buildTarget` uses.
 */
import type { CheckTarget } from './model/interface.js';
import type { Variant } from './model/variant.js';
import type { NlAction, NlState } from './model/spec.js';
import { checkVariant, findScenario, targetOf } from './catalog.js';

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
