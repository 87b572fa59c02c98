/**
 * The state-space summary of a run (`check --stats`), and the steps no run fired
 * (`check-all --dead-steps`): what the search saw, as TLC's coverage report gives
 * it. The numbers come from CheckResult.stateSpace (src/check/coverage-stats.ts).
 */
import type { CheckResult, StateSpace } from '../check/result.js';

/** Text lines are wrapped at this width. */
const WIDTH = 100;
/** How many of the most frequent steps the text names. */
const TOP = 8;

/** `items` joined by `sep` into lines of at most WIDTH characters, each starting with `indent` (`first` on the first line). */
function wrap(items: readonly string[], sep: string, indent: string, first = indent): string[] {
  const out: string[] = [];
  let line = first;
  let empty = true;
  for (const item of items) {
    const piece = empty ? item : sep + item;
    if (!empty && line.length + piece.length > WIDTH) {
      out.push(line + sep.trimEnd());
      line = indent + item;
    } else {
      line += piece;
    }
    empty = false;
  }
  if (!empty) out.push(line);
  return out;
}

/** The firings, most frequent first (ties in the spec's order). */
function byCount(fired: Record<string, number>): [string, number][] {
  return Object.entries(fired)
    .map((e, i) => [e, i] as const)
    .sort((a, b) => b[0][1] - a[0][1] || a[1] - b[1])
    .map(([e]) => e);
}

/**
 * The text block: new states per depth (the histogram, each line starting with
 * the depth of its first number), the most frequent steps, and the steps that never
 * fired. Nothing when the engine kept no summary (simulate, pbt, a merged report).
 */
export function stateSpaceLines(r: CheckResult): string[] {
  const ss = r.stateSpace;
  if (!ss) return [];
  const partial = r.complete ? '' : ' (of the part explored)';
  const lines = [`state space${partial}: new states at each depth 0..${ss.depths.length - 1}:`];
  // One line per run of numbers that fits, prefixed by the depth it starts at.
  const label = (d: number) => `  ${String(d).padStart(String(ss.depths.length - 1).length)}: `;
  let line = '';
  let start = 0;
  ss.depths.forEach((n, d) => {
    const piece = String(n);
    if (line !== '' && label(start).length + line.length + 1 + piece.length > WIDTH) {
      lines.push(label(start) + line);
      line = '';
      start = d;
    }
    line += (line === '' ? '' : ' ') + piece;
  });
  if (line !== '') lines.push(label(start) + line);

  const fired = byCount(ss.fired);
  const kinds = ss.neverFired ? `${fired.length} of ${fired.length + ss.neverFired.length} step labels` : `${fired.length} step labels`;
  const total = fired.reduce((a, [, n]) => a + n, 0);
  const top = fired.slice(0, TOP).map(([k, n]) => `${k} ${n}`);
  lines.push(...wrap(top, ', ', '    ', `steps fired: ${kinds}, ${total} transitions${top.length > 0 ? '; most often: ' : ''}`));
  if (ss.neverFired) {
    if (ss.neverFired.length === 0) lines.push('never fired: none');
    else lines.push(...wrap(ss.neverFired, ', ', '    ', `never fired (${ss.neverFired.length}): `));
  }
  return lines;
}

/** The summary as JSON: `{depths, fired, neverFired?}`, keys in that order. */
export function stateSpaceJson(ss: StateSpace): Record<string, unknown> {
  return { depths: [...ss.depths], fired: { ...ss.fired }, ...(ss.neverFired ? { neverFired: [...ss.neverFired] } : {}) };
}

/** What `check-all --dead-steps` finds for one variant: the step labels that no run fired. */
export interface DeadSteps {
  readonly variant: string;
  readonly runs: number;
  /** Runs that did not explore their whole state space (a budget, or a violation that ended the search): they count only what they saw. */
  readonly partial: number;
  /** The variant's labels that fired in some run, and (in the spec's order) those that fired in none. */
  readonly fired: string[];
  readonly dead: string[];
}

/**
 * For each variant (in order of first appearance), the step labels that fired in
 * none of its runs. Every run of a variant has the same labels (its spec's kinds).
 * A run without the list of what never fired (one SIGINT stopped before it started,
 * or an engine that keeps no summary) saw nothing here and counts as partial; a
 * variant none of whose runs has the list is left out.
 */
export function deadSteps(results: readonly CheckResult[]): DeadSteps[] {
  const variants = [...new Set(results.map((r) => r.variant))];
  return variants.flatMap((variant) => {
    const runs = results.filter((r) => r.variant === variant);
    const seen = runs.flatMap((r) => (r.stateSpace?.neverFired ? [{ ss: r.stateSpace, unfired: new Set(r.stateSpace.neverFired) }] : []));
    if (seen.length === 0) return [];
    const first = seen[0].ss;
    const labels = [...Object.keys(first.fired), ...first.neverFired!];
    const dead = first.neverFired!.filter((k) => seen.every((n) => n.unfired.has(k)));
    const partial = runs.filter((r) => !r.complete || !r.stateSpace?.neverFired).length;
    return [{ variant, runs: runs.length, partial, fired: labels.filter((k) => !dead.includes(k)), dead }];
  });
}

/** The text of `check-all --dead-steps`: per variant, the dead labels, or that there are none. */
export function formatDeadSteps(found: readonly DeadSteps[]): string {
  const out: string[] = [];
  for (const d of found) {
    const partial = d.partial > 0 ? ` (${d.partial} of them did not explore everything and count only what they saw)` : '';
    out.push(`dead steps of ${d.variant}: ${d.dead.length} of ${d.fired.length + d.dead.length} step labels fired in none of its ${d.runs} runs${partial}`);
    if (d.dead.length > 0) out.push(...wrap(d.dead, ', ', '  '));
  }
  if (found.length > 1) {
    // A label dead on one variant may be another version's code; dead on all of them, no scenario reaches it at all.
    const everywhere = [...new Set(found.flatMap((d) => d.dead))].filter((k) => found.every((d) => !d.fired.includes(k)));
    out.push(`dead on all ${found.length} variants: ${everywhere.length === 0 ? 'none' : everywhere.length}`);
    if (everywhere.length > 0) out.push(...wrap(everywhere, ', ', '  '));
  }
  return out.join('\n') + '\n';
}
