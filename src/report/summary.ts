/**
 * The multi-scenario summary written by `check-all`: a text table (with the
 * reproduce line of every run that did not pass) and its JSON counterpart.
 */
import { stopPhrase, worstVerdict, type CheckResult } from '../check/result.js';
import { toJson } from './json.js';

/** The detail column (and `detail` in JSON): what was found, or why the run stopped, from the result's own record. */
export function detail(r: CheckResult): string {
  const stop = r.stats?.stoppedBy;
  if (r.verdict === 'incomplete') {
    const why = stop ? `${stopPhrase(stop)}; ` : '';
    if (r.engine === 'simulate') return `${why}no violation in ${r.stats?.walks ?? '?'} random walks (seed ${r.seed})`;
    if (r.engine === 'pbt') return `${why}no violation found (seed ${r.seed})`;
    return stopPhrase(stop);
  }
  const v = r.violation;
  if (!v) return '';
  const found = v.kind === 'sometimes' ? `vacuous: ${v.property} never reached` : `${v.property} after ${v.steps.length} step${v.steps.length === 1 ? '' : 's'}`;
  // --all-violations stopped by a budget after the first violation: the other invariants were not settled.
  return r.verdict === 'fail' && stop ? `${found}; then ${stopPhrase(stop)}` : found;
}

export function formatSummary(results: readonly CheckResult[]): string {
  const header = ['verdict', 'variant', 'scenario', 'states', 'transitions', 'depth', 'seconds', 'detail'];
  const numeric = [false, false, false, true, true, true, true, false];
  const rows = results.map((r) => [
    r.verdict.toUpperCase(),
    r.variant,
    r.scenario,
    String(r.states),
    String(r.transitions),
    String(r.maxDepth),
    r.seconds.toFixed(3),
    detail(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();

  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  const n = (v: string) => results.filter((r) => r.verdict === v).length;
  out.push('');
  out.push(
    `${results.length} run${results.length === 1 ? '' : 's'}: ${n('pass')} pass, ${n('fail')} fail, ${n('incomplete')} incomplete => ` +
      worstVerdict(results.map((r) => r.verdict)).toUpperCase(),
  );
  for (const r of results) if (r.verdict !== 'pass') out.push(`replay ${r.scenario}: ${r.replay}`);
  return out.join('\n') + '\n';
}

/**
 * `{verdict, counts, results}`; each result in the per-run JSON shape of json.ts, then `detail`:
 * the text summary's detail column (what was found, or why the run stopped).
 */
export function summaryJson(results: readonly CheckResult[]): Record<string, unknown> {
  const n = (v: string) => results.filter((r) => r.verdict === v).length;
  return {
    verdict: worstVerdict(results.map((r) => r.verdict)),
    counts: { pass: n('pass'), fail: n('fail'), incomplete: n('incomplete') },
    results: results.map((r) => ({ ...toJson(r), detail: detail(r) })),
  };
}

export function formatSummaryJson(results: readonly CheckResult[]): string {
  return JSON.stringify(summaryJson(results), null, 2) + '\n';
}
