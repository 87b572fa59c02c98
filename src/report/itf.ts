/**
 * Counterexamples in the Informal Trace Format (ITF) of Apalache and Quint
 * (https://apalache-mc.org/docs/adr/015adr-trace.html), so trace viewers and
 * model-based-testing drivers written for those tools read them unchanged.
 *
 * A trace is `{ "#meta", vars, states }`; each state has `#meta.index` and one value
 * per variable. The variables are the top-level fields of the state's structured view
 * (src/model/view.ts: `rings`, `socket`, `threads`, `idLock`) plus `action`, the step
 * that led to the state (its text, lane, actor, label and kernel citation; `init` for
 * the first state). A spec without a view gets its drawing as a `state` string instead.
 *
 * Values, recursively: integers as `{"#bigint": "..."}` (ITF allows plain JSON numbers
 * too, but Quint writes and typed readers expect bigints), strings and booleans as
 * themselves, arrays as lists, objects as records. Two kinds of view field need more,
 * because typed readers (Quint, the Rust `itf` crate) decode a variable to one type in
 * every state: a field that may be null is an option, `{"tag": "Some", "value": v}` or
 * `{"tag": "None", "value": {"#tup": []}}` as Quint writes its Option; a field whose
 * keys vary from state to state (the held locks) is a map, `{"#map": [[k, v], ...]}`.
 * test/report/itf.test.ts checks that every variable keeps one type along real traces.
 *
 * Pure: building a trace does no I/O; writing files is the caller's (src/report/outputs.ts).
 */
import { replayCommand, shellQuote, violationReplay, type CheckResult, type TraceStep, type Violation } from '../check/result.js';
import type { ReplayResult } from '../check/replay.js';

export const ITF_FORMAT_DESCRIPTION = 'https://apalache-mc.org/docs/adr/015adr-trace.html';

/** View fields that may be null: options in ITF (see the header). */
const OPTION_FIELDS: ReadonlySet<string> = new Set(['holder', 'skb', 'idLock', 'pollMask']);
/** View fields whose object keys vary between states: maps in ITF. */
const MAP_FIELDS: ReadonlySet<string> = new Set(['locks']);

export type ItfValue =
  | string
  | boolean
  | ItfValue[]
  | { readonly '#bigint': string }
  | { readonly '#tup': ItfValue[] }
  | { readonly '#set': ItfValue[] }
  | { readonly '#map': [ItfValue, ItfValue][] }
  | { readonly '#unserializable': string }
  | { readonly [field: string]: ItfValue };

export interface ItfState {
  readonly '#meta': { readonly index: number };
  readonly [variable: string]: ItfValue | { readonly index: number };
}

export interface ItfTrace {
  readonly '#meta': Readonly<Record<string, unknown>>;
  readonly vars: string[];
  readonly states: ItfState[];
  /** A lasso (`replay --loop K`): the index of the state where the loop starts; it ends in the last state. */
  readonly loop?: number;
}

const NONE: ItfValue = { tag: 'None', value: { '#tup': [] } };

/** A JSON-able value (a view) as an ITF value, following the rules in the header. */
export function toItfValue(value: unknown, field?: string): ItfValue {
  if (field !== undefined && OPTION_FIELDS.has(field)) return value === null || value === undefined ? NONE : { tag: 'Some', value: toItfValue(value) };
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' || typeof value === 'bigint') {
    // A view holds counters and indices only; anything else cannot be an ITF integer and says so.
    return Number.isInteger(value) || typeof value === 'bigint' ? { '#bigint': String(value) } : { '#unserializable': String(value) };
  }
  if (Array.isArray(value)) return value.map((x) => toItfValue(x));
  if (value === null || value === undefined) return NONE;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (field !== undefined && MAP_FIELDS.has(field)) return { '#map': entries.map(([k, v]) => [k, toItfValue(v)]) };
    const record: Record<string, ItfValue> = {};
    for (const [k, v] of entries) {
      // ITF reserves '#' for its own forms; a view field named so would be read as one.
      if (k.startsWith('#')) throw new Error(`view field '${k}' starts with '#', which ITF reserves`);
      record[k] = toItfValue(v, k);
    }
    return record;
  }
  return { '#unserializable': String(value) };
}

/** The `action` variable of a state: the step that led to it. */
function actionOf(step: TraceStep, index: number): ItfValue {
  const info = step.step;
  return {
    text: step.action,
    lane: index === 0 ? 'init' : (info?.lane ?? ''),
    actor: info?.actor ?? '',
    label: index === 0 ? 'init' : (info?.label ?? ''),
    cites: info?.cites ?? '',
  };
}

