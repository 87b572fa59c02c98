/**
 * Formatters for `nlring bugs`: the catalogue as a table (`bugs`), and the outcome
 * of running it (`bugs --check`), in text and JSON. No wall times, so the output
 * is the same on every run.
 */
import type { BugEntry, BugOutcome } from '../bugs.js';
import type { DumpCostReport } from '../check/dumpcost.js';

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** One row per reproduction (an entry without one gets a row of its own). */
function rows(bugs: readonly BugEntry[]): string[][] {
  return bugs.flatMap((b) => {
    const status = b.status === 'waiting' ? 'waiting' : b.status;
    if (b.reproductions.length === 0) return [[b.id, status, '-', '-', b.families.join(', '), '-']];
    return b.reproductions.map((r, i) => [i === 0 ? b.id : '', i === 0 ? status : '', r.buggy.join(', '), r.scenario, r.properties.join(', '), r.fixed]);
  });
}

/** The numbers of a cost entry (D2). */
export interface CostReport {
  readonly id: string;
  readonly report: DumpCostReport;
}

/** D2's table: one line per fill level, then whether it grows. */
export function costLines(r: DumpCostReport): string[] {
  const out = [`poll() calls per dump message on ${r.variant}: ${r.frames} page-sized frames, a dump of ${r.parts} parts and NLMSG_DONE, the consumer keeping \`fill\` frames occupied`];
  for (const row of r.rows) {
    out.push(
      row.pollsPerMessage === null
        ? `fill ${row.fill}: the dump never completes (${row.polls} polls, ${row.messages} messages read)`
        : `fill ${row.fill}: ${row.polls} polls / ${row.messages} messages = ${row.pollsPerMessage.toFixed(2)} (${row.productivePolls} polls continued the dump)`,
    );
  }
  out.push(`grows with the fill level: ${r.grows ? 'yes' : 'NO'}`);
  return out;
}

function costJson(r: DumpCostReport): Record<string, unknown> {
  return { variant: r.variant, frames: r.frames, parts: r.parts, definition: r.definition, rows: r.rows.map((x) => ({ ...x })), grows: r.grows };
}

export function formatBugList(bugs: readonly BugEntry[], costs: readonly CostReport[] = []): string {
  const out = [...table(['id', 'status', 'had it', 'scenario', 'caught by', 'fixed in'], rows(bugs)), ''];
  for (const b of bugs) {
    out.push(`${b.id}  ${b.title}`);
    out.push(`${' '.repeat(b.id.length)}  families: ${b.families.join(', ')}; fix: ${b.fix}`);
    if (b.waitsFor) out.push(`${' '.repeat(b.id.length)}  waits for ${b.waitsFor}`);
    const holds = b.reproductions.flatMap((r) => (r.alsoHolds ?? []).map((h) => `${h.variant} on ${h.scenario}`));
    if (holds.length > 0) out.push(`${' '.repeat(b.id.length)}  must not show (the same properties hold): ${holds.join(', ')}`);
    if (b.landing) out.push(`${' '.repeat(b.id.length)}  runs once the catalogue has ${b.landing}`);
    const cost = costs.find((c) => c.id === b.id);
    if (cost) for (const line of costLines(cost.report)) out.push(`${' '.repeat(b.id.length)}  ${line}`);
  }
  return out.join('\n') + '\n';
}

export function bugListToJson(bugs: readonly BugEntry[], costs: readonly CostReport[] = []): Record<string, unknown> {
  return {
    bugs: bugs.map((b) => ({
      id: b.id,
      title: b.title,
      status: b.status,
      families: [...b.families],
      fix: b.fix,
      reproductions: b.reproductions.map((r) => ({ buggy: [...r.buggy], scenario: r.scenario, properties: [...r.properties], fixed: r.fixed })),
      ...(b.waitsFor ? { waitsFor: b.waitsFor } : {}),
      ...(b.landing ? { landing: b.landing } : {}),
      ...(b.costOn ? { costOn: b.costOn } : {}),
      ...(costs.some((c) => c.id === b.id) ? { cost: costJson(costs.find((c) => c.id === b.id)!.report) } : {}),
    })),
  };
}

const STATE_WORD: Record<BugOutcome['state'], string> = {
  reproduced: 'reproduced',
  'not-reproduced': 'NOT REPRODUCED',
  waiting: 'waiting',
  cost: 'cost',
  pending: 'pending',
  error: 'ERROR',
};

