/**
 * The canonical encoding of a State (design.md: the spec owns it, so equal
 * states give equal bytes). Every field is a small integer, a boolean or a
 * length-prefixed array of them; labels become their registration index. The
 * transient record of the last step (ghost.last, ghost.note) is left out: it is
 * evidence for properties, not state.
 *
 * The result is a string of 16-bit code units, one per value, which is compact
 * and cheap to hash. Values must lie in [-32768, 32767].
 */
import type { Locals, Ring, State } from './state.js';
import { labelId } from './step.js';


const buf: number[] = [];

function put(v: number | boolean): void {
  const n = v === true ? 1 : v === false ? 0 : v;
  // (n | 0) === n rejects fractions and values beyond 32 bits; the range check keeps 16.
  if ((n | 0) !== n || n < -32768 || n > 32767) throw new RangeError(`state value ${n} does not fit the encoding`);
  buf.push(n & 0xffff);
}

function putArray(a: readonly number[]): void {
  put(a.length);
  for (const v of a) put(v);
}

function putRing(r: Ring): void {
  put(r.gen); put(r.req); put(r.frameNr); put(r.frameSize); put(r.framesPerBlock);
  put(r.blockSize); put(r.blockNr); put(r.head); put(r.pending);
  for (const f of r.frames) { put(f.status); put(f.len); put(f.group); put(f.msg); put(f.seq); put(f.off); put(f.owner); }
}

/** Every field of Locals, in declaration order (test/model/spec.properties.test.ts checks that none is missing). */
function putLocals(l: Locals): void {
  put(l.k);
  put(l.msg);
  put(l.seq);
  put(l.skb);
  put(l.skbGen);
  put(l.skbFrame);
  put(l.skbDelivered);
  put(l.skbLen);
  put(l.skbMsg);
  put(l.skbSeq);
  put(l.fwdStart);
  put(l.fwdPos);
  put(l.fwdSeen);
  put(l.inAlloc);
  put(l.fullSeen);
  put(l.ret);
  put(l.rMsg);
  put(l.rSeq);
  put(l.rFrame);
  put(l.txExcl);
  put(l.txTotal);
  put(l.txErr);
  put(l.txCount);
  put(l.txLen);
  put(l.txAlloc);
  putArray(l.txReads);
  put(l.txFrame);
  put(l.vMsg);
  put(l.aMsg);
  put(l.cursor);
  putArray(l.held);
  put(l.seqLast);
  put(l.maxRead);
  put(l.covered);
  put(l.txCursor);
  put(l.unsent);
  put(l.maps);
  put(l.mask);
  put(l.scan);
  put(l.waiting);
}

export function encodeState(s: State): string {
  buf.length = 0;
  const k = s.sock;
  putRing(k.rx);
  putRing(k.tx);
  put(k.mapped); put(k.fileRefs); put(k.sockRefs); put(k.released); put(k.destructed);
  put(k.skErr); put(k.congested); put(k.drops); put(k.noEnobufs);
  put(k.rcvq.length);
  for (const q of k.rcvq) { put(q.msg); put(q.seq); put(q.frame); }
  put(k.pgVecLock); put(k.rxqLock); put(k.cbMutex); put(k.dumpRunning); put(k.dumpPart);
  put(k.wake); put(k.vmaRxGen); put(k.vmaTxGen);
  for (const t of s.threads) {
    put(labelId(t.pc));
    put(t.stack.length);
    for (const r of t.stack) put(labelId(r));
    putLocals(t.l);
  }
  put(s.idLock); put(s.idSeq); put(s.nextGen);
  const g = s.ghost;
  // Bit masks of tags 1..29 exceed 16 bits: two units each.
  for (const m of [g.readIds, g.queuedIds, g.verdictIds]) {
    put((m & 0x7fff) - 0); put((m >>> 15) & 0x7fff);
  }
  put(g.unreported);
  put(g.dumpRead);
  put(g.copyFrame); put(g.copyPaired); put(g.usedFreed);
  // Chunked to stay within the argument-count limit of apply.
  let out = '';
  for (let i = 0; i < buf.length; i += 4096) out += String.fromCharCode.apply(null, buf.slice(i, i + 4096));
  return out;
}
