/**
 * The checker finds the historical bugs from the generic properties, on the
 * variant that has them and not on the one that fixed them (bugs.md; protocol.md
 * §5.2 / §5.3 for B3, §4.7–§4.8 for B1, §4.1 for D1).
 */
import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { parsePath } from '../../src/check/replay.js';
import type { CheckResult } from '../../src/check/result.js';
import { buildTarget } from '../../src/catalog.js';
import { ENOBUFS } from '../../src/model/constants.js';
import type { Property } from '../../src/model/interface.js';
import type { NlState } from '../../src/model/spec.js';
import { catalogModel, restrictedTarget, walk } from './helpers.js';

/** The actors of the steps on a counterexample path, by replaying it. */
function actorsOnPath(variant: string, scenario: string, r: CheckResult): string[] {
  const { actions } = walk(catalogModel(variant, scenario), parsePath(r.violation!.path));
  return actions.map((a) => a.actor);
}

function expectPass(r: CheckResult) {
  expect(r.violation?.message ?? '', r.violation?.steps.join('\n')).toBe('');
  expect(r.verdict).toBe('pass');
  expect(r.complete).toBe(true);
}

describe('B3: TX TOCTOU of the zero-copy sendmsg (tx-sibling)', () => {
  describe.each([
    ['NOTOCTOU-TX-LEN', 'B3b: nm_len re-read after the bound check'],
    ['NOTOCTOU-TX-ACT', 'B3a: the receiver acts on frame bytes the user changed after validation'],
  ])('%s (%s)', (id) => {
    it(`linux-3.10: BFS fails ${id} with a counterexample of at most 10 steps in which the sibling writes`, () => {
      const r = bfs(restrictedTarget('linux-3.10', 'tx-sibling', [id]));
      expect(r.verdict).toBe('fail');
      expect(r.violation!.property).toBe(id);
      expect(r.violation!.steps.length).toBeLessThanOrEqual(10);
      expect(actorsOnPath('linux-3.10', 'tx-sibling', r)).toContain('sibling');
    });

    it(`linux-4.5: BFS passes ${id} completely (always copy, one nm_len read)`, () => {
      expectPass(bfs(restrictedTarget('linux-4.5', 'tx-sibling', [id])));
    });
  });

  it('linux-3.10 vs linux-4.5 on the full property set: tx-sibling fails with a no-toctou property on 3.10 and passes on 4.5', () => {
    const old = bfs(buildTarget('linux-3.10', 'tx-sibling'));
    expect(old.verdict).toBe('fail');
    expect(old.violation!.family).toBe('no-toctou');
    expect(['NOTOCTOU-TX-LEN', 'NOTOCTOU-TX-ACT']).toContain(old.violation!.property);
    expect(actorsOnPath('linux-3.10', 'tx-sibling', old)).toContain('sibling');
    expectPass(bfs(buildTarget('linux-4.5', 'tx-sibling')));
  });

  it('linux-3.10: fork-mmap (exclusivity test sees the fork and the second mmap, not the sibling) still fails a no-toctou property', () => {
    const r = bfs(buildTarget('linux-3.10', 'fork-mmap'));
    expect(r.verdict).toBe('fail');
    expect(r.violation!.family).toBe('no-toctou');
    expect(actorsOnPath('linux-3.10', 'fork-mmap', r)).toContain('sibling');
    expectPass(bfs(buildTarget('linux-4.5', 'fork-mmap')));
  });
});

describe('D1: nfqueue batch verdicts and allocation-order delivery (nfq-batch)', () => {
  it('linux-4.5: NFQ-VERDICT-AFTER-READ fails (a verdict covers a packet id the consumer has not read)', () => {
    const r = bfs(restrictedTarget('linux-4.5', 'nfq-batch', ['NFQ-VERDICT-AFTER-READ']));
    expect(r.verdict).toBe('fail');
    expect(r.violation!.property).toBe('NFQ-VERDICT-AFTER-READ');
    const actors = actorsOnPath('linux-4.5', 'nfq-batch', r);
    expect(actors).toContain('nfq1');
    expect(actors).toContain('nfq2');
  });

  it('linux-4.5-ordered: NFQ-VERDICT-AFTER-READ passes (id lock held from allocation to delivery)', () => {
    expectPass(bfs(restrictedTarget('linux-4.5-ordered', 'nfq-batch', ['NFQ-VERDICT-AFTER-READ'])));
  });

  it('on the full property set, every violation followed: linux-4.5 fails nfq-batch with NFQ-VERDICT-AFTER-READ, linux-4.5-ordered does not', () => {
    // (Both fail POLL-IN-AT-CURSOR first on 4.5: POLLIN for a VALID frame while the reader's is RESERVED.)
    const failed = (v: string) => (bfs(buildTarget(v, 'nfq-batch'), { allViolations: true }).violations ?? []).map((x) => x.property);
    expect(failed('linux-4.5')).toContain('NFQ-VERDICT-AFTER-READ');
    expect(failed('linux-4.5-ordered')).not.toContain('NFQ-VERDICT-AFTER-READ');
  });
});

describe('B1: netlink_poll stores a negative errno in sk_err after a failed dump (dump-full-ring)', () => {
  /** Witness: poll continued the dump, the allocation failed, and sk_err now holds +ENOBUFS (what 4.5 must reach). */
  const positiveStored: Property<NlState> = {
    id: 'W-DUMP-POLL-ENOBUFS-POSITIVE',
    family: 'witness',
    kind: 'sometimes',
    doc: 'A dump continued from poll failed with ENOBUFS and sk_err holds +ENOBUFS.',
    cites: 'af_netlink.c netlink_poll (4.5): sk->sk_err = -err',
    holds: (s) => s.ghost.note === 'dump-poll-enobufs' && s.sock.skErr === ENOBUFS,
  };

  it('linux-3.10: ERR-SK-ERR-POSITIVE fails and the counterexample ends with sk_err = -ENOBUFS after a dump continued from poll', () => {
    const r = bfs(restrictedTarget('linux-3.10', 'dump-full-ring', ['ERR-SK-ERR-POSITIVE']));
    expect(r.verdict).toBe('fail');
    expect(r.violation!.property).toBe('ERR-SK-ERR-POSITIVE');
    const { states } = walk(catalogModel('linux-3.10', 'dump-full-ring'), parsePath(r.violation!.path));
    const last = states[states.length - 1];
    expect(last.sock.skErr).toBe(-ENOBUFS);
    expect(last.sock.dumpRunning).toBe(true);
  });

  it('linux-4.5: ERR-SK-ERR-POSITIVE passes completely, and the failing dump continuation from poll is reached (+ENOBUFS)', () => {
    expectPass(bfs(restrictedTarget('linux-4.5', 'dump-full-ring', ['ERR-SK-ERR-POSITIVE'], [positiveStored])));
  });
});
