/**
 * The cost side of design hazard D2 (bugs.md D2, protocol.md §4.8): a consumer
 * that only uses the ring never calls recvmsg(), so a running dump moves on only
 * when the consumer calls poll(), and netlink_poll continues it only while
 * netlink_dump_space() finds the frame at the head and the frame about half a
 * ring ahead UNUSED. The fuller the ring, the fewer dump messages each poll()
 * produces, so the consumer pays more poll() calls per dump message.
 *
 * Definition (what the numbers mean):
 * - Workload: one RX ring of `frames` page-sized frames (a dump allocation,
 *   NLMSG_GOODSIZE, fits a frame), a dump of `parts` parts and NLMSG_DONE, and
 *   one thread: the dumping socket's consumer, running the documentation's loop
 *   (VALID: read; not VALID or COPY: poll, sleep until woken). Nothing else
 *   runs, so the run is one deterministic schedule of the real spec.
 * - Fill level k: the consumer keeps k frames occupied. It holds every message
 *   it reads (ulogd2's SKIP) while it holds fewer than k; holding k, it releases
 *   the oldest (in ring order) before reading the next one. So whenever it calls
 *   poll() after the first k messages, exactly k frames are occupied. k = 0 is
 *   the documentation's loop (release at once).
 * - Cost: poll() calls the consumer made from the start until it read
 *   NLMSG_DONE, divided by the dump messages it read (parts + 1). A run in which
 *   the consumer never reads NLMSG_DONE (asleep with the dump still running, or
 *   still polling after `maxSteps` steps) reports `completed: false` and cost
 *   null: poll() no longer moves the dump at that fill level (README Findings 4).
 *
 * The function is pure: the same arguments give the same report.
 */
import { MSG_DONE, VALID } from '../model/constants.js';
import type { ScenarioConfig } from '../model/config.js';
import { buildSpec, type NlAction, type NlState } from '../model/spec.js';
import type { Variant } from '../model/variant.js';
import { UsageError } from '../errors.js';

export interface DumpCostOptions {
  /** RX frames (page-sized, in page-sized blocks), 2 … 15 (netlink_forward_ring's ghost bit set has 15 bits). Default 8. */
  readonly frames?: number;
  /** Dump parts before NLMSG_DONE, 1 … 15. Default 15. */
  readonly parts?: number;
  /** Fill levels to measure: 0 … this (below `frames`). Default frames - 1. */
  readonly maxFill?: number;
  /** Steps after which a run that has not read NLMSG_DONE counts as not completed. Default 5000. */
  readonly maxSteps?: number;
}

export interface DumpCostRow {
  /** Frames the consumer keeps occupied (held) while it polls. */
  readonly fill: number;
  /** poll() calls made by the consumer until it read NLMSG_DONE (or until the run stopped). */
  readonly polls: number;
  /** poll() calls that continued the dump at least once (netlink_dump from netlink_poll). */
  readonly productivePolls: number;
  /** Dump messages (parts and NLMSG_DONE) the consumer read. */
  readonly messages: number;
  /** polls / messages, or null when the dump did not complete. */
  readonly pollsPerMessage: number | null;
  /** The consumer read NLMSG_DONE. */
  readonly completed: boolean;
  /** Steps of the schedule. */
  readonly steps: number;
}

export interface DumpCostReport {
  readonly variant: string;
  readonly frames: number;
  readonly parts: number;
  /** One line: what was measured (see the module comment). */
  readonly definition: string;
  readonly rows: readonly DumpCostRow[];
  /**
   * The cost never falls as the fill level rises (a dump that does not complete
   * counts as infinite cost) and is higher at the last fill level than at 0.
   */
  readonly grows: boolean;
}

const DEFINITION =
  'poll() calls per dump message for a ring-only consumer (documentation loop) that keeps `fill` frames occupied (held, oldest released first) while it polls; one thread, one deterministic schedule; null: the dump never completes';

/** The workload of fill level `fill` (see the module comment). */
export function dumpCostScenario(frames: number, parts: number, fill: number): ScenarioConfig {
  return {
    id: `dump-cost-fill-${fill}`,
    description: `D2 cost: a dump of ${parts} parts into ${frames} page-sized frames, the consumer keeping ${fill} occupied`,
    requests: [{ blockSize: 4096, blockNr: frames, frameSize: 4096, frameNr: frames }],
    rx: 0,
    tx: null,
    mapped: true,
    msgLen: 64,
    dumpParts: parts,
    threads: [{ name: 'consumer', program: 'consumer', params: { maxHold: fill, dump: true } }],
    witnesses: [],
  };
}

