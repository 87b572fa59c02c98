/**
 * Checks the anchor's footprint table and control-flow graph (reduction.ts)
 * against what the spec does, so that the reduction rests on observed facts:
 * on every reachable state of a small workload,
 * - every enabled step is run on a recording copy of the state vector, and
 *   each byte it reads or writes must lie in a location its row declares;
 * - every step a process has at its control point, enabled or not, must keep
 *   its enabledness when any one location outside its declared reads changes
 *   (its guard reads nothing else);
 * - every step leaves its process at the control point the graph says, and
 *   fires only when the processes it waits for (waitsFor) have ended;
 * - every property reads only what it declares.
 * Returns one line per distinct discrepancy (none: the table holds on this workload).
 *
 * A process's pc byte is two locations: read by another process it is
 * `running` (exits only ask whether a process still exists), and a write that
 * moves it to or from 0 writes `running` as well as `pc`.
 */
import type { AnchorAction, AnchorKind, AnchorState } from './rxring.js';
import { anchorSpec } from './rxring.js';
import { Layout, type AnchorParams } from './layout.js';
import { FOOTPRINTS, controlFlow, instOf, locationsOf, nameOf, resolve, typeOf, waitsFor, type AnchorProperty, type Row } from './reduction.js';

export function checkFootprints(p: AnchorParams, properties: readonly AnchorProperty[], rows: Readonly<Record<AnchorKind, Row>> = FOOTPRINTS): string[] {
  const spec = anchorSpec(p);
  const L = new Layout(p);
  const K = p.senders;
  const cfg = controlFlow(p.merging ?? true);
  const problems = new Set<string>();

  // Byte -> location, and the pc byte of each process instance.
  const pcByte = Array.from({ length: K + 2 }, (_, inst) => (inst === 0 ? L.readerPc : inst === 1 ? L.initPc : L.senderAt + 4 * (inst - 2)));
  const byteName: string[] = new Array(L.bytes).fill('');
  for (let i = 0; i < p.frames; i++) byteName[i] = 'status';
  byteName[L.head] = 'khead';
  byteName[L.cursor] = 'ucursor';
  byteName[L.nread] = 'nread';
  byteName[L.nlost] = 'nlost';
  byteName[L.nheld] = 'nheld';
  byteName[L.readerJ] = 'reader.j';
  byteName[L.initK] = 'init.k';
  for (let i = 0; i < K; i++) ['sent', 'frame', 'hops'].forEach((f, d) => (byteName[L.senderAt + 4 * i + 1 + d] = `sender${i}.${f}`));
  const ownerOfPc = new Map(pcByte.map((b, inst) => [b, inst]));
  /** The bytes of a location (running and pc share the pc byte). */
  const bytesOf = (loc: string): number[] => {
    const m = /^(reader|init|sender\d+)\.(pc|running)$/.exec(loc);
    if (m) return [pcByte[m[1] === 'reader' ? 0 : m[1] === 'init' ? 1 : Number(m[1].slice(6)) + 2]];
    return byteName.flatMap((n, b) => (n === loc ? [b] : []));
  };

  const declared = (names: readonly string[], inst: number): Set<string> => new Set(names.flatMap((n) => resolve(n, inst, K)));

  /** Run `f` on a copy of `s` whose bytes record their reads and writes; returns them as location names. */
  const record = (s: AnchorState, inst: number, f: (x: AnchorState) => void): { reads: Set<string>; writes: Set<string> } => {
    const v = s.v.slice();
    const reads = new Set<string>();
    const writes = new Set<string>();
    const proxy = new Proxy(v, {
      get(t, key) {
        if (typeof key === 'string' && /^\d+$/.test(key)) {
          const b = Number(key);
          const owner = ownerOfPc.get(b);
          if (owner === undefined) reads.add(byteName[b]);
          else reads.add(`${nameOf(owner)}.${owner === inst ? 'pc' : 'running'}`);
        }
        return Reflect.get(t, key);
      },
      set(t, key, value) {
        if (typeof key === 'string' && /^\d+$/.test(key)) {
          const b = Number(key);
          const owner = ownerOfPc.get(b);
          if (owner === undefined) writes.add(byteName[b]);
          else {
            writes.add(`${nameOf(owner)}.pc`);
            if ((t[b] === 0) !== (Number(value) === 0)) writes.add(`${nameOf(owner)}.running`);
          }
        }
        return Reflect.set(t, key, value);
      },
    });
    f({ v: proxy, u: new Uint16Array(v.buffer) } as unknown as AnchorState);
    return { reads, writes };
  };

  // The reachable states, and every action seen (actions are interned: one object per process and kind).
  const states: AnchorState[] = [];
  const seen = new Set<string>();
  const known = new Map<string, AnchorAction>();
  const todo = [spec.init()];
  seen.add(spec.encode(todo[0]));
  while (todo.length > 0) {
    const s = todo.pop() as AnchorState;
    states.push(s);
    for (const a of spec.actions(s)) {
      known.set(`${a.proc}/${a.kind}`, a);
      const t = spec.next(s, a);
      const key = spec.encode(t);
      if (!seen.has(key)) {
        seen.add(key);
        todo.push(t);
      }
    }
  }
  const pcOf = (v: Uint8Array, inst: number) => v[pcByte[inst]];
  const locations = locationsOf(K);

  for (const s of states) {
    const enabled = new Set(spec.actions(s));
    for (const a of enabled) {
      const inst = instOf(a.proc);
      const row = rows[a.kind];
      const r = record(s, inst, (x) => spec.inPlace!.apply(x, a));
      const okReads = declared([...row.reads, 'self.pc'], inst);
      const okWrites = declared([...row.writes, 'self.pc'], inst);
      for (const l of r.reads) if (!okReads.has(l)) problems.add(`${a.kind} reads ${l}, outside its row`);
      for (const l of r.writes) if (!okWrites.has(l)) problems.add(`${a.kind} writes ${l}, outside its row`);
      for (const w of waitsFor(a.kind, inst, K)) if (pcOf(s.v, w) !== 0) problems.add(`${a.kind} fires while ${nameOf(w)}, which it waits for, runs`);
      const to = spec.next(s, a);
      const edge = (cfg[typeOf(inst)].get(pcOf(s.v, inst)) ?? []).find(([k]) => k === a.kind);
      if (edge === undefined) problems.add(`${a.kind} fires at control point ${pcOf(s.v, inst)}, where the graph has no such step`);
      else if (pcOf(to.v, inst) !== edge[1]) problems.add(`${a.kind} leads to control point ${pcOf(to.v, inst)}, the graph says ${edge[1]}`);
    }
    // Guards: every step at a process's control point keeps its enabledness when an undeclared location changes.
    for (const a of known.values()) {
      const inst = instOf(a.proc);
      const steps = cfg[typeOf(inst)].get(pcOf(s.v, inst)) ?? [];
      if (!steps.some(([k]) => k === a.kind)) continue;
      const was = enabled.has(a);
      const okReads = declared([...rows[a.kind].reads, 'self.pc'], inst);
      for (const loc of locations) {
        if (okReads.has(loc) || loc === `${nameOf(inst)}.running`) continue;
        for (const b of bytesOf(loc)) {
          const isPc = ownerOfPc.has(b);
          // running: toggle existence; pc: another control point of a running process; else any small value.
          const values = loc.endsWith('.running') ? [s.v[b] === 0 ? 1 : 0] : loc.endsWith('.pc') ? (s.v[b] === 0 ? [] : [1, 2, 3, 4, 5, 6, 7]) : [0, 1, 2, 3, 4, 5, 255];
          for (const val of values) {
            if (val === s.v[b] || (isPc && loc.endsWith('.pc') && val === 0)) continue;
            const x = spec.decodeUnits!(s.u);
            x.v[b] = val;
            if (spec.actions(x).includes(a) !== was) problems.add(`${a.kind}'s guard reads ${loc}, outside its row`);
          }
        }
      }
    }
    for (const q of properties) {
      const r = record(s, -1, (x) => q.holds(x));
      const ok = new Set(q.reads.flatMap((n) => resolve(n, 0, K)));
      for (const l of r.reads) if (!ok.has(l)) problems.add(`property ${q.id} reads ${l}, not in its reads`);
    }
  }
  return [...problems].sort();
}
