/**
 * Partial-order reduction (bfs --por) against the full search:
 * - the cycle proviso, on a toy spec where ample sets without it would ignore
 *   a step forever and report a pass;
 * - every catalogue scenario on every shipped variant whose full search is
 *   recorded as exhaustive in test/verdicts.json (up to 200,000 states; all with
 *   NLRING_SLOW=1): the same verdict, the same set
 *   of violated properties and of missed witnesses with reduction, never more
 *   states, and every counterexample found with reduction replays, without it,
 *   to the property it names;
 * - the comparison itself catches an unsound reduction (one that ignores
 *   visibility), so its passing means something.
 */
import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { replay } from '../../src/check/replay.js';
import type { CheckResult } from '../../src/check/result.js';
import type { CheckTarget, Property, Spec } from '../../src/model/interface.js';
import { buildTarget, listVariants } from '../../src/catalog.js';
import { readVerdicts, type Entry } from '../oracle/verdicts.js';
import { runCli } from '../fixtures/cli.js';
import type { NlAction, NlState } from '../../src/model/spec.js';

interface Toy {
  readonly a: number;
  readonly b: number;
}
type ToyAction = { readonly actor: string; readonly kind: string };

/** Thread A counts a modulo 3 for ever; thread B sets b once. The invariant b == 0 reads only b. */
function toy(reduce: boolean): CheckTarget<Toy, ToyAction> {
  const A = { actor: 'A', kind: 'count' };
  const B = { actor: 'B', kind: 'set' };
  const spec: Spec<Toy, ToyAction> = {
    init: () => ({ a: 0, b: 0 }),
    actions: (s) => (s.b === 0 ? [A, B] : [A]),
    next: (s, x) => (x === A ? { a: (s.a + 1) % 3, b: s.b } : { a: s.a, b: 1 }),
    encode: (s) => `${s.a},${s.b}`,
    decode: (k) => {
      const [a, b] = k.split(',').map(Number);
      return { a, b };
    },
    describe: (_s, x) => x.kind,
    render: (s) => `${s.a},${s.b}`,
    summary: (s) => `${s.a},${s.b}`,
    // A's step is invisible (it writes a, which nothing reads) and independent of B's: a sound ample set, but
    // only with the cycle proviso, since A's steps close a cycle that never lets B move.
    ...(reduce ? { reduction: () => ({ ample: (_s: Toy, acts: readonly ToyAction[]) => [[acts.indexOf(A)]], method: 'toy' }) } : {}),
  };
  const inv: Property<Toy> = { id: 'B-NEVER', family: 'toy', kind: 'always', doc: 'b stays 0', cites: 'toy', holds: (s) => s.b === 0 };
  return { variant: 'toy', scenario: 'toy', spec, invariants: [inv], witnesses: [] };
}

describe('the cycle proviso', () => {
  it('expands fully the state whose ample successor was seen before, so a step cannot be ignored for ever', () => {
    const r = bfs(toy(true), { por: true });
    expect(r.verdict).toBe('fail');
    expect(r.violation?.property).toBe('B-NEVER');
    expect(r.stats?.reduction).toMatchObject({ applied: true, method: 'toy' });
    expect(r.stats?.reduction?.reducedStates).toBeGreaterThan(0);
    expect(r.stats?.reduction?.provisoFallbacks).toBeGreaterThan(0);
  });

  it('reports that it could not reduce when the spec offers nothing, and explores everything', () => {
    const full = bfs(toy(false), {});
    const r = bfs(toy(false), { por: true });
    expect(r.stats?.reduction).toMatchObject({ applied: false });
    expect(r.states).toBe(full.states);
  });
});

const violated = (r: CheckResult): string[] => (r.violations ?? (r.violation && r.violation.kind === 'always' ? [r.violation] : [])).map((v) => v.property).sort();

/**
 * Where the reduced search disagrees with what the full one recorded: verdict,
 * violated set, missed witnesses, more states, or a reduced counterexample that
 * does not replay without reduction to its property. Empty when they agree.
 */
function disagreement(target: CheckTarget<NlState, NlAction>, full: Pick<Entry, 'verdict' | 'violations' | 'missedWitnesses' | 'states' | 'maxStates'>): { reduced: number; problems: string[] } {
  const por = bfs(target, { allViolations: true, maxStates: full.maxStates, por: true });
  const problems: string[] = [];
  if (por.stats?.stoppedBy !== undefined) problems.push(`the reduced search stopped (${por.stats.stoppedBy}) where the full one completed`);
  if (por.verdict !== full.verdict) problems.push(`verdict ${full.verdict} without reduction, ${por.verdict} with`);
  const want = Object.keys(full.violations).sort().join();
  if (violated(por).join() !== want) problems.push(`violated ${want} without reduction, ${violated(por).join()} with`);
  const missed = por.witnesses.filter((w) => !w.reached).map((w) => w.id).sort().join();
  if (missed !== [...full.missedWitnesses].sort().join()) problems.push(`missed witnesses ${full.missedWitnesses.join()} without reduction, ${missed} with`);
  if (por.states > full.states) problems.push(`more states with reduction (${por.states} > ${full.states})`);
  for (const v of por.violations ?? []) {
    if (v.path === '') continue;
    const rep = replay({ ...target, invariants: target.invariants.filter((p) => p.id === v.property) }, v.path);
    if (rep.violation?.property !== v.property) problems.push(`${v.property}'s reduced counterexample ${v.path} does not replay to it`);
  }
  return { reduced: por.stats?.reduction?.reducedStates ?? 0, problems };
}

