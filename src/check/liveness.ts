/**
 * Progress (liveness) checking over a CheckTarget: non-progress cycles under weak
 * fairness of the actors, and terminal states with work left undone, each
 * reported as a lasso (a shortest stem from init, then the loop), as SPIN's
 * non-progress cycles (`-l`, with `-f` weak fairness) and TLC's liveness
 * checking report them. docs/liveness.md says what is checked and why.
 *
 * The spec says what progress is (`Spec.progress`, judged per transition) and
 * which end states are proper (`Spec.unfinished`); the engine knows nothing else.
 *
 * Algorithm:
 * 1. Breadth-first exploration of every reachable state (no symmetry reduction:
 *    a loop must be a real loop of real states), storing the whole graph
 *    compactly: per state the offset of its edges, per edge the target id and a
 *    byte holding the acting actor and a progress bit. An edge's action index is
 *    its position among its source's edges (actions() order), so paths replay.
 * 2. Tarjan's SCC algorithm (iterative: scenarios have paths thousands of steps
 *    deep) over the edges that are not progress.
 * 3. An SCC with a cycle (more than one state, or a self-loop) is a weakly fair
 *    non-progress cycle iff every actor enabled in EVERY state of the SCC takes
 *    one of the SCC's internal edges. That test is exact for weak fairness: if an
 *    actor is enabled throughout the SCC and never steps inside it, every cycle
 *    in the SCC starves it; otherwise a cycle through every state and every
 *    internal edge is fair. (Strong fairness would need a recursive decomposition.)
 * 4. The reported lasso: the fair SCC whose first-discovered state is discovered
 *    first (ids are BFS order, so its stem is a shortest path into any reported
 *    SCC), a loop from that state that meets each actor's fairness obligation in
 *    actor order by shortest paths inside the SCC, then returns.
 *
 * Budgets as for bfs: a run that stops early analyses the states it expanded. A
 * loop found among them is real (all its edges were computed), so it is still a
 * failure; finding none proves nothing and the verdict is `incomplete`.
 */
import { getHeapStatistics } from 'node:v8';
import type { ActionBase, CheckTarget } from '../model/interface.js';
import { UsageError } from '../errors.js';
import { limitsOf, type Budgets } from './bfs.js';
import { ActionLinks, GrowableArray, collisionProbability } from './fingerprint.js';
import { StateQueue } from './queue.js';
import { formatPath, replay } from './replay.js';
import { COMMAND, shellQuote, type EngineStats, type StopReason, type TraceStep, type Verdict, leftOutField } from './result.js';
import { stepperOf, type Slot } from './stepper.js';

export interface LivenessOptions extends Budgets {
  /** Called about once a second with what was explored so far. */
  readonly onProgress?: (p: { seconds: number; distinct: number; transitions: number; depth: number }) => void;
  readonly progressIntervalMs?: number;
  /** Asked where the clock is read: true stops the exploration as `interrupted` (SIGINT; see BfsOptions.interrupted). */
  readonly interrupted?: () => boolean;
}

/** What the loop of a lasso does for one actor's weak-fairness obligation. */
export interface FairnessNote {
  readonly actor: string;
  /** `steps`: it takes a step in the loop; `disabled`: the loop passes a state where it cannot step; `idle`: it is never enabled in the loop. */
  readonly how: 'steps' | 'disabled' | 'idle';
}

export interface Lasso {
  /** `cycle`: a weakly fair loop without progress; `stuck`: a terminal state with work left undone (no loop). */
  readonly kind: 'cycle' | 'stuck';
  /** Action indices from init: the stem, then (for a cycle) one iteration of the loop. */
  readonly path: string;
  /** Steps of the stem; the loop is steps[stem..]. */
  readonly stem: number;
  /** Steps of the loop (0 for `stuck`). */
  readonly loop: number;
  /** `describe()` of every step of `path`. */
  readonly steps: string[];
  /** steps.length + 1 entries, the first being init. */
  readonly trace: TraceStep[];
  /** One line: what was found. */
  readonly message: string;
  /** cycle: per actor, how the loop is weakly fair to it. stuck: none. */
  readonly fairness: FairnessNote[];
  /** stuck: one line per actor whose work is left undone (from `Spec.unfinished`). */
  readonly unfinished: string[];
  /** The command that replays it (for a cycle with `--loop`, which checks that the loop closes). */
  readonly replay: string;
}

