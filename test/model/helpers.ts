/**
 * Helpers for driving the real netlink spec step by step in tests.
 *
 * `model(variant, scenario)` builds the spec for a variant id and a (possibly
 * hand-written) ScenarioConfig. `take` performs one named step of one named
 * thread and fails the test, listing what was enabled, if that step is not
 * enabled. `script` chains several `take`s; `runActor` runs one thread through
 * steps it has no choice about.
 */
import { expect } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import type { CheckResult } from '../../src/check/result.js';
import { buildTargetFor } from '../../src/targets.js';
import type { Variant } from '../../src/model/variant.js';
import { UsageError as UsageErrorForTests } from '../../src/errors.js';
import { buildTarget, findScenario, findVariant, listProperties } from '../../src/catalog.js';
import type { ScenarioConfig, ThreadSpec } from '../../src/model/config.js';
import type { MmapReq } from '../../src/model/geometry.js';
import type { CheckTarget, Property, Spec } from '../../src/model/interface.js';
import { buildSpec, type NlAction, type NlState } from '../../src/model/spec.js';
import type { Thread } from '../../src/model/state.js';

/** 4 frames of 1 KiB in one page-sized block (as the catalogue's scenarios). */
export const FOUR: MmapReq = { blockSize: 4096, blockNr: 1, frameSize: 1024, frameNr: 4 };
/** 2 frames of 2 KiB in one block. */
export const TWO: MmapReq = { blockSize: 4096, blockNr: 1, frameSize: 2048, frameNr: 2 };
/** A ring of a single page-sized frame: full as soon as one frame is taken. */
export const ONE: MmapReq = { blockSize: 4096, blockNr: 1, frameSize: 4096, frameNr: 1 };
/** 4 page-sized frames: room for a dump allocation (NLMSG_GOODSIZE). */
export const FOUR_PAGES: MmapReq = { blockSize: 4096, blockNr: 4, frameSize: 4096, frameNr: 4 };
export const DESTROY: MmapReq = { blockSize: 0, blockNr: 0, frameSize: 0, frameNr: 0 };

export const VARIANT_IDS = ['linux-4.5', 'linux-3.10'] as const;
export type VariantId = (typeof VARIANT_IDS)[number] | 'linux-4.5-ordered';

/** A hand-written scenario: one RX ring of FOUR frames, mapped, 64-byte messages, unless overridden. */
export function scenario(threads: readonly ThreadSpec[], over: Partial<ScenarioConfig> = {}): ScenarioConfig {
  return {
    id: 'test',
    description: 'hand-written test scenario',
    requests: [FOUR],
    rx: 0,
    tx: null,
    mapped: true,
    msgLen: 64,
    witnesses: [],
    ...over,
    threads,
  };
}

export interface Model {
  readonly variant: string;
  readonly scenario: ScenarioConfig;
  readonly spec: Spec<NlState, NlAction>;
}

export function model(variant: VariantId | string, sc: ScenarioConfig): Model {
  return { variant, scenario: sc, spec: buildSpec(findVariant(variant), sc) };
}

/** The catalogue scenario `id` on `variant`. */
export function catalogModel(variant: string, id: string): Model {
  return model(variant, findScenario(id));
}

export function threadIndex(m: Model, name: string): number {
  const i = m.scenario.threads.findIndex((t) => t.name === name);
  if (i < 0) throw new Error(`no thread named ${name}`);
  return i;
}

export function thread(m: Model, s: NlState, name: string): Thread {
  return s.threads[threadIndex(m, name)];
}

/** Every enabled action, one line each, for failure messages. */
export function enabledLines(m: Model, s: NlState): string {
  const acts = m.spec.actions(s);
  if (acts.length === 0) return '  (no action enabled)';
  return acts.map((a) => `  ${a.actor} ${a.kind}#${a.arg}: ${m.spec.describe(s, a)}`).join('\n');
}

/** Find the enabled action of `actor` at step `kind` (and choice `arg`, if given); fail the test if there is none. */
export function action(m: Model, s: NlState, actor: string, kind: string, arg?: number): NlAction {
  const a = m.spec.actions(s).find((x) => x.actor === actor && x.kind === kind && (arg === undefined || x.arg === arg));
  if (a === undefined) {
    const t = thread(m, s, actor);
    expect.fail(
      `${actor} ${kind}${arg === undefined ? '' : `#${arg}`} is not enabled (${actor} is at ${t.pc}). Enabled:\n${enabledLines(m, s)}`,
    );
  }
  return a;
}

