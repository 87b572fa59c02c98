/**
 * The CI gate's judgement: what the runs found, set against the baseline of
 * accepted findings. Pure: it reads results the engines produced and decides
 * nothing about the protocol itself. A baseline entry is never a verdict: the
 * checker has to find it again, and the gate says when it no longer does.
 */
import type { CheckResult, Violation } from '../check/result.js';
import { propertyReplay } from '../matrix.js';
import type { AcceptedIncomplete, BaselineEntry, CiConfig } from './config.js';

/** A property that failed on one (variant, scenario): a violated invariant, or a witness a complete run never reached. */
export interface Finding {
  readonly variant: string;
  readonly scenario: string;
  readonly property: string;
  readonly kind: 'invariant' | 'witness';
  /** The engine that found it (bfs first when several did). */
  readonly engine: string;
  /** Length of its counterexample (invariants). */
  readonly steps?: number;
  /** How to see it again. */
  readonly replay: string;
}

export interface AcceptedFinding extends Finding {
  readonly reason: string;
}

/** One run of the gate, as the engine that made it and what it covered. */
export interface GateRun {
  readonly variant: string;
  readonly scenario: string;
  readonly engine: string;
  readonly verdict: string;
  /** Every reachable state was judged for every invariant (bfs without a budget stop). */
  readonly settled: boolean;
}

export interface Gate {
  /** `pass`: nothing new; `fail`: a finding not in the baseline (or --strict and a baseline entry not found again); `incomplete`: a bfs run stopped at a budget the config does not accept. */
  readonly verdict: 'pass' | 'fail' | 'incomplete';
  readonly strict: boolean;
  /** Findings not in the baseline: what fails the gate. */
  readonly new: readonly Finding[];
  /** Findings the baseline accepts, with its reason. */
  readonly accepted: readonly AcceptedFinding[];
  /** Baseline entries whose run was complete and did not find them: fixed (a notice; a failure with --strict). */
  readonly fixed: readonly BaselineEntry[];
  /** Baseline entries whose run stopped at a budget before finding them: neither found nor shown fixed. */
  readonly unconfirmed: readonly BaselineEntry[];
  /** bfs runs that stopped at a budget: accepted by the config (with its reason) or not. */
  readonly incompleteAccepted: readonly AcceptedIncomplete[];
  readonly incompleteUnaccepted: readonly { variant: string; scenario: string; stoppedBy: string }[];
  /** Accepted-incomplete entries whose run now completes: the entry can go. */
  readonly incompleteStale: readonly AcceptedIncomplete[];
  readonly runs: readonly GateRun[];
}

const key = (variant: string, scenario: string, property = '') => `${variant}\0${scenario}\0${property}`;

/** The violations a result reports: every one with --all-violations, else the first. */
function violationsOf(r: CheckResult): Violation[] {
  if (r.violations) return [...r.violations];
  return r.violation?.kind === 'always' ? [r.violation] : [];
}

/** Whether the run judged every reachable state: no budget stop, and (without --all-violations) no stop at the first violation. */
function settled(r: CheckResult): boolean {
  if (r.engine !== 'bfs' || r.stats?.stoppedBy !== undefined) return false;
  return r.violations !== undefined || r.violation === undefined || r.violation.kind === 'sometimes';
}

export function findingsOf(r: CheckResult): Finding[] {
  const at = { variant: r.variant, scenario: r.scenario, engine: r.engine };
  const out: Finding[] = violationsOf(r).map((v) => ({ ...at, property: v.property, kind: 'invariant', steps: v.steps.length, replay: propertyReplay(r, v) }));
  // A witness counts as missed only when the run looked everywhere; a stopped run may not have got there yet.
  if (r.engine === 'bfs' && r.complete) {
    for (const w of r.witnesses) if (!w.reached) out.push({ ...at, property: w.id, kind: 'witness', replay: r.replay });
  }
  return out;
}

/**
 * Judge `runs` (this invocation's, or every shard's after `nlring merge`) against
 * the config's baseline. Baseline entries for pairs no run covered are left out:
 * another shard owns them.
 */
export function evaluateGate(config: CiConfig, runs: readonly CheckResult[], strict: boolean): Gate {
  const found = new Map<string, Finding>();
  // bfs first, so a finding carries the shortest counterexample when random engines found it too.
  const ordered = [...runs].sort((a, b) => Number(a.engine !== 'bfs') - Number(b.engine !== 'bfs'));
  for (const r of ordered) for (const f of findingsOf(r)) if (!found.has(key(f.variant, f.scenario, f.property))) found.set(key(f.variant, f.scenario, f.property), f);

  const baseline = new Map(config.baseline.map((b) => [key(b.variant, b.scenario, b.property), b]));
  const findings = [...found.values()];
  const fresh = findings.filter((f) => !baseline.has(key(f.variant, f.scenario, f.property)));
  const accepted = findings.flatMap((f) => {
    const b = baseline.get(key(f.variant, f.scenario, f.property));
    return b ? [{ ...f, reason: b.reason }] : [];
  });

  const bfsRuns = new Map(runs.filter((r) => r.engine === 'bfs').map((r) => [key(r.variant, r.scenario), r]));
  const covered = new Set(runs.map((r) => key(r.variant, r.scenario)));
  const fixed: BaselineEntry[] = [];
  const unconfirmed: BaselineEntry[] = [];
  for (const b of config.baseline) {
    if (!covered.has(key(b.variant, b.scenario)) || found.has(key(b.variant, b.scenario, b.property))) continue;
    const r = bfsRuns.get(key(b.variant, b.scenario));
    // Fixed only where an exhaustive run judged the property everywhere; anything less proves nothing.
    if (r && settled(r)) fixed.push(b);
    else unconfirmed.push(b);
  }

  const acceptedIncomplete = new Map(config.incomplete.map((e) => [key(e.variant, e.scenario), e]));
  const incompleteAccepted: AcceptedIncomplete[] = [];
  const incompleteUnaccepted: { variant: string; scenario: string; stoppedBy: string }[] = [];
  const incompleteStale: AcceptedIncomplete[] = [];
  for (const r of bfsRuns.values()) {
    const stopped = r.stats?.stoppedBy;
    const entry = acceptedIncomplete.get(key(r.variant, r.scenario));
    if (stopped === undefined) {
      if (entry) incompleteStale.push(entry);
    } else if (entry) incompleteAccepted.push(entry);
    else incompleteUnaccepted.push({ variant: r.variant, scenario: r.scenario, stoppedBy: stopped });
  }

  const failed = fresh.length > 0 || (strict && (fixed.length > 0 || unconfirmed.length > 0 || incompleteStale.length > 0));
  return {
    verdict: failed ? 'fail' : incompleteUnaccepted.length > 0 ? 'incomplete' : 'pass',
    strict,
    new: fresh,
    accepted,
    fixed,
    unconfirmed,
    incompleteAccepted,
    incompleteUnaccepted,
    incompleteStale,
    runs: runs.map((r) => ({ variant: r.variant, scenario: r.scenario, engine: r.engine, verdict: r.verdict, settled: settled(r) })),
  };
}
