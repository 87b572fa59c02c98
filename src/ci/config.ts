/**
 * `nlring.config.json`: what `nlring ci` runs and which findings it accepts.
 *
 * The shape is documented by schemas/nlring.config.schema.json (for editors and
 * other tools); this module is the validator the CLI trusts. It is written by
 * hand so that every error is one line naming the key (`baseline[3].property`)
 * and, where it can, the nearest known name. Pure: the caller reads the file.
 */
import { splitMemory } from '../scenarios/memory.js';
import { UsageError } from '../errors.js';
import { didYouMean } from './suggest.js';

export type CiEngine = 'bfs' | 'simulate' | 'pbt';

/** One engine's runs: bfs always with every violation; the random engines add walks or schedules. */
export interface EngineRun {
  readonly engine: CiEngine;
  /** Scenarios this engine runs (default: the config's). */
  readonly scenarios?: readonly string[];
  /** simulate / pbt */
  readonly seed?: number;
  readonly walks?: number;
  readonly runs?: number;
  readonly depth?: number;
}

export interface Budgets {
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly timeBudgetSeconds?: number;
  readonly maxMemoryMiB?: number;
}

/** A finding the project accepts: it must still be found, and the gate says when it no longer is. */
export interface BaselineEntry {
  readonly variant: string;
  readonly scenario: string;
  /** An invariant that fails, or a witness that a complete run never reaches (vacuous). */
  readonly property: string;
  readonly reason: string;
}

/** A run the project accepts to stop at a budget (its verdict stays INCOMPLETE in every report). */
export interface AcceptedIncomplete {
  readonly variant: string;
  readonly scenario: string;
  readonly reason: string;
}

export interface CiConfig {
  /** Variant ids of the catalogue or patch files (relative to the config file's directory). */
  readonly variants: readonly string[];
  /** Scenario ids (also `id@style`) or scenario files; default every catalogue scenario. */
  readonly scenarios?: readonly string[];
  readonly engines: readonly EngineRun[];
  readonly budgets: Budgets;
  /** Worker threads for the runs (default 1). */
  readonly jobs?: number;
  /** Where the reports go (default `reports`, relative to the working directory). */
  readonly out?: string;
  readonly baseline: readonly BaselineEntry[];
  readonly incomplete: readonly AcceptedIncomplete[];
}

/** What the config may name: the catalogue's ids, for errors that suggest the right one. */
export interface KnownNames {
  readonly variants: readonly string[];
  readonly scenarios: readonly string[];
  /** Invariants and witnesses. */
  readonly properties: readonly string[];
}

const TOP_KEYS = ['$schema', 'variants', 'scenarios', 'engines', 'budgets', 'jobs', 'out', 'baseline', 'incomplete'];
const ENGINE_KEYS = ['engine', 'scenarios', 'seed', 'walks', 'runs', 'depth'];
const BUDGET_KEYS = ['maxStates', 'maxDepth', 'timeBudgetSeconds', 'maxMemoryMiB'];
const BASELINE_KEYS = ['variant', 'scenario', 'property', 'reason'];
const INCOMPLETE_KEYS = ['variant', 'scenario', 'reason'];
const ENGINES: readonly CiEngine[] = ['bfs', 'simulate', 'pbt'];
/** Which numeric keys each engine takes. */
const ENGINE_NUMBERS: Record<CiEngine, readonly string[]> = { bfs: [], simulate: ['seed', 'walks', 'depth'], pbt: ['seed', 'runs', 'depth'] };

/** A catalogue name, or a file (a patch, a scenario file): files are checked when loaded. */
const looksLikeFile = (name: string) => /[/\\]|\.(m?[jt]s|json)$/.test(name);

