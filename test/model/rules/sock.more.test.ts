/**
 * More rules of the socket helpers (src/model/kernel/sock.ts) that patches use through
 * src/patch.ts: a thread's display name.
 */
import { describe, expect, it } from 'vitest';
import type { ThreadSpec } from '../../../src/model/config.js';
import { nameOf } from '../../../src/model/kernel/sock.js';
import { bench, scenario } from '../helpers.js';

describe('nameOf (patch API)', () => {
  it('nameOf: the display name of a thread is the name the scenario gave it', () => {
    const a: ThreadSpec = { name: 'alpha', program: 'consumer', params: { maxHold: 0 } };
    const b: ThreadSpec = { name: 'beta', program: 'consumer', params: { maxHold: 0 } };
    const { c } = bench('linux-4.5', scenario([a, b]));
    expect([nameOf(c, 0), nameOf(c, 1)]).toEqual(['alpha', 'beta']);
  });
});
