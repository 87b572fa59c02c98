/**
 * Parent links (src/check/links.ts): what is pushed is read back, from memory or
 * from the file, and paths follow the parents back to the initial state.
 */
import { describe, expect, it } from 'vitest';
import { LinkLog, NO_PARENT } from '../../src/check/links.js';

/** A deterministic scramble of i: parents anywhere below i, actions mostly small, sometimes wide. */
const parentOf = (i: number): number => (i === 0 ? NO_PARENT : (Math.imul(i, 2654435761) >>> 0) % i);
const actionOf = (i: number): number => (i % 9973 === 0 ? 300 + (i % 1000) : i % 251);

function filled(n: number, keepChunks: number): LinkLog {
  const log = new LinkLog(keepChunks);
  for (let i = 0; i < n; i++) {
    const id = log.push(parentOf(i), actionOf(i));
    if (id !== i) throw new Error(`push ${i} returned ${id}`);
  }
  return log;
}

describe('LinkLog', () => {
  const N = (1 << 20) * 2 + 12345; // two full chunks and part of a third

  it('reads back every link from memory when it keeps every chunk', () => {
    const log = filled(N, Infinity);
    for (let i = 0; i < N; i += 997) {
      expect(log.parentOf(i)).toBe(parentOf(i));
      expect(log.actionOf(i)).toBe(actionOf(i));
    }
    expect(log.bytes).toBe(3 * (1 << 20) * 5);
    log.close();
  });

  it('starts small: a run of a few states holds a few hundred KiB, not a whole chunk', () => {
    const log = filled(1000, Infinity);
    expect(log.bytes).toBe((1 << 16) * 5);
    expect(log.parentOf(999)).toBe(parentOf(999));
    const grown = filled(200_000, Infinity);
    expect(grown.bytes).toBe((1 << 18) * 5);
    expect(grown.actionOf(199_999)).toBe(actionOf(199_999));
  });

  it('reads back links written to the file, and holds only the chunk being written', () => {
    const log = filled(N, 0);
    expect(log.bytes).toBe((1 << 20) * 5);
    for (const i of [0, 1, 2, 1 << 20, (1 << 20) - 1, (1 << 20) + 1, N - 1, 9973 * 50, 1_500_000]) {
      expect(log.parentOf(i)).toBe(parentOf(i));
      expect(log.actionOf(i)).toBe(actionOf(i));
    }
    const path = log.pathTo(N - 1);
    // Following the parents from N - 1 back to 0, the path lists the actions in order from the start.
    const want: number[] = [];
    for (let at = N - 1; at !== 0; at = parentOf(at)) want.push(actionOf(at));
    expect(path).toEqual(want.reverse());
    log.close();
    expect(() => log.parentOf(0)).toThrow(/no link/);
  });

  it('refuses an action index that does not fit', () => {
    expect(() => new LinkLog().push(NO_PARENT, 70000)).toThrow(/exceeds 65535/);
  });
});
