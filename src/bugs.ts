/**
 * The bug catalogue as data: every historical bug and design hazard of the
 * interface, with where the checker must find it. An entry says which variant had
 * the bug, which scenario exposes it, which invariants must catch it and which
 * variant fixed it; `checkBugs` then runs the checker and nothing else decides:
 *
 * - on each buggy variant, bfs with allViolations over the invariants of the
 *   entry's families must violate every expected invariant;
 * - each of those counterexamples must replay exactly (src/check/replay.ts): the
 *   same invariant, judged alone, fails at the same step;
 * - the fixed variant must pass the expected invariants in that scenario
 *   (exhaustively, with every witness reached).
 *
 * The only thing written down here is which bug we expect where.
 */
import { splitMemory } from './scenarios/memory.js';
import type { CheckTarget, PropertyKind } from './model/interface.js';
import { bfs } from './check/bfs.js';
import { replay } from './check/replay.js';
import { replayCommand, type CheckResult } from './check/result.js';
import { dumpCost, type DumpCostReport } from './check/dumpcost.js';
import type { Variant } from './model/variant.js';

/** One place where a bug shows: a scenario, the invariants that catch it there, the variants before and after. */
export interface Reproduction {
  /** Variants that have the bug: the first is where it is listed; later ones are versions that still had it. */
  readonly buggy: readonly string[];
  readonly scenario: string;
  /** Invariants that must each be violated on every buggy variant and hold on the fixed one. */
  readonly properties: readonly string[];
  /** The variant with the fix. */
  readonly fixed: string;
  /**
   * Where the bug must not show, although a buggy variant runs: each (variant, scenario)
   * must satisfy `properties` (e.g. B2 on x86: the same kernel under --memory tso).
   */
  readonly alsoHolds?: readonly { readonly variant: string; readonly scenario: string }[];
}

export type BugStatus =
  /** The checker reproduces it; `bugs --check` runs it. */
  | 'runnable'
  /** Needs a mode of the checker that does not exist yet (`waitsFor`). */
  | 'waiting'
  /** Not a violation but a cost the interface imposes; reported as numbers. */
  | 'cost';

export interface BugEntry {
  readonly id: string;
  /** One line, in the project's words. */
  readonly title: string;
  readonly status: BugStatus;
  /** The property families (as the catalogue names them, or in words for a family the spec lacks) that must catch it. */
  readonly families: readonly string[];
  /** The kernel change or rule that fixed it (or `none`). */
  readonly fix: string;
  readonly reproductions: readonly Reproduction[];
  /** waiting: what it waits for. */
  readonly waitsFor?: string;
  /**
   * Work under way that will add a scenario or property this entry names. While a
   * name is missing from the catalogue the entry is listed as pending instead of
   * failing; once every name exists it runs like any other entry.
   */
  readonly landing?: string;
  /** cost: the variant whose cost is measured (the hazard is in the design, so in every version). */
  readonly costOn?: string;
}

