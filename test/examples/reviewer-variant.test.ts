/**
 * Runs examples/reviewer-variant.ts the way its README says a reviewer would:
 * through the public API only, with bfs and with fast-check from vitest.
 */
import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import { bfs, buildTarget, buildTargetFor, replay, runSchedule, schedules, UsageError, type Variant } from '../../src/index.js';
import { revertedTx, revertedTxTarget, TX_TOCTOU } from '../../examples/reviewer-variant.js';

describe('examples/reviewer-variant.ts: linux-4.5 with the TX path reverted to zero-copy', () => {
  it('changes one knob of linux-4.5 and nothing else', () => {
    const base = buildTarget('linux-4.5', 'tx-sibling');
    expect(revertedTx.knobs.txMode).toBe('zero-copy');
    expect(revertedTxTarget.invariants.map((p) => p.id)).toEqual(base.invariants.map((p) => p.id));
    expect(revertedTxTarget.witnesses).toEqual(base.witnesses);
  });

  it('buildTargetFor refuses a hand-written variant with missing knobs, and unknown scenarios', () => {
    const partial = { id: 'half', description: '', cites: '', knobs: { txMode: 'zero-copy' } } as unknown as Variant;
    expect(() => buildTargetFor(partial, 'tx-sibling')).toThrow(UsageError);
    expect(() => buildTargetFor(partial, 'tx-sibling')).toThrow(/missing knobs forwardRing, .*deriveVariant/);
    expect(() => buildTargetFor(revertedTx, 'no-such-scenario')).toThrow(UsageError);
  });

  it('bfs finds the TX TOCTOU on tx-sibling: nm_len validated, rewritten by the sibling, then used', () => {
    const r = bfs(revertedTxTarget);
    expect(r.verdict).toBe('fail');
    const v = r.violation!;
    expect(TX_TOCTOU).toContain(v.property);
    expect(v.steps.join('\n')).toMatch(/nm_len 64 within maxlen\n.*sibling.*rewrite nm_len.*\n.*zero-copy skb/);
  });

  it('linux-4.5 itself passes bfs on tx-sibling', () => {
    const r = bfs(buildTarget('linux-4.5', 'tx-sibling'));
    expect(r.verdict).toBe('pass');
    expect(r.complete).toBe(true);
  });

  // Random schedules through runSchedule, as in your own suite. The property records what it
  // meets; the test after it checks that the TOCTOU was met (vitest runs them in this order).
  const met = new Set<string>();
  test.prop([schedules(40)], { seed: 42, numRuns: 1000 })('every violation a random schedule meets is a TX TOCTOU that replays', (schedule) => {
    const r = runSchedule(revertedTxTarget, schedule);
    if (!r.violation) return;
    expect(TX_TOCTOU).toContain(r.violation.property);
    expect(replay(revertedTxTarget, r.violation.path).violation).toMatchObject({ property: r.violation.property, step: r.violation.step });
    met.add(r.violation.property);
  });

  it('the random schedules above met the TX TOCTOU', () => {
    expect(met.size).toBeGreaterThan(0);
  });

  const linux45 = buildTarget('linux-4.5', 'tx-sibling');
  test.prop([schedules(40)], { seed: 42, numRuns: 1000 })('linux-4.5 keeps every invariant on random tx-sibling schedules', (schedule) => {
    expect(runSchedule(linux45, schedule).violation).toBeUndefined();
  });
});