export interface LivenessResult {
  readonly verdict: Verdict;
  readonly variant: string;
  readonly scenario: string;
  readonly engine: 'bfs';
  readonly check: 'liveness';
  readonly fairness: 'weak';
  /** Distinct states explored, transitions (edges) stored, deepest BFS level. */
  readonly states: number;
  readonly transitions: number;
  readonly maxDepth: number;
  readonly seconds: number;
  readonly complete: boolean;
  /** Strongly connected sets of non-progress steps that contain a loop and are weakly fair. */
  readonly fairCycles: number;
  /** Those that weak fairness excludes: some actor enabled throughout never steps in them. */
  readonly unfairCycles: number;
  /** Reachable terminal states with work left undone. */
  readonly stuckStates: number;
  /** The names of the promises (Spec.strongFair) that some step made, sorted: the steps judged under strong fairness. */
  readonly promises: string[];
  /** The lasso of the first fair non-progress cycle (shortest stem), if any. */
  readonly cycle?: Lasso;
  /** The shortest path to a terminal state with work left undone, if any. */
  readonly stuck?: Lasso;
  /** The command that reproduces this result. */
  readonly replay: string;
  readonly stats: EngineStats;
}

/** The check command line of a liveness run, with the budgets that shape it. */
export function livenessCommand(variant: string, scenario: string, b: Budgets = {}): string {
  const words = [COMMAND, 'check', '--variant', variant, '--scenario', scenario, '--liveness'];
  if (b.maxStates !== undefined) words.push('--max-states', String(b.maxStates));
  if (b.maxDepth !== undefined) words.push('--max-depth', String(b.maxDepth));
  if (b.timeBudgetSeconds !== undefined) words.push('--time-budget', String(b.timeBudgetSeconds));
  return words.map(shellQuote).join(' ');
}

/** The replay command of a lasso: `--loop K` makes replay check that the state after step K recurs at the end. */
export function lassoReplayCommand(variant: string, scenario: string, path: string, loopFrom?: number): string {
  const words = [COMMAND, 'replay', '--variant', variant, '--scenario', scenario, '--path', path];
  if (loopFrom !== undefined) words.push('--loop', String(loopFrom));
  return words.map(shellQuote).join(' ');
}

const NONE = 0xffffffff;
/** An edge's byte: bit 7, the step is progress; bits 0..6, the acting actor. */
const PROGRESS_BIT = 0x80;
const ACTOR_MASK = 0x7f;
const MAX_ACTORS = 32; // bit masks of actors are 32-bit

