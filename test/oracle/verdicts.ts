/**
 * The reviewed verdict file (test/verdicts.json, issue 9): one entry per shipped
 * variant and catalogue scenario, with what src/check/bfs.ts says of it. The
 * generator (write-verdicts.test.ts) and the test (../verdicts.test.ts) both go
 * through `runEntry`, with the options the entry records, so that a recorded
 * entry is recomputed exactly as it was made.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { bfs } from '../../src/check/bfs.js';
import type { CheckResult } from '../../src/check/result.js';
import { buildTarget } from '../../src/catalog.js';
import { SCENARIOS } from '../../src/scenarios/index.js';
import { VARIANTS } from '../../src/model/variants/index.js';
import type { PlainResult } from './plain-bfs.js';

export const VERDICTS_FILE = new URL('../verdicts.json', import.meta.url).pathname;
/** The same kind of entries for catalogue scenarios run with other consumers' loops (`<scenario>@<style>`). */
export const CONSUMER_VERDICTS_FILE = new URL('../consumer-verdicts.json', import.meta.url).pathname;

/**
 * The RX scenarios small enough to explore with every violation for each consumer loop
 * (rx-basic, skip-hold and copy-mixed are not), the loops besides the documentation's
 * (whose entries are in verdicts.json), and the variants compared: the last kernel and
 * the reference design, which shows what a consumer breaks on its own.
 */
export const CONSUMER_SCENARIOS = ['rx-order', 'copy-hold', 'dump-full-ring', 'poll', 'nfq-batch', 'dump-autosize'] as const;
export const CONSUMER_LOOPS = ['ulogd2', 'nurs'] as const;
export const CONSUMER_VARIANTS = ['linux-4.5', 'reference'] as const;

/**
 * How an entry was checked. `all-violations`: bfs --all-violations, every
 * violated invariant with its shortest counterexample. `first-violation`: plain
 * bfs, as `nlring check` runs it, which stops at the first (shortest) violation;
 * for scenarios whose full state space with every violation is too large to
 * recompute in the test suite.
 */
export type Mode = 'all-violations' | 'first-violation';

export interface Entry {
  readonly variant: string;
  readonly scenario: string;
  readonly mode: Mode;
  /** The state budget of the run (bfs maxStates): reaching it gives `incomplete`. */
  readonly maxStates: number;
  readonly verdict: 'pass' | 'fail' | 'incomplete';
  /** Every reachable state was explored, so the counts and violations are the whole truth. */
  readonly exhaustive: boolean;
  /** Invariant id -> shortest counterexample length (first-violation: only the one found). */
  readonly violations: Record<string, number>;
  /** Witnesses never reached: in an exhaustive run without violations, a vacuous fail. */
  readonly missedWitnesses: string[];
  /** Distinct states, transitions (successors computed) and depth reached. */
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
}

export interface VerdictFile {
  readonly about: string;
  readonly entries: Entry[];
}

/** Every shipped variant by every catalogue scenario, scenario-major as the matrix lists them. */
export function allPairs(): { variant: string; scenario: string }[] {
  return SCENARIOS.flatMap((s) => VARIANTS.map((v) => ({ variant: v.id, scenario: s.id })));
}

/** Every consumer entry: scenario-major, then loop, then variant. */
export function consumerPairs(): { variant: string; scenario: string }[] {
  return CONSUMER_SCENARIOS.flatMap((s) => CONSUMER_LOOPS.flatMap((l) => CONSUMER_VARIANTS.map((v) => ({ variant: v, scenario: `${s}@${l}` }))));
}

/** Run bfs on one pair in `mode` under `maxStates` and summarise it as an entry. */
export function runEntry(variant: string, scenario: string, mode: Mode, maxStates: number): Entry {
  return entryOf(variant, scenario, mode, maxStates, bfs(buildTarget(variant, scenario), entryOptions(mode, maxStates)));
}

/** The bfs options an entry was recorded with (any engine that runs them must give the same entry). */
export function entryOptions(mode: Mode, maxStates: number): { allViolations: boolean; maxStates: number } {
  return { allViolations: mode === 'all-violations', maxStates };
}

/** An engine's result in the shape of an entry. */
export function entryOf(variant: string, scenario: string, mode: Mode, maxStates: number, r: CheckResult): Entry {
  const list = r.violations ?? (r.violation && r.violation.kind === 'always' ? [r.violation] : []);
  const violations: Record<string, number> = {};
  for (const v of list) violations[v.property] = v.steps.length;
  return {
    variant,
    scenario,
    mode,
    maxStates,
    verdict: r.verdict,
    // bfs's own word: false after a budget stop, after the first violation without allViolations, and
    // with allViolations once every invariant has failed (it stops looking then).
    exhaustive: r.complete,
    violations,
    missedWitnesses: r.witnesses.filter((w) => !w.reached).map((w) => w.id),
    states: r.states,
    transitions: r.transitions,
    depth: r.maxDepth,
  };
}

/** The plain search's answer in the shape of an entry's checked fields. */
export function plainFields(p: PlainResult): Pick<Entry, 'verdict' | 'violations' | 'missedWitnesses' | 'states' | 'transitions' | 'depth'> {
  return { verdict: p.verdict, violations: p.violations, missedWitnesses: p.missedWitnesses, states: p.states, transitions: p.transitions, depth: p.depth };
}

export function readVerdicts(path = VERDICTS_FILE): VerdictFile {
  return JSON.parse(readFileSync(path, 'utf8')) as VerdictFile;
}

/** One entry a line, so that a diff of the file shows exactly the entries that changed. */
export function writeVerdicts(file: VerdictFile, path = VERDICTS_FILE): void {
  const lines = file.entries.map((e) => `    ${JSON.stringify(e)}`);
  writeFileSync(path, `{\n  "about": ${JSON.stringify(file.about)},\n  "entries": [\n${lines.join(',\n')}\n  ]\n}\n`);
}
