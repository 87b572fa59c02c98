#!/usr/bin/env node
// Rewrite the baseline of nlring.config.json from what a full gate run found.
//
//   node dist/src/cli/main.js ci --config /tmp/no-baseline.json   (or any run of the whole grid)
//   node scripts/baseline.mjs reports/ci.json                     (writes nlring.config.json)
//
// Every finding of the run becomes a baseline entry whose reason names what explains it:
// a README finding (Fn), a historical bug of docs/bugs.md (Bn), or a feature the variant
// does not have yet (Vn below). The labels come from the rules of findings-table.mjs,
// which were assigned by reading each counterexample; a finding no rule explains stops
// the script (exit 1) instead of entering the baseline unexplained. The verdicts are the
// checker's: this script only copies what the run found and attaches the prose.
import { readFileSync, writeFileSync } from 'node:fs';
import { explanation } from './findings-table.mjs';

const root = new URL('../', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');

/** Features a variant does not have yet, which make a witness unreachable there (not a bug). */
export const VERSION_REASONS = {
  V1: 'linux-3.10 has no dump autosizing (max_recvmsg_len arrived in 3.15), so the scenario cannot reach an autosized dump',
};

/** The title of each label: README findings, docs/bugs.md catalogue entries, VERSION_REASONS. */
export function titles() {
  const out = new Map(Object.entries(VERSION_REASONS));
  for (const m of read('README.md').matchAll(/^(\d+)\. \*\*(.+?)\*\*/gms)) out.set(`F${m[1]}`, `README finding ${m[1]}: ${m[2].replace(/\s+/g, ' ')}`);
  for (const m of read('docs/bugs.md').matchAll(/^\| (B\w+|D\d) \| ([^|]+) \|/gm)) out.set(m[1], `docs/bugs.md ${m[1]}: ${m[2].trim()}`);
  return out;
}

/** The baseline entries of a ci.json's findings (new and accepted), with reasons; throws listing the unexplained. */
export function baselineOf(ci) {
  const names = titles();
  const findings = [...ci.gate.new, ...ci.gate.accepted];
  const unexplained = [];
  const entries = findings.map((f) => {
    const label = explanation(f.variant, f.scenario, f.property);
    if (label === undefined || !names.has(label)) unexplained.push(`${f.variant} ${f.scenario} ${f.property}${label ? ` (label ${label} has no title)` : ''}`);
    return { variant: f.variant, scenario: f.scenario, property: f.property, reason: label ? names.get(label) ?? label : '' };
  });
  if (unexplained.length > 0) throw new Error(`unexplained findings (add a rule to scripts/findings-table.mjs):\n  ${unexplained.join('\n  ')}`);
  const order = (e) => [ci.config.variants.indexOf(e.variant), e.scenario, e.property];
  return entries.sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0] - y[0] || x[1].localeCompare(y[1]) || x[2].localeCompare(y[2]);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node scripts/baseline.mjs CI_JSON   (rewrites the baseline of nlring.config.json)');
    process.exit(2);
  }
  const ci = JSON.parse(readFileSync(file, 'utf8'));
  const config = JSON.parse(read('nlring.config.json'));
  try {
    config.baseline = baselineOf(ci);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
  writeFileSync(new URL('nlring.config.json', root), JSON.stringify(config, null, 2) + '\n');
  console.log(`nlring.config.json: ${config.baseline.length} baseline entries`);
}
