/**
 * The machine-readable outputs of `check` and `check-all`: `--junit FILE`, `--events FILE`
 * and `--itf DIR`, behind one small object the CLI calls at the start of each run, on
 * progress, at the end of each run and at the end of the command.
 *
 * Every destination is checked before the first run starts (a bad path is a one-line
 * UsageError, exit 2, not a failure after an hour of search), and the files that are
 * written whole (JUnit, ITF traces) go to a temporary name in the same directory and are
 * renamed into place, so a failed or interrupted write never leaves half a report.
 * The events file is the exception on purpose: it grows line by line while the run goes.
 */
import { closeSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import type { CheckResult, Engine } from '../check/result.js';
import type { CheckTarget } from '../model/interface.js';
import { FINGERPRINT_HASH } from '../check/fingerprint.js';
import { PRNG_NAME } from '../check/prng.js';
import { DEFAULT_DEPTH, DEFAULT_WALKS, type SimulateProgress } from '../check/simulate.js';
import type { Progress } from '../check/bfs.js';
import { NO_EVENTS, openEventSink, resultEvents, type EventBudgets, type EventOptions, type EventSink } from './events.js';
import { formatItf, itfFiles } from './itf.js';
import { formatJunit } from './junit.js';

const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** Write `text` to `path` through a temporary file in the same directory and a rename. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was created
    }
    throw e;
  }
}

/** Prove that a file can be created in `dir` by creating and removing one. */
function probe(dir: string): void {
  const tmp = join(dir, `.nlring-probe-${process.pid}`);
  closeSync(openSync(tmp, 'w'));
  unlinkSync(tmp);
}

/**
 * Check, before a run, that `path` can be written as a whole file: its directory is created
 * if missing, and must accept a new file; the path itself must not be a directory.
 */
export function checkFileDestination(path: string, flag: string): void {
  if (path === '') throw new UsageError(`${flag} needs a file name`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    probe(dirname(path));
  } catch (e) {
    throw new UsageError(`cannot write ${flag} file '${path}': ${code(e)}`);
  }
}

/** Check, before a run, that `dir` is (or can be created as) a directory that accepts new files. */
export function checkDirDestination(dir: string, flag: string): void {
  if (dir === '') throw new UsageError(`${flag} needs a directory name`);
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    probe(dir);
  } catch (e) {
    throw new UsageError(`cannot write ${flag} directory '${dir}': ${code(e)}`);
  }
}

/** Where the outputs go; each absent one is not written. */
export interface OutputPaths {
  readonly junit?: string;
  readonly events?: string;
  readonly itf?: string;
}

/** What the start event says about a run, besides its target. */
export interface RunSettings {
  readonly engine: Engine;
  readonly budgets: EventBudgets;
  readonly options: EventOptions;
  readonly hash?: string;
  readonly prng?: string;
}

/**
 * The start event's settings of a run as the CLI was given them: the budgets and options
 * that apply to `engine`, the defaults it fills in, and the hash or generator it will use
 * (the same names the result records in `stats.hash`; a test holds them together).
 */
export function runSettings(
  engine: Engine,
  target: CheckTarget<any, any>,
  flags: Readonly<Record<string, string>>,
  budgets: EventBudgets,
  properties?: readonly string[],
): RunSettings {
  const n = (name: string) => (flags[name] === undefined ? undefined : Number(flags[name]));
  const restricted = properties ? { properties: [...properties] } : {};
  const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  switch (engine) {
    case 'bfs': {
      const symmetry = flags.symmetry === 'true';
      const spec = target.spec;
      const hash = symmetry && spec.canonicalUnits ? FINGERPRINT_HASH : spec.inPlace?.fingerprint ? (spec.inPlace.fingerprintName ?? 'spec-defined') : FINGERPRINT_HASH;
      return { engine, budgets: defined({ ...budgets }), options: { allViolations: flags['all-violations'] === 'true', symmetry, ...restricted }, hash };
    }
    case 'simulate':
      return {
        engine,
        budgets: defined({ timeBudgetSeconds: budgets.timeBudgetSeconds }),
        options: defined({ seed: n('seed') ?? 0, walks: n('walks') ?? DEFAULT_WALKS, depth: n('depth') ?? DEFAULT_DEPTH, shard: flags.shard, ...restricted }),
        prng: PRNG_NAME,
      };
    case 'pbt':
      return { engine, budgets: {}, options: defined({ seed: n('seed') ?? 0, runs: n('runs'), depth: n('depth'), ...restricted }), prng: 'fast-check' };
  }
}

