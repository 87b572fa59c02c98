/**
 * Access recording: a copy of a state whose every read and write of the state
 * vector, and of the transient record of the last step, is noted by location.
 * It is the instrument behind the footprint table (footprints.ts): the
 * generator (scripts/footprints.ts) derives each step's reads and writes from
 * it, and test/footprint.test.ts runs every step in random reachable states and
 * fails when a step touches a location its declared footprint leaves out.
 *
 * Locations are named as the layout names fields (state.ts fieldSlots), with two
 * abstractions that make them independent of one scenario's shape:
 * - frame indices are dropped (`sock.rx.frames[].status`): which frame a step
 *   touches depends on the state, so a table per label can only say "some frame";
 * - a thread's block is named relative to the thread taking the step:
 *   `self.l.x` for its own, `other[consumer].l.x` for another thread's (by the
 *   program that thread runs); a property's reads as `thread[*].l.x` (any thread's).
 * The transient record of the last step is four locations: `transient.last`
 * (the frame store event), `transient.note` (the note, its thread and value),
 * `transient.told` (a kernel sender's delivery result) and `transient.stale` (a
 * stale load of a published frame, only ever set under --memory tso or weak).
 * Properties that judge what a step did read them.
 *
 * Recording is slow (every access goes through a Proxy); engines never use it.
 */
import { fieldSlots, State, type Layout } from './state.js';

/** The name of the location covering every byte of the vector, in one layout. */
function byteNames(layout: Layout): string[] {
  const names: string[] = new Array(layout.size).fill('');
  for (const f of fieldSlots(layout)) for (let i = f.at; i < f.at + f.bytes; i++) names[i] = f.path.replace(/frames\[\d+\]/, 'frames[]');
  return names;
}

const THREAD = /^threads\[(\d+)\]\.(.*)$/;

/**
 * A location relative to thread `actor` (-1 for a property, which is nobody's
 * step): `self.x` for the actor's own block, `other[program].x` for another
 * thread's, named by the program it runs (so that a consumer's field is not
 * confused with a producer's), `thread[*].x` for a property's read of any
 * thread's field; other paths unchanged.
 */
export function relativeTo(path: string, actor: number, programs: readonly string[]): string {
  const m = THREAD.exec(path);
  if (!m) return path;
  const t = Number(m[1]);
  if (t === actor) return `self.${m[2]}`;
  // A property is taken to read the field of every thread: predicates scan the threads and stop at the first
  // that decides, so which threads' fields a sample sees depends on the state; only the field is reliable.
  return actor < 0 ? `thread[*].${m[2]}` : `other[${programs[t]}].${m[2]}`;
}

/** The locations touched while recording, by absolute path (thread blocks by index). */
export interface Accesses {
  readonly reads: Set<string>;
  readonly writes: Set<string>;
}

export interface Recorder {
  /** The recording state: run steps, guards and predicates on it. */
  readonly state: State;
  /** Start a new record (and switch recording on). */
  reset(): void;
  /** Switch recording off (for code whose accesses are accounted for elsewhere) or on. */
  pause(paused: boolean): void;
  /** What was touched since the last reset. */
  readonly accesses: Accesses;
}

const TRANSIENT_FIELDS = ['note', 'noteThread', 'noteValue', 'toldThread', 'toldValue', 'toldMsg', 'stale'] as const;

/**
 * A recording state for `layout`. It reads and writes through to an ordinary
 * State (so stepping it is stepping a state), and notes each vector access by
 * location name. Values equal before and after a store still count as writes:
 * a footprint over-approximates, it never misses.
 */
export function recorder(layout: Layout): Recorder {
  const names = byteNames(layout);
  const s = new State(layout);
  const rec = { reads: new Set<string>(), writes: new Set<string>() };
  let paused = false;
  const note = (set: Set<string>, byte: number): void => {
    if (paused) return;
    const n = names[byte];
    if (n === '') throw new Error(`state vector byte ${byte} belongs to no field`);
    set.add(n);
  };
  const proxy = <T extends Int8Array | Int16Array>(arr: T, width: number): T =>
    new Proxy(arr, {
      get(t, k) {
        if (typeof k === 'string' && /^\d+$/.test(k)) {
          const i = Number(k);
          for (let j = 0; j < width; j++) note(rec.reads, i * width + j);
          return t[i];
        }
        const v = Reflect.get(t, k, t) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
      set(t, k, v) {
        if (typeof k === 'string' && /^\d+$/.test(k)) {
          const i = Number(k);
          for (let j = 0; j < width; j++) note(rec.writes, i * width + j);
          t[i] = v as number;
          return true;
        }
        return Reflect.set(t, k, v, t);
      },
    });
  const rawB = s.b;
  const rawW = s.w;
  const b = proxy(rawB, 1);
  const w = proxy(rawW, 2);
  // Every view object of the state shares the two arrays: swap them for the recording proxies.
  const seen = new Set<object>();
  const swap = (o: unknown): void => {
    if (typeof o !== 'object' || o === null || seen.has(o) || ArrayBuffer.isView(o)) return;
    if (o === layout) return;
    seen.add(o);
    const r = o as Record<string, unknown>;
    if (r.b === rawB) Object.defineProperty(o, 'b', { value: b });
    if (r.w === rawW) Object.defineProperty(o, 'w', { value: w });
    for (const [k, v] of Object.entries(r)) if (k !== 'b' && k !== 'w' && k !== 'h') swap(v);
  };
  swap(s);
  // The transient record lives outside the vector: note its accesses as the location `transient`.
  const ghost = s.ghost as unknown as Record<string, unknown>;
  const last = s.ghost.last as unknown as Record<string, unknown>;
  Object.defineProperty(ghost, 'last', {
    value: new Proxy(last, {
      get(t, k) {
        if (!paused) rec.reads.add('transient.last');
        return t[k as string];
      },
      set(t, k, v) {
        if (!paused) rec.writes.add('transient.last');
        t[k as string] = v;
        return true;
      },
    }),
  });
  for (const f of TRANSIENT_FIELDS) {
    let value = ghost[f];
    const where = f.startsWith('told') ? 'transient.told' : f === 'stale' ? 'transient.stale' : 'transient.note';
    Object.defineProperty(ghost, f, {
      get() {
        if (!paused) rec.reads.add(where);
        return value;
      },
      set(v: unknown) {
        if (!paused) rec.writes.add(where);
        value = v;
      },
    });
  }
  return {
    state: s,
    reset() {
      rec.reads.clear();
      rec.writes.clear();
      paused = false;
    },
    pause(p) {
      paused = p;
    },
    accesses: rec,
  };
}
