/**
 * src/model/symmetry.ts: producers with the same program and bounds (count,
 * path, mayAbandon) are interchangeable; the canonical units of a state are the
 * least encoding over every relabelling of them (threads moved, locks and frame
 * owners renamed, message tags mapped). Sound only if a state and its mirror
 * image (the same schedule with two producers swapped) get equal canonical units,
 * and useful only if states that are not images of each other keep distinct ones.
 */
import { describe, expect, it } from 'vitest';
import type { ScenarioConfig, ThreadSpec } from '../../src/model/config.js';
import { makeCtx, type NlAction, type NlState } from '../../src/model/spec.js';
import { makeCanonicalUnits, makeCanonicalUnitsByViews, producerGroups } from '../../src/model/symmetry.js';
import { findVariant } from '../../src/catalog.js';
import { TWO, catalogModel, model, runToDone, scenario, type Model } from './helpers.js';

const prod = (name: string, count: number, path: 'ring' | 'plain' | 'nfq' | 'mcast', firstTag: number, mayAbandon?: boolean): ThreadSpec => ({
  name,
  program: 'producer',
  params: { count, path, firstTag, ...(mayAbandon === undefined ? {} : { mayAbandon }) },
});
const consumer: ThreadSpec = { name: 'consumer', program: 'consumer', params: { maxHold: 0 } };

const groupsOf = (sc: ScenarioConfig) => producerGroups(makeCtx(findVariant('linux-4.5'), sc));
const canonicalOf = (m: Model) => {
  const f = m.spec.canonicalUnits;
  if (f === undefined) throw new Error('no interchangeable producers');
  return (s: NlState): number[] => Array.from(f(s));
};

/**
 * A deterministic schedule and its mirror: at step k take enabled action (3k + 1) mod n
 * in the first run, and in the second the action of the swapped actor with the same
 * step and choice. Returns both runs' states.
 */
function mirrored(m: Model, swap: Record<string, string>, steps: number): [NlState, NlState][] {
  let a = m.spec.init();
  let b = m.spec.init();
  const out: [NlState, NlState][] = [[a, b]];
  for (let k = 0; k < steps; k++) {
    const acts = m.spec.actions(a);
    if (acts.length === 0) break;
    const x = acts[(3 * k + 1) % acts.length];
    const actor = swap[x.actor] ?? x.actor;
    const y: NlAction | undefined = m.spec.actions(b).find((z) => z.actor === actor && z.kind === x.kind && z.arg === x.arg);
    expect(y, `mirror of ${x.actor} ${x.kind}#${x.arg} at step ${k}`).toBeDefined();
    a = m.spec.next(a, x);
    b = m.spec.next(b, y!);
    out.push([a, b]);
  }
  return out;
}

const lexLess = (x: ArrayLike<number>, y: ArrayLike<number>): boolean => {
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i];
  return false;
};

describe('symmetry: which producers are interchangeable', () => {
  it('producers with equal count, path and mayAbandon (absent = false) form one group, with their thread index and first tag', () => {
    const sc = scenario([prod('a', 2, 'ring', 1), consumer, prod('b', 2, 'ring', 3), prod('c', 2, 'ring', 5, false)]);
    expect(groupsOf(sc)).toEqual([[{ thread: 0, firstTag: 1 }, { thread: 2, firstTag: 3 }, { thread: 3, firstTag: 5 }]]);
  });

  it('a different count, path or mayAbandon makes a producer not interchangeable; a group of one is no group', () => {
    expect(groupsOf(scenario([prod('a', 2, 'ring', 1), prod('b', 3, 'ring', 3)]))).toEqual([]);
    expect(groupsOf(scenario([prod('a', 2, 'ring', 1), prod('b', 2, 'plain', 3)]))).toEqual([]);
    expect(groupsOf(scenario([prod('a', 2, 'ring', 1), prod('b', 2, 'ring', 3, true)]))).toEqual([]);
    expect(groupsOf(scenario([prod('a', 2, 'ring', 1), consumer]))).toEqual([]);
  });

  it('several groups are kept apart, in the order of their first member', () => {
    const sc = scenario([prod('p', 1, 'plain', 1), prod('r', 1, 'ring', 2), prod('q', 1, 'plain', 3), prod('s', 1, 'ring', 4)]);
    expect(groupsOf(sc)).toEqual([
      [{ thread: 0, firstTag: 1 }, { thread: 2, firstTag: 3 }],
      [{ thread: 1, firstTag: 2 }, { thread: 3, firstTag: 4 }],
    ]);
  });

  it('without interchangeable producers there is no canonical function (the spec offers none)', () => {
    expect(makeCanonicalUnits(makeCtx(findVariant('linux-4.5'), scenario([prod('a', 2, 'ring', 1), consumer])))).toBeNull();
    expect(catalogModel('linux-4.5', 'copy-mixed').spec.canonicalUnits).toBeUndefined();
    expect(catalogModel('linux-4.5', 'rx-order').spec.canonicalUnits).toBeDefined();
  });
});

