import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/catalog.js';
import { replay } from '../../src/check/replay.js';
import { pollMaskName, type StateView } from '../../src/model/view.js';

describe('state view', () => {
  it('names the thread that claimed a COPY frame, which the status word does not show', () => {
    // linux-4.5 copy-mixed: plain builds an ordinary skb, takes an id, then set_copied claims rx frame 0 at the head.
    // Nothing copy-mixed checks reads ids, so the check leaves them out (model/ids.ts): the queued message's id is 0.
    const r = replay(buildTarget('linux-4.5', 'copy-mixed'), '1/1/1');
    const before = r.trace[2].view as StateView;
    const after = r.trace[3].view as StateView;
    expect(before.rings[0].frames[0].holder).toBeNull();
    expect(after.rings[0].frames[0]).toMatchObject({ status: 'UNUSED', holder: { thread: 'plain', how: 'claimed' }, kernelHead: false, cursors: ['consumer'] });
    expect(after.rings[0].frames[1].kernelHead).toBe(true);
    expect(after.socket.receiveQueue).toEqual([{ msg: 3, seq: 0, frame: 0 }]);
    expect(after.rings[1].present).toBe(false);
  });

  it('gives each step its lane, thread, label and citation', () => {
    const r = replay(buildTarget('linux-4.5', 'copy-mixed'), '1/1/1');
    expect(r.trace[0].step).toBeUndefined();
    const step = r.trace[3].step!;
    expect(step.lane).toBe('kernel');
    expect(step.actor).toBe('plain');
    expect(step.label).toBe('send.copy-claim');
    expect(step.cites).toMatch(/netlink_ring_set_copied/);
  });

  it('says what poll returned to a thread in the step where it returned, and nothing elsewhere', () => {
    // linux-4.5 copy-mixed, the POLL-IN-AT-CURSOR counterexample: the consumer polls (steps 4-6) and step 6 returns POLLIN (and POLLOUT: no TX ring, the socket is writable).
    const r = replay(buildTarget('linux-4.5', 'copy-mixed'), '1/1/1/3/3/3');
    const mask = (i: number) => Object.fromEntries((r.trace[i].view as StateView).threads.map((t) => [t.name, t.pollMask]));
    expect(mask(6)).toEqual({ ring: null, plain: null, mcast: null, consumer: 'POLLIN|POLLOUT' });
    for (let i = 0; i < 6; i++) expect(Object.values(mask(i)), `step ${i}`).toEqual([null, null, null, null]);
    expect(pollMaskName(0)).toBe('0');
    expect(pollMaskName(0x1 | 0x4 | 0x8)).toBe('POLLIN|POLLOUT|POLLERR');
    expect(pollMaskName(0x10 | 0x8)).toBe('POLLERR|0x10');
  });

  it('is plain JSON: it survives a round trip unchanged', () => {
    const r = replay(buildTarget('linux-4.5', 'tx-sibling'), '0/0/0/0/0/2/0');
    for (const t of r.trace) expect(JSON.parse(JSON.stringify(t.view))).toEqual(t.view);
    const last = r.trace.at(-1)!.view as StateView;
    expect(last.threads.map((t) => t.name)).toContain('sibling');
  });
});
