#!/usr/bin/env node
// Turns Stryker's JSON report into bench/MUTATION.md: the score per file and every mutant
// that no test detects (Survived, or NoCoverage: no test runs its code), each to be killed
// by a test or argued equivalent in one line.
//
//   node scripts/mutation-report.mjs [--out MUTATION.md] [--partial] [report.json ...]
//
// Several reports (runs over different files, e.g. `npx stryker run --mutate FILE`) are
// merged; a file found in more than one is taken from the last. A report that leaves out a
// file the old MUTATION.md has a row for would drop that file's rows and arguments, so it
// is refused unless --partial says so (the files not in the report are then listed).
// What people wrote in the old MUTATION.md is kept:
// - the block between <!-- notes --> and <!-- /notes --> (the measured baseline);
// - the indented lines under a mutant's item (e.g. "  - equivalent: <why>"), for a mutant
//   that still survives. A mutant is known by a hash of its file, mutator, the source line
//   it is on, the text it replaces and the replacement: not by Stryker's numeric id (which
//   changes on every run) nor by its line number (which moves when code above it moves).
//   Editing the mutant's own line drops its argument, which is then to be made again.
// A mutant is excluded from the "equivalents excluded" score when its kept lines contain
// "equivalent:".
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';

const argv = process.argv.slice(2);
let outPath = 'bench/MUTATION.md';
let partial = false;
const reportPaths = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--out' && i + 1 < argv.length) outPath = argv[++i];
  else if (argv[i] === '--partial') partial = true;
  else reportPaths.push(argv[i]);
}
if (reportPaths.length === 0) reportPaths.push('reports/mutation/mutation.json');

const report = { files: {} };
for (const p of reportPaths) {
  if (!existsSync(p)) {
    console.error(`mutation-report: no Stryker report at ${p} (run npx stryker run first)`);
    process.exit(2);
  }
  Object.assign(report.files, JSON.parse(readFileSync(p, 'utf8')).files);
}
const old = existsSync(outPath) ? readFileSync(outPath, 'utf8') : '';

/** Every source file Stryker mutates (stryker.config.mjs); one with no mutant is in no report. */
const SOURCES = ['src/model', 'src/props']
  .flatMap((dir) => readdirSync(dir, { recursive: true }).map((f) => `${dir}/${String(f).replaceAll('\\', '/')}`))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .sort();
const notRun = SOURCES.filter((f) => !(f in report.files));
/** Files the old MUTATION.md has a row for: leaving one out would drop its arguments. */
const dropped = [...old.matchAll(/^\| (src\/\S+) \|/gm)].map((m) => m[1]).filter((f) => !(f in report.files));
if (dropped.length > 0 && !partial) {
  console.error(
    `mutation-report: the report leaves out ${dropped.length} file(s) that ${outPath} lists (${dropped.slice(0, 3).join(', ')}${dropped.length > 3 ? ', ...' : ''}); ` +
      'writing it would drop their rows and arguments: run all of src/model and src/props, or pass --partial',
  );
  process.exit(2);
}

const NOTES_OPEN = '<!-- notes -->';
const NOTES_CLOSE = '<!-- /notes -->';
function oldNotes() {
  const a = old.indexOf(NOTES_OPEN);
  const b = old.indexOf(NOTES_CLOSE);
  if (a < 0 || b < a) return '(No baseline recorded yet: write the measured times here.)';
  return old.slice(a + NOTES_OPEN.length, b).trim();
}

/** hash -> the indented lines written under that mutant's item. */
function oldArguments() {
  const kept = new Map();
  let current = null;
  for (const line of old.split('\n')) {
    const m = /^- <!-- m:([0-9a-f]+) -->/.exec(line);
    if (m) {
      current = m[1];
      continue;
    }
    if (current && /^\s{2,}\S/.test(line)) {
      kept.set(current, [...(kept.get(current) ?? []), line.trimEnd()]);
      continue;
    }
    current = null;
  }
  return kept;
}

/** The text a location covers (Stryker: lines 1-based, columns 1-based, end exclusive). */
function textAt(lines, loc) {
  const { start, end } = loc;
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  const parts = [lines[start.line - 1].slice(start.column - 1)];
  for (let l = start.line; l < end.line - 1; l++) parts.push(lines[l]);
  parts.push(lines[end.line - 1].slice(0, end.column - 1));
  return parts.join('\n');
}

