/**
 * Sampling what steps and properties touch: random walks through a target's
 * state space, and at every state on a walk each thread's guard, choices and
 * enabled steps replayed on a recording state (access.ts). It is how the
 * footprint table (footprints.data.ts) is written (scripts/footprints.mjs) and
 * how test/footprint.test.ts checks it on fresh walks with other seeds.
 *
 * A step's footprint is everything its guard, its choices and its execution
 * (continuations included) read or write, named relative to the thread that
 * takes it. The ghost monitor run after every step (observeAllocations) is left
 * out here and accounted for by rule in footprints.ts. Reads of the transient
 * record are dropped: a step starts with it cleared, so what it reads there it
 * wrote itself.
 */
import seedrandom from 'seedrandom';
import type { CheckTarget, Property } from './interface.js';
import { recorder, relativeTo, type Recorder } from './access.js';
import { applyInPlace, makeCtx, type NlAction } from './spec.js';
import type { State } from './state.js';
import { DONE_ID, labelAt } from './step.js';
import { observeAllocations } from './kernel/alloc.js';
import type { Ctx } from './step.js';
import type { ScenarioConfig } from './config.js';
import type { Variant } from './variant.js';

/** Reads and writes by location name (access.ts); sorted arrays in the table, sets while sampling. */
export interface Footprint {
  readonly reads: Set<string>;
  readonly writes: Set<string>;
}

/** What one sampling run saw. */
export interface Sampled {
  /** By step label. */
  readonly steps: Map<string, Footprint>;
  /** The labels a thread running each program stood at (program name -> labels). */
  readonly programs: Map<string, Set<string>>;
  /** By property or witness id: the locations its predicate read (thread blocks as `thread[<program>].<field>`). */
  readonly properties: Map<string, Set<string>>;
  /** Recorded step executions (for reports of the sampling's size). */
  executions: number;
}

export function emptySample(): Sampled {
  return { steps: new Map(), programs: new Map(), properties: new Map(), executions: 0 };
}

function footprintOf(m: Map<string, Footprint>, label: string): Footprint {
  let f = m.get(label);
  if (!f) m.set(label, (f = { reads: new Set(), writes: new Set() }));
  return f;
}


export interface SampleOptions {
  readonly seed: number;
  readonly walks: number;
  readonly depth: number;
  /**
   * Also record at the first this-many states in breadth-first order (0 unless given):
   * walks reach deep states, and this covers the states near the start, where the
   * rarely taken branches of setup and teardown scenarios lie.
   */
  readonly breadthFirst?: number;
}

/**
 * Sample the target's steps and properties along random walks, adding to `into`.
 * Walks are drawn with seedrandom's alea from `seed`, so a sample is reproducible.
 */
export function sampleFootprints(variant: Variant, scenario: ScenarioConfig, target: CheckTarget<State, NlAction>, o: SampleOptions, into: Sampled = emptySample()): Sampled {
  const c = makeCtx(variant, scenario);
  const spec = target.spec;
  const rec = recorder(c.layout);
  const props: readonly Property<State>[] = [...target.invariants, ...target.witnesses];
  const programs = c.threads.map((t) => t.program);
  const quietMonitor = (s: State): void => {
    rec.pause(true);
    observeAllocations(s);
    rec.pause(false);
  };
  const judgeProps = (): void => judgeInto(props, rec, programs, into);
  if (o.breadthFirst !== undefined && o.breadthFirst > 0) {
    const seen = new Set<string>();
    const queue: State[] = [spec.init()];
    seen.add(spec.encode(queue[0]));
    for (let i = 0; i < queue.length && i < o.breadthFirst; i++) {
      load(rec, queue[i], true);
      judgeProps();
      recordThreads(c, queue[i], rec, into, quietMonitor, judgeProps);
      for (const a of spec.actions(queue[i])) {
        const n = spec.next(queue[i], a);
        const k = spec.encode(n);
        if (!seen.has(k) && seen.size < o.breadthFirst) {
          seen.add(k);
          queue.push(n);
        }
      }
    }
  }
  const rng = seedrandom.alea(`footprints/${variant.id}/${scenario.id}/${o.seed}`);
  for (let walk = 0; walk < o.walks; walk++) {
    let s = spec.init();
    load(rec, s, true);
    judgeProps();
    for (let d = 0; d < o.depth; d++) {
      recordThreads(c, s, rec, into, quietMonitor, judgeProps);
      const actions = spec.actions(s);
      if (actions.length === 0) break;
      s = spec.next(s, actions[Math.floor(rng() * actions.length)]);
    }
  }
  return into;
}

