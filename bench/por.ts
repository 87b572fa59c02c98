/**
 * What partial-order reduction (bfs --por) saves, and what each property costs it:
 * a section of `npm run bench` (bench/run.ts), or alone:
 *
 *   npm run bench:por [-- variant [max-states]]
 *
 * For every catalogue scenario on one variant (linux-4.5 unless given), a
 * breadth-first search with --all-violations, capped at max-states (50,000 unless
 * given), without and with reduction: once with every property the scenario
 * checks, and once per property alone. A property alone makes fewer steps visible,
 * so the difference between the two is what that property costs the reduction.
 */
import { pathToFileURL } from 'node:url';
import { bfs } from '../src/check/bfs.js';
import { buildTarget, listScenarios } from '../src/catalog.js';

const fmt = (n: number): string => n.toLocaleString('en-US');

/** The section's Markdown lines. */
export function porSection(variant = 'linux-4.5', cap = 50_000, log: (line: string) => void = () => {}): string[] {
  const rows: string[] = [];
  const perProperty = new Map<string, { full: number; reduced: number; runs: number }>();
  let allFull = 0;
  let allReduced = 0;
  let completed = 0;
  for (const { id } of listScenarios()) {
    log(`por ${variant} ${id}`);
    const t = buildTarget(variant, id);
    const full = bfs(t, { allViolations: true, maxStates: cap });
    const por = bfs(t, { allViolations: true, maxStates: cap, por: true });
    // Compared only where both ran to the end: a capped pair counts the cap twice.
    const complete = full.stats?.stoppedBy === undefined && por.stats?.stoppedBy === undefined;
    if (complete) {
      allFull += full.states;
      allReduced += por.states;
      completed++;
    }
    const red = por.stats?.reduction;
    rows.push(`| ${id} | ${fmt(full.states)}${complete ? '' : ' (capped)'} | ${fmt(por.states)} | ${red?.reducedStates ?? 0} | ${red?.provisoFallbacks ?? 0} |`);
    for (const p of t.invariants) {
      const one = { ...t, invariants: [p], witnesses: [] };
      const f = bfs(one, { allViolations: true, maxStates: cap });
      const r = bfs(one, { allViolations: true, maxStates: cap, por: true });
      if (f.stats?.stoppedBy !== undefined || r.stats?.stoppedBy !== undefined) continue;
      const acc = perProperty.get(p.id) ?? { full: 0, reduced: 0, runs: 0 };
      acc.full += f.states;
      acc.reduced += r.states;
      acc.runs++;
      perProperty.set(p.id, acc);
    }
  }
  const ratio = (a: number, b: number): string => `${(a / Math.max(1, b)).toFixed(3)}x`;
  const out = [`## Partial-order reduction on ${variant} (bfs --all-violations, at most ${fmt(cap)} states)`, ''];
  out.push('| scenario | states | states with --por | states reduced | proviso fallbacks |', '| --- | --- | --- | --- | --- |', ...rows, '');
  out.push(`The ${completed} scenarios that completed both ways: ${fmt(allFull)} states without reduction, ${fmt(allReduced)} with it (${ratio(allFull, allReduced)}).`, '');
  out.push('Each property checked alone (only it decides which steps are visible), over the scenarios that completed both ways:', '');
  out.push('| property | scenarios | states | with --por | ratio |', '| --- | --- | --- | --- | --- |');
  for (const [id, a] of [...perProperty].sort((x, y) => y[1].full / y[1].reduced - x[1].full / x[1].reduced || (x[0] < y[0] ? -1 : 1))) {
    out.push(`| ${id} | ${a.runs} | ${fmt(a.full)} | ${fmt(a.reduced)} | ${ratio(a.full, a.reduced)} |`);
  }
  return out;
}

// Run alone: print the section on stdout.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const lines = porSection(process.argv[2] ?? 'linux-4.5', Number(process.argv[3] ?? 50_000), (l) => process.stderr.write(`bench: ${l}\n`));
  console.log(lines.join('\n'));
}
