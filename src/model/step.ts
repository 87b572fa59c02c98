/**
 * Threads run programs made of labelled steps (PlusCal style). A step is the
 * unit of atomicity: it may start by taking one lock, performs at most one
 * access to memory userspace can see (a frame load or store, through mem.ts),
 * may do any amount of kernel-private work, and may end by dropping a lock.
 * Userspace never takes kernel locks, so a user step can fall between any two
 * kernel steps.
 */
import type { ScenarioConfig, ThreadSpec } from './config.js';
import type { Knobs, Variant } from './variant.js';
import type { Layout, State, Thread } from './state.js';

/** An action as the engines see it (spec.ts re-exports it as NlAction). */
export interface StepAction {
  readonly actor: string;
  readonly kind: string;
  readonly thread: number;
  readonly arg: number;
  /** The label id of `kind`. */
  readonly label: number;
}

/** Everything a step may consult besides the state: constant for one check. */
export interface Ctx {
  readonly variant: Variant;
  readonly knobs: Knobs;
  readonly scenario: ScenarioConfig;
  readonly threads: readonly ThreadSpec[];
  /** Where each field sits in this scenario's state vector. */
  readonly layout: Layout;
  /** The (interned) action of thread `thread` at label id `label` with choice `arg`. */
  readonly action: (thread: number, label: number, arg: number) => StepAction;
}

export interface StepDef {
  /** `kernel` steps model kernel code (possibly inside a user thread's syscall); `user` steps model userspace code. */
  readonly who: 'kernel' | 'user';
  /** The kernel function (and version) or userspace code it models. */
  readonly cites: string;
  /** Whether the step can run now (e.g. the lock it takes is free). Default: always. */
  readonly guard?: (c: Ctx, s: State, ti: number) => boolean;
  /** Nondeterministic alternatives, as small integers passed to run/text. Default: [0]. */
  readonly choices?: (c: Ctx, s: State, ti: number) => number[];
  /** One line saying what the step does in this state, without the actor prefix. */
  readonly text: (c: Ctx, s: State, ti: number, arg: number) => string;
  /** Perform the step on a state the caller owns (mutates it). */
  readonly run: (c: Ctx, s: State, ti: number, arg: number) => void;
}

const STEPS = new Map<string, StepDef>();
/** Steps and continuations by label id (undefined where the label is the other kind). */
const STEP_BY_ID: (StepDef | undefined)[] = [undefined];
const CONTINUATION_BY_ID: (Continuation | undefined)[] = [undefined];
/** Small integer per label, in registration order (module import order: deterministic), for the encoding. */
const LABEL_IDS = new Map<string, number>([['done', 0]]);

function register(label: string): void {
  if (LABEL_IDS.has(label) && label !== 'done') throw new Error(`label ${label} defined twice`);
  LABEL_IDS.set(label, LABEL_IDS.size);
  LABELS.push(label);
}

const LABELS: string[] = ['done'];

/** The label with a given id (the inverse of labelId). */
export function labelAt(id: number): string {
  const l = LABELS[id];
  if (l === undefined) throw new Error(`unknown label id ${id}`);
  return l;
}

export function labelId(label: string): number {
  const id = LABEL_IDS.get(label);
  if (id === undefined) throw new Error(`unknown label ${label}`);
  return id;
}

/** Register a program's steps under their labels. Labels are global and unique. */
export function defineSteps(defs: Record<string, StepDef>): void {
  for (const [label, def] of Object.entries(defs)) {
    register(label);
    STEPS.set(label, def);
    STEP_BY_ID[labelId(label)] = def;
    CONTINUATION_BY_ID[labelId(label)] = undefined;
  }
}

export function stepAt(label: string): StepDef {
  const d = STEPS.get(label);
  if (!d) throw new Error(`no step labelled ${label}`);
  return d;
}

/** The step at a label id (see Thread.pcId). */
export function stepById(id: number): StepDef {
  const d = STEP_BY_ID[id];
  if (!d) throw new Error(`no step labelled ${labelAt(id)}`);
  return d;
}

export function allStepLabels(): string[] {
  return [...STEPS.keys()];
}

/** The thread has finished its program. */
export const DONE = 'done';
export const DONE_ID = 0;

export function goto(t: Thread, label: string): void {
  t.pc = label;
}

/** Enter a subroutine; `ret()` resumes at `resume`. */
export function call(t: Thread, label: string, resume: string): void {
  t.stack.push(resume);
  t.pc = label;
}

export function ret(t: Thread, value: number): void {
  t.l.ret = value;
  // By label id: no round trip through the label's name.
  const r = t.stack.popId();
  if (r === undefined) throw new Error('return with an empty call stack');
  t.pcId = r;
}

/** Guard for a step that starts by taking a lock: free, or (re-entrant call) already ours. */
export function lockFree(holder: number, ti: number): boolean {
  return holder === -1 || holder === ti;
}

/**
 * A continuation is code a thread runs as the tail of whatever step brought it
 * to that label, typically a subroutine's return landing in private
 * bookkeeping (unlock, count, choose the next message). It takes no step of
 * its own, so it must not touch memory userspace can see.
 */
export type Continuation = (c: Ctx, s: State, ti: number) => void;
const CONTINUATIONS = new Map<string, Continuation>();

export function defineContinuations(defs: Record<string, Continuation>): void {
  for (const [label, fn] of Object.entries(defs)) {
    register(label);
    CONTINUATIONS.set(label, fn);
    CONTINUATION_BY_ID[labelId(label)] = fn;
    STEP_BY_ID[labelId(label)] = undefined;
  }
}

/** Run continuations until the thread rests on a step label (or DONE). */
export function settle(c: Ctx, s: State, ti: number): void {
  for (let guard = 0; ; guard++) {
    const fn = CONTINUATION_BY_ID[s.threads[ti].pcId];
    if (!fn) return;
    if (guard > 64) throw new Error(`continuations loop at ${s.threads[ti].pc}`);
    fn(c, s, ti);
  }
}
