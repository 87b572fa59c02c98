/**
 * A worker thread of the parallel breadth-first search (check/parallel-bfs.ts). It
 * rebuilds the check target from the names the coordinator gives (catalogue ids or
 * files, --property applied as the CLI's restrict() does), then, level after level:
 * - expands the slice it is handed: every successor is judged exactly as bfs judges
 *   it, and one that the visited set and this slice have not seen yet is written,
 *   with its parent, action and fingerprint, into this worker's candidate buffer;
 * - admits, into its own shard of the visited set, the candidates of every worker
 *   that fall in that shard, in bfs's order, marking the first of each fingerprint.
 * Ids and parent links are the coordinator's job.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import { loadTarget } from '../catalog.js';
import { UsageError } from '../errors.js';
import type { ActionBase, CheckTarget, Property } from '../model/interface.js';
import { FingerprintSet } from './fingerprint.js';
import { FiringCounter } from './coverage-stats.js';
import { stepperOf } from './stepper.js';
import {
  CANDIDATE_HEADER,
  KEEP,
  LevelReader,
  SharedFingerprintTable,
  SharedUnits,
  observe,
  publish,
  shardOf,
  type AdmitJob,
  putWord,
  word,
  type LevelJob,
  type ParallelWorkerData,
  type WorkerReply,
  type WorkerStop,
  type WorkerViolation,
} from './parallel-bfs-shared.js';

/** Expands slices of levels of one target; `expand` answers one LevelJob. */
export function slicer<S, A extends ActionBase>(target: CheckTarget<S, A>, data: Pick<ParallelWorkerData, 'allViolations' | 'index' | 'workers'>, control: Int32Array, interrupt: Int32Array | undefined) {
  const { spec, invariants, witnesses } = target;
  const st = stepperOf(spec);
  const load = st.load;
  if (!load) throw new UsageError(`--workers needs a spec that can decode its states (${target.variant} ${target.scenario} cannot)`);
  const keepFingerprints = st.incremental;
  const cur = st.slot();
  const succ = st.slot();
  const fp = new Uint32Array(2);
  const ownFp = new Uint32Array(2);
  const stepInvariants = invariants.filter((p) => !p.stateOnly);
  const indexOf = new Map<Property<S>, number>(invariants.map((p, i) => [p, i]));
  const outputs = [new SharedUnits(), new SharedUnits()];
  const counters = 1 + 3 * data.index;
  const shards = data.workers;
  // This worker's shard of the visited set, which only it writes; the initial state is admitted where it falls.
  const own = new SharedFingerprintTable();
  st.fingerprint(cur, fp);
  if (shardOf(fp[0], shards) === data.index) own.add(fp[0], fp[1]);

  /** Admit this shard's candidates in bfs's order (worker after worker, each in its own order), up to the cut. */
  const admit = (job: AdmitJob): Extract<WorkerReply, { kind: 'admitted' }> => {
    observe(control);
    let kept = 0;
    admitting: for (let w = 0; w < job.outputs.length; w++) {
      if (job.cut && w > job.cut.w) break;
      const u = new Uint16Array(job.outputs[w]);
      let p = 0;
      for (let c = 0; c < job.candidates[w]; c++) {
        const len = u[p];
        if (job.cut && w === job.cut.w && word(u, p + 8) >= job.cut.t) break admitting;
        const hi = word(u, p + 4);
        if (shardOf(hi, shards) === data.index) {
          const lo = word(u, p + 6);
          const free = own.find(hi, lo);
          if (free >= 0) {
            own.addAt(free, hi, lo);
            u[p + KEEP] = 1;
            kept++;
          }
        }
        p += CANDIDATE_HEADER + len;
      }
    }
    publish(control);
    return { kind: 'admitted', table: own.share(), kept, bytes: own.bytes, outputBytes: outputs[0].bytes + outputs[1].bytes };
  };

  const expand = (job: LevelJob): Extract<WorkerReply, { kind: 'done' }> => {
    observe(control);
    const tables = job.tables.map((t) => SharedFingerprintTable.view(t));
    const input = new LevelReader(job.segments, job.from);
    const output = outputs[job.out];
    // States this slice has already written as candidates in this level: judged as bfs judges a state seen before.
    const local = new FingerprintSet();
    const firings = new FiringCounter(spec);
    const reached = witnesses.map((_, i) => job.reached.includes(i));
    let unreached = reached.filter((r) => !r).length;
    const witnessAt = witnesses.map(() => -1);
    const violated = new Set<number>(job.violated);
    const violations: WorkerViolation[] = [];
    let fullAt = -1;
    let stopped: WorkerStop | null = null;
    output.clear();
    let transitions = 0;
    let expanded = 0;

    /** bfs's judge: witnesses first, then the first violated invariant in list order (all of them for a new state). */
    const judge = (s: S, isNew: boolean, t: number): Property<S> | undefined => {
      if (unreached > 0) {
        for (let i = 0; i < witnesses.length; i++) {
          if (!reached[i] && witnesses[i].holds(s)) {
            reached[i] = true;
            witnessAt[i] = t;
            unreached--;
          }
        }
      }
      const list = isNew ? invariants : stepInvariants;
      for (let i = 0; i < list.length; i++) if (!list[i].holds(s)) return list[i];
      return undefined;
    };

    slice: for (let r = 0; r < job.count; r++) {
      const at = input.next();
      const u = input.units;
      const n = u[at];
      const id = job.from.id + r;
      ownFp[0] = word(u, at + 4);
      ownFp[1] = word(u, at + 6);
      load(cur, u.subarray(at + CANDIDATE_HEADER, at + CANDIDATE_HEADER + n), keepFingerprints ? ownFp : undefined);
      const actions = spec.actions(st.state(cur));
      for (let k = 0; k < actions.length; k++) {
        st.copy(succ, cur);
        st.apply(succ, actions[k]);
        const s = st.state(succ);
        const t = transitions++;
        firings.add(actions[k]);
        st.fingerprint(succ, fp);
        const free = tables[shardOf(fp[0], shards)].find(fp[0], fp[1]) < 0 ? -1 : local.find(fp[0], fp[1]);
        const isNew = free >= 0;
        const failed = judge(s, isNew, t);
        if (failed) {
          if (!data.allViolations) {
            violations.push({ parent: id, action: k, property: indexOf.get(failed)!, t });
            break slice;
          }
          // bfs's noteAll: every invariant this state violates for the first time.
          for (let i = 0; i < invariants.length; i++) {
            if (!violated.has(i) && !invariants[i].holds(s)) {
              violated.add(i);
              violations.push({ parent: id, action: k, property: i, t });
            }
          }
          if (violated.size === invariants.length) {
            fullAt = t;
            break slice;
          }
        }
        if (!isNew) continue;
        local.addAt(free, fp[0], fp[1]);
        const units = st.units(succ);
        output.reserve(CANDIDATE_HEADER + units.length);
        const u = output.units;
        const w = output.used;
        u[w] = units.length;
        putWord(u, w + 1, id);
        u[w + 3] = k;
        putWord(u, w + 4, fp[0]);
        putWord(u, w + 6, fp[1]);
        putWord(u, w + 8, t);
        u[w + KEEP] = 0;
        u.set(units, w + CANDIDATE_HEADER);
        output.used = w + CANDIDATE_HEADER + units.length;
        // The state budget is reached within this many candidates of this slice, wherever the others' fall.
        if (++output.records >= job.maxCandidates) break slice;
      }
      expanded++;
      if ((expanded & 63) === 1) {
        Atomics.store(control, counters, expanded);
        Atomics.store(control, counters + 1, transitions);
        Atomics.store(control, counters + 2, output.records);
        if (job.deadline !== null && Date.now() >= job.deadline) {
          stopped = 'time-budget';
          break;
        }
        if (interrupt && Atomics.load(interrupt, 0) !== 0) {
          stopped = 'interrupted';
          break;
        }
        if ((expanded & 16383) === 1 && job.memoryBytes !== null && output.bytes + getHeapStatistics().used_heap_size >= job.memoryBytes) {
          stopped = 'memory';
          break;
        }
      }
    }
    return {
      kind: 'done',
      output: output.buffer,
      used: output.used,
      candidates: output.records,
      expanded,
      transitions,
      fired: [...firings.fired()],
      witnessAt,
      violations,
      fullAt,
      stopped,
      heapBytes: getHeapStatistics().used_heap_size,
    };
  };
  return { expand, admit, table: () => own.share() };
}

