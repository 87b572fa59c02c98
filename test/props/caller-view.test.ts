/**
 * The caller-view properties (src/props/caller-view.ts) and TX-READ-IN-FRAME: clause
 * by clause on real states, then with the checker, each failing on a variant built
 * to break it and holding where it should.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/check/result.js';
import { COPY, ECONNREFUSED, EINVAL, ENOBUFS, POLLIN, RESERVED, SKIP, TX, UNUSED, VALID } from '../../src/model/constants.js';
import type { State } from '../../src/model/state.js';
import { endDelivery } from '../../src/model/kernel/deliver.js';
import { load } from '../../src/model/mem.js';
import { goto, ret, stepAt } from '../../src/model/step.js';
import { defineVariant } from '../../src/model/variant.js';
import { linux45 } from '../../src/model/variants/linux-4.5.js';
import { reference } from '../../src/model/variants/reference.js';
import { checkOne } from '../model/helpers.js';
import { edit, expectClause, expectFails, expectHolds, init, runUntil } from './helpers.js';


function expectPass(r: CheckResult): void {
  expect(r.violation?.steps.join('\n') ?? '', 'no counterexample').toBe('');
  expect([r.verdict, r.complete]).toEqual(['pass', true]);
}

function expectFail(r: CheckResult, property: string): void {
  expect([r.verdict, r.violation?.property]).toEqual(['fail', property]);
}

// ---------------------------------------------------------------------------------------------
// RET-KERNEL-SEND

/** A kernel sender (thread 0 of `poll`, prod1) has just been told something about message 1. */
function told(value: number): State {
  return edit(init('poll').s, (x) => {
    x.ghost.toldThread = 0;
    x.ghost.toldValue = value;
    x.ghost.toldMsg = 1;
  });
}

/** Message 1 published in rx frame 2, as send.publish leaves it. */
function published(x: State): void {
  const f = x.sock.rx.frames[2];
  f.status = VALID;
  f.len = 64;
  f.msg = 1;
  f.off = 24;
}

