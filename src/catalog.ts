/**
 * The catalogue of variants, scenarios and properties, and the one function that
 * turns a (variant, scenario) pair into something an engine can check.
 * The CLI and the tests look names up here; unknown names raise UsageError.
 */
import type { CheckTarget, Property } from './model/interface.js';
import { UsageError } from './errors.js';
import { VARIANTS } from './model/variants/index.js';
import { SCENARIOS } from './scenarios/index.js';
import { PROPERTIES } from './props/index.js';
import { buildSpec, type NlState, type NlAction } from './model/spec.js';
import type { Variant } from './model/variant.js';
import type { ScenarioConfig } from './model/config.js';

export interface Named { readonly id: string; readonly description: string }

export function listVariants(): Named[] {
  return VARIANTS.map((v) => ({ id: v.id, description: v.description }));
}

export function listScenarios(): Named[] {
  return SCENARIOS.map((s) => ({ id: s.id, description: s.description }));
}

export function listProperties(): readonly Property<NlState>[] {
  return PROPERTIES;
}

export const DEFAULT_VARIANT = 'linux-4.5';

export function findVariant(id: string) {
  const v = VARIANTS.find((x) => x.id === id);
  if (!v) throw new UsageError(`unknown variant '${id}' (known: ${VARIANTS.map((x) => x.id).join(', ')})`);
  return v;
}

export function findScenario(id: string) {
  const s = SCENARIOS.find((x) => x.id === id);
  if (!s) throw new UsageError(`unknown scenario '${id}' (known: ${SCENARIOS.map((x) => x.id).join(', ')})`);
  return s;
}

/** Build the check target for one variant and one scenario of the catalogue. */
export function buildTarget(variantId: string, scenarioId: string): CheckTarget<NlState, NlAction> {
  return targetOf(findVariant(variantId), findScenario(scenarioId));
}

/**
 * Build the check target for any variant and scenario, including ones defined
 * outside the catalogue (a reviewer's patch, a benchmark's resized workload).
 */
export function targetOf(variant: Variant, scenario: ScenarioConfig): CheckTarget<NlState, NlAction> {
  const spec = buildSpec(variant, scenario);
  const applies = (p: Property<NlState>) => scenario.excludes?.includes(p.id) !== true;
  return {
    variant: variant.id,
    scenario: scenario.id,
    spec,
    invariants: PROPERTIES.filter((p) => p.kind === 'always' && applies(p)),
    witnesses: scenario.witnesses,
  };
}
