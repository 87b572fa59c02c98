/**
 * The variant matrix: every (variant, scenario) pair checked by bfs with
 * allViolations, read back per property as one cell. What a kernel patch
 * reviewer compares: which properties a variant fails, where, and how to replay it.
 *
 * Nothing here decides a verdict: each cell is read off the CheckResult of its
 * run (its violations, its budget stop, its witnesses), so a cell says exactly
 * what the checker found.
 */
import type { CheckTarget, PropertyKind } from './model/interface.js';
import { bfs, type Budgets, type Progress } from './check/bfs.js';
import { UsageError } from './errors.js';
import { replayCommand, worstVerdict, type CheckResult, type Verdict, type Violation } from './check/result.js';

/**
 * One property on one (variant, scenario) pair:
 * - `pass`: the run explored every reachable state, reached every witness, and the property held;
 * - `fail`: the property was violated (the cell has the counterexample's length and replay line);
 * - `incomplete`: a budget stopped the run before the property was violated;
 * - `vacuous`: the run was complete and the property held, but a witness of the scenario
 *   was never reached, so the scenario did not exercise what it claims to;
 * - `n/a`: the scenario excludes the property (it is not checked there).
 */
export type CellVerdict = 'pass' | 'fail' | 'incomplete' | 'vacuous' | 'n/a';

export interface Cell {
  readonly variant: string;
  readonly scenario: string;
  readonly property: string;
  readonly verdict: CellVerdict;
  /** fail: length of the property's shortest counterexample. */
  readonly steps?: number;
  /** fail: a replay command restricted to this property (`--property`). */
  readonly replay?: string;
}

/** What the matrix needs from the catalogue (src/catalog.ts, or the CLI's Catalog, or a test's toy). */
export interface MatrixSource {
  listProperties(): readonly { id: string; kind: PropertyKind }[];
  buildTarget(variant: string, scenario: string): CheckTarget<any, any>;
}

export interface MatrixOptions extends Budgets {
  /** bfs symmetry reduction (verdicts and counterexample lengths are unchanged; paths may differ). */
  readonly symmetry?: boolean;
  /** bfs's diskQueue: each level's frontier in a temporary file (results are the same). */
  readonly diskQueue?: boolean;
  /** Milliseconds between progress calls of each run (bfs's default unless given). */
  readonly progressIntervalMs?: number;
  /**
   * Called before each run with its label (`[3/12] linux-3.10 skip-hold`); what it
   * returns receives that run's progress and is told when the run is over.
   */
  readonly progress?: (label: string) => { show(p: Progress): void; done(): void };
  /**
   * The memory ceiling of each run when `maxMemoryMiB` is not given (the CLI's
   * default, as for check): enforced, but not recorded in the reports, which
   * would otherwise depend on the machine's physical memory.
   */
  readonly defaultMaxMemoryMiB?: number;
}

export interface Matrix {
  /** The columns: each variant's id as its targets carry it (a variant loaded from a file has its own id). */
  readonly variants: string[];
  readonly scenarios: string[];
  /** The rows: every invariant of the catalogue, in its order. */
  readonly properties: string[];
  /** Variant-major, then scenario, then property (catalogue order); one per triple, n/a included. */
  readonly cells: Cell[];
  /** The bfs result of each (variant, scenario) pair, in the order of `cells`. */
  readonly runs: CheckResult[];
  /** How the runs were made, for the reports (the same for every run). */
  readonly engine: MatrixEngine;
}

export interface MatrixEngine {
  readonly name: 'bfs';
  readonly allViolations: true;
  readonly symmetry: boolean;
  /** The fingerprint hash the runs used (from their stats). */
  readonly hash: string;
  readonly budgets: { maxStates?: number; maxDepth?: number; timeBudgetSeconds?: number; maxMemoryMiB?: number };
}

/**
 * Run bfs with allViolations on every pair and read off the cells. `variants` and
 * `scenarios` are names for `source.buildTarget`; the matrix names each column by
 * the id its targets carry, and refuses two columns with one id.
 */
export function computeMatrix(source: MatrixSource, variants: readonly string[], scenarios: readonly string[], options: MatrixOptions = {}): Matrix {
  const { targets } = prepare(source, variants, scenarios);
  const runs: CheckResult[] = [];
  const total = variants.length * scenarios.length;
  for (const row of targets) {
    for (const target of row) {
      const progress = options.progress?.(label(runs.length, total, target));
      let r: CheckResult;
      try {
        r = bfs(target, {
          maxStates: options.maxStates,
          maxDepth: options.maxDepth,
          timeBudgetSeconds: options.timeBudgetSeconds,
          maxMemoryMiB: options.maxMemoryMiB ?? options.defaultMaxMemoryMiB,
          allViolations: true,
          symmetry: options.symmetry === true,
          diskQueue: options.diskQueue === true ? true : undefined,
          onProgress: progress ? (p) => progress.show(p) : undefined,
          progressIntervalMs: options.progressIntervalMs,
        });
      } finally {
        progress?.done();
      }
      runs.push(r);
    }
  }
  return assemble(source, targets, runs, options);
}

