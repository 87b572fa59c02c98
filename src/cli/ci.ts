/**
 * `nlring ci`: the CI gate. It runs what nlring.config.json lists (variants,
 * scenarios, engines, budgets), writes every report under the output directory,
 * and judges the findings against the config's baseline (src/ci/gate.ts).
 *
 * The runs go to worker threads (src/matrix-jobs.ts), one or more, so that this
 * thread stays free to hear SIGINT: an interrupted gate writes what it has,
 * marks the rest INCOMPLETE and exits 3. `--shard i/n` runs every n-th job;
 * `nlring merge` puts the shards' ci.json files back together and judges the
 * whole (mergeCi below), with the same reports as one unsharded run.
 *
 * ci.json carries the parsed config, the shard, the raw results and a SHA-256
 * digest of them, so a merge can refuse a truncated or edited file.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { bfs } from '../check/bfs.js';
import { exitCodeFor, EXIT, type CheckResult, type Shard } from '../check/result.js';
import { DEFAULT_DEPTH, DEFAULT_WALKS, simulate } from '../check/simulate.js';
import { parseConfig, type CiConfig, type EngineRun, type KnownNames } from '../ci/config.js';
import { evaluateGate, type Gate } from '../ci/gate.js';
import { UsageError } from '../errors.js';
import { assemble } from '../matrix.js';
import type { CheckTarget } from '../model/interface.js';
import { formatGateText, gateToJson } from '../report/ci.js';
import { formatMatrixJson, formatMatrixMarkdown, formatMatrixText } from '../report/matrix.js';
import { formatHtml, scenarioDescriptionsOf } from '../report/html.js';
import { deadSteps, formatDeadSteps } from '../report/statespace.js';
import { withTraces } from '../report/html-traces.js';
import { openOutputs, runSettings, type RunOutputs, type RunSettings } from '../report/outputs.js';
import { formatJunit } from '../report/junit.js';
import { formatSummary, formatSummaryJson } from '../report/summary.js';
import { listenForSigint, notStartedResult, wasInterrupted, type Sigint } from './interrupt.js';
import { bfsProgressLine, checkOutputDir, defaultMemoryCeilingMiB, progressPrinter, simulateProgressLine, version, writeReports } from './io.js';
import type { Catalog, Io, RunOptions } from './run.js';

export const CI_FORMAT = 'nlring-ci/1';
export const DEFAULT_CONFIG = 'nlring.config.json';
const DEFAULT_OUT = 'reports';

/** One run of the gate: an engine on a (variant, scenario) pair, by its place in the config's job list. */
export interface Job {
  readonly index: number;
  readonly engine: EngineRun;
  /** As the targets name them (a file relative to the working directory). */
  readonly variant: string;
  readonly scenario: string;
}

/** The ci.json document: everything a merge needs to judge and report without the config file. */
export interface CiDocument {
  readonly format: typeof CI_FORMAT;
  readonly config: CiConfig;
  readonly strict: boolean;
  readonly shard: Shard | null;
  readonly jobs: number;
  readonly interrupted: boolean;
  readonly gate: Record<string, unknown>;
  readonly results: readonly { readonly job: number; readonly result: CheckResult }[];
  readonly digest: string;
}

