/**
 * init / actions / next: the only interface the engines see (design.md, after
 * stateright's Model). Actions are plain data; their order is deterministic
 * (threads in scenario order, then each step's choices in order), so a
 * counterexample replays as a list of indices.
 *
 * The canonical encoding leaves out the transient record of what the last step
 * did (`ghost.last`, `ghost.note`): it is not part of the system's state, only
 * evidence for the properties, which engines therefore judge on every
 * transition rather than on every new state.
 */
import type { ScenarioConfig } from './config.js';
import type { Spec } from './interface.js';
import { encodeState, encodeUnits, loadUnits, makeDecoder } from './codec.js';
import { makeCanonicalUnits } from './symmetry.js';
import { ZOBRIST_HASH } from './zobrist.js';
import { render, summary } from './render.js';
import { stateView, stepInfo } from './view.js';
import { Layout, State, cloneState, emptyState } from './state.js';
import type { Ctx, StepAction } from './step.js';
import { DONE, DONE_ID, labelAt, labelId, settle, stepTableFor, type StepDef } from './step.js';
import type { Variant } from './variant.js';
import { beginMessage } from './kernel/producer.js';
import { observeAllocations } from './kernel/alloc.js';
import { isProgress, promiseOf, unfinishedThreads } from './progress.js';
// Importing the paths registers their steps.
import './kernel/deliver.js';
import './kernel/dump.js';
import './kernel/poll.js';
import './kernel/recvmsg.js';
import './kernel/sendmsg.js';
import './kernel/setup.js';
import './user/consumer.js';
import { firstStep } from './user/txuser.js';
import './user/sibling.js';
import './user/forker.js';
import './user/setup.js';
import { nameThreads } from './names.js';
import { reductionFor } from './footprints.js';
import { IDS_LEFT_OUT } from './ids.js';
import { DRAIN_ID, EARLY_ID, memoryActions } from './memsteps.js';
import { acquire, hasEarly, leaveWindow, release, memoryBounds } from './mem.js';

export type NlState = State;

/** Thread name (actor, e.g. `prod1`), step label (kind, e.g. `alloc.reserve`), thread index, and which of the step's nondeterministic alternatives (arg). */
export type NlAction = StepAction;

export function makeCtx(variant: Variant, scenario: ScenarioConfig, trackIds = true): Ctx {
  // First, so that a variant's added labels exist before anything is interned.
  const table = stepTableFor(variant);
  // Actions are interned per (thread, label, choice): enumerating them allocates nothing after the first
  // time. Choices are small integers from -1 up; a table per (label, thread) is indexed by choice + 1.
  const interned: (NlAction | undefined)[][] = [];
  const action = (thread: number, label: number, arg: number): NlAction => {
    const row = (interned[label * scenario.threads.length + thread] ??= []);
    let a = row[arg + 1];
    if (a === undefined) {
      if (!Number.isInteger(arg) || arg < -1 || arg > 1 << 16) throw new RangeError(`step choice ${arg} is not an integer in [-1, 65536]`);
      a = Object.freeze({ actor: scenario.threads[thread].name, kind: labelAt(label), thread, arg, label });
      row[arg + 1] = a;
    }
    return a;
  };
  return { variant, knobs: variant.knobs, scenario, threads: scenario.threads, layout: layoutOf(scenario), action, table, trackIds };
}

/** The state vector's shape for a scenario: frame slots per ring and threads. */
export function layoutOf(sc: ScenarioConfig): Layout {
  // A ring gets frame slots for the largest request that can be installed on it: at the start, or by a setup thread.
  const frames = (ring: 'rx' | 'tx'): number => {
    const reqs = [ring === 'rx' ? sc.rx : sc.tx];
    for (const t of sc.threads) {
      if (t.program !== 'setup') continue;
      for (const op of t.params.ops) if (op.op === 'setsockopt' && op.ring === ring) reqs.push(op.req);
    }
    return Math.max(0, ...reqs.map((i) => (i === null ? 0 : sc.requests[i].frameNr)));
  };
  return new Layout(frames('rx'), frames('tx'), sc.threads.map((t) => (t.program === 'producer' ? 'producer' : 'full')), sc.memory ?? 'sc');
}

