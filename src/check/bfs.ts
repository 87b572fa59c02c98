/**
 * Exhaustive breadth-first search over a CheckTarget.
 *
 * Guarantees:
 * - A reported invariant violation has a SHORTEST path from init: states are
 *   explored level by level and invariants are judged on every transition (they
 *   may read what the step did, which the encoding leaves out), so the first
 *   violation found has minimal depth. Among equally short ones the first in
 *   action order wins, hence results are deterministic.
 * - `pass` only when every reachable state was explored, every invariant held in
 *   all of them and every witness was reached. A budget stop is `incomplete`, a
 *   complete run missing a witness is a vacuous `fail`.
 * - Exceptions from the spec or a predicate propagate: they are bugs, not verdicts.
 *
 * Storage (after TLC and stateright): the visited set holds 64-bit fingerprints
 * of the canonical encodings in an open-addressing typed array, and parent links
 * (parent id, action index) rebuild counterexamples by replay. The frontier keeps
 * encoded states when the spec can decode them, so memory is a few bytes per
 * visited state plus the frontier. The price of fingerprints is a small chance
 * that a collision hides a state; the run reports TLC's estimate of it.
 */
import { getHeapStatistics } from 'node:v8';
import type { ActionBase, CheckTarget, Property } from '../model/interface.js';
import { FINGERPRINT_HASH, FingerprintSet, collisionProbability, fingerprint, type VisitedSet } from './fingerprint.js';
import { LinkLog, NO_PARENT } from './links.js';
import { BitstateSet, hashFactor, omissionEstimate } from './bitstate.js';
import { StateQueue } from './queue.js';
import { stepperOf, type Slot } from './stepper.js';
import { counterexample } from './counterexample.js';
import { FiringCounter, stateSpaceOf } from './coverage-stats.js';
import { bfsFields, checkCommand, replayCommand, vacuousViolation, type CheckResult, type EngineStats, type StopReason, type Violation } from './result.js';

/**
 * Chunks of one level kept in memory before the rest spill to disk, by default:
 * 128 chunks of 2 MiB, about 0.86 M states of rx-basic. Levels that small never
 * touch the disk; beyond it the frontier costs disk, not memory.
 */
export const AUTO_SPILL_CHUNKS = 128;

/** Million-link chunks of parent links kept in memory by default before the rest go to a file (links.ts). */
export const AUTO_LINK_CHUNKS = 8;

/** Limits on a run. Reaching any of them gives `incomplete`, never `pass`. */
export interface Budgets {
  /** Stop rather than admit more than this many distinct states (an integer >= 1). */
  readonly maxStates?: number;
  /** Do not expand states at this depth or deeper (stops only if any of them had successors). */
  readonly maxDepth?: number;
  /** Wall-clock budget in seconds. Runs stopped by time or memory are not reproducible state for state. */
  readonly timeBudgetSeconds?: number;
  /**
   * Memory ceiling in MiB, judged on what this run holds: the bytes of its own
   * typed arrays (visited set, parent and action links, frontier chunks) plus the
   * JS heap in use. Not on the process's ArrayBuffer total, which also counts the
   * arrays of earlier runs that the garbage collector has not freed yet.
   */
  readonly maxMemoryMiB?: number;
}

