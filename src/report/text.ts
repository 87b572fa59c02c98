/**
 * Human-readable report of one check, and of one replay. The last line of a
 * check report is always the command that reproduces it.
 */
import { replayCommand, stopPhrase, violationReplay, type CheckResult } from '../check/result.js';
import type { ReplayResult } from '../check/replay.js';
import type { ReplayOrigin } from './json.js';
import { explanationLines, timelineLines } from './timeline.js';
import { stateSpaceLines } from './statespace.js';

/** How a counterexample is drawn: the timeline (default) or every state in full, with or without citations, in colour or not. */
export interface TextOptions {
  /** Every state in full after every step (today's dump) instead of only what changed. */
  readonly verbose?: boolean;
  /** Each step's kernel citation under its row. */
  readonly cite?: boolean;
  /** ANSI colour: only when the output is a terminal and NO_COLOR is unset (the CLI decides). */
  readonly color?: boolean;
  /** The state-space block after the witnesses (`check --stats`): states per depth, steps fired, steps never fired. */
  readonly stats?: boolean;
}

/** One line about the engine itself: the fingerprint hash and TLC's collision estimate, or the simulation rate. */
function statsLine(r: CheckResult): string | null {
  const s = r.stats;
  if (!s) return null;
  if (r.engine === 'simulate') {
    return `engine: ${s.stepsPerSecond ?? s.statesPerSecond} steps/s, ${s.steps ?? r.transitions} steps in ${s.walks ?? '?'} walks`;
  }
  return `engine: ${s.statesPerSecond} states/s, hash ${s.hash}, fingerprint collision probability ${s.collisionProbability.toExponential(1)}`;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * bfs: what the run cost in memory, each figure saying what it counts: the process's
 * peak resident set (earlier runs in the process included), the most the run held
 * (its arrays, frontier included, plus the JS heap) per state, the visited set and
 * parent links alone per state (the old "bytes/state"), and the ceiling it ran under.
 */
export function memoryLine(r: CheckResult): string | null {
  const s = r.stats;
  if (!s || s.peakRssBytes === undefined) return null;
  const table = s.bitstate ? 'bit array + parent links' : 'fingerprint table + parent links';
  const parts = [`peak RSS ${mib(s.peakRssBytes)} (whole process)`];
  if (s.peakHeldBytes !== undefined) parts.push(`run held at most ${mib(s.peakHeldBytes)} = ${s.heldBytesPerState} bytes/state (its arrays incl. frontier, plus JS heap)`);
  parts.push(`${table} ${s.bytesPerState} bytes/state`);
  parts.push(s.memoryCeilingMiB !== undefined ? `ceiling ${s.memoryCeilingMiB} MiB` : 'no ceiling');
  return `memory: ${parts.join(', ')}`;
}

/** A power of two of bytes in the largest unit that keeps it whole. */
function arraySize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let u = 0;
  while (u < units.length - 1 && bytes >= 1024) {
    bytes /= 1024;
    u++;
  }
  return `${bytes} ${units[u]}`;
}

/** bfs --bitstate: the array and SPIN's figures for how much it may have missed. */
export function bitstateLine(r: CheckResult): string | null {
  const b = r.stats?.bitstate;
  if (!b) return null;
  const factor = b.hashFactor >= 1000 ? b.hashFactor.toExponential(2) : b.hashFactor.toFixed(1);
  return (
    `bitstate: 2^${b.bits} bits (${arraySize(2 ** b.bits / 8)}), ${b.hashFunctions} bits per state, hash factor ${factor} (SPIN: best if > 100); ` +
    `estimated ${b.omissionEstimate.toExponential(1)} of the new states met were taken for seen and not explored`
  );
}

/** bfs --por: what the reduction did, or why the spec offered none. */
export function reductionLine(r: CheckResult): string | null {
  const red = r.stats?.reduction;
  if (!red) return null;
  if (!red.applied) return `partial-order reduction: not applied, ${red.method}; every state was expanded fully`;
  const states = (n: number) => `${n} state${n === 1 ? '' : 's'}`;
  return `partial-order reduction: ${red.method}; ${states(red.reducedStates)} expanded through an ample set, ${red.provisoFallbacks} fully by the cycle proviso; a counterexample need not be a shortest one`;
}

/** simulate: the seed and the generator, which together with walks and depth fix every walk. */
function seedLine(r: CheckResult): string | null {
  if (r.seed === undefined) return null;
  const sim = r.simulation;
  if (!sim) return `seed ${r.seed}${r.stats ? `  PRNG ${r.stats.hash}` : ''}`;
  const shard = sim.shard ? `  shard ${sim.shard.index}/${sim.shard.count}` : '';
  return `seed ${r.seed}  PRNG ${sim.prng}  walks ${sim.walks}  depth ${sim.depth}${shard}`;
}

