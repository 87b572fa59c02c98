/**
 * More rules of netlink_poll (src/model/kernel/poll.ts): which dump error is the ENOBUFS
 * evidence of a dump run from poll.
 */
import { describe, expect, it } from 'vitest';
import { EINVAL } from '../../../src/model/constants.js';
import type { ThreadSpec } from '../../../src/model/config.js';
import { bench, enter, runContinuation, scenario, tid } from '../helpers.js';

const poller: ThreadSpec = { name: 'c', program: 'consumer', params: { maxHold: 0, dump: true } };
const other: ThreadSpec = { name: 'o', program: 'consumer', params: { maxHold: 0 } };

describe.each(['linux-4.5', 'linux-3.10'])('netlink_poll on %s', (v) => {
  it('netlink_poll: a dump error other than ENOBUFS goes to sk_err but is not noted as a dump ENOBUFS from poll', () => {
    const { c, s } = bench(v, scenario([poller, other]));
    const ti = tid(c, 'c');
    enter(s, ti, 'poll.dump-check');
    s.threads[ti].stack.push('poll.dump-ret');
    s.threads[ti].l.ret = -EINVAL;
    const n = runContinuation(c, s, ti, 'poll.dump-ret');
    expect([n.sock.skErr !== 0, n.sock.wake, n.threads[ti].pc]).toEqual([true, true, 'poll.rcvwake']);
    expect(n.ghost.note).not.toBe('dump-poll-enobufs');
  });
});
