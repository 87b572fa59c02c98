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
import { newGhost, newLocals } from './state.js';
import { labelAt, labelId } from './step.js';

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

/**
 * Field names and kinds of Locals, in the order of newLocals(): the one list both
 * the encoder and the decoder walk, so they cannot disagree.
 */
const LOCAL_FIELDS = Object.entries(newLocals()).map(([name, v]) => ({
  name: name as keyof Locals,
  kind: Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : 'num',
}));

function putLocals(l: Locals): void {
  for (let i = 0; i < LOCAL_FIELDS.length; i++) {
    const f = LOCAL_FIELDS[i];
    const v = l[f.name];
    if (f.kind === 'array') putArray(v as number[]);
    else put(v as number | boolean);
  }
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
    put(m & 0x7fff); put((m >>> 15) & 0x7fff);
  }
  put(g.unreported);
  put(g.dumpRead);
  put(g.copyFrame); put(g.copyPaired); put(g.usedFreed);
  // Chunked to stay within the argument-count limit of apply.
  let out = '';
  for (let i = 0; i < buf.length; i += 4096) out += String.fromCharCode.apply(null, buf.slice(i, i + 4096));
  return out;
}

/**
 * The inverse of encodeState for states of one scenario: `template` (its initial
 * state) gives the shape the encoding leaves implicit (frames per ring, threads).
 * The transient last-step record comes back empty.
 */
export function makeDecoder(template: State): (key: string) => State {
  const frames = template.sock.rx.frames.length;
  const threads = template.threads.length;
  return (key) => {
    let i = 0;
    const num = () => {
      const u = key.charCodeAt(i++);
      return u >= 0x8000 ? u - 0x10000 : u;
    };
    const bool = () => num() === 1;
    const arr = () => {
      const n = num();
      const a: number[] = [];
      for (let j = 0; j < n; j++) a.push(num());
      return a;
    };
    const ring = (): Ring => {
      const r: Ring = {
        gen: num(), req: num(), frameNr: num(), frameSize: num(), framesPerBlock: num(),
        blockSize: num(), blockNr: num(), head: num(), pending: num(), frames: [],
      };
      for (let f = 0; f < frames; f++) {
        r.frames.push({ status: num(), len: num(), group: num(), msg: num(), seq: num(), off: num(), owner: num() });
      }
      return r;
    };
    const rx = ring();
    const tx = ring();
    const mapped = num(), fileRefs = num(), sockRefs = num(), released = bool(), destructed = bool();
    const skErr = num(), congested = bool(), drops = num(), noEnobufs = bool();
    const rcvq = [];
    for (let n = num(); n > 0; n--) rcvq.push({ msg: num(), seq: num(), frame: num() });
    const pgVecLock = num(), rxqLock = num(), cbMutex = num(), dumpRunning = bool(), dumpPart = num();
    const wake = bool(), vmaRxGen = num(), vmaTxGen = num();
    const ts = [];
    for (let t = 0; t < threads; t++) {
      const pc = labelAt(num());
      const stack: string[] = [];
      for (let n = num(); n > 0; n--) stack.push(labelAt(num()));
      const l = newLocals() as unknown as Record<string, number | boolean | number[]>;
      for (const f of LOCAL_FIELDS) l[f.name] = f.kind === 'array' ? arr() : f.kind === 'bool' ? bool() : num();
      ts.push({ pc, stack, l: l as unknown as Locals });
    }
    const idLock = num(), idSeq = num(), nextGen = num();
    const ghost = newGhost();
    const mask = () => num() | (num() << 15);
    ghost.readIds = mask();
    ghost.queuedIds = mask();
    ghost.verdictIds = mask();
    ghost.unreported = num();
    ghost.dumpRead = num();
    ghost.copyFrame = num();
    ghost.copyPaired = num();
    ghost.usedFreed = bool();
    if (i !== key.length) throw new Error(`decode: ${key.length - i} units left over (encoder and decoder disagree)`);
    return {
      sock: {
        rx, tx, mapped, fileRefs, sockRefs, released, destructed, skErr, congested, drops, noEnobufs, rcvq,
        pgVecLock, rxqLock, cbMutex, dumpRunning, dumpPart, wake, vmaRxGen, vmaTxGen,
      },
      threads: ts,
      idLock, idSeq, nextGen, ghost,
    };
  };
}
