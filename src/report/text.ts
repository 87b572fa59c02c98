/**
 * Human-readable report of one check, and of one replay. The last line of a
 * check report is always the command that reproduces it.
 */
import type { CheckResult } from '../check/result.js';
import type { ReplayResult } from '../check/replay.js';
import { traceLines } from './trace.js';

const STOP_REASONS: Record<string, string> = {
  'max-states': 'state budget reached',
  'max-depth': 'depth budget reached',
  'time-budget': 'time budget ran out',
  memory: 'memory ceiling reached',
};

/** One line about the engine itself: the fingerprint hash and TLC's collision estimate. */
function statsLine(r: CheckResult): string | null {
  const s = r.stats;
  if (!s) return null;
  return `engine: ${s.statesPerSecond} states/s, ${s.bytesPerState} bytes/state, hash ${s.hash}, fingerprint collision probability ${s.collisionProbability.toExponential(1)}`;
}

export function formatText(r: CheckResult): string {
  const lines: string[] = [];
  lines.push(
    `${r.verdict.toUpperCase()}  variant ${r.variant}  scenario ${r.scenario}  ` +
      `states ${r.states}  transitions ${r.transitions}  depth ${r.maxDepth}  ${r.seconds.toFixed(3)}s (${r.engine})`,
  );
  if (r.verdict === 'incomplete') {
    const why = STOP_REASONS[r.stats?.stoppedBy ?? 'max-states'] ?? r.stats?.stoppedBy;
    lines.push(`incomplete: ${why} after ${r.states} distinct states; nothing is proved beyond them`);
  } else if (r.verdict === 'pass') {
    lines.push(`${r.invariants.length === 1 ? 'the invariant holds' : `all ${r.invariants.length} invariants hold`} in all ${r.states} reachable states`);
  }

  const stats = statsLine(r);
  if (stats) lines.push(stats);

  const reached = r.witnesses.filter((w) => w.reached).length;
  if (r.witnesses.length === 0) {
    lines.push('witnesses: none declared');
  } else {
    lines.push(`witnesses: ${reached}/${r.witnesses.length} reached${r.complete ? '' : ' (exploration stopped early)'}`);
    // Only a complete run can say a witness was missed; a stopped one may just not have got there yet.
    const unreached = r.complete ? 'missed' : 'not reached';
    for (const w of r.witnesses) lines.push(`  ${(w.reached ? 'reached' : unreached).padEnd(11)}  ${w.id}`);
  }

  const v = r.violation;
  if (v) {
    lines.push(`${v.kind === 'sometimes' ? 'vacuous' : 'violated'}: ${v.property} (${v.family}, ${v.kind})`);
    lines.push(`  ${v.doc}`);
    lines.push(`  ${v.message}`);
    if (v.trace.length > 0) {
      const n = v.steps.length;
      lines.push(`counterexample: ${n} step${n === 1 ? '' : 's'}${n > 0 ? `, path ${v.path}` : ''}`);
      lines.push(...traceLines(v.trace));
    }
  }
  lines.push(`replay: ${r.replay}`);
  return lines.join('\n') + '\n';
}

export function formatReplayText(r: ReplayResult): string {
  const n = r.steps.length;
  const lines = [`replay  variant ${r.variant}  scenario ${r.scenario}  path ${r.path === '' ? '(init only)' : r.path}  ${n} step${n === 1 ? '' : 's'}`];
  lines.push(...traceLines(r.trace));
  const v = r.violation;
  lines.push(
    v ? `violated: ${v.property} (${v.family}) at step ${v.step}\n  ${v.doc}` : `no invariant is violated along this path`,
  );
  return lines.join('\n') + '\n';
}
