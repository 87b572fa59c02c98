/**
 * The memory system's own steps under tso and weak (mem.ts): a thread's
 * buffered store becoming visible, and a load satisfied ahead of the thread's
 * program. They belong to the CPU running the thread, not to its code, so they
 * do not move its program counter; spec.ts offers them beside the thread's
 * next step, and the engines interleave them like any other.
 */
import { RX } from './constants.js';
import { LOC_HEADER, LOC_NAMES, drain, drainable, earlyChoices, entryLine, loadEarly, peek, storeBuffer, type FrameRef } from './mem.js';
import type { State } from './state.js';
import { defineSteps, labelId, type Ctx } from './step.js';

const MEMORY_BARRIERS = 'Documentation/memory-barriers.txt ("CPU memory barriers"); protocol.md §6';

function where(e: { ring: number; frame: number }): string {
  return `${e.ring === RX ? 'rx' : 'tx'} frame ${e.frame}`;
}

defineSteps({
  'cpu.drain': {
    who: 'cpu',
    cites: `${MEMORY_BARRIERS}: a store waits in the CPU's store buffer and becomes visible to other CPUs later; tso: oldest first; weak: any order a barrier allows, one location's stores in order`,
    text: (_c, s, ti, arg) => `store buffer: ${entryLine(storeBuffer(s, ti)[arg])} becomes visible`,
    run: (_c, s, ti, arg) => drain(s, ti, arg),
  },
  'cpu.early': {
    who: 'cpu',
    cites: `${MEMORY_BARRIERS}: with no read barrier after a load, a weak CPU may satisfy later loads from other locations first`,
    text: (c, s, ti, arg) => {
      const r = windowOf(c, s, ti) as FrameRef;
      // The message offset is tracked for RX frames only (TX messages are always at frame + NL_MMAP_HDRLEN).
      const at = r.ring === RX ? ` at + ${peek(s, ti, r, 'off')}` : '';
      const what = arg === LOC_HEADER ? `nm_len ${peek(s, ti, r, 'len')}` : `message ${peek(s, ti, r, 'msg')}${at}`;
      return `early load: ${where(r)} ${LOC_NAMES[arg]} (${what}) read before its status`;
    },
    run: (c, s, ti, arg) => loadEarly(s, ti, windowOf(c, s, ti) as FrameRef, arg),
  },
});

export const DRAIN_ID = labelId('cpu.drain');
export const EARLY_ID = labelId('cpu.early');

/** The frame of the window the thread is at (its next step's StepDef.window), or null. */
export function windowOf(c: Ctx, s: State, ti: number): FrameRef | null {
  const def = c.table.steps[s.threads[ti].pcId];
  return def?.window ? def.window(c, s, ti) : null;
}

/** The memory system's actions in this state, as (thread, label, choice): every drainable entry, then every early load. */
export function memoryActions(c: Ctx, s: State, push: (ti: number, label: number, arg: number) => void): void {
  for (let ti = 0; ti < s.threads.length; ti++) {
    for (const i of drainable(s, ti)) push(ti, DRAIN_ID, i);
    if (c.layout.memory !== 'weak') continue;
    for (const loc of earlyChoices(s, ti, windowOf(c, s, ti))) push(ti, EARLY_ID, loc);
  }
}
