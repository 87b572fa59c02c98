import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { buildTarget } from '../../src/catalog.js';
import type { CiConfig } from '../../src/ci/config.js';
import { evaluateGate } from '../../src/ci/gate.js';
import type { CheckResult } from '../../src/check/result.js';
import type { State } from '../../src/model/state.js';

// Real runs, small ones: linux-4.5 tx-batch fails RET-TX-SENDMSG (README finding 14), the reference passes it.
const run = (variant: string, scenario: string, maxStates?: number): CheckResult => bfs(buildTarget(variant, scenario), { allViolations: true, maxStates });
const shipped = run('linux-4.5', 'tx-batch');
const fixed = run('reference', 'tx-batch');

const config = (baseline: CiConfig['baseline'] = [], incomplete: CiConfig['incomplete'] = []): CiConfig => ({
  variants: ['linux-4.5', 'reference'],
  scenarios: ['tx-batch'],
  engines: [{ engine: 'bfs' }],
  budgets: {},
  baseline,
  incomplete,
});
const entry = (variant: string, property = 'RET-TX-SENDMSG') => ({ variant, scenario: 'tx-batch', property, reason: 'finding 14' });

describe('the CI gate', () => {
  it('fails on a finding that is not in the baseline, and names its replay line', () => {
    const g = evaluateGate(config(), [shipped, fixed], false);
    expect(g.verdict).toBe('fail');
    expect(g.new.map((f) => `${f.variant} ${f.property}`)).toEqual(['linux-4.5 RET-TX-SENDMSG']);
    expect(g.new[0].replay).toMatch(/^nlring replay --variant linux-4\.5 --scenario tx-batch --property RET-TX-SENDMSG --path /);
  });

  it('passes when the baseline accepts every finding, and the checker still had to find it', () => {
    const g = evaluateGate(config([entry('linux-4.5')]), [shipped, fixed], false);
    expect(g.verdict).toBe('pass');
    expect(g.accepted.map((f) => [f.variant, f.property, f.reason])).toEqual([['linux-4.5', 'RET-TX-SENDMSG', 'finding 14']]);
    expect(g.fixed).toEqual([]);
  });

  it('reports a baseline entry that a complete run no longer finds as fixed: a notice, a failure with --strict', () => {
    const c = config([entry('linux-4.5'), entry('reference')]);
    expect(evaluateGate(c, [shipped, fixed], false)).toMatchObject({ verdict: 'pass', fixed: [entry('reference')] });
    expect(evaluateGate(c, [shipped, fixed], true).verdict).toBe('fail');
  });

  it('fails the moment a property is made stricter', () => {
    // The same scenario with one invariant tightened: it now fails where it held.
    const t = buildTarget('reference', 'tx-batch');
    const strict = { ...t, invariants: t.invariants.map((p) => (p.id === 'RET-TX-SENDMSG' ? { ...p, explain: undefined, holds: (s: State) => p.holds(s) && s.sock.tx.head === 0 } : p)) };
    const stricter = bfs(strict, { allViolations: true });
    const g = evaluateGate(config([entry('linux-4.5')]), [shipped, stricter], false);
    expect(g.verdict).toBe('fail');
    expect(g.new.map((f) => `${f.variant} ${f.property}`)).toEqual(['reference RET-TX-SENDMSG']);
  });

  it('is incomplete on a budget stop the config does not accept, and neither fixes nor confirms what the run did not reach', () => {
    const stopped = run('linux-4.5', 'tx-batch', 5);
    expect(stopped.stats?.stoppedBy).toBe('max-states');
    const g = evaluateGate(config([entry('linux-4.5')]), [stopped], false);
    expect(g.verdict).toBe('incomplete');
    expect(g.incompleteUnaccepted).toEqual([{ variant: 'linux-4.5', scenario: 'tx-batch', stoppedBy: 'max-states' }]);
    expect(g.unconfirmed).toEqual([entry('linux-4.5')]);
    expect(g.fixed).toEqual([]);
    const accepted = evaluateGate(config([entry('linux-4.5')], [{ variant: 'linux-4.5', scenario: 'tx-batch', reason: 'too big' }]), [stopped], false);
    expect(accepted.verdict).toBe('pass');
    expect(evaluateGate(config([entry('linux-4.5')], [{ variant: 'linux-4.5', scenario: 'tx-batch', reason: 'too big' }]), [stopped], true).verdict).toBe('fail');
  });

  it('says when an accepted-incomplete run now completes', () => {
    const g = evaluateGate(config([entry('linux-4.5')], [{ variant: 'reference', scenario: 'tx-batch', reason: 'was too big' }]), [shipped, fixed], false);
    expect(g.verdict).toBe('pass');
    expect(g.incompleteStale.map((e) => e.variant)).toEqual(['reference']);
    expect(evaluateGate(config([entry('linux-4.5')], [{ variant: 'reference', scenario: 'tx-batch', reason: 'was too big' }]), [shipped, fixed], true).verdict).toBe('fail');
  });

  it('counts a witness that a complete run never reached as a finding (vacuous)', () => {
    const vacuous = run('linux-4.1', 'tx-batch');
    const g = evaluateGate({ ...config(), variants: ['linux-4.1'] }, [vacuous], false);
    expect(g.new.some((f) => f.kind === 'witness')).toBe(true);
  });

  it('leaves baseline entries of pairs no run covered alone (another shard owns them)', () => {
    const g = evaluateGate(config([entry('linux-4.5'), entry('reference')]), [shipped], true);
    expect(g.verdict).toBe('pass');
    expect(g.fixed).toEqual([]);
  });
});
