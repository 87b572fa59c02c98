/**
 * The TX producer (protocol.md §7.1, §7.2): take the frame at the private TX
 * cursor, require UNUSED, write the message at frame + 24 and nm_len, set VALID,
 * advance; after `batch` frames call sendto(fd, NULL, 0) (MSG_DONTWAIT if asked),
 * or, with `call: 'sendmsg-noiov'`, sendmsg() with msg_iovlen == 0 (B4's trigger).
 * If the next frame is not UNUSED and nothing is waiting to be sent, it stops:
 * a real producer would wait for POLLOUT, which the bounded model leaves out.
 *
 * With `misbehave` (config.ts TxMisbehaviour) it breaks the rules in the ways real
 * programs do: a wrong nm_len (a length computed for another buffer, or forgotten),
 * calling again after an error, and submitting a frame a second time.
 */
import { STATUS_NAMES, TX, UNUSED, VALID } from '../constants.js';
import type { TxMisbehaviour, TxParams } from '../config.js';
import { maxLen } from '../geometry.js';
import { load, store, peek } from '../mem.js';
import { beforeStatusStore } from './order.js';
import type { State } from '../state.js';
import type { Ctx } from '../step.js';
import { DONE, call, defineContinuations, defineSteps, goto } from '../step.js';
import { nextIndex } from '../kernel/sock.js';

const DOC = 'Documentation/networking/netlink_mmap.txt TX example; libmnl nf-queue example (several frames, one sendto)';
const USER = (ti: number) => ({ thread: ti, kernel: false, conforming: true });
/** A store that breaks the ownership rules on purpose: the user-ownership property exempts it. */
const ROGUE = (ti: number) => ({ thread: ti, kernel: false, conforming: false });
const NO_MISBEHAVIOUR: TxMisbehaviour = {};

/** u.fill's choices of nm_len: the message's true length, or (misbehaving) one too large or too small. */
const TRUE_LEN = 0;
const OVERSIZE = 1;
const UNDERSIZE = 2;
/** Less than a netlink header (NLMSG_HDRLEN 16). */
const UNDERSIZE_LEN = 8;

function params(c: Ctx, ti: number): TxParams {
  const spec = c.threads[ti];
  if (spec.program !== 'txuser') throw new Error(`${spec.name} is not a TX user`);
  return spec.params;
}

function misbehave(c: Ctx, ti: number): TxMisbehaviour {
  return params(c, ti).misbehave ?? NO_MISBEHAVIOUR;
}

/** The nm_len u.fill writes for its choice `arg`. */
function lenFor(c: Ctx, arg: number): number {
  if (arg === OVERSIZE) return maxLen(c.scenario.requests[c.scenario.tx!].frameSize) + 8;
  if (arg === UNDERSIZE) return UNDERSIZE_LEN;
  return c.scenario.msgLen;
}

/** The frame submitted last: the one before the cursor. */
function lastFrame(c: Ctx, s: State, ti: number): number {
  const n = frames(c);
  return (s.threads[ti].l.txCursor + n - 1) % n;
}

function ref(s: State, frame: number) {
  return { ring: TX, gen: s.sock.vmaTxGen, frame };
}

/** How the user's send call looks on the way in: the kernel's msghdr has msg_iovlen 0, or one iovec {NULL, 0}. */
function callName(c: Ctx, ti: number): string {
  return params(c, ti).call === 'sendmsg-noiov' ? 'sendmsg(msg_iovlen 0)' : 'sendto(NULL, 0)';
}

/** Make the send call: set up its arguments, then enter netlink_sendmsg. */
function submit(c: Ctx, s: State, ti: number): void {
  const t = s.threads[ti];
  t.l.txNoIov = params(c, ti).call === 'sendmsg-noiov';
  call(t, 'tx.enter', 'u.sent');
}

function frames(c: Ctx): number {
  return c.scenario.tx === null ? 0 : c.scenario.requests[c.scenario.tx].frameNr;
}

defineContinuations({
  'u.sent': (c, s, ti) => {
    const t = s.threads[ti];
    t.l.unsent = 0;
    const m = misbehave(c, ti);
    if (t.l.ret < 0 && t.l.retried < (m.retries ?? 0)) return goto(t, 'u.retry');
    if (m.resubmit === true) return goto(t, 'u.resubmit');
    goto(t, t.l.k < params(c, ti).count ? firstStep(c, ti) : DONE);
  },
  'u.next': (c, s, ti) => {
    const t = s.threads[ti];
    goto(t, t.l.k < params(c, ti).count ? 'u.check' : DONE);
  },
});

