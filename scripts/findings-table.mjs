// The README's table of what each catalogue scenario violates on linux-3.10 and linux-4.5,
// made from test/verdicts.json (which test/verdicts.test.ts reruns), so that every step
// count the README states is the one a run gives. `node scripts/findings-table.mjs` prints
// it; test/docs/findings-table.test.ts checks that the README holds exactly this text
// between its <!-- findings-table --> markers.
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

if (import.meta.url === `file://${process.argv[1]}`) {
  const verdicts = JSON.parse(readFileSync(new URL('../test/verdicts.json', import.meta.url), 'utf8'));
  console.log(findingsTable(verdicts).join('\n'));
}