/** Take one step: the action of `actor` at step `kind` (choice `arg`). */
export function take(m: Model, s: NlState, actor: string, kind: string, arg?: number): NlState {
  return m.spec.next(s, action(m, s, actor, kind, arg));
}

/** Take a sequence of steps written `actor kind` or `actor kind arg`. */
export function script(m: Model, s: NlState, steps: readonly string[]): NlState {
  let cur = s;
  for (const line of steps) {
    const [actor, kind, arg] = line.trim().split(/\s+/);
    cur = take(m, cur, actor, kind, arg === undefined ? undefined : Number(arg));
  }
  return cur;
}

/**
 * Run `actor` alone, always taking its first enabled choice, until `until(state)`
 * holds (checked before each step). Returns the state and the step labels taken.
 */
export function runActor(
  m: Model,
  s: NlState,
  actor: string,
  until: (s: NlState) => boolean,
  maxSteps = 100,
): { state: NlState; kinds: string[] } {
  let cur = s;
  const kinds: string[] = [];
  for (let n = 0; !until(cur); n++) {
    if (n >= maxSteps) expect.fail(`${actor} did not reach the goal in ${maxSteps} steps; took ${kinds.join(', ')}`);
    const a = m.spec.actions(cur).find((x) => x.actor === actor);
    if (a === undefined) expect.fail(`${actor} has no enabled step before reaching the goal; took ${kinds.join(', ')}. Enabled:\n${enabledLines(m, cur)}`);
    kinds.push(a.kind);
    cur = m.spec.next(cur, a);
  }
  return { state: cur, kinds };
}

/** Run `actor` until its thread has finished its program. */
export function runToDone(m: Model, s: NlState, actor: string, maxSteps = 100): { state: NlState; kinds: string[] } {
  const ti = threadIndex(m, actor);
  return runActor(m, s, actor, (x) => x.threads[ti].pc === 'done', maxSteps);
}

/** Run `actor` until it rests at step `kind`. */
export function runTo(m: Model, s: NlState, actor: string, kind: string, maxSteps = 100): { state: NlState; kinds: string[] } {
  const ti = threadIndex(m, actor);
  return runActor(m, s, actor, (x) => x.threads[ti].pc === kind, maxSteps);
}

/** Apply a path of action indices from init, returning every state and the actions taken. */
export function walk(m: Model, indices: readonly number[]): { states: NlState[]; actions: NlAction[] } {
  let s = m.spec.init();
  const states = [s];
  const actions: NlAction[] = [];
  for (const i of indices) {
    const acts = m.spec.actions(s);
    if (i >= acts.length) throw new Error(`action ${i} is not enabled (${acts.length} enabled)`);
    actions.push(acts[i]);
    s = m.spec.next(s, acts[i]);
    states.push(s);
  }
  return { states, actions };
}

export function property(id: string): Property<NlState> {
  const p = listProperties().find((x) => x.id === id);
  if (p === undefined) throw new Error(`no property ${id}`);
  return p;
}

/**
 * The catalogue's check target for (variant, scenario) with its invariants
 * restricted to `ids` and, optionally, other witnesses.
 */
export function restrictedTarget(
  variant: string,
  scenarioId: string,
  ids: readonly string[],
  witnesses?: readonly Property<NlState>[],
): CheckTarget<NlState, NlAction> {
  const t = buildTarget(variant, scenarioId);
  return { ...t, invariants: ids.map(property), witnesses: witnesses ?? t.witnesses };
}

// ---------------------------------------------------------------------------------------------
// Rule tests (test/model/rules): one step of one thread on a state built by hand.

import { findVariant as findVariantForBench } from '../../src/catalog.js';
import { describeAction, enabledActions, initialState, makeCtx, successor } from '../../src/model/spec.js';
import type { State as BenchState } from '../../src/model/state.js';
import { cloneState as cloneForBench } from '../../src/model/state.js';
import { settle, stepAt as stepDefAt, type Ctx } from '../../src/model/step.js';