/** What a CI command line gave: see `nlring ci --help`. */
interface CiFlags {
  readonly config?: string;
  readonly out?: string;
  readonly shard?: Shard;
  readonly strict: boolean;
  readonly jobs?: number;
  readonly json: boolean;
  readonly events?: string;
  readonly itf?: string;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function knownNames(catalog: Catalog): KnownNames {
  return {
    variants: catalog.listVariants().map((v) => v.id),
    scenarios: catalog.listScenarios().map((s) => s.id),
    properties: [...catalog.listProperties(), ...(catalog.listWitnesses?.() ?? [])].map((p) => p.id),
  };
}

/**
 * Names in the config that are files are relative to the config's directory;
 * targets, reports and replay lines name them relative to the working directory,
 * so that every printed line runs as printed from there.
 */
function fromConfigDir(configFile: string, name: string): string {
  if (!/[/\\]|\.(m?[jt]s|json)$/.test(name) || isAbsolute(name)) return name;
  const rel = relative(process.cwd(), resolve(dirname(configFile), name));
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** The config with its file names rebased on the working directory (baseline and incomplete entries included). */
function rebase(configFile: string, c: CiConfig): CiConfig {
  const f = (n: string) => fromConfigDir(configFile, n);
  return {
    ...c,
    variants: c.variants.map(f),
    ...(c.scenarios ? { scenarios: c.scenarios.map(f) } : {}),
    engines: c.engines.map((e) => (e.scenarios ? { ...e, scenarios: e.scenarios.map(f) } : e)),
    baseline: c.baseline.map((b) => ({ ...b, variant: f(b.variant), scenario: f(b.scenario) })),
    incomplete: c.incomplete.map((b) => ({ ...b, variant: f(b.variant), scenario: f(b.scenario) })),
  };
}

/** Every job of the config, engine-major, then variant, then scenario: the order shards and reports follow. */
export function jobsOf(config: CiConfig, allScenarios: readonly string[]): Job[] {
  const jobs: Job[] = [];
  for (const engine of config.engines) {
    for (const variant of config.variants) {
      for (const scenario of engine.scenarios ?? config.scenarios ?? allScenarios) jobs.push({ index: jobs.length, engine, variant, scenario });
    }
  }
  return jobs;
}

/** SHA-256 of the document without its digest, as JSON: a merge recomputes it to refuse an edited file. */
function digestOf(doc: Omit<CiDocument, 'digest'>): string {
  const { digest: _, ...rest } = doc as CiDocument;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

export async function ciCommand(flags: Record<string, string>, io: Io, options: RunOptions, catalog: Catalog): Promise<number> {
  const f: CiFlags = {
    config: flags.config,
    out: flags.out,
    shard: flags.shard ? { index: Number(flags.shard.split('/')[0]), count: Number(flags.shard.split('/')[1]) } : undefined,
    strict: flags.strict === 'true',
    jobs: flags.jobs === undefined ? undefined : Number(flags.jobs),
    json: flags.format === 'json',
    events: flags.events,
    itf: flags.itf,
  };
  const configFile = f.config ?? DEFAULT_CONFIG;
  const config = rebase(configFile, parseConfig(configFile, readText(configFile, 'config file'), knownNames(catalog)));
  const out = f.out ?? config.out ?? DEFAULT_OUT;
  // Refused now, not after an hour of checking.
  await checkOutputDir(out, f.out !== undefined ? '--out' : 'out of the config');

  const all = jobsOf(config, catalog.listScenarios().map((s) => s.id));
  const mine = f.shard ? all.filter((j) => j.index % f.shard!.count === f.shard!.index) : all;
  // --events and --itf are checked (and the events file opened) before the first run too.
  const outputs = openOutputs({ events: f.events, itf: f.itf }, 'ci', version());
  // Every target loads before anything runs, so a broken patch file is refused at once.
  const targets = new Map<string, CheckTarget<any, any>>();
  for (const j of mine) {
    const k = `${j.variant}\0${j.scenario}`;
    if (!targets.has(k)) targets.set(k, await loadTarget(catalog, j.variant, j.scenario));
  }

  // SIGINT: the running bfs runs stop where they are and return what they explored (INCOMPLETE, `interrupted`); no new one starts.
  const sigint = listenForSigint(io);
  let results: (CheckResult | undefined)[];
  try {
    results = await runJobs(mine, config, f.jobs ?? config.jobs ?? 1, targets, io, options, sigint, outputs);
  } catch (e) {
    outputs.close();
    throw e;
  } finally {
    sigint.dispose();
  }
  const interrupted = sigint.signal.aborted;
  const finished = mine.map((j, i) => ({ job: j.index, result: results[i] ?? notStartedResult(targets.get(`${j.variant}\0${j.scenario}`)!, j.engine.engine, j.engine.seed ?? 0) }));
  for (const i of mine.keys()) if (results[i] === undefined) outputs.runFinished(finished[i].result);
  outputs.finish(finished.map((x) => x.result));
  const shard = f.shard ?? null;
  const doc: CiDocument = {
    format: CI_FORMAT,
    config,
    strict: f.strict,
    shard,
    jobs: all.length,
    interrupted,
    gate: {},
    results: finished,
    digest: '',
  };
  return report(doc, out, io, f.json, catalog);
}

/** Judge a document's results and write every report; the exit code follows the gate (3 when interrupted or shards are missing). */
async function report(doc: CiDocument, out: string, io: Io, json: boolean, catalog: Catalog, missingShards: readonly number[] = []): Promise<number> {
  const runs = doc.results.map((r) => r.result);
  const gate = evaluateGate(doc.config, runs, doc.strict);
  const incompleteWhy = doc.interrupted ? 'interrupted by SIGINT' : missingShards.length > 0 ? `shard${missingShards.length === 1 ? '' : 's'} ${missingShards.join(', ')} missing` : undefined;
  const gateJson = gateToJson(gate, { shard: doc.shard, jobs: doc.jobs, ran: runs.length, incompleteWhy });
  // ci.json keeps each counterexample's path and steps, not its drawings: the HTML page replays them.
  const full: CiDocument = { ...doc, gate: gateJson, results: doc.results.map((r) => ({ job: r.job, result: withoutTraces(r.result) })), digest: '' };
  (full as { digest: string }).digest = digestOf(full);
  const text = formatGateText(gate, { shard: doc.shard, jobs: doc.jobs, ran: runs.length, incompleteWhy });
  const files: Record<string, string> = {
    'ci.json': JSON.stringify(full, null, 2) + '\n',
    'ci.txt': text,
    'summary.txt': formatSummary(runs),
    'summary.json': formatSummaryJson(runs),
    'junit.xml': formatJunit(runs),
  };
  const grid = matrixOf(doc, catalog);
  if (grid) {
    files['matrix.json'] = formatMatrixJson(grid);
    files['matrix.md'] = formatMatrixMarkdown(grid);
    files['matrix.txt'] = formatMatrixText(grid);
    // Spec code no scenario exercises, per variant: only a whole grid can say "no scenario".
    files['dead-steps.txt'] = formatDeadSteps(deadSteps(grid.runs));
  }
  const traced = await Promise.all(runs.map(async (r) => (r.states === 0 ? r : withTraces(r, await loadTarget(catalog, r.variant, r.scenario)))));
  files['index.html'] = formatHtml({
    version: version(),
    title: 'nlring ci',
    // A whole grid's bfs runs go in as the matrix, which carries them; only the other runs as results, so none counts twice.
    results: grid ? traced.filter((r) => r.engine !== 'bfs') : traced,
    scenarioDescriptions: scenarioDescriptionsOf(catalog.listScenarios()),
    ...(grid ? { matrix: { ...grid, runs: traced.filter((r) => r.engine === 'bfs') } } : {}),
    settings: [
      ['gate', verdictLine(gateJson)],
      ...Object.entries(budgetsOf(doc.config)).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)]),
      ...(doc.shard ? [['shard', `${doc.shard.index}/${doc.shard.count}`] as [string, string]] : []),
    ],
    // What the gate judges, at the top: every verdict below is the checker's, most of them accepted by the baseline.
    notices: [
      ...(incompleteWhy !== undefined ? [`INCOMPLETE: ${incompleteWhy}; runs that did not finish are marked INCOMPLETE`] : []),
      ...gate.new.map((f) => `NEW (not in the baseline, fails the gate): ${f.variant} ${f.scenario} ${f.property}`),
      ...gate.fixed.map((b) => `FIXED (in the baseline, no longer found): ${b.variant} ${b.scenario} ${b.property}`),
    ],
  });
  await writeReports(out, files);
  io.stdout.write(json ? JSON.stringify(gateJson, null, 2) + '\n' : text);
  if (incompleteWhy !== undefined) return EXIT.incomplete;
  return exitCodeFor(gate.verdict);
}