/** Where the thread starts and resumes: fill the next frame, or (a thread that only sends) make the next call. */
export function firstStep(c: Ctx, ti: number): string {
  return params(c, ti).fills === false ? 'u.kick' : 'u.check';
}

defineSteps({
  'u.check': {
    who: 'user',
    cites: `${DOC}: the frame at the cursor must be UNUSED`,
    text: (c, s, ti) => {
      const l = s.threads[ti].l;
      const st = peek(s, ti, ref(s, l.txCursor), 'status');
      if (st === UNUSED) return `tx frame ${l.txCursor} is UNUSED: fill it`;
      return `tx frame ${l.txCursor} is ${STATUS_NAMES[st]}: ${l.unsent > 0 ? `${callName(c, ti)} what is filled` : 'stop'}`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      if (load(s, ti, ref(s, t.l.txCursor), 'status') === UNUSED) return goto(t, 'u.fill');
      if (t.l.unsent > 0) return submit(c, s, ti);
      goto(t, DONE);
    },
  },
  'u.fill': {
    who: 'user',
    cites: `${DOC}: build the message at frame + NL_MMAP_HDRLEN, set nm_len (misbehaving: a length too large for the frame or shorter than a netlink header)`,
    choices: (c, _s, ti) => (misbehave(c, ti).badLen === true ? [TRUE_LEN, OVERSIZE, UNDERSIZE] : [TRUE_LEN]),
    text: (c, s, ti, arg) => {
      const wrong = arg === OVERSIZE ? ', more than the frame holds' : arg === UNDERSIZE ? ', less than a netlink header' : '';
      return `write message ${params(c, ti).firstTag + s.threads[ti].l.k} (nm_len ${lenFor(c, arg)}${wrong}) into tx frame ${s.threads[ti].l.txCursor}`;
    },
    run: (c, s, ti, arg) => {
      const t = s.threads[ti];
      store(s, USER(ti), ref(s, t.l.txCursor), { msg: params(c, ti).firstTag + t.l.k, seq: 0, len: lenFor(c, arg) });
      goto(t, 'u.valid');
    },
  },
  'u.retry': {
    who: 'user',
    cites: 'a user that calls sendto(fd, NULL, 0) again after an error (netlink_mmap.txt says nothing of errors; libmnl returns them to its caller)',
    // (The error itself is gone: a return value is dead once the call is over, spec.ts.)
    text: (c, _s, ti) => `the call returned an error: ${callName(c, ti)} again`,
    run: (c, s, ti) => {
      s.threads[ti].l.retried++;
      submit(c, s, ti);
    },
  },
  'u.resubmit': {
    who: 'user',
    cites: 'a user that sets nm_status = VALID again on a frame it already submitted, without refilling it (the kernel owns a VALID frame; netlink_mmap.txt)',
    text: (c, s, ti) => {
      const f = lastFrame(c, s, ti);
      return `mark tx frame ${f} VALID again (${STATUS_NAMES[peek(s, ti, ref(s, f), 'status')]}, not refilled)`;
    },
    run: (c, s, ti) => {
      store(s, ROGUE(ti), ref(s, lastFrame(c, s, ti)), { status: VALID });
      goto(s.threads[ti], 'u.next');
    },
  },
  'u.valid': {
    who: 'user',
    cites: `${DOC}: nm_status = VALID, advance; sendto(fd, NULL, 0, ...) after the batch (or sendmsg with no iovec, B4)`,
    text: (c, s, ti) => {
      const l = s.threads[ti].l;
      const send = l.unsent + 1 >= params(c, ti).batch || l.k + 1 >= params(c, ti).count;
      return `mark tx frame ${l.txCursor} VALID${send ? `, ${callName(c, ti)}` : ''}`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      const p = params(c, ti);
      beforeStatusStore(c, s, ti);
      store(s, USER(ti), ref(s, t.l.txCursor), { status: VALID });
      t.l.txCursor = nextIndex(t.l.txCursor, frames(c));
      t.l.k++;
      t.l.unsent++;
      if (t.l.unsent >= p.batch || t.l.k >= p.count) return submit(c, s, ti);
      goto(t, 'u.check');
    },
  },
  'u.kick': {
    who: 'user',
    cites: `${DOC}: sendto(fd, NULL, 0) sends every frame marked VALID, whoever filled it (here another thread of the process)`,
    text: (c, _s, ti) => `${callName(c, ti)}: send what is VALID in the tx ring`,
    run: (c, s, ti) => {
      s.threads[ti].l.k++;
      submit(c, s, ti);
    },
  },
});
