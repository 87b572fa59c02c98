/**
 * What a step override is written with: the same building blocks the spec's
 * own steps use (src/model/kernel/*.ts), so a patch reads like the code it
 * replaces. `nlring list --steps` names every label an override can target;
 * `stepAt(label)` gives the original step, to wrap it rather than rewrite it.
 *
 * Everything here is re-exported from the package entry ('nlring').
 */
export { defineVariant, deriveVariant, KNOB_VALUES, type AddedContinuation, type Knobs, type StepOverride, type Variant, type VariantPatch } from './model/variant.js';
export { stepAt, goto, call, ret, lockFree, type Continuation, type Ctx, type StepDef } from './model/step.js';
export type { State, Thread } from './model/state.js';
export { SKB_NONE, SKB_PLAIN, SKB_RX, SKB_TX } from './model/state.js';
export { load, store, peek, here, type FrameField, type FrameRef, type Writer } from './model/mem.js';
export * from './model/constants.js';
export { overrun, dataReady, sockPut, dropSkb, nextIndex, note, noteValue, rxMaxLen, nameOf } from './model/kernel/sock.js';
export { ringFullNow } from './model/kernel/alloc.js';
export { routeSkb } from './model/kernel/deliver.js';