/** A context and the initial state of `sc` on `variant`; tests then set the fields a rule reads. */
export function bench(variant: string, sc: ScenarioConfig): { c: Ctx; s: BenchState } {
  const c = makeCtx(findVariantForBench(variant), sc);
  return { c, s: initialState(c) };
}

/** Index of the thread called `name` in the bench's scenario. */
export function tid(c: Ctx, name: string): number {
  const i = c.threads.findIndex((t) => t.name === name);
  if (i < 0) throw new Error(`no thread named ${name}`);
  return i;
}

/**
 * Put thread `ti` at `label` as if a caller had just called it (a subroutine
 * entry): it returns to 'done' with the return value kept in l.ret (an extra
 * frame under it keeps the engine from clearing a top-level return value).
 */
export function enter(s: BenchState, ti: number, label: string): void {
  const t = s.threads[ti];
  t.stack.push('done');
  t.stack.push('done');
  t.pc = label;
}

/** A bench of `sc` on `variant` with thread `name` put at `label` (as `enter` does), and that thread's index. */
export function benchAt(variant: string, sc: ScenarioConfig, name: string, label: string): { c: Ctx; s: BenchState; ti: number } {
  const b = bench(variant, sc);
  const ti = tid(b.c, name);
  enter(b.s, ti, label);
  return { ...b, ti };
}

/** Whether the guard of the step thread `ti` is at holds in `s` (no guard: true). */
export function guardHolds(c: Ctx, s: BenchState, ti: number): boolean {
  const g = stepDefAt(s.threads[ti].pc).guard;
  return g === undefined || g(c, s, ti);
}

/** The choices the step of thread `ti` offers in `s` (only if its guard holds). */
export function choicesOf(c: Ctx, s: BenchState, ti: number): number[] {
  return enabledActions(c, s).filter((a) => a.thread === ti).map((a) => a.arg);
}

/** Take the step thread `ti` is at, with choice `arg`, as the engine does; fails the test if it is not enabled. */
export function stepOnce(c: Ctx, s: BenchState, ti: number, arg = 0): BenchState {
  const a = enabledActions(c, s).find((x) => x.thread === ti && x.arg === arg);
  if (a === undefined) expect.fail(`thread ${c.threads[ti].name} at ${s.threads[ti].pc} has no enabled step with choice ${arg}`);
  return successor(c, s, a);
}

/** Run the continuation at `label` for thread `ti` (as the tail of whatever step reached it) on a copy of `s`. */
export function runContinuation(c: Ctx, s: BenchState, ti: number, label: string): BenchState {
  const n = cloneForBench(s);
  n.threads[ti].pc = label;
  settle(c, n, ti);
  return n;
}

/** The message of the UsageError `f` throws (fails the test if it throws nothing or something else). */
export function usageMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageErrorForTests);
    return (e as Error).message;
  }
  return expect.fail('no UsageError thrown');
}

/**
 * A deterministic walk that does not always take the first action: at step k it takes
 * enabled action (stride * k + offset) mod n. Returns every state from the initial one.
 */
export function strideWalk(m: Model, steps: number, stride: number, offset = 0): NlState[] {
  let s = m.spec.init();
  const out = [s];
  for (let k = 0; k < steps; k++) {
    const acts = m.spec.actions(s);
    if (acts.length === 0) break;
    s = m.spec.next(s, acts[(stride * k + offset) % acts.length]);
    out.push(s);
  }
  return out;
}

/** The timeline line of the step thread `ti` would take next in `s` (its first enabled choice). */
export function nextStepText(c: Ctx, s: BenchState, ti: number): string {
  const a = enabledActions(c, s).find((x) => x.thread === ti);
  if (a === undefined) expect.fail(`no enabled step of ${ti}`);
  return describeAction(c, s, a);
}

/** bfs of `variant` on one scenario, judging only `property` (it stops at that property's first violation). */
export function checkOne(variant: Variant, scenario: string, property: string): CheckResult {
  const t = buildTargetFor(variant, scenario);
  const p = listProperties().find((x) => x.id === property);
  if (!p) throw new Error(`no property ${property}`);
  return bfs({ ...t, invariants: [p] }, { properties: [property] });
}
