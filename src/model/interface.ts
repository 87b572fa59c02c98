/**
 * The contract between a specification and the engines that check it.
 *
 * Nothing here knows about netlink: the BFS, simulation and PBT engines see only
 * this interface, after stateright's `Model`. The order of `actions()` is
 * deterministic, so a counterexample can be replayed as a list of action indices
 * (`0/3/1/...`).
 */

/** An action is plain data; `describe()` turns it into one readable line. */
export interface ActionBase {
  /** Which actor takes the step, e.g. `prod1`, `consumer`, `sendmsg`. */
  readonly actor: string;
  /** Which step of that actor's program, e.g. `alloc.reserve`. */
  readonly kind: string;
}

export interface Spec<S, A extends ActionBase = ActionBase> {
  /** The single initial state. */
  init(): S;
  /** The enabled actions, in a deterministic order. Empty means the run has ended (or deadlocked). */
  actions(s: S): A[];
  /** The successor of `s` under `a`. Never mutates `s`. */
  next(s: S, a: A): S;
  /** Canonical encoding: equal states give equal strings. */
  encode(s: S): string;
  /**
   * The inverse of `encode` (optional): engines that have it keep their frontier
   * encoded, which costs far less memory than state objects. The transient part
   * of a state (what the last step did) need not survive the round trip.
   */
  decode?(key: string): S;
  /**
   * Optional fast path for engines: the same canonical encoding as 16-bit units,
   * possibly shared with `s` or with a scratch buffer (copy it to keep it), and
   * its inverse. An engine that has them hashes and stores units and never
   * builds strings.
   */
  encodeUnits?(s: S): Uint16Array;
  decodeUnits?(units: Uint16Array): S;
  /**
   * Optional symmetry reduction: the least encoding among the images of `s` under
   * the spec's symmetries (a scratch array, valid until the next call). Engines that use it fingerprint this
   * but expand the actual state. Absent when the spec declares no symmetry.
   */
  canonicalUnits?(s: S): Uint16Array;
  /**
   * What this spec leaves out of its states because nothing being checked reads it
   * (a cone-of-influence reduction), one line each, for reports. Absent when it
   * tracks everything.
   */
  readonly leftOut?: readonly string[];
  /**
   * The memory model the spec's states follow, when it is not sequential
   * consistency, and the bounds its store buffers and early loads were explored
   * within (one line), for reports.
   */
  readonly memory?: { readonly model: string; readonly bounds: string };
  /**
   * Optional in-place fast path, for specs whose states are fixed-layout vectors
   * (SPIN's state vector): engines then step scratch states in place, copy them
   * with one `set()` and read their encoding without building it, so a
   * transition allocates nothing. Must agree with init/next/encodeUnits.
   */
  readonly inPlace?: InPlace<S, A>;
  /**
   * One line saying what `a` does when taken in `s`, e.g.
   * `kernel[prod1]: alloc: reserve rx frame 2 (RESERVED, pending++, head++)`.
   * Engines call it only for the steps they report, so `actions()` stays cheap.
   */
  describe(s: S, a: A): string;
  /** A multi-line drawing of the state (rings, cursors, queues) for counterexamples. */
  render(s: S): string;
  /** A one-line summary of the state, for compact timelines. */
  summary(s: S): string;
  /**
   * Optional: the state as structured, JSON-able data (named fields, nothing
   * abbreviated) for reports that draw or diff it: the text timeline, the HTML
   * report, ITF traces. Engines never call it.
   */
  view?(s: S): unknown;
  /**
   * Optional: what the step `a` taken in `s` is, as data: whose code it is
   * (`kernel` or `user` lane), the thread, the step label and the kernel function
   * and version it models. Reports call it only for the steps they show.
   */
  stepInfo?(s: S, a: A): { readonly lane: 'kernel' | 'user'; readonly actor: string; readonly label: string; readonly cites: string };
  /**
   * Optional, for coverage reports (the state-space summary, `check-all --dead-steps`):
   * every action kind the spec can take (for netlink: the step labels of its
   * variant), so a report can name the kinds that never fired. Without it a report
   * counts what fired and cannot say what did not.
   */
  kinds?(): readonly string[];
  /**
   * Optional fast path for counting firings: a small integer >= 0 per action kind
   * (equal for actions of one kind, different for different kinds), so an engine
   * counts in an array instead of hashing `kind` on every transition.
   */
  kindIndex?(a: A): number;
  /**
   * Optional partial-order reduction: the ample sets that are sound for checking
   * `properties` (their reads decide which steps are visible), or why the spec
   * cannot reduce for them.
   */
  reduction?(properties: readonly Property<S>[]): Reduction<S, A> | { readonly unavailable: string };
  /**
   * Liveness (optional; `check --liveness`, src/check/liveness.ts, docs/liveness.md):
   * whether the step `a` from `s` to `t` is progress (for netlink: a message made
   * readable or consumed, a TX frame consumed, a thread finished). `t` is the
   * successor with its record of what the step did. A loop of steps none of which
   * is progress is a livelock if it is weakly fair. Without it, liveness is refused.
   */
  progress?(s: S, a: A, t: S): boolean;
  /**
   * Liveness (optional): the name of the promise the step belongs to, if its actor
   * is promised to take such a step eventually when one is offered again and again
   * (strong fairness), e.g. `lock` for taking a FIFO lock, `release` for a
   * consumer releasing a frame it holds; undefined for other steps. A loop that
   * offers a step of some (actor, promise) and never takes one is not reported.
   * Without it, only weak fairness of actors.
   */
  strongFair?(s: S, a: A, t: S): string | undefined;
  /**
   * Liveness (optional): for a state where no action is enabled, one line per
   * actor whose work is left undone (not finished and not at a proper resting
   * point, SPIN's `end` labels); empty when the state is a proper end.
   */
  unfinished?(s: S): string[];
}

