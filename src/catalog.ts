/**
 * The catalogue of variants, scenarios and properties, and the one function that
 * turns a (variant, scenario) pair into something an engine can check.
 * The CLI and the tests look names up here; unknown names raise UsageError.
 */
import type { CheckTarget, Property } from './model/interface.js';
import { UsageError } from './errors.js';
import { didYouMean } from './ci/suggest.js';
import { VARIANTS } from './model/variants/index.js';
import { SCENARIOS } from './scenarios/index.js';
import { FEATURES, pairCoverage } from './scenarios/features.js';
import { splitStyled, withConsumerStyle } from './scenarios/styles.js';
import { splitMemory, withMemory } from './scenarios/memory.js';
import { PROPERTIES } from './props/index.js';
import { W } from './props/witnesses.js';
import { buildSpec, type NlState, type NlAction } from './model/spec.js';
import { idsObserved } from './model/ids.js';
import type { Variant } from './model/variant.js';
import { CONSUMER_STYLES, type ScenarioConfig } from './model/config.js';
import { exportedValue, importFile, namesFile } from './load/module.js';
import { loadScenarioJson, scenarioFromValue } from './scenarios/load.js';
import { checkKnobs } from './model/variant.js';
import { baseLabels, stepTableFor } from './model/step.js';

export interface Named { readonly id: string; readonly description: string }

/** A shipped variant as `nlring list` shows it: what it is, its knobs, and what it patches. */
export interface VariantListing extends Named {
  readonly cites: string;
  readonly base?: string;
  readonly knobs: Readonly<Record<string, string | boolean>>;
  readonly overrides: readonly { label: string; cites: string }[];
  readonly steps: readonly { label: string; cites: string }[];
}

export function listVariants(): VariantListing[] {
  return VARIANTS.map((v) => ({
    id: v.id,
    description: v.description,
    cites: v.cites,
    ...(v.base !== undefined ? { base: v.base } : {}),
    knobs: { ...v.knobs },
    overrides: Object.entries(v.overrides ?? {}).map(([label, o]) => ({ label, cites: o.cites })),
    steps: [...Object.entries(v.steps ?? {}), ...Object.entries(v.continuations ?? {})].map(([label, d]) => ({ label, cites: d.cites })),
  }));
}

/** Every label of the spec an override can name, with the kernel or user code it models. */
export function listSteps() {
  return baseLabels();
}

export function listScenarios(): Named[] {
  return SCENARIOS.map((s) => ({ id: s.id, description: s.description }));
}

/** The features of the catalogue scenarios and the pairs they combine, for `nlring list --coverage`. */
export function coverage() {
  return { features: FEATURES, table: pairCoverage(SCENARIOS) };
}

export function listProperties(): readonly Property<NlState>[] {
  return PROPERTIES;
}

/** Every reachability witness a catalogue scenario can declare (a CI baseline may name one a run never reaches). */
export function listWitnesses(): readonly Property<NlState>[] {
  return Object.values(W);
}

export const DEFAULT_VARIANT = 'linux-4.5';

export function findVariant(id: string) {
  const v = VARIANTS.find((x) => x.id === id);
  const ids = VARIANTS.map((x) => x.id);
  if (!v) throw new UsageError(`unknown variant '${id}'${didYouMean(id, ids) || ` (known: ${ids.join(', ')})`}`);
  return v;
}

/** A catalogue scenario by id; `<id>@<style>` is that scenario with another consumer's loop (scenarios/styles.ts). */
export function findScenario(name: string): ScenarioConfig {
  const { base: id, ...memory } = splitMemory(name);
  return withMemory(findStyledScenario(id), memory);
}

function findStyledScenario(id: string): ScenarioConfig {
  const { base, style } = splitStyled(id);
  const s = SCENARIOS.find((x) => x.id === base);
  if (!s) {
    const near = didYouMean(base, SCENARIOS.map((x) => x.id));
    throw new UsageError(`unknown scenario '${base}'${near || ` (known: ${SCENARIOS.map((x) => x.id).join(', ')}; any with a consumer also as <id>@<style>, style one of ${CONSUMER_STYLES.join(', ')})`}`);
  }
  return style === undefined ? s : withConsumerStyle(s, style);
}

/** A variant as the command line names it: its catalogue id, or the path of a file that exports it (as typed). */
export interface Resolved<T> {
  readonly value: T;
  /** What reproduce lines say to get the same value back: the id, or the file path as given. */
  readonly ref: string;
}

const isVariantLike = (x: unknown): x is Variant => typeof x === 'object' && x !== null && 'id' in x && 'knobs' in x;

