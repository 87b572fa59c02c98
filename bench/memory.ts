/**
 * How much each memory model (--memory, src/model/mem.ts) multiplies the state
 * space: a section of `npm run bench` (bench/run.ts), or alone:
 *
 *   npm run bench:memory [-- variant [time-budget-seconds]]
 *
 * For each small catalogue scenario on one variant (linux-4.5 unless given), a
 * breadth-first search with --all-violations under sc, tso, weak, and weak with
 * userspace written as the sample code is (weak-plain), each capped in time (60 s
 * unless given). A capped run shows the states reached so far (">") and is left
 * out of the ratios.
 */
import { pathToFileURL } from 'node:url';
import { bfs } from '../src/check/bfs.js';
import { buildTarget } from '../src/catalog.js';
import type { CheckResult } from '../src/check/result.js';

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Scenarios whose sc space is small enough to grow by the memory models within the cap. */
export const MEMORY_BENCH_SCENARIOS = ['rx-publish', 'tx-publish', 'tx-ring-send', 'tx-sibling', 'tx-full-frame', 'copy-hold', 'rx-order', 'poll', 'tx-batch', 'nfq-batch'];
const MODELS = ['', '+tso', '+weak', '+weak-plain'] as const;

/** The section's Markdown lines. */
export function memorySection(variant = 'linux-4.5', cap = 60, log: (line: string) => void = () => {}): string[] {
  const rows: string[] = [];
  for (const id of MEMORY_BENCH_SCENARIOS) {
    const runs: CheckResult[] = [];
    for (const m of MODELS) {
      log(`memory ${variant} ${id}${m}`);
      runs.push(bfs(buildTarget(variant, `${id}${m}`), { allViolations: true, timeBudgetSeconds: cap }));
    }
    const capped = (r: CheckResult) => r.stats?.stoppedBy !== undefined;
    const cell = (r: CheckResult) => `${capped(r) ? '> ' : ''}${fmt(r.states)} (${fmt(r.seconds, 1)} s)`;
    const ratio = (r: CheckResult) => (capped(r) || capped(runs[0]) ? '-' : `${fmt(r.states / runs[0].states, 1)}x`);
    rows.push(`| ${id} | ${runs.map(cell).join(' | ')} | ${ratio(runs[1])} | ${ratio(runs[2])} | ${ratio(runs[3])} |`);
  }
  return [
    `## State-space growth under the memory models (${variant}, --all-violations)`,
    '',
    `Distinct states (and seconds) of one breadth-first search per cell, each capped at ${cap} s ("> ": the states reached when the cap stopped it). ` +
      'tso: a FIFO store buffer per thread; weak: buffers drained in any order a barrier allows, and early loads at a status load with no barrier after it; ' +
      'weak-plain: the same with userspace written as the sample code is (no acquire, no release). The ratios are against sc.',
    '',
    '| scenario | sc | tso | weak | weak-plain | tso / sc | weak / sc | weak-plain / sc |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ];
}

// Run alone: print the section on stdout.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const lines = memorySection(process.argv[2] ?? 'linux-4.5', Number(process.argv[3] ?? 60), (l) => process.stderr.write(`bench: ${l}\n`));
  console.log(lines.join('\n'));
}
