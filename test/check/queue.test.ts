import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  describe('spilling to disk', () => {
    // Model-based, with 64-unit chunks so that a few hundred states span dozens of them (and some states need a chunk of their own).
    test.prop([fc.array(fc.tuple(fc.array(fc.nat({ max: 0xffff }), { maxLength: 90 }), fc.nat({ max: 0xffffffff })), { maxLength: 300 })], { numRuns: 100 })(
      'gives back exactly what was pushed, across many chunks',
      (items) => {
        const q = new StateQueue(2, [], { spill: true, chunkUnits: 64 });
        for (const [units, tag] of items) q.push(Uint16Array.from(units), [tag, tag ^ 0x80000001]);
        const tag = new Uint32Array(2);
        for (const [units, t] of items) {
          expect([...q.take(tag)]).toEqual(units);
          expect([...tag]).toEqual([t, (t ^ 0x80000001) >>> 0]);
        }
        expect(q.size).toBe(0);
        q.release();
      },
    );

    it('holds at most the chunk being written and the one being read in memory, and leaves no file behind', () => {
      const dir = mkdtempSync(join(tmpdir(), 'nlring-queue-test-'));
      try {
        const pool: Uint16Array[] = [];
        const q = new StateQueue(1, pool, { spill: true, chunkUnits: 256, dir });
        const units = new Uint16Array(20);
        // 1 + 2 + 20 = 23 units a state: 11 states a chunk, 1000 states are 91 chunks.
        for (let i = 0; i < 1000; i++) {
          units.fill(i & 0xffff);
          q.push(units, [i * 7919]);
        }
        expect(q.bytes).toBe(256 * 2); // only the chunk being written
        expect(q.spilledBytes).toBe(90 * 11 * 23 * 2);
        const tag = new Uint32Array(1);
        for (let i = 0; i < 1000; i++) {
          const u = q.take(tag);
          expect(tag[0]).toBe((i * 7919) >>> 0);
          expect(u.length).toBe(20);
          expect(u[0]).toBe(i & 0xffff);
          expect(u[19]).toBe(i & 0xffff);
          expect(q.bytes).toBeLessThanOrEqual(2 * 256 * 2);
        }
        // POSIX: the file was unlinked as soon as it was opened.
        if (process.platform !== 'win32') expect(readdirSync(dir)).toEqual([]);
        q.release();
        expect(readdirSync(dir)).toEqual([]);
        expect(q.bytes).toBe(0);
        expect(pool.length).toBe(2); // the write chunk and the read buffer go back to the pool
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('with spillAfter, keeps the first chunks in memory and spills only the later ones', () => {
      const q = new StateQueue(1, [], { spillAfter: 3, chunkUnits: 256 });
      const units = new Uint16Array(20);
      // 23 units a state, 11 a chunk: 100 states fill 9 chunks and start a tenth.
      for (let i = 0; i < 100; i++) q.push(units.fill(i), [i]);
      expect(q.spilledBytes).toBe(6 * 11 * 23 * 2); // chunks 3 to 8; 0 to 2 and the one being written stay
      expect(q.bytes).toBe(4 * 256 * 2);
      const tag = new Uint32Array(1);
      for (let i = 0; i < 100; i++) {
        expect(q.take(tag)[19]).toBe(i);
        expect(tag[0]).toBe(i);
      }
      q.release();
      const small = new StateQueue(1, [], { spillAfter: 3, chunkUnits: 256 });
      for (let i = 0; i < 30; i++) small.push(units.fill(i), [i]);
      expect(small.spilledBytes).toBe(0); // three chunks: nothing spilled
      small.release();
    });

    it('reads a chunk that is spilled while it is being read', () => {
      const q = new StateQueue(0, [], { spill: true, chunkUnits: 16 });
      const tag = new Uint32Array(0);
      // 1 + 4 units a state, 3 states a chunk: read the first, then fill the chunk past its end.
      q.push(Uint16Array.of(1, 1, 1, 1), []);
      expect([...q.take(tag)]).toEqual([1, 1, 1, 1]);
      for (let i = 2; i <= 7; i++) q.push(new Uint16Array(4).fill(i), []);
      for (let i = 2; i <= 7; i++) expect([...q.take(tag)]).toEqual([i, i, i, i]);
      q.release();
    });
  });
});