describe('symmetry: a state and its mirror image have equal canonical units', () => {
  it('rx-order (two producers): after every step of a schedule and its mirror, canonical units are equal and are the lesser encoding', () => {
    const m = catalogModel('linux-4.5', 'rx-order');
    const can = canonicalOf(m);
    let differing = 0;
    for (const [a, b] of mirrored(m, { prod1: 'prod2', prod2: 'prod1' }, 40)) {
      const ca = can(a);
      expect(can(b)).toEqual(ca);
      // The orbit of a two-member group is {a, b}: the canonical units are the lesser of the two encodings.
      const ea = Array.from(a.units);
      const eb = Array.from(b.units);
      expect(ca).toEqual(lexLess(eb, ea) ? eb : ea);
      if (ea.join() !== eb.join()) differing++;
    }
    expect(differing).toBeGreaterThan(10);
  });

  it('rx-order on linux-3.10 and nfq-batch (ids under the id lock): mirror images agree at every step', () => {
    for (const [v, sc, p, q] of [['linux-3.10', 'rx-order', 'prod1', 'prod2'], ['linux-4.5', 'nfq-batch', 'nfq1', 'nfq2']] as const) {
      const m = catalogModel(v, sc);
      const can = canonicalOf(m);
      const run = mirrored(m, { [p]: q, [q]: p }, 40);
      for (const [a, b] of run) expect(can(b)).toEqual(can(a));
    }
  });

  it('the id lock and the receive-queue lock held by a producer follow it to its image', () => {
    // nfq-batch: a producer takes the id lock (s.idLock) while it assigns an id; the walk above must pass such states.
    const m = catalogModel('linux-4.5', 'nfq-batch');
    const run = mirrored(m, { nfq1: 'nfq2', nfq2: 'nfq1' }, 40);
    expect(run.some(([a]) => a.idLock >= 0)).toBe(true);
    expect(run.some(([a]) => a.sock.rxqLock >= 0)).toBe(true);
  });

  it('rx-basic (three producers, six images): swapping the first and the last gives equal canonical units', () => {
    const m = catalogModel('linux-4.5', 'rx-basic');
    const can = canonicalOf(m);
    let differing = 0;
    for (const [a, b] of mirrored(m, { prod1: 'prod3', prod3: 'prod1' }, 40)) {
      const ca = can(a);
      expect(can(b)).toEqual(ca);
      // The least image is never greater than the state's own encoding.
      expect(lexLess(Array.from(a.units), ca)).toBe(false);
      if (a.units.join() !== b.units.join()) differing++;
    }
    expect(differing).toBeGreaterThan(10);
  });

  it('rx-basic: the canonical units are the least encoding over all six images (every permutation of the three producers)', () => {
    const m = catalogModel('linux-4.5', 'rx-basic');
    const can = canonicalOf(m);
    const perms = [
      ['prod1', 'prod2', 'prod3'], ['prod1', 'prod3', 'prod2'], ['prod2', 'prod1', 'prod3'],
      ['prod2', 'prod3', 'prod1'], ['prod3', 'prod1', 'prod2'], ['prod3', 'prod2', 'prod1'],
    ];
    const runs = perms.map((p) => mirrored(m, { prod1: p[0], prod2: p[1], prod3: p[2] }, 30));
    for (let k = 0; k < runs[0].length; k++) {
      let least = Array.from(runs[0][k][1].units);
      for (const r of runs) {
        const e = Array.from(r[k][1].units);
        if (lexLess(e, least)) least = e;
        // Every image has the same canonical units.
        expect(can(r[k][1])).toEqual(can(runs[0][k][0]));
      }
      expect(can(runs[0][k][0])).toEqual(least);
    }
  });

  it('two groups at once: swapping within each group, or within one only, gives equal canonical units', () => {
    const sc = scenario([prod('p', 1, 'plain', 1), prod('r', 1, 'ring', 2), prod('q', 1, 'plain', 3), prod('s', 1, 'ring', 4), consumer]);
    const m = model('linux-4.5', sc);
    const can = canonicalOf(m);
    const swaps: Record<string, string>[] = [{ p: 'q', q: 'p', r: 's', s: 'r' }, { p: 'q', q: 'p' }, { r: 's', s: 'r' }];
    for (const swap of swaps) {
      for (const [a, b] of mirrored(m, swap, 40)) expect(can(b)).toEqual(can(a));
    }
  });

  it('a producer whose tags directly follow a group member\'s is not relabelled with the group', () => {
    // a, b interchangeable (tags 1-2, 3-4), c plain with tags 5-6: mapping b's tags must stop at b's count.
    const sc = scenario([prod('a', 2, 'ring', 1), prod('b', 2, 'ring', 3), prod('c', 2, 'plain', 5), consumer], { requests: [TWO] });
    const m = model('linux-4.5', sc);
    const can = canonicalOf(m);
    for (const [a, b] of mirrored(m, { a: 'b', b: 'a' }, 40)) expect(can(b)).toEqual(can(a));
  });
});

