/**
 * The liveness engine (src/check/liveness.ts): non-progress cycles under weak
 * fairness (strong for promised steps), stuck terminal states, lassos that replay,
 * budgets, determinism; on small labelled graphs, on the toy counters and on the
 * netlink spec with variants built to break progress.
 */
import { describe, expect, test } from 'vitest';
import type { ActionBase, CheckTarget, Spec } from '../../src/model/interface.js';
import { liveness } from '../../src/check/liveness.js';
import { replay } from '../../src/check/replay.js';
import { ReplayError, UsageError } from '../../src/errors.js';
import { toySpec, type ToyAction, type ToyState } from '../fixtures/toy.js';
import { buildTarget } from '../../src/catalog.js';
import { buildTargetFor } from '../../src/targets.js';
import { defineVariant } from '../../src/model/variant.js';
import { linux45 } from '../../src/model/variants/linux-4.5.js';
import { stepAt } from '../../src/model/step.js';
import { POLLIN } from '../../src/model/constants.js';
import { run, type Io } from '../../src/cli/run.js';
import { formatLivenessJson, formatLivenessText } from '../../src/report/liveness.js';

/** One labelled step of a small graph: target, actor, and whether it is progress or promised (strongly fair). */
interface Edge {
  readonly to: number;
  readonly actor: string;
  readonly progress?: boolean;
  readonly promise?: string;
}
interface GAction extends ActionBase {
  readonly edge: Edge;
}

/** A labelled transition system: node 0 is init; `stuck[n]` says what is undone at a terminal node n. */
function lts(edges: Record<number, readonly Edge[]>, stuck: Record<number, string[]> = {}): CheckTarget<number, GAction> {
  const spec: Spec<number, GAction> = {
    init: () => 0,
    actions: (s) => (edges[s] ?? []).map((edge) => ({ actor: edge.actor, kind: 'go', edge })),
    next: (_s, a) => a.edge.to,
    encode: (s) => String(s),
    describe: (s, a) => `${a.actor}: ${s} -> ${a.edge.to}`,
    render: (s) => `node ${s}`,
    summary: (s) => `node ${s}`,
    progress: (_s, a) => a.edge.progress === true,
    strongFair: (_s, a) => a.edge.promise,
    unfinished: (s) => stuck[s] ?? [],
  };
  return { variant: 'lts', scenario: 'graph', spec, invariants: [], witnesses: [] };
}