function oneLine(s, max = 90) {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** Inline code that survives backticks inside it. */
function code(s) {
  if (s === '') return '(empty)';
  return s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``;
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const ERRORS = new Set(['CompileError', 'RuntimeError']);

const args = oldArguments();
const rows = [];
const open = [];
for (const path of Object.keys(report.files).sort()) {
  const file = report.files[path];
  const lines = file.source.split('\n');
  const c = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Ignored: 0, errors: 0, equivalent: 0 };
  const seen = new Map();
  // Stryker lists mutants in the order it met them, which an incremental run changes:
  // sort by position so that the same results always give the same file.
  const byPosition = (a, b) =>
    a.location.start.line - b.location.start.line ||
    a.location.start.column - b.location.start.column ||
    a.location.end.line - b.location.end.line ||
    a.location.end.column - b.location.end.column ||
    (a.mutatorName < b.mutatorName ? -1 : a.mutatorName > b.mutatorName ? 1 : 0) ||
    ((a.replacement ?? '') < (b.replacement ?? '') ? -1 : (a.replacement ?? '') > (b.replacement ?? '') ? 1 : 0);
  for (const m of [...file.mutants].sort(byPosition)) {
    if (ERRORS.has(m.status)) c.errors++;
    else c[m.status] = (c[m.status] ?? 0) + 1;
    if (!UNDETECTED.has(m.status)) continue;
    const original = textAt(lines, m.location);
    const lineText = lines[m.location.start.line - 1].trim();
    const base = [path, m.mutatorName, lineText, original, m.replacement ?? ''].join('\u0000');
    // Two identical mutants on one line (rare) are told apart by their order on it.
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const hash = createHash('sha1').update(`${base}\u0000${n}`).digest('hex').slice(0, 12);
    const kept = args.get(hash) ?? [];
    if (kept.some((l) => l.includes('equivalent:'))) c.equivalent++;
    open.push({ path, m, original, hash, kept });
  }
  rows.push({ path, c });
}

function pct(num, den) {
  return den === 0 ? 'n/a' : (Math.floor((10000 * num) / den) / 100).toFixed(2);
}
function scores(c) {
  const detected = c.Killed + c.Timeout;
  const undetected = c.Survived + c.NoCoverage;
  return {
    valid: detected + undetected,
    detected,
    score: pct(detected, detected + undetected),
    covered: pct(detected, detected + c.Survived),
    noEquiv: pct(detected, detected + undetected - c.equivalent),
  };
}

const total = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Ignored: 0, errors: 0, equivalent: 0 };
for (const { c } of rows) for (const k of Object.keys(total)) total[k] += c[k] ?? 0;

const out = [];
out.push('# Mutation testing of src/model and src/props');
out.push('');
out.push('Made by `npm run mutate` (Stryker, `stryker.config.mjs`, over the unit tests of');
out.push('`vitest.mutate.config.ts`), then `scripts/mutation-report.mjs`; everything outside the');
out.push('notes block and the indented lines under a mutant is rewritten on every run.');
out.push('');
out.push('Score = detected (killed or timed out) / (detected + survived + no coverage).');
out.push('"Covered" leaves out the mutants no test runs; "equivalents excluded" leaves out the');
out.push('survivors argued equivalent below. Mutants that do not compile or crash count in neither,');
out.push('nor do the static ones a default run leaves out ("static, not run": see the notes).');
out.push('');
out.push(NOTES_OPEN);
out.push(oldNotes());
out.push(NOTES_CLOSE);
out.push('');
out.push('## Score per file');
out.push('');
if (partial && notRun.length > 0) {
  out.push(`Partial: ${notRun.length} of ${SOURCES.length} files are not in this report (not run, or no mutant): ${notRun.join(', ')}.`);
  out.push('');
}
out.push('| file | mutants | killed | timeout | survived | no coverage | errors | static, not run | score % | covered % | equivalents excluded % |');
out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const { path, c } of [...rows, { path: '**all files**', c: total }]) {
  const s = scores(c);
  out.push(
    `| ${path} | ${s.valid} | ${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${c.errors} | ${c.Ignored} | ${s.score} | ${s.covered} | ${s.noEquiv} |`,
  );
}
out.push('');
out.push('## Mutants no test detects');
out.push('');
out.push('Each is to be killed by a test that names the rule it checks, or argued equivalent on an');
out.push('indented line under it: `  - equivalent: <why no behaviour can tell it apart>`.');
out.push('"no coverage" means no test in the mutation project runs that code at all.');
let lastPath = null;
for (const { path, m, original, hash, kept } of open) {
  if (path !== lastPath) {
    out.push('');
    out.push(`### ${path}`);
    out.push('');
    lastPath = path;
  }
  const where = `${path}:${m.location.start.line}`;
  const what = `${code(oneLine(original))} → ${code(oneLine(m.replacement ?? ''))}`;
  const tag = m.status === 'NoCoverage' ? ' (no coverage)' : '';
  out.push(`- <!-- m:${hash} --> \`${where}\` ${m.mutatorName}${tag}: ${what}`);
  for (const l of kept) out.push(l);
}
if (open.length === 0) out.push('', 'None.');
out.push('');

writeFileSync(outPath, out.join('\n'));
const t = scores(total);
console.log(
  `mutation-report: ${outPath}: score ${t.score} % (${t.detected}/${t.valid}), ${total.Survived} survived, ${total.NoCoverage} no coverage, ${total.equivalent} argued equivalent`,
);
