/**
 * The canonical encoding of a State (design.md: the spec owns it, so equal
 * states give equal bytes). A State is already a fixed-layout vector of 16-bit
 * values (state.ts), so its encoding is that vector read as unsigned units;
 * labels are their registration index. The transient record of the last step
 * (ghost.last, ghost.note) lives outside the vector: it is evidence for
 * properties, not state.
 */
import type { Layout } from './state.js';
import { State } from './state.js';
import { labelAt } from './step.js';

/** The canonical encoding as a string of 16-bit code units. */
export function encodeState(s: State): string {
  const units = s.units;
  // Chunked to stay within the argument-count limit of apply.
  let out = '';
  for (let i = 0; i < units.length; i += 4096) out += String.fromCharCode.apply(null, units.subarray(i, Math.min(units.length, i + 4096)) as unknown as number[]);
  return out;
}

/** The canonical encoding: the state's own vector, shared (copy it to keep it). */
export function encodeUnits(s: State): Uint16Array {
  return s.units;
}

/**
 * Load an encoding into an existing state of the same layout (the transient
 * record is cleared); `fp` is its fingerprint when the caller knows it.
 */
export function loadUnits(s: State, units: Uint16Array, fp?: Uint32Array): void {
  if (units.length !== s.units.length) {
    throw new Error(`decode: ${units.length} units where the scenario's state vector has ${s.units.length}`);
  }
  s.load(units, fp);
}

/**
 * The inverse of encodeState for states of one scenario layout. Label ids are
 * checked, so a foreign encoding fails here rather than deep inside a step.
 */
export function makeDecoder(layout: Layout): { decode: (key: string) => State; decodeUnits: (units: Uint16Array) => State } {
  const decodeUnits = (units: Uint16Array): State => {
    const s = new State(layout);
    loadUnits(s, units);
    for (const t of s.threads) labelAt(t.pcId);
    return s;
  };
  return {
    decode: (key) => {
      const units = new Uint16Array(key.length);
      for (let i = 0; i < key.length; i++) units[i] = key.charCodeAt(i);
      return decodeUnits(units);
    },
    decodeUnits,
  };
}
