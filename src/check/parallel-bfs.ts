/**
 * Breadth-first search with worker threads (`--workers N`), level by level as TLC's
 * and stateright's parallel searches go: each level is cut into N contiguous slices,
 * one per worker (check/parallel-bfs-worker.ts), and the workers expand their slices
 * at the same time against one visited set in shared memory.
 *
 * Same results as bfs (check/bfs.ts), not only the same verdict: the same states and
 * transitions counted, the same state ids, so the same counterexample paths. That
 * comes from admitting states in bfs's own order. While expanding, a worker does not
 * insert into the visited set; it writes each successor that neither the set (the
 * levels before) nor its own slice has seen as a candidate, in the order it expands
 * them. Slices are contiguous in id order, so the workers' candidates, read worker
 * after worker, are in bfs's discovery order (parent id, then action index). Then
 * every worker reads all candidates in that order and admits the first of each
 * fingerprint of its shard into its shard of the visited set (one table per worker,
 * by fingerprint), marking it kept; last, the coordinator walks the kept ones in the
 * same order and gives each the next id, as bfs would. A compare-and-swap insert by
 * whichever worker comes first would make the ids, and so the counterexample among
 * equally short ones, depend on timing. What stays sequential is the id walk: a
 * parent link and a copy per new state.
 *
 * Stopping inside a level, as bfs does at a violation, when every invariant is
 * violated (all-violations) or at the state budget, is exact too: transitions are
 * numbered within each slice, so (worker, number) orders every transition of the
 * level as bfs takes them; what lies beyond the cut is dropped, and the firings of
 * the slice that holds the cut are counted again up to it (from the actions of its
 * states, without stepping them). The time budget, SIGINT and the memory ceiling
 * are judged by each worker as it goes (clock and flag every 64 states, its own
 * bytes every 16384) and by the coordinator between levels: a run they stop is
 * INCOMPLETE, with what was explored, and is not reproducible state for state (as
 * with bfs).
 *
 * Not supported (refused): symmetry reduction, partial-order reduction, bitstate
 * hashing and the disk queue. Targets must be loadable by name (catalogue ids or
 * files), since each worker builds its own copy; it must match the coordinator's.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { ActionBase, CheckTarget, Property, Spec } from '../model/interface.js';
import { UsageError } from '../errors.js';
import { limitsOf, type BfsOptions } from './bfs.js';
import { ActionLinks, GrowableArray, collisionProbability } from './fingerprint.js';
import { FiringCounter } from './coverage-stats.js';
import { stepperOf, type Slot, type Stepper } from './stepper.js';
import { counterexample } from './counterexample.js';
import { bfsFields, checkCommand, replayCommand, vacuousViolation, type CheckResult, type EngineStats, type StateSpace, type StopReason, type Violation } from './result.js';
import {
  CANDIDATE_HEADER,
  KEEP,
  LevelReader,
  SharedUnits,
  publish,
  putWord,
  word,
  type AdmitJob,
  type LevelJob,
  type ParallelWorkerData,
  type Segment,
  type SliceStart,
  type TableShare,
  type WorkerReply,
} from './parallel-bfs-shared.js';

export interface ParallelBfsOptions extends Omit<BfsOptions, 'interrupted'> {
  /** Worker threads (an integer >= 1). */
  readonly workers: number;
  /** Int32Array over it, element 0 non-zero: stop as `interrupted` (the CLI's SIGINT flag; workers read it too). */
  readonly interrupt?: SharedArrayBuffer;
}

type Done = Extract<WorkerReply, { kind: 'done' }>;
type Admitted = Extract<WorkerReply, { kind: 'admitted' }>;

