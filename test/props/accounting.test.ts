/**
 * Accounting properties (family `accounting`), clause by clause. nfq-batch has
 * both rings mapped and a consumer thread with every local, so one base state
 * serves both rings.
 */
import { describe, it } from 'vitest';
import { SKB_NONE, SKB_PLAIN, SKB_RX, SKB_TX } from '../../src/model/state.js';
import { edit, expectClause, expectFails, expectHolds, init } from './helpers.js';

/** nfq-batch's initial state: RX ring gen 1 and TX ring gen 2, both mapped; thread 2 is the consumer. */
const base = () => init('nfq-batch').s;
const C = 2;

// af_netlink.c netlink_alloc_skb / netlink_mmap_sendmsg pending++, netlink_skb_destructor pending-- (3.10, 4.5).
describe('ACCT-PENDING: each ring\'s pending count equals the ring-backed skbs alive for it', () => {
  const P = 'ACCT-PENDING';

  it('no skb and both counts 0 holds (the initial state)', () => {
    expectHolds(P, base());
  });

  it('RX: one RX-ring skb and rx pending 1 holds; pending left at 0 (netlink_alloc_skb without pending++) fails', () => {
    const one = edit(base(), (x) => {
      x.threads[0].l.skb = SKB_RX;
      x.threads[0].l.skbGen = x.sock.rx.gen;
      x.sock.rx.pending = 1;
    });
    expectClause(P, one, (x) => (x.sock.rx.pending = 0));
    expectClause(P, one, (x) => (x.sock.rx.pending = 2));
  });

  it('TX ring too: netlink_mmap_sendmsg counts each TX-ring skb in tx_ring.pending (netlink_skb_destructor uncounts it); one skb with pending 1 holds, pending 0 fails', () => {
    const one = edit(base(), (x) => {
      x.threads[C].l.skb = SKB_TX;
      x.threads[C].l.skbGen = x.sock.tx.gen;
      x.sock.tx.pending = 1;
    });
    expectClause(P, one, (x) => (x.sock.tx.pending = 0));
  });

  it('TX: a pending count with no TX skb alive (netlink_skb_destructor without pending--) fails, even with RX consistent', () => {
    expectClause(P, base(), (x) => (x.sock.tx.pending = 1));
  });

  it('each ring counts only its own kind of skb: an RX skb does not justify TX pending, nor a TX skb RX pending', () => {
    const rx = edit(base(), (x) => {
      x.threads[0].l.skb = SKB_RX;
      x.sock.rx.pending = 1;
    });
    expectClause(P, rx, (x) => {
      x.sock.rx.pending = 0;
      x.sock.tx.pending = 1;
    });
    const tx = edit(base(), (x) => {
      x.threads[C].l.skb = SKB_TX;
      x.sock.tx.pending = 1;
    });
    expectClause(P, tx, (x) => {
      x.sock.tx.pending = 0;
      x.sock.rx.pending = 1;
    });
  });

  it('an ordinary skb (not ring-backed) counts for neither ring', () => {
    expectFails(P, edit(base(), (x) => {
      x.threads[0].l.skb = SKB_PLAIN;
      x.sock.rx.pending = 1;
    }));
    expectHolds(P, edit(base(), (x) => (x.threads[0].l.skb = SKB_PLAIN)));
  });

  it('skbs of several threads add up', () => {
    const two = edit(base(), (x) => {
      x.threads[0].l.skb = SKB_RX;
      x.threads[1].l.skb = SKB_RX;
      x.sock.rx.pending = 2;
    });
    expectClause(P, two, (x) => (x.threads[1].l.skb = SKB_NONE));
  });
});

// af_netlink.c netlink_set_ring: EBUSY while mapped or pending (3.10, 4.5); protocol.md §2.1, §2.3.
describe('ACCT-NO-FREE-IN-USE: no ring memory is freed or swapped while an skb points into it or a VMA maps it', () => {
  const P = 'ACCT-NO-FREE-IN-USE';

  it('the initial state (both VMAs map the live generations) holds', () => {
    expectHolds(P, base());
  });

  it('a kernel access to freed ring memory (ghost usedFreed) fails', () => {
    expectClause(P, base(), (x) => (x.ghost.usedFreed = true));
  });

  it('an RX skb into the live RX generation holds; into a swapped-out generation fails', () => {
    const live = edit(base(), (x) => {
      x.threads[0].l.skb = SKB_RX;
      x.threads[0].l.skbGen = x.sock.rx.gen;
      x.sock.rx.pending = 1;
    });
    expectClause(P, live, (x) => (x.sock.rx.gen = x.nextGen + 1));
  });

  it('a TX skb into the live TX generation holds; into a swapped-out generation fails', () => {
    const live = edit(base(), (x) => {
      x.threads[C].l.skb = SKB_TX;
      x.threads[C].l.skbGen = x.sock.tx.gen;
    });
    expectClause(P, live, (x) => (x.threads[C].l.skbGen = x.sock.rx.gen));
  });

  it('an skb is checked against its own ring: a TX skb of the live TX generation holds when the RX ring is swapped (unmapped)', () => {
    expectHolds(P, edit(base(), (x) => {
      x.sock.mapped = 0;
      x.threads[C].l.skb = SKB_TX;
      x.threads[C].l.skbGen = x.sock.tx.gen;
      x.sock.rx.gen = x.nextGen + 1;
    }));
    expectFails(P, edit(base(), (x) => {
      x.sock.mapped = 0;
      x.threads[0].l.skb = SKB_RX;
      x.threads[0].l.skbGen = x.sock.tx.gen;
    }));
  });

  it('an ordinary skb points into no ring', () => {
    expectHolds(P, edit(base(), (x) => {
      x.threads[0].l.skb = SKB_PLAIN;
      x.threads[0].l.skbGen = 9;
    }));
  });

  it('a live VMA on a swapped RX ring fails; the same swap with no VMA (mapped 0) holds', () => {
    const unmapped = edit(base(), (x) => {
      x.sock.mapped = 0;
      x.sock.rx.gen = x.nextGen + 1;
    });
    expectClause(P, unmapped, (x) => (x.sock.mapped = 1));
  });

  it('a live VMA on a swapped TX ring fails', () => {
    const unmapped = edit(base(), (x) => {
      x.sock.mapped = 0;
      x.sock.tx.gen = x.nextGen + 1;
    });
    expectClause(P, unmapped, (x) => (x.sock.mapped = 1));
  });

  it('a VMA that maps no RX ring (vmaRxGen 0) is not a use of the RX ring', () => {
    const tx = edit(base(), (x) => (x.sock.vmaRxGen = 0));
    expectClause(P, tx, (x) => (x.sock.vmaRxGen = x.sock.tx.gen));
  });

  it('a VMA that maps no TX ring (vmaTxGen 0: mapped before the TX ring existed) is not a use of the TX ring', () => {
    const rxOnly = edit(base(), (x) => (x.sock.vmaTxGen = 0));
    expectClause(P, rxOnly, (x) => (x.sock.vmaTxGen = x.sock.rx.gen));
  });
});
