/**
 * Partial-order reduction for the SPIN anchor spec (rxring.ts): the ample sets
 * bfs takes with `{ por: true }` (Spec.reduction), built the way SPIN builds its
 * own from a static table of what each statement touches.
 *
 * The footprint of a step names what it reads and writes: a global (`status`,
 * the array as one location, `khead`, `ucursor`, `nread`, `nlost`, `nheld`), or
 * a location of a process: `self.x` for the stepping process's own, and
 * `sender*.x` for that field of every sender (init creates them, exits wait for
 * them). Every process has `pc` (its control point) and `running` (whether it
 * exists, which is all another process ever learns of its control point: pan
 * lets only the last-created process die, so exits test it). `self.pc` is read
 * and written by every step and is left implicit.
 *
 * An ample set is every enabled step of one process P, offered when:
 * - C0: it is not empty (P has an enabled step).
 * - C1, persistence: every step P has at its control point, enabled or not, is
 *   independent of everything another process can still do: neither writes
 *   what the other reads or writes. What another process can still do is the
 *   union of the footprints of the steps reachable from its control point in
 *   its control-flow graph (CONTROL below), and for a sender init has yet to
 *   create, of its whole program. Then along any path of other processes' steps
 *   P's steps stay enabled, keep their effect, and change nothing those steps
 *   see, so deferring the other processes loses no state the full graph can
 *   reach that matters (Peled's persistence; SPIN's "safe" statements, which
 *   touch only the process's locals, are the case where this holds whatever
 *   the others do).
 * - C2, invisibility: no step of P at its control point writes a location a
 *   checked property reads (AnchorProperty.reads), so every path of the full
 *   graph has a stuttering-equivalent one in the reduced graph, and a state that
 *   breaks an invariant has a reduced counterpart that breaks it too. SPIN gets
 *   this for free: a statement touching a global is never safe, and a property
 *   can only read globals.
 * - C3, the cycle proviso, is the engine's (bfs takes a candidate only if all
 *   its successors are new states, the breadth-first form of SPIN's "no
 *   successor on the stack").
 *
 * In this model a sender's purely local steps pass (the loop test, the test
 * of `frame`, the `skip`, and `sent++` without merging), and so do the exits
 * once enabled: an exit writes `running`, which only the exits of earlier
 * processes read, and those wait for this one to end (waitsFor), so they
 * cannot fire first. Allocation and publishing touch the ring the reader and
 * the other senders use, and the reader touches nothing else. With these
 * ample sets and the proviso in its depth form, the reduced graph has exactly
 * as many states as SPIN's reduced run (test/anchor.test.ts).

 * Footprints are checked, not trusted: footprint-check.ts runs every step and
 * property on every reachable state of small workloads and reports any
 * location touched outside its row (test/anchor.test.ts).
 */
import type { Property, Reduction } from '../../src/model/interface.js';
import type { AnchorAction, AnchorKind, AnchorState } from './rxring.js';
import { I_END, I_START, Layout, S_ALLOC, S_END, S_INC, S_LOOP, S_NOPUB, S_PUB, S_WRITE, U_LOOP, type AnchorParams } from './layout.js';

export interface Row {
  readonly reads: readonly string[];
  readonly writes: readonly string[];
}

/** What each step reads and writes, besides its own pc (see the names above). */
export const FOOTPRINTS: Readonly<Record<AnchorKind, Row>> = {
  // The atomic block that runs every sender: sets each one's pc, running and locals.
  'init.spawn': { reads: ['self.k'], writes: ['self.k', 'sender*.pc', 'sender*.running', 'sender*.sent', 'sender*.frame', 'sender*.hops'] },
  // Init ends when no sender runs any more.
  'init.exit': { reads: ['sender*.running'], writes: ['self.running', 'self.k'] },
  'reader.consume': { reads: ['status', 'ucursor', 'nread'], writes: ['status', 'ucursor', 'nread'] },
  // Its guard reads nheld (at most two kept).
  'reader.keep': { reads: ['status', 'ucursor', 'nheld'], writes: ['status', 'ucursor', 'nheld'] },
  'reader.pass': { reads: ['status', 'ucursor'], writes: ['ucursor'] },
  'reader.release': { reads: ['status', 'nheld'], writes: ['status', 'nheld', 'self.j'] },
  'sender.next': { reads: ['self.sent'], writes: [] },
  'sender.done': { reads: ['self.sent'], writes: [] },
  'sender.alloc': { reads: ['status', 'khead', 'nlost'], writes: ['status', 'khead', 'nlost', 'self.frame', 'self.hops'] },
  'sender.publish': { reads: ['self.frame'], writes: [] },
  'sender.lost': { reads: ['self.frame'], writes: [] },
  // status[frame] = VALID (written, not read), merged with sent++.
  'sender.write': { reads: ['self.frame', 'self.sent'], writes: ['status', 'self.sent'] },
  'sender.nowrite': { reads: ['self.sent'], writes: ['self.sent'] },
  'sender.count': { reads: ['self.sent'], writes: ['self.sent'] },
  // Only the last-created sender may end: its guard reads the later ones' running.
  'sender.exit': { reads: ['sender*.running'], writes: ['self.running', 'self.sent', 'self.frame', 'self.hops'] },
};