/**
 * The consumer's choice in `s` under the fill-level policy; every other step of
 * the single thread has one action. c.look offers LOOK (-1) and "release held
 * frame i" (i = index in the sorted held list); c.read offers RELEASE (0) and,
 * while fewer than maxHold frames are held, HOLD (1).
 */
function choose(s: NlState, acts: readonly NlAction[], fill: number, frames: number): NlAction {
  const a0 = acts[0];
  const l = s.threads[a0.thread].l;
  if (a0.kind === 'c.look') {
    const look = acts.find((a) => a.arg === -1) ?? a0;
    if (fill === 0 || l.held.length < fill || s.sock.rx.frames[l.cursor].status !== VALID) return look;
    // Holding `fill` frames and about to read another: release the oldest first, the held frame
    // the cursor passed longest ago, i.e. the first one found going forward from the cursor.
    let best = 0;
    for (let i = 1; i < l.held.length; i++) {
      if ((l.held.at(i) - l.cursor + frames) % frames < (l.held.at(best) - l.cursor + frames) % frames) best = i;
    }
    return acts.find((a) => a.arg === best) ?? look;
  }
  if (a0.kind === 'c.read') return acts.find((a) => a.arg === 1) ?? a0;
  return a0;
}

/** Run fill level `fill` once and count (the row of the report). */
export function dumpCostRun(variant: Variant, frames: number, parts: number, fill: number, maxSteps: number): DumpCostRow {
  const spec = buildSpec(variant, dumpCostScenario(frames, parts, fill));
  let s = spec.init();
  let polls = 0;
  let productive = 0;
  let inProductive = false;
  let messages = 0;
  let completed = false;
  let steps = 0;
  while (steps < maxSteps) {
    const acts = spec.actions(s);
    if (acts.length === 0) break; // asleep in poll with nothing to wake it
    s = spec.next(s, choose(s, acts, fill, frames));
    steps++;
    const note = s.ghost.note;
    if (note === 'dump-from-poll' && !inProductive) {
      productive++;
      inProductive = true;
    } else if (note === 'poll-return') {
      // netlink_poll returns exactly once per call (finish() notes its mask).
      polls++;
      inProductive = false;
    } else if (note === 'dump-read') {
      messages++;
      if (s.ghost.noteValue === MSG_DONE) {
        completed = true;
        break;
      }
    }
  }
  return { fill, polls, productivePolls: productive, messages, pollsPerMessage: completed ? polls / messages : null, completed, steps };
}

function checkRange(what: string, x: number, lo: number, hi: number): void {
  if (!Number.isInteger(x) || x < lo || x > hi) throw new UsageError(`dump cost: ${what} must be an integer from ${lo} to ${hi}, not ${String(x)}`);
}

/** D2's cost at every fill level 0 … maxFill (see the module comment for the definition). */
export function dumpCost(variant: Variant, opts: DumpCostOptions = {}): DumpCostReport {
  const frames = opts.frames ?? 8;
  const parts = opts.parts ?? 15;
  const maxSteps = opts.maxSteps ?? 5000;
  checkRange('frames', frames, 2, 15);
  // Dump part tags are DUMP_TAG_BASE + p, and the consumer recognises 16 of them.
  checkRange('parts', parts, 1, 15);
  const maxFill = opts.maxFill ?? frames - 1;
  checkRange('maxFill', maxFill, 0, frames - 1);
  checkRange('maxSteps', maxSteps, 1, 1_000_000);
  const rows: DumpCostRow[] = [];
  for (let fill = 0; fill <= maxFill; fill++) rows.push(dumpCostRun(variant, frames, parts, fill, maxSteps));
  const cost = (r: DumpCostRow) => r.pollsPerMessage ?? Number.POSITIVE_INFINITY;
  let grows = rows.length > 1 && cost(rows[rows.length - 1]) > cost(rows[0]);
  for (let i = 1; i < rows.length; i++) if (cost(rows[i]) < cost(rows[i - 1])) grows = false;
  return { variant: variant.id, frames, parts, definition: DEFINITION, rows, grows };
}