const port = parentPort;
if (port && (workerData as { parallelBfs?: ParallelWorkerData } | null)?.parallelBfs) {
  const data = (workerData as { parallelBfs: ParallelWorkerData }).parallelBfs;
  const control = new Int32Array(data.control);
  const interrupt = data.interrupt ? new Int32Array(data.interrupt) : undefined;
  const fail = (e: unknown) => port.postMessage({ kind: 'error', message: e instanceof Error ? e.message : String(e), usage: e instanceof UsageError } satisfies WorkerReply);
  loadTarget(data.variant, data.scenario).then(
    (loaded) => {
      try {
        const only = data.properties;
        const target = only ? { ...loaded, invariants: loaded.invariants.filter((p) => only.includes(p.id)) } : loaded;
        const { expand, admit, table } = slicer(target, data, control, interrupt);
        port.on('message', (job: LevelJob | AdmitJob) => {
          try {
            port.postMessage(job.kind === 'level' ? expand(job) : admit(job));
          } catch (e) {
            fail(e);
          }
        });
        // The coordinator checks that this is the target it holds: same initial state, same properties.
        const st = stepperOf(target.spec);
        const fp = new Uint32Array(2);
        st.fingerprint(st.slot(), fp);
        port.postMessage({ kind: 'ready', fingerprint: [fp[0], fp[1]], invariants: target.invariants.map((p) => p.id), witnesses: target.witnesses.map((w) => w.id), table: table() } satisfies WorkerReply);
      } catch (e) {
        fail(e);
      }
    },
    fail,
  );
}
