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
import { HDRLEN, RX, TX } from './constants.js';
import type { Spec } from './interface.js';
import { encodeState, encodeUnits, makeDecoder } from './codec.js';
import { makeCanonicalUnits } from './symmetry.js';
import { render, summary } from './render.js';
import type { State } from './state.js';
import { cloneState, newGhost, newLocals, newRing, noEvent } from './state.js';
import type { Ctx } from './step.js';
import { DONE, settle, stepAt } from './step.js';
import type { Variant } from './variant.js';
import { beginMessage } from './kernel/producer.js';
import { observeAllocations } from './kernel/alloc.js';
// Importing the paths registers their steps.
import './kernel/deliver.js';
import './kernel/dump.js';
import './kernel/poll.js';
import './kernel/recvmsg.js';
import './kernel/sendmsg.js';
import './kernel/setup.js';
import './user/consumer.js';
import './user/txuser.js';
import './user/sibling.js';
import './user/forker.js';
import './user/setup.js';

export type NlState = State;

export interface NlAction {
  /** Thread name, e.g. `prod1`. */
  readonly actor: string;
  /** The step label, e.g. `alloc.reserve`. */
  readonly kind: string;
  readonly thread: number;
  /** Which of the step's nondeterministic alternatives. */
  readonly arg: number;
}

export function makeCtx(variant: Variant, scenario: ScenarioConfig): Ctx {
  return { variant, knobs: variant.knobs, scenario, threads: scenario.threads };
}

/** The initial state: rings configured and mapped as the scenario says, every thread at its entry. */
export function initialState(c: Ctx): State {
  const sc = c.scenario;
  const maxFrames = Math.max(1, ...sc.requests.map((r) => r.frameNr));
  const rx = newRing(maxFrames);
  const tx = newRing(maxFrames);
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
  const s: State = {
    sock: {
      rx, tx,
      mapped: mapped ? 1 : 0,
      fileRefs: mapped ? 2 : 1,
      sockRefs: 0,
      released: false,
      destructed: false,
      skErr: 0,
      congested: false,
      drops: 0,
      noEnobufs: sc.noEnobufs ?? false,
      rcvq: [],
      pgVecLock: -1,
      rxqLock: -1,
      cbMutex: -1,
      dumpRunning: false,
      dumpPart: 0,
      wake: false,
      vmaRxGen: mapped ? rx.gen : 0,
      vmaTxGen: mapped ? tx.gen : 0,
    },
    threads: sc.threads.map(() => ({ pc: DONE, stack: [], l: newLocals() })),
    idLock: -1,
    idSeq: 0,
    nextGen: gen,
    ghost: newGhost(),
  };
  let setupOwnsMapping = mapped;
  sc.threads.forEach((spec, ti) => {
    const t = s.threads[ti];
    switch (spec.program) {
      case 'producer':
        return beginMessage(c, s, ti);
      case 'consumer':
        t.pc = 'c.start';
        break;
      case 'txuser':
        t.pc = 'u.check';
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

/** The enabled actions, in a deterministic order. */
export function enabledActions(c: Ctx, s: State): NlAction[] {
  const out: NlAction[] = [];
  for (let ti = 0; ti < s.threads.length; ti++) {
    const pc = s.threads[ti].pc;
    if (pc === DONE) continue;
    const def = stepAt(pc);
    if (def.guard && !def.guard(c, s, ti)) continue;
    const args = def.choices ? def.choices(c, s, ti) : [0];
    for (const arg of args) {
      out.push({ actor: c.threads[ti].name, kind: pc, thread: ti, arg });
    }
  }
  return out;
}

/** The successor of `s` under `a`; `s` is not changed. */
export function successor(c: Ctx, s: State, a: NlAction): State {
  const before = s.threads[a.thread];
  if (before === undefined || before.pc !== a.kind) {
    throw new Error(`action ${a.actor}:${a.kind} does not fit the state (thread is at ${before?.pc ?? 'nothing'})`);
  }
  const n = cloneState(s);
  n.ghost.last = noEvent();
  n.ghost.note = '';
  n.ghost.noteThread = -1;
  n.ghost.noteValue = 0;
  const t = n.threads[a.thread];
  // fullSeen only means something inside an allocation and on the transition that ends it.
  if (!t.l.inAlloc) t.l.fullSeen = false;
  // fwdSeen likewise only inside netlink_forward_ring and on the transition that ends it.
  if (t.pc !== 'fwd.step') t.l.fwdSeen = 0;
  stepAt(a.kind).run(c, n, a.thread, a.arg);
  settle(c, n, a.thread);
  // A return value is consumed by the continuation it returns to; at rest outside any call it is dead.
  if (t.stack.length === 0) t.l.ret = 0;
  observeAllocations(n);
  return n;
}

/** `kernel[prod1]: alloc: reserve rx frame 2 ...`: whose code, which thread, what it does in `s`. */
export function describeAction(c: Ctx, s: State, a: NlAction): string {
  const def = stepAt(a.kind);
  return `${def.who}[${a.actor}]: ${def.text(c, s, a.thread, a.arg)}`;
}

export function buildSpec(variant: Variant, scenario: ScenarioConfig): Spec<State, NlAction> {
  const c = makeCtx(variant, scenario);
  const canonical = makeCanonicalUnits(c);
  return {
    init: () => initialState(c),
    actions: (s) => enabledActions(c, s),
    next: (s, a) => successor(c, s, a),
    encode: encodeState,
    encodeUnits,
    ...makeDecoder(initialState(c)),
    ...(canonical ? { canonicalUnits: canonical } : {}),
    describe: (s, a) => describeAction(c, s, a),
    render: (s) => render(c, s),
    summary: (s) => summary(c, s),
  };
}