/**
 * The same matrix with the runs spread over `jobs` worker threads
 * (src/matrix-jobs.ts). Workers load each target from `src/catalog.ts` by the
 * names given (ids or files), so `source` must be that catalogue; the results,
 * and so the reports, are the same as computeMatrix's.
 */
export async function computeMatrixInWorkers(
  source: MatrixSource,
  variants: readonly string[],
  scenarios: readonly string[],
  options: MatrixOptions,
  jobs: number,
): Promise<Matrix> {
  const { targets } = prepare(source, variants, scenarios);
  const total = variants.length * scenarios.length;
  const pairs = variants.flatMap((v, i) => scenarios.map((s, j) => ({ variant: v, scenario: s, label: label(i * scenarios.length + j, total, targets[i][j]) })));
  const { runInWorkers } = await import('./matrix-jobs.js');
  const runs = await runInWorkers(
    pairs,
    {
      maxStates: options.maxStates,
      maxDepth: options.maxDepth,
      timeBudgetSeconds: options.timeBudgetSeconds,
      maxMemoryMiB: options.maxMemoryMiB ?? options.defaultMaxMemoryMiB,
      symmetry: options.symmetry === true,
      diskQueue: options.diskQueue === true ? true : undefined,
      progressIntervalMs: options.progressIntervalMs,
    },
    jobs,
    options.progress,
  );
  // Without a signal every pair finishes (or the promise rejects).
  return assemble(source, targets, runs as CheckResult[], options);
}

const label = (i: number, total: number, t: CheckTarget<any, any>) => `[${i + 1}/${total}] ${t.variant} ${t.scenario}`;

/** Every target first, so a bad name is refused before anything runs long; two columns with one id are refused. */
function prepare(source: MatrixSource, variants: readonly string[], scenarios: readonly string[]): { targets: CheckTarget<any, any>[][] } {
  if (scenarios.length === 0) throw new UsageError('a matrix needs at least one scenario');
  const targets = variants.map((v) => scenarios.map((s) => source.buildTarget(v, s)));
  const ids = targets.map((row) => row[0].variant);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) throw new UsageError(`two of the variants given are both '${twice}'`);
  return { targets };
}

/** The matrix of `runs` (one per target, variant-major); `nlring ci` builds its matrix from its own runs with it. */
export function assemble(source: MatrixSource, targets: CheckTarget<any, any>[][], runs: CheckResult[], options: MatrixOptions): Matrix {
  const properties = source.listProperties().filter((p) => p.kind === 'always').map((p) => p.id);
  const cells = runs.flatMap((r) => cellsOf(r, properties));
  const ids = targets.map((row) => row[0].variant);
  const b = {
    ...(options.maxStates !== undefined ? { maxStates: options.maxStates } : {}),
    ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
    ...(options.timeBudgetSeconds !== undefined ? { timeBudgetSeconds: options.timeBudgetSeconds } : {}),
    ...(options.maxMemoryMiB !== undefined ? { maxMemoryMiB: options.maxMemoryMiB } : {}),
  };
  return {
    variants: ids,
    scenarios: targets[0]?.map((t) => t.scenario) ?? [],
    properties,
    cells,
    runs,
    engine: { name: 'bfs', allViolations: true, symmetry: options.symmetry === true, hash: runs[0]?.stats?.hash ?? '', budgets: b },
  };
}

/**
 * The cells of one run, one per property of `properties`. A property the run did
 * not judge is n/a; a violated one fails; otherwise the run's completeness decides:
 * a budget stop (or, for a run without allViolations, a stop at another property's
 * violation) leaves it incomplete, a missed witness makes it vacuous.
 */