/** A result without the drawings of its counterexamples (paths and steps stay). */
function withoutTraces(r: CheckResult): CheckResult {
  return {
    ...r,
    ...(r.violation ? { violation: { ...r.violation, trace: [] } } : {}),
    ...(r.violations ? { violations: r.violations.map((v) => ({ ...v, trace: [] })) } : {}),
  };
}

function verdictLine(gate: Record<string, unknown>): string {
  return `${String(gate.verdict).toUpperCase()} (${(gate.new as unknown[]).length} new, ${(gate.accepted as unknown[]).length} accepted, ${(gate.fixed as unknown[]).length} fixed)`;
}

function loadTarget(catalog: Catalog, variant: string, scenario: string): Promise<CheckTarget<any, any>> {
  return catalog.loadTarget ? catalog.loadTarget(variant, scenario) : Promise.resolve(catalog.buildTarget(variant, scenario));
}

/** The bfs runs as a variant matrix, when they cover the whole grid of the config (an unsharded or merged gate). */
function matrixOf(doc: CiDocument, catalog: Catalog) {
  const bfsRuns = doc.results.map((r) => r.result).filter((r) => r.engine === 'bfs');
  const variants = [...new Set(bfsRuns.map((r) => r.variant))];
  const scenarios = [...new Set(bfsRuns.map((r) => r.scenario))];
  if (bfsRuns.length === 0 || variants.length * scenarios.length !== bfsRuns.length) return undefined;
  if (doc.interrupted || bfsRuns.some(wasInterrupted)) return undefined;
  const byPair = new Map(bfsRuns.map((r) => [`${r.variant}\0${r.scenario}`, r]));
  const ordered = variants.flatMap((v) => scenarios.map((s) => byPair.get(`${v}\0${s}`)!));
  const targets = variants.map((v) => scenarios.map((s) => ({ variant: v, scenario: s }) as unknown as CheckTarget<any, any>));
  return assemble({ listProperties: () => catalog.listProperties(), buildTarget: () => { throw new Error('not needed'); } }, targets, ordered, budgetsOf(doc.config));
}

