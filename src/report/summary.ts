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

/**
 * One line on memory for runs that measured it (bfs): the process's peak resident set
 * (it covers every run so far in the process), the run that held most (its arrays,
 * frontier included, plus the JS heap) and the ceiling the runs had. Differs between
 * two runs of the same input, as the seconds do.
 */
export function memorySummary(results: readonly CheckResult[]): string | null {
  const measured = results.filter((r) => r.stats?.peakRssBytes !== undefined);
  if (measured.length === 0) return null;
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const rss = Math.max(...measured.map((r) => r.stats!.peakRssBytes!));
  const most = measured.reduce((a, b) => ((b.stats!.peakHeldBytes ?? 0) > (a.stats!.peakHeldBytes ?? 0) ? b : a));
  const ceilings = [...new Set(measured.map((r) => r.stats!.memoryCeilingMiB))];
  const ceiling = ceilings.length === 1 ? (ceilings[0] === undefined ? 'no ceiling' : `ceiling ${ceilings[0]} MiB`) : 'ceilings differ between runs';
  return (
    `memory: peak RSS ${mib(rss)} (whole process), most held by one run ${mib(most.stats!.peakHeldBytes ?? 0)} ` +
    `(${most.variant} ${most.scenario}, ${most.stats!.heldBytesPerState ?? 0} bytes/state), ${ceiling}`
  );
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
  const memory = memorySummary(results);
  if (memory) out.push(memory);
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
