/**
 * Ownership properties (src/props/index.ts, family `ownership`), clause by
 * clause. Each judges the frame store of the last step (ghost.last), so the
 * holding states come from a real store of the spec and the failing ones edit
 * that record.
 */
import { describe, it } from 'vitest';
import { COPY, RESERVED, RX, SKIP, TX, UNUSED, VALID } from '../../src/model/constants.js';
import type { State } from '../../src/model/state.js';
import { edit, expectClause, expectFails, expectHolds, init, runUntil } from './helpers.js';

const kstoreOn = (ring: number) => (s: State) => s.ghost.last.kind === 'kstore' && s.ghost.last.ring === ring;
const ustoreOn = (ring: number) => (s: State) => s.ghost.last.kind === 'ustore' && s.ghost.last.ring === ring;

/** A producer's first RX store: netlink_alloc_skb reserves an UNUSED, unclaimed frame (UNUSED -> RESERVED). */
function rxReserve(): State {
  const s = runUntil(init('rx-order'), 'prod1', kstoreOn(RX));
  const e = s.ghost.last;
  if (e.before !== UNUSED || e.after !== RESERVED || e.ownerBefore !== -1) throw new Error(`unexpected first RX store ${JSON.stringify(e)}`);
  return s;
}

/** The kernel's first TX store in tx-ring-send: netlink_mmap_sendmsg on the VALID frame the user submitted. */
function txKernelStore(): State {
  const s = runUntil(init('tx-ring-send'), 'txuser', kstoreOn(TX));
  if (s.ghost.last.before !== VALID) throw new Error(`unexpected first TX kernel store ${JSON.stringify(s.ghost.last)}`);
  return s;
}

/** The TX user's first store: it fills the UNUSED frame 0 (a conforming user write). */
function txUserStore(): State {
  const s = runUntil(init('tx-ring-send'), 'txuser', ustoreOn(TX));
  if (s.ghost.last.before !== UNUSED || !s.ghost.last.conforming) throw new Error(`unexpected first TX user store ${JSON.stringify(s.ghost.last)}`);
  return s;
}

// netlink_mmap.txt ownership table; D. Miller (ulogd2 d4cf9b0): only the user may release RX frames;
// af_netlink.c netlink_skb_destructor (4.5) publishes VALID nm_len 0 instead.
describe('OWN-RX-KERNEL-WRITE: the kernel writes an RX frame only while it owns it, and never sets it UNUSED', () => {
  const P = 'OWN-RX-KERNEL-WRITE';

  it('UNUSED -> RESERVED by netlink_alloc_skb on an unclaimed frame holds; the same store on a frame another thread claimed fails', () => {
    expectClause(P, rxReserve(), (x) => (x.ghost.last.ownerBefore = x.ghost.last.thread + 1));
  });

  it('a store to an UNUSED frame the writing thread itself claimed holds (netlink_ring_set_copied claims, then writes)', () => {
    expectHolds(P, edit(rxReserve(), (x) => (x.ghost.last.ownerBefore = x.ghost.last.thread)));
  });

  it('never sets an RX frame UNUSED: RESERVED -> UNUSED by its owner fails (only the user releases RX frames)', () => {
    const own = edit(rxReserve(), (x) => {
      x.ghost.last.before = RESERVED;
      x.ghost.last.after = VALID;
      x.ghost.last.ownerBefore = x.ghost.last.thread;
    });
    expectClause(P, own, (x) => (x.ghost.last.after = UNUSED));
  });

  it('never sets UNUSED even from UNUSED by an unclaimed write (the UNUSED test comes first)', () => {
    expectClause(P, rxReserve(), (x) => (x.ghost.last.after = UNUSED));
  });

  it('RESERVED -> VALID by the reserving thread holds; by another thread fails', () => {
    const own = edit(rxReserve(), (x) => {
      x.ghost.last.before = RESERVED;
      x.ghost.last.after = VALID;
      x.ghost.last.ownerBefore = x.ghost.last.thread;
    });
    expectClause(P, own, (x) => (x.ghost.last.ownerBefore = -1));
  });

  it('a frame the user owns (VALID, COPY, SKIP) is never the kernel\'s to write, even by the thread that filled it', () => {
    for (const before of [VALID, COPY, SKIP]) {
      const own = edit(rxReserve(), (x) => {
        x.ghost.last.before = RESERVED;
        x.ghost.last.after = VALID;
        x.ghost.last.ownerBefore = x.ghost.last.thread;
      });
      expectClause(P, own, (x) => (x.ghost.last.before = before));
    }
  });

  it('judges only kernel stores to the RX ring of a frame that exists: a user store, a TX store or a store with no prior status is not judged', () => {
    const bad = edit(rxReserve(), (x) => {
      x.ghost.last.before = VALID;
      x.ghost.last.after = UNUSED;
    });
    expectFails(P, bad);
    expectHolds(P, edit(bad, (x) => (x.ghost.last.kind = 'ustore')), 'a user store');
    expectHolds(P, edit(bad, (x) => (x.ghost.last.ring = TX)), 'a TX store');
    expectHolds(P, edit(bad, (x) => (x.ghost.last.before = -1)), 'no prior status');
  });
});