describe('symmetry: every lock holder and frame owner is renamed with its thread', () => {
  // rx-order's initial state is its own image (each producer at its entry with its own first
  // tag), so the same state with a lock held by prod1 and with it held by prod2 are images of
  // each other. No producer takes pg_vec_lock or cb_mutex in the catalogue, so these hand-set
  // holders are the only states that check those two renames.
  const m = catalogModel('linux-4.5', 'rx-order');
  const can = canonicalOf(m);
  const sets: [string, (s: NlState, ti: number) => void][] = [
    ['pg_vec_lock', (s, ti) => { s.sock.pgVecLock = ti; }],
    ['the receive-queue lock', (s, ti) => { s.sock.rxqLock = ti; }],
    ['cb_mutex', (s, ti) => { s.sock.cbMutex = ti; }],
    ['the id lock', (s, ti) => { s.idLock = ti; }],
    ['a frame owner', (s, ti) => { s.sock.rx.frames[2].owner = ti; }],
  ];
  it('the initial state is its own image', () => {
    const s = m.spec.init();
    expect(can(s)).toEqual(Array.from(s.units));
  });
  it.each(sets)('%s held by prod1 and by prod2: equal canonical units, different encodings', (_, set) => {
    const a = m.spec.init();
    const b = m.spec.init();
    set(a, 0);
    set(b, 1);
    expect(Array.from(a.units)).not.toEqual(Array.from(b.units));
    expect(can(a)).toEqual(can(b));
  });
  it.each(sets)('%s held by the consumer (not in the group) stays with the consumer', (_, set) => {
    const a = m.spec.init();
    set(a, 2);
    expect(can(a)).toEqual(Array.from(a.units));
  });
});

describe('symmetry: message tags in skbs, the receive queue and the reader follow the relabelling', () => {
  it('two plain producers (ordinary skbs through the receive queue): mirror images agree at every step', () => {
    const sc = scenario([prod('p', 2, 'plain', 1), prod('q', 2, 'plain', 3), consumer]);
    const m = model('linux-4.5', sc);
    const can = canonicalOf(m);
    const run = mirrored(m, { p: 'q', q: 'p' }, 60);
    for (const [a, b] of run) expect(can(b)).toEqual(can(a));
    // The walk passes the states that need each tag map: a group tag in an skb (l.skbMsg),
    // in the receive queue, and in the consumer's last read (l.rMsg).
    expect(run.some(([a]) => a.threads.some((t) => t.l.skbMsg > 0))).toBe(true);
    expect(run.some(([a]) => a.sock.rcvq.length > 0)).toBe(true);
    expect(run.some(([a]) => a.threads[2].l.rMsg > 0)).toBe(true);
  });
});

describe('symmetry: states that are not images stay apart', () => {
  it('swapping a producer with one of another path gives different canonical units', () => {
    const sc = scenario([prod('a', 2, 'ring', 1), prod('b', 2, 'ring', 3), prod('c', 2, 'plain', 5), consumer]);
    const m = model('linux-4.5', sc);
    const can = canonicalOf(m);
    // Run a alone versus c alone to the end of their programs: a ring frame versus a queued skb.
    const only = (who: string): NlState => {
      let s = m.spec.init();
      for (let k = 0; k < 30; k++) {
        const x = m.spec.actions(s).find((z) => z.actor === who);
        if (x === undefined) break;
        s = m.spec.next(s, x);
      }
      return s;
    };
    expect(can(only('c'))).not.toEqual(can(only('a')));
    // But a alone and b alone are images of each other.
    expect(can(only('b'))).toEqual(can(only('a')));
  });

  it('a producer\'s first step and the consumer\'s are not images: distinct canonical units', () => {
    const m = catalogModel('linux-4.5', 'rx-order');
    const can = canonicalOf(m);
    const s = m.spec.init();
    const succ = m.spec.actions(s).map((a) => m.spec.next(s, a));
    // From the initial state: prod1's first step and prod2's are images; the consumer's is not.
    const byActor = new Map(m.spec.actions(s).map((a, i) => [a.actor, succ[i]]));
    expect(can(byActor.get('prod1')!)).toEqual(can(byActor.get('prod2')!));
    expect(byActor.has('consumer')).toBe(true);
    expect(can(byActor.get('consumer')!)).not.toEqual(can(byActor.get('prod1')!));
  });
});

