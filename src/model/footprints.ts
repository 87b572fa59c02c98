/**
 * Partial-order reduction for the netlink spec: ample sets from the footprint
 * table (footprints.data.ts), after Peled's conditions C0 to C2. The engine
 * (check/bfs.ts) adds C3, the cycle proviso, in its breadth-first form.
 *
 * An ample set here is all enabled actions of one thread P (every choice of
 * its current step), offered when
 * - C1 (persistence): P's step is independent of every step any other thread
 *   can still take. Its future is over-approximated by every step its program
 *   can run (table.programs), whatever its position; two steps are dependent
 *   when one writes a location the other reads or writes. Since P's step stays
 *   the same while P does not move, no path of other threads' steps can
 *   disable it, change its effect, or have its own effect changed by it.
 * - C2 (invisibility): P's step writes nothing any checked property or witness
 *   reads. Properties that judge what a step did read the transient record,
 *   which the steps that store to frames or note an event write, so those steps
 *   are visible to them. Then the sequence of values the properties see along
 *   any path has a stuttering-equivalent path in the reduced graph, so a state
 *   (or transition) that breaks a property stays reachable.
 * - C0: a candidate is never empty (P has an enabled action).
 *
 * The ghost monitor run after every step (alloc.ts observeAllocations) sets
 * the allocating thread's fullSeen when the ring is full. It depends only on
 * the lock holder, its inAlloc and fullSeen, and what ringFullNow reads, and
 * setting a flag that is already set changes nothing; so a step that writes
 * none of those leaves the monitor idle, and a step that writes one of them
 * gets the monitor's reads and writes added to its footprint.
 *
 * The table is sampled for the shipped variants; another variant (a patch file)
 * has steps the table does not describe, so it gets no reduction.
 */
import type { Property, Reduction } from './interface.js';
import type { NlAction } from './spec.js';
import type { State } from './state.js';
import type { Ctx } from './step.js';
import { DONE_ID, labelAt } from './step.js';
import { FOOTPRINT_TABLE } from './footprints.data.js';
import { VARIANTS } from './variants/index.js';

/** What one step reads and writes, by location name (access.ts). */
export interface FootprintRow {
  readonly reads: readonly string[];
  readonly writes: readonly string[];
}
type Row = FootprintRow;

/** One shipped variant's steps (by label) and the labels each thread program runs. */
export interface VariantFootprints {
  readonly steps: Readonly<Record<string, Row>>;
  readonly programs: Readonly<Record<string, readonly string[]>>;
}

/** The table as footprints.data.ts holds it: per variant, and what each property reads (the same in all). */
export interface FootprintTable {
  readonly properties: Readonly<Record<string, readonly string[]>>;
  readonly variants: Readonly<Record<string, VariantFootprints>>;
}

/** The table with each step's footprint looked up in `rows` (the data file names rows by index). */
export const TABLE: FootprintTable = (() => {
  const raw = FOOTPRINT_TABLE as unknown as {
    readonly properties: FootprintTable['properties'];
    readonly rows: readonly Row[];
    readonly variants: Readonly<Record<string, { readonly steps: Readonly<Record<string, number>>; readonly programs: VariantFootprints['programs'] }>>;
  };
  const variants: Record<string, VariantFootprints> = {};
  for (const [id, v] of Object.entries(raw.variants)) {
    variants[id] = { programs: v.programs, steps: Object.fromEntries(Object.entries(v.steps).map(([label, i]) => [label, raw.rows[i]])) };
  }
  return { properties: raw.properties, variants };
})();

/** What observeAllocations reads: a step writing one of these may wake it. */
const MONITOR_READS = [
  'sock.rxqLock', 'self.l.inAlloc', 'other[*].l.inAlloc', 'self.l.fullSeen', 'other[*].l.fullSeen',
  'sock.rx.gen', 'sock.rx.frameNr', 'sock.rx.head', 'sock.rx.frames[].status',
];
const MONITOR_TRIGGERS = new Set(['sock.rxqLock', 'sock.rx.gen', 'sock.rx.frameNr', 'sock.rx.head', 'sock.rx.frames[].status']);
const MONITOR_WRITES = ['self.l.fullSeen', 'other[*].l.fullSeen'];

/** Whether a step's write can wake the monitor: the lock, the ring, or any thread's inAlloc. */
const wakesMonitor = (w: string): boolean => MONITOR_TRIGGERS.has(w) || w.endsWith('.l.inAlloc');

/** A step's footprint with the monitor's share added when the step can wake it. */
export function withMonitor(row: Row): Row {
  if (!row.writes.some(wakesMonitor)) return row;
  return { reads: [...row.reads, ...MONITOR_READS], writes: [...row.writes, ...MONITOR_WRITES] };
}



/** Location names -> bit indices for one scenario's threads; thread-relative names resolve per actor. */
class Universe {
  private readonly ids = new Map<string, number>();
  /** The program each thread runs, by thread index. */
  constructor(private readonly programs: readonly string[]) {}
  private id(name: string): number {
    let i = this.ids.get(name);
    if (i === undefined) this.ids.set(name, (i = this.ids.size));
    return i;
  }
  /**
   * The bits a location names when thread `actor` takes the step (access.ts
   * relativeTo): `self.x` is the actor's, `other[p].x` that of every other
   * thread running program p (`*`: any), `thread[p].x` that of every thread
   * running p (a property's reads).
   */
  bits(loc: string, actor: number): number[] {
    if (loc.startsWith('self.')) return [this.id(`t${actor}.${loc.slice(5)}`)];
    const m = /^(other|thread)\[([\w*-]+)\]\.(.*)$/.exec(loc);
    if (!m) return [this.id(loc)];
    const out: number[] = [];
    this.programs.forEach((p, t) => {
      if ((m[1] === 'thread' || t !== actor) && (m[2] === '*' || m[2] === p)) out.push(this.id(`t${t}.${m[3]}`));
    });
    return out;
  }
  get size(): number {
    return this.ids.size;
  }
}