/** The initial state: rings configured and mapped as the scenario says, every thread at its entry. */
export function initialState(c: Ctx): State {
  const sc = c.scenario;
  const s = emptyState(c.layout);
  const { rx, tx } = s.sock;
  let gen = 1;
  for (const [ring, idx] of [[rx, sc.rx], [tx, sc.tx]] as const) {
    if (idx === null) continue;
    const req = sc.requests[idx];
    ring.gen = gen++;
    ring.req = idx;
    ring.frameNr = req.frameNr;
    ring.frameSize = req.frameSize;
    ring.blockSize = req.blockSize;
    ring.blockNr = req.blockNr;
    ring.framesPerBlock = Math.floor(req.blockSize / req.frameSize);
  }
  const mapped = sc.mapped && (rx.gen !== 0 || tx.gen !== 0);
  const k = s.sock;
  k.mapped = mapped ? 1 : 0;
  k.fileRefs = mapped ? 2 : 1;
  k.noEnobufs = sc.noEnobufs ?? false;
  k.vmaRxGen = mapped ? rx.gen : 0;
  k.vmaTxGen = mapped ? tx.gen : 0;
  s.nextGen = gen;
  let setupOwnsMapping = mapped;
  sc.threads.forEach((spec, ti) => {
    const t = s.threads[ti];
    t.pc = DONE;
    switch (spec.program) {
      case 'producer':
        return beginMessage(c, s, ti);
      case 'consumer':
        t.pc = 'c.start';
        break;
      case 'txuser':
        t.pc = firstStep(c, ti);
        break;
      case 'sibling':
        t.pc = spec.params.writes > 0 ? 'sib.write' : DONE;
        break;
      case 'forker':
        t.pc = 'fork.do';
        break;
      case 'setup':
        t.pc = 'set.next';
        if (setupOwnsMapping) {
          t.l.maps = 1; // the initial mapping is this thread's to unmap
          setupOwnsMapping = false;
        }
        break;
    }
    settle(c, s, ti);
  });
  return s;
}

/** The step this variant runs at label id `id`. */
function stepOf(c: Ctx, id: number): StepDef {
  const d = c.table.steps[id];
  if (d === undefined) throw new Error(`no step labelled ${labelAt(id)} in variant ${c.variant.id}`);
  return d;
}

/** The enabled actions, in a deterministic order. */
export function enabledActions(c: Ctx, s: State): NlAction[] {
  const out: NlAction[] = [];
  for (let ti = 0; ti < s.threads.length; ti++) {
    const pc = s.threads[ti].pcId;
    if (pc === DONE_ID) continue;
    const def = stepOf(c, pc);
    if (def.guard && !def.guard(c, s, ti)) continue;
    if (!def.choices) {
      out.push(c.action(ti, pc, 0));
      continue;
    }
    for (const arg of def.choices(c, s, ti)) out.push(c.action(ti, pc, arg));
  }
  // Under tso and weak, the memory system's own actions (memsteps.ts), after every thread's program step.
  if (c.layout.memory !== 'sc') memoryActions(c, s, (ti, label, arg) => out.push(c.action(ti, label, arg)));
  return out;
}

/** The kernel locks thread ti holds, one bit each (taking one is an acquire, dropping one a release: mem.ts). */
function locksHeld(s: State, ti: number): number {
  const k = s.sock;
  return (k.pgVecLock === ti ? 1 : 0) | (k.rxqLock === ti ? 2 : 0) | (k.cbMutex === ti ? 4 : 0) | (s.idLock === ti ? 8 : 0);
}

const FWD_STEP = labelId('fwd.step');

/**
 * Make `n` its successor under `a`, in place. `monitor` is the ghost monitor run
 * after the step (observeAllocations); the footprint recorder passes a wrapper
 * that leaves its accesses out, because footprints.ts accounts for them itself.
 */