export interface BfsOptions extends Budgets {
  /**
   * Keep exploring after a violation and report the first (shortest)
   * counterexample of every violated invariant, as TLC's -continue does.
   */
  readonly allViolations?: boolean;
  /**
   * Symmetry reduction (off by default): when the spec declares symmetries, states
   * that are images of each other count once. Verdicts are unchanged; a reported
   * path is still a real path from the initial state.
   */
  readonly symmetry?: boolean;
  /**
   * Where the frontier lives. true: on disk, each level's full chunks go to a
   * file in the system's temporary directory and are streamed back in order, so
   * the frontier costs at most two chunks per level in memory and the memory
   * budget counts only those. false: in memory. Unless given, a level's first
   * AUTO_SPILL_CHUNKS chunks (256 MiB) stay in memory and the rest go to disk, so
   * small runs never touch the disk and a large one is bounded by its visited set.
   * Results are the same in every case.
   */
  readonly diskQueue?: boolean;
  /**
   * Bitstate hashing (SPIN's supertrace, check/bitstate.ts): the visited set is a bit
   * array of 2^bitstate bits instead of a fingerprint table. A state may be taken for
   * seen when it was not, so without a violation the verdict is `incomplete`
   * (stoppedBy `bitstate`), never `pass`; a violation found is real (it replays).
   */
  readonly bitstate?: number;
  /**
   * Partial-order reduction (off unless asked for): where the spec offers ample
   * sets for the properties checked (Spec.reduction), a state is expanded
   * through the first candidate whose successors all lie one level deeper (new
   * states, or states already found on the next level), else fully. That is the
   * cycle proviso in its breadth-first form: an edge reaches at most one level
   * deeper, so a cycle of the reduced graph cannot go one level deeper at every
   * edge, and the source of an edge that does not was expanded fully. Verdicts
   * and the set of violated properties are those of the full graph; a
   * counterexample is a real path but no longer necessarily a shortest one.
   */
  readonly por?: boolean;
  /**
   * The ids `target.invariants` was restricted to (`nlring --property`), if it was.
   * The search judges `target.invariants` either way; these only go into the
   * result (`properties`) and its reproduce line, so that it restricts the same way.
   */
  readonly properties?: readonly string[];
  /** Called about once a second, the first time after about a second, so quick runs stay silent. */
  readonly onProgress?: (p: Progress) => void;
  /** Milliseconds between progress calls; 1000 unless given (tests use 0). */
  readonly progressIntervalMs?: number;
  /**
   * Asked where the clock is read (every 64th expanded state): true stops the run as
   * `interrupted`, with what it explored so far. The CLI's SIGINT flag, read from a
   * worker thread, since a signal handler cannot run while this loop holds its thread.
   */
  readonly interrupted?: () => boolean;
}

export interface Progress {
  readonly seconds: number;
  /** Successors computed so far. */
  readonly transitions: number;
  /** Distinct states so far. */
  readonly distinct: number;
  /** States discovered but not yet expanded. */
  readonly queue: number;
  /** Depth of the level being expanded. */
  readonly depth: number;
  /** Distinct states per second since the start. */
  readonly perSecond: number;
}

/** A count budget: absent means none (Infinity); otherwise an integer >= 1. */
function positiveInteger(name: string, v: number | undefined): number {
  if (v === undefined) return Infinity;
  if (!(Number.isSafeInteger(v) && v >= 1)) throw new RangeError(`${name} must be an integer >= 1, got ${v}`);
  return v;
}

/** A run's limits with their defaults (none, and progress every second); shared with the liveness engine. */
export function limitsOf(options: Budgets & { readonly progressIntervalMs?: number }) {
  return {
    maxStates: positiveInteger('maxStates', options.maxStates),
    maxDepth: positiveInteger('maxDepth', options.maxDepth),
    timeBudget: options.timeBudgetSeconds ?? Infinity,
    maxMemory: options.maxMemoryMiB ?? Infinity,
    interval: options.progressIntervalMs ?? 1000,
  };
}

/**
 * The memory a run is judged on, in bytes: `held` bytes of its own typed arrays plus
 * the JS heap in use.
 *
 * Why not `process.memoryUsage().arrayBuffers`: it is process-wide, and a finished
 * run's arrays stay in it until a major GC frees them, and small runs allocate too
 * little to prompt one (the arrays of a 5.9 M state run were still counted eight
 * small runs later). So after rx-basic's 33.6 M states every following run of
 * `check-all` read gigabytes at its first check and stopped with 'memory' after a
 * handful of states (issue 8). Counting our own arrays by their byteLength cannot
 * see anyone's garbage.
 * The JS heap is still read whole: it is what V8 dies of when it outgrows
 * heap_size_limit, and BFS keeps almost nothing there (its states live in the
 * arrays), so the reading is dominated by live data.
 */
function memoryBytes(held: number): number {
  return held + getHeapStatistics().used_heap_size;
}

