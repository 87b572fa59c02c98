/**
 * Leaving message ids out (src/model/ids.ts) is sound only if the model with ids
 * and the model without them cannot be told apart by anything checked. That is
 * checked here, not assumed: for every shipped variant and every scenario (each
 * consumer style too) whose check leaves ids out, both models are stepped side by
 * side along the same action indices, breadth-first and on random walks, and in
 * every state pair
 *   - the same actions are enabled (thread, step, choice, in the same order),
 *   - the state without ids is the state with ids with every id erased,
 *   - every checked invariant and witness judges both alike, and so do the
 *     liveness check's progress, promises and unfinished work.
 * The first two make the erasure a functional bisimulation; the third is what
 * keeps every verdict. A model that reads ids (an nfqueue consumer) fails it.
 */
import { describe, expect, it } from 'vitest';
import { VARIANTS } from '../../src/model/variants/index.js';
import { SCENARIOS } from '../../src/scenarios/index.js';
import { CONSUMER_STYLES, type ScenarioConfig, type ThreadSpec } from '../../src/model/config.js';
import { findScenario, findVariant, targetOf } from '../../src/catalog.js';
import { buildSpec, type NlAction, type NlState } from '../../src/model/spec.js';
import { ID_READERS, idsObserved, programsReadIds } from '../../src/model/ids.js';
import { FOOTPRINT_TABLE } from '../../src/model/footprints.data.js';
import { deriveVariant, type Variant } from '../../src/model/variant.js';
import type { Property } from '../../src/model/interface.js';
import { cloneState } from '../../src/model/state.js';
import { pick, walkRng } from '../../src/check/prng.js';

/** The state with every message id set to 0: the image the model without ids must produce. */
function eraseIds(s: NlState): Uint16Array {
  const e = cloneState(s);
  e.idSeq = 0;
  for (const ring of [e.sock.rx, e.sock.tx]) for (const f of ring.frames) f.seq = 0;
  const queued = e.sock.rcvq.toArray();
  e.sock.rcvq.clear();
  for (const q of queued) e.sock.rcvq.push({ ...q, seq: 0 });
  e.threads.forEach((t, i) => {
    // A setup thread keeps a request index in l.seq: only a producer's l.seq is an id.
    if (s.layout.shapes[i] === 'producer') t.l.seq = 0;
    t.l.skbSeq = 0;
    if (s.layout.shapes[i] !== 'producer') {
      t.l.rSeq = 0;
      t.l.seqLast = 0;
    }
  });
  return e.units.slice();
}

const key = (a: NlAction) => `${a.thread}:${a.label}:${a.arg}`;

interface Pair {
  readonly withIds: NlState;
  readonly without: NlState;
}

/**
 * Step both models from their initial states, breadth-first over the model with ids
 * up to `limit` states, then along `walks` random walks of `depth` steps; return the
 * first difference found, described, or null.
 */
function compare(variant: Variant, sc: ScenarioConfig, trackIdsInCheck: boolean | undefined, limit: number, walks: number, depth: number): string | null {
  const target = targetOf(variant, sc);
  const without = trackIdsInCheck === undefined ? target.spec : buildSpec(variant, sc, { trackIds: trackIdsInCheck });
  const withIds = buildSpec(variant, sc, { trackIds: true });
  const judged: Property<NlState>[] = [...target.invariants, ...target.witnesses];
  const check = (p: Pair, how: string): string | null => {
    const ea = withIds.actions(p.withIds).map(key).join(' ');
    const eb = without.actions(p.without).map(key).join(' ');
    if (ea !== eb) return `${how}: enabled actions differ: ${ea} | ${eb}`;
    const erased = eraseIds(p.withIds);
    const units = without.encodeUnits!(p.without);
    if (erased.length !== units.length || erased.some((u, i) => u !== units[i])) return `${how}: the state without ids is not the state with ids erased`;
    for (const prop of judged) if (prop.holds(p.withIds) !== prop.holds(p.without)) return `${how}: ${prop.id} judges them differently`;
    return liveness && `${how}: ${liveness}`;
  };
  // Liveness judges transitions too (progress, promises) and end states (unfinished work).
  let liveness: string | null = null;
  const step = (p: Pair, i: number): Pair => {
    const a = withIds.actions(p.withIds)[i];
    const b = without.actions(p.without)[i];
    const q = { withIds: withIds.next(p.withIds, a), without: without.next(p.without, b) };
    if (withIds.progress!(p.withIds, a, q.withIds) !== without.progress!(p.without, b, q.without)) liveness ??= `step ${a.actor} ${a.kind}: progress differs`;
    if (withIds.strongFair!(p.withIds, a, q.withIds) !== without.strongFair!(p.without, b, q.without)) liveness ??= `step ${a.actor} ${a.kind}: promise differs`;
    if (withIds.unfinished!(q.withIds).join() !== without.unfinished!(q.without).join()) liveness ??= `after ${a.actor} ${a.kind}: unfinished work differs`;
    return q;
  };
  const init = { withIds: withIds.init(), without: without.init() };
  const seen = new Set<string>([withIds.encode(init.withIds)]);
  let frontier: Pair[] = [init];
  let first = check(init, 'initial state');
  if (first) return first;
  while (frontier.length > 0 && seen.size < limit) {
    const next: Pair[] = [];
    for (const p of frontier) {
      const n = withIds.actions(p.withIds).length;
      for (let i = 0; i < n && seen.size < limit; i++) {
        const q = step(p, i);
        if ((first = check(q, `breadth-first step ${i}`))) return first;
        const k = withIds.encode(q.withIds);
        if (!seen.has(k)) {
          seen.add(k);
          next.push(q);
        }
      }
    }
    frontier = next;
  }
  for (let w = 0; w < walks; w++) {
    const rand = walkRng(11, w);
    let p: Pair = init;
    for (let d = 0; d < depth; d++) {
      const n = withIds.actions(p.withIds).length;
      if (n === 0) break;
      const i = pick(rand, n);
      p = step(p, i);
      if ((first = check(p, `walk ${w} step ${d}`))) return first;
    }
  }
  return null;
}