/**
 * Partial-order reduction offered by a spec (`bfs --por`): for a state and its
 * enabled actions, candidate ample sets as lists of indices into `actions`, in
 * preference order. Each candidate must be non-empty, persistent (no step
 * outside it, on any path from the state that does not take one of its
 * actions, depends on one of them) and invisible to the properties it was made
 * for. The engine takes the first candidate that passes the cycle proviso and
 * expands the state fully when none does (or none is offered).
 */
export interface Reduction<S, A> {
  readonly ample: (s: S, actions: readonly A[]) => readonly (readonly number[])[];
  /** How the candidates are chosen, one line for reports. */
  readonly method: string;
}

export interface InPlace<S, A> {
  /** A new state to work in; its content is unspecified until copied or loaded into. */
  scratch(): S;
  /** Make `dst` equal to `src` (the transient record of the last step included). */
  copy(dst: S, src: S): void;
  /** Make `s` its successor under `a` (as `next` would return it). */
  apply(s: S, a: A): void;
  /** The canonical encoding of `s`, shared with it: valid until `s` changes. */
  units(s: S): Uint16Array;
  /** Make `s` the state `units` encodes; `fingerprint`, when given, is what `fingerprint` said of it. */
  load(s: S, units: Uint16Array, fingerprint?: Uint32Array): void;
  /**
   * Optional: a 64-bit fingerprint of `units(s)` kept up to date as `s` changes,
   * written as two unsigned halves into `out`. It must be a fixed function of the
   * encoding, named by `fingerprintName`. Engines then never hash whole states.
   */
  fingerprint?(s: S, out: Uint32Array): void;
  readonly fingerprintName?: string;
}

export type PropertyKind = 'always' | 'sometimes';

/** A property as named data (design.md, after stateright's `Property`). */
export interface Property<S> {
  readonly id: string;
  readonly family: string;
  /** `always`: must hold in every reachable state. `sometimes`: a witness that must be reached at least once. */
  readonly kind: PropertyKind;
  /** What it asserts, in one or two sentences. */
  readonly doc: string;
  /** The kernel rule it encodes, with function and version. */
  readonly cites: string;
  readonly holds: (s: S) => boolean;
  /**
   * Optional: for a state where `holds` is false, one or two sentences naming the
   * values that broke it (which frame, which thread, which store), for the
   * counterexample's explanation. Reports fall back to `doc` without it.
   */
  readonly explain?: (s: S) => string;
  /**
   * The predicate reads only the state proper (what the canonical encoding
   * holds), not the record of what the last step did. BFS then judges it once
   * per distinct state instead of on every transition, which is sound because a
   * state-only predicate has the same value however the state is reached. Leave
   * it unset when in doubt: the default judges every transition.
   */
  readonly stateOnly?: boolean;
}

/** What an engine checks: a spec plus the properties that apply to it. */
export interface CheckTarget<S, A extends ActionBase = ActionBase> {
  readonly variant: string;
  readonly scenario: string;
  readonly spec: Spec<S, A>;
  /** Safety properties checked in every state. */
  readonly invariants: readonly Property<S>[];
  /** Reachability witnesses: a complete run that misses one is vacuous. */
  readonly witnesses: readonly Property<S>[];
}
