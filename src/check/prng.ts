/**
 * The named, seeded pseudo-random generator of the simulation engine (design.md:
 * "Simulation draws from seedrandom with a named algorithm and records the seed").
 *
 * Guarantees: the stream of `walkRng(seed, walk)` depends only on `(seed, walk)`,
 * not on how many walks ran before it, on sharding or on the platform, so any
 * walk of any run can be regenerated on its own. Changing the algorithm, the seed
 * string or how draws become an action index (`pickAction`) breaks every recorded seed: bump
 * `PRNG_NAME`, update the golden test (test/check/simulate.test.ts) and say so in
 * the changelog.
 */
import seedrandom from 'seedrandom';
import type { ActionBase } from '../model/interface.js';

/** Recorded in every simulate report (`stats.hash`) and checked by `nlring merge`. */
export const PRNG_NAME = 'seedrandom/alea';

/** A stream of doubles in [0, 1) with 32 bits of randomness each. */
export type Rng = () => number;

/** The generator of walk `walk` of the run seeded with `seed`: Alea seeded with the string `${seed}/${walk}`. */
export function walkRng(seed: number, walk: number): Rng {
  return seedrandom.alea(`${seed}/${walk}`);
}

/**
 * An index uniform over `0..n-1` (n >= 1) from one draw. A draw has 32 bits, so
 * the bias is below n / 2^32, far under anything a walk of a few hundred steps
 * could show.
 */
export function pick(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/**
 * Which of the enabled `actions` (non-empty) a walk takes: first an actor,
 * uniformly among the actors that have an enabled action, then one of that
 * actor's actions, uniformly. One draw, and a second only when the chosen actor
 * has more than one action. An actor is a maximal run of consecutive actions with
 * the same `actor` (spec.actions lists each thread's actions together).
 *
 * Why not uniform over actions: a thread with many alternatives would then crowd
 * out the others. In tx-sibling (linux-3.10) the sibling writer offers 4 rewrites
 * at every step and the TX user 1, so a uniform walk lets the TX user reach the
 * window of B3b (5 steps in a row) about once in 3000 walks; actor-first, about
 * once in 30 (bugs are races between threads, so the scheduler should be fair
 * to threads, not to alternatives).
 */
export function pickAction(rng: Rng, actions: readonly ActionBase[]): number {
  const n = actions.length;
  let groups = 1;
  for (let i = 1; i < n; i++) if (actions[i].actor !== actions[i - 1].actor) groups++;
  let g = pick(rng, groups);
  let start = 0;
  for (let i = 1; g > 0; i++) {
    if (actions[i].actor !== actions[i - 1].actor) {
      g--;
      start = i;
    }
  }
  let end = start + 1;
  while (end < n && actions[end].actor === actions[start].actor) end++;
  return end - start === 1 ? start : start + pick(rng, end - start);
}
