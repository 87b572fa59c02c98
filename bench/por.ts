/**
 * What partial-order reduction (bfs --por) saves, and what each property costs it.
 *
 *   npm run build && node dist/bench/por.js [variant] [max-states]
 *
 * For every catalogue scenario on one variant (linux-4.5 unless given), a
 * breadth-first search with --all-violations, capped at max-states (50,000 unless
 * given), without and with reduction: once with every property the scenario
 * checks, and once per property alone. A property alone makes fewer steps visible,
 * so the difference between the two columns is what that property costs the
 * reduction. Prints Markdown tables on stdout (README "Three engines" quotes them).
 */
import { bfs } from '../src/check/bfs.js';
import { buildTarget, listScenarios } from '../src/catalog.js';

const variant = process.argv[2] ?? 'linux-4.5';
const cap = Number(process.argv[3] ?? 50_000);

const rows: string[] = [];
const perProperty = new Map<string, { full: number; reduced: number; runs: number }>();
let allFull = 0;
let allReduced = 0;
for (const { id } of listScenarios()) {
  const t = buildTarget(variant, id);
  const full = bfs(t, { allViolations: true, maxStates: cap });
  const por = bfs(t, { allViolations: true, maxStates: cap, por: true });
  // Compared only where both ran to the end: a capped pair counts the cap twice.
  const complete = full.stats?.stoppedBy === undefined && por.stats?.stoppedBy === undefined;
  if (complete) {
    allFull += full.states;
    allReduced += por.states;
  }
  const red = por.stats?.reduction;
  rows.push(`| ${id} | ${full.states.toLocaleString('en-US')}${complete ? '' : ' (capped)'} | ${por.states.toLocaleString('en-US')} | ${red?.reducedStates ?? 0} | ${red?.provisoFallbacks ?? 0} |`);
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

console.log(`## Partial-order reduction on ${variant} (bfs --all-violations, at most ${cap.toLocaleString('en-US')} states)\n`);
console.log('| scenario | states | states with --por | states reduced | proviso fallbacks |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
console.log(`\nScenarios that completed both ways: ${allFull.toLocaleString('en-US')} states without reduction, ${allReduced.toLocaleString('en-US')} with (${(allFull / Math.max(1, allReduced)).toFixed(3)}x).\n`);
console.log('| property checked alone | scenarios | states | with --por | ratio |');
console.log('| --- | --- | --- | --- | --- |');
for (const [id, a] of [...perProperty].sort((x, y) => y[1].full / y[1].reduced - x[1].full / x[1].reduced)) {
  console.log(`| ${id} | ${a.runs} | ${a.full.toLocaleString('en-US')} | ${a.reduced.toLocaleString('en-US')} | ${(a.full / Math.max(1, a.reduced)).toFixed(3)}x |`);
}
