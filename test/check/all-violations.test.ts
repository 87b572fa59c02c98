import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { replay } from '../../src/check/replay.js';
import { buildTarget } from '../../src/catalog.js';

describe('bfs --all-violations: the first counterexample of every violated invariant', () => {
  it('finds both TX TOCTOUs on linux-3.10 tx-sibling (B3b and B3a), each replaying to its own property', () => {
    const target = buildTarget('linux-3.10', 'tx-sibling');
    const r = bfs(target, { allViolations: true });
    expect(r.verdict).toBe('fail');
    expect(r.complete).toBe(true);
    const ids = (r.violations ?? []).map((v) => v.property);
    // B3b's second read of nm_len is also a read past the frame (TX-READ-IN-FRAME), in the same 7 steps.
    expect(ids).toEqual(['NOTOCTOU-TX-LEN', 'TX-READ-IN-FRAME', 'NOTOCTOU-TX-ACT']);
    expect(r.violation?.property).toBe('NOTOCTOU-TX-LEN');
    for (const v of r.violations ?? []) {
      const back = replay({ ...target, invariants: target.invariants.filter((p) => p.id === v.property) }, v.path);
      expect(back.violation?.property).toBe(v.property);
      expect(back.violation?.step).toBe(v.steps.length);
    }
  });

  it('reports each violation at its shortest depth (the default run stops at the first)', () => {
    const target = buildTarget('linux-3.10', 'tx-sibling');
    const only = bfs({ ...target, invariants: target.invariants.filter((p) => p.id === 'NOTOCTOU-TX-ACT') });
    const all = bfs(target, { allViolations: true });
    const act = all.violations?.find((v) => v.property === 'NOTOCTOU-TX-ACT');
    expect(act?.steps.length).toBe(only.violation?.steps.length);
  });

  it('finds B1 (a negative sk_err) behind the first violation on linux-3.10 dump-full-ring, and not on linux-4.5', () => {
    const old = bfs(buildTarget('linux-3.10', 'dump-full-ring'), { allViolations: true });
    expect((old.violations ?? []).map((v) => v.property)).toContain('ERR-SK-ERR-POSITIVE');
    const fixed = bfs(buildTarget('linux-4.5', 'dump-full-ring'), { allViolations: true });
    expect(fixed.complete).toBe(true);
    expect((fixed.violations ?? []).map((v) => v.property)).not.toContain('ERR-SK-ERR-POSITIVE');
  });

  it('passes, complete, when nothing is violated', () => {
    const r = bfs(buildTarget('linux-4.5', 'tx-sibling'), { allViolations: true });
    expect(r.verdict).toBe('pass');
    expect(r.violations).toBeUndefined();
  });
});