describe('symmetry: canonicalising is idempotent', () => {
  it('the canonical units decode to a state whose canonical units are the same', () => {
    const m = catalogModel('linux-4.5', 'rx-basic');
    const can = canonicalOf(m);
    for (const [a] of mirrored(m, {}, 30)) {
      const c1 = can(a);
      const d = m.spec.decodeUnits!(Uint16Array.from(c1));
      expect(can(d)).toEqual(c1);
    }
  });
});

describe('what the canonical units are made of', () => {
  it('the canonical units are exactly as long as an encoding of the scenario (one unit per two bytes of the vector)', () => {
    const m = catalogModel('linux-4.5', 'rx-basic');
    const f = m.spec.canonicalUnits!;
    const s = m.spec.init();
    expect(f(s).length).toBe(s.units.length);
  });

  it("a setup thread's l.msg is a ring index, not a message tag: the images of two producers' runs stay equal with a setup thread on the TX ring (index 1 = a first tag)", () => {
    const setup: ThreadSpec = { name: 'setup', program: 'setup', params: { ops: [{ op: 'setsockopt', ring: 'tx', req: 1 }] } };
    const m = model('linux-4.5', scenario([prod('a', 2, 'ring', 1), prod('b', 2, 'ring', 3), setup], { requests: [TWO, TWO], tx: null }));
    const canon = canonicalOf(m);
    const s0 = m.spec.init();
    const a = runToDone(m, s0, 'a').state;
    const b = runToDone(m, s0, 'b').state;
    expect(canon(a)).toEqual(canon(b));
  });
});

describe('symmetry: the compiled canonical form is the one the views define', () => {
  // makeCanonicalUnits runs each relabelling as moves and byte lookups on the raw vector;
  // makeCanonicalUnitsByViews runs it through the state views (apply). They must agree
  // on every state, or the engines fingerprint something other than the orbit's least image.
  const plain = scenario([prod('p', 2, 'plain', 1), prod('q', 2, 'plain', 3), { name: 'consumer', program: 'consumer', params: { maxHold: 1 } }]);
  const cases: [string, string, () => Model][] = [
    ...([['linux-4.5', 'rx-basic'], ['linux-4.5', 'skip-hold@ulogd2'], ['reference', 'rx-basic'], ['linux-3.10', 'nfq-batch'], ['linux-4.5-ordered', 'rx-order']] as const).map(
      ([v, id]): [string, string, () => Model] => [v, id, () => catalogModel(v, id)],
    ),
    // Plain producers: group tags in skbs, the receive queue, the reader and the recvTags mask.
    ['linux-4.5', 'two plain producers', () => model('linux-4.5', plain)],
  ];
  for (const [variant, id, build] of cases) {
    it(`${variant} ${id}: equal on the first 3,000 states breadth-first and on random walks`, () => {
      const m = build();
      const c = makeCtx(findVariant(variant), m.scenario);
      const fast = makeCanonicalUnits(c);
      const slow = makeCanonicalUnitsByViews(c);
      if (!fast || !slow) throw new Error(`${id} has no interchangeable producers`);
      let compared = 0;
      const differ: string[] = [];
      let recvTagsSeen = false;
      const judge = (s: NlState) => {
        compared++;
        if (s.ghost.recvTags !== 0) recvTagsSeen = true;
        const a = Array.from(fast(s)).join(',');
        const b = Array.from(slow(s)).join(',');
        if (a !== b && differ.length < 3) differ.push(m.spec.render?.(s) ?? a);
      };
      const seen = new Set<string>();
      let frontier = [m.spec.init()];
      while (frontier.length > 0 && seen.size < 3000) {
        const next: NlState[] = [];
        for (const s of frontier) {
          judge(s);
          for (const a of m.spec.actions(s)) {
            const n = m.spec.next(s, a);
            const k = m.spec.encode(n);
            if (!seen.has(k)) {
              seen.add(k);
              next.push(n);
            }
          }
        }
        frontier = next;
      }
      for (let w = 0; w < 20; w++) {
        let s = m.spec.init();
        for (let d = 0; d < 150; d++) {
          const acts = m.spec.actions(s);
          if (acts.length === 0) break;
          s = m.spec.next(s, acts[(d * 7 + w * 13) % acts.length]);
          judge(s);
        }
      }
      expect(differ).toEqual([]);
      expect(compared).toBeGreaterThan(2000);
      if (id === 'two plain producers') expect(recvTagsSeen).toBe(true);
    });
  }
});
