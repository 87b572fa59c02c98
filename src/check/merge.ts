/**
 * Merge the JSON reports of the shards of one simulation run (`nlring check
 * --engine simulate --shard i/n --format json`) into one result.
 *
 * Guarantees:
 * - Only shards of the same run merge: same variant, scenario, PRNG, seed, walks,
 *   depth, shard count and properties, and no shard twice. Anything else is a
 *   UsageError naming the two files and what differs.
 * - The merged verdict is `fail` if any shard failed, else `incomplete` (never
 *   `pass`). The violation kept is that of the lowest failing walk. When every
 *   shard ran all its walks (no time budget stopped one), that is exactly the
 *   violation of the unsharded run: each shard stops at its own lowest failing
 *   walk, and all walks below the overall lowest passed in every shard.
 * - Counts are sums (steps, walks, seconds: total work, not wall time across
 *   machines), `maxDepth` the maximum, a witness is reached if any shard reached it.
 *
 * A report carries a violation's steps and its trace (drawings, citations, views), which
 * the merged result keeps; its `replay` line regenerates the same trace.
 */
import { UsageError } from '../errors.js';
import { simulateCommand } from './simulate.js';
import type { CheckResult, EngineStats, RandomOrigin, Shard, SimulationParams, TraceStep, Verdict, Violation, WitnessStatus } from './result.js';