function budgetsOf(c: CiConfig) {
  return { maxStates: c.budgets.maxStates, maxDepth: c.budgets.maxDepth, timeBudgetSeconds: c.budgets.timeBudgetSeconds, maxMemoryMiB: c.budgets.maxMemoryMiB };
}

/**
 * Run the jobs: bfs in worker threads (the real catalogue) or in this thread
 * (a catalogue given to run(), in tests); the random engines in this thread.
 * Unfinished entries are undefined when `signal` aborts.
 */
async function runJobs(
  jobs: readonly Job[],
  config: CiConfig,
  workers: number,
  targets: Map<string, CheckTarget<any, any>>,
  io: Io,
  options: RunOptions,
  sigint: Sigint,
  outputs: RunOutputs,
): Promise<(CheckResult | undefined)[]> {
  const signal = sigint.signal;
  const results: (CheckResult | undefined)[] = new Array(jobs.length).fill(undefined);
  // Events: a start when a run begins, its violations and finish when it ends. Runs in
  // parallel workers overlap, so their progress goes to stderr only, not to the events.
  const started = (i: number) => outputs.runStarted(jobs[i], settingsOf(jobs[i], targets.get(`${jobs[i].variant}\0${jobs[i].scenario}`)!, config), i + 1, jobs.length);
  const ended = (i: number) => outputs.runFinished(results[i]!);
  const b = budgetsOf(config);
  const label = (i: number) => `[${i + 1}/${jobs.length}] ${jobs[i].engine.engine} ${jobs[i].variant} ${jobs[i].scenario}`;
  const bfsAt = jobs.flatMap((j, i) => (j.engine.engine === 'bfs' ? [i] : []));
  if (bfsAt.length > 0) {
    if (options.catalog === undefined) {
      const { runInWorkers } = await import('../matrix-jobs.js');
      const byLabel = new Map(bfsAt.map((i) => [label(i), i]));
      const progress = (l: string) => {
        started(byLabel.get(l)!);
        const p = progressPrinter(io, l);
        return { show: (x: import('../check/bfs.js').Progress) => p.show(bfsProgressLine(x)), done: p.done };
      };
      const done = await runInWorkers(
        bfsAt.map((i) => ({ variant: jobs[i].variant, scenario: jobs[i].scenario, label: label(i) })),
        { ...b, maxMemoryMiB: b.maxMemoryMiB ?? defaultMemoryCeilingMiB(), symmetry: false, progressIntervalMs: options.progressIntervalMs, interrupt: sigint.flag },
        workers,
        progress,
        signal,
        (k, result) => {
          results[bfsAt[k]] = result;
          ended(bfsAt[k]);
        },
      );
      bfsAt.forEach((i, k) => (results[i] = done[k]));
    } else {
      for (const i of bfsAt) {
        if (signal.aborted) break;
        const p = progressPrinter(io, label(i));
        started(i);
        try {
          results[i] = bfs(targets.get(`${jobs[i].variant}\0${jobs[i].scenario}`)!, {
            ...b,
            maxMemoryMiB: b.maxMemoryMiB ?? defaultMemoryCeilingMiB(),
            allViolations: true,
            onProgress: (x) => {
              p.show(bfsProgressLine(x));
              outputs.bfsProgress(x);
            },
            progressIntervalMs: options.progressIntervalMs,
          });
          ended(i);
        } finally {
          p.done();
        }
      }
    }
  }
  for (const [i, j] of jobs.entries()) {
    if (j.engine.engine === 'bfs' || signal.aborted) continue;
    const target = targets.get(`${j.variant}\0${j.scenario}`)!;
    const p = progressPrinter(io, label(i));
    started(i);
    try {
      if (j.engine.engine === 'simulate') {
        results[i] = simulate(target, {
          seed: j.engine.seed ?? 0,
          walks: j.engine.walks ?? DEFAULT_WALKS,
          depth: j.engine.depth ?? DEFAULT_DEPTH,
          timeBudgetSeconds: b.timeBudgetSeconds,
          onProgress: (x) => {
            p.show(simulateProgressLine(x));
            outputs.simulateProgress(x);
          },
          progressIntervalMs: options.progressIntervalMs,
        });
      } else {
        const { pbt } = await import('../check/pbt.js');
        results[i] = pbt(target, { seed: j.engine.seed ?? 0, numRuns: j.engine.runs, maxSteps: j.engine.depth });
      }
      ended(i);
    } finally {
      p.done();
    }
  }
  return results;
}

