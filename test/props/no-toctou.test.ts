/**
 * No-TOCTOU properties (family `no-toctou`), clause by clause, on tx-sibling's
 * threads (both have the full set of locals).
 */
import { describe, it } from 'vitest';
import { edit, expectClause, expectHolds, init } from './helpers.js';

// netlink: implement memory mapped sendmsg() (3.10): "prevent userspace from changing the messages
// contents after validation"; fixed by 4682a0358639 "Always copy on mmap TX".
describe('NOTOCTOU-TX-ACT: the kernel receiver acts on the message it validated', () => {
  const P = 'NOTOCTOU-TX-ACT';
  const { s } = init('tx-sibling');

  it('validated but not yet acted on (aMsg -1) holds, whatever was validated', () => {
    expectHolds(P, edit(s, (x) => (x.threads[0].l.vMsg = 7)));
  });

  it('acting on the validated message holds; acting on a rewritten one fails', () => {
    const same = edit(s, (x) => {
      x.threads[0].l.vMsg = 7;
      x.threads[0].l.aMsg = 7;
    });
    expectClause(P, same, (x) => (x.threads[0].l.aMsg = 8));
  });

  it('every thread is judged, not only the first', () => {
    const same = edit(s, (x) => {
      x.threads[1].l.vMsg = 7;
      x.threads[1].l.aMsg = 7;
    });
    expectClause(P, same, (x) => (x.threads[1].l.aMsg = 99));
  });
});

// af_netlink.c netlink_mmap_sendmsg: 4.5 reads nm_len once (ACCESS_ONCE) into a local; 3.10 re-reads hdr->nm_len (bugs.md B3b).
describe('NOTOCTOU-TX-LEN: every length decision for a TX frame derives from one read of nm_len', () => {
  const P = 'NOTOCTOU-TX-LEN';
  const { s } = init('tx-sibling');

  it('no read and a single read hold', () => {
    expectHolds(P, s);
    expectHolds(P, edit(s, (x) => x.threads[0].l.txReads.push(64)));
  });

  it('two reads of the same nm_len hold; a second read that differs (the sibling rewrote nm_len) fails', () => {
    const twice = edit(s, (x) => {
      x.threads[0].l.txReads.push(64);
      x.threads[0].l.txReads.push(64);
    });
    expectClause(P, twice, (x) => {
      x.threads[0].l.txReads.pop();
      x.threads[0].l.txReads.push(2032);
    });
  });

  it('a differing third read fails too: every read is compared, not only the second', () => {
    const thrice = edit(s, (x) => {
      for (let i = 0; i < 3; i++) x.threads[0].l.txReads.push(64);
    });
    expectClause(P, thrice, (x) => {
      x.threads[0].l.txReads.pop();
      x.threads[0].l.txReads.push(2032);
    });
  });

  it('every thread is judged, not only the first', () => {
    const twice = edit(s, (x) => {
      x.threads[1].l.txReads.push(64);
      x.threads[1].l.txReads.push(64);
    });
    expectClause(P, twice, (x) => {
      x.threads[1].l.txReads.pop();
      x.threads[1].l.txReads.push(128);
    });
  });
});