/** A report read back from a file, with the file's name for error messages. */
export interface ShardReport {
  readonly file: string;
  readonly result: CheckResult;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';

/** One entry of a report's `violation.trace`: action, summary and drawing, and for a step its lane, thread, label and citation, and the view. */
function traceStep(t: unknown, i: number, bad: (what: string) => never): TraceStep {
  const where = `invalid 'violation.trace[${i}]'`;
  if (!isObject(t) || !isString(t.action) || !isString(t.summary) || !isString(t.state)) return bad(where);
  const st = t.step;
  if (st !== undefined && !(isObject(st) && (st.lane === 'kernel' || st.lane === 'user') && isString(st.actor) && isString(st.label) && isString(st.cites))) return bad(where);
  return {
    action: t.action,
    summary: t.summary,
    state: t.state,
    ...(t.view !== undefined ? { view: t.view } : {}),
    ...(st !== undefined ? { step: { lane: st.lane as 'kernel' | 'user', actor: st.actor as string, label: st.label as string, cites: st.cites as string } } : {}),
  };
}

/**
 * Read one report written by `nlring check --engine simulate --format json`.
 * Throws UsageError naming `file` when it is not JSON or not such a report.
 */
export function parseReport(file: string, text: string): ShardReport {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const bad = (what: string): never => {
    throw new UsageError(`${file} is not an nlring simulate report: ${what}`);
  };
  if (!isObject(j)) return bad('not a JSON object');
  const field = <T>(obj: Json, key: string, ok: (v: unknown) => v is T, where = ''): T => {
    const v = obj[key];
    return ok(v) ? v : bad(`missing or invalid '${where}${key}'`);
  };
  const engine = field(j, 'engine', isString);
  if (engine !== 'simulate') throw new UsageError(`${file} is a ${engine} report; only simulate reports can be merged`);
  const verdict = field(j, 'verdict', (v): v is Verdict => v === 'pass' || v === 'fail' || v === 'incomplete');
  if (verdict === 'pass') bad(`verdict 'pass' (simulate never passes)`);

  const sim = field(j, 'simulation', isObject);
  let shard: Shard | undefined;
  if (sim.shard !== undefined) {
    const s = field(sim, 'shard', isObject, 'simulation.');
    const count = field(s, 'count', isInt, 'simulation.shard.');
    const index = field(s, 'index', isInt, 'simulation.shard.');
    if (count < 1 || index >= count) bad(`shard ${index}/${count} is not a shard (need 0 <= index < count)`);
    shard = { index, count };
  }
  const simulation: SimulationParams = {
    prng: field(sim, 'prng', isString, 'simulation.'),
    walks: field(sim, 'walks', isInt, 'simulation.'),
    depth: field(sim, 'depth', isInt, 'simulation.'),
    ...(shard ? { shard } : {}),
  };

  const st = field(j, 'stats', isObject);
  const stats: EngineStats = {
    hash: field(st, 'hash', isString, 'stats.'),
    collisionProbability: 0,
    bytesPerState: 0,
    statesPerSecond: field(st, 'stepsPerSecond', isNumber, 'stats.'),
    ...(st.stoppedBy !== undefined ? { stoppedBy: field(st, 'stoppedBy', isString, 'stats.') } : {}),
    steps: field(st, 'steps', isInt, 'stats.'),
    walks: field(st, 'walks', isInt, 'stats.'),
    stepsPerSecond: field(st, 'stepsPerSecond', isNumber, 'stats.'),
  };

  const witnesses = field(j, 'witnesses', Array.isArray).map((w, i): WitnessStatus => {
    if (!isObject(w) || !isString(w.id) || typeof w.reached !== 'boolean') return bad(`invalid 'witnesses[${i}]'`);
    return { id: w.id, reached: w.reached };
  });
  const invariants = field(j, 'invariants', Array.isArray).map((p, i) => (isString(p) ? p : bad(`invalid 'invariants[${i}]'`)));
  // Only a run restricted with --property has them.
  const properties = j.properties === undefined ? undefined : field(j, 'properties', Array.isArray).map((p, i) => (isString(p) ? p : bad(`invalid 'properties[${i}]'`)));

  let violation: Violation | undefined;
  let origin: RandomOrigin | undefined;
  if (verdict === 'fail') {
    const v = field(j, 'violation', isObject);
    const steps = field(v, 'steps', Array.isArray, 'violation.').map((s, i) => (isString(s) ? s : bad(`invalid 'violation.steps[${i}]'`)));
    violation = {
      property: field(v, 'property', isString, 'violation.'),
      family: field(v, 'family', isString, 'violation.'),
      kind: field(v, 'kind', (k): k is 'always' | 'sometimes' => k === 'always' || k === 'sometimes', 'violation.'),
      doc: '',
      path: field(v, 'path', isString, 'violation.'),
      steps,
      // The trace (drawings, step citations, views) and the explanation, when the report has them (reports since issue 11).
      trace: v.trace === undefined ? [] : field(v, 'trace', Array.isArray, 'violation.').map((t, i) => traceStep(t, i, bad)),
      ...(v.explanation !== undefined ? { explanation: field(v, 'explanation', isString, 'violation.') } : {}),
      message: field(v, 'message', isString, 'violation.'),
    };
    const o = field(j, 'origin', isObject);
    origin = { seed: field(o, 'seed', isInt, 'origin.'), walk: field(o, 'walk', isInt, 'origin.') };
  }

  const result: CheckResult = {
    verdict,
    variant: field(j, 'variant', isString),
    scenario: field(j, 'scenario', isString),
    engine: 'simulate',
    seed: field(j, 'seed', isInt),
    ...(origin ? { origin } : {}),
    states: field(j, 'states', isInt),
    transitions: field(j, 'transitions', isInt),
    maxDepth: field(j, 'maxDepth', isInt),
    seconds: field(j, 'seconds', isNumber),
    complete: false,
    invariants,
    ...(properties ? { properties } : {}),
    witnesses,
    ...(violation ? { violation } : {}),
    replay: field(j, 'replay', isString),
    stats,
    simulation,
  };
  return { file, result };
}

const shardOf = (r: CheckResult): Shard => r.simulation?.shard ?? { index: 0, count: 1 };

/**
 * Merge shard reports of one run. `doc` looks a property's doc up (reports do
 * not carry it); without it the merged violation's doc is empty.
 */
export function mergeReports(reports: readonly ShardReport[], doc: (property: string) => string | undefined = () => undefined): CheckResult {
  if (reports.length === 0) throw new UsageError('merge needs at least one report');
  const first = reports[0];
  const a = first.result;
  const sa = a.simulation!;
  const same: [string, (r: CheckResult) => unknown][] = [
    ['variant', (r) => r.variant],
    ['scenario', (r) => r.scenario],
    ['PRNG', (r) => r.simulation!.prng],
    ['seed', (r) => r.seed],
    ['walks', (r) => r.simulation!.walks],
    ['depth', (r) => r.simulation!.depth],
    ['shard count', (r) => shardOf(r).count],
    ['invariants', (r) => r.invariants.join(',')],
    ['witnesses', (r) => r.witnesses.map((w) => w.id).join(',')],
  ];
  const byIndex = new Map<number, string>();
  for (const { file, result: r } of reports) {
    for (const [what, get] of same) {
      if (get(r) !== get(a)) {
        const show = (v: unknown) => (v === '' ? '(none)' : String(v));
        throw new UsageError(`cannot merge ${file} with ${first.file}: ${what} ${show(get(r))} differs from ${show(get(a))} (not shards of one run)`);
      }
    }
    const s = shardOf(r);
    if (r.origin?.walk !== undefined && r.origin.walk % s.count !== s.index) {
      throw new UsageError(`${file}: failing walk ${r.origin.walk} does not belong to shard ${s.index}/${s.count}`);
    }
    const other = byIndex.get(s.index);
    if (other !== undefined) throw new UsageError(`cannot merge: ${other} and ${file} are both shard ${s.index}/${s.count}`);
    byIndex.set(s.index, file);
  }

  const results = reports.map((r) => r.result);
  const count = shardOf(a).count;
  const shards = [...byIndex.keys()].sort((x, y) => x - y);
  const sum = (f: (r: CheckResult) => number) => results.reduce((t, r) => t + f(r), 0);
  const steps = sum((r) => r.stats?.steps ?? 0);
  const seconds = Math.round(sum((r) => r.seconds) * 1000) / 1000;
  const perSecond = seconds > 0 ? Math.round(steps / seconds) : steps;
  const stoppedBy = results.find((r) => r.stats?.stoppedBy)?.stats?.stoppedBy;
  const stats: EngineStats = {
    hash: sa.prng,
    collisionProbability: 0,
    bytesPerState: 0,
    statesPerSecond: perSecond,
    ...(stoppedBy ? { stoppedBy } : {}),
    steps,
    walks: sum((r) => r.stats?.walks ?? 0),
    stepsPerSecond: perSecond,
  };
  const common = {
    variant: a.variant,
    scenario: a.scenario,
    engine: 'simulate' as const,
    seed: a.seed,
    states: sum((r) => r.states),
    transitions: sum((r) => r.transitions),
    maxDepth: Math.max(...results.map((r) => r.maxDepth)),
    seconds,
    complete: false,
    invariants: [...a.invariants],
    ...(a.properties ? { properties: [...a.properties] } : {}),
    witnesses: a.witnesses.map((w, i) => ({ id: w.id, reached: results.some((r) => r.witnesses[i].reached) })),
    stats,
    simulation: { prng: sa.prng, walks: sa.walks, depth: sa.depth },
    merged: { shards, count, allPresent: shards.length === count },
  };

  const failed = results.filter((r) => r.verdict === 'fail').sort((x, y) => x.origin!.walk! - y.origin!.walk!);
  if (failed.length > 0) {
    const f = failed[0];
    const v = f.violation!;
    return { verdict: 'fail', ...common, origin: f.origin, violation: { ...v, doc: v.doc || (doc(v.property) ?? '') }, replay: f.replay };
  }
  return { verdict: 'incomplete', ...common, replay: simulateCommand(a.variant, a.scenario, { seed: a.seed!, walks: sa.walks, depth: sa.depth, properties: a.properties }) };
}