/**
 * `--variant V`: a catalogue id, or a .ts/.mts/.js/.mjs file that exports a
 * variant (default export, or its only variant-valued export). A file's
 * variant is checked like the catalogue's (knobs, overrides, added steps), and
 * every problem is a UsageError naming the file.
 */
export async function resolveVariant(arg: string): Promise<Resolved<Variant>> {
  if (!namesFile(arg)) return { value: findVariant(arg), ref: arg };
  const mod = await importFile(arg, 'variant');
  const v = exportedValue(mod, arg, 'variant', isVariantLike, 'export default defineVariant({ base: linux45, id, description, cites, ... })');
  try {
    checkVariant(v);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${arg}: ${e.message}`);
    throw e;
  }
  return { value: v, ref: arg };
}

/** The check target for a variant and a scenario as the command line names them (ids or files). */
export async function loadTarget(variantArg: string, scenarioArg: string): Promise<CheckTarget<NlState, NlAction>> {
  const variant = await resolveVariant(variantArg);
  const scenario = await resolveScenario(scenarioArg);
  return targetOf(variant.value, scenario.value, { variant: variant.ref, scenario: scenario.ref });
}

/** Build the check target for one variant and one scenario of the catalogue. */
export function buildTarget(variantId: string, scenarioId: string): CheckTarget<NlState, NlAction> {
  return targetOf(findVariant(variantId), findScenario(scenarioId));
}

/**
 * Build the check target for any variant and scenario, including ones defined
 * outside the catalogue (a reviewer's patch, a benchmark's resized workload).
 */
export function targetOf(variant: Variant, scenario: ScenarioConfig, refs: { variant?: string; scenario?: string } = {}): CheckTarget<NlState, NlAction> {
  const applies = (p: Property<NlState>) => scenario.excludes?.includes(p.id) !== true;
  const invariants = PROPERTIES.filter((p) => p.kind === 'always' && applies(p));
  // Ids only when something checked reads them (model/ids.ts): a restriction to fewer
  // properties (--property) can only read less, so this stays sound for it. Only the
  // shipped variants leave them out: test/model/ids.test.ts shows their steps never branch
  // on an id, which a variant from a file or deriveVariant may do.
  const trackIds = !VARIANTS.includes(variant) || idsObserved(scenario, [...invariants, ...scenario.witnesses].map((p) => p.id));
  const spec = buildSpec(variant, scenario, { trackIds });
  return {
    // How reports and reproduce lines name them: a file variant by its path, so the line runs as printed.
    variant: refs.variant ?? variant.id,
    scenario: refs.scenario ?? scenario.id,
    spec,
    invariants,
    witnesses: scenario.witnesses,
  };
}

/**
 * A variant value checked as the catalogue's own are: a word for an id, every
 * knob with a value it can take, overrides and added steps that fit the spec.
 * Problems are UsageErrors (exit 2 on the command line).
 */
export function checkVariant(variant: Variant): void {
  if (typeof variant?.id !== 'string' || !/^[^\s/]+$/.test(variant.id)) {
    // The id goes into reports and matrix columns.
    throw new UsageError(`variant id ${JSON.stringify(variant?.id)} must be a non-empty word without spaces or '/'`);
  }
  checkKnobs(`variant '${variant.id}'`, variant.knobs ?? {}, true);
  stepTableFor(variant);
}

const isObject = (x: unknown): x is object => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * `--scenario S`: a catalogue id, a JSON file (witnesses by id), or a
 * .ts/.mts/.js/.mjs module exporting the scenario (witnesses by id or as the
 * catalogue's witness objects). Either way it is validated field by field
 * (src/scenarios/load.ts), every problem a UsageError naming the file.
 */
export async function resolveScenario(name: string): Promise<Resolved<ScenarioConfig>> {
  const { base: arg, ...memory } = splitMemory(name);
  const { value } = await resolveUnsuffixed(arg);
  return { value: withMemory(value, memory), ref: name };
}

async function resolveUnsuffixed(arg: string): Promise<Resolved<ScenarioConfig>> {
  if (!namesFile(arg)) return { value: findStyledScenario(arg), ref: arg };
  if (arg.endsWith('.json')) return { value: loadScenarioJson(arg), ref: arg };
  const mod = await importFile(arg, 'scenario');
  const value = exportedValue(mod, arg, 'scenario', isObject, 'export default { id, description, requests, rx, tx, mapped, threads, msgLen, witnesses }');
  return { value: scenarioFromValue(value, arg), ref: arg };
}
