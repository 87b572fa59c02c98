/**
 * Properties from each party's point of view: what a call returns to its caller
 * must be true of the state it returns into. The other families judge the ring
 * (who wrote which frame, what is lost, what is ready); these judge what a kernel
 * sender, a TX user and a polling consumer are TOLD, because a caller acts on its
 * return value and nothing else: it retries, gives up, reads, or sleeps.
 *
 * Also here: the kernel's reads of a TX frame stay inside the frame whatever
 * nm_len userspace wrote (a misbehaving TX user must hurt only itself).
 */
import { COPY, ENOBUFS, HDRLEN, POLLIN, SKIP, VALID } from '../model/constants.js';
import { maxLen } from '../model/geometry.js';
import type { Property } from '../model/interface.js';
import type { State } from '../model/state.js';
import { tagBit } from '../model/kernel/sock.js';

type P = Property<State>;

const noted = (s: State, what: string) => s.ghost.note === what;

/**
 * Message `tag` is where its receiver can read it: in a VALID frame of the RX ring,
 * parsed where userspace parses (nm_len > 0, at frame + NL_MMAP_HDRLEN), or on the
 * receive queue (an ordinary skb, or the skb of a COPY frame, which recvmsg returns).
 */
export function readableByReceiver(s: State, tag: number): boolean {
  const q = s.sock.rcvq;
  for (let i = 0; i < q.length; i++) if (q.at(i)!.msg === tag) return true;
  const r = s.sock.rx;
  if (r.gen === 0) return false;
  for (let i = 0; i < r.frameNr; i++) {
    const f = r.frames[i];
    if (f.status === VALID && f.len > 0 && f.off === HDRLEN && f.msg === tag) return true;
  }
  return false;
}

/** Is `frame` in a consumer's held set (its SKIP frames)? */
function holds(held: { readonly length: number; at(i: number): number | undefined }, frame: number): boolean {
  for (let i = 0; i < held.length; i++) if (held.at(i) === frame) return true;
  return false;
}

export const CALLER_VIEW: readonly P[] = [
  {
    id: 'RET-KERNEL-SEND',
    family: 'caller-view',
    kind: 'always',
    doc:
      'What netlink_unicast / netlink_broadcast return to a kernel sender is true when they return: told the message was delivered (a length), ' +
      'the receiver can read it (a VALID frame, or the receive queue, where a COPY frame sends the reader) or has already taken it (with recvmsg, or under --memory tso or weak from its frame), or its loss is reported (sk_err ENOBUFS, ' +
      'unless NETLINK_NO_ENOBUFS or the socket is released); told it failed (-errno), the receiver cannot read it and has not taken it.',
    cites:
      'af_netlink.c netlink_unicast (returns the skb length, or -ECONNREFUSED / -EAGAIN), netlink_broadcast (-ESRCH), __netlink_sendskb, ' +
      'netlink_queue_mmaped_skb, netlink_ring_set_copied (drops with netlink_overrun and still returns the length) (3.10, 4.5); netlink(7) ENOBUFS',
    holds: (s) => {
      const g = s.ghost;
      if (g.toldThread < 0) return true;
      // Taken already counts as readable: the reader may dequeue a COPY message before its sender returns.
      const readable = readableByReceiver(s, g.toldMsg) || (g.recvTags & tagBit(g.toldMsg)) !== 0;
      if (g.toldValue < 0) return !readable;
      const k = s.sock;
      return readable || k.skErr === ENOBUFS || k.noEnobufs || k.released;
    },
  },
  {
    id: 'RET-TX-SENDMSG',
    family: 'caller-view',
    kind: 'always',
    doc:
      'A sendmsg that returns an error took no frame off the TX ring: a call that consumed frames (set them UNUSED, or RESERVED for zero copy) ' +
      'must say so with a byte count, or the user, told nothing was sent, cannot know which of its messages went out and resends or loses them.',
    cites:
      'af_netlink.c netlink_mmap_sendmsg (3.10, 4.5): an error (nm_len > maxlen, alloc_skb failure, netlink_unicast failure) jumps to out: and ' +
      'returns err, dropping len, the bytes of the frames this call already sent; the frame whose unicast failed is already UNUSED; netlink_mmap.txt TX',
    holds: (s) => !noted(s, 'sendmsg-return') || s.ghost.noteValue >= 0 || s.threads[s.ghost.noteThread].l.txTaken === 0,
  },
  {
    id: 'POLL-IN-AT-CURSOR',
    family: 'caller-view',
    kind: 'always',
    doc:
      'A consumer told POLLIN finds something where it will look next: with an RX ring, the frame at its own cursor is VALID or COPY ' +
      '(where the cursor is on a frame the consumer holds itself as SKIP, the first frame from there on that it does not hold: it never reads its own held frames) ' +
      '(it cannot see the kernel head, so a VALID frame elsewhere does not help it); without one, a message on the receive queue. ' +
      'Otherwise it polls again at once and spins.',
    cites:
      'netlink_mmap.txt RX loop (look at the frame at the user\'s own position; poll when it is not VALID or COPY); af_netlink.c netlink_poll ' +
      '(4.5: netlink_has_valid_frame scans the whole ring; 3.10: the frame before the kernel head); datagram_poll',
    holds: (s) => {
      if (!noted(s, 'poll-return') || (s.ghost.noteValue & POLLIN) === 0) return true;
      const r = s.sock.rx;
      if (r.gen === 0) return s.sock.rcvq.length > 0;
      const t = s.threads[s.ghost.noteThread];
      let at = t.l.cursor;
      if (at >= r.frameNr) return false;
      // A reader never reads a frame it holds itself: from its own SKIP frame it looks on to the next one.
      for (let i = 1; i < r.frameNr && r.frames[at].status === SKIP && holds(t.l.held, at); i++) at = (at + 1) % r.frameNr;
      const st = r.frames[at].status;
      return st === VALID || st === COPY;
    },
  },
  {
    id: 'TX-READ-IN-FRAME',
    family: 'frame-layout',
    kind: 'always',
    stateOnly: true,
    doc:
      'The kernel reads no TX message past its frame: every nm_len value it uses for a frame (after the bound check: skb length, allocation, copy) ' +
      'is at most frame_size - NL_MMAP_HDRLEN, whatever userspace wrote there.',
    cites:
      'af_netlink.c netlink_mmap_sendmsg: maxlen = ring->frame_size - NL_MMAP_HDRLEN, nm_len > maxlen -> EINVAL (3.10, 4.5); 3.10 reads hdr->nm_len again after the check (bugs.md B3b)',
    holds: (s) => {
      const max = maxLen(s.sock.tx.frameSize);
      for (const t of s.threads) {
        const l = t.l;
        if (l.txFrame < 0) continue; // not consuming a frame
        if (l.txLen > max) return false;
        // Read 0 is the bound check itself; the later ones are uses.
        const reads = l.txReads;
        for (let i = 1; i < reads.length; i++) if (reads.at(i) > max) return false;
      }
      return true;
    },
  },
];
