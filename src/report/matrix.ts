/**
 * Formatters for `nlring matrix` and `nlring diff`: text, JSON and Markdown.
 * Rows are properties, columns are variants; a cell aggregates the scenarios and
 * the drill-down lists them. No wall times are printed, so the same options give
 * byte-identical reports (the times go to stderr as progress).
 */
import { aggregate, matrixVerdict, type Aggregate, type Cell, type Difference, type Matrix } from '../matrix.js';
import { stopPhrase } from '../check/result.js';

/** A scenario cell in a few characters: `FAIL 7`, `pass`, `INCOMPLETE`, `VACUOUS`, `-`. */
function cellWord(c: Cell): string {
  switch (c.verdict) {
    case 'fail':
      return `FAIL ${c.steps}`;
    case 'n/a':
      return '-';
    case 'pass':
      return 'pass';
    default:
      return c.verdict.toUpperCase();
  }
}

/**
 * An aggregate: `FAIL 7 (2/13)` = violated in 2 of the 13 scenarios that check it,
 * shortest counterexample 7 steps; `INCOMPLETE (1/13)`; `pass (13)`; `-` when no
 * scenario checks it. The share keeps one stopped run from hiding twelve passes.
 */
function aggregateWord(a: Aggregate): string {
  switch (a.verdict) {
    case 'fail':
      return `FAIL ${a.steps} (${a.count}/${a.checked})`;
    case 'n/a':
      return '-';
    case 'pass':
      return `pass (${a.count})`;
    default:
      return `${a.verdict.toUpperCase()} (${a.count}/${a.checked})`;
  }
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function engineLine(m: Matrix): string {
  const b = m.engine.budgets;
  const budgets = [
    b.maxStates !== undefined ? `--max-states ${b.maxStates}` : '',
    b.maxDepth !== undefined ? `--max-depth ${b.maxDepth}` : '',
    b.timeBudgetSeconds !== undefined ? `--time-budget ${b.timeBudgetSeconds}` : '',
    b.maxMemoryMiB !== undefined ? `--max-memory ${b.maxMemoryMiB}` : '',
  ].filter(Boolean);
  return `bfs --all-violations${m.engine.symmetry ? ' --symmetry' : ''}${budgets.length ? ' ' + budgets.join(' ') : ''}, fingerprints ${m.engine.hash}`;
}

function counts(m: Matrix): string {
  const n = (v: string) => m.runs.filter((r) => r.verdict === v).length;
  return `${m.runs.length} runs (${m.variants.length} variant${m.variants.length === 1 ? '' : 's'} x ${m.scenarios.length} scenario${m.scenarios.length === 1 ? '' : 's'}): ${n('pass')} pass, ${n('fail')} fail, ${n('incomplete')} incomplete => ${matrixVerdict(m).toUpperCase()}`;
}

const LEGEND =
  'A cell is the worst verdict over the c scenarios that check the property: FAIL n (k/c) = violated in k of them, ' +
  'shortest counterexample n steps; INCOMPLETE (k/c) = a budget stopped k runs before any violation; VACUOUS (k/c) = ' +
  'held, but k scenarios missed a witness; pass (c) = held in all c scenarios, exhaustively; - = no scenario checks it.';

/** The runs a budget stopped, with the reason and how far they got: why their cells are INCOMPLETE. */
function stoppedRuns(m: Matrix): string[] {
  return m.runs
    .filter((r) => r.stats?.stoppedBy !== undefined || r.verdict === 'incomplete')
    .map((r) => `${r.variant} ${r.scenario}: ${stopPhrase(r.stats?.stoppedBy)} after ${r.states} states`);
}

/** Failing properties per variant, for the closing line of text and Markdown. */
function failingPerVariant(m: Matrix): string {
  return m.variants.map((v) => `${v} ${m.properties.filter((p) => aggregate(m, v, p).verdict === 'fail').length}`).join(', ');
}

export function formatMatrixText(m: Matrix): string {
  const rows = m.properties.map((p) => [p, ...m.variants.map((v) => aggregateWord(aggregate(m, v, p)))]);
  const out = [`matrix: ${engineLine(m)}`, '', ...table(['property', ...m.variants], rows), '', wrap(LEGEND, 100), ''];
  // The drill-down: every scenario cell behind a cell that is not a plain pass.
  const detail: string[][] = [];
  const replays: string[] = [];
  for (const p of m.properties) {
    for (const v of m.variants) {
      for (const c of aggregate(m, v, p).cells) {
        if (c.verdict === 'pass' || c.verdict === 'n/a') continue;
        detail.push([p, v, c.scenario, cellWord(c)]);
        if (c.replay) replays.push(`  ${p} ${v} ${c.scenario}: ${c.replay}`);
      }
    }
  }
  if (detail.length > 0) {
    out.push('by scenario (every cell that is not pass):', ...table(['property', 'variant', 'scenario', 'verdict'], detail).map((l) => `  ${l}`), '');
  }
  if (replays.length > 0) out.push('replay (each judges its property alone):', ...replays, '');
  const stopped = stoppedRuns(m);
  if (stopped.length > 0) out.push('stopped by a budget (their unviolated properties are INCOMPLETE):', ...stopped.map((l) => `  ${l}`), '');
  out.push(`failing properties: ${failingPerVariant(m)}`);
  out.push(counts(m));
  return out.join('\n') + '\n';
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

/** The documented keys `{variants, scenarios, cells}` first, then `engine` (how the runs were made) and `verdict`. */
export function matrixToJson(m: Matrix): Record<string, unknown> {
  return {
    variants: [...m.variants],
    scenarios: [...m.scenarios],
    cells: m.cells.map((c) => ({
      variant: c.variant,
      scenario: c.scenario,
      property: c.property,
      verdict: c.verdict,
      ...(c.steps !== undefined ? { steps: c.steps } : {}),
      ...(c.replay !== undefined ? { replay: c.replay } : {}),
    })),
    engine: {
      name: m.engine.name,
      allViolations: m.engine.allViolations,
      symmetry: m.engine.symmetry,
      hash: m.engine.hash,
      budgets: { ...m.engine.budgets },
    },
    verdict: matrixVerdict(m),
  };
}

export function formatMatrixJson(m: Matrix): string {
  return JSON.stringify(matrixToJson(m), null, 2) + '\n';
}

/** Markdown table cells must not contain a bare `|`. */
const md = (s: string) => s.replace(/\|/g, '\\|');

export function formatMatrixMarkdown(m: Matrix): string {
  const row = (cells: string[]) => `| ${cells.map(md).join(' | ')} |`;
  const out = [
    '# Variant matrix',
    '',
    `Every scenario on every variant, ${md(engineLine(m))}. Rows are properties, columns are variants.`,
    '',
    LEGEND,
    '',
    row(['property', ...m.variants]),
    row(['---', ...m.variants.map(() => '---')]),
    ...m.properties.map((p) => row([p, ...m.variants.map((v) => aggregateWord(aggregate(m, v, p)))])),
    '',
    `Failing properties: ${failingPerVariant(m)}.`,
    '',
    counts(m) + '.',
    ...(stoppedRuns(m).length > 0 ? ['', 'Stopped by a budget (their unviolated properties are INCOMPLETE):', '', ...stoppedRuns(m).map((l) => `- ${md(l)}`)] : []),
    '',
    '## By scenario',
    '',
    'For each property that some scenario checks, its verdict in every scenario (`FAIL n`: shortest counterexample in n steps; `-`: the scenario excludes it), then the replay command of each failure (it judges that property alone).',
  ];
  for (const p of m.properties) {
    const aggs = m.variants.map((v) => aggregate(m, v, p));
    if (aggs.every((a) => a.verdict === 'n/a')) continue;
    out.push('', `### ${p}`, '', row(['scenario', ...m.variants]), row(['---', ...m.variants.map(() => '---')]));
    for (const [i, s] of m.scenarios.entries()) out.push(row([s, ...aggs.map((a) => cellWord(a.cells[i]))]));
    const failures = aggs.flatMap((a) => a.cells.filter((c) => c.replay));
    if (failures.length > 0) {
      out.push('');
      for (const c of failures) out.push(`- ${c.variant}, ${c.scenario}, ${c.steps} steps: \`${c.replay}\``);
    }
  }
  return out.join('\n') + '\n';
}

/** A diff side in words: `FAIL (7 steps)`, `pass`, `n/a`. */
function sideWord(c: Cell): string {
  return c.verdict === 'fail' ? `FAIL (${c.steps} steps)` : c.verdict === 'pass' || c.verdict === 'n/a' ? c.verdict : c.verdict.toUpperCase();
}

/** Both sides fail, with counterexamples of different lengths: listed apart from the differences. */
function lengthLines(changed: readonly Difference[]): string[] {
  if (changed.length === 0) return [];
  return [
    '',
    'same verdict (FAIL), counterexample length changed:',
    ...changed.map((d) => `  ${d.scenario} ${d.property}: ${d.a.steps} -> ${d.b.steps} steps: ${d.b.replay}`),
  ];
}

export function formatDiffText(m: Matrix, a: string, b: string, diffs: readonly Difference[], changed: readonly Difference[] = []): string {
  const pairs = m.scenarios.length * m.properties.length;
  const out = [`diff ${a} ${b}: ${engineLine(m)}`, ''];
  if (diffs.length === 0) {
    out.push(`no (scenario, property) verdict differs over ${m.scenarios.length} scenario${m.scenarios.length === 1 ? '' : 's'}`);
  } else {
    out.push(...table(['scenario', 'property', a, b], diffs.map((d) => [d.scenario, d.property, sideWord(d.a), sideWord(d.b)])), '');
    out.push('counterexamples (replay judges the property alone):');
    for (const d of diffs) {
      for (const c of [d.a, d.b]) if (c.replay) out.push(`  ${d.scenario} ${d.property} on ${c.variant}, ${c.steps} steps: ${c.replay}`);
    }
    out.push('');
    out.push(`${diffs.length} of ${pairs} (scenario, property) verdicts differ`);
  }
  out.push(...lengthLines(changed));
  const unsure = m.cells.filter((c) => c.verdict === 'incomplete').length;
  if (unsure > 0) out.push(`${unsure} cell${unsure === 1 ? ' is' : 's are'} INCOMPLETE (a budget stopped the run): equal verdicts there prove nothing`);
  return out.join('\n') + '\n';
}

/**
 * `{a, b, scenarios, differences: [{scenario, property, a: {verdict, steps?, replay?}, b: {...}}],
 * lengthChanged: [the same, both failing with different lengths], incomplete, engine}`.
 */
export function diffToJson(m: Matrix, a: string, b: string, diffs: readonly Difference[], changed: readonly Difference[] = []): Record<string, unknown> {
  const side = (c: Cell) => ({ verdict: c.verdict, ...(c.steps !== undefined ? { steps: c.steps } : {}), ...(c.replay !== undefined ? { replay: c.replay } : {}) });
  const json = matrixToJson(m);
  return {
    a,
    b,
    scenarios: [...m.scenarios],
    differences: diffs.map((d) => ({ scenario: d.scenario, property: d.property, a: side(d.a), b: side(d.b) })),
    lengthChanged: changed.map((d) => ({ scenario: d.scenario, property: d.property, a: side(d.a), b: side(d.b) })),
    incomplete: m.cells.filter((c) => c.verdict === 'incomplete').length,
    engine: json.engine,
  };
}

export function formatDiffJson(m: Matrix, a: string, b: string, diffs: readonly Difference[], changed: readonly Difference[] = []): string {
  return JSON.stringify(diffToJson(m, a, b, diffs, changed), null, 2) + '\n';
}
