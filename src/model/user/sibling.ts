/**
 * A hostile sibling: a task created with CLONE_VM but without CLONE_FILES. It
 * shares the mapping but not the fd table, so 3.10's exclusivity test (f_count,
 * mapped) cannot see it (D3). It may rewrite any TX frame's message bytes or
 * nm_len at any moment (bugs.md B3a, B3b). It does not follow the ownership
 * protocol, so the user-ownership property exempts it.
 */
import { MSG_EVIL, TX } from '../constants.js';
import type { SiblingParams } from '../config.js';
import { maxLen } from '../geometry.js';
import { store } from '../mem.js';
import type { Ctx } from '../step.js';
import { DONE, defineSteps, goto } from '../step.js';

function params(c: Ctx, ti: number): SiblingParams {
  const spec = c.threads[ti];
  if (spec.program !== 'sibling') throw new Error(`${spec.name} is not a sibling writer`);
  return spec.params;
}

/** The TX ring request the scenario configures, or null: without one the sibling has nothing to write. */
function txRequest(c: Ctx) {
  return c.scenario.tx === null ? null : c.scenario.requests[c.scenario.tx];
}

/** The nm_len the sibling writes: past the largest a frame can hold. Only reached from a choice, so a TX ring exists. */
function oversize(c: Ctx): number {
  return maxLen(txRequest(c)!.frameSize) + 8;
}

const REWRITE_MSG = 0;
const REWRITE_LEN = 1;

defineSteps({
  'sib.write': {
    who: 'user',
    cites: 'bugs.md B3a/B3b: a CLONE_VM task without CLONE_FILES writes the shared TX ring',
    choices: (c) => {
      const out: number[] = [];
      for (let f = 0; f < (txRequest(c)?.frameNr ?? 0); f++) out.push(f * 2 + REWRITE_MSG, f * 2 + REWRITE_LEN);
      return out;
    },
    text: (c, _s, _ti, arg) => {
      const f = arg >> 1;
      return (arg & 1) === REWRITE_MSG ? `rewrite the message in tx frame ${f} (invalid bytes)` : `rewrite nm_len of tx frame ${f} to ${oversize(c)}`;
    },
    run: (c, s, ti, arg) => {
      const t = s.threads[ti];
      const ref = { ring: TX, gen: s.sock.vmaTxGen, frame: arg >> 1 };
      const w = { thread: ti, kernel: false, conforming: false };
      if ((arg & 1) === REWRITE_MSG) store(s, w, ref, { msg: MSG_EVIL });
      else store(s, w, ref, { len: oversize(c) });
      t.l.k++;
      if (t.l.k >= params(c, ti).writes) goto(t, DONE);
    },
  },
});
