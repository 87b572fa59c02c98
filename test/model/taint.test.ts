/**
 * src/model/taint.ts: MemorySanitizer-style shadows. A value read from memory
 * nobody wrote is poisoned; copying it is fine, but branching on it is the
 * error, recorded (sticky) in ghost.uninitBranch for DET-NO-UNINIT-BRANCH.
 */
import { describe, expect, it } from 'vitest';
import { branchOn, initialised, uninitRead } from '../../src/model/taint.js';
import { FOUR, bench, scenario } from './helpers.js';

const fresh = () => bench('linux-4.5', scenario([{ name: 'cons', program: 'consumer', params: { maxHold: 0 } }], { requests: [FOUR] })).s;

describe('taint', () => {
  it('initialised() is a clean value, uninitRead() a poisoned one, both keeping the value', () => {
    expect(initialised(7)).toEqual({ value: 7, uninit: false });
    expect(uninitRead(7)).toEqual({ value: 7, uninit: true });
  });

  it('branchOn is the C truth of the value: 0 is false, any other value true', () => {
    const s = fresh();
    expect(branchOn(s, initialised(0))).toBe(false);
    expect(branchOn(s, initialised(1))).toBe(true);
    expect(branchOn(s, initialised(-1))).toBe(true);
    expect(branchOn(s, initialised(2))).toBe(true);
    expect(branchOn(s, uninitRead(0))).toBe(false);
    expect(branchOn(s, uninitRead(5))).toBe(true);
  });

  it('branching on a clean value records nothing', () => {
    const s = fresh();
    branchOn(s, initialised(0));
    branchOn(s, initialised(3));
    expect(s.ghost.uninitBranch).toBe(false);
  });

  it('branching on a poisoned value records an uninitialised branch, whatever the value', () => {
    for (const v of [0, 1]) {
      const s = fresh();
      branchOn(s, uninitRead(v));
      expect(s.ghost.uninitBranch).toBe(true);
    }
  });

  it('the record is sticky: a later clean branch does not clear it', () => {
    const s = fresh();
    branchOn(s, uninitRead(1));
    branchOn(s, initialised(1));
    expect(s.ghost.uninitBranch).toBe(true);
  });
});
