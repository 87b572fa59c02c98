/**
 * `nlring list --coverage`: which features each catalogue scenario has and which pairs of
 * features some scenario combines (src/scenarios/features.ts computes it).
 */
import { pairKey, type Feature, type PairCoverage } from '../scenarios/features.js';

export function formatCoverageText(features: readonly Feature[], cov: PairCoverage): string {
  const ids = features.map((f) => f.id);
  const w = Math.max(...ids.map((x) => x.length));
  const out: string[] = ['features:'];
  for (const f of features) out.push(`  ${f.id.padEnd(w)}  ${f.doc}`);
  out.push('', 'scenarios:');
  const sw = Math.max(...[...cov.features.keys()].map((x) => x.length));
  for (const [sc, fs] of cov.features) out.push(`  ${sc.padEnd(sw)}  ${fs.length === 0 ? '-' : fs.join(' ')}`);
  out.push('', 'pairs: how many scenarios have both (column n is feature n; the diagonal: the feature alone; - none):');
  const cw = Math.max(2, String(ids.length).length);
  out.push(`  ${''.padEnd(w + 5)}${ids.map((_, j) => String(j + 1).padStart(cw)).join(' ')}`);
  for (const [i, a] of ids.entries()) {
    const cells = ids.map((b, j) => {
      if (j < i) return ''.padStart(cw);
      const n = cov.pairs.get(pairKey(a, b))?.length ?? 0;
      return (n === 0 ? '-' : String(n)).padStart(cw);
    });
    out.push(`  ${String(i + 1).padStart(2)} ${a.padEnd(w)}  ${cells.join(' ')}`.trimEnd());
  }
  out.push('');
  if (cov.missing.length === 0) out.push('every pair of features is combined in some scenario');
  else out.push(`${cov.missing.length} pair(s) in no scenario: ${cov.missing.map(([a, b]) => (a === b ? a : `${a}+${b}`)).join(', ')}`);
  return out.join('\n') + '\n';
}

export function formatCoverageJson(features: readonly Feature[], cov: PairCoverage): string {
  return (
    JSON.stringify(
      {
        features: features.map((f) => ({ id: f.id, doc: f.doc })),
        scenarios: Object.fromEntries(cov.features),
        pairs: Object.fromEntries(cov.pairs),
        missing: cov.missing,
      },
      null,
      2,
    ) + '\n'
  );
}
