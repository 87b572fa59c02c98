/**
 * More rules of the setup thread (src/model/user/setup.ts): its steps belong to setup
 * threads only.
 */
import { describe, expect, it } from 'vitest';
import type { ThreadSpec } from '../../../src/model/config.js';
import { bench, runContinuation, scenario, tid } from '../helpers.js';

describe('setup thread', () => {
  it('a setup step at a thread that is not a setup thread is an error in the spec', () => {
    const other: ThreadSpec = { name: 'c', program: 'consumer', params: { maxHold: 0 } };
    const { c, s } = bench('linux-4.5', scenario([{ name: 'u', program: 'setup', params: { ops: [{ op: 'close' }] } }, other]));
    expect(() => runContinuation(c, s, tid(c, 'c'), 'set.next')).toThrow(/c is not a setup thread/);
  });
});
