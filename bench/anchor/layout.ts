/**
 * The anchor's state vector layout and control points, shared by the spec
 * (rxring.ts) and its partial-order reduction (reduction.ts), which both read
 * program counters out of the same bytes.
 */

export interface AnchorParams {
  /** Frames in the ring (F). */
  readonly frames: number;
  /** Kernel senders (K). */
  readonly senders: number;
  /** Messages per sender (M). */
  readonly messages: number;
  /**
   * SPIN's statement merging (default true, as `spin -a`): `sent++` rides on the
   * step before it. false gives the transition system of `spin -o3 -a`, where it
   * is a step of its own (the only difference this model shows).
   */
  readonly merging?: boolean;
}

/**
 * Program counters. Each is a control point of pan's merged state machine
 * (the pan state number in brackets, for F = 4); 0 means the process is not running.
 */
export const S_LOOP = 1; // [32] top of the do loop: sent < M or else
export const S_ALLOC = 2; // [20] before the atomic allocation block
export const S_PUB = 3; // [27] the if after it: frame != 255 or else
export const S_WRITE = 4; // [24] before the atomic publish block
export const S_NOPUB = 5; // [26] the else branch: skip
export const S_END = 6; // [35] after the loop: waits to be removed
export const S_INC = 7; // [29] before sent++, a step of its own only without merging
export const I_START = 1; // [9] init before its atomic block
export const I_END = 2; // [10] init after it: waits to be removed
export const U_LOOP = 1; // [31] the reader's do loop (the reader never ends)

/** Where each field lives in the byte vector. */
export class Layout {
  readonly head: number;
  readonly cursor: number;
  readonly nread: number;
  readonly nlost: number;
  readonly nheld: number;
  readonly readerPc: number;
  readonly readerJ: number;
  readonly initPc: number;
  readonly initK: number;
  /** Sender i's block starts at senderAt + 4 * i: pc, sent, frame, hops. */
  readonly senderAt: number;
  /** Bytes, rounded up to whole 16-bit units. */
  readonly bytes: number;
  constructor(readonly p: AnchorParams) {
    let at = p.frames; // status[0..F-1] first
    this.head = at++;
    this.cursor = at++;
    this.nread = at++;
    this.nlost = at++;
    this.nheld = at++;
    this.readerPc = at++;
    this.readerJ = at++;
    this.initPc = at++;
    this.initK = at++;
    this.senderAt = at;
    at += 4 * p.senders;
    this.bytes = at + (at & 1);
  }
}
