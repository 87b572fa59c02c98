/**
 * The TX producer (protocol.md §7.1, §7.2): take the frame at the private TX
 * cursor, require UNUSED, write the message at frame + 24 and nm_len, set VALID,
 * advance; after `batch` frames call sendto(fd, NULL, 0) (MSG_DONTWAIT if asked),
 * or, with `call: 'sendmsg-noiov'`, sendmsg() with msg_iovlen == 0 (B4's trigger).
 * If the next frame is not UNUSED and nothing is waiting to be sent, it stops:
 * a real producer would wait for POLLOUT, which the bounded model leaves out.
 */
import { STATUS_NAMES, TX, UNUSED, VALID } from '../constants.js';
import type { TxParams } from '../config.js';
import { load, store, peek } from '../mem.js';
import type { State } from '../state.js';
import type { Ctx } from '../step.js';
import { DONE, call, defineContinuations, defineSteps, goto } from '../step.js';
import { nextIndex } from '../kernel/sock.js';

const DOC = 'Documentation/networking/netlink_mmap.txt TX example; libmnl nf-queue example (several frames, one sendto)';
const USER = (ti: number) => ({ thread: ti, kernel: false, conforming: true });

function params(c: Ctx, ti: number): TxParams {
  const spec = c.threads[ti];
  if (spec.program !== 'txuser') throw new Error(`${spec.name} is not a TX user`);
  return spec.params;
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
    goto(t, t.l.k < params(c, ti).count ? 'u.check' : DONE);
  },
});

defineSteps({
  'u.check': {
    who: 'user',
    cites: `${DOC}: the frame at the cursor must be UNUSED`,
    text: (c, s, ti) => {
      const l = s.threads[ti].l;
      const st = peek(s, ref(s, l.txCursor), 'status');
      if (st === UNUSED) return `tx frame ${l.txCursor} is UNUSED: fill it`;
      return `tx frame ${l.txCursor} is ${STATUS_NAMES[st]}: ${l.unsent > 0 ? `${callName(c, ti)} what is filled` : 'stop'}`;
    },
    run: (c, s, ti) => {
      const t = s.threads[ti];
      if (load(s, ref(s, t.l.txCursor), 'status') === UNUSED) return goto(t, 'u.fill');
      if (t.l.unsent > 0) return submit(c, s, ti);
      goto(t, DONE);
    },
  },
  'u.fill': {
    who: 'user',
    cites: `${DOC}: build the message at frame + NL_MMAP_HDRLEN, set nm_len`,
    text: (c, s, ti) => `write message ${params(c, ti).firstTag + s.threads[ti].l.k} (nm_len ${c.scenario.msgLen}) into tx frame ${s.threads[ti].l.txCursor}`,
    run: (c, s, ti) => {
      const t = s.threads[ti];
      store(s, USER(ti), ref(s, t.l.txCursor), { msg: params(c, ti).firstTag + t.l.k, seq: 0, len: c.scenario.msgLen });
      goto(t, 'u.valid');
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
      store(s, USER(ti), ref(s, t.l.txCursor), { status: VALID });
      t.l.txCursor = nextIndex(t.l.txCursor, frames(c));
      t.l.k++;
      t.l.unsent++;
      if (t.l.unsent >= p.batch || t.l.k >= p.count) return submit(c, s, ti);
      goto(t, 'u.check');
    },
  },
});
