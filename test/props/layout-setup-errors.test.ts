/**
 * Properties of the state alone: frame layout (`frame-layout`), set-up
 * consistency (`setup-consistency`), error values (`error-values`) and
 * determinism (`determinism`), clause by clause.
 */
import { describe, expect, it } from 'vitest';
import { COPY, ENOBUFS, HDRLEN, RESERVED, SKIP, UNUSED, VALID } from '../../src/model/constants.js';
import { edit, expectClause, expectFails, expectHolds, init } from './helpers.js';

/** rx-order's initial RX ring: 4 frames of 1 KiB in one 4 KiB block. */
const rx = () => init('rx-order').s;
/** A VALID 64-byte message at frame + NL_MMAP_HDRLEN in RX frame 1, as netlink_ring_setup_skb puts it. */
const published = (status = VALID, len = 64) =>
  edit(rx(), (x) => {
    const f = x.sock.rx.frames[1];
    f.status = status;
    f.len = len;
    f.off = HDRLEN;
  });

// include/uapi/linux/netlink.h NL_MMAP_HDRLEN; netlink_mmap.txt; af_netlink.c netlink_ring_setup_skb
// (data = frame + NL_MMAP_HDRLEN, tailroom frame_size - NL_MMAP_HDRLEN), netlink_dump trim (4.1); bugs.md B12.
describe('LAYOUT-MSG-AT-HDRLEN: a frame handed to the user has its message at frame + NL_MMAP_HDRLEN and fits the frame', () => {
  const P = 'LAYOUT-MSG-AT-HDRLEN';

  it('a VALID message at NL_MMAP_HDRLEN holds; moved 8 bytes on (netlink_dump trimming the headroom, B12) fails', () => {
    expectClause(P, published(), (x) => (x.sock.rx.frames[1].off = HDRLEN + 8));
    expectClause(P, published(), (x) => (x.sock.rx.frames[1].off = 0));
  });

  it('a COPY frame\'s nm_len is the queued message\'s: at the wrong offset it fails too', () => {
    expectClause(P, published(COPY), (x) => (x.sock.rx.frames[1].off = HDRLEN + 8));
  });

  it('a frame with no message (nm_len 0: a released or zero-length frame) may have any offset', () => {
    const empty = edit(published(VALID, 0), (x) => (x.sock.rx.frames[1].off = 0));
    expectClause(P, empty, (x) => (x.sock.rx.frames[1].len = 64));
    expectClause(P, edit(published(COPY, 0), (x) => (x.sock.rx.frames[1].off = 0)), (x) => (x.sock.rx.frames[1].len = 1));
  });

  it('frames the user does not own yet or any more (UNUSED, RESERVED, SKIP) are not judged', () => {
    for (const status of [UNUSED, RESERVED, SKIP]) {
      const notHanded = edit(published(status), (x) => (x.sock.rx.frames[1].off = 0));
      expectClause(P, notHanded, (x) => (x.sock.rx.frames[1].status = VALID));
    }
  });

  it('a VALID message exactly filling the frame (NL_MMAP_HDRLEN + nm_len = frame_size) holds; one byte more fails', () => {
    const full = published(VALID, 1024 - HDRLEN);
    expectClause(P, full, (x) => (x.sock.rx.frames[1].len = 1024 - HDRLEN + 1));
  });

  it('a COPY frame\'s nm_len may exceed the frame (the message is in the receive queue)', () => {
    expectHolds(P, published(COPY, 4000));
    expectClause(P, published(COPY, 4000), (x) => (x.sock.rx.frames[1].status = VALID));
  });

  it('every frame is judged (the last one too), and only frames of the ring (below frame_nr)', () => {
    const last = edit(rx(), (x) => {
      const f = x.sock.rx.frames[3];
      f.status = VALID;
      f.len = 64;
      f.off = HDRLEN;
    });
    expectClause(P, last, (x) => (x.sock.rx.frames[3].off = 0));
    const past = edit(last, (x) => {
      x.sock.rx.frames[3].off = 0;
      x.sock.rx.frameNr = 3;
    });
    expectClause(P, past, (x) => (x.sock.rx.frameNr = 4));
  });
});

