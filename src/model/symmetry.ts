/**
 * Symmetry over interchangeable producers (optional; engines use it only when
 * asked). Two kernel producers are interchangeable when they run the same
 * program with the same bounds: only their names and message tags differ. A
 * permutation of such producers moves their threads, renames every reference to
 * their thread indices (locks, frame owners) and relabels their message tags.
 * No property looks at which producer is which, so a state and its permuted
 * images satisfy the same properties, and exploring one representative per
 * orbit is sound.
 *
 * The representative is the image with the least encoding (lexicographic over
 * 16-bit units). Engines fingerprint that, but keep expanding the actual state,
 * so recorded action indices still replay from the initial state.
 */
import { encodeUnits } from './codec.js';
import type { ProducerParams } from './config.js';
import { State, fieldSlots } from './state.js';
import type { Ctx } from './step.js';

interface Member {
  readonly thread: number;
  readonly firstTag: number;
}

/** Groups of interchangeable producers (each of two or more). */
export function producerGroups(c: Ctx): Member[][] {
  const byKey = new Map<string, Member[]>();
  c.threads.forEach((t, i) => {
    if (t.program !== 'producer') return;
    const p: ProducerParams = t.params;
    const key = JSON.stringify([p.count, p.path, p.mayAbandon ?? false]);
    byKey.set(key, [...(byKey.get(key) ?? []), { thread: i, firstTag: p.firstTag }]);
  });
  return [...byKey.values()].filter((g) => g.length > 1);
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [xs.slice()];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/** A relabelling: thread index map and message tag map. */
interface Relabel {
  readonly thread: Int32Array;
  readonly tag: Map<number, number>;
  /**
   * Per thread: its `l.msg` is a message tag (producers). Other threads keep other
   * things there (a setup thread's ring index, a dump's part tag), which a tag map
   * must not touch: ring index 1 is also a producer's first tag.
   */
  readonly msgIsTag: readonly boolean[];
}

/** Every relabelling of the group members (the identity included), product over groups. */
function relabellings(c: Ctx, groups: Member[][]): Relabel[] {
  let combos: Member[][][] = [[]];
  for (const g of groups) combos = combos.flatMap((done) => permutations(g).map((p) => [...done, p]));
  return combos.map((perGroup) => {
    const thread = new Int32Array(c.threads.length).map((_, i) => i);
    const tag = new Map<number, number>();
    perGroup.forEach((image, gi) => {
      groups[gi].forEach((from, k) => {
        const to = image[k];
        thread[from.thread] = to.thread;
        const spec = c.threads[from.thread];
        const count = spec.program === 'producer' ? spec.params.count : 0;
        for (let n = 0; n < count; n++) tag.set(from.firstTag + n, to.firstTag + n);
      });
    });
    return { thread, tag, msgIsTag: c.threads.map((t) => t.program === 'producer') };
  });
}

/** Write the image of `s` under `r` into `n` (same layout): thread blocks move, references follow. */
function apply(s: State, r: Relabel, n: State): void {
  const th = (i: number) => (i >= 0 ? r.thread[i] : i);
  const tg = (t: number) => r.tag.get(t) ?? t;
  const lay = s.layout;
  // Thread blocks start at even bytes and have even sizes: move them as 16-bit units.
  n.units.set(s.units);
  for (let i = 0; i < lay.threads; i++) {
    const from = lay.threadAt(i) >> 1;
    // Interchangeable producers have blocks of one shape and size.
    n.units.set(s.units.subarray(from, from + (lay.threadSizes[i] >> 1)), lay.threadAt(r.thread[i]) >> 1);
  }
  n.threads.forEach((t, i) => {
    if (r.msgIsTag[i]) t.l.msg = tg(t.l.msg);
    t.l.skbMsg = tg(t.l.skbMsg);
    t.l.rMsg = tg(t.l.rMsg);
  });
  const k = n.sock;
  k.pgVecLock = th(k.pgVecLock);
  k.rxqLock = th(k.rxqLock);
  k.cbMutex = th(k.cbMutex);
  n.idLock = th(n.idLock);
  for (const ring of [k.rx, k.tx]) {
    for (const f of ring.frames) {
      f.owner = th(f.owner);
      f.msg = tg(f.msg);
    }
  }
  k.rcvq.mapMsg(tg);
  // Ghost: the messages recvmsg has returned, a bit per tag (state.ts recvTags).
  const taken = n.ghost.recvTags;
  if (taken !== 0) {
    let image = 0;
    for (let t = 1; t < 30; t++) if ((taken & (1 << t)) !== 0) image |= 1 << tg(t);
    n.ghost.recvTags = image;
  }
}

/**
 * A relabelling compiled to array operations on the raw vector: the thread blocks
 * to move (in 16-bit units), the bytes that hold a thread index or a message tag,
 * and byte-wise tables for the recvTags mask. `apply` above is its specification
 * (test/model/symmetry.test.ts checks that both give the same image); this is
 * what the engines run, as a BFS canonicalises every successor.
 */
interface Compiled {
  /** [from unit, to unit, length in units] per moved thread block. */
  readonly moves: readonly (readonly [number, number, number])[];
  /** Thread index map, indexed by index + 1 (so -1, no thread, maps to itself). */
  readonly thread: Int8Array;
  /** Tag map over every byte value (indexed by the byte as unsigned). */
  readonly tag: Int8Array;
  /** recvTags image, one table per byte of the 32-bit mask: OR the four lookups. */
  readonly maskBytes: readonly Int32Array[];
}

/** Where the thread indices, the tags and the recvTags mask sit in the vector (fieldSlots paths). */
interface Places {
  readonly threadBytes: Int32Array;
  readonly tagBytes: Int32Array;
  /** Byte offset of ghost.recvTags (a 32-bit mask, little-endian words). */
  readonly recvTags: number;
}

function placesOf(c: Ctx): Places {
  const slots = new Map(fieldSlots(c.layout).map((f) => [f.path, f]));
  const at = (path: string): number[] => {
    const f = slots.get(path);
    return f ? [f.at] : [];
  };
  const threadBytes = ['sock.pgVecLock', 'sock.rxqLock', 'sock.cbMutex', 'idLock'].flatMap(at);
  const tagBytes: number[] = [];
  for (const ring of ['rx', 'tx'] as const) {
    const frames = ring === 'rx' ? c.layout.rxFrames : c.layout.txFrames;
    for (let f = 0; f < frames; f++) {
      threadBytes.push(...at(`sock.${ring}.frames[${f}].owner`));
      tagBytes.push(...at(`sock.${ring}.frames[${f}].msg`));
    }
  }
  c.threads.forEach((t, i) => {
    if (t.program === 'producer') tagBytes.push(...at(`threads[${i}].l.msg`));
    tagBytes.push(...at(`threads[${i}].l.skbMsg`), ...at(`threads[${i}].l.rMsg`));
  });
  // The receive queue: a length byte, then (msg, seq, frame) triples; unused slots are 0, which maps to 0.
  const q = slots.get('sock.rcvq');
  if (q) for (let p = q.at + 1; p < q.at + q.bytes; p += 3) tagBytes.push(p);
  return { threadBytes: Int32Array.from(threadBytes), tagBytes: Int32Array.from(tagBytes), recvTags: (slots.get('ghost.recvTags') as { at: number }).at };
}

function compile(c: Ctx, r: Relabel): Compiled {
  const lay = c.layout;
  const moves: [number, number, number][] = [];
  for (let i = 0; i < lay.threads; i++) {
    if (r.thread[i] !== i) moves.push([lay.threadAt(i) >> 1, lay.threadAt(r.thread[i]) >> 1, lay.threadSizes[i] >> 1]);
  }
  const thread = new Int8Array(lay.threads + 1);
  for (let i = -1; i < lay.threads; i++) thread[i + 1] = i >= 0 ? r.thread[i] : i;
  const tag = new Int8Array(256);
  for (let v = 0; v < 256; v++) {
    const signed = (v << 24) >> 24;
    tag[v] = r.tag.get(signed) ?? signed;
  }
  const maskBytes = [0, 1, 2, 3].map((k) => {
    const table = new Int32Array(256);
    for (let v = 0; v < 256; v++) {
      let image = 0;
      for (let b = 0; b < 8; b++) {
        const t = 8 * k + b;
        if ((v & (1 << b)) !== 0) image |= 1 << (r.tag.get(t) ?? t);
      }
      table[v] = image;
    }
    return table;
  });
  return { moves, thread, tag, maskBytes };
}

/** Lexicographic comparison of two encodings of one scenario: negative, zero or positive. */
function compareUnits(a: Uint16Array, b: Uint16Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/**
 * The least encoding over the orbit of `s`, or null when the scenario has no
 * interchangeable producers. The result is a scratch array that the next call overwrites.
 */
export function makeCanonicalUnits(c: Ctx): ((s: State) => Uint16Array) | null {
  // Store buffers and early loads hold message tags the relabellings do not rewrite: no symmetry under tso and weak.
  if (c.layout.memory !== 'sc') return null;
  const groups = producerGroups(c);
  if (groups.length === 0) return null;
  const compiled = relabellings(c, groups).slice(1).map((r) => compile(c, r));
  const { threadBytes, tagBytes, recvTags } = placesOf(c);
  // Scratch space, allocated once: an image (as units and as bytes over one buffer) and the least encoding so far.
  const units = c.layout.size >> 1;
  const image = new Uint16Array(units);
  const bytes = new Int8Array(image.buffer);
  const ubytes = new Uint8Array(image.buffer);
  const best = new Uint16Array(units);
  // Hot path (every successor of a symmetric search): flat arrays and plain loops, no
  // iterators or subarrays, which allocate.
  const moves = compiled.map((r) => Int32Array.from(r.moves.flat()));
  const nThread = threadBytes.length;
  const nTag = tagBytes.length;
  return (s) => {
    const src = encodeUnits(s);
    best.set(src);
    for (let ri = 0; ri < compiled.length; ri++) {
      const r = compiled[ri];
      image.set(src);
      const mv = moves[ri];
      for (let k = 0; k < mv.length; k += 3) {
        const from = mv[k];
        const to = mv[k + 1];
        for (let u = 0, n = mv[k + 2]; u < n; u++) image[to + u] = src[from + u];
      }
      const th = r.thread;
      for (let k = 0; k < nThread; k++) {
        const p = threadBytes[k];
        bytes[p] = th[bytes[p] + 1];
      }
      const tg = r.tag;
      for (let k = 0; k < nTag; k++) {
        const p = tagBytes[k];
        bytes[p] = tg[ubytes[p]];
      }
      const m = r.maskBytes;
      const mask = m[0][ubytes[recvTags]] | m[1][ubytes[recvTags + 1]] | m[2][ubytes[recvTags + 2]] | m[3][ubytes[recvTags + 3]];
      // Little-endian words, low word first (state.ts's mask fields), as the byte order of the host.
      bytes[recvTags] = mask & 0xff;
      bytes[recvTags + 1] = (mask >> 8) & 0xff;
      bytes[recvTags + 2] = (mask >> 16) & 0xff;
      bytes[recvTags + 3] = (mask >>> 24) & 0xff;
      if (compareUnits(image, best) < 0) best.set(image);
    }
    return best;
  };
}

/**
 * The same least encoding, computed through the state views with `apply` (slowly):
 * the specification the compiled form is tested against.
 */
export function makeCanonicalUnitsByViews(c: Ctx): ((s: State) => Uint16Array) | null {
  const groups = producerGroups(c);
  if (groups.length === 0) return null;
  const relabels = relabellings(c, groups);
  const image = new State(c.layout);
  const best = new Uint16Array(c.layout.size >> 1);
  return (s) => {
    best.set(encodeUnits(s));
    for (let i = 1; i < relabels.length; i++) {
      apply(s, relabels[i], image);
      const u = encodeUnits(image);
      if (compareUnits(u, best) < 0) best.set(u);
    }
    return best;
  };
}
