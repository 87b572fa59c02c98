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
import { State } from './state.js';
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

/** Lexicographic order of two encodings of one scenario (equal lengths). */
function less(a: Uint16Array, b: Uint16Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/**
 * The least encoding over the orbit of `s`, or null when the scenario has no
 * interchangeable producers. The result is a scratch array that the next call overwrites.
 */
export function makeCanonicalUnits(c: Ctx): ((s: State) => Uint16Array) | null {
  const groups = producerGroups(c);
  if (groups.length === 0) return null;
  const relabels = relabellings(c, groups);
  // Scratch space, allocated once: an image and the least encoding so far.
  const image = new State(c.layout);
  // One 16-bit unit per two bytes of the vector: the length of every encoding of this scenario.
  const best = new Uint16Array(c.layout.size >> 1);
  return (s) => {
    best.set(encodeUnits(s));
    for (let i = 1; i < relabels.length; i++) {
      apply(s, relabels[i], image);
      const u = encodeUnits(image);
      if (less(u, best)) best.set(u);
    }
    return best;
  };
}
