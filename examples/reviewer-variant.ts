/**
 * A variant the way a reviewer writes one: "what if this patch reverted the TX
 * path of linux-4.5 to zero-copy?" One knob changes; everything else is 4.5.
 *
 * Outside this repository, import from 'nlring' instead of '../src/index.js'.
 * test/examples/reviewer-variant.test.ts checks it with bfs and with fast-check
 * (see examples/README.md).
 */
import { buildTargetFor } from '../src/index.js';
import zeroCopyTx from './patches/zero-copy-tx.js';

/** The patch of examples/patches/zero-copy-tx.ts, as a value (the CLI loads the same file with --variant). */
export const revertedTx = zeroCopyTx;

/** The reverted variant in the TX scenario with a sibling thread that shares the mapping. */
export const revertedTxTarget = buildTargetFor(revertedTx, 'tx-sibling');

/** The properties a zero-copy TX path breaks: nm_len and the payload must be read once, after validation. */
export const TX_TOCTOU = ['NOTOCTOU-TX-LEN', 'NOTOCTOU-TX-ACT'] as const;
