/**
 * Threads run programs made of labelled steps (PlusCal style). A step is the
 * unit of atomicity: it may start by taking one lock, performs at most one
 * access to memory userspace can see (a frame load or store, through mem.ts),
 * may do any amount of kernel-private work, and may end by dropping a lock.
 * Userspace never takes kernel locks, so a user step can fall between any two
 * kernel steps.
 */
import type { ScenarioConfig, ThreadSpec } from './config.js';
import type { Knobs, StepOverride, Variant } from './variant.js';
import type { Layout, State, Thread } from './state.js';
import { UsageError } from '../errors.js';
import type { FrameRef } from './mem.js';

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
  /** This variant's steps and continuations by label id: the base spec with the variant's overrides and added steps. */
  readonly table: StepTable;
  /**
   * Whether producers assign message ids (ids.ts): false when nothing checked reads
   * them, and then every id stays 0.
   */
  readonly trackIds: boolean;
}

export interface StepDef {
  /**
   * `kernel` steps model kernel code (possibly inside a user thread's syscall); `user` steps model userspace code;
   * `cpu` steps are the memory system's (a buffered store becoming visible, a load satisfied early: memsteps.ts).
   */
  readonly who: 'kernel' | 'user' | 'cpu';
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
  /**
   * Under the weak memory model: this step loads a frame's status with no barrier after
   * the load, and the code after it loads that frame's header and message. A weak CPU may
   * satisfy those loads before this step's (mem.ts early loads): the frame, or null when
   * there is no such window in this state.
   */
  readonly window?: (c: Ctx, s: State, ti: number) => FrameRef | null;
  /** The step comes after a window step and before the next barrier: early loads taken at the window stay (default: they are dropped). */
  readonly inWindow?: boolean;
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
  const conts = c.table.continuations;
  for (let guard = 0; ; guard++) {
    const fn = conts[s.threads[ti].pcId];
    if (!fn) return;
    if (guard > 64) throw new Error(`continuations loop at ${s.threads[ti].pc}`);
    fn(c, s, ti);
  }
}

/**
 * The code one variant runs: a step or continuation per label id. The base
 * spec's table is what the kernel/ and user/ modules define; a variant's
 * overrides replace parts of named steps, and its added steps and
 * continuations take labels of their own (how a patch splits a step or adds one).
 */
export interface StepTable {
  readonly steps: readonly (StepDef | undefined)[];
  readonly continuations: readonly (Continuation | undefined)[];
}

/** Labels of the base spec, with what each is (a step or a continuation) and its citation. */
export function baseLabels(): { label: string; kind: 'step' | 'continuation'; who?: 'kernel' | 'user' | 'cpu'; cites?: string }[] {
  return LABELS.filter((l) => l !== DONE && (STEPS.has(l) || CONTINUATIONS.has(l))).map((label) => {
    const d = STEPS.get(label);
    return d ? { label, kind: 'step' as const, who: d.who, cites: d.cites } : { label, kind: 'continuation' as const };
  });
}

const isFn = (x: unknown): boolean => typeof x === 'function';
const STEP_FIELDS = ['who', 'cites', 'guard', 'choices', 'text', 'run', 'window', 'inWindow'];
const OVERRIDE_FIELDS = ['cites', 'guard', 'choices', 'text', 'run', 'window', 'inWindow'];

function checkFields(what: string, value: object, allowed: readonly string[]): void {
  for (const k of Object.keys(value)) {
    if (!allowed.includes(k)) throw new UsageError(`${what}: unknown field '${k}' (allowed: ${allowed.join(', ')})`);
  }
}

function checkCites(what: string, cites: unknown): void {
  if (typeof cites !== 'string' || cites.trim() === '') throw new UsageError(`${what} needs 'cites': the commit, kernel function or proposed patch it stands for`);
}

/** A new step a variant adds: the same shape as the spec's own. */
function checkNewStep(variant: string, label: string, d: unknown): StepDef {
  const what = `variant '${variant}': added step '${label}'`;
  if (typeof d !== 'object' || d === null) throw new UsageError(`${what} must be an object { who, cites, text, run, guard?, choices? }`);
  checkFields(what, d, STEP_FIELDS);
  const def = d as StepDef;
  if (def.who !== 'kernel' && def.who !== 'user') throw new UsageError(`${what}: 'who' must be 'kernel' or 'user', got ${JSON.stringify(def.who)}`);
  checkCites(what, def.cites);
  for (const f of ['text', 'run'] as const) if (!isFn(def[f])) throw new UsageError(`${what}: '${f}' must be a function`);
  for (const f of ['guard', 'choices', 'window'] as const) if (def[f] !== undefined && !isFn(def[f])) throw new UsageError(`${what}: '${f}' must be a function`);
  return def;
}

