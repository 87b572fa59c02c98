/**
 * More rules of the forking thread (src/model/user/forker.ts): the child's exit closes a
 * VMA only if it got one at fork.
 */
import { describe, expect, it } from 'vitest';
import { bench, scenario, stepOnce } from '../helpers.js';

describe('fork child exit (exit_mmap -> netlink_mm_close, exit_files)', () => {
  it('child exit: a child that got no VMA at fork closes none (mapped unchanged), but drops its file reference', () => {
    const { c, s } = bench('linux-3.10', scenario([{ name: 'f', program: 'forker' }], { tx: 0 }));
    s.threads[0].pc = 'fork.exit';
    s.threads[0].l.maps = 0;
    s.sock.mapped = 1;
    s.sock.fileRefs = 3;
    const n = stepOnce(c, s, 0);
    expect([n.sock.mapped, n.sock.fileRefs, n.threads[0].pc]).toEqual([1, 2, 'done']);
  });

  it('child exit: a child that got a VMA at fork closes it (mapped--)', () => {
    const { c, s } = bench('linux-3.10', scenario([{ name: 'f', program: 'forker' }], { tx: 0 }));
    s.threads[0].pc = 'fork.exit';
    s.threads[0].l.maps = 1;
    s.sock.mapped = 2;
    s.sock.fileRefs = 3;
    expect(stepOnce(c, s, 0).sock.mapped).toBe(1);
  });
});