describe('RET-KERNEL-SEND: what netlink_unicast / netlink_broadcast tell a kernel sender is true', () => {
  const P = 'RET-KERNEL-SEND';

  it('told delivered: holds with the message in a VALID frame, fails once it is not there', () => {
    expectClause(P, edit(told(64), published), (x) => (x.sock.rx.frames[2].status = UNUSED));
  });

  it('a VALID frame counts only as userspace parses it: nm_len > 0, at frame + NL_MMAP_HDRLEN, the same message', () => {
    const ok = edit(told(64), published);
    expectFails(P, edit(ok, (x) => (x.sock.rx.frames[2].len = 0)), 'nm_len 0 is no message');
    expectFails(P, edit(ok, (x) => (x.sock.rx.frames[2].off = 40)), 'the message is not where userspace parses');
    expectFails(P, edit(ok, (x) => (x.sock.rx.frames[2].msg = 2)), 'another message');
    expectFails(P, edit(ok, (x) => (x.sock.rx.gen = 0)), 'no ring: the frame is not there');
  });

  it('told delivered: a message on the receive queue (ordinary skb, or the skb of a COPY frame) counts', () => {
    expectClause(P, edit(told(64), (x) => x.sock.rcvq.push({ msg: 1, seq: 0, frame: 0 })), (x) => x.sock.rcvq.shift());
  });

  it('a message the receiver already took with recvmsg (its COPY skb is queued before the sender returns) counts as delivered, not as failed', () => {
    expectClause(P, edit(told(64), (x) => (x.ghost.recvTags = 1 << 1)), (x) => (x.ghost.recvTags = 1 << 2));
    expectClause(P, told(-ECONNREFUSED), (x) => (x.ghost.recvTags = 1 << 1));
  });

  it('recvmsg records the message it dequeues (ghost recvTags): copy-mixed, the consumer reads the COPY message of the plain producer', () => {
    const s = runUntil(init('copy-mixed'), 'plain', (x) => x.ghost.toldThread >= 0);
    const r = runUntil({ m: init('copy-mixed').m, s }, 'consumer', (x) => x.ghost.recvTags !== 0);
    expect(r.ghost.recvTags).toBe(1 << 3);
  });

  it('told delivered and not readable: the loss reported (sk_err ENOBUFS), NETLINK_NO_ENOBUFS or a released socket excuse it', () => {
    expectFails(P, told(64));
    expectClause(P, edit(told(64), (x) => (x.sock.skErr = ENOBUFS)), (x) => (x.sock.skErr = 0));
    expectClause(P, edit(told(64), (x) => (x.sock.noEnobufs = true)), (x) => (x.sock.noEnobufs = false));
    expectClause(P, edit(told(64), (x) => (x.sock.released = true)), (x) => (x.sock.released = false));
  });

  it('told it failed: holds while the receiver cannot read it, fails when it can (frame or queue), reported or not', () => {
    expectClause(P, told(-ECONNREFUSED), published);
    expectClause(P, told(-ECONNREFUSED), (x) => x.sock.rcvq.push({ msg: 1, seq: 0, frame: -1 }));
    expectFails(P, edit(told(-ECONNREFUSED), (x) => {
      published(x);
      x.sock.skErr = ENOBUFS;
    }));
  });

  it('judged only on a step where a delivery call returned (toldThread set)', () => {
    expectHolds(P, edit(told(64), (x) => (x.ghost.toldThread = -1)));
  });

  it('the producer records what it was told when the delivery returns: a ring message published, told its length', () => {
    const s = runUntil(init('poll'), 'prod1', (x) => x.ghost.toldThread >= 0);
    expect([s.ghost.toldThread, s.ghost.toldValue, s.ghost.toldMsg]).toEqual([0, 64, 1]);
    expectHolds(P, s);
  });

  // Variants built to break it: a publication that tells the sender the port is gone, and an
  // ordinary delivery that tells it the length but queues nothing.
  it('fails on a variant whose ring publication returns -ECONNREFUSED; holds on linux-4.5 (close-race)', () => {
    const publish = stepAt('send.publish');
    const liar = defineVariant({
      base: linux45,
      id: 'publish-refused',
      description: 'linux-4.5 whose netlink_unicast reports ECONNREFUSED after publishing the frame',
      cites: 'test: a lie to the sender',
      overrides: {
        'send.publish': {
          cites: 'test: a lie to the sender',
          run: (c, s, ti, arg) => {
            publish.run(c, s, ti, arg);
            s.threads[ti].l.ret = -ECONNREFUSED;
          },
        },
      },
    });
    expectFail(checkOne(liar, 'close-race', P), P);
    expectPass(checkOne(linux45, 'close-race', P));
  });

  it('fails on a variant whose ordinary delivery drops the skb but returns its length; holds on the reference (copy-teardown)', () => {
    const dropper = defineVariant({
      base: reference,
      id: 'queue-drops',
      description: 'the reference whose __netlink_sendskb frees an ordinary skb instead of queueing it, and returns its length',
      cites: 'test: a silent loss told as a delivery',
      overrides: {
        'send.queue': {
          cites: 'test: a silent loss told as a delivery',
          run: (c, s, ti) => {
            const t = s.threads[ti];
            const len = t.l.skbLen;
            endDelivery(c, s, ti); // freed, not queued
            ret(t, len);
          },
        },
      },
    });
    expectFail(checkOne(dropper, 'copy-teardown', P), P);
    expectPass(checkOne(reference, 'copy-teardown', P));
  });
});

// ---------------------------------------------------------------------------------------------
// RET-TX-SENDMSG

/** tx-batch: the TX user's sendmsg has just returned `value` (thread 0), having taken `taken` frames. */
function sendmsgReturned(value: number, taken: number): State {
  return edit(init('tx-batch').s, (x) => {
    x.ghost.note = 'sendmsg-return';
    x.ghost.noteThread = 0;
    x.ghost.noteValue = value;
    x.threads[0].l.txTaken = taken;
  });
}