const scenarioIds = SCENARIOS.flatMap((s) => [s.id, ...(s.threads.some((t) => t.program === 'consumer') ? CONSUMER_STYLES.map((st) => `${s.id}@${st}`) : [])]);

describe('leaving message ids out', () => {
  it('is decided by what the check reads: rx-basic leaves them out, rx-order and the nfqueue scenarios keep them', () => {
    const v = findVariant('linux-4.5');
    expect(targetOf(v, findScenario('rx-basic')).spec.leftOut?.[0]).toMatch(/^message ids: not tracked/);
    expect(targetOf(v, findScenario('rx-order')).spec.leftOut).toBeUndefined();
    expect(targetOf(v, findScenario('nfq-batch')).spec.leftOut).toBeUndefined();
    expect(programsReadIds(findScenario('nfq-batch'))).toBe(true);
    expect(idsObserved(findScenario('rx-basic'), ['ORDER-RING-IDS'])).toBe(true);
  });

  it('keeps ids for an nfqueue producer alone and for a verdict-sending consumer alone, not for ring producers and a plain consumer', () => {
    const base = findScenario('rx-basic');
    const ring: ThreadSpec = { name: 'ring', program: 'producer', params: { count: 1, path: 'ring', firstTag: 1 } };
    const nfqProducer: ThreadSpec = { name: 'nfq', program: 'producer', params: { count: 1, path: 'nfq', firstTag: 1 } };
    const plainConsumer: ThreadSpec = { name: 'consumer', program: 'consumer', params: { maxHold: 0 } };
    const verdictConsumer: ThreadSpec = { name: 'consumer', program: 'consumer', params: { maxHold: 0, verdicts: 1 } };
    const zeroVerdicts: ThreadSpec = { name: 'consumer', program: 'consumer', params: { maxHold: 0, verdicts: 0 } };
    expect(programsReadIds({ ...base, threads: [nfqProducer, plainConsumer] })).toBe(true);
    expect(programsReadIds({ ...base, threads: [ring, verdictConsumer] })).toBe(true);
    expect(programsReadIds({ ...base, threads: [ring, zeroVerdicts] })).toBe(false);
    expect(programsReadIds(base)).toBe(false);
  });

  it('says in the step text that no id is assigned when ids are left out, and which id otherwise', () => {
    const sc = findScenario('rx-basic');
    const lines = (trackIds: boolean) => {
      const spec = buildSpec(findVariant('linux-4.5'), sc, { trackIds });
      let s = spec.init();
      const out: string[] = [];
      for (let i = 0; i < 12; i++) {
        const [a] = spec.actions(s);
        out.push(spec.describe(s, a));
        s = spec.next(s, a);
      }
      return out.join('\n');
    };
    expect(lines(false)).toContain('lock ids, assign the next id (ids are not tracked in this check)');
    expect(lines(true)).toContain('lock ids, assign id 1,');
  });

  it('keeps ids for a variant that is not shipped (from a file or deriveVariant), whose steps the tests here do not cover', () => {
    const derived = deriveVariant(findVariant('linux-4.5'), 'my-patch', 'a patch', 'test', {});
    expect(targetOf(derived, findScenario('rx-basic')).spec.leftOut).toBeUndefined();
    expect(targetOf(findVariant('linux-4.5'), findScenario('rx-basic')).spec.leftOut).toBeDefined();
  });

  it('names every property that reads an id location outside nfqueue in ID_READERS (against the footprint table)', () => {
    // Locations that hold ids wherever they run; the nfqueue ghost sets are written only by nfqueue programs.
    const idLocation = /(^idSeq$|\.seq$|\.seqLast$|\.rSeq$|\.skbSeq$)/;
    const readers = Object.entries(FOOTPRINT_TABLE.properties)
      .filter(([, reads]) => reads.some((r) => idLocation.test(r)))
      .map(([id]) => id);
    expect(readers.filter((id) => !ID_READERS.has(id))).toEqual([]);
    expect(readers).toContain('ORDER-RING-IDS');
  });

  for (const v of VARIANTS) {
    it(`cannot be told apart on ${v.id}: same actions, the state with ids erased, the same judgements`, () => {
      let compared = 0;
      const failures: string[] = [];
      for (const id of scenarioIds) {
        const sc = findScenario(id);
        if (targetOf(v, sc).spec.leftOut === undefined) continue;
        compared++;
        const d = compare(v, sc, undefined, 500, 2, 100);
        if (d) failures.push(`${id}: ${d}`);
      }
      expect(failures).toEqual([]);
      expect(compared).toBeGreaterThan(50);
    });
  }

  it('tells them apart when a program reads ids: an nfqueue consumer with ids left out', () => {
    const v = findVariant('linux-4.5');
    expect(compare(v, findScenario('nfq-batch'), false, 20_000, 20, 80)).toMatch(/enabled actions differ|judges them differently|not the state with ids erased/);
  });
});