export const BUGS: readonly BugEntry[] = [
  {
    id: 'B1',
    title: 'A failed dump continuation leaves a negative errno in sk_err (netlink_poll and netlink_recvmsg)',
    status: 'runnable',
    families: ['error-values'],
    fix: 'sk_err = -err, backported to 3.14+ stable (linux-3.18.4 here)',
    reproductions: [{ buggy: ['linux-3.10'], scenario: 'dump-full-ring', properties: ['ERR-SK-ERR-POSITIVE'], fixed: 'linux-3.18.4' }],
  },
  {
    id: 'B2',
    title: 'netlink_set_status publishes the status before the header and payload stores it should follow (smp_wmb after the store, not smp_mb before)',
    status: 'runnable',
    families: ['publication'],
    fix: 'smp_mb() before the status store (3.18.4, 3.19)',
    // Only a weakly ordered CPU shows it: on x86 (tso) stores become visible in program order.
    // The consumer is the correctly ordered one (acquire on the status), so the kernel is to blame.
    reproductions: [
      { buggy: ['linux-3.10'], scenario: 'rx-publish+weak', properties: ['PUBLISH-RX'], fixed: 'linux-3.18.4', alsoHolds: [{ variant: 'linux-3.10', scenario: 'rx-publish+tso' }, { variant: 'linux-3.10', scenario: 'rx-publish' }] },
      { buggy: ['linux-3.10'], scenario: 'rx-publish+weak', properties: ['PUBLISH-RX'], fixed: 'linux-4.5' },
    ],
  },
  {
    id: 'B3a',
    title: 'Zero-copy TX: a thread that shares the mapping but not the file table rewrites a frame after the receiver validated it',
    status: 'runnable',
    families: ['no-toctou'],
    fix: 'always copy on mmap TX (4682a0358639; linux-3.18.4 here)',
    reproductions: [{ buggy: ['linux-3.10'], scenario: 'tx-sibling', properties: ['NOTOCTOU-TX-ACT'], fixed: 'linux-3.18.4' }],
  },
  {
    id: 'B3b',
    title: 'TX sendmsg reads nm_len from the shared frame for the bound check and again for the skb length and copy',
    status: 'runnable',
    families: ['no-toctou'],
    fix: 'nm_len read once into a local, in the same commit',
    reproductions: [{ buggy: ['linux-3.10'], scenario: 'tx-sibling', properties: ['NOTOCTOU-TX-LEN'], fixed: 'linux-3.18.4' }],
  },
  {
    id: 'B4',
    title: 'With no iovec, sendmsg picks the ring path by testing the base of an iovec nobody initialised',
    status: 'runnable',
    families: ['determinism'],
    fix: 'exactly one iovec with a NULL base (a8866ff6; linux-4.2 here)',
    reproductions: [{ buggy: ['linux-3.10', 'linux-3.18.4'], scenario: 'tx-no-iovec', properties: ['DET-NO-UNINIT-BRANCH'], fixed: 'linux-4.2' }],
  },
  {
    id: 'B5',
    title: "On 4.1 the ring path is never taken: the iterator type is compared with a value that lacks sendto's direction bit",
    status: 'runnable',
    families: ['tx-progress'],
    fix: 'iter_is_iovec() (linux-4.2)',
    reproductions: [{ buggy: ['linux-4.1'], scenario: 'tx-ring-send', properties: ['TX-PROGRESS'], fixed: 'linux-4.2' }],
  },
  {
    id: 'B9',
    title: 'netlink_forward_ring keeps testing the frame it started at, so one held SKIP frame makes the whole ring look full',
    status: 'runnable',
    families: ['skip-progress', 'no-silent-loss'],
    fix: 'examine the frame at the current head (linux-4.5)',
    reproductions: [{ buggy: ['linux-3.10', 'linux-4.2'], scenario: 'skip-hold', properties: ['SKIP-PROGRESS', 'LOSS-FREE-FRAME'], fixed: 'linux-4.5' }],
  },
  {
    id: 'B11',
    title: 'poll reports POLLIN because the frame before the head is not UNUSED, also when it is RESERVED or SKIP',
    status: 'runnable',
    families: ['poll-readiness'],
    fix: 'POLLIN iff the receive queue is non-empty or some frame is VALID (linux-4.5)',
    reproductions: [{ buggy: ['linux-3.10', 'linux-4.2'], scenario: 'poll', properties: ['POLL-IN-SOUND'], fixed: 'linux-4.5' }],
  },
  {
    id: 'B12',
    title: 'A dump into a ring frame reserves headroom, so the message no longer starts right after the frame header',
    status: 'runnable',
    families: ['frame-layout'],
    fix: 'trim only sockets without an RX ring (aa3a022094fa; linux-4.2 here)',
    reproductions: [{ buggy: ['linux-4.1'], scenario: 'dump-autosize', properties: ['LAYOUT-MSG-AT-HDRLEN'], fixed: 'linux-4.2' }],
  },
  {
    id: 'D1',
    title: 'Design: the ring slot is taken at allocation and the id later, so ids need not increase in ring order (nfqueue batch verdicts)',
    status: 'runnable',
    families: ['ordering'],
    fix: 'none in the kernel; an ordered mode (allocation and id in one atomic section) removes it',
    reproductions: [
      { buggy: ['linux-4.5'], scenario: 'nfq-batch', properties: ['NFQ-VERDICT-AFTER-READ'], fixed: 'linux-4.5-ordered' },
      { buggy: ['linux-4.5'], scenario: 'rx-order', properties: ['ORDER-RING-IDS'], fixed: 'linux-4.5-ordered' },
    ],
  },
  {
    id: 'D2',
    title: 'Design: a ring-only consumer continues a dump only from poll, one poll per continuation and only while about half the ring is free',
    status: 'cost',
    families: ['dump'],
    fix: 'none (a cost of the design)',
    reproductions: [],
    costOn: 'linux-4.5',
  },
  {
    id: 'D3',
    title: 'Design: the zero-copy exclusivity test (file count and one mapping) is taken as proof that nobody else can write the frame',
    status: 'runnable',
    families: ['no-toctou'],
    fix: 'replaced by always-copy TX (linux-3.18.4 here)',
    reproductions: [{ buggy: ['linux-3.10'], scenario: 'tx-sibling', properties: ['NOTOCTOU-TX-ACT'], fixed: 'linux-3.18.4' }],
  },
];

