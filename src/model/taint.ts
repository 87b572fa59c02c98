/**
 * Values read from memory nobody initialised, tracked the way MemorySanitizer
 * does: every value carries a shadow bit, a read of uninitialised memory yields
 * a poisoned value, and copying it around is allowed, but a conditional branch
 * on it is the error (MSan reports at the use that decides control flow, not at
 * the read). The model records such a branch in the ghost state
 * (`ghost.uninitBranch`), and the determinism property fails on it.
 *
 * The model does not know what garbage the memory holds. A step that reads it
 * offers each value that makes a difference to the code as a nondeterministic
 * choice, so the checker explores every outcome, and passes the choice through
 * `uninitRead` so that the value is marked.
 */
import type { State } from './state.js';

/** A value with its shadow: `uninit` is true if it came from memory nobody wrote. */
export interface Shadowed {
  readonly value: number;
  readonly uninit: boolean;
}

/** A value the code computed or read from initialised memory. */
export function initialised(value: number): Shadowed {
  return { value, uninit: false };
}

/** The value of a read of uninitialised memory (which value: the step's choice), poisoned. */
export function uninitRead(value: number): Shadowed {
  return { value, uninit: true };
}

/**
 * `if (v)`: the truth of `v` for the branch the code takes. A poisoned `v` makes
 * the branch, and everything the kernel does after it, depend on garbage: the
 * ghost state records it (sticky, so a later state still shows it).
 */
export function branchOn(s: State, v: Shadowed): boolean {
  if (v.uninit) s.ghost.uninitBranch = true;
  return v.value !== 0;
}