describe('RET-TX-SENDMSG: a sendmsg that returns an error took no frame off the TX ring', () => {
  const P = 'RET-TX-SENDMSG';

  it('an error after taking no frame holds; after taking one it fails', () => {
    expectClause(P, sendmsgReturned(-ENOBUFS, 0), (x) => (x.threads[0].l.txTaken = 1));
  });

  it('a byte count (or 0) is never judged a lie here, whatever was taken', () => {
    expectHolds(P, sendmsgReturned(64, 1));
    expectHolds(P, sendmsgReturned(0, 0));
    expectClause(P, sendmsgReturned(0, 2), (x) => (x.ghost.noteValue = -EINVAL));
  });

  it('judged on the returning thread only, and only when sendmsg returns', () => {
    const bad = sendmsgReturned(-ENOBUFS, 1);
    expectHolds(P, edit(bad, (x) => (x.ghost.note = 'tx-acted')));
  });

  it('the kernel counts a frame when it takes it: after the first copy of tx-batch, txTaken is 1 while the receiver has not finished (txCount 0)', () => {
    const s = runUntil(init('tx-batch'), 'txuser', (x) => x.threads[0].pc === 'rcv.validate');
    expect([s.threads[0].l.txTaken, s.threads[0].l.txCount]).toEqual([1, 0]);
  });

  // linux-4.5 itself breaks it (netlink_mmap_sendmsg's goto out drops len); a variant that returns
  // the count of the frames already sent when a later one fails holds.
  it('fails on linux-4.5 in tx-batch (ENOBUFS after a frame was sent) and holds on the reference, which returns the count (sendmsg-counts)', () => {
    expectFail(checkOne(linux45, 'tx-batch', P), P);
    // The reference's fix sendmsg-counts (out: returns len when frames were sent).
    expectPass(checkOne(reference, 'tx-batch', P));
  });

  it('fails on a variant that reports -EINVAL once the ring is drained after a frame was sent; holds on linux-4.5 (tx-full-frame)', () => {
    const status = stepAt('tx.status');
    const drained = defineVariant({
      base: linux45,
      id: 'drained-einval',
      description: 'linux-4.5 whose netlink_mmap_sendmsg returns -EINVAL when it finds no more VALID frames',
      cites: 'test: an error for a call that sent frames',
      overrides: {
        'tx.status': {
          cites: 'test: an error for a call that sent frames',
          run: (c, s, ti, arg) => {
            status.run(c, s, ti, arg);
            if (s.ghost.note === 'sendmsg-return' && s.ghost.noteThread === ti) {
              s.ghost.noteValue = -EINVAL;
              s.threads[ti].l.ret = -EINVAL;
            }
          },
        },
      },
    });
    expectFail(checkOne(drained, 'tx-full-frame', P), P);
    expectPass(checkOne(linux45, 'tx-full-frame', P));
  });
});

// ---------------------------------------------------------------------------------------------
// POLL-IN-AT-CURSOR

const C = 3; // the consumer of `poll`

/** The consumer's first poll in `poll` has returned without POLLIN; its cursor is frame 0. */
function pollReturned(): State {
  const s = runUntil(init('poll'), 'consumer', (x) => x.ghost.note === 'poll-return');
  if ((s.ghost.noteValue & POLLIN) !== 0) throw new Error('the first poll of an empty ring reported POLLIN');
  return s;
}

