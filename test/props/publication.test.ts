/**
 * Publication properties (family `publication`): PUBLISH-RX and PUBLISH-TX judge the
 * stale-load record a step leaves (mem.ts loadPublished), each for its own ring.
 */
import { describe, expect, it } from 'vitest';
import { RX, TX } from '../../src/model/constants.js';
import { edit, expectClause, expectHolds, init } from './helpers.js';

const stale = (ring: number) => ({ ring, frame: 0, field: 'len', read: 0, stored: 64, thread: 1 });

// af_netlink.c netlink_set_status (3.10: store, then smp_wmb(); 3.18.4 on: smp_mb(), then store); bugs.md B2.
describe('PUBLISH-RX: whoever sees an RX frame handed over sees what was written before its status', () => {
  const P = 'PUBLISH-RX';
  const { s } = init('rx-publish+weak');

  it('a step that loaded nothing stale holds; one whose RX load was stale fails', () => {
    expectClause(P, s, (x) => (x.ghost.stale = stale(RX)));
  });

  it('a stale load from the TX ring is PUBLISH-TX\'s, not this one\'s', () => {
    expectHolds(P, edit(s, (x) => (x.ghost.stale = stale(TX))));
  });
});

// af_netlink.c netlink_get_status: smp_rmb() before the status load, none after it.
describe('PUBLISH-TX: whoever sees a TX frame handed over sees what was written before its status', () => {
  const P = 'PUBLISH-TX';
  const { s } = init('tx-publish+weak');

  it('a step that loaded nothing stale holds; one whose TX load was stale fails', () => {
    expectClause(P, s, (x) => (x.ghost.stale = stale(TX)));
  });

  it('a stale load from the RX ring is PUBLISH-RX\'s, not this one\'s', () => {
    expectHolds(P, edit(s, (x) => (x.ghost.stale = stale(RX))));
  });

  it('the record is transient: the next step starts without it', () => {
    const x = edit(s, (y) => (y.ghost.stale = stale(TX)));
    x.ghost.clearTransient();
    expect(x.ghost.stale).toBeNull();
  });
});