/** What the bug check needs from the catalogue (src/catalog.ts); `findVariant` only for a cost entry. */
export interface BugSource {
  findVariant?(id: string): Variant;
  listVariants(): readonly { id: string }[];
  listScenarios(): readonly { id: string }[];
  listProperties(): readonly { id: string; family: string; kind: PropertyKind }[];
  buildTarget(variant: string, scenario: string): CheckTarget<any, any>;
}

/** The names an entry uses that the catalogue does not have yet (empty when it can run). */
export function missingNames(bug: BugEntry, source: BugSource): string[] {
  const variants = new Set(source.listVariants().map((v) => v.id));
  const scenarios = new Set(source.listScenarios().map((s) => s.id));
  const properties = new Set(source.listProperties().map((p) => p.id));
  const missing: string[] = [];
  for (const r of bug.reproductions) {
    for (const v of [...r.buggy, r.fixed]) if (!variants.has(v)) missing.push(`variant ${v}`);
    for (const sc of [r.scenario, ...(r.alsoHolds ?? []).map((h) => h.scenario)]) if (!scenarios.has(splitMemory(sc).base)) missing.push(`scenario ${sc}`);
    for (const h of r.alsoHolds ?? []) if (!variants.has(h.variant)) missing.push(`variant ${h.variant}`);
    for (const p of r.properties) if (!properties.has(p)) missing.push(`property ${p}`);
  }
  return [...new Set(missing)];
}

/** How one expected invariant fared on one buggy variant. */
export interface Finding {
  readonly property: string;
  /** Counterexample length; absent when the invariant was not violated. */
  readonly steps?: number;
  readonly replay?: string;
  /** The counterexample replayed: the same invariant, alone, failed at the same step. */
  readonly replays: boolean;
}

export interface BuggyRun {
  readonly variant: string;
  readonly verdict: CheckResult['verdict'];
  readonly states: number;
  readonly findings: Finding[];
  /** Other invariants of the entry's families that this run violated too (information only). */
  readonly alsoViolated: string[];
}

export interface ReproductionOutcome {
  readonly scenario: string;
  readonly buggy: BuggyRun[];
  readonly fixed: { readonly variant: string; readonly verdict: CheckResult['verdict']; readonly states: number; readonly violated?: string; readonly vacuous?: string };
  /** The buggy variants where the bug must not show (Reproduction.alsoHolds), each with its verdict. */
  readonly holds: readonly { readonly variant: string; readonly scenario: string; readonly verdict: CheckResult['verdict']; readonly violated?: string }[];
  /** Every expected invariant violated on every buggy variant, every counterexample replayed, the fixed variant passed. */
  readonly ok: boolean;
  /** Why not, in one line. */
  readonly problem?: string;
}

export interface BugOutcome {
  readonly id: string;
  /** cost: the numbers (src/check/dumpcost.ts), and whether they grow with the fill level as the entry claims. */
  readonly cost?: DumpCostReport;
  /** `pending` when names are missing and the entry is landing; `error` when they are missing otherwise. */
  readonly state: 'reproduced' | 'not-reproduced' | 'waiting' | 'cost' | 'pending' | 'error';
  readonly reproductions: ReproductionOutcome[];
  readonly problem?: string;
}

/** Judge only `ids` of `target`'s invariants (they must all be judged by it). */
function only<S>(target: CheckTarget<S, any>, ids: readonly string[]): CheckTarget<S, any> {
  const missing = ids.filter((id) => !target.invariants.some((p) => p.id === id));
  if (missing.length > 0) throw new Error(`scenario ${target.scenario} does not check ${missing.join(', ')}`);
  return { ...target, invariants: target.invariants.filter((p) => ids.includes(p.id)) };
}