export function cellsOf(r: CheckResult, properties: readonly string[]): Cell[] {
  const judged = new Set(r.invariants);
  const violations = new Map<string, Violation>();
  for (const v of r.violations ?? (r.violation?.kind === 'always' ? [r.violation] : [])) violations.set(v.property, v);
  // Every reachable state was judged unless a budget or (without allViolations) the first violation stopped the run.
  const stopped = r.verdict === 'incomplete' || r.stats?.stoppedBy !== undefined || (r.violations === undefined && violations.size > 0);
  const vacuous = r.witnesses.some((w) => !w.reached);
  return properties.map((property): Cell => {
    const at = { variant: r.variant, scenario: r.scenario, property };
    if (!judged.has(property)) return { ...at, verdict: 'n/a' };
    const v = violations.get(property);
    if (v) return { ...at, verdict: 'fail', steps: v.steps.length, replay: propertyReplay(r, v) };
    if (stopped) return { ...at, verdict: 'incomplete' };
    if (vacuous) return { ...at, verdict: 'vacuous' };
    return { ...at, verdict: 'pass' };
  });
}

/**
 * The replay line of one violation, restricted to its property. The same form as
 * check's `violations[].replay` for every violation after the first, here for the
 * first too: a cell speaks of one property, so its line judges that one alone
 * (bfs found each counterexample against its own invariant, so it replays there).
 */
export function propertyReplay(r: CheckResult, v: Violation): string {
  return replayCommand(r.variant, r.scenario, v.path, [v.property]);
}

/** Worst first: the order in which an aggregate picks its verdict. */
export const CELL_ORDER: readonly CellVerdict[] = ['fail', 'incomplete', 'vacuous', 'pass', 'n/a'];

/** One property on one variant over all scenarios, with the scenario cells behind it. */
export interface Aggregate {
  readonly variant: string;
  readonly property: string;
  /** The worst verdict over the scenarios that check the property; n/a if none does. */
  readonly verdict: CellVerdict;
  /** How many scenarios gave that verdict. */
  readonly count: number;
  /** How many scenarios check the property (cells that are not n/a). */
  readonly checked: number;
  /** fail: the shortest counterexample over the failing scenarios, and its scenario (the first in scenario order among equals). */
  readonly steps?: number;
  readonly scenario?: string;
  /** The drill-down: this property's cell in every scenario, in scenario order. */
  readonly cells: Cell[];
}

export function aggregate(m: Matrix, variant: string, property: string): Aggregate {
  const cells = m.cells.filter((c) => c.variant === variant && c.property === property);
  const verdict = CELL_ORDER.find((v) => cells.some((c) => c.verdict === v)) ?? 'n/a';
  const worst = cells.filter((c) => c.verdict === verdict);
  const base = { variant, property, verdict, count: worst.length, checked: cells.filter((c) => c.verdict !== 'n/a').length, cells };
  if (verdict !== 'fail') return base;
  const shortest = worst.reduce((a, c) => (c.steps! < a.steps! ? c : a));
  return { ...base, steps: shortest.steps, scenario: shortest.scenario };
}

/** The matrix's verdict, as check-all's: fail if any run failed (a vacuous run is a failure), else incomplete if any stopped. */
export function matrixVerdict(m: Matrix): Verdict {
  return worstVerdict(m.runs.map((r) => r.verdict));
}

/** A difference between two variants: one (scenario, property) pair whose verdicts differ. */
export interface Difference {
  readonly scenario: string;
  readonly property: string;
  readonly a: Cell;
  readonly b: Cell;
}

/**
 * The (scenario, property) pairs whose verdicts differ between variants `a` and `b`
 * of `m`, in scenario then property order. Counterexample lengths alone do not
 * make a difference: the verdict is what a reviewer's patch changes.
 */
export function differences(m: Matrix, a: string, b: string): Difference[] {
  return pairs(m, a, b).filter((d) => d.a.verdict !== d.b.verdict);
}

/**
 * The pairs that fail on both variants with counterexamples of different lengths:
 * not a difference of verdict, but what a partial fix looks like (the property
 * still fails, by another path), so diff shows them apart.
 */
export function lengthChanges(m: Matrix, a: string, b: string): Difference[] {
  return pairs(m, a, b).filter((d) => d.a.verdict === 'fail' && d.b.verdict === 'fail' && d.a.steps !== d.b.steps);
}

/** Every (scenario, property) with its cell on `a` and on `b`, in scenario then property order. */
function pairs(m: Matrix, a: string, b: string): Difference[] {
  const byKey = (variant: string) => new Map(m.cells.filter((c) => c.variant === variant).map((c) => [`${c.scenario}\0${c.property}`, c]));
  const ca = byKey(a);
  const cb = byKey(b);
  const out: Difference[] = [];
  for (const scenario of m.scenarios) {
    for (const property of m.properties) {
      const key = `${scenario}\0${property}`;
      out.push({ scenario, property, a: ca.get(key)!, b: cb.get(key)! });
    }
  }
  return out;
}