describe('weak fairness on small graphs', () => {
  test('a loop without progress is reported, with its stem and loop, when the only other actor is disabled in it', () => {
    // 0 -a-> 1 -a-> 2 -a-> 1; b can leave (with progress) from 1 only, so it is disabled in 2.
    const t = lts({ 0: [{ to: 1, actor: 'a' }], 1: [{ to: 2, actor: 'a' }, { to: 3, actor: 'b', progress: true }], 2: [{ to: 1, actor: 'a' }] });
    const r = liveness(t);
    expect(r.verdict).toBe('fail');
    expect(r.cycle).toMatchObject({ kind: 'cycle', path: '0/0/0', stem: 1, loop: 2 });
    expect(r.cycle?.fairness).toEqual([{ actor: 'a', how: 'steps' }, { actor: 'b', how: 'disabled' }]);
    expect(r.cycle?.steps).toEqual(['a: 0 -> 1', 'a: 1 -> 2', 'a: 2 -> 1']);
    expect(r.fairCycles).toBe(1);
  });

  test('a loop that starves an actor enabled in all its states is not reported (weak fairness)', () => {
    // b is enabled in 1 and 2 and never steps in the loop: a fair scheduler lets it leave.
    const t = lts({
      0: [{ to: 1, actor: 'a' }],
      1: [{ to: 2, actor: 'a' }, { to: 3, actor: 'b', progress: true }],
      2: [{ to: 1, actor: 'a' }, { to: 3, actor: 'b', progress: true }],
    });
    const r = liveness(t);
    expect(r.verdict).toBe('pass');
    expect(r.fairCycles).toBe(0);
    expect(r.unfairCycles).toBe(1);
    expect(r.cycle).toBeUndefined();
  });

  test('a loop in which the other actor takes a non-progress step is fair to it and reported', () => {
    const t = lts({ 0: [{ to: 1, actor: 'a' }, { to: 9, actor: 'b', progress: true }], 1: [{ to: 0, actor: 'b' }, { to: 9, actor: 'b', progress: true }] });
    const r = liveness(t);
    expect(r.verdict).toBe('fail');
    expect(r.cycle?.path).toBe('0/0');
    expect(r.cycle?.stem).toBe(0);
    expect(r.cycle?.fairness.map((f) => f.how)).toEqual(['steps', 'steps']);
  });

  test('a self-loop is a loop of one step', () => {
    const r = liveness(lts({ 0: [{ to: 1, actor: 'a', progress: true }], 1: [{ to: 1, actor: 'a' }] }));
    expect(r.cycle).toMatchObject({ path: '0/0', stem: 1, loop: 1 });
  });

  test('progress steps break loops: a loop through a progress step is not reported', () => {
    const r = liveness(lts({ 0: [{ to: 1, actor: 'a' }], 1: [{ to: 0, actor: 'a', progress: true }] }));
    expect(r.verdict).toBe('pass');
    expect(r.fairCycles + r.unfairCycles).toBe(0);
  });

  test('a promised (strongly fair) step offered in the loop and never taken rules the loop out, but only there', () => {
    // b's promised step is offered in 1 only; weak fairness alone would accept the loop 1 <-> 2.
    const loop = { 1: [{ to: 2, actor: 'a' }, { to: 9, actor: 'b', progress: true, promise: 'p' }], 2: [{ to: 1, actor: 'a' }] };
    expect(liveness(lts({ 0: [{ to: 1, actor: 'a' }], ...loop })).verdict).toBe('pass');
    const weak = { 1: [{ to: 2, actor: 'a' }, { to: 9, actor: 'b', progress: true }], 2: [{ to: 1, actor: 'a' }] };
    expect(liveness(lts({ 0: [{ to: 1, actor: 'a' }], ...weak })).verdict).toBe('fail');
    // The inner loop 2 <-> 3 never offers the promise: it is found once the states that offer it are set aside.
    const inner = liveness(lts({ 0: [{ to: 1, actor: 'a' }], 1: [{ to: 2, actor: 'a' }, { to: 9, actor: 'b', progress: true, promise: 'p' }], 2: [{ to: 3, actor: 'a' }, { to: 1, actor: 'a' }], 3: [{ to: 2, actor: 'a' }] }));
    expect(inner.verdict).toBe('fail');
    expect(inner.cycle).toMatchObject({ path: '0/0/0/0', stem: 2, loop: 2 });
  });

  test('a promise is kept per (actor, name): taking another promised step of the same actor does not keep it', () => {
    // In 1 the loop takes b's 'lock' step; b's 'release' is offered there and never taken.
    const t = lts({ 0: [{ to: 1, actor: 'a' }], 1: [{ to: 2, actor: 'b', promise: 'lock' }, { to: 9, actor: 'b', progress: true, promise: 'release' }], 2: [{ to: 1, actor: 'a' }] });
    expect(liveness(t).verdict).toBe('pass');
    const same = lts({ 0: [{ to: 1, actor: 'a' }], 1: [{ to: 2, actor: 'b', promise: 'lock' }, { to: 9, actor: 'b', progress: true, promise: 'lock' }], 2: [{ to: 1, actor: 'a' }] });
    expect(liveness(same).verdict).toBe('fail');
  });

  test('the loop meets every fairness obligation: it detours to a step of an actor enabled everywhere', () => {
    // From 1, a loops on 1 <-> 2; c is enabled in 1 and 2 and can only step 2 -> 4 -> 1 (no progress), so the fair loop must include it.
    const t = lts({
      0: [{ to: 1, actor: 'a' }],
      1: [{ to: 2, actor: 'a' }, { to: 9, actor: 'c', progress: true }],
      2: [{ to: 1, actor: 'a' }, { to: 4, actor: 'c' }],
      4: [{ to: 1, actor: 'a' }],
    });
    const r = liveness(t);
    expect(r.verdict).toBe('fail');
    expect(r.cycle?.fairness.find((f) => f.actor === 'c')?.how).toBe('steps');
    expect(r.cycle?.steps.slice(r.cycle.stem)).toEqual(['a: 1 -> 2', 'c: 2 -> 4', 'a: 4 -> 1']);
  });

  test('a terminal state with work left undone is reported with the shortest path to it', () => {
    const t = lts({ 0: [{ to: 1, actor: 'a', progress: true }, { to: 2, actor: 'b', progress: true }], 1: [{ to: 3, actor: 'a', progress: true }] }, { 2: ['a cannot go on'], 3: [] });
    const r = liveness(t);
    expect(r.verdict).toBe('fail');
    expect(r.stuck).toMatchObject({ kind: 'stuck', path: '1', stem: 1, loop: 0, unfinished: ['a cannot go on'] });
    expect(r.stuckStates).toBe(1);
    expect(r.cycle).toBeUndefined();
  });

  test('a proper end (nothing undone) passes', () => {
    expect(liveness(lts({ 0: [{ to: 1, actor: 'a', progress: true }] }, { 1: [] })).verdict).toBe('pass');
  });

  test('a spec without a progress definition is refused', () => {
    const t = lts({ 0: [] });
    const { progress: _p, ...spec } = t.spec;
    expect(() => liveness({ ...t, spec })).toThrow(UsageError);
  });
});