/** Run one reproduction (see the file comment). Exceptions of the spec propagate. */
export function checkReproduction(bug: BugEntry, r: Reproduction, source: BugSource): ReproductionOutcome {
  const familyOf = new Map(source.listProperties().map((p) => [p.id, p.family]));
  for (const p of r.properties) {
    if (!bug.families.includes(familyOf.get(p)!)) throw new Error(`bug ${bug.id}: property ${p} is in family ${familyOf.get(p)}, not in ${bug.families.join(', ')}`);
  }
  const problems: string[] = [];
  const buggy = r.buggy.map((variant): BuggyRun => {
    const full = source.buildTarget(variant, r.scenario);
    // The invariants of the entry's families that this scenario checks: the expected ones among them.
    const family = full.invariants.filter((p) => bug.families.includes(p.family)).map((p) => p.id);
    const target = only(full, family);
    const result = bfs(target, { allViolations: true });
    const violations = result.violations ?? [];
    const findings = r.properties.map((property): Finding => {
      const v = violations.find((x) => x.property === property);
      if (!v) {
        problems.push(`${variant} does not violate ${property} (${result.verdict}${result.verdict === 'incomplete' ? '' : ', complete'})`);
        return { property, replays: false };
      }
      const again = replay(only(full, [property]), v.path);
      const replays = again.violation?.property === property && again.violation.step === v.steps.length;
      if (!replays) problems.push(`${variant}: the ${property} counterexample does not replay (got ${again.violation?.property ?? 'no violation'} at step ${again.violation?.step ?? '-'})`);
      return { property, steps: v.steps.length, replay: replayCommand(variant, r.scenario, v.path, [property]), replays };
    });
    const alsoViolated = violations.map((v) => v.property).filter((p) => !r.properties.includes(p));
    return { variant, verdict: result.verdict, states: result.states, findings, alsoViolated };
  });
  const fixedResult = bfs(only(source.buildTarget(r.fixed, r.scenario), r.properties));
  const fixed = {
    variant: r.fixed,
    verdict: fixedResult.verdict,
    states: fixedResult.states,
    ...(fixedResult.violation?.kind === 'always' ? { violated: fixedResult.violation.property } : {}),
    ...(fixedResult.violation?.kind === 'sometimes' ? { vacuous: fixedResult.violation.property } : {}),
  };
  if (fixedResult.verdict !== 'pass') {
    const why = fixed.violated ? `violates ${fixed.violated}` : fixed.vacuous ? `is vacuous (${fixed.vacuous} never reached)` : 'is incomplete';
    problems.push(`fixed variant ${r.fixed} ${why}`);
  }
  const holds = (r.alsoHolds ?? []).map(({ variant, scenario }) => {
    const res = bfs(only(source.buildTarget(variant, scenario), r.properties));
    const violated = res.violation?.property;
    if (res.verdict !== 'pass') problems.push(`${variant} on ${scenario} ${violated ? `violates ${violated}` : res.verdict === 'incomplete' ? 'is incomplete' : 'fails'}, where the bug must not show`);
    return { variant, scenario, verdict: res.verdict, ...(violated ? { violated } : {}) };
  });
  return { scenario: r.scenario, buggy, fixed, holds, ok: problems.length === 0, ...(problems.length > 0 ? { problem: problems.join('; ') } : {}) };
}

/** Check one entry: run its reproductions if it is runnable and all its names exist. */
export function checkBug(bug: BugEntry, source: BugSource): BugOutcome {
  if (bug.status === 'waiting') return { id: bug.id, state: 'waiting', reproductions: [] };
  if (bug.status === 'cost') {
    const cost = costOf(bug, source);
    if (cost && !cost.grows) return { id: bug.id, state: 'not-reproduced', reproductions: [], cost, problem: 'the poll() calls per dump message do not grow with the ring fill level' };
    // A cost entry is reproduced when its numbers show what it claims; without numbers it is only listed.
    return { id: bug.id, state: cost ? 'reproduced' : 'cost', reproductions: [], ...(cost ? { cost } : {}) };
  }
  const missing = missingNames(bug, source);
  if (missing.length > 0) {
    const problem = `not in the catalogue: ${missing.join(', ')}`;
    return { id: bug.id, state: bug.landing ? 'pending' : 'error', reproductions: [], problem };
  }
  const reproductions = bug.reproductions.map((r) => checkReproduction(bug, r, source));
  const bad = reproductions.filter((r) => !r.ok);
  return {
    id: bug.id,
    state: bad.length === 0 ? 'reproduced' : 'not-reproduced',
    reproductions,
    ...(bad.length > 0 ? { problem: bad.map((r) => `${r.scenario}: ${r.problem}`).join('; ') } : {}),
  };
}

/** `ids`: entries to select (all when empty); an unknown id is reported by the caller. */
export function selectBugs(ids: readonly string[]): { bugs: BugEntry[]; unknown: string[] } {
  const unknown = ids.filter((id) => !BUGS.some((b) => b.id === id));
  return { bugs: ids.length === 0 ? [...BUGS] : BUGS.filter((b) => ids.includes(b.id)), unknown };
}

/** The check's verdict: every runnable entry whose names exist reproduces. */
export function bugsPass(outcomes: readonly BugOutcome[]): boolean {
  return outcomes.every((o) => o.state !== 'not-reproduced' && o.state !== 'error');
}

/**
 * D2's cost (src/check/dumpcost.ts) on the entry's variant, with its defaults:
 * poll() calls per dump message at every ring fill level. Undefined when the
 * entry measures nothing or the source cannot give the variant.
 */
export function costOf(bug: BugEntry, source: BugSource): DumpCostReport | undefined {
  if (bug.status !== 'cost' || bug.costOn === undefined || !source.findVariant) return undefined;
  return dumpCost(source.findVariant(bug.costOn));
}
