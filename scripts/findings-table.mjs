// The README's table of what each catalogue scenario violates on linux-3.10 and linux-4.5,
// made from test/verdicts.json (which test/verdicts.test.ts reruns), so that every step
// count the README states is the one a run gives. `node scripts/findings-table.mjs` prints
// it; test/docs.test.ts checks that the README holds exactly this text between its
// <!-- findings-table --> markers. `node scripts/findings-table.mjs consumers` prints the
// consumer tables (test/consumer-verdicts.json), which the README holds between
// <!-- consumers-table VARIANT --> markers.
import { readFileSync } from 'node:fs';

export const VARIANTS = ['linux-3.10', 'linux-4.5'];

/** Markdown lines of the table, from the parsed verdict file. */
export function findingsTable(verdicts) {
  const entries = verdicts.entries ?? verdicts;
  const at = new Map(entries.map((e) => [`${e.variant}\u0000${e.scenario}`, e]));
  const scenarios = [...new Set(entries.map((e) => e.scenario))];
  const cell = (e) => {
    if (e === undefined) return 'not run';
    const found = Object.entries(e.violations).map(([p, n]) => `${p} ${n}`);
    const list = found.length === 0 ? 'none' : found.join(', ');
    // A first-violation entry lists only what BFS met first: say so rather than imply "all".
    return e.exhaustive ? list : `${list} (first only; not exhaustive)`;
  };
  const out = ['| scenario | ' + VARIANTS.join(' | ') + ' |', '| --- | ' + VARIANTS.map(() => '---').join(' | ') + ' |'];
  for (const sc of scenarios) out.push(`| ${sc} | ${VARIANTS.map((v) => cell(at.get(`${v}\u0000${sc}`))).join(' | ')} |`);
  return out;
}

/** The consumer loops of the README's consumer tables, the documentation's first. */
export const LOOPS = ['doc', 'ulogd2', 'nurs'];

/** The violations of one entry as a cell: `P n, ...`, `none`, or `not run`. */
function violationsCell(e) {
  if (e === undefined) return 'not run';
  const found = Object.entries(e.violations).map(([p, n]) => `${p} ${n}`);
  return found.length === 0 ? 'none' : found.join(', ');
}

/**
 * Markdown lines of the README's table for one variant: for each RX scenario of
 * test/consumer-verdicts.json, what it violates with each consumer loop (the
 * documentation loop's entry is the catalogue's own, from test/verdicts.json).
 */
export function consumersTable(verdicts, consumerVerdicts, variant) {
  const all = [...(verdicts.entries ?? verdicts), ...(consumerVerdicts.entries ?? consumerVerdicts)];
  const at = new Map(all.map((e) => [`${e.variant}\u0000${e.scenario}`, e]));
  const mine = (consumerVerdicts.entries ?? consumerVerdicts).filter((e) => e.variant === variant);
  const scenarios = [...new Set(mine.map((e) => e.scenario.split('@')[0]))];
  const id = (sc, loop) => (loop === 'doc' ? sc : `${sc}@${loop}`);
  const out = ['| scenario | ' + LOOPS.join(' | ') + ' |', '| --- | ' + LOOPS.map(() => '---').join(' | ') + ' |'];
  for (const sc of scenarios) out.push(`| ${sc} | ${LOOPS.map((l) => violationsCell(at.get(`${variant}\u0000${id(sc, l)}`))).join(' | ')} |`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const read = (f) => JSON.parse(readFileSync(new URL(`../test/${f}`, import.meta.url), 'utf8'));
  const verdicts = read('verdicts.json');
  if (process.argv[2] === 'consumers') {
    const consumers = read('consumer-verdicts.json');
    for (const v of ['linux-4.5', 'reference']) console.log(`${v}:\n${consumersTable(verdicts, consumers, v).join('\n')}\n`);
  } else {
    console.log(findingsTable(verdicts).join('\n'));
  }
}