/** fingerprint -> state id, open addressing over ids; the fingerprints live in per-id arrays. */
class IdTable {
  private slots = new Uint32Array(1 << 16);
  private count = 0;
  readonly hi = new GrowableArray((n) => new Uint32Array(n));
  readonly lo = new GrowableArray((n) => new Uint32Array(n));
  get size(): number {
    return this.count;
  }
  get bytes(): number {
    return this.slots.byteLength + this.hi.bytes + this.lo.bytes;
  }
  private home(hi: number, lo: number, n: number): number {
    return Math.floor((((lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0) * n) / 4294967296);
  }
  /** The id of the fingerprint, or -1. */
  find(hi: number, lo: number): number {
    const t = this.slots;
    for (let i = this.home(hi, lo, t.length); ; i = i + 1 === t.length ? 0 : i + 1) {
      const v = t[i];
      if (v === 0) return -1;
      if (this.hi.get(v - 1) === hi && this.lo.get(v - 1) === lo) return v - 1;
    }
  }
  /** Add a fingerprint known to be absent; its id is the number of ids before it. */
  add(hi: number, lo: number): number {
    if ((this.count + 1) * 4 > this.slots.length * 3) this.grow();
    const id = this.count++;
    this.hi.push(hi);
    this.lo.push(lo);
    this.place(this.slots, id);
    return id;
  }
  private place(t: Uint32Array, id: number): void {
    let i = this.home(this.hi.get(id), this.lo.get(id), t.length);
    while (t[i] !== 0) i = i + 1 === t.length ? 0 : i + 1;
    t[i] = id + 1;
  }
  private grow(): void {
    const t = new Uint32Array(this.slots.length * 2);
    for (let id = 0; id < this.count; id++) this.place(t, id);
    this.slots = t;
  }
}

/** The explored graph, in compressed sparse rows. */
interface Graph {
  /** States whose edges were computed: ids 0..expanded-1 (ids are BFS order). */
  readonly expanded: number;
  /** Edges of state i: edgeStart[i] .. edgeStart[i+1]-1. */
  readonly edgeStart: GrowableArray<Uint32Array>;
  readonly edgeTo: GrowableArray<Uint32Array>;
  readonly edgeInfo: GrowableArray<Uint8Array>;
  /** Per edge: 0, or 1 + the index of its promise (actor and Spec.strongFair's name), when the step is strongly fair. */
  readonly edgePromise: GrowableArray<Uint8Array>;
}

export function liveness<S, A extends ActionBase>(target: CheckTarget<S, A>, options: LivenessOptions = {}): LivenessResult {
  const { spec } = target;
  // Buffered stores can drain at any time, so weak fairness would have to cover the memory system's own steps: not modelled.
  if (spec.memory) throw new UsageError(`${target.variant}/${target.scenario}: --liveness checks sequentially consistent specs only, not --memory ${spec.memory.model}`);
  if (!spec.progress) throw new UsageError(`${target.variant}/${target.scenario}: the spec defines no progress (Spec.progress), so it cannot be checked for liveness`);
  const progress = spec.progress.bind(spec);
  const unfinished = spec.unfinished ? spec.unfinished.bind(spec) : () => [];
  const strongFair = spec.strongFair ? spec.strongFair.bind(spec) : () => undefined;
  const { maxStates, maxDepth, timeBudget, maxMemory, interval } = limitsOf(options);
  const started = performance.now();
  let lastProgress = started;

  const st = stepperOf(spec);
  const cur = st.slot();
  const succ = st.slot();
  const ids = new IdTable();
  const parent = new GrowableArray((n) => new Uint32Array(n));
  const via = new ActionLinks();
  const edgeStart = new GrowableArray((n) => new Uint32Array(n));
  const edgeTo = new GrowableArray((n) => new Uint32Array(n));
  const edgeInfo = new GrowableArray((n) => new Uint8Array(n));
  const edgePromise = new GrowableArray((n) => new Uint8Array(n));
  // A promise is an actor's class of strongly fair steps (`prod1 lock`): fairness is judged per promise.
  const promises = new Map<string, number>();
  const promiseOf = (a: A, name: string | undefined): number => {
    if (name === undefined) return 0;
    const key = `${a.actor} ${name}`;
    let i = promises.get(key);
    if (i === undefined) {
      i = promises.size;
      if (i >= MAX_ACTORS) throw new UsageError(`liveness checking handles at most ${MAX_ACTORS} strongly fair classes of steps; ${target.scenario} has more`);
      promises.set(key, i);
    }
    return i + 1;
  };
  const actors: string[] = [];
  const actorIndex = new Map<string, number>();
  const actorOf = (a: A): number => {
    let i = actorIndex.get(a.actor);
    if (i === undefined) {
      i = actors.length;
      if (i >= MAX_ACTORS) throw new UsageError(`liveness checking handles at most ${MAX_ACTORS} actors; ${target.scenario} has more`);
      actors.push(a.actor);
      actorIndex.set(a.actor, i);
    }
    return i;
  };

  // The frontier: encodings (with the state's own fingerprint, so reloading needs no rehash) when the spec can decode, else slots.
  const keepFp = st.incremental;
  const queue = st.load ? new StateQueue(keepFp ? 2 : 0) : null;
  const slots: (Slot | undefined)[] = [];
  const tag = new Uint32Array(2);
  const fp = new Uint32Array(2);
  const push = (x: Slot): void => {
    if (queue) queue.push(st.units(x), fp);
    else slots.push(st.clone(x));
  };
  const takeInto = (x: Slot, id: number): void => {
    if (queue && st.load) {
      const units = queue.take(tag);
      st.load(x, units, keepFp ? tag : undefined);
    } else {
      st.copy(x, slots[id] as Slot);
      slots[id] = undefined;
    }
  };
  const heldBytes = () => ids.bytes + parent.bytes + via.bytes + edgeStart.bytes + edgeTo.bytes + edgeInfo.bytes + edgePromise.bytes + (queue?.bytes ?? 0);

  st.fingerprint(cur, fp);
  ids.add(fp[0], fp[1]);
  parent.push(NONE);
  via.push(0);
  push(cur);

  let transitions = 0;
  let deepest = 0;
  let stoppedBy: StopReason | undefined;
  let stuckId = -1;
  let stuckCount = 0;
  let stuckWhy: string[] = [];
  // Ids below levelEnd are at depth `depth`.
  let depth = 0;
  let levelEnd = 1;
  let expanded = 0;
  explore: while (expanded < ids.size) {
    const id = expanded;
    if (id === levelEnd) {
      depth++;
      levelEnd = ids.size;
    }
    if (depth >= maxDepth) {
      // Only an honest stop if some state at this depth has successors.
      for (let j = id; j < ids.size; j++) {
        takeInto(cur, j);
        if (spec.actions(st.state(cur)).length > 0) {
          stoppedBy = 'max-depth';
          break;
        }
      }
      break;
    }
    takeInto(cur, id);
    const s = st.state(cur);
    const actions = spec.actions(s);
    if (actions.length > 0xffff) throw new RangeError(`state ${id} has ${actions.length} actions, more than 65535`);
    if (actions.length === 0) {
      const why = unfinished(s);
      if (why.length > 0) {
        stuckCount++;
        if (stuckId < 0) {
          stuckId = id;
          stuckWhy = why;
        }
      }
    }
    // Every edge of this state is stored before the state counts as expanded, so a stop never leaves half a row.
    const rowStart = edgeTo.length;
    for (let k = 0; k < actions.length; k++) {
      st.copy(succ, cur);
      st.apply(succ, actions[k]);
      transitions++;
      st.fingerprint(succ, fp);
      let to = ids.find(fp[0], fp[1]);
      if (to < 0) {
        if (ids.size >= maxStates) {
          stoppedBy = 'max-states';
          rollback([edgeTo, edgeInfo, edgePromise], rowStart);
          break explore;
        }
        to = ids.add(fp[0], fp[1]);
        parent.push(id);
        via.push(k);
        deepest = depth + 1;
        push(succ);
      }
      edgeTo.push(to);
      const before = st.state(cur);
      const after = st.state(succ);
      edgeInfo.push(actorOf(actions[k]) | (progress(before, actions[k], after) ? PROGRESS_BIT : 0));
      edgePromise.push(promiseOf(actions[k], strongFair(before, actions[k], after)));
    }
    edgeStart.push(rowStart);
    expanded++;
    if ((expanded & 63) === 1 || interval === 0) {
      const now = performance.now();
      if ((now - started) / 1000 >= timeBudget) {
        stoppedBy = 'time-budget';
        break;
      }
      if (options.interrupted?.()) {
        stoppedBy = 'interrupted';
        break;
      }
      if ((expanded & 4095) === 1 && (heldBytes() + getHeapStatistics().used_heap_size) / 2 ** 20 >= maxMemory) {
        stoppedBy = 'memory';
        break;
      }
      if (options.onProgress && now - lastProgress >= interval) {
        lastProgress = now;
        options.onProgress({ seconds: (now - started) / 1000, distinct: ids.size, transitions, depth });
      }
    }
  }
  edgeStart.push(edgeTo.length);
  queue?.release();

  const graph: Graph = { expanded, edgeStart, edgeTo, edgeInfo, edgePromise };
  const sccs = fairSccs(graph);
  const pathTo = (id: number): number[] => {
    const out: number[] = [];
    for (let at = id; parent.get(at) !== NONE; at = parent.get(at)) out.push(via.get(at));
    return out.reverse();
  };

  let cycle: Lasso | undefined;
  if (sccs.first) {
    const { entry, members } = sccs.first;
    const loop = fairLoop(graph, entry, members, actors.length);
    const stem = pathTo(entry);
    const path = formatPath([...stem, ...loop.actions]);
    // Replay rebuilds the steps and drawings, and checks that the loop closes (the state after the stem recurs).
    const r = replay(target, path, { loopFrom: stem.length });
    const n = loop.actions.length;
    cycle = {
      kind: 'cycle',
      path,
      stem: stem.length,
      loop: n,
      steps: r.steps,
      trace: r.trace,
      message: `a loop of ${n} step${n === 1 ? '' : 's'} without progress, after a stem of ${stem.length}, that every actor enabled throughout takes part in (weak fairness)`,
      fairness: actors.map((actor, i) => ({ actor, how: loop.how[i] })),
      unfinished: [],
      replay: lassoReplayCommand(target.variant, target.scenario, path, stem.length),
    };
  }
  let stuck: Lasso | undefined;
  if (stuckId >= 0) {
    const path = formatPath(pathTo(stuckId));
    const r = replay(target, path);
    stuck = {
      kind: 'stuck',
      path,
      stem: r.steps.length,
      loop: 0,
      steps: r.steps,
      trace: r.trace,
      message: `no action is enabled after ${r.steps.length} step${r.steps.length === 1 ? '' : 's'}, with work left undone`,
      fairness: [],
      unfinished: stuckWhy,
      replay: lassoReplayCommand(target.variant, target.scenario, path),
    };
  }

  const seconds = Math.round(performance.now() - started) / 1000;
  const found = cycle !== undefined || stuck !== undefined;
  const verdict: Verdict = found ? 'fail' : stoppedBy ? 'incomplete' : 'pass';
  const stats: EngineStats = {
    hash: st.hashName,
    collisionProbability: collisionProbability(ids.size),
    bytesPerState: Math.round((heldBytes() / Math.max(1, ids.size)) * 10) / 10,
    statesPerSecond: seconds > 0 ? Math.round(ids.size / seconds) : ids.size,
    ...(stoppedBy ? { stoppedBy } : {}),
  };
  return {
    verdict,
    variant: target.variant,
    scenario: target.scenario,
    engine: 'bfs',
    check: 'liveness',
    fairness: 'weak',
    ...leftOutField(target),
    states: ids.size,
    transitions,
    maxDepth: deepest,
    seconds,
    complete: !stoppedBy,
    fairCycles: sccs.fair,
    unfairCycles: sccs.unfair,
    stuckStates: stuckCount,
    promises: [...new Set([...promises.keys()].map((k) => k.slice(k.indexOf(' ') + 1)))].sort(),
    ...(cycle ? { cycle } : {}),
    ...(stuck ? { stuck } : {}),
    replay: livenessCommand(target.variant, target.scenario, options),
    stats,
  };
}

/** Drop the edges of a row that was not finished. */
function rollback(arrays: readonly { length: number }[], length: number): void {
  for (const a of arrays) a.length = length;
}

const actorBit = (info: number): number => 1 << (info & ACTOR_MASK);

/** The actors with an action in state `u` (any action, progress or not), as a bit mask. */
function enabledMask(g: Graph, u: number): number {
  let m = 0;
  for (let e = g.edgeStart.get(u); e < g.edgeStart.get(u + 1); e++) m |= actorBit(g.edgeInfo.get(e));
  return m;
}

/** The promise of edge `e` as a bit (0 for a step that is not strongly fair). */
const promiseBit = (g: Graph, e: number): number => {
  const p = g.edgePromise.get(e);
  return p === 0 ? 0 : 1 << (p - 1);
};

/** The promises (strongly fair classes of steps, Spec.strongFair) offered in state `u`, as a bit mask. */
function promisedMask(g: Graph, u: number): number {
  let m = 0;
  for (let e = g.edgeStart.get(u); e < g.edgeStart.get(u + 1); e++) m |= promiseBit(g, e);
  return m;
}

interface FairScc {
  /** Its least state id: the first discovered, so the stem to it is a shortest path from init. */
  readonly entry: number;
  readonly members: Set<number>;
}

/**
 * The strongly connected components of non-progress steps that contain a loop,
 * judged for fairness. Tarjan's algorithm, iteratively, first over every expanded
 * state; then, for a component in which an actor's strongly fair action is
 * enabled somewhere but never taken inside, again over the component without the
 * states where it is enabled (Emerson and Lei's refinement: no fair loop can pass
 * them), until every remaining component is either fair or starves an actor that
 * is enabled in all of its states (weak fairness). Returns the counts of fair
 * components and of those weak fairness rules out, and the fair one with the
 * least entry.
 */
function fairSccs(g: Graph): { fair: number; unfair: number; first?: FairScc } {
  const n = g.expanded;
  const index = new Int32Array(n);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const callNode = new Int32Array(n);
  const callEdge = new Uint32Array(n);
  // The current run's states carry its stamp; a component found in it gets a stamp of its own while it is judged.
  const stamp = new Int32Array(n);
  let stamps = 1;
  let fair = 0;
  let unfair = 0;
  let first: FairScc | undefined;
  const work: Int32Array[] = [];
  {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    work.push(all);
  }
  while (work.length > 0) {
    const nodes = work.pop() as Int32Array;
    const run = stamps++;
    for (const v of nodes) {
      stamp[v] = run;
      index[v] = -1;
    }
    const inRun = (e: number) => (g.edgeInfo.get(e) & PROGRESS_BIT) === 0 && g.edgeTo.get(e) < n && stamp[g.edgeTo.get(e)] === run;
    let counter = 0;
    let sp = 0;
    for (const root of nodes) {
      if (index[root] >= 0) continue;
      let depth = 0;
      callNode[0] = root;
      callEdge[0] = g.edgeStart.get(root);
      index[root] = low[root] = counter++;
      stack[sp++] = root;
      onStack[root] = 1;
      while (depth >= 0) {
        const u = callNode[depth];
        const end = g.edgeStart.get(u + 1);
        let descended = false;
        for (let e = callEdge[depth]; e < end; e++) {
          if (!inRun(e)) continue;
          const v = g.edgeTo.get(e);
          if (index[v] < 0) {
            callEdge[depth] = e + 1;
            index[v] = low[v] = counter++;
            stack[sp++] = v;
            onStack[v] = 1;
            depth++;
            callNode[depth] = v;
            callEdge[depth] = g.edgeStart.get(v);
            descended = true;
            break;
          }
          if (onStack[v] && index[v] < low[u]) low[u] = index[v];
        }
        if (descended) continue;
        if (low[u] === index[u]) {
          // u roots a component: stack[from..sp-1].
          let from = sp;
          do onStack[stack[--from]] = 0;
          while (stack[from] !== u);
          // Most components are one state without a self-loop: nothing to judge, nothing to allocate.
          if (from === sp - 1 && !selfLoop(u, run)) {
            stamp[u] = 0;
            sp = from;
          } else {
            const members = stack.slice(from, sp);
            sp = from;
            judge(members);
          }
        }
        depth--;
        if (depth >= 0 && low[u] < low[callNode[depth]]) low[callNode[depth]] = low[u];
      }
    }
  }
  return { fair, unfair, ...(first ? { first } : {}) };

  /** Whether `u` has a non-progress step to itself (it is in the current run). */
  function selfLoop(u: number, run: number): boolean {
    for (let e = g.edgeStart.get(u); e < g.edgeStart.get(u + 1); e++) {
      if ((g.edgeInfo.get(e) & PROGRESS_BIT) === 0 && g.edgeTo.get(e) === u && stamp[u] === run) return true;
    }
    return false;
  }

  function judge(members: Int32Array): void {
    const own = stamps++;
    for (const w of members) stamp[w] = own;
    let always = -1 >>> 0;
    let taken = 0;
    let promised = 0;
    let kept = 0;
    let loop = members.length > 1;
    for (const w of members) {
      always &= enabledMask(g, w);
      promised |= promisedMask(g, w);
      for (let x = g.edgeStart.get(w); x < g.edgeStart.get(w + 1); x++) {
        const info = g.edgeInfo.get(x);
        const to = g.edgeTo.get(x);
        if ((info & PROGRESS_BIT) !== 0 || to >= n || stamp[to] !== own) continue;
        taken |= actorBit(info);
        kept |= promiseBit(g, x);
        if (to === w) loop = true;
      }
    }
    // Members keep a stamp that no later edge test of this run matches: the component is finished.
    if (!loop) return;
    const broken = (promised & ~kept) >>> 0;
    if (broken !== 0) {
      // A promise offered in the component but never kept in it: no fair loop passes the states that offer it.
      const rest = members.filter((w) => (promisedMask(g, w) & broken) === 0);
      if (rest.length > 0) work.push(rest);
      return;
    }
    if (((always & ~taken) >>> 0) !== 0) {
      unfair++;
      return;
    }
    fair++;
    let entry = members[0];
    for (const w of members) if (w < entry) entry = w;
    if (first === undefined || entry < first.entry) first = { entry, members: new Set(members) };
  }
}

/**
 * A loop from `entry` back to it inside the SCC `members`, over non-progress
 * edges, that is weakly fair: for each actor in turn (actor order), unless the
 * loop so far already does, it walks by a shortest path to a step of that actor
 * or, when the actor is not enabled everywhere in the SCC, to a state where it is
 * disabled, whichever is nearer; then back to `entry` by a shortest path.
 * Returns the action indices and, per actor, how the loop is fair to it.
 */
function fairLoop(g: Graph, entry: number, members: Set<number>, actorCount: number): { actions: number[]; how: FairnessNote['how'][] } {
  const inside = (e: number) => (g.edgeInfo.get(e) & PROGRESS_BIT) === 0 && members.has(g.edgeTo.get(e));
  let always = -1 >>> 0;
  let anywhere = 0;
  for (const w of members) {
    const m = enabledMask(g, w);
    always &= m;
    anywhere |= m;
  }
  const actions: number[] = [];
  const keptBits: number[] = [];
  let at = entry;
  let stepped = 0;
  let disabledSeen = 0;
  let enabledSeen = 0;
  const visit = (u: number) => {
    const m = enabledMask(g, u);
    disabledSeen |= ~m;
    enabledSeen |= m;
  };
  visit(entry);
  /** Shortest path (BFS, edge order) from `at` to an edge or state that `goal` accepts; appends it. */
  const walk = (goalEdge: (e: number) => boolean, goalState: (u: number) => boolean, needStep: boolean): void => {
    const prev = new Map<number, number>(); // state -> edge that reached it (-1 for the start)
    prev.set(at, -1);
    const todo = [at];
    let doneAt = -1;
    let lastEdge = -1;
    for (let i = 0; i < todo.length && doneAt < 0; i++) {
      const u = todo[i];
      if ((i > 0 || !needStep) && goalState(u)) {
        doneAt = u;
        break;
      }
      for (let e = g.edgeStart.get(u); e < g.edgeStart.get(u + 1); e++) {
        if (!inside(e)) continue;
        if (goalEdge(e)) {
          doneAt = u;
          lastEdge = e;
          break;
        }
        const v = g.edgeTo.get(e);
        if (!prev.has(v)) {
          prev.set(v, e);
          todo.push(v);
        }
      }
    }
    if (doneAt < 0) throw new Error('liveness: no path inside a strongly connected component (engine bug)');
    const edges: number[] = [];
    for (let u = doneAt; prev.get(u) !== -1; ) {
      const e = prev.get(u) as number;
      edges.push(e);
      u = sourceOf(g, e);
    }
    edges.reverse();
    if (lastEdge >= 0) edges.push(lastEdge);
    for (const e of edges) {
      const u = sourceOf(g, e);
      actions.push(e - g.edgeStart.get(u));
      keptBits.push(promiseBit(g, e));
      stepped |= actorBit(g.edgeInfo.get(e));
      at = g.edgeTo.get(e);
      visit(at);
    }
  };
  // Strong fairness first: an actor whose promised step is offered in the component takes one in the loop.
  let offered = 0;
  for (const w of members) offered |= promisedMask(g, w);
  let kept = 0;
  for (let i = 0; i < 32; i++) {
    const bit = 1 << i;
    if ((offered & bit) === 0 || (kept & bit) !== 0) continue;
    const from = actions.length;
    walk((e) => g.edgePromise.get(e) === i + 1, () => false, false);
    for (let k = from; k < actions.length; k++) kept |= keptBits[k];
  }
  for (let i = 0; i < actorCount; i++) {
    const bit = 1 << i;
    if ((anywhere & bit) === 0) continue;
    if ((stepped & bit) !== 0 || ((always & bit) === 0 && (disabledSeen & bit) !== 0)) continue;
    const byActor = (e: number) => (g.edgeInfo.get(e) & ACTOR_MASK) === i;
    const disabledHere = (u: number) => (always & bit) === 0 && (enabledMask(g, u) & bit) === 0;
    walk(byActor, disabledHere, false);
  }
  // Back to the entry (at least one step, so the loop is never empty).
  walk((e) => g.edgeTo.get(e) === entry, (u) => u === entry, actions.length === 0);
  // An actor that does not step was, by construction, never enabled in the loop or disabled in one of its states.
  const how: FairnessNote['how'][] = [];
  for (let i = 0; i < actorCount; i++) {
    const bit = 1 << i;
    how.push((stepped & bit) !== 0 ? 'steps' : (enabledSeen & bit) !== 0 ? 'disabled' : 'idle');
  }
  return { actions, how };
}

/** The source state of edge `e`: the row that holds it (binary search over the row starts). */
function sourceOf(g: Graph, e: number): number {
  let lo = 0;
  let hi = g.expanded - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (g.edgeStart.get(mid) <= e) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