/** A set of locations as a bit array (words grow as the universe does). */
class Bits {
  words: number[] = [];
  add(i: number): void {
    while (this.words.length <= i >> 5) this.words.push(0);
    this.words[i >> 5] |= 1 << (i & 31);
  }
  addAll(b: Bits): void {
    for (let k = 0; k < b.words.length; k++) {
      while (this.words.length <= k) this.words.push(0);
      this.words[k] |= b.words[k];
    }
  }
  meets(b: Bits): boolean {
    const n = Math.min(this.words.length, b.words.length);
    for (let k = 0; k < n; k++) if ((this.words[k] & b.words[k]) !== 0) return true;
    return false;
  }
}

interface Compiled {
  readonly reads: Bits;
  readonly writes: Bits;
  readonly touches: Bits;
}

/**
 * The reduction for checking `properties` on the spec of `c`, or why there is
 * none (a variant or property the table does not describe).
 */
export function reductionFor(c: Ctx, properties: readonly Property<State>[]): Reduction<State, NlAction> | { readonly unavailable: string } {
  if (c.layout.memory !== 'sc') return { unavailable: `the footprint table describes steps under sequential consistency, not under --memory ${c.layout.memory} (store buffers, early loads)` };
  const table = VARIANTS.includes(c.variant) ? TABLE.variants[c.variant.id] : undefined;
  if (table === undefined) return { unavailable: `the footprint table describes only the shipped variants, not '${c.variant.id}'` };
  const { steps, programs } = table;
  const propertyReads = TABLE.properties;
  const unknown = properties.find((p) => propertyReads[p.id] === undefined);
  if (unknown) return { unavailable: `the footprint table does not say what property ${unknown.id} reads` };
  const nThreads = c.threads.length;
  const u = new Universe(c.threads.map((t) => t.program));
  const rowOf = (label: string): Row | undefined => {
    const r = steps[label];
    return r === undefined ? undefined : withMonitor(r);
  };
  const compile = (row: Row, actor: number): Compiled => {
    const reads = new Bits();
    const writes = new Bits();
    for (const l of row.reads) for (const i of u.bits(l, actor)) reads.add(i);
    for (const l of row.writes) for (const i of u.bits(l, actor)) writes.add(i);
    const touches = new Bits();
    touches.addAll(reads);
    touches.addAll(writes);
    return { reads, writes, touches };
  };
  const visible = new Bits();
  for (const p of properties) for (const l of propertyReads[p.id]) for (const i of u.bits(l, -1)) visible.add(i);

  // By (label id, thread): the step's compiled footprint, or null when the table has no row for it.
  const stepCache = new Map<number, Compiled | null>();
  const stepOf = (label: number, ti: number): Compiled | null => {
    const key = label * nThreads + ti;
    let v = stepCache.get(key);
    if (v === undefined) {
      const row = rowOf(labelAt(label));
      v = row === undefined ? null : compile(row, ti);
      stepCache.set(key, v);
    }
    return v;
  };
  // By thread: everything its program can still do (all its program's steps), or null if unknown.
  const futures: (Compiled | null)[] = c.threads.map((t, ti) => {
    const labels = programs[t.program];
    if (labels === undefined) return null;
    const reads = new Bits();
    const writes = new Bits();
    for (const l of labels) {
      const row = rowOf(l);
      if (row === undefined) return null;
      const f = compile(row, ti);
      reads.addAll(f.reads);
      writes.addAll(f.writes);
    }
    const touches = new Bits();
    touches.addAll(reads);
    touches.addAll(writes);
    return { reads, writes, touches };
  });
  const programLabels = c.threads.map((t) => new Set(programs[t.program] ?? []));
  const invisible = new Map<number, boolean>();

  const ample = (s: State, actions: readonly NlAction[]): number[][] => {
    // Every thread still running must stand at a step its program row lists: else its future is unknown.
    for (let q = 0; q < nThreads; q++) {
      const pc = s.threads[q].pcId;
      if (pc !== DONE_ID && (futures[q] === null || !programLabels[q].has(labelAt(pc)))) return [];
    }
    const out: number[][] = [];
    let k = 0;
    while (k < actions.length) {
      const p = actions[k].thread;
      const start = k;
      while (k < actions.length && actions[k].thread === p) k++;
      const mine = stepOf(actions[start].label, p);
      if (mine === null) continue;
      const key = actions[start].label * nThreads + p;
      let inv = invisible.get(key);
      if (inv === undefined) invisible.set(key, (inv = !mine.writes.meets(visible)));
      if (!inv) continue;
      let independent = true;
      for (let q = 0; q < nThreads && independent; q++) {
        if (q === p || s.threads[q].pcId === DONE_ID) continue;
        const f = futures[q] as Compiled;
        if (mine.writes.meets(f.touches) || mine.reads.meets(f.writes)) independent = false;
      }
      if (independent) out.push(Array.from({ length: k - start }, (_, i) => start + i));
    }
    return out;
  };
  return { ample, method: 'ample sets of one thread (footprint table, C0-C2)' };
}
