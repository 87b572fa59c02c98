/**
 * More rules of the hostile sibling writer (src/model/user/sibling.ts; B3a, B3b): the
 * descriptions of its two rewrites, no step without a TX ring, and its steps belong to
 * sibling threads only.
 */
import { describe, expect, it } from 'vitest';
import type { ThreadSpec } from '../../../src/model/config.js';
import { maxLen } from '../../../src/model/geometry.js';
import { describeAction, enabledActions } from '../../../src/model/spec.js';
import { FOUR, TWO, bench, choicesOf, scenario, stepOnce, tid } from '../helpers.js';

const sib: ThreadSpec = { name: 'sib', program: 'sibling', params: { writes: 2 } };
const consumer: ThreadSpec = { name: 'c', program: 'consumer', params: { maxHold: 0 } };

describe('the sibling writer (CLONE_VM without CLONE_FILES)', () => {
  it('sibling: the message rewrite is described as invalid bytes, the length rewrite as maxlen + 8', () => {
    const { c, s } = bench('linux-3.10', scenario([sib], { requests: [FOUR, TWO], tx: 1 }));
    const texts = enabledActions(c, s).map((a) => describeAction(c, s, a));
    expect(texts[0]).toContain('rewrite the message in tx frame 0 (invalid bytes)');
    expect(texts[1]).toContain(`rewrite nm_len of tx frame 0 to ${maxLen(TWO.frameSize) + 8}`);
    expect(texts[3]).toContain('rewrite nm_len of tx frame 1');
  });

  it('sibling: a socket without a TX request offers it nothing to rewrite', () => {
    const { c, s } = bench('linux-3.10', scenario([sib, consumer], { tx: null }));
    expect(choicesOf(c, s, tid(c, 'sib'))).toEqual([]);
  });

  it('a sibling step at a thread that is not a sibling writer is an error in the spec', () => {
    const { c, s } = bench('linux-3.10', scenario([sib, consumer], { requests: [FOUR, TWO], tx: 1 }));
    const ci = tid(c, 'c');
    s.threads[ci].pc = 'sib.write';
    expect(() => stepOnce(c, s, ci)).toThrow(/c is not a sibling writer/);
  });
});
