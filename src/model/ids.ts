/**
 * Message ids as data nothing checked may read: a cone-of-influence reduction.
 *
 * Every id a producer assigns (`queue->id_sequence`, a subsystem's sequence
 * number) is carried along as data: into the frame (`frames[].seq`), the skb, the
 * receive queue, and the consumer's last id read. Outside nfnetlink_queue no step
 * branches on an id, so an id changes what a state looks like but never what any
 * thread can do next. Yet it multiplies the states: the ids record the order in
 * which producers passed their id step, so two interleavings that end the same
 * way except for that order are two states. On rx-basic that order is most of
 * the state space.
 *
 * So when no checked invariant, no witness and no thread's program reads an id,
 * the spec does not track them: a producer still takes and drops its id lock,
 * at the same step, but assigns nothing (every id stays 0). The model with
 * ids is then a refinement of the one without, in the strong sense the engines
 * need (test/model/ids.test.ts checks it on every scenario): the same actions
 * are enabled in a state and in its image with the ids erased, stepping either
 * gives images of each other, and every checked property and witness judges
 * both alike. So verdicts, counterexamples (as action paths) and witnesses are
 * the same with and without, and a path found without ids replays with them.
 */
import type { ScenarioConfig } from './config.js';

/**
 * The invariants and witnesses that read ids wherever they run: the ordering of
 * ids in the ring (the consumer's last id read). NFQ-VERDICT-AFTER-READ and
 * W-VERDICT read ids too, but only through the ghost sets of ids read and given a
 * verdict, which stay empty unless an nfqueue consumer runs, and then ids are
 * tracked for the program's sake. A test checks this against the read sets of
 * the footprint table.
 */
export const ID_READERS: ReadonlySet<string> = new Set(['ORDER-RING-IDS']);

/**
 * Programs that branch on ids: nfnetlink_queue's producer (queued packet ids) and a
 * consumer that sends nfqueue verdicts (the highest id it read, the ids a batch
 * verdict covers).
 */
export function programsReadIds(sc: ScenarioConfig): boolean {
  return sc.threads.some((t) => (t.program === 'producer' && t.params.path === 'nfq') || (t.program === 'consumer' && (t.params.verdicts ?? 0) > 0));
}

/** Whether a check of these property and witness ids on this scenario must track message ids. */
export function idsObserved(sc: ScenarioConfig, checked: Iterable<string>): boolean {
  if (programsReadIds(sc)) return true;
  for (const id of checked) if (ID_READERS.has(id)) return true;
  return false;
}

/** The report's line for a spec that leaves ids out. */
export const IDS_LEFT_OUT =
  'message ids: not tracked, as no checked property, witness or thread reads them (cone of influence; every id is 0, the same paths are enabled and every verdict is the same)';