/**
 * Judge every property and witness of the target, through the recorder, in each
 * of the first `maxStates` states in breadth-first order (as each was first
 * reached, with the record of the step that reached it), adding what they read
 * to `into.properties`. Predicates read some fields only in rare states (a note
 * that names a thread, then that thread's pc), so property reads are sampled far
 * more widely than steps: judging is cheap next to recording every step.
 */
export function sampleProperties(variant: Variant, scenario: ScenarioConfig, target: CheckTarget<State, NlAction>, maxStates: number, into: Sampled = emptySample()): Sampled {
  const c = makeCtx(variant, scenario);
  const spec = target.spec;
  const rec = recorder(c.layout);
  const programs = c.threads.map((t) => t.program);
  const props: readonly Property<State>[] = [...target.invariants, ...target.witnesses];
  const seen = new Set<string>();
  const queue: State[] = [spec.init()];
  seen.add(spec.encode(queue[0]));
  for (let i = 0; i < queue.length; i++) {
    load(rec, queue[i], true);
    judgeInto(props, rec, programs, into);
    for (const a of spec.actions(queue[i])) {
      const n = spec.next(queue[i], a);
      const k = spec.encode(n);
      if (!seen.has(k) && seen.size < maxStates) {
        seen.add(k);
        queue.push(n);
      }
    }
    queue[i] = undefined as unknown as State; // let the expanded state go
  }
  return into;
}

/** Judge each property on the recording state as it is, adding what it read to `into.properties`. */
function judgeInto(props: readonly Property<State>[], rec: Recorder, programs: readonly string[], into: Sampled): void {
  for (const p of props) {
    rec.reset();
    p.holds(rec.state);
    const set = into.properties.get(p.id) ?? new Set<string>();
    for (const r of rec.accesses.reads) set.add(relativeTo(r, -1, programs));
    into.properties.set(p.id, set);
  }
}

/** Put `s` into the recording state, with its transient record cleared unless `keepTransient`. */
function load(rec: Recorder, s: State, keepTransient: boolean): void {
  rec.pause(true);
  rec.state.copyFrom(s);
  if (!keepTransient) rec.state.ghost.clearTransient();
  rec.pause(false);
  rec.reset();
}

/** Record, for every thread of `s` that has not finished, its guard and choices and each of its enabled steps. */
function recordThreads(c: Ctx, s: State, rec: Recorder, into: Sampled, monitor: (s: State) => void, judgeProps: () => void): void {
  const programs = c.threads.map((t) => t.program);
  for (let ti = 0; ti < s.threads.length; ti++) {
    const pc = s.threads[ti].pcId;
    if (pc === DONE_ID) continue;
    const label = labelAt(pc);
    const program = c.threads[ti].program;
    const labels = into.programs.get(program) ?? new Set<string>();
    labels.add(label);
    into.programs.set(program, labels);
    const def = c.table.steps[pc];
    if (def === undefined) continue;
    const fp = footprintOf(into.steps, label);
    load(rec, s, false);
    const enabled = def.guard ? def.guard(c, rec.state, ti) : true;
    const args = enabled ? (def.choices ? def.choices(c, rec.state, ti) : [0]) : [];
    const enabling = snapshot(rec);
    for (const arg of args) {
      load(rec, s, false);
      applyInPlace(c, rec.state, c.action(ti, pc, arg), monitor);
      into.executions++;
      merge(fp, rec, ti, enabling, programs);
      judgeProps();
    }
    if (args.length === 0) merge(fp, rec, ti, enabling, programs);
  }
}

function snapshot(rec: Recorder): { reads: string[]; writes: string[] } {
  return { reads: [...rec.accesses.reads], writes: [...rec.accesses.writes] };
}

/** Add what was recorded (and what deciding the step's enabledness read) to `fp`, relative to thread `ti`. */
function merge(fp: Footprint, rec: Recorder, ti: number, enabling: { reads: string[]; writes: string[] }, programs: readonly string[]): void {
  const reads = [...enabling.reads, ...rec.accesses.reads];
  const writes = [...enabling.writes, ...rec.accesses.writes];
  for (const r of reads) if (!r.startsWith('transient.')) fp.reads.add(relativeTo(r, ti, programs));
  for (const w of writes) fp.writes.add(relativeTo(w, ti, programs));
}