/** Parse and validate the text of a config file; every problem is a UsageError `FILE: key: problem`. */
export function parseConfig(file: string, text: string, known: KnownNames): CiConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const fail = (key: string, problem: string): never => {
    throw new UsageError(`${file}: ${key}: ${problem}`);
  };
  const obj = (v: unknown, key: string, keys: readonly string[]): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(key, 'must be an object');
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!keys.includes(k)) fail(key === '' ? k : `${key}.${k}`, `unknown key${didYouMean(k, keys)}`);
    return o;
  };
  const str = (v: unknown, key: string): string => {
    if (typeof v !== 'string' || v.trim() === '') fail(key, 'must be a non-empty string');
    return v as string;
  };
  const count = (v: unknown, key: string, min = 1): number => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) fail(key, `must be an integer >= ${min}`);
    return v as number;
  };
  const list = (v: unknown, key: string): unknown[] => {
    if (!Array.isArray(v)) fail(key, 'must be an array');
    return v as unknown[];
  };
  const names = (v: unknown, key: string, catalogue: readonly string[], what: string, allowStyled: boolean): string[] => {
    const out = list(v, key).map((x, i) => str(x, `${key}[${i}]`));
    if (out.length === 0) fail(key, 'must name at least one');
    out.forEach((name, i) => {
      if (out.indexOf(name) !== i) fail(`${key}[${i}]`, `'${name}' is named twice`);
      // id@style (another consumer's loop) and id+memory (scenarios/memory.ts) name a catalogue scenario too.
      const base = allowStyled ? splitMemory(name).base.split('@')[0] : name;
      if (!looksLikeFile(name) && !catalogue.includes(base)) fail(`${key}[${i}]`, `unknown ${what} '${name}'${didYouMean(base, catalogue)}`);
    });
    return out;
  };

  const top = obj(raw, '', TOP_KEYS);
  if (top.variants === undefined) fail('variants', 'missing (the variants to check: ids of `nlring list` or patch files)');
  const variants = names(top.variants, 'variants', known.variants, 'variant', false);
  const scenarios = top.scenarios === undefined ? undefined : names(top.scenarios, 'scenarios', known.scenarios, 'scenario', true);

  const engines: EngineRun[] = top.engines === undefined ? [{ engine: 'bfs' }] : list(top.engines, 'engines').map((e, i) => {
    const key = `engines[${i}]`;
    const o = obj(e, key, ENGINE_KEYS);
    const engine = str(o.engine, `${key}.engine`) as CiEngine;
    if (!ENGINES.includes(engine)) fail(`${key}.engine`, `must be one of ${ENGINES.join(', ')}, got '${engine}'${didYouMean(engine, ENGINES)}`);
    for (const k of ['seed', 'walks', 'runs', 'depth']) {
      if (o[k] === undefined) continue;
      if (!ENGINE_NUMBERS[engine].includes(k)) fail(`${key}.${k}`, `does not apply to ${engine}`);
      count(o[k], `${key}.${k}`, k === 'seed' ? 0 : 1);
    }
    const own = o.scenarios === undefined ? undefined : names(o.scenarios, `${key}.scenarios`, known.scenarios, 'scenario', true);
    return { engine, ...(own ? { scenarios: own } : {}), ...Object.fromEntries(['seed', 'walks', 'runs', 'depth'].filter((k) => o[k] !== undefined).map((k) => [k, o[k] as number])) };
  });
  if (engines.length === 0) fail('engines', 'must name at least one engine');

  const b = top.budgets === undefined ? {} : obj(top.budgets, 'budgets', BUDGET_KEYS);
  const budgets: Budgets = Object.fromEntries(BUDGET_KEYS.filter((k) => b[k] !== undefined).map((k) => [k, count(b[k], `budgets.${k}`)]));
  const jobs = top.jobs === undefined ? undefined : count(top.jobs, 'jobs');
  const out = top.out === undefined ? undefined : str(top.out, 'out');

  // Baseline and accepted-incomplete entries name real things: a typo would otherwise accept nothing, silently.
  const allScenarios = [...(scenarios ?? known.scenarios), ...engines.flatMap((e) => e.scenarios ?? [])];
  const pair = (o: Record<string, unknown>, key: string) => {
    const variant = str(o.variant, `${key}.variant`);
    if (!variants.includes(variant)) fail(`${key}.variant`, `'${variant}' is not one of the config's variants${didYouMean(variant, variants)}`);
    const scenario = str(o.scenario, `${key}.scenario`);
    if (!allScenarios.includes(scenario)) fail(`${key}.scenario`, `'${scenario}' is not one of the config's scenarios${didYouMean(scenario, allScenarios)}`);
    return { variant, scenario };
  };
  const seen = new Set<string>();
  const baseline: BaselineEntry[] = (top.baseline === undefined ? [] : list(top.baseline, 'baseline')).map((e, i) => {
    const key = `baseline[${i}]`;
    const o = obj(e, key, BASELINE_KEYS);
    const at = pair(o, key);
    const property = str(o.property, `${key}.property`);
    if (!known.properties.includes(property)) fail(`${key}.property`, `unknown property '${property}'${didYouMean(property, known.properties)}`);
    const id = `${at.variant}\0${at.scenario}\0${property}`;
    if (seen.has(id)) fail(key, `${at.variant} ${at.scenario} ${property} is listed twice`);
    seen.add(id);
    return { ...at, property, reason: str(o.reason, `${key}.reason`) };
  });
  const incomplete: AcceptedIncomplete[] = (top.incomplete === undefined ? [] : list(top.incomplete, 'incomplete')).map((e, i) => {
    const key = `incomplete[${i}]`;
    const o = obj(e, key, INCOMPLETE_KEYS);
    return { ...pair(o, key), reason: str(o.reason, `${key}.reason`) };
  });

  return {
    variants,
    ...(scenarios ? { scenarios } : {}),
    engines,
    budgets,
    ...(jobs !== undefined ? { jobs } : {}),
    ...(out !== undefined ? { out } : {}),
    baseline,
    incomplete,
  };
}
