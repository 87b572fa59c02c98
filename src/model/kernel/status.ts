/**
 * netlink_set_status and netlink_get_status (af_netlink.c), the kernel's only
 * ordering of frame accesses against userspace (protocol reference §6), placed
 * per version by two knobs. Only the tso and weak memory models (mem.ts) can
 * tell the placements apart.
 */
import type { FrameRef } from '../mem.js';
import { load, mb, rmb, store, wmb } from '../mem.js';
import type { State } from '../state.js';
import type { Ctx } from '../step.js';

const KERNEL = (ti: number) => ({ thread: ti, kernel: true, conforming: true });

/** Header fields the kernel writes just before the status (netlink_queue_mmaped_skb, netlink_ring_set_copied, the destructor). */
export interface HeaderStores {
  readonly len?: number;
  readonly group?: number;
  readonly off?: number;
}

/**
 * The header stores that precede netlink_set_status, then netlink_set_status(hdr, status):
 * - `wmb-after` (3.10: `hdr->nm_status = status; flush_dcache_page(...); smp_wmb();`): the
 *   barrier comes after the status store, so it does not order the header and message
 *   stores before it (bug B2);
 * - `mb-before` (3.18.4+, 4.5: `smp_mb(); hdr->nm_status = status; flush_dcache_page(...);`):
 *   every earlier store (and load) is ordered before the status store;
 * - `none`: no barrier at all (not a kernel version: for showing that the barrier matters).
 * `owner` is the ghost owner the properties read.
 */
export function setStatus(c: Ctx, s: State, ti: number, ref: FrameRef, status: number, owner: number | undefined, header?: HeaderStores): void {
  if (header !== undefined) store(s, KERNEL(ti), ref, header);
  if (c.knobs.statusBarrier === 'mb-before') mb(s, ti);
  store(s, KERNEL(ti), ref, owner === undefined ? { status } : { status, owner });
  if (c.knobs.statusBarrier === 'wmb-after') wmb(s, ti);
}

/**
 * netlink_get_status(hdr): `smp_rmb(); flush_dcache_page(...); return hdr->nm_status;` in every
 * version. The barrier is before the load, so it does not keep the header and message loads
 * that follow from being satisfied before the status load (statusLoad `rmb-before`: the step
 * that calls this is a window, StepDef.window). `acquire` (the reference design) loads the
 * status with acquire semantics (smp_load_acquire), which closes the window.
 */
export function getStatus(_c: Ctx, s: State, ti: number, ref: FrameRef): number {
  // The rmb orders this load after every earlier one: early loads taken before it are void.
  // (A window's early loads are taken while the thread waits at this step, i.e. after the rmb.)
  return load(s, ti, ref, 'status');
}

/** Whether the kernel's status loads leave a window for the loads after them (statusLoad knob). */
export function statusLoadWindow(c: Ctx): boolean {
  return c.knobs.statusLoad === 'rmb-before';
}

export { rmb };