// netlink_mmap.txt TX ring ownership; af_netlink.c netlink_mmap_sendmsg, netlink_skb_destructor (3.10, 4.5).
describe('OWN-TX-KERNEL-WRITE: the kernel writes a TX frame only while it is VALID (submitted) or RESERVED (zero-copy skb in flight)', () => {
  const P = 'OWN-TX-KERNEL-WRITE';

  it('netlink_mmap_sendmsg writing a VALID frame holds; the same store on an UNUSED frame fails', () => {
    expectClause(P, txKernelStore(), (x) => (x.ghost.last.before = UNUSED));
  });

  it('a RESERVED frame (zero-copy skb in flight, freed by netlink_skb_destructor) holds; a SKIP or COPY frame fails', () => {
    const reserved = edit(txKernelStore(), (x) => (x.ghost.last.before = RESERVED));
    expectClause(P, reserved, (x) => (x.ghost.last.before = SKIP));
    expectClause(P, reserved, (x) => (x.ghost.last.before = COPY));
  });

  it('judges only kernel stores to the TX ring of a frame that exists', () => {
    const bad = edit(txKernelStore(), (x) => (x.ghost.last.before = UNUSED));
    expectHolds(P, edit(bad, (x) => (x.ghost.last.kind = 'ustore')), 'a user store');
    expectHolds(P, edit(bad, (x) => (x.ghost.last.ring = RX)), 'an RX store');
    expectHolds(P, edit(bad, (x) => (x.ghost.last.before = -1)), 'no prior status');
  });
});

// netlink_mmap.txt ownership rules (3.10, 4.5); protocol.md §3.1.
describe('OWN-USER-WRITE: a protocol-following user writes only RX frames that are VALID, COPY or SKIP and TX frames that are UNUSED', () => {
  const P = 'OWN-USER-WRITE';

  it('filling an UNUSED TX frame holds; writing a VALID (submitted) TX frame fails', () => {
    expectClause(P, txUserStore(), (x) => (x.ghost.last.before = VALID));
  });

  it('a TX frame the kernel holds RESERVED is not the user\'s either', () => {
    expectClause(P, txUserStore(), (x) => (x.ghost.last.before = RESERVED));
  });

  it('on the RX ring the user owns VALID, COPY and SKIP frames; an UNUSED or RESERVED RX frame is the kernel\'s', () => {
    for (const owned of [VALID, COPY, SKIP]) {
      const rx = edit(txUserStore(), (x) => {
        x.ghost.last.ring = RX;
        x.ghost.last.before = owned;
        x.ghost.last.after = UNUSED;
      });
      expectClause(P, rx, (x) => (x.ghost.last.before = UNUSED));
      expectClause(P, rx, (x) => (x.ghost.last.before = RESERVED));
    }
  });

  it('judges only conforming user stores of a frame that exists: a hostile sibling, a kernel store or no prior status is not judged', () => {
    const bad = edit(txUserStore(), (x) => (x.ghost.last.before = VALID));
    expectHolds(P, edit(bad, (x) => (x.ghost.last.conforming = false)), 'a hostile writer');
    expectHolds(P, edit(bad, (x) => (x.ghost.last.kind = 'kstore')), 'a kernel store');
    expectHolds(P, edit(bad, (x) => (x.ghost.last.before = -1)), 'no prior status');
  });
});
