import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { StateQueue } from '../../src/check/queue.js';

describe('StateQueue', () => {
  // Model-based: what goes in comes out in order, units and tags alike, whatever the lengths.
  test.prop([fc.array(fc.tuple(fc.array(fc.nat({ max: 0xffff }), { maxLength: 40 }), fc.nat({ max: 0xffffffff })), { maxLength: 300 })], { numRuns: 100 })(
    'gives back every state and its tag words in the order pushed',
    (items) => {
      const q = new StateQueue(2);
      for (const [units, tag] of items) q.push(Uint16Array.from(units), [tag, tag ^ 0x80000001]);
      expect(q.length).toBe(items.length);
      const tag = new Uint32Array(2);
      for (const [i, [units, t]] of items.entries()) {
        expect(q.size).toBe(items.length - i);
        expect([...q.take(tag)]).toEqual(units);
        expect([...tag]).toEqual([t, (t ^ 0x80000001) >>> 0]);
      }
      expect(q.size).toBe(0);
      expect(() => q.take(tag)).toThrow(/empty/);
    },
  );

  it('spans chunks, hands each chunk to the pool once the cursor leaves it, and reuses pooled chunks', () => {
    const pool: Uint16Array[] = [];
    const q = new StateQueue(1, pool);
    const units = new Uint16Array(1000).map((_, i) => i);
    // 1 + 2 + 1000 units per state: a chunk holds 1046 of them.
    const n = 3000;
    for (let i = 0; i < n; i++) {
      units[0] = i & 0xffff;
      q.push(units, [i]);
    }
    const tag = new Uint32Array(1);
    for (let i = 0; i < 1100; i++) {
      const u = q.take(tag);
      expect(tag[0]).toBe(i);
      expect(u[0]).toBe(i & 0xffff);
      expect(u[999]).toBe(999);
    }
    // The first chunk (states 0 to 1045) is behind the cursor; the second is being read.
    expect(pool.length).toBe(1);
    const next = new StateQueue(1, pool);
    next.push(units, [7]);
    expect(pool.length).toBe(0); // drawn from the pool, not allocated
    q.release();
    expect(pool.length).toBe(2); // the second and the third (the first is now `next`'s)
    expect([...next.take(tag).subarray(0, 3)]).toEqual([units[0], 1, 2]);
    expect(tag[0]).toBe(7);
  });

  it('refuses a state longer than its length slot', () => {
    expect(() => new StateQueue(0).push(new Uint16Array(0x10000), [])).toThrow(/exceeds 65535/);
  });
});
