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

/** Scratch buffer the encoder writes into; a Uint16Array store wraps negatives to their 16-bit form. */
let buf = new Uint16Array(1024);
let len = 0;

function put(v: number | boolean): void {
  const n = v === true ? 1 : v === false ? 0 : v;
  // (n | 0) === n rejects fractions and values beyond 32 bits; the range check keeps 16.
  if ((n | 0) !== n || n < -32768 || n > 32767) throw new RangeError(`state value ${n} does not fit the encoding`);
  if (len === buf.length) {
    const bigger = new Uint16Array(buf.length * 2);
    bigger.set(buf);
    buf = bigger;
  }
  buf[len++] = n;
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
const LOCAL_FIELDS = Object.entries(newLocals()).map(([name, v]) => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Locals field '${name}' is not an identifier`);
  return { name: name as keyof Locals, kind: Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : 'num' };
});

/**
 * The locals encoder and decoder are generated from LOCAL_FIELDS once, at load:
 * straight-line code with fixed property names is several times faster than a
 * loop over keys (it was a quarter of all checking time), and the field list
 * stays the single source of truth. Only identifiers from newLocals() go into it.
 */
const putLocals = new Function(
  'put',
  'putArray',
  `return function putLocals(l) {\n${LOCAL_FIELDS.map((f) => `  ${f.kind === 'array' ? 'putArray' : 'put'}(l.${f.name});`).join('\n')}\n};`,
)(put, putArray) as (l: Locals) => void;

const readLocals = new Function(
  `return function readLocals(num, bool, arr) {\n  return {\n${LOCAL_FIELDS.map((f) => `    ${f.name}: ${f.kind === 'array' ? 'arr' : f.kind === 'bool' ? 'bool' : 'num'}(),`).join('\n')}\n  };\n};`,
)() as (num: () => number, bool: () => boolean, arr: () => number[]) => Locals;

/** The canonical encoding as a string of 16-bit code units. */
export function encodeState(s: State): string {
  const units = encodeUnits(s);
  // Chunked to stay within the argument-count limit of apply.
  let out = '';
  for (let i = 0; i < units.length; i += 4096) out += String.fromCharCode.apply(null, units.subarray(i, Math.min(units.length, i + 4096)) as unknown as number[]);
  return out;
}

/** The canonical encoding in the scratch buffer: a view that the next call overwrites. */
export function encodeUnits(s: State): Uint16Array {
  len = 0;
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
  return buf.subarray(0, len);
}

/**
 * The inverse of encodeState for states of one scenario: `template` (its initial
 * state) gives the shape the encoding leaves implicit (frames per ring, threads).
 * The transient last-step record comes back empty.
 */
export function makeDecoder(template: State): { decode: (key: string) => State; decodeUnits: (units: Uint16Array) => State } {
  const decodeUnits = makeUnitsDecoder(template);
  return {
    decode: (key) => {
      const units = new Uint16Array(key.length);
      for (let i = 0; i < key.length; i++) units[i] = key.charCodeAt(i);
      return decodeUnits(units);
    },
    decodeUnits,
  };
}

function makeUnitsDecoder(template: State): (key: Uint16Array) => State {
  const frames = template.sock.rx.frames.length;
  const threads = template.threads.length;
  return (key) => {
    let i = 0;
    const num = () => {
      const u = key[i++];
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
      ts.push({ pc, stack, l: readLocals(num, bool, arr) });
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