/** A label that a variant adds: new, or already added by some variant (never one of the base spec's). */
function addedLabel(variant: string, label: string): number {
  if (typeof label !== 'string' || !/^[A-Za-z][\w.-]*$/.test(label)) throw new UsageError(`variant '${variant}': step label ${JSON.stringify(label)} must be a word such as 'copy.mark2'`);
  if (STEPS.has(label) || CONTINUATIONS.has(label) || label === DONE) {
    throw new UsageError(`variant '${variant}': '${label}' is a label of the base spec; replace it under 'overrides' instead of adding it`);
  }
  if (!LABEL_IDS.has(label)) register(label);
  return labelId(label);
}

const TABLES = new WeakMap<Variant, StepTable>();

/**
 * The step table of `variant`, validated: overrides name existing labels and
 * carry only known fields, continuations are overridden only in `run`, added
 * labels are new. Problems are UsageErrors naming the variant and the label.
 */
export function stepTableFor(variant: Variant): StepTable {
  const cached = TABLES.get(variant);
  if (cached) return cached;
  const id = variant.id;
  // Added labels first, so that overrides may jump to them and the arrays cover their ids.
  const added: [number, StepDef][] = Object.entries(variant.steps ?? {}).map(([l, d]) => [addedLabel(id, l), checkNewStep(id, l, d)]);
  const addedConts: [number, Continuation][] = Object.entries(variant.continuations ?? {}).map(([l, d]) => {
    const what = `variant '${id}': added continuation '${l}'`;
    if (typeof d !== 'object' || d === null) throw new UsageError(`${what} must be an object { cites, run }`);
    checkFields(what, d, ['cites', 'run']);
    checkCites(what, (d as { cites?: unknown }).cites);
    if (!isFn((d as { run?: unknown }).run)) throw new UsageError(`${what}: 'run' must be a function`);
    return [addedLabel(id, l), (d as { run: Continuation }).run];
  });
  const steps = STEP_BY_ID.slice();
  const continuations = CONTINUATION_BY_ID.slice();
  steps.length = continuations.length = LABELS.length;
  for (const [i, d] of added) steps[i] = d;
  for (const [i, fn] of addedConts) continuations[i] = fn;
  for (const [label, o] of Object.entries(variant.overrides ?? {})) {
    const what = `variant '${id}': override of '${label}'`;
    if (typeof o !== 'object' || o === null) throw new UsageError(`${what} must be an object { cites, guard?, choices?, text?, run? }`);
    const lid = LABEL_IDS.get(label);
    if (lid === undefined || lid === DONE_ID) throw new UsageError(`${what}: no step or continuation has that label (see nlring list --steps)`);
    checkCites(what, o.cites);
    const cont = continuations[lid];
    if (cont !== undefined) {
      // A continuation is private bookkeeping with no guard, choices or text of its own.
      checkFields(`${what} (a continuation)`, o, ['cites', 'run']);
      if (!isFn(o.run)) throw new UsageError(`${what}: 'run' must be a function (c, s, ti)`);
      continuations[lid] = o.run as unknown as Continuation;
      continue;
    }
    const base = steps[lid];
    if (base === undefined) throw new UsageError(`${what}: no step or continuation has that label (see nlring list --steps)`);
    checkFields(what, o, OVERRIDE_FIELDS);
    const fields = ['guard', 'choices', 'text', 'run', 'window'] as const;
    if (![...fields, 'inWindow' as const].some((f) => o[f] !== undefined)) throw new UsageError(`${what} replaces nothing: give at least one of guard, choices, text, run, window, inWindow`);
    for (const f of fields) if (o[f] !== undefined && !isFn(o[f])) throw new UsageError(`${what}: '${f}' must be a function`);
    if (o.inWindow !== undefined && typeof o.inWindow !== 'boolean') throw new UsageError(`${what}: 'inWindow' must be true or false`);
    steps[lid] = { ...base, ...definedOnly(o), cites: `${o.cites} (patches: ${base.cites})` };
  }
  const table = { steps, continuations };
  TABLES.set(variant, table);
  return table;
}

function definedOnly(o: StepOverride): Partial<StepDef> {
  const out: Record<string, unknown> = {};
  for (const f of ['guard', 'choices', 'text', 'run', 'window', 'inWindow'] as const) if (o[f] !== undefined) out[f] = o[f];
  return out as Partial<StepDef>;
}