// af_netlink.c netlink_set_ring: frames_per_block written before pg_vec_lock is taken (3.10, 4.5); protocol.md §2.1.
describe('SETUP-GEOMETRY: a configured ring\'s geometry comes from one successful setsockopt', () => {
  const P = 'SETUP-GEOMETRY';
  /** nfq-batch: both rings configured (RX 4 x 1 KiB, TX too). */
  const both = () => init('nfq-batch').s;

  it('both rings as set up hold; RX frames_per_block from another request (a concurrent setsockopt, README Finding 3) fails', () => {
    expectClause(P, both(), (x) => (x.sock.rx.framesPerBlock = 2));
  });

  it('RX frame_nr that is not frames_per_block * block_nr fails', () => {
    expectClause(P, both(), (x) => (x.sock.rx.frameNr -= 1));
    expectClause(P, both(), (x) => (x.sock.rx.blockNr += 1));
  });

  it('RX frames_per_block that is not block_size / frame_size fails, even when frame_nr agrees with it', () => {
    expectClause(P, both(), (x) => {
      x.sock.rx.frameSize = 2048;
    });
    expectHolds(P, edit(both(), (x) => {
      x.sock.rx.frameSize = 2048;
      x.sock.rx.framesPerBlock = 2;
      x.sock.rx.frameNr = 2;
    }), 'a consistent 2 x 2 KiB ring');
    expectFails(P, edit(both(), (x) => (x.sock.rx.frameSize = 1025)), 'floor(4096 / 1025) = 3 frames per block, not 4');
  });

  it('a ring of several blocks (4 blocks of one 4 KiB frame each, dump-full-ring) holds; one block less fails', () => {
    const pages = init('dump-full-ring').s;
    expect(pages.sock.rx.blockNr).toBe(4);
    expectClause(P, pages, (x) => (x.sock.rx.blockNr = 3));
  });

  it('the TX ring is judged too', () => {
    expectClause(P, both(), (x) => (x.sock.tx.framesPerBlock += 1));
    expectClause(P, both(), (x) => (x.sock.tx.frameNr += 1));
  });

  it('a ring that is not configured (gen 0) is not judged; the same numbers in a live ring fail', () => {
    const none = edit(both(), (x) => {
      x.sock.rx.gen = 0;
      x.sock.rx.framesPerBlock = 2;
    });
    expectClause(P, none, (x) => (x.sock.rx.gen = 1));
    const noTx = edit(both(), (x) => {
      x.sock.tx.gen = 0;
      x.sock.tx.frameNr = 7;
    });
    expectClause(P, noTx, (x) => (x.sock.tx.gen = 2));
  });
});

// include/net/sock.h sock_error() negates sk_err; af_netlink.c netlink_poll/netlink_recvmsg store -err (fixed form); bugs.md B1.
describe('ERR-SK-ERR-POSITIVE: sk_err holds 0 or a positive errno', () => {
  const P = 'ERR-SK-ERR-POSITIVE';

  it('sk_err 0 holds; a negative errno (the 3.10 dump path storing -ENOBUFS, B1) fails', () => {
    expectClause(P, rx(), (x) => (x.sock.skErr = -ENOBUFS));
  });

  it('a positive errno holds; -1 fails', () => {
    expectClause(P, edit(rx(), (x) => (x.sock.skErr = ENOBUFS)), (x) => (x.sock.skErr = -1));
    expectHolds(P, edit(rx(), (x) => (x.sock.skErr = 1)));
  });
});

// MemorySanitizer; af_netlink.c netlink_sendmsg (3.10 ... 3.19) tests msg_iov->iov_base, uninitialised when msg_iovlen == 0;
// a8866ff6 "netlink: make the check for 'send from tx_ring' deterministic"; bug B4.
describe('DET-NO-UNINIT-BRANCH: no kernel decision depends on uninitialised memory', () => {
  const P = 'DET-NO-UNINIT-BRANCH';

  it('no branch on an uninitialised value holds; a recorded one (sticky ghost uninitBranch) fails', () => {
    expectClause(P, init('tx-no-iovec').s, (x) => (x.ghost.uninitBranch = true));
  });
});
