/**
 * D2's cost (bugs.md D2): poll() calls per dump message for a ring-only
 * consumer, as a function of how many frames it keeps occupied while it polls
 * (src/check/dumpcost.ts has the definition).
 */
import { describe, expect, it } from 'vitest';
import { findVariant } from '../../src/catalog.js';
import { dumpCost, dumpCostRun, dumpCostScenario } from '../../src/check/dumpcost.js';
import { UsageError } from '../../src/errors.js';

describe('D2: poll() calls per dump message grow with the ring fill level', () => {
  it.each(['linux-4.5', 'linux-4.2', 'linux-3.10'])('%s: 8 frames, 15 parts: the cost rises with the fill level, and the dump stops completing at half the ring', (v) => {
    const r = dumpCost(findVariant(v));
    expect(r.grows).toBe(true);
    expect(r.rows.map((x) => x.fill)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const done = r.rows.filter((x) => x.completed);
    // Every completed run read all 15 parts and NLMSG_DONE, and polled at least once.
    for (const x of done) {
      expect(x.messages).toBe(16);
      expect(x.polls).toBeGreaterThan(0);
      expect(x.pollsPerMessage).toBe(x.polls / x.messages);
    }
    expect(r.rows[3].pollsPerMessage!).toBeGreaterThan(r.rows[0].pollsPerMessage!);
    // netlink_dump_space wants the frame about half a ring ahead free: holding half the ring stops the dump.
    expect(r.rows.slice(0, 4).every((x) => x.completed)).toBe(true);
    expect(r.rows.slice(4).every((x) => !x.completed && x.pollsPerMessage === null && x.messages < 16)).toBe(true);
  });

  it('linux-4.5: fill 0 is the documentation loop: each productive poll() emits several messages; fill 3 needs more poll() calls for the same dump', () => {
    const v = findVariant('linux-4.5');
    const empty = dumpCostRun(v, 8, 15, 0, 5000);
    const full = dumpCostRun(v, 8, 15, 3, 5000);
    expect(empty.completed && full.completed).toBe(true);
    expect(empty.polls).toBeLessThan(empty.messages / 2);
    expect(full.polls).toBeGreaterThan(empty.polls);
    expect(full.productivePolls).toBeGreaterThan(empty.productivePolls);
  });

  it('linux-4.5 stalls asleep (the run ends); the old poll rule (linux-4.2) keeps reporting POLLIN for the held frame and busy-polls until the step bound', () => {
    const asleep = dumpCostRun(findVariant('linux-4.5'), 8, 15, 4, 5000);
    expect(asleep.completed).toBe(false);
    expect(asleep.steps).toBeLessThan(5000);
    const busy = dumpCostRun(findVariant('linux-4.2'), 8, 15, 4, 5000);
    expect(busy.completed).toBe(false);
    expect(busy.steps).toBe(5000);
    expect(busy.polls).toBeGreaterThan(100);
  });

  it('is a pure function of its arguments (byte-identical reports)', () => {
    const v = findVariant('linux-4.5');
    expect(JSON.stringify(dumpCost(v, { frames: 6, parts: 9 }))).toBe(JSON.stringify(dumpCost(v, { frames: 6, parts: 9 })));
  });

  it('the workload is a single consumer that holds `fill` frames and dumps into page-sized frames', () => {
    const sc = dumpCostScenario(8, 15, 3);
    expect(sc.threads).toEqual([{ name: 'consumer', program: 'consumer', params: { maxHold: 3, dump: true } }]);
    expect(sc.requests[0]).toEqual({ blockSize: 4096, blockNr: 8, frameSize: 4096, frameNr: 8 });
    expect(sc.dumpParts).toBe(15);
  });

  it('bad options are a UsageError', () => {
    const v = findVariant('linux-4.5');
    expect(() => dumpCost(v, { frames: 1 })).toThrow(UsageError);
    expect(() => dumpCost(v, { frames: 16 })).toThrow(UsageError); // the spec's forward-ring bit set holds 15 frames
    expect(() => dumpCost(v, { parts: 16 })).toThrow(UsageError);
    expect(() => dumpCost(v, { frames: 4, maxFill: 4 })).toThrow(UsageError);
  });
});