export function bfs<S, A extends ActionBase>(target: CheckTarget<S, A>, options: BfsOptions = {}): CheckResult {
  const { spec, invariants, witnesses } = target;
  const { maxStates, maxDepth, timeBudget, maxMemory, interval } = limitsOf(options);
  const started = performance.now();
  let lastProgress = started;
  // Expansion works on two slots: the state being expanded and its successor (stepped in place when the spec can).
  const st = stepperOf(spec);
  const cur = st.slot();
  const succ = st.slot();
  // What the visited set identifies a state by: its orbit's least encoding under symmetry, else its own.
  const symmetric = options.symmetry === true && spec.canonicalUnits !== undefined;
  // Reduction judges visibility by what the checked properties and witnesses read.
  const offered = options.por === true ? (spec.reduction?.([...invariants, ...witnesses]) ?? { unavailable: 'the spec offers no partial-order reduction' }) : undefined;
  const ample = offered !== undefined && 'ample' in offered ? offered.ample : undefined;
  let reducedStates = 0;
  let provisoFallbacks = 0;
  const canonical = symmetric ? (spec.canonicalUnits as (s: S) => Uint16Array).bind(spec) : undefined;
  /** The fingerprint the visited set knows `x` by, written into `out`. */
  const identify = (x: Slot, out: Uint32Array): void => {
    if (canonical) fingerprint(canonical(st.state(x)), out);
    else st.fingerprint(x, out);
  };
  // Levels keep each state's own fingerprint so that reloading it needs no rehash. Under
  // symmetry the visited set knows a state by its orbit's fingerprint, so its own is read
  // apart (`ownOf`: the incrementally kept hash, no work).
  const keepFingerprints = st.incremental;
  const own = new Uint32Array(2);
  /** The fingerprint a level keeps for `x`: its own, which `fp` already is without symmetry. */
  const ownOf = (x: Slot, fp: Uint32Array): Uint32Array => {
    if (!canonical || !keepFingerprints) return fp;
    st.fingerprint(x, own);
    return own;
  };

  const seen: VisitedSet = options.bitstate !== undefined ? new BitstateSet(options.bitstate) : new FingerprintSet();
  const fp = new Uint32Array(2);
  // State ids are discovery order; parent[id] and via[id] rebuild the path to id.
  // Parent links go to a file past AUTO_LINK_CHUNKS million states unless the frontier is kept in memory.
  const links = new LinkLog(options.diskQueue === false ? Infinity : options.diskQueue === true ? 0 : AUTO_LINK_CHUNKS);
  const reached = witnesses.map(() => false);
  let transitions = 0;
  // The state-space summary: firings per step kind, and new states per finished level.
  const firings = new FiringCounter(spec);
  const levels: number[] = [1];
  let deepest = 0;
  let stoppedBy: StopReason | undefined;
  let bad: { id: number; action: number; property: Property<S> } | undefined;
  /** With allViolations: the first violation of each invariant, in the order found. */
  const found: { id: number; action: number; property: Property<S> }[] = [];
  const violated = new Set<string>();

  /**
   * Judge a state reached by a transition. Properties may read what the last step
   * did, which the canonical encoding leaves out, so every transition is judged,
   * also one that lands in a state already seen; but an invariant of the state
   * alone (Property.stateOnly) held when that state was first judged, so a seen
   * state skips those. Returns the first violated invariant in list order.
   */
  const stepInvariants = invariants.filter((p) => !p.stateOnly);
  let unreached = witnesses.length;
  const judge = (s: S, isNew: boolean): Property<S> | undefined => {
    if (unreached > 0) {
      for (let i = 0; i < witnesses.length; i++) {
        if (!reached[i] && witnesses[i].holds(s)) {
          reached[i] = true;
          unreached--;
        }
      }
    }
    const list = isNew ? invariants : stepInvariants;
    for (let i = 0; i < list.length; i++) if (!list[i].holds(s)) return list[i];
    return undefined;
  };

  /** allViolations: note every invariant this state violates for the first time. */
  const noteAll = (s: S, id: number, action: number): void => {
    for (const p of invariants) {
      if (!violated.has(p.id) && !p.holds(s)) {
        violated.add(p.id);
        found.push({ id, action, property: p });
      }
    }
  };

  /** Record a new state (its fingerprint is in `fp` and already in `seen`); returns its id. */
  const admit = (from: number, action: number): number => {
    return links.push(from === -1 ? NO_PARENT : from, action);
  };

  /**
   * One BFS level: encoded states in a queue, each tagged with its id (and its own
   * fingerprint when kept), when the spec can decode them; else copies of the slots.
   * A level is written whole, then read once in order.
   */
  // Frontier memory is recycled from one level to the next.
  const pool: Uint16Array[] = [];
  /** Bytes of the typed arrays this run holds: what the memory ceiling counts besides the JS heap. */
  const heldBytes = (a: Level, b: Level): number => {
    let n = seen.bytes + links.bytes + (onNext?.bytes ?? 0) + (a.queue?.bytes ?? 0) + (b.queue?.bytes ?? 0);
    for (const chunk of pool) n += chunk.byteLength;
    return n;
  };
  /** The most the run held at once (its arrays plus the JS heap), sampled where the frontier is largest: `peakHeldBytes`. */
  let peakHeld = 0;
  /** The bytes the run holds now (see memoryBytes), noted if they are the most so far. */
  const held = (a: Level, b: Level): number => {
    const n = memoryBytes(heldBytes(a, b));
    if (n > peakHeld) peakHeld = n;
    return n;
  };
  /** The queues of the levels not yet released. */
  const liveQueues = new Set<StateQueue>();
  class Level {
    readonly queue = st.load
      ? new StateQueue(keepFingerprints ? 3 : 1, pool, options.diskQueue === undefined ? { spillAfter: AUTO_SPILL_CHUNKS } : { spill: options.diskQueue })
      : null;
    constructor() {
      if (this.queue) liveQueues.add(this.queue);
    }
    private readonly slots: Slot[] = [];
    private readonly slotIds: number[] = [];
    private taken = 0;
    /** [id, fingerprint hi, fingerprint lo] of the state being written or read. */
    private readonly tag = new Uint32Array(3);
    private readonly ownFp = this.tag.subarray(1, 3);
    get size(): number {
      return this.queue ? this.queue.length : this.slots.length;
    }
    /** Add the state in `x` with its id; `own` is its own fingerprint (read when fingerprints are kept). */
    add(x: Slot, id: number, own: Uint32Array): void {
      if (this.queue) {
        this.tag[0] = id;
        this.tag[1] = own[0];
        this.tag[2] = own[1];
        this.queue.push(st.units(x), this.tag);
      } else {
        this.slots.push(st.clone(x));
        this.slotIds.push(id);
      }
    }
    /** Put the level's next state into `x` and return its id (states are taken in order, each once). */
    take(x: Slot): number {
      if (this.queue && st.load) {
        const units = this.queue.take(this.tag);
        st.load(x, units, keepFingerprints ? this.ownFp : undefined);
        return this.tag[0];
      }
      st.copy(x, this.slots[this.taken]);
      return this.slotIds[this.taken++];
    }
  }

  /**
   * The first ample candidate for the state in `cur` whose successors all lie on
   * the next level (the proviso), or undefined to expand it fully. Successors are
   * computed here and again when taken: candidates are small, and this keeps the
   * expansion loop one loop. `onNext` holds the fingerprints of the states found
   * so far on the level being built (the visited set keeps no depths); it is
   * kept only with reduction, and replaced at each level.
   */
  const probe = st.slot();
  const probeFp = new Uint32Array(2);
  let onNext = ample !== undefined ? new FingerprintSet() : undefined;
  const chooseAmple = (actions: readonly A[]): readonly number[] | undefined => {
    const candidates = (ample as NonNullable<typeof ample>)(st.state(cur), actions);
    if (candidates.length === 0) return undefined;
    for (const cand of candidates) {
      if (cand.length >= actions.length) return undefined;
      let deeper = true;
      for (const k of cand) {
        st.copy(probe, cur);
        st.apply(probe, actions[k]);
        identify(probe, probeFp);
        if (seen.find(probeFp[0], probeFp[1]) < 0 && (onNext as FingerprintSet).find(probeFp[0], probeFp[1]) >= 0) {
          deeper = false;
          break;
        }
      }
      if (deeper) {
        reducedStates++;
        return cand;
      }
    }
    provisoFallbacks++;
    return undefined;
  };

  const initBad = judge(st.state(cur), true);
  identify(cur, fp);
  seen.add(fp[0], fp[1]);
  let level = new Level();
  const initId = admit(-1, 0);
  if (initBad && options.allViolations) noteAll(st.state(cur), initId, -1);
  if (initBad && !options.allViolations) bad = { id: initId, action: -1, property: initBad };
  else level.add(cur, initId, ownOf(cur, fp));

  let depth = 0;
  let expanded = 0;
  let badPath: number[] | undefined;
  const foundPaths: number[][] = [];
  // Spilled levels hold a file each: closed (and unlinked) however the search ends, also by an exception.
  try {
    search: while (level.size > 0) {
      if (depth >= maxDepth) {
        // Only an honest stop if something below this depth remains unexplored.
        for (let i = 0; i < level.size; i++) {
          level.take(cur);
          if (spec.actions(st.state(cur)).length > 0) {
            stoppedBy = 'max-depth';
            break;
          }
        }
        break;
      }
      const next = new Level();
      for (let i = 0; i < level.size; i++) {
        const curId = level.take(cur);
        const actions = spec.actions(st.state(cur));
        // With reduction, the indices of the ample set taken (a path still names actions by their index among all).
        const taken = ample !== undefined && actions.length > 1 ? chooseAmple(actions) : undefined;
        const n = taken === undefined ? actions.length : taken.length;
        for (let j = 0; j < n; j++) {
          const k = taken === undefined ? j : taken[j];
          // A one-step ample set's successor is still in the probe that checked it: copy rather than step again.
          if (taken !== undefined && taken.length === 1) st.copy(succ, probe);
          else {
            st.copy(succ, cur);
            st.apply(succ, actions[k]);
          }
          const t = st.state(succ);
          transitions++;
          firings.add(actions[k]);
          identify(succ, fp);
          const free = seen.find(fp[0], fp[1]);
          const isNew = free >= 0;
          const failed = judge(t, isNew);
          if (failed) {
            if (!options.allViolations) {
              bad = { id: curId, action: k, property: failed };
              deepest = depth + 1;
              break search;
            }
            noteAll(t, curId, k);
            if (violated.size === invariants.length) break search; // nothing left to find
          }
          if (!isNew) continue;
          if (seen.size >= maxStates) {
            stoppedBy = 'max-states';
            break search;
          }
          seen.addAt(free, fp[0], fp[1]);
          onNext?.add(fp[0], fp[1]);
          deepest = depth + 1;
          next.add(succ, admit(curId, k), ownOf(succ, fp));
        }
        expanded++;
        // The clock after the first expanded state and every 64th after it (every one when progress is asked
        // for at every chance), the heap every 16384: reading them per state cost a few percent.
        if ((expanded & 63) === 1 || interval === 0) {
          const now = performance.now();
          if ((now - started) / 1000 >= timeBudget) {
            stoppedBy = 'time-budget';
            break search;
          }
          if (options.interrupted?.()) {
            stoppedBy = 'interrupted';
            break search;
          }
          if ((expanded & 16383) === 1 && held(level, next) / 2 ** 20 >= maxMemory) {
            stoppedBy = 'memory';
            break search;
          }
          if (options.onProgress && now - lastProgress >= interval) {
            lastProgress = now;
            const seconds = (now - started) / 1000;
            options.onProgress({
              seconds,
              transitions,
              distinct: seen.size,
              queue: level.size - i - 1 + next.size,
              depth,
              perSecond: seconds > 0 ? seen.size / seconds : 0,
            });
          }
        }
      }
      held(level, next); // a level and the next one whole: where the frontier peaks
      level.queue?.release();
      if (level.queue) liveQueues.delete(level.queue);
      if (next.size > 0) levels.push(next.size);
      level = next;
      depth++;
      if (onNext) onNext = new FingerprintSet();
    }
    // Every path a report needs, read while the links are still open.
    if (bad) badPath = pathOf(bad, links);
    for (const f of found) foundPaths.push(pathOf(f, links));
  } finally {
    for (const q of liveQueues) q.release();
    links.close();
  }

  const seconds = Math.round(performance.now() - started) / 1000;
  // A bitstate search that ran to its end without a violation has still proved nothing.
  if (seen instanceof BitstateSet && !stoppedBy && !bad) stoppedBy = 'bitstate';
  // The last sample: what is left once the frontier is gone (a run may end before its first sample).
  peakHeld = Math.max(peakHeld, memoryBytes(seen.bytes + links.bytes));
  const perState = (bytes: number) => Math.round((bytes / Math.max(1, seen.size)) * 10) / 10;
  const stats: EngineStats = {
    hash: symmetric ? FINGERPRINT_HASH : st.hashName,
    collisionProbability: collisionProbability(seen.size),
    bytesPerState: perState(seen.bytes + links.bytes),
    // ru_maxrss is in KiB on Linux: the process's peak, earlier runs in it included (result.ts).
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    peakHeldBytes: peakHeld,
    heldBytesPerState: perState(peakHeld),
    ...(Number.isFinite(maxMemory) ? { memoryCeilingMiB: maxMemory } : {}),
    ...(offered !== undefined
      ? { reduction: 'ample' in offered ? { method: offered.method, applied: true, reducedStates, provisoFallbacks } : { method: offered.unavailable, applied: false, reducedStates: 0, provisoFallbacks: 0 } }
      : {}),
    ...(seen instanceof BitstateSet
      ? { bitstate: { bits: seen.bits, hashFunctions: seen.hashFunctions, hashFactor: hashFactor(seen.bits, seen.size), omissionEstimate: omissionEstimate(seen.bits, seen.hashFunctions, seen.size) } }
      : {}),
    statesPerSecond: seconds > 0 ? Math.round(seen.size / seconds) : seen.size,
    ...(stoppedBy ? { stoppedBy } : {}),
  };
  const common = bfsFields(target, options, { states: seen.size, transitions, maxDepth: deepest, seconds, reached, stateSpace: stateSpaceOf(spec, levels, seen.size, firings) });

  if (bad) {
    const violation = counterexample(target, bad.property, badPath as number[]);
    return { verdict: 'fail', ...common, complete: false, violation, replay: replayCommand(target.variant, target.scenario, violation.path, options.properties), stats };
  }
  if (found.length > 0) {
    // Each counterexample is replayed against its own invariant alone, so another
    // invariant violated earlier on the same path does not get in the way; for the
    // same reason the replay commands of all but the first name their property
    // (violationReplay in result.ts).
    const violations = found.map((f, i) => counterexample({ ...target, invariants: [f.property] }, f.property, foundPaths[i]));
    const first = violations[0];
    return {
      verdict: 'fail', ...common, complete: !stoppedBy && violated.size < invariants.length, violation: first, violations,
      replay: replayCommand(target.variant, target.scenario, first.path, options.properties), stats,
    };
  }
  const reproduce = checkCommand(target.variant, target.scenario, options);
  if (stoppedBy) {
    return { verdict: 'incomplete', ...common, complete: false, replay: reproduce, stats };
  }
  const missed = witnesses.filter((_, i) => !reached[i]);
  if (missed.length > 0) {
    const violation = vacuousViolation(missed, seen.size);
    return { verdict: 'fail', ...common, complete: true, violation, replay: reproduce, stats };
  }
  return { verdict: 'pass', ...common, complete: true, replay: reproduce, stats };
}

/** The action indices from init to a violation: the path to its source state, then its action. */
function pathOf(v: { id: number; action: number }, links: LinkLog): number[] {
  const indices = links.pathTo(v.id);
  if (v.action >= 0) indices.push(v.action);
  return indices;
}