function mergedLine(r: CheckResult): string | null {
  const m = r.merged;
  if (!m) return null;
  const missing = Array.from({ length: m.count }, (_, i) => i).filter((i) => !m.shards.includes(i));
  return `merged: shard${m.shards.length === 1 ? '' : 's'} ${m.shards.join(', ')} of ${m.count}` + (m.allPresent ? ' (all present)' : ` (missing ${missing.join(', ')}: their walks were not run)`);
}

function incompleteLine(r: CheckResult): string {
  if (r.engine === 'simulate') {
    const walks = r.stats?.walks ?? 0;
    const sim = r.simulation;
    const stop = r.stats?.stoppedBy;
    if (stop && sim && !r.merged) {
      const share = sim.shard ? Math.max(0, Math.ceil((sim.walks - sim.shard.index) / sim.shard.count)) : sim.walks;
      return `incomplete: ${stopPhrase(stop)} after ${walks} of ${share} walks, without a violation; random walks prove nothing`;
    }
    const bound = sim ? ` of up to ${sim.depth} steps` : '';
    const stopped = stop ? ` (some shards stopped early: ${stopPhrase(stop)})` : '';
    return `incomplete: no violation in ${walks} random walk${walks === 1 ? '' : 's'}${bound}${stopped}; random walks prove nothing`;
  }
  if (r.engine === 'pbt') {
    const runs = (r.stats as { runs?: number } | undefined)?.runs;
    return `incomplete: no violation${runs === undefined ? '' : ` in ${runs} runs`}; random tests prove nothing`;
  }
  return `incomplete: ${stopPhrase(r.stats?.stoppedBy)} after ${r.states} distinct states; nothing is proved beyond them`;
}

/** simulate and pbt: where a failing trace came from. */
function originLine(r: CheckResult): string | null {
  const o = r.origin;
  if (!o) return null;
  if (o.walk !== undefined) return `found by walk ${o.walk} of seed ${o.seed}`;
  if (o.fcPath !== undefined) return `found by seed ${o.seed}, fast-check path ${o.fcPath}`;
  return `found with seed ${o.seed}`;
}

