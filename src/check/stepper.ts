/**
 * How engines step a spec: through its in-place fast path (spec.inPlace, a
 * SPIN-style state vector) when it has one, else through `next` and the
 * encoders, behind the same small interface. Engines work on *slots*: a slot
 * holds one state, and stepping a slot replaces its state with a successor. With
 * the fast path a slot is a scratch state stepped in place (no allocation per
 * transition); otherwise it is a box around an immutable state.
 */
import type { ActionBase, Spec } from '../model/interface.js';
import { FINGERPRINT_HASH, fingerprint, keyUnits } from './fingerprint.js';

/** An opaque holder of one state. */
export interface Slot {
  readonly __slot: unique symbol;
}

export interface Stepper<S, A extends ActionBase> {
  /** A new slot holding the initial state. */
  slot(): Slot;
  /** Put the initial state in `x`. */
  reset(x: Slot): void;
  /** Make `dst` hold the state `src` holds (and what its last step did). */
  copy(dst: Slot, src: Slot): void;
  /** A new slot holding what `x` holds. */
  clone(x: Slot): Slot;
  /** Step `x` by `a`. */
  apply(x: Slot, a: A): void;
  /** The state in `x`, for actions and properties (valid until `x` changes). */
  state(x: Slot): S;
  /** Its canonical encoding (valid until `x` changes or the next `units` call). */
  units(x: Slot): Uint16Array;
  /** Put the state `u` encodes in `x` (with its fingerprint, if known); absent when the spec cannot decode. */
  readonly load?: (x: Slot, u: Uint16Array, fp?: Uint32Array) => void;
  /** The 64-bit fingerprint of `units(x)`, as two unsigned halves written into `out`. */
  fingerprint(x: Slot, out: Uint32Array): void;
  /** Whether `fingerprint` is kept by the spec as states change (then `load` accepts it back, saving a rehash). */
  readonly incremental: boolean;
  /** The name of the fingerprint function, for reports. */
  readonly hashName: string;
}

interface Box<S> {
  s: S;
}

export function stepperOf<S, A extends ActionBase>(spec: Spec<S, A>): Stepper<S, A> {
  const init = spec.init();
  const ip = spec.inPlace;
  if (ip) {
    const as = (x: Slot) => x as unknown as S;
    const slot = () => {
      const x = ip.scratch();
      ip.copy(x, init);
      return x as unknown as Slot;
    };
    return {
      slot,
      reset: (x) => ip.copy(as(x), init),
      clone: (x) => {
        const y = ip.scratch();
        ip.copy(y, as(x));
        return y as unknown as Slot;
      },
      copy: (dst, src) => ip.copy(as(dst), as(src)),
      apply: (x, a) => ip.apply(as(x), a),
      state: as,
      units: (x) => ip.units(as(x)),
      load: (x, u, fp) => ip.load(as(x), u, fp),
      ...(ip.fingerprint
        ? { fingerprint: (x: Slot, out: Uint32Array) => (ip.fingerprint as (s: S, o: Uint32Array) => void)(as(x), out), incremental: true, hashName: ip.fingerprintName ?? 'spec-defined' }
        : { fingerprint: (x: Slot, out: Uint32Array) => fingerprint(ip.units(as(x)), out), incremental: false, hashName: FINGERPRINT_HASH }),
    };
  }
  const box = (x: Slot) => x as unknown as Box<S>;
  const encode = spec.encodeUnits ? spec.encodeUnits.bind(spec) : (s: S) => keyUnits(spec.encode(s));
  const decode = spec.decodeUnits
    ? spec.decodeUnits.bind(spec)
    : spec.decode
      ? (u: Uint16Array) => (spec.decode as (k: string) => S)(String.fromCharCode(...u))
      : undefined;
  return {
    slot: () => ({ s: init }) as unknown as Slot,
    reset: (x) => void (box(x).s = init),
    clone: (x) => ({ s: box(x).s }) as unknown as Slot,
    copy: (dst, src) => void (box(dst).s = box(src).s),
    apply: (x, a) => void (box(x).s = spec.next(box(x).s, a)),
    state: (x) => box(x).s,
    units: (x) => encode(box(x).s),
    fingerprint: (x, out) => fingerprint(encode(box(x).s), out),
    incremental: false,
    hashName: FINGERPRINT_HASH,
    ...(decode ? { load: (x: Slot, u: Uint16Array) => void (box(x).s = decode(u)) } : {}),
  };
}
