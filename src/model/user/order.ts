/**
 * How userspace orders its accesses to the rings (ScenarioConfig.userOrder),
 * which only the tso and weak memory models (mem.ts) can tell apart.
 *
 * `plain`: as the documentation's example, libmnl, ulogd2 and nurs are written,
 * with plain C loads and stores and no barriers (protocol reference §6, §7).
 * `ordered`: as a correct program must be written (the one tool seen doing it
 * loads the status with __atomic_load_n(..., __ATOMIC_SEQ_CST)):
 * - the status is loaded with acquire semantics (__atomic_load_n(&hdr->nm_status,
 *   __ATOMIC_ACQUIRE)), so nm_len and the message are read after it;
 * - a frame is published (TX: VALID) or handed back (RX: UNUSED, SKIP) with a
 *   release store (__atomic_store_n(&hdr->nm_status, s, __ATOMIC_RELEASE)), so the
 *   message and nm_len written before it are visible first.
 */
import { wmb, type FrameRef } from '../mem.js';
import type { State } from '../state.js';
import type { Ctx } from '../step.js';

export const ORDERED_USER = 'protocol reference §6 (a correct userspace): __atomic_store_n(&hdr->nm_status, status, __ATOMIC_RELEASE)';

/** Userspace writes the status that publishes or hands back a frame: ordered code makes it a release store. */
export function beforeStatusStore(c: Ctx, s: State, ti: number): void {
  if (c.scenario.userOrder !== 'plain') wmb(s, ti);
}

/** The frame whose header and message a plain status load leaves open to early loads (StepDef.window); null for ordered code, which loads the status with acquire. */
export function userWindow(c: Ctx, ref: FrameRef | null): FrameRef | null {
  return c.scenario.userOrder === 'plain' ? ref : null;
}