export function formatText(r: CheckResult, opts: TextOptions = {}): string {
  const lines: string[] = [];
  const time = `${r.seconds.toFixed(3)}s (${r.engine})`;
  lines.push(
    r.engine === 'simulate'
      ? `${r.verdict.toUpperCase()}  variant ${r.variant}  scenario ${r.scenario}  walks ${r.stats?.walks ?? '?'}  steps ${r.transitions}  depth ${r.maxDepth}  ${time}`
      : `${r.verdict.toUpperCase()}  variant ${r.variant}  scenario ${r.scenario}  states ${r.states}  transitions ${r.transitions}  depth ${r.maxDepth}  ${time}`,
  );
  if (r.verdict === 'incomplete') {
    lines.push(incompleteLine(r));
  } else if (r.verdict === 'fail' && r.stats?.stoppedBy === 'bitstate') {
    // --all-violations with a bit array ran to its end, but what the array took for seen was never explored.
    lines.push(`bitstate search: ${r.states} distinct states stored, but states the bit array took for seen were not explored; invariants not reported violated below are not proved`);
  } else if (r.verdict === 'fail' && r.stats?.stoppedBy) {
    // --all-violations went on after the first violation and was then stopped: say why, and what that leaves open.
    lines.push(`exploration stopped: ${stopPhrase(r.stats.stoppedBy)} after ${r.states} distinct states; invariants not reported violated below are not proved`);
  } else if (r.verdict === 'pass') {
    lines.push(`${r.invariants.length === 1 ? 'the invariant holds' : `all ${r.invariants.length} invariants hold`} in all ${r.states} reachable states`);
  }
  if (r.properties) lines.push(`invariants checked: only ${r.properties.join(', ')} (--property)`);
  for (const what of r.leftOut ?? []) lines.push(`left out: ${what}`);
  if (r.memory) lines.push(`memory model: ${r.memory.bounds}`);

  for (const line of [seedLine(r), mergedLine(r), statsLine(r), bitstateLine(r), reductionLine(r), memoryLine(r)]) if (line) lines.push(line);

  const reached = r.witnesses.filter((w) => w.reached).length;
  if (r.witnesses.length === 0) {
    lines.push('witnesses: none declared');
  } else {
    const partial = r.stats?.stoppedBy === 'bitstate' ? ' (bitstate search: states may have been missed)' : r.engine === 'bfs' ? ' (exploration stopped early)' : ' (random exploration)';
    lines.push(`witnesses: ${reached}/${r.witnesses.length} reached${r.complete ? '' : partial}`);
    // Only a complete run can say a witness was missed; a stopped one may just not have got there yet.
    const unreached = r.complete ? 'missed' : 'not reached';
    for (const w of r.witnesses) lines.push(`  ${(w.reached ? 'reached' : unreached).padEnd(11)}  ${w.id}`);
  }
  if (opts.stats) lines.push(...stateSpaceLines(r));

  const v = r.violation;
  if (v) {
    lines.push(`${v.kind === 'sometimes' ? 'vacuous' : 'violated'}: ${v.property} (${v.family}, ${v.kind})`);
    if (v.doc !== '') lines.push(`  ${v.doc}`);
    lines.push(`  ${v.message}`);
    const n = v.steps.length;
    if (v.trace.length > 0) {
      lines.push(`counterexample: ${n} step${n === 1 ? '' : 's'}${n > 0 ? `, path ${v.path}` : ''}`);
      lines.push(...timelineLines(v.trace, { ...opts, violation: { property: v.property, step: n } }));
      if (v.explanation) lines.push(...explanationLines(v.trace, n, v.explanation, opts.color));
    } else if (v.kind === 'always') {
      // A merged report carries the steps but not the drawings; the replay line below shows them.
      lines.push(`counterexample: ${n} step${n === 1 ? '' : 's'}${n > 0 ? `, path ${v.path}` : ''} (replay it for the drawings)`);
      const width = String(n).length;
      v.steps.forEach((step, i) => lines.push(`  ${String(i + 1).padStart(width)}. ${step}`));
    }
  }
  if (r.violations && r.violations.length > 1) {
    // --all-violations: the first one is drawn above; list the others with their replay lines,
    // each restricted to its own property (another one may fail earlier on the same path).
    lines.push(`also violated (${r.violations.length - 1} more, each its shortest counterexample):`);
    r.violations.forEach((x, i) => {
      if (i === 0) return;
      lines.push(`  ${x.property} (${x.family}) after ${x.steps.length} steps: ${violationReplay(r, i)}`);
      // What broke it, in one sentence: its replay draws the timeline and the history.
      if (x.explanation) lines.push(`    why: ${x.explanation}`);
    });
  }
  const origin = originLine(r);
  if (origin) lines.push(origin);
  lines.push(`replay: ${r.replay}`);
  return lines.join('\n') + '\n';
}

/**
 * A replay as a timeline. For a trace regenerated from a seed (`origin`), a second
 * line names it and gives the equivalent `--path` replay, which bfs semantics reproduce.
 * `properties`: the invariants the replay was restricted to (`--property`), if it was.
 */
export function formatReplayText(r: ReplayResult, origin?: ReplayOrigin, properties?: readonly string[], opts: TextOptions = {}): string {
  const n = r.steps.length;
  const only = properties ? `  property ${properties.join(',')}` : '';
  const loop = r.loopFrom !== undefined ? `  loop from step ${r.loopFrom}` : '';
  const lines = [`replay  variant ${r.variant}  scenario ${r.scenario}${only}  path ${r.path === '' ? '(init only)' : r.path}${loop}  ${n} step${n === 1 ? '' : 's'}`];
  if (origin) {
    const from =
      origin.walk !== undefined
        ? `walk ${origin.walk} of seed ${origin.seed}${origin.depth !== undefined ? ` (depth ${origin.depth})` : ''}`
        : `seed ${origin.seed}${origin.fcPath !== undefined ? `, fast-check path ${origin.fcPath}` : ''}`;
    lines.push(`regenerated from ${from}; the same as: ${replayCommand(r.variant, r.scenario, r.path, properties)}`);
  }
  // A lasso (--loop K): the loop's steps follow a '-- loop --' line, and it closes.
  const v = r.violation;
  lines.push(...timelineLines(r.trace, { ...opts, ...(r.loopFrom !== undefined ? { loopFrom: r.loopFrom } : {}), ...(v ? { violation: { property: v.property, step: v.step } } : {}) }));
  if (r.loopFrom !== undefined) lines.push(`lasso: after step ${n} the state is that after step ${r.loopFrom} again (a loop of ${n - r.loopFrom} steps)`);
  lines.push(
    v
      ? `violated: ${v.property} (${v.family}) at step ${v.step}\n  ${v.doc}`
      : `no invariant${properties ? ` of --property ${properties.join(',')}` : ''} is violated along this path`,
  );
  if (v?.explanation) lines.push(...explanationLines(r.trace, v.step, v.explanation, opts.color));
  return lines.join('\n') + '\n';
}