/**
 * The full searches are not rerun here: test/verdicts.json records, for every
 * shipped variant on every scenario, what bfs --all-violations finds, and
 * test/verdicts.test.ts holds bfs (and a plain search over next) to it. Its
 * exhaustive entries are compared with the reduced search.
 */
/**
 * Entries of at most this many states: 189 of the 198 exhaustive ones, and a quarter of their states (the nine
 * largest, copy-mixed and skip-hold at 0.6 to 1.2 M states, hold the rest); NLRING_SLOW=1 compares all of them.
 */
const MAX_STATES = process.env.NLRING_SLOW === '1' ? Infinity : 200_000;
const exhaustive = readVerdicts().entries.filter((e) => e.mode === 'all-violations' && e.exhaustive && e.states <= MAX_STATES);

describe('reduction against the full search, every exhaustive entry of test/verdicts.json', () => {
  it('has most pairs to compare', () => {
    expect(exhaustive.length).toBeGreaterThan(100);
  });
  for (const v of listVariants()) {
    const mine = exhaustive.filter((e) => e.variant === v.id);
    it(`${v.id} (${mine.length} scenarios): same verdicts, violated properties and witnesses, counterexamples that replay`, () => {
      const problems: string[] = [];
      for (const e of mine) for (const p of disagreement(buildTarget(e.variant, e.scenario), e).problems) problems.push(`${e.scenario}: ${p}`);
      expect(problems).toEqual([]);
    }, 300_000);
  }

  it('catches an unsound reduction: one that offers visible steps as ample sets', () => {
    // linux-3.10's TX TOCTOU needs the sibling to write between the kernel's validation and its use.
    const t = buildTarget('linux-3.10', 'tx-sibling');
    // Always offer the first thread's actions, visible or not, dependent or not: the sibling never gets between.
    const unsound = { ...t, spec: { ...t.spec, reduction: () => ({ method: 'unsound', ample: (_s: NlState, acts: readonly NlAction[]) => [acts.flatMap((a, i) => (a.thread === acts[0].thread ? [i] : []))] }) } };
    const e = exhaustive.find((x) => x.variant === 'linux-3.10' && x.scenario === 'tx-sibling')!;
    expect(disagreement(t, e).problems).toEqual([]);
    expect(disagreement(unsound, e).problems.length).toBeGreaterThan(0);
  });
});

describe('nlring check --por', () => {
  it('says in the report what the reduction did, and repeats --por in the reproduce line', async () => {
    // With one property fewer steps are visible: the sibling's first write is then an ample set of its own.
    const argv = ['check', '--variant', 'linux-4.5', '--scenario', 'tx-sibling', '--property', 'NOTOCTOU-TX-LEN', '--por'];
    const r = await runCli(argv);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/partial-order reduction: ample sets of one thread .*; \d+ states? expanded through an ample set, \d+ fully by the cycle proviso/);
    expect(r.stdout).toMatch(/nlring check --variant linux-4\.5 --scenario tx-sibling --property NOTOCTOU-TX-LEN --por/);
    const json = JSON.parse((await runCli([...argv, '--format', 'json'])).stdout);
    expect(json.stats.reduction).toMatchObject({ applied: true });
    expect(json.stats.reduction.reducedStates).toBeGreaterThan(0);
  }, 60_000);

  it('does not reduce a variant from a file (it has no footprints), and says why', async () => {
    const r = await runCli(['check', '--variant', 'examples/reviewer-variant.ts', '--scenario', 'tx-sibling', '--por', '--format', 'json']);
    expect(JSON.parse(r.stdout).stats.reduction).toMatchObject({ applied: false, method: expect.stringMatching(/only the shipped variants/) });
  }, 60_000);

  it('is refused with --symmetry and with another engine, in one line with exit 2', async () => {
    const sym = await runCli(['check', '--scenario', 'tx-sibling', '--por', '--symmetry']);
    expect(sym.code).toBe(2);
    expect(sym.stderr.trim().split('\n')).toHaveLength(1);
    expect(sym.stderr).toMatch(/--por does not combine with --symmetry/);
    const sim = await runCli(['check', '--scenario', 'tx-sibling', '--por', '--engine', 'simulate']);
    expect(sim.code).toBe(2);
    expect(sim.stderr).toMatch(/--por does not apply to --engine simulate/);
  }, 60_000);
});
