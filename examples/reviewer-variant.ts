/**
 * A variant the way a reviewer writes one: "what if this patch reverted the TX
 * path of linux-4.5 to zero-copy?" One knob changes; everything else is 4.5.
 *
 * Outside this repository, import from 'nlring' instead of '../src/index.js'.
 * test/examples/reviewer-variant.test.ts checks it with bfs and with fast-check
 * (see examples/README.md).
 */
import { buildTargetFor, deriveVariant, linux45 } from '../src/index.js';

export const revertedTx = deriveVariant(
  linux45,
  'linux-4.5-zero-copy-tx',
  'Linux 4.5 with netlink_mmap_sendmsg reverted to zero-copy for kernel destinations (as in 3.10 to 3.18.3)',
  'hypothetical revert of 4682a0358639 ("netlink: Always copy on mmap TX.", Jan 2015) on top of K45',
  { txMode: 'zero-copy' },
);

/** The reverted variant in the TX scenario with a sibling thread that shares the mapping. */
export const revertedTxTarget = buildTargetFor(revertedTx, 'tx-sibling');

/** The properties a zero-copy TX path breaks: nm_len and the payload must be read once, after validation. */
export const TX_TOCTOU = ['NOTOCTOU-TX-LEN', 'NOTOCTOU-TX-ACT'] as const;