/** The start event's settings of a job: what `check` would record for the same engine, budgets and options. */
function settingsOf(job: Job, target: CheckTarget<any, any>, config: CiConfig): RunSettings {
  const e = job.engine;
  const flags: Record<string, string> = e.engine === 'bfs' ? { 'all-violations': 'true' } : {};
  for (const k of ['seed', 'walks', 'runs', 'depth'] as const) if (e[k] !== undefined) flags[k] = String(e[k]);
  return runSettings(e.engine, target, flags, budgetsOf(config));
}

/**
 * `nlring merge` of ci.json files: the shards of one gate (same config, strict
 * flag and job count; each shard once). Reports are written to `out` (default:
 * the config's), and the whole is judged; a missing shard makes it INCOMPLETE.
 */
export async function mergeCi(files: readonly { file: string; text: string }[], out: string | undefined, io: Io, json: boolean, catalog: Catalog): Promise<number> {
  const docs = files.map(({ file, text }) => parseCiDocument(file, text));
  const first = docs[0];
  const sameConfig = JSON.stringify(first.doc.config);
  const seen = new Map<number, string>();
  for (const { file, doc } of docs) {
    if (JSON.stringify(doc.config) !== sameConfig || doc.strict !== first.doc.strict || doc.jobs !== first.doc.jobs) {
      throw new UsageError(`${file} and ${first.file} are not shards of one gate: their configs, --strict or job counts differ`);
    }
    if (doc.shard === null) throw new UsageError(`${file} is an unsharded gate: there is nothing to merge it with`);
    if (doc.shard.count !== first.doc.shard?.count) throw new UsageError(`${file} is shard ${doc.shard.index}/${doc.shard.count}, ${first.file} is of ${first.doc.shard?.count}`);
    const other = seen.get(doc.shard.index);
    if (other !== undefined) throw new UsageError(`${file} and ${other} are both shard ${doc.shard.index}/${doc.shard.count}`);
    seen.set(doc.shard.index, file);
  }
  const count = first.doc.shard!.count;
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  const results = docs.flatMap(({ doc }) => doc.results).sort((a, b) => a.job - b.job);
  const merged: CiDocument = {
    ...first.doc,
    shard: null,
    interrupted: docs.some(({ doc }) => doc.interrupted),
    results,
    digest: '',
  };
  const dir = out ?? first.doc.config.out ?? DEFAULT_OUT;
  await checkOutputDir(dir, out !== undefined ? '--out' : 'out of the config');
  return report(merged, dir, io, json, catalog, missing);
}

/** Whether a file's text is a ci.json document (as opposed to a simulate report), by its format tag. */
export function isCiDocument(text: string): boolean {
  try {
    return (JSON.parse(text) as { format?: unknown })?.format === CI_FORMAT;
  } catch {
    return false;
  }
}

/** Read a ci.json back: its format, its shape and its digest; a truncated or edited file is a UsageError. */
export function parseCiDocument(file: string, text: string): { file: string; doc: CiDocument } {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON (truncated?): ${(e as Error).message}`);
  }
  const d = j as Partial<CiDocument>;
  if (typeof d !== 'object' || d === null || d.format !== CI_FORMAT) throw new UsageError(`${file} is not an nlring ci report (no "format": "${CI_FORMAT}")`);
  if (typeof d.config !== 'object' || !Array.isArray(d.results) || typeof d.digest !== 'string' || typeof d.jobs !== 'number' || typeof d.strict !== 'boolean') {
    throw new UsageError(`${file}: missing or invalid config, results, jobs, strict or digest`);
  }
  if (digestOf(d as CiDocument) !== d.digest) {
    throw new UsageError(`${file}: its digest does not match its content: the file was edited or damaged after nlring wrote it`);
  }
  return { file, doc: d as CiDocument };
}
