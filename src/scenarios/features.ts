/**
 * What a workload exercises, read from its configuration alone (no exploration), and
 * which pairs of those features some catalogue scenario combines. A hazard that needs
 * two mechanisms at once (a COPY claim racing a dump, a ring swap under a held SKIP
 * frame) can only be found by a scenario that has both; `nlring list --coverage` prints
 * the pair table so that a missing combination is visible rather than assumed covered.
 *
 * A feature is present when the configuration makes it possible, not proven reached:
 * the witnesses of each scenario say what a run must actually reach.
 */
import type { ScenarioConfig, SetupOp, ThreadSpec } from '../model/config.js';

export interface Feature {
  readonly id: string;
  readonly doc: string;
  readonly has: (sc: ScenarioConfig) => boolean;
}

const threads = (sc: ScenarioConfig, program: ThreadSpec['program']) => sc.threads.filter((t) => t.program === program);
const producers = (sc: ScenarioConfig) => sc.threads.flatMap((t) => (t.program === 'producer' ? [t.params] : []));
const consumers = (sc: ScenarioConfig) => sc.threads.flatMap((t) => (t.program === 'consumer' ? [t.params] : []));
const txUsers = (sc: ScenarioConfig) => sc.threads.flatMap((t) => (t.program === 'txuser' ? [t.params] : []));
const setupOps = (sc: ScenarioConfig): SetupOp[] => sc.threads.flatMap((t) => (t.program === 'setup' ? [...t.params.ops] : []));
/** A thread closes the descriptor: a set-up thread's close, or a consumer that stops (munmap, close). */
const closes = (sc: ScenarioConfig) => setupOps(sc).some((o) => o.op === 'close') || consumers(sc).some((c) => c.stops === true);
/** An RX ring exists at the start or some thread configures one. */
const mayHaveRx = (sc: ScenarioConfig) => sc.rx !== null || setupOps(sc).some((o) => o.op === 'setsockopt' && o.ring === 'rx');

/** In the order the pair table shows them. */
export const FEATURES: readonly Feature[] = [
  {
    id: 'ring',
    doc: 'ring delivery: a converted subsystem or nfqueue allocates in the RX ring (netlink_alloc_skb)',
    has: (sc) => mayHaveRx(sc) && producers(sc).some((p) => p.path === 'ring' || p.path === 'nfq'),
  },
  {
    id: 'copy',
    doc: 'COPY delivery: an unconverted subsystem or a multicast sender reaches a ring socket (netlink_ring_set_copied)',
    has: (sc) => mayHaveRx(sc) && producers(sc).some((p) => p.path === 'plain' || p.path === 'mcast'),
  },
  {
    id: 'undelivered',
    doc: 'undelivered ring skbs: freed through the destructor (construction abandoned, or the socket gone at netlink_unicast)',
    has: (sc) => producers(sc).some((p) => (p.path === 'ring' || p.path === 'nfq') && (p.mayAbandon === true || closes(sc))),
  },
  {
    id: 'skip',
    doc: 'SKIP holding: a consumer holds frames and releases them in any order (ulogd2)',
    has: (sc) => consumers(sc).some((c) => c.maxHold > 0),
  },
  {
    id: 'dump',
    doc: 'dumps: a consumer starts a dump (netlink_dump through the ring)',
    has: (sc) => consumers(sc).some((c) => c.dump === true),
  },
  {
    id: 'poll',
    doc: 'poll sleepers: a consumer sleeps in poll() when its frame is not ready',
    has: (sc) => consumers(sc).length > 0,
  },
  {
    id: 'tx-batch',
    doc: 'TX batches: a user fills several TX frames before one send',
    has: (sc) => txUsers(sc).some((t) => t.batch > 1) || consumers(sc).some((c) => (c.verdicts ?? 0) > 0),
  },
  {
    id: 'tx-error',
    doc: 'TX errors: a send that fails (port gone, a frame rewritten or written with a bad nm_len, a failed allocation, for a TX user or a consumer sending verdicts)',
    has: (sc) =>
      txUsers(sc).some((t) => t.dst === 'missing-port' || t.misbehave?.badLen === true) ||
      threads(sc, 'sibling').length > 0 ||
      (sc.allocFailures === true && (txUsers(sc).length > 0 || consumers(sc).some((c) => (c.verdicts ?? 0) > 0))),
  },
  {
    id: 'setup',
    doc: 'concurrent set-up and teardown: setsockopt(NETLINK_RX_RING / NETLINK_TX_RING) while the rest runs',
    has: (sc) => setupOps(sc).some((o) => o.op === 'setsockopt'),
  },
  {
    id: 'close',
    doc: 'close: munmap and the last close(fd) while the rest runs (netlink_release), by a set-up thread or a consumer that stops',
    has: closes,
  },
  {
    id: 'fork',
    doc: 'fork and second mappings: a child shares the mapping, or a second mmap() of the rings',
    has: (sc) => threads(sc, 'forker').length > 0 || setupOps(sc).filter((o) => o.op === 'mmap').length + (sc.mapped ? 1 : 0) > 1,
  },
  {
    id: 'sockets',
    doc: 'several sockets: after the ring socket is released, another socket binds its port id, and deliveries find that one',
    has: (sc) => setupOps(sc).some((o) => o.op === 'bind'),
  },
];

export interface PairCoverage {
  /** Features of each scenario, by scenario id. */
  readonly features: ReadonlyMap<string, readonly string[]>;
  /** For each unordered pair "a+b" (and each feature alone, "a+a"), the scenarios that have both. */
  readonly pairs: ReadonlyMap<string, readonly string[]>;
  /** Pairs no scenario has, in table order. */
  readonly missing: readonly (readonly [string, string])[];
}

export const pairKey = (a: string, b: string): string => `${a}+${b}`;

/** The pair table of `scenarios` over `features`. */
export function pairCoverage(scenarios: readonly ScenarioConfig[], features: readonly Feature[] = FEATURES): PairCoverage {
  const byScenario = new Map(scenarios.map((sc) => [sc.id, features.filter((f) => f.has(sc)).map((f) => f.id)]));
  const pairs = new Map<string, string[]>();
  const missing: [string, string][] = [];
  for (const [i, a] of features.entries()) {
    for (const b of features.slice(i)) {
      const ids = scenarios.filter((sc) => byScenario.get(sc.id)!.includes(a.id) && byScenario.get(sc.id)!.includes(b.id)).map((sc) => sc.id);
      pairs.set(pairKey(a.id, b.id), ids);
      if (ids.length === 0) missing.push([a.id, b.id]);
    }
  }
  return { features: byScenario, pairs, missing };
}
