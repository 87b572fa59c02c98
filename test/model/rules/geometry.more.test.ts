/**
 * More rules of the ring geometry (src/model/geometry.ts): __netlink_lookup_frame's bound.
 */
import { describe, expect, it } from 'vitest';
import { frameAddress } from '../../../src/model/geometry.js';

describe('__netlink_lookup_frame', () => {
  it('a frame that ends exactly at the end of its block is inside it; one byte more is past it', () => {
    expect(frameAddress(1, 2, 2048, 4096)).toEqual({ block: 0, offset: 2048, inBlock: true });
    expect(frameAddress(1, 2, 2049, 4096).inBlock).toBe(false);
  });
});
