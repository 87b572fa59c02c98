/**
 * Check targets for variants that are not in the catalogue: a reviewer writes a
 * variant in a file of their own (see examples/reviewer-variant.ts) and checks
 * it against any named scenario, with the same properties `buildTarget` uses.
 */
import type { CheckTarget } from './model/interface.js';
import type { Variant } from './model/variant.js';
import { linux45 } from './model/variants/linux-4.5.js';
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

function checkVariant(variant: Variant): void {
  if (typeof variant?.id !== 'string' || !/^[^\s/]+$/.test(variant.id)) {
    // The id goes into reproduce commands and report file names.
    throw new UsageError(`variant id ${JSON.stringify(variant?.id)} must be a non-empty word without spaces or '/'`);
  }
  const known = Object.keys(linux45.knobs);
  const given = Object.keys(variant.knobs ?? {});
  const missing = known.filter((k) => !given.includes(k));
  const unknown = given.filter((k) => !known.includes(k));
  if (missing.length > 0 || unknown.length > 0) {
    const parts = [missing.length > 0 ? `missing knobs ${missing.join(', ')}` : '', unknown.length > 0 ? `unknown knobs ${unknown.join(', ')}` : ''].filter(Boolean);
    throw new UsageError(`variant '${variant.id}': ${parts.join('; ')} (derive it with deriveVariant(base, ...) to inherit the rest)`);
  }
}