export type ProcType = 'reader' | 'init' | 'sender';

/** The control-flow graph of each process type: per control point, its steps and where each leads (0: the process ends). */
export function controlFlow(merging: boolean): Readonly<Record<ProcType, ReadonlyMap<number, readonly (readonly [AnchorKind, number])[]>>> {
  const afterSend = merging ? S_LOOP : S_INC;
  return {
    reader: new Map([[U_LOOP, [['reader.consume', U_LOOP], ['reader.keep', U_LOOP], ['reader.pass', U_LOOP], ['reader.release', U_LOOP]]]]),
    init: new Map([
      [I_START, [['init.spawn', I_END]]],
      [I_END, [['init.exit', 0]]],
    ]),
    sender: new Map<number, (readonly [AnchorKind, number])[]>([
      [S_LOOP, [['sender.next', S_ALLOC], ['sender.done', S_END]]],
      [S_ALLOC, [['sender.alloc', S_PUB]]],
      [S_PUB, [['sender.publish', S_WRITE], ['sender.lost', S_NOPUB]]],
      [S_WRITE, [['sender.write', afterSend]]],
      [S_NOPUB, [['sender.nowrite', afterSend]]],
      [S_INC, [['sender.count', S_LOOP]]],
      [S_END, [['sender.exit', 0]]],
    ]),
  };
}

/**
 * The process instances that must have ended before step `kind` of process
 * `inst` can fire (K senders): pan removes only the last-created process, so a
 * sender's exit waits for every later sender, and init's for all of them. A
 * process ends only by its own exit step, so while it does not move, the steps
 * waiting for it stay disabled (footprint-check.ts checks this on every reachable state).
 */
export function waitsFor(kind: AnchorKind, inst: number, senders: number): number[] {
  if (kind === 'sender.exit') return Array.from({ length: senders + 1 - inst }, (_, d) => inst + 1 + d);
  if (kind === 'init.exit') return Array.from({ length: senders }, (_, i) => i + 2);
  return [];
}

/** A property with the locations it reads (footprint names), which decide the visible steps. */
export interface AnchorProperty extends Property<AnchorState> {
  readonly reads: readonly string[];
}

/** Process instances: 0 the reader, 1 init, 2 + i sender i. */
const instOf = (proc: number): number => (proc === -2 ? 0 : proc === -1 ? 1 : proc + 2);
const typeOf = (inst: number): ProcType => (inst === 0 ? 'reader' : inst === 1 ? 'init' : 'sender');
const nameOf = (inst: number): string => (inst === 0 ? 'reader' : inst === 1 ? 'init' : `sender${inst - 2}`);
const GLOBALS = ['status', 'khead', 'ucursor', 'nread', 'nlost', 'nheld'];
const LOCALS: Readonly<Record<ProcType, readonly string[]>> = { reader: ['j'], init: ['k'], sender: ['sent', 'frame', 'hops'] };

/** Every concrete location of a workload with K senders: globals, then each process's pc, running and locals. */
export function locationsOf(senders: number): string[] {
  const out = [...GLOBALS];
  for (let inst = 0; inst < senders + 2; inst++) for (const f of ['pc', 'running', ...LOCALS[typeOf(inst)]]) out.push(`${nameOf(inst)}.${f}`);
  return out;
}

/** The concrete locations a footprint name stands for when process `inst` steps (K senders). */
export function resolve(name: string, inst: number, senders: number): string[] {
  if (name.startsWith('self.')) return [`${nameOf(inst)}.${name.slice(5)}`];
  if (name.startsWith('sender*.')) return Array.from({ length: senders }, (_, i) => `sender${i}.${name.slice(8)}`);
  return [name];
}

/** A set of locations as bits. */
class Bits {
  readonly w: Uint32Array;
  constructor(n: number) {
    this.w = new Uint32Array((n + 31) >> 5);
  }
  add(i: number): void {
    this.w[i >> 5] |= 1 << (i & 31);
  }
  addAll(b: Bits): void {
    for (let k = 0; k < this.w.length; k++) this.w[k] |= b.w[k];
  }
  meets(b: Bits): boolean {
    for (let k = 0; k < this.w.length; k++) if ((this.w[k] & b.w[k]) !== 0) return true;
    return false;
  }
}

interface Footprint {
  readonly reads: Bits;
  readonly writes: Bits;
}

/**
 * The anchor's reduction for checking `properties`, or why there is none.
 * `rows` replaces the footprint table (tests pass a wrong one to show that the
 * verdict comparison catches it).
 */