/** The ITF trace of `trace` (init first), with `meta` as the trace's `#meta`. */
export function itfTrace(trace: readonly TraceStep[], meta: Readonly<Record<string, unknown>>): ItfTrace {
  const viewed = trace.length > 0 && trace.every((t) => t.view !== null && typeof t.view === 'object' && !Array.isArray(t.view));
  const vars = viewed ? [...Object.keys(trace[0].view as object), 'action'] : ['state', 'action'];
  const states = trace.map((t, index): ItfState => {
    const values: Record<string, ItfValue> = {};
    if (viewed) {
      for (const [k, v] of Object.entries(t.view as Record<string, unknown>)) values[k] = toItfValue(v, k);
    } else {
      values.state = t.state;
    }
    values.action = actionOf(t, index);
    return { '#meta': { index }, ...values };
  });
  return {
    '#meta': { format: 'ITF', 'format-description': ITF_FORMAT_DESCRIPTION, ...meta },
    vars,
    states,
  };
}

/** What `#meta` says about a counterexample, besides the format. */
export interface CounterexampleMeta {
  readonly version: string;
  readonly variant: string;
  readonly scenario: string;
  readonly property: string;
  readonly family: string;
  readonly doc: string;
  readonly path: string;
  readonly replay: string;
  readonly explanation?: string;
  /** Index of the state that violates the property (the last one for a check's counterexample). */
  readonly violatedAt: number;
}

function counterexampleMeta(m: CounterexampleMeta): Record<string, unknown> {
  return {
    source: `nlring ${m.version}`,
    status: 'violation',
    description: `${m.variant} ${m.scenario}: ${m.property} violated at state ${m.violatedAt}`,
    tool: 'nlring',
    variant: m.variant,
    scenario: m.scenario,
    property: m.property,
    family: m.family,
    doc: m.doc,
    path: m.path,
    replay: m.replay,
    violatedAt: m.violatedAt,
    ...(m.explanation ? { explanation: m.explanation } : {}),
  };
}

/** One trace file to write: its name (deterministic, safe on any file system) and content. */
export interface ItfFile {
  readonly name: string;
  readonly trace: ItfTrace;
}

/** A name part with everything but letters, digits, `.`, `_` and `-` replaced by `_`. */
export function safeNamePart(part: string): string {
  return part.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, (dots) => '_'.repeat(dots.length));
}

/**
 * The ITF files of every counterexample in `results`: `<variant>__<scenario>__<property>.itf.json`.
 * A vacuous run (a witness never reached) has no trace, so no file. Two names that only
 * differ in replaced characters get `__2`, `__3`, ... in result order.
 */
export function itfFiles(results: readonly CheckResult[], version: string): ItfFile[] {
  const files: ItfFile[] = [];
  const used = new Set<string>();
  for (const r of results) {
    const violations: readonly Violation[] = r.violations ?? (r.violation ? [r.violation] : []);
    violations.forEach((v, i) => {
      if (v.kind !== 'always' || v.trace.length === 0) return;
      const base = [r.variant, r.scenario, v.property].map(safeNamePart).join('__');
      let name = `${base}.itf.json`;
      for (let n = 2; used.has(name); n++) name = `${base}__${n}.itf.json`;
      used.add(name);
      const meta = counterexampleMeta({
        version,
        variant: r.variant,
        scenario: r.scenario,
        property: v.property,
        family: v.family,
        doc: v.doc,
        path: v.path,
        replay: r.violations ? violationReplay(r, i) : r.replay,
        explanation: v.explanation,
        violatedAt: v.trace.length - 1,
      });
      files.push({ name, trace: itfTrace(v.trace, meta) });
    });
  }
  return files;
}

/**
 * The ITF trace of a replay (`replay --itf FILE`): the whole path, violated or not. A lasso
 * (`--loop K`) carries ITF's `loop`: the state after step K, which the last state repeats.
 */
export function itfOfReplay(r: ReplayResult, version: string, properties?: readonly string[]): ItfTrace {
  const v = r.violation;
  let replay = replayCommand(r.variant, r.scenario, r.path, properties);
  if (r.loopFrom !== undefined) replay += ` --loop ${shellQuote(String(r.loopFrom))}`;
  const meta = v
    ? counterexampleMeta({ version, variant: r.variant, scenario: r.scenario, property: v.property, family: v.family, doc: v.doc, path: r.path, replay, explanation: v.explanation, violatedAt: v.step })
    : {
        source: `nlring ${version}`,
        status: 'ok',
        description: `${r.variant} ${r.scenario}: replay of path '${r.path}', no invariant violated`,
        tool: 'nlring',
        variant: r.variant,
        scenario: r.scenario,
        path: r.path,
        replay,
      };
  const trace = itfTrace(r.trace, meta);
  return r.loopFrom !== undefined ? { ...trace, loop: r.loopFrom } : trace;
}

/**
 * The text of a trace file: the trace's fields indented, each state on one line (a
 * state per line keeps a long trace readable and diffable), the same bytes on every run.
 */
export function formatItf(trace: ItfTrace): string {
  const { states, ...rest } = trace;
  const head = JSON.stringify(rest, null, 2).slice(0, -2); // without the closing "\n}"
  const body = states.map((s) => `    ${JSON.stringify(s)}`).join(',\n');
  return `${head},\n  "states": [${states.length > 0 ? `\n${body}\n  ` : ''}]\n}\n`;
}