export function formatBugCheck(bugs: readonly BugEntry[], outcomes: readonly BugOutcome[]): string {
  const body: string[][] = [];
  const replays: string[] = [];
  for (const o of outcomes) {
    const bug = bugs.find((b) => b.id === o.id)!;
    if (o.reproductions.length === 0) {
      const why =
        o.state === 'waiting'
          ? `waits for ${bug.waitsFor}`
          : o.cost
            ? `a cost: poll() calls per dump message ${o.cost.grows ? 'grow' : 'do NOT grow'} with the ring fill level on ${o.cost.variant} (below)`
            : o.state === 'cost'
              ? 'a cost, not measured here'
              : o.problem ?? '';
      body.push([o.id, STATE_WORD[o.state], '-', '-', why]);
      continue;
    }
    for (const [i, r] of o.reproductions.entries()) {
      const found = r.buggy
        .map((b) => `${b.variant}: ${b.findings.map((f) => (f.steps === undefined ? `${f.property} not violated` : `${f.property} ${f.steps} steps${f.replays ? '' : ' (replay differs)'}`)).join(', ')}`)
        .join('; ');
      const holds = r.holds.map((h) => `; ${h.variant} on ${h.scenario} ${h.verdict === 'pass' ? 'passes' : h.violated ? `FAILS ${h.violated}` : h.verdict.toUpperCase()}`).join('');
      const fixed = `${r.fixed.variant} ${r.fixed.verdict === 'pass' ? 'passes' : r.fixed.violated ? `FAILS ${r.fixed.violated}` : r.fixed.vacuous ? `VACUOUS (${r.fixed.vacuous})` : 'INCOMPLETE'}${holds}`;
      body.push([i === 0 ? o.id : '', i === 0 ? STATE_WORD[o.state] : '', r.scenario, found, fixed]);
      for (const b of r.buggy) for (const f of b.findings) if (f.replay) replays.push(`  ${o.id} ${b.variant} ${r.scenario}: ${f.replay}`);
    }
  }
  const out = [...table(['id', 'result', 'scenario', 'found on the buggy variant (shortest counterexample)', 'fixed variant'], body), ''];
  const problems = outcomes.filter((o) => o.problem && (o.state === 'not-reproduced' || o.state === 'error' || o.state === 'pending'));
  for (const o of problems) out.push(`${o.id}: ${o.problem}`);
  if (problems.length > 0) out.push('');
  for (const o of outcomes) if (o.cost) out.push(`${o.id}:`, ...costLines(o.cost).map((l) => `  ${l}`), '');
  if (replays.length > 0) out.push('replay (each judges its property alone):', ...replays, '');
  out.push(closing(outcomes));
  return out.join('\n') + '\n';
}

function closing(outcomes: readonly BugOutcome[]): string {
  const n = (s: BugOutcome['state']) => outcomes.filter((o) => o.state === s).length;
  const parts = [`${n('reproduced')} reproduced`, `${n('not-reproduced')} not reproduced`];
  if (n('error') > 0) parts.push(`${n('error')} broken`);
  if (n('pending') > 0) parts.push(`${n('pending')} pending (${outcomes.filter((o) => o.state === 'pending').map((o) => o.id).join(', ')})`);
  if (n('waiting') > 0) parts.push(`${n('waiting')} waiting (${outcomes.filter((o) => o.state === 'waiting').map((o) => o.id).join(', ')})`);
  if (n('cost') > 0) parts.push(`${n('cost')} cost (${outcomes.filter((o) => o.state === 'cost').map((o) => o.id).join(', ')})`);
  const ok = n('not-reproduced') === 0 && n('error') === 0;
  return `${outcomes.length} entries: ${parts.join(', ')} => ${ok ? 'PASS' : 'FAIL'}`;
}

export function bugCheckToJson(outcomes: readonly BugOutcome[]): Record<string, unknown> {
  return {
    verdict: outcomes.every((o) => o.state !== 'not-reproduced' && o.state !== 'error') ? 'pass' : 'fail',
    bugs: outcomes.map((o) => ({
      id: o.id,
      state: o.state,
      ...(o.problem ? { problem: o.problem } : {}),
      ...(o.cost ? { cost: costJson(o.cost) } : {}),
      reproductions: o.reproductions.map((r) => ({
        scenario: r.scenario,
        ok: r.ok,
        buggy: r.buggy.map((b) => ({
          variant: b.variant,
          verdict: b.verdict,
          states: b.states,
          findings: b.findings.map((f) => ({ property: f.property, ...(f.steps !== undefined ? { steps: f.steps, replay: f.replay } : {}), replays: f.replays })),
          alsoViolated: [...b.alsoViolated],
        })),
        fixed: { ...r.fixed },
      })),
    })),
  };
}