describe('POLL-IN-AT-CURSOR: a consumer told POLLIN finds something at its own cursor', () => {
  const P = 'POLL-IN-AT-CURSOR';

  it('POLLIN with a VALID or COPY frame at the cursor holds; RESERVED, SKIP or UNUSED there fails', () => {
    for (const st of [VALID, COPY]) {
      const ready = edit(pollReturned(), (x) => {
        x.ghost.noteValue |= POLLIN;
        x.sock.rx.frames[0].status = st;
      });
      expectClause(P, ready, (x) => (x.sock.rx.frames[0].status = RESERVED));
      expectClause(P, ready, (x) => (x.sock.rx.frames[0].status = SKIP));
      expectClause(P, ready, (x) => (x.sock.rx.frames[0].status = UNUSED));
    }
  });

  it('it is the cursor that counts, not the ring: a VALID frame elsewhere or a queued message does not help a ring reader', () => {
    const elsewhere = edit(pollReturned(), (x) => {
      x.ghost.noteValue |= POLLIN;
      x.sock.rx.frames[1].status = VALID;
      x.sock.rcvq.push({ msg: 4, seq: 1, frame: 0 });
    });
    expectFails(P, elsewhere);
    expectHolds(P, edit(elsewhere, (x) => (x.threads[C].l.cursor = 1)), 'the cursor moved to the VALID frame');
  });

  it('without an RX ring the reader uses recv: a queued message holds, an empty queue fails', () => {
    const noRing = edit(pollReturned(), (x) => {
      x.ghost.noteValue |= POLLIN;
      x.sock.rx.gen = 0;
      x.sock.rcvq.push({ msg: 4, seq: 0, frame: -1 });
    });
    expectClause(P, noRing, (x) => x.sock.rcvq.shift());
  });

  it('at a frame it holds itself (SKIP, in its held set) the reader looks on to the next frame it does not hold; a SKIP frame it does not hold counts as nothing', () => {
    const ownSkip = edit(pollReturned(), (x) => {
      x.ghost.noteValue |= POLLIN;
      x.sock.rx.frames[0].status = SKIP;
      x.threads[C].l.held.insertSorted(0);
      x.sock.rx.frames[1].status = VALID;
    });
    expectHolds(P, ownSkip, 'its own SKIP frame, then a VALID one');
    expectFails(P, edit(ownSkip, (x) => x.threads[C].l.held.removeAt(0)), 'a SKIP frame it does not hold: it looks no further');
    expectFails(P, edit(ownSkip, (x) => (x.sock.rx.frames[1].status = RESERVED)), 'the next frame it does not hold is RESERVED');
    // Frames it holds are passed over in ring order, however many: frames 0 and 1 held, frame 2 COPY.
    const two = edit(ownSkip, (x) => {
      x.sock.rx.frames[1].status = SKIP;
      x.threads[C].l.held.insertSorted(1);
      x.sock.rx.frames[2].status = COPY;
    });
    expectClause(P, two, (x) => (x.sock.rx.frames[2].status = UNUSED));
    // It holds every frame: nothing to read anywhere.
    expectFails(P, edit(two, (x) => {
      for (const i of [2, 3]) {
        x.sock.rx.frames[i].status = SKIP;
        x.threads[C].l.held.insertSorted(i);
      }
    }), 'every frame held');
  });

  it('with the held-frame rule it still fails on linux-4.5 in copy-hold and skip-hold, where the hazard is real; holds on the reference', () => {
    for (const sc of ['copy-hold', 'skip-hold']) {
      expectFail(checkOne(linux45, sc, P), P);
      expectPass(checkOne(reference, sc, P));
    }
  });

  it('a cursor past frame_nr finds nothing', () => {
    const ok = edit(pollReturned(), (x) => {
      x.ghost.noteValue |= POLLIN;
      x.sock.rx.frameNr = 3;
      x.sock.rx.frames[3].status = VALID;
      x.sock.rx.frames[0].status = VALID;
    });
    expectClause(P, ok, (x) => (x.threads[C].l.cursor = 3));
  });

  it('judged only on a poll return with POLLIN', () => {
    const bad = edit(pollReturned(), (x) => (x.ghost.noteValue |= POLLIN));
    expectFails(P, bad);
    expectHolds(P, edit(bad, (x) => (x.ghost.noteValue &= ~POLLIN)));
    expectHolds(P, edit(bad, (x) => (x.ghost.note = 'read')));
  });

  it('fails on a variant whose poll always reports POLLIN; holds on the reference (rx-order)', () => {
    const datagram = stepAt('poll.datagram');
    const always = defineVariant({
      base: reference,
      id: 'poll-always-in',
      description: 'the reference whose datagram_poll always sets POLLIN',
      cites: 'test: POLLIN for nothing',
      overrides: {
        'poll.datagram': {
          cites: 'test: POLLIN for nothing',
          run: (c, s, ti, arg) => {
            s.threads[ti].l.mask |= POLLIN;
            datagram.run(c, s, ti, arg);
          },
        },
      },
    });
    expectFail(checkOne(always, 'rx-order', P), P);
    expectPass(checkOne(reference, 'rx-order', P));
  });
});

