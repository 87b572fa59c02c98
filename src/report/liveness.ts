/**
 * Reports of a liveness check (`nlring check --liveness`): text with each lasso
 * drawn as a timeline (the stem, a `-- loop --` line, the loop), and JSON with a
 * stable key order. The last line of the text is the command that reproduces it.
 */
import type { Lasso, LivenessResult } from '../check/liveness.js';
import { stopPhrase } from '../check/result.js';
import { timelineLines } from './timeline.js';
import type { TextOptions } from './text.js';

/** A trace as a timeline (report/timeline.ts) with `-- loop --` before step `loopFrom + 1` (the loop's first step). */
export function lassoLines(trace: Lasso['trace'], loopFrom?: number, opts: TextOptions = {}): string[] {
  return timelineLines(trace, { ...opts, ...(loopFrom !== undefined ? { loopFrom } : {}) });
}

function lassoText(l: Lasso, opts: TextOptions): string[] {
  const lines: string[] = [];
  if (l.kind === 'cycle') {
    lines.push('non-progress cycle (livelock):');
    lines.push(`  ${l.message}`);
    const parts = l.fairness.map((f) => `${f.actor} ${f.how === 'steps' ? 'steps in it' : f.how === 'disabled' ? 'is disabled in it' : 'is never enabled in it'}`);
    if (parts.length > 0) lines.push(`  fairness: ${parts.join('; ')}`);
    lines.push(`lasso: stem ${l.stem} step${l.stem === 1 ? '' : 's'}, loop ${l.loop} step${l.loop === 1 ? '' : 's'} (steps ${l.stem + 1}..${l.stem + l.loop}; after step ${l.stem + l.loop} the state is that after step ${l.stem} again), path ${l.path}`);
    lines.push(...lassoLines(l.trace, l.stem, opts));
  } else {
    lines.push('stuck: a terminal state with work left undone:');
    lines.push(`  ${l.message}`);
    for (const u of l.unfinished) lines.push(`  ${u}`);
    lines.push(`path: ${l.stem} step${l.stem === 1 ? '' : 's'}${l.stem > 0 ? `, ${l.path}` : ''}`);
    lines.push(...lassoLines(l.trace, undefined, opts));
  }
  lines.push(`replay: ${l.replay}`);
  return lines;
}

export function formatLivenessText(r: LivenessResult, opts: TextOptions = {}): string {
  const lines: string[] = [];
  // No wall time or rate: the same options give the same bytes (the result object has them).
  lines.push(`${r.verdict.toUpperCase()}  variant ${r.variant}  scenario ${r.scenario}  liveness  states ${r.states}  transitions ${r.transitions}  depth ${r.maxDepth}  (${r.engine})`);
  if (!r.complete) lines.push(`exploration stopped: ${stopPhrase(r.stats.stoppedBy)} after ${r.states} distinct states; ${r.verdict === 'fail' ? 'what is reported below is real, but more may exist' : 'nothing is proved beyond them'}`);
  const strong = r.promises.length === 0 ? '' : `; strong for the steps the spec promises (${r.promises.join(', ')}): a loop that offers one of an actor's and never takes one does not count`;
  lines.push(`fairness: weak per actor (a loop counts only if every actor enabled in all its states takes a step in it)${strong}`);
  lines.push(`non-progress cycles: ${r.fairCycles} fair, ${r.unfairCycles} ruled out by weak fairness; terminal states with work left undone: ${r.stuckStates}`);
  if (r.verdict === 'pass') lines.push(`every weakly fair run makes progress, and every terminal state is a proper end, in all ${r.states} reachable states`);
  lines.push(`engine: ${r.stats.bytesPerState} bytes/state (graph kept), hash ${r.stats.hash}, fingerprint collision probability ${r.stats.collisionProbability.toExponential(1)}`);
  if (r.cycle) lines.push(...lassoText(r.cycle, opts));
  if (r.stuck) lines.push(...lassoText(r.stuck, opts));
  lines.push(`reproduce: ${r.replay}`);
  return lines.join('\n') + '\n';
}

function lassoJson(l: Lasso): Record<string, unknown> {
  return {
    kind: l.kind,
    path: l.path,
    stem: l.stem,
    loop: l.loop,
    steps: [...l.steps],
    message: l.message,
    ...(l.kind === 'cycle' ? { fairness: l.fairness.map((f) => ({ actor: f.actor, how: f.how })) } : { unfinished: [...l.unfinished] }),
    replay: l.replay,
  };
}

/**
 * `{verdict, variant, scenario, engine, check, fairness, states, transitions, cycle?, stuck?, replay}`, then
 * the counts and stats. No wall time, so two runs with the same options give the same bytes.
 */
export function formatLivenessJson(r: LivenessResult): string {
  const out = {
    verdict: r.verdict,
    variant: r.variant,
    scenario: r.scenario,
    engine: r.engine,
    check: r.check,
    fairness: r.fairness,
    states: r.states,
    transitions: r.transitions,
    ...(r.cycle ? { cycle: lassoJson(r.cycle) } : {}),
    ...(r.stuck ? { stuck: lassoJson(r.stuck) } : {}),
    replay: r.replay,
    maxDepth: r.maxDepth,
    complete: r.complete,
    fairCycles: r.fairCycles,
    unfairCycles: r.unfairCycles,
    stuckStates: r.stuckStates,
    promises: [...r.promises],
    stats: {
      hash: r.stats.hash,
      collisionProbability: r.stats.collisionProbability,
      bytesPerState: r.stats.bytesPerState,
      ...(r.stats.stoppedBy ? { stoppedBy: r.stats.stoppedBy } : {}),
    },
  };
  return JSON.stringify(out, null, 2) + '\n';
}
