import type { Continuation, StepDef } from './step.js';
import { UsageError } from '../errors.js';

/**
 * Protocol versions as knobs, not copies (issue: "Parameterise the protocol
 * version with knobs"). Each knob names the kernel code it selects between.
 */
export interface Knobs {
  /**
   * netlink_forward_ring. `start-position` (3.10 … 4.4): the loop re-reads the
   * frame at the starting head while it advances ring->head, so SKIP frames are
   * never passed over (bug B9). `current-head` (4.5): reads the frame at the
   * current head each iteration.
   */
  readonly forwardRing: 'start-position' | 'current-head';
  /** __netlink_alloc_skb's size check before taking the queue lock (K31x, K413, K45; not K310). */
  readonly allocEarlySizeCheck: boolean;
  /**
   * netlink_poll RX readability. `prev-frame` (3.10 … 4.4): forward the ring, then
   * POLLIN if the frame before the kernel head is not UNUSED (B11). `any-valid` (4.5):
   * return early if the receive queue made datagram_poll report POLLIN, else POLLIN iff
   * any frame is VALID (netlink_has_valid_frame).
   */
  readonly pollRx: 'prev-frame' | 'any-valid';
  /**
   * netlink_mmap_sendmsg. `zero-copy` (3.10 … 3.18.3): exclusivity test, zero-copy
   * skb into the frame for kernel destinations, nm_len read several times (B3a/B3b).
   * `always-copy` (4682a0358639, Jan 2015; 4.5): nm_len read once into a local, always copied.
   */
  readonly txMode: 'zero-copy' | 'always-copy';
  /** Sign of the errno netlink_poll / netlink_recvmsg store in sk_err after a failed dump: 3.10 stores it negative (B1). */
  readonly dumpErrSign: 'negative' | 'positive';
  /**
   * netlink_set_status barrier placement (kernel/status.ts). `wmb-after` (3.10): store, then
   * smp_wmb(), which leaves the header and message stores unordered before the status (B2);
   * `mb-before` (3.18.4+, 4.5): smp_mb() then store. `none`: no barrier (not a kernel version;
   * what a patch that dropped it would do). No effect under `--memory sc`.
   */
  readonly statusBarrier: 'wmb-after' | 'mb-before' | 'none';
  /**
   * netlink_get_status (kernel/status.ts). `rmb-before` (every version): smp_rmb() then the
   * status load, so the loads of nm_len and the message after it are not ordered after it
   * (on weak CPUs they may be satisfied first). `acquire`: the status is loaded with acquire
   * semantics (the reference design). Only `--memory weak` tells them apart.
   */
  readonly statusLoad: 'rmb-before' | 'acquire';
  /**
   * Not a kernel version: the "ordered" mode of the design hazard D1. When true, a
   * producer takes the subsystem id lock before allocating, so allocation and id
   * assignment are one atomic section.
   */
  readonly orderedIds: boolean;
  /**
   * netlink_sendmsg's test for "send from the TX ring". `iov-base` (3.10 … 3.19):
   * `msg_iov->iov_base == NULL`, which reads an uninitialised on-stack iovec when
   * `msg_iovlen == 0` (B4). `iter-type-eq` (4.1): one segment, base NULL and
   * `msg_iter.type == ITER_IOVEC`, which never holds because sendto() sets the
   * WRITE direction bit in `type` (B5). `iter-is-iovec` (4.2 … 4.5): one segment,
   * base NULL and `iter_is_iovec()`, the working form.
   */
  readonly ringPathTest: 'iov-base' | 'iter-type-eq' | 'iter-is-iovec';
  /**
   * netlink_dump's allocation. `min-size` (3.10): always the minimum dump size.
   * `autosize` (9063e21fb026, 3.15 on): first try `max_recvmsg_len` (the largest recvmsg buffer
   * seen), then the minimum. `autosize-trim` (4.1): as autosize, and reserve
   * headroom so the message fits the reader's buffer, even in a ring skb (B12).
   * `autosize-trim-nonring` (aa3a022094fa, 4.2 … 4.5): trim only sockets without an RX ring.
   */
  readonly dumpAlloc: 'min-size' | 'autosize' | 'autosize-trim' | 'autosize-trim-nonring';
}

/**
 * The values each knob can take, in the order `nlring list` shows them. The
 * mapped type makes the compiler insist on an entry for every knob.
 */
export const KNOB_VALUES: { readonly [K in keyof Knobs]: readonly Knobs[K][] } = {
  forwardRing: ['start-position', 'current-head'],
  allocEarlySizeCheck: [false, true],
  pollRx: ['prev-frame', 'any-valid'],
  txMode: ['zero-copy', 'always-copy'],
  dumpErrSign: ['negative', 'positive'],
  statusBarrier: ['wmb-after', 'mb-before', 'none'],
  statusLoad: ['rmb-before', 'acquire'],
  orderedIds: [false, true],
  ringPathTest: ['iov-base', 'iter-type-eq', 'iter-is-iovec'],
  dumpAlloc: ['min-size', 'autosize', 'autosize-trim', 'autosize-trim-nonring'],
};

/**
 * A patch to one step of the spec, named by its label (`nlring list --steps`).
 * Each field given replaces the step's own; the rest stay. `cites` names the
 * commit or proposed patch the override stands for. A continuation (a label
 * that takes no step of its own) can only have its `run` replaced.
 */
export interface StepOverride {
  readonly cites: string;
  readonly guard?: StepDef['guard'];
  readonly choices?: StepDef['choices'];
  readonly text?: StepDef['text'];
  readonly run?: StepDef['run'];
  readonly window?: StepDef['window'];
  readonly inWindow?: StepDef['inWindow'];
}