export function anchorReduction(
  p: AnchorParams,
  properties: readonly Property<AnchorState>[],
  rows: Readonly<Record<AnchorKind, Row>> = FOOTPRINTS,
): Reduction<AnchorState, AnchorAction> | { readonly unavailable: string } {
  const unknown = properties.find((q) => !Array.isArray((q as Partial<AnchorProperty>).reads));
  if (unknown) return { unavailable: `property ${unknown.id} does not say what it reads` };
  const K = p.senders;
  const locs = locationsOf(K);
  const index = new Map(locs.map((l, i) => [l, i]));
  const n = locs.length;
  const bitsOf = (names: readonly string[], inst: number): Bits => {
    const b = new Bits(n);
    for (const name of names)
      for (const l of resolve(name, inst, K)) {
        const i = index.get(l);
        // A name the table does not know is a mistake in the table, not in the workload.
        if (i === undefined) throw new Error(`anchor footprint: unknown location '${name}'`);
        b.add(i);
      }
    return b;
  };
  const footprint = (kind: AnchorKind, inst: number): Footprint => {
    const r = rows[kind];
    return { reads: bitsOf([...r.reads, 'self.pc'], inst), writes: bitsOf([...r.writes, 'self.pc'], inst) };
  };
  const union = (fs: Footprint[]): Footprint => {
    const reads = new Bits(n);
    const writes = new Bits(n);
    for (const f of fs) {
      reads.addAll(f.reads);
      writes.addAll(f.writes);
    }
    return { reads, writes };
  };
  const cfg = controlFlow(p.merging ?? true);
  const nInst = K + 2;
  const MAX_PC = 8;
  /** here[inst][pc]: the union of the footprints of the steps at that control point. */
  const here: (Footprint | undefined)[][] = [];
  for (let inst = 0; inst < nInst; inst++) {
    const g = cfg[typeOf(inst)];
    here.push(Array.from({ length: MAX_PC }, (_, pc) => {
      const steps = g.get(pc) ?? [];
      return steps.length === 0 ? undefined : union(steps.map(([k]) => footprint(k, inst)));
    }));
  }
  /**
   * What process q can still do from control point pc while process p does not
   * move: the union of the footprints of the steps reachable from pc in q's
   * graph (pc 0: nothing), leaving out the steps that wait for p to end (they
   * cannot fire before p takes its own exit, so they need not be independent of p).
   */
  const futureOf = (q: number, pc: number, p: number): Footprint => {
    const g = cfg[typeOf(q)];
    const seen = new Set<number>();
    const todo = [pc];
    const fs: Footprint[] = [];
    while (todo.length > 0) {
      const c = todo.pop() as number;
      if (seen.has(c)) continue;
      seen.add(c);
      for (const [k, to] of g.get(c) ?? []) {
        if (waitsFor(k, q, K).includes(p)) continue;
        fs.push(footprint(k, q));
        todo.push(to);
      }
    }
    return union(fs);
  };
  const visible = new Bits(n);
  for (const q of properties) visible.addAll(bitsOf((q as AnchorProperty).reads, 0));

  // safe[inst][pc]: P's steps there are invisible, and conflict[inst][pc][q][pcq] whether they conflict with q's future.
  // The extra index MAX_PC stands for a sender init has not created yet (its future is its whole program).
  const conflicts = (a: Footprint, b: Footprint) => a.writes.meets(b.reads) || a.writes.meets(b.writes) || a.reads.meets(b.writes);
  const safe: boolean[][] = here.map((row) => row.map((f) => f !== undefined && !f.writes.meets(visible)));
  const conflict: boolean[][][][] = here.map((row, inst) =>
    row.map((f) =>
      Array.from({ length: nInst }, (_, q) => {
        if (f === undefined || q === inst) return new Array<boolean>(MAX_PC + 1).fill(false);
        const out = Array.from({ length: MAX_PC }, (_, pc) => conflicts(f, futureOf(q, pc, inst)));
        out.push(q >= 2 && conflicts(f, futureOf(q, S_LOOP, inst)));
        return out;
      }),
    ),
  );

  const L = new Layout(p);
  const pcAt = (v: Uint8Array, inst: number): number => (inst === 0 ? v[L.readerPc] : inst === 1 ? v[L.initPc] : v[L.senderAt + 4 * (inst - 2)]);

  const ample = (s: AnchorState, actions: readonly AnchorAction[]): number[][] => {
    const v = s.v;
    const unborn = v[L.initPc] === I_START;
    const out: number[][] = [];
    let k = 0;
    // Actions come grouped by process (reader, init, senders in order).
    while (k < actions.length) {
      const start = k;
      const inst = instOf(actions[k].proc);
      while (k < actions.length && instOf(actions[k].proc) === inst) k++;
      const pc = pcAt(v, inst);
      if (!safe[inst][pc]) continue;
      const mine = conflict[inst][pc];
      let independent = true;
      for (let q = 0; q < nInst && independent; q++) {
        if (q === inst) continue;
        const pq = pcAt(v, q);
        if (mine[q][pq === 0 && q >= 2 && unborn ? MAX_PC : pq]) independent = false;
      }
      if (independent) {
        const cand: number[] = [];
        for (let j = start; j < k; j++) cand.push(j);
        out.push(cand);
      }
    }
    return out;
  };
  return { ample, method: 'ample sets of one process (declared footprints and control flow, C0-C2)' };
}

/** Process instances by number, for footprint-check.ts. */
export { instOf, nameOf, typeOf };