/** The toy counters with progress = y counts; `resetAtEnd`: x may also be reset once y is at max. */
function toy(max: number, resetAtEnd: boolean): CheckTarget<ToyState, ToyAction> {
  const base = toySpec(max);
  const spec: Spec<ToyState, ToyAction> = {
    ...base,
    actions: (s) => {
      const out = base.actions(s);
      if (resetAtEnd && s.x === max && s.y === max) out.push({ actor: 'x', kind: 'reset' });
      return out;
    },
    progress: (_s, a) => a.actor === 'y',
    unfinished: () => [],
  };
  return { variant: 'toy', scenario: resetAtEnd ? 'reset-at-end' : 'counters', spec, invariants: [], witnesses: [] };
}

describe('the toy counters', () => {
  test("x's reset loop while y can still count starves y: weak fairness rules it out", () => {
    const r = liveness(toy(3, false));
    expect(r.verdict).toBe('pass');
    expect(r.states).toBe(16);
    expect(r.unfairCycles).toBe(3); // one per value of y below max
    expect(r.complete).toBe(true);
  });

  test('once y is done, x counting and resetting forever is a fair non-progress cycle: stem to (0, max), then the loop', () => {
    const r = liveness(toy(3, true));
    expect(r.verdict).toBe('fail');
    const c = r.cycle!;
    // (0, 3) is the first state of the loop to be discovered; the shortest way there is three y steps.
    expect(c.stem).toBe(3);
    expect(c.loop).toBe(4);
    expect(c.steps).toEqual(['toy[y]: inc y', 'toy[y]: inc y', 'toy[y]: inc y', 'toy[x]: inc x', 'toy[x]: inc x', 'toy[x]: inc x', 'toy[x]: reset x']);
    expect(c.trace[c.stem].summary).toBe(c.trace[c.stem + c.loop].summary);
    expect(c.fairness).toEqual([{ actor: 'x', how: 'steps' }, { actor: 'y', how: 'idle' }]);
  });

  test('the lasso replays with --loop, and replay refuses a --loop that does not close', () => {
    const t = toy(3, true);
    const c = liveness(t).cycle!;
    const r = replay(t, c.path, { loopFrom: c.stem });
    expect(r.loopFrom).toBe(c.stem);
    expect(r.steps).toEqual(c.steps);
    expect(() => replay(t, c.path, { loopFrom: c.stem + 1 })).toThrow(ReplayError);
    expect(() => replay(t, c.path, { loopFrom: c.steps.length })).toThrow(UsageError);
  });

  test('a budget that stops the exploration gives incomplete, never pass', () => {
    const r = liveness(toy(3, false), { maxStates: 5 });
    expect(r.verdict).toBe('incomplete');
    expect(r.complete).toBe(false);
    expect(r.stats.stoppedBy).toBe('max-states');
    expect(liveness(toy(3, false), { maxDepth: 2 }).verdict).toBe('incomplete');
  });

  test('a loop found before a budget stop is still reported: its edges were all computed', () => {
    // 0 <-> 1 without progress (b is disabled in 1); b's path 0 -> 2 -> 3 -> 4 is cut by the budget.
    const t = lts({ 0: [{ to: 1, actor: 'a' }, { to: 2, actor: 'b', progress: true }], 1: [{ to: 0, actor: 'a' }], 2: [{ to: 3, actor: 'b', progress: true }], 3: [{ to: 4, actor: 'b', progress: true }] });
    const r = liveness(t, { maxStates: 3 });
    expect(r.complete).toBe(false);
    expect(r.stats.stoppedBy).toBe('max-states');
    expect(r.verdict).toBe('fail');
    expect(r.cycle?.path).toBe('0/0');
    expect(liveness(t).verdict).toBe('fail');
  });
});