export interface RunOutputs {
  /** Before a run: the `start` event. `index` counts from 1 among the command's `of` runs. */
  runStarted(target: { variant: string; scenario: string }, settings: RunSettings, index: number, of: number): void;
  /** A progress report of the current bfs or simulate run (called where the stderr line is printed, so at its cadence). */
  bfsProgress(p: Progress): void;
  simulateProgress(p: SimulateProgress): void;
  /** After a run: its `violation` and `finish` events, and its ITF traces. */
  runFinished(result: CheckResult): void;
  /** After the last run: the JUnit file; closes the events file. */
  finish(results: readonly CheckResult[]): void;
  /** On an error: close the events file (what it holds stays, line by line). */
  close(): void;
}

/**
 * Check every destination, open the events file, and return the hooks. `command` and
 * `version` go into the start events and the ITF traces.
 */
export function openOutputs(paths: OutputPaths, command: string, version: string): RunOutputs {
  if (paths.junit !== undefined && paths.junit === paths.events) throw new UsageError(`--junit and --events name the same file '${paths.junit}'`);
  if (paths.junit !== undefined) checkFileDestination(paths.junit, '--junit');
  if (paths.itf !== undefined) checkDirDestination(paths.itf, '--itf');
  if (paths.events !== undefined) checkFileDestination(paths.events, '--events');
  const sink: EventSink = paths.events !== undefined ? openEventSink(paths.events) : NO_EVENTS;
  let current: { variant: string; scenario: string; engine: Engine } | undefined;
  let written = new Set<string>();
  return {
    runStarted(target, settings, index, of) {
      current = { variant: target.variant, scenario: target.scenario, engine: settings.engine };
      sink.emit({
        type: 'start',
        tool: 'nlring',
        version,
        command,
        run: { index, of },
        variant: target.variant,
        scenario: target.scenario,
        engine: settings.engine,
        budgets: settings.budgets,
        options: settings.options,
        ...(settings.hash !== undefined ? { hash: settings.hash } : {}),
        ...(settings.prng !== undefined ? { prng: settings.prng } : {}),
      });
    },
    bfsProgress(p) {
      if (current === undefined) return;
      sink.emit({ type: 'progress', ...current, seconds: p.seconds, rate: Math.round(p.perSecond), states: p.distinct, transitions: p.transitions, queue: p.queue, depth: p.depth });
    },
    simulateProgress(p) {
      if (current === undefined) return;
      sink.emit({ type: 'progress', ...current, seconds: p.seconds, rate: Math.round(p.perSecond), walks: p.walks, of: p.of, steps: p.steps });
    },
    runFinished(result) {
      for (const e of resultEvents(result)) sink.emit(e);
      current = undefined;
      if (paths.itf === undefined) return;
      // Names are unique within one result; across results a repeated (variant, scenario) would overwrite.
      for (const f of itfFiles([result], version)) {
        let name = f.name;
        for (let n = 2; written.has(name); n++) name = f.name.replace(/\.itf\.json$/, `__${n}.itf.json`);
        written.add(name);
        writeFileAtomic(join(paths.itf, name), formatItf(f.trace));
      }
    },
    finish(results) {
      if (paths.junit !== undefined) writeFileAtomic(paths.junit, formatJunit(results));
      sink.close();
      written = new Set();
    },
    close() {
      sink.close();
    },
  };
}