/** The worker's compiled file: next to this one, or (running from the TypeScript sources, as tests do) in dist/. */
function workerUrl(): URL {
  const here = new URL('./parallel-bfs-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const built = new URL('../../dist/src/check/parallel-bfs-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error('parallel bfs: the worker (parallel-bfs-worker.js) is not built: run npm run build');
}

/** N worker threads, each answering one message at a time; all must say `ready` with the target the coordinator holds. */
class Crew {
  private readonly workers: Worker[] = [];
  private readonly waiting: ({ resolve: (r: WorkerReply) => void; reject: (e: Error) => void } | undefined)[] = [];
  private broken: Error | undefined;

  constructor(n: number, data: Omit<ParallelWorkerData, 'index' | 'workers'>) {
    for (let i = 0; i < n; i++) {
      const w = new Worker(workerUrl(), { workerData: { parallelBfs: { ...data, index: i, workers: n } satisfies ParallelWorkerData } });
      this.workers.push(w);
      this.waiting.push(undefined);
      const fail = (e: Error) => {
        this.broken ??= e;
        const p = this.waiting[i];
        this.waiting[i] = undefined;
        p?.reject(e);
      };
      w.on('message', (m: WorkerReply) => {
        const p = this.waiting[i];
        this.waiting[i] = undefined;
        if (m.kind === 'error') {
          const e = m.usage ? new UsageError(m.message) : new Error(`parallel bfs worker: ${m.message}`);
          this.broken ??= e;
          p?.reject(e);
        } else p?.resolve(m);
      });
      w.on('error', fail);
      w.on('exit', (code) => fail(new Error(`parallel bfs worker ${i} exited (code ${code})`)));
    }
  }

  /** The next reply of worker i (post its job first, or await its `ready`). */
  reply(i: number): Promise<WorkerReply> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => (this.waiting[i] = { resolve, reject }));
  }

  ask(i: number, job: LevelJob | AdmitJob): Promise<WorkerReply> {
    const r = this.reply(i);
    this.workers[i].postMessage(job);
    return r;
  }

  async close(): Promise<void> {
    this.broken ??= new Error('parallel bfs: closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** A transition of a level, as (worker, transition number within its slice): lexicographic order is bfs's order. */
interface Key {
  readonly w: number;
  readonly t: number;
}
const before = (a: Key, b: Key) => a.w < b.w || (a.w === b.w && a.t < b.t);

export async function parallelBfs<S, A extends ActionBase>(target: CheckTarget<S, A>, options: ParallelBfsOptions): Promise<CheckResult> {
  const n = options.workers;
  if (!(Number.isSafeInteger(n) && n >= 1)) throw new UsageError(`--workers must be an integer >= 1, got ${n}`);
  for (const [on, flag] of [
    [options.symmetry, '--symmetry'],
    // Read loosely: partial-order reduction (BfsOptions.por) is being added to bfs alongside this engine.
    [(options as { readonly por?: boolean }).por, '--por'],
    [options.bitstate !== undefined, '--bitstate'],
    [options.diskQueue, '--disk-queue'],
  ] as const) {
    if (on) throw new UsageError(`--workers does not combine with ${flag}`);
  }
  const { spec, invariants, witnesses } = target;
  const { maxStates, maxDepth, timeBudget, maxMemory, interval } = limitsOf(options);
  const started = performance.now();
  const deadline = Number.isFinite(timeBudget) ? Date.now() + timeBudget * 1000 : null;
  const st = stepperOf(spec);
  if (!st.load) throw new UsageError(`--workers needs a spec that can decode its states (${target.variant} ${target.scenario} cannot)`);
  const cur = st.slot();
  const fp = new Uint32Array(2);
  const allViolations = options.allViolations === true;
  const interruptFlag = options.interrupt ? new Int32Array(options.interrupt) : undefined;
  const interrupted = () => interruptFlag !== undefined && Atomics.load(interruptFlag, 0) !== 0;

  // The visited set: one table per worker (written by that worker only), and the states admitted.
  let tables: TableShare[] = [];
  const tableBytes = Array.from({ length: n }, () => 0);
  const visitedBytes = () => tableBytes.reduce((a, b) => a + b, 0);
  let states = 1;
  const parent = new GrowableArray((k) => new Uint32Array(k));
  const via = new ActionLinks();
  const reached = witnesses.map(() => false);
  const fired = new Map<string, number>();
  const addFired = (entries: Iterable<[string, number]>) => {
    for (const [k, c] of entries) fired.set(k, (fired.get(k) ?? 0) + c);
  };
  const levels: number[] = [1];
  let transitions = 0;
  let deepest = 0;
  let stoppedBy: StopReason | undefined;
  let bad: { id: number; action: number; property: Property<S> } | undefined;
  const found: { id: number; action: number; property: Property<S> }[] = [];
  const violated = new Set<number>();

  // The initial state, judged here as bfs judges it.
  const init = st.state(cur);
  for (let i = 0; i < witnesses.length; i++) if (witnesses[i].holds(init)) reached[i] = true;
  const initBad = invariants.find((p) => !p.holds(init));
  st.fingerprint(cur, fp); // each worker admits it into its shard of the visited set as it starts
  parent.push(0xffffffff);
  via.push(0);
  if (initBad && allViolations) {
    invariants.forEach((p, i) => {
      if (!p.holds(init)) {
        violated.add(i);
        found.push({ id: 0, action: -1, property: p });
      }
    });
  }
  // A level: the kept candidates of its segments, with ids from firstId on (the first level: the initial state).
  let level: { segments: Segment[]; size: number; firstId: number } = { segments: [], size: 0, firstId: 0 };
  let frontierBytes = 0;
  if (initBad && !allViolations) bad = { id: 0, action: -1, property: initBad };
  else {
    const first = new SharedUnits(64);
    writeCandidate(first, fp, st.units(cur));
    level = { segments: [{ buffer: first.buffer, used: first.used }], size: 1, firstId: 0 };
  }

  let peakHeld = 0;
  const held = (extra: number) => {
    const b = visitedBytes() + parent.bytes + via.bytes + frontierBytes + extra + getHeapStatistics().used_heap_size;
    if (b > peakHeld) peakHeld = b;
    return b;
  };

  const control = new Int32Array(new SharedArrayBuffer(4 * (1 + 3 * n)));
  const crew = bad ? undefined : new Crew(n, {
    variant: target.variant,
    scenario: target.scenario,
    ...(options.properties ? { properties: [...options.properties] } : {}),
    allViolations,
    ...(options.interrupt ? { interrupt: options.interrupt } : {}),
    control: control.buffer as SharedArrayBuffer,
  });
  let progressTimer: ReturnType<typeof setInterval> | undefined;
  let depth = 0;
  try {
    if (crew) {
      const ready = await Promise.all(Array.from({ length: n }, (_, i) => crew.reply(i)));
      const mine = JSON.stringify({ fingerprint: [fp[0], fp[1]], invariants: invariants.map((p) => p.id), witnesses: witnesses.map((w) => w.id) });
      for (const r of ready) {
        const theirs = r.kind === 'ready' ? JSON.stringify({ fingerprint: r.fingerprint, invariants: r.invariants, witnesses: r.witnesses }) : '';
        if (theirs !== mine) throw new Error(`parallel bfs: a worker built another target from '${target.variant}' '${target.scenario}' than the one given (${theirs} against ${mine}; is dist/ built from these sources?)`);
      }
      tables = ready.map((r) => (r as Extract<WorkerReply, { kind: 'ready' }>).table);
      tables.forEach((t, i) => (tableBytes[i] = t.buffer.byteLength));
      let lastProgress = started;
      let levelStates = 0;
      const progress = (queue: number) => {
        const now = performance.now();
        if (!options.onProgress || now - lastProgress < interval) return;
        lastProgress = now;
        const seconds = (now - started) / 1000;
        let candidates = 0;
        let expanded = 0;
        for (let w = 0; w < n; w++) {
          expanded += Atomics.load(control, 1 + 3 * w);
          candidates += Atomics.load(control, 3 + 3 * w);
        }
        // Within a level the candidates are an upper bound of its new states (some are duplicates across slices).
        const distinct = states + candidates;
        options.onProgress({ seconds, transitions, distinct, queue: queue === -1 ? levelStates - expanded + candidates : queue, depth, perSecond: seconds > 0 ? distinct / seconds : 0 });
      };
      if (options.onProgress && interval > 0) progressTimer = setInterval(() => progress(-1), interval);

      while (level.size > 0) {
        if (depth >= maxDepth) {
          // As bfs: only an honest stop if some state at this depth has successors.
          const reader = new LevelReader(level.segments, { seg: 0, at: 0 });
          for (let r = 0; r < level.size; r++) {
            const at = reader.next(); // before reading `units`: it may move to the next segment
            loadCandidate(st, cur, reader.units, at);
            if (spec.actions(st.state(cur)).length > 0) {
              stoppedBy = 'max-depth';
              break;
            }
          }
          break;
        }
        if (deadline !== null && Date.now() >= deadline) {
          stoppedBy = 'time-budget';
          break;
        }
        if (interrupted()) {
          stoppedBy = 'interrupted';
          break;
        }
        // The slices: contiguous runs of the level's states, the first (size % n) one longer.
        const froms: SliceStart[] = [];
        const counts: number[] = [];
        const reader = new LevelReader(level.segments, { seg: 0, at: 0 });
        for (let w = 0, id = level.firstId; w < n; w++) {
          const c = Math.floor(level.size / n) + (w < level.size % n ? 1 : 0);
          counts.push(c);
          if (c === 0) {
            froms.push({ seg: level.segments.length, at: 0, id });
            continue;
          }
          const at = reader.next();
          froms.push({ seg: reader.seg, at, id });
          for (let r = 1; r < c; r++) reader.next();
          id += c;
        }
        const room = Number.isFinite(maxMemory) ? Math.max(0, (maxMemory * 2 ** 20 - held(0)) / n) : null;
        const violatedBefore = [...violated];
        const reachedBefore = reached.flatMap((r, i) => (r ? [i] : []));
        for (let w = 0; w < n; w++) control.fill(0, 1 + 3 * w, 4 + 3 * w);
        levelStates = level.size;
        publish(control);
        const replies = (await Promise.all(
          froms.map((from, w) =>
            crew.ask(w, {
              kind: 'level',
              tables,
              segments: level.segments,
              from,
              count: counts[w],
              out: (depth % 2) as 0 | 1,
              violated: violatedBefore,
              reached: reachedBefore,
              // The state budget is reached within this many new states of one slice.
              maxCandidates: Number.isFinite(maxStates) ? maxStates - states + 1 : Number.MAX_SAFE_INTEGER,
              deadline,
              memoryBytes: room,
            }),
          ),
        )) as Done[];

        // Where bfs would have stopped inside this level because of a violation, if it would.
        let cut: Key | undefined;
        let badAt: (Key & { parent: number; action: number; property: number }) | undefined;
        const firsts = new Map<number, Key & { parent: number; action: number }>();
        if (!allViolations) {
          const w = replies.findIndex((r) => r.violations.length > 0);
          if (w >= 0) {
            badAt = { w, ...replies[w].violations[0] };
            cut = badAt;
          }
        } else {
          replies.forEach((r, w) => {
            for (const v of r.violations) if (!firsts.has(v.property)) firsts.set(v.property, { w, t: v.t, parent: v.parent, action: v.action });
          });
          if (violated.size === invariants.length) {
            // Full since the initial state: bfs stops at the first transition that fails.
            const w = replies.findIndex((r) => r.fullAt >= 0);
            if (w >= 0) cut = { w, t: replies[w].fullAt };
          } else if (firsts.size > 0 && violated.size + firsts.size === invariants.length) {
            for (const f of firsts.values()) if (cut === undefined || before(cut, f)) cut = { w: f.w, t: f.t };
          }
        }

        // Admission, in bfs's order, up to the cut: each worker marks the first of each fingerprint of its shard.
        publish(control);
        const outputs = replies.map((r) => r.output);
        const candidates = replies.map((r) => r.candidates);
        const admittedBy = (await Promise.all(replies.map((_, w) => crew.ask(w, { kind: 'admit', outputs, candidates, cut: cut ? { w: cut.w, t: cut.t } : null })))) as Admitted[];
        tables = admittedBy.map((a) => a.table);
        admittedBy.forEach((a, w) => (tableBytes[w] = a.bytes));
        frontierBytes = admittedBy.reduce((b, a) => b + a.outputBytes, 0);
        // Ids for the kept ones, in the same order (they stay where they are: the next level reads them there); the
        // state budget may cut earlier (the tables may then hold a few fingerprints beyond the cut, but the search ends here).
        const firstId = states;
        let admitted = false;
        merge: for (let w = 0; w < n; w++) {
          if (cut && w > cut.w) break;
          const u = new Uint16Array(replies[w].output);
          let p = 0;
          for (let c = 0; c < replies[w].candidates; c++) {
            const len = u[p];
            const t = word(u, p + 8);
            if (cut && w === cut.w && t >= cut.t) break merge;
            if (u[p + KEEP] === 1) {
              if (states >= maxStates) {
                stoppedBy = 'max-states';
                cut = { w, t };
                badAt = undefined;
                break merge;
              }
              states++;
              parent.push(word(u, p + 1));
              via.push(u[p + 3]);
              admitted = true;
            }
            p += CANDIDATE_HEADER + len;
          }
        }
        if (admitted || badAt) deepest = depth + 1;
        held(replies.reduce((b, r) => b + r.heapBytes, 0));

        if (cut) {
          // Count what bfs counted up to and including the cut's transition.
          for (let w = 0; w < cut.w; w++) {
            transitions += replies[w].transitions;
            addFired(replies[w].fired);
          }
          transitions += cut.t + 1;
          addFired(firingsUpTo(spec, st, cur, level.segments, froms[cut.w], cut.t));
          witnesses.forEach((_, i) => {
            for (let w = 0; w <= cut!.w; w++) {
              const t = replies[w].witnessAt[i];
              if (t >= 0 && (w < cut!.w || t <= cut!.t)) reached[i] = true;
            }
          });
          if (badAt) bad = { id: badAt.parent, action: badAt.action, property: invariants[badAt.property] };
          noteFound(firsts, cut);
          break;
        }
        for (const r of replies) {
          transitions += r.transitions;
          addFired(r.fired);
          r.witnessAt.forEach((t, i) => {
            if (t >= 0) reached[i] = true;
          });
        }
        noteFound(firsts, undefined);
        const stop = replies.find((r) => r.stopped !== null);
        if (stop) {
          stoppedBy = stop.stopped!;
          break;
        }
        if (Number.isFinite(maxMemory) && held(replies.reduce((b, r) => b + r.heapBytes, 0)) / 2 ** 20 >= maxMemory) {
          stoppedBy = 'memory';
          break;
        }
        level = { segments: replies.map((r) => ({ buffer: r.output, used: r.used })), size: states - firstId, firstId };
        if (level.size > 0) levels.push(level.size);
        depth++;
        progress(level.size);
      }
    }
  } finally {
    if (progressTimer) clearInterval(progressTimer);
    await crew?.close();
  }

  /** all-violations: the first violation of each invariant newly violated in this level, up to the cut, in bfs's order. */
  function noteFound(firsts: Map<number, Key & { parent: number; action: number }>, cut: Key | undefined): void {
    const list = [...firsts].filter(([, f]) => cut === undefined || !before(cut, f));
    list.sort(([pa, a], [pb, b]) => (before(a, b) ? -1 : before(b, a) ? 1 : pa - pb));
    for (const [p, f] of list) {
      violated.add(p);
      found.push({ id: f.parent, action: f.action, property: invariants[p] });
    }
  }

  const seconds = Math.round(performance.now() - started) / 1000;
  peakHeld = Math.max(peakHeld, visitedBytes() + parent.bytes + via.bytes + getHeapStatistics().used_heap_size);
  const perState = (bytes: number) => Math.round((bytes / Math.max(1, states)) * 10) / 10;
  const stats: EngineStats = {
    hash: st.hashName,
    collisionProbability: collisionProbability(states),
    bytesPerState: perState(visitedBytes() + parent.bytes + via.bytes),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    peakHeldBytes: peakHeld,
    heldBytesPerState: perState(peakHeld),
    ...(Number.isFinite(maxMemory) ? { memoryCeilingMiB: maxMemory } : {}),
    ...(n > 1 ? { workers: n } : {}),
    statesPerSecond: seconds > 0 ? Math.round(states / seconds) : states,
    ...(stoppedBy ? { stoppedBy } : {}),
  };
  const common = bfsFields(target, options, { states: states, transitions, maxDepth: deepest, seconds, reached, stateSpace: stateSpace(spec, levels, states, fired) });
  const path = (v: { id: number; action: number }) => {
    const indices: number[] = [];
    for (let at = v.id; parent.get(at) !== 0xffffffff; at = parent.get(at)) indices.push(via.get(at));
    indices.reverse();
    if (v.action >= 0) indices.push(v.action);
    return indices;
  };
  if (bad) {
    const violation = counterexample(target, bad.property, path(bad));
    return { verdict: 'fail', ...common, complete: false, violation, replay: replayCommand(target.variant, target.scenario, violation.path, options.properties), stats };
  }
  if (found.length > 0) {
    const violations = found.map((f) => counterexample({ ...target, invariants: [f.property] }, f.property, path(f)));
    const first = violations[0];
    return {
      verdict: 'fail', ...common, complete: !stoppedBy && violated.size < invariants.length, violation: first, violations,
      replay: replayCommand(target.variant, target.scenario, first.path, options.properties), stats,
    };
  }
  const reproduce = checkCommand(target.variant, target.scenario, options);
  if (stoppedBy) return { verdict: 'incomplete', ...common, complete: false, replay: reproduce, stats };
  const missed = witnesses.filter((_, i) => !reached[i]);
  if (missed.length > 0) {
    const violation = vacuousViolation(missed, states);
    return { verdict: 'fail', ...common, complete: true, violation, replay: reproduce, stats };
  }
  return { verdict: 'pass', ...common, complete: true, replay: reproduce, stats };
}

/** Append the initial state as a kept candidate record of no parent (CANDIDATE_HEADER layout). */
function writeCandidate(out: SharedUnits, fp: Uint32Array, units: Uint16Array): void {
  out.reserve(CANDIDATE_HEADER + units.length);
  const u = out.units;
  const at = out.used;
  u[at] = units.length;
  putWord(u, at + 1, 0xffffffff);
  u[at + 3] = 0;
  putWord(u, at + 4, fp[0]);
  putWord(u, at + 6, fp[1]);
  putWord(u, at + 8, 0);
  u[at + KEEP] = 1;
  u.set(units, at + CANDIDATE_HEADER);
  out.used = at + CANDIDATE_HEADER + units.length;
  out.records++;
}

/** Load the candidate record at `at` of `u` into `x`. */
function loadCandidate<S, A extends ActionBase>(st: Stepper<S, A>, x: Slot, u: Uint16Array, at: number): void {
  const len = u[at];
  const own = new Uint32Array([word(u, at + 4), word(u, at + 6)]);
  st.load!(x, u.subarray(at + CANDIDATE_HEADER, at + CANDIDATE_HEADER + len), st.incremental ? own : undefined);
}

/** Firings of a slice's transitions 0..last (inclusive), from its states' enabled actions: every action is one transition. */
function firingsUpTo<S, A extends ActionBase>(spec: Spec<S, A>, st: Stepper<S, A>, x: Slot, segments: readonly Segment[], from: SliceStart, last: number): [string, number][] {
  const counter = new FiringCounter(spec);
  const reader = new LevelReader(segments, from);
  let t = 0;
  while (t <= last) {
    const at = reader.next();
    loadCandidate(st, x, reader.units, at);
    for (const a of spec.actions(st.state(x))) {
      if (t++ > last) break;
      counter.add(a);
    }
  }
  return [...counter.fired()];
}

/**
 * As coverage-stats' stateSpaceOf, from firings summed over the workers: depths
 * (a level cut short adds its admitted states as one more depth), and the kinds
 * that fired in the spec's order of kinds, then the others in the order first seen.
 */
function stateSpace<A extends ActionBase>(spec: Pick<Spec<unknown, A>, 'kinds'>, levels: readonly number[], total: number, fired: Map<string, number>): StateSpace {
  const depths = [...levels];
  const rest = total - depths.reduce((a, b) => a + b, 0);
  if (rest > 0) depths.push(rest);
  const kinds = spec.kinds?.();
  const ordered = new Map<string, number>();
  for (const k of kinds ?? []) if (fired.has(k)) ordered.set(k, fired.get(k)!);
  for (const [k, c] of fired) if (!ordered.has(k)) ordered.set(k, c);
  return {
    depths,
    fired: Object.fromEntries(ordered),
    ...(kinds ? { neverFired: kinds.filter((k) => !fired.has(k)) } : {}),
  };
}