/** A continuation a variant adds: private bookkeeping run as the tail of the step that jumps to its label. */
export interface AddedContinuation {
  readonly cites: string;
  readonly run: Continuation;
}

export interface Variant {
  readonly id: string;
  readonly description: string;
  /** The source snapshot it follows (docs/protocol.md lists them), or the patch it applies. */
  readonly cites: string;
  readonly knobs: Knobs;
  /** The variant it was derived from, if any (for listings). */
  readonly base?: string;
  /** Step overrides by label: how a patch changes what a step does. */
  readonly overrides?: Readonly<Record<string, StepOverride>>;
  /** New labelled steps (a step split in two, or one added), reached by `goto`/`call` from overridden code. */
  readonly steps?: Readonly<Record<string, StepDef>>;
  /** New labelled continuations. */
  readonly continuations?: Readonly<Record<string, AddedContinuation>>;
}

/** Everything a patch says: its base, what it is, and what it changes. */
export interface VariantPatch {
  readonly base: Variant;
  readonly id: string;
  readonly description: string;
  readonly cites: string;
  readonly knobs?: Partial<Knobs>;
  readonly overrides?: Readonly<Record<string, StepOverride>>;
  readonly steps?: Readonly<Record<string, StepDef>>;
  readonly continuations?: Readonly<Record<string, AddedContinuation>>;
}

const PATCH_FIELDS = ['base', 'id', 'description', 'cites', 'knobs', 'overrides', 'steps', 'continuations'];

/**
 * Knob names and values, checked: an unknown knob or a value a knob cannot take
 * is a UsageError that lists what exists (plain JavaScript has no compiler to say so).
 */
export function checkKnobs(where: string, knobs: object, complete: boolean): void {
  if (typeof knobs !== 'object' || knobs === null) throw new UsageError(`${where}: knobs must be an object`);
  const names = Object.keys(KNOB_VALUES);
  for (const [k, v] of Object.entries(knobs)) {
    const allowed = (KNOB_VALUES as Record<string, readonly unknown[]>)[k];
    if (allowed === undefined) throw new UsageError(`${where}: unknown knob '${k}' (knobs: ${names.join(', ')})`);
    if (!allowed.includes(v)) throw new UsageError(`${where}: knob ${k} must be ${allowed.map((x) => JSON.stringify(x)).join(' or ')}, got ${JSON.stringify(v)}`);
  }
  if (complete) {
    const missing = names.filter((k) => !(k in knobs));
    if (missing.length > 0) throw new UsageError(`${where}: missing knobs ${missing.join(', ')} (derive it with deriveVariant(base, ...) or defineVariant({ base, ... }) to inherit the rest)`);
  }
}

/**
 * Derive a variant from another: how reviewers write a patch. Knobs and
 * overrides not given are the base's; an override of a label the base already
 * overrides replaces the fields it gives. Step labels are checked when the
 * variant is first used (the spec's modules must be loaded to know them).
 */
export function defineVariant(p: VariantPatch): Variant {
  if (typeof p !== 'object' || p === null) throw new UsageError('defineVariant takes one object { base, id, description, cites, knobs?, overrides?, steps?, continuations? }');
  for (const k of Object.keys(p)) if (!PATCH_FIELDS.includes(k)) throw new UsageError(`defineVariant: unknown field '${k}' (fields: ${PATCH_FIELDS.join(', ')})`);
  if (typeof p.base !== 'object' || p.base === null || typeof p.base.knobs !== 'object') throw new UsageError(`variant '${String(p.id)}': 'base' must be a variant (e.g. linux45)`);
  for (const f of ['id', 'description', 'cites'] as const) {
    if (typeof p[f] !== 'string' || p[f].trim() === '') throw new UsageError(`defineVariant: '${f}' must be a non-empty string`);
  }
  if (!/^[^\s/]+$/.test(p.id)) throw new UsageError(`variant id ${JSON.stringify(p.id)} must be a word without spaces or '/'`);
  checkKnobs(`variant '${p.id}'`, p.knobs ?? {}, false);
  for (const f of ['overrides', 'steps', 'continuations'] as const) {
    if (p[f] !== undefined && (typeof p[f] !== 'object' || p[f] === null)) throw new UsageError(`variant '${p.id}': '${f}' must be an object keyed by step label`);
  }
  const overrides: Record<string, StepOverride> = { ...(p.base.overrides ?? {}) };
  for (const [label, o] of Object.entries(p.overrides ?? {})) {
    // Checked here, before the spread below would turn null into {} and blame a missing 'cites'.
    if (typeof o !== 'object' || o === null) throw new UsageError(`variant '${p.id}': override of '${label}' must be an object { cites, text?, run?, guard?, choices? }, got ${o === null ? 'null' : typeof o}`);
    overrides[label] = { ...(overrides[label] ?? {}), ...o };
  }
  const steps = { ...(p.base.steps ?? {}), ...(p.steps ?? {}) };
  const continuations = { ...(p.base.continuations ?? {}), ...(p.continuations ?? {}) };
  return {
    id: p.id,
    description: p.description,
    cites: p.cites,
    knobs: { ...p.base.knobs, ...(p.knobs ?? {}) },
    base: p.base.id,
    ...(Object.keys(overrides).length > 0 ? { overrides } : {}),
    ...(Object.keys(steps).length > 0 ? { steps } : {}),
    ...(Object.keys(continuations).length > 0 ? { continuations } : {}),
  };
}

/** Derive a variant from another by changing knobs only (the positional form of defineVariant). */
export function deriveVariant(base: Variant, id: string, description: string, cites: string, knobs: Partial<Knobs>): Variant {
  return defineVariant({ base, id, description, cites, knobs });
}