export function applyInPlace(c: Ctx, n: State, a: NlAction, monitor: (s: State) => void = observeAllocations): void {
  const t = n.threads[a.thread];
  if (c.layout.memory !== 'sc' && (a.label === DRAIN_ID || a.label === EARLY_ID) && t !== undefined) {
    // The memory system's step: the thread's program does not move.
    n.ghost.clearTransient();
    stepOf(c, a.label).run(c, n, a.thread, a.arg);
    monitor(n);
    return;
  }
  if (t === undefined || t.pcId !== a.label) {
    throw new Error(`action ${a.actor}:${a.kind} does not fit the state (thread is at ${t?.pc ?? 'nothing'})`);
  }
  n.ghost.clearTransient();
  // fullSeen only means something inside an allocation and on the transition that ends it.
  // (Stored only when set: a store is a write in the step's footprint, footprints.ts, even of the same value.)
  if (!t.l.inAlloc && t.l.fullSeen) t.l.fullSeen = false;
  // fwdSeen likewise only inside netlink_forward_ring and on the transition that ends it.
  if (a.label !== FWD_STEP && t.l.fwdSeen !== 0) t.l.fwdSeen = 0;
  const def = stepOf(c, a.label);
  if (c.layout.memory === 'sc') {
    def.run(c, n, a.thread, a.arg);
    settle(c, n, a.thread);
  } else {
    // Early loads live through their window step and the steps marked as inside it (mem.ts).
    if (!def.window && !def.inWindow && hasEarly(n, a.thread)) leaveWindow(n, a.thread);
    const held = locksHeld(n, a.thread);
    def.run(c, n, a.thread, a.arg);
    settle(c, n, a.thread);
    const now = locksHeld(n, a.thread);
    if ((now & ~held) !== 0) acquire(n, a.thread);
    if ((held & ~now) !== 0) release(n, a.thread);
  }
  // A return value is consumed by the continuation it returns to; at rest outside any call it is dead.
  if (t.stack.length === 0) t.l.ret = 0;
  monitor(n);
}

/** The successor of `s` under `a`; `s` is not changed. */
export function successor(c: Ctx, s: State, a: NlAction): State {
  const n = cloneState(s);
  applyInPlace(c, n, a);
  return n;
}

/** `kernel[prod1]: alloc: reserve rx frame 2 ...`: whose code, which thread, what it does in `s`. */
export function describeAction(c: Ctx, s: State, a: NlAction): string {
  const def = stepOf(c, a.label);
  return `${def.who}[${a.actor}]: ${def.text(c, s, a.thread, a.arg)}`;
}

/** What a spec is built for: by default it tracks everything (see ids.ts for what it may leave out). */
export interface SpecOptions {
  /** Assign message ids (default true); targetOf turns it off when nothing checked reads them. */
  readonly trackIds?: boolean;
}

export function buildSpec(variant: Variant, scenario: ScenarioConfig, options: SpecOptions = {}): Spec<State, NlAction> {
  const c = makeCtx(variant, scenario, options.trackIds ?? true);
  // Property explanations (props/explain.ts) name threads from the state's layout.
  nameThreads(c.layout, c.threads.map((t) => t.name));
  const canonical = makeCanonicalUnits(c);
  return {
    init: () => initialState(c),
    actions: (s) => enabledActions(c, s),
    next: (s, a) => successor(c, s, a),
    encode: encodeState,
    encodeUnits,
    ...makeDecoder(c.layout),
    inPlace: {
      scratch: () => new State(c.layout),
      copy: (dst, src) => dst.copyFrom(src),
      apply: (s, a) => applyInPlace(c, s, a),
      units: encodeUnits,
      load: loadUnits,
      fingerprint: (s, out) => s.fingerprint(out),
      fingerprintName: ZOBRIST_HASH,
    },
    ...(canonical ? { canonicalUnits: canonical } : {}),
    ...(c.trackIds ? {} : { leftOut: [IDS_LEFT_OUT] }),
    ...(c.layout.memory !== 'sc' ? { memory: { model: c.layout.memory, bounds: memoryBounds(c.layout.memory) } } : {}),
    describe: (s, a) => describeAction(c, s, a),
    render: (s) => render(c, s),
    summary: (s) => summary(c, s),
    view: (s) => stateView(c, s),
    stepInfo: (s, a) => stepInfo(c, a, s),
    // Coverage (the state-space summary): this variant's step labels, and the label id as the kind's index.
    kinds: () => c.table.steps.flatMap((d, id) => (d === undefined ? [] : [labelAt(id)])),
    kindIndex: (a) => a.label,
    // Partial-order reduction (bfs --por): ample sets from the footprint table (footprints.ts).
    reduction: (properties) => reductionFor(c, properties),
    // Liveness (check --liveness): what progress is and which end states are proper (progress.ts).
    progress: (s, a, t) => isProgress(c, s, a, t),
    strongFair: (s, a, t) => promiseOf(c, s, a, t),
    unfinished: (s) => unfinishedThreads(c, s),
  };
}