// ---------------------------------------------------------------------------------------------
// TX-READ-IN-FRAME

/** tx-sibling: the TX user inside sendmsg, past the bound check of tx frame 0 (one read of nm_len 64). */
function checked(): State {
  return runUntil(init('tx-sibling'), 'txuser', (x) => x.threads[0].l.txReads.length === 1 && x.threads[0].pc !== 'tx.len');
}

describe('TX-READ-IN-FRAME: no nm_len the kernel uses for a TX frame exceeds frame_size - NL_MMAP_HDRLEN', () => {
  const P = 'TX-READ-IN-FRAME';
  const MAX = 2048 - 24; // tx-sibling's frames are 2 KiB

  it('the length used (txLen) at most maxlen holds; one byte more fails', () => {
    const s = checked();
    expect(s.threads[0].l.txLen).toBe(64);
    expectClause(P, edit(s, (x) => (x.threads[0].l.txLen = MAX)), (x) => (x.threads[0].l.txLen = MAX + 1));
  });

  it('every read after the check is a use: a second read past maxlen fails; the check read itself is not judged', () => {
    const s = checked();
    expectClause(P, edit(s, (x) => x.threads[0].l.txReads.push(MAX)), (x) => {
      x.threads[0].l.txReads.clear();
      x.threads[0].l.txReads.push(64);
      x.threads[0].l.txReads.push(MAX + 8);
    });
    expectHolds(P, edit(s, (x) => {
      x.threads[0].l.txReads.clear();
      x.threads[0].l.txReads.push(MAX + 8);
      x.threads[0].l.txLen = 0;
    }), 'the bound check read a large nm_len and refused it');
  });

  it('a thread not consuming a TX frame (txFrame -1) is not judged', () => {
    const s = edit(checked(), (x) => (x.threads[0].l.txLen = MAX + 1));
    expectFails(P, s);
    expectHolds(P, edit(s, (x) => (x.threads[0].l.txFrame = -1)));
  });

  it('fails on a variant without netlink_mmap_sendmsg\'s bound check; holds on linux-4.5 (tx-misbehave, nm_len too large)', () => {
    const unchecked = defineVariant({
      base: linux45,
      id: 'no-maxlen-check',
      description: 'linux-4.5 without the nm_len > maxlen check',
      cites: 'test: the bound check removed',
      overrides: {
        'tx.len': {
          cites: 'test: the bound check removed',
          run: (_c, s, ti) => {
            // One read of nm_len, used as it is (4.5's always-copy path without `if (nm_len > maxlen)`).
            const t = s.threads[ti];
            const v = load(s, ti, { ring: TX, gen: s.sock.tx.gen, frame: t.l.txFrame }, 'len');
            t.l.txReads.push(v);
            t.l.txLen = v;
            goto(t, 'tx.copy');
          },
        },
      },
    });
    expectFail(checkOne(unchecked, 'tx-misbehave', P), P);
    expectPass(checkOne(linux45, 'tx-misbehave', P));
  });
});