/** linux-4.5 with poll always reporting POLLIN: datagram_poll's step sets it whatever is queued. */
const alwaysPollin = defineVariant({
  base: linux45,
  id: 'poll-always-pollin',
  description: 'linux-4.5 whose poll always says POLLIN (built to break progress)',
  cites: 'test only: not a kernel',
  overrides: {
    'poll.datagram': {
      cites: 'test only',
      run: (c, s, ti, arg) => {
        stepAt('poll.datagram').run(c, s, ti, arg);
        s.threads[ti].l.mask |= POLLIN;
      },
    },
  },
});

/** linux-4.5 whose id allocator runs dry after two ids (built to break progress: later messages wait forever). */
const idsRunDry = defineVariant({
  base: linux45,
  id: 'ids-run-dry',
  description: 'linux-4.5 whose subsystems hand out two ids, then wait for the id lock forever',
  cites: 'test only: not a kernel',
  overrides: {
    'prod.id': {
      cites: 'test only',
      guard: (c, s, ti) => stepAt('prod.id').guard!(c, s, ti) && s.idSeq < 2,
    },
  },
});

describe('the netlink spec', () => {
  test('linux-4.5 poll passes: every weakly fair run delivers and consumes, and ends properly', () => {
    const r = liveness(buildTarget('linux-4.5', 'poll'));
    expect(r.verdict).toBe('pass');
    expect(r.complete).toBe(true);
    expect(r.unfairCycles).toBeGreaterThan(0); // the consumer can poll while a producer waits to run
  });

  test('a poll that always says POLLIN makes the documented consumer spin: a lasso whose loop is a poll', () => {
    const r = liveness(buildTargetFor(alwaysPollin, 'poll'));
    expect(r.verdict).toBe('fail');
    const c = r.cycle!;
    const loop = c.steps.slice(c.stem);
    expect(loop.some((x) => x.includes('datagram_poll'))).toBe(true);
    expect(loop.every((x) => x.includes('[consumer]'))).toBe(true);
    expect(c.trace[c.stem].state).toBe(c.trace[c.stem + c.loop].state);
    expect(c.replay).toContain('--loop');
  });

  test('an id allocator that runs dry: a terminal state with producers stuck before their id', () => {
    const r = liveness(buildTargetFor(idsRunDry, 'rx-order'));
    expect(r.verdict).toBe('fail');
    expect(r.stuck?.unfinished.length).toBeGreaterThan(0);
    expect(r.stuck?.unfinished.join('\n')).toMatch(/cannot take its next step \(prod\.id\)/);
    expect(liveness(buildTarget('linux-4.5', 'rx-order')).stuckStates).toBe(0);
  });

  test('the CLI: exit 1 with a lasso, the replay line reproduces it, and two runs print the same bytes', async () => {
    const io = () => {
      const out: string[] = [];
      const err: string[] = [];
      const sink: Io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } };
      return { sink, out, err };
    };
    const argv = ['check', '--variant', 'linux-4.5', '--scenario', 'dump-full-ring', '--liveness'];
    const a = io();
    expect(await run(argv, a.sink)).toBe(1);
    const b = io();
    expect(await run(argv, b.sink)).toBe(1);
    expect(b.out.join('')).toBe(a.out.join(''));
    const text = a.out.join('');
    expect(text).toContain('non-progress cycle (livelock):');
    expect(text).toContain('  -- loop --');
    const j1 = io();
    const j2 = io();
    expect(await run([...argv, '--format', 'json'], j1.sink)).toBe(1);
    expect(await run([...argv, '--format', 'json'], j2.sink)).toBe(1);
    expect(j2.out.join('')).toBe(j1.out.join(''));
    const json = JSON.parse(j1.out.join('')) as { verdict: string; cycle: { path: string; stem: number; steps: string[]; replay: string } };
    expect(json.verdict).toBe('fail');
    // The printed replay line, run as printed: the same steps, and the loop closes.
    const words = json.cycle.replay.split(' ').slice(1);
    const rj = io();
    await run([...words, '--format', 'json'], rj.sink);
    const rep = JSON.parse(rj.out.join('')) as { path: string; loopFrom: number; steps: string[] };
    expect(rep.path).toBe(json.cycle.path);
    expect(rep.loopFrom).toBe(json.cycle.stem);
    expect(rep.steps).toEqual(json.cycle.steps);
    const bad = io();
    expect(await run([...words.slice(0, -1), String(json.cycle.stem + 1)], bad.sink)).toBe(2);
    expect(bad.err.join('')).toMatch(/is not a lasso/);
  });

  test('the CLI refuses what --liveness does not combine with', async () => {
    const err: string[] = [];
    const sink: Io = { stdout: { write: () => undefined }, stderr: { write: (t: string) => err.push(t) } };
    expect(await run(['check', '--scenario', 'poll', '--liveness', '--property', 'POLL-IN-SOUND'], sink)).toBe(2);
    expect(await run(['check', '--scenario', 'poll', '--liveness', '--engine', 'simulate'], sink)).toBe(2);
    expect(err.join('')).toMatch(/--property does not apply to --liveness/);
  });

  test('a state budget on a scenario gives incomplete (exit 3)', async () => {
    const sink: Io = { stdout: { write: () => undefined }, stderr: { write: () => undefined } };
    expect(await run(['check', '--variant', 'linux-4.5', '--scenario', 'poll', '--liveness', '--max-states', '1000'], sink)).toBe(3);
  });

  test('text and JSON formats of a passing run say what was checked', () => {
    const r = liveness(buildTarget('linux-4.5', 'tx-ring-send'));
    expect(formatLivenessText(r)).toMatch(/^PASS {2}variant linux-4\.5 {2}scenario tx-ring-send {2}liveness/);
    expect(JSON.parse(formatLivenessJson(r))).toMatchObject({ verdict: 'pass', check: 'liveness', fairness: 'weak', fairCycles: 0, stuckStates: 0 });
  });
});
