/**
 * The CI gate's verdict for people (text, the stdout of `nlring ci` and
 * reports/ci.txt) and for tools (the `gate` object of ci.json). Every line that
 * names a finding carries the command that shows it again.
 */
import type { Shard } from '../check/result.js';
import type { Gate } from '../ci/gate.js';

export interface GateContext {
  readonly shard: Shard | null;
  /** Jobs in the whole config, and runs judged here. */
  readonly jobs: number;
  readonly ran: number;
  /** Why the gate could not judge everything (SIGINT, missing shards): its verdict is then INCOMPLETE. */
  readonly incompleteWhy?: string;
}

function verdictOf(gate: Gate, ctx: GateContext): string {
  return ctx.incompleteWhy !== undefined && gate.verdict !== 'fail' ? 'incomplete' : gate.verdict;
}

export function gateToJson(gate: Gate, ctx: GateContext): Record<string, unknown> {
  return {
    verdict: verdictOf(gate, ctx),
    strict: gate.strict,
    ...(ctx.shard ? { shard: { index: ctx.shard.index, count: ctx.shard.count } } : {}),
    jobs: ctx.jobs,
    ran: ctx.ran,
    ...(ctx.incompleteWhy !== undefined ? { incompleteWhy: ctx.incompleteWhy } : {}),
    new: gate.new,
    fixed: gate.fixed,
    unconfirmed: gate.unconfirmed,
    accepted: gate.accepted,
    incomplete: { accepted: gate.incompleteAccepted, unaccepted: gate.incompleteUnaccepted, stale: gate.incompleteStale },
  };
}

export function formatGateText(gate: Gate, ctx: GateContext): string {
  const lines: string[] = [];
  const verdict = verdictOf(gate, ctx);
  const scope = ctx.shard ? `shard ${ctx.shard.index}/${ctx.shard.count}: ${ctx.ran} of ${ctx.jobs} runs` : `${ctx.ran} runs`;
  const count = (v: string) => gate.runs.filter((r) => r.verdict === v).length;
  lines.push(`nlring ci: ${verdict.toUpperCase()}  ${scope} (${count('pass')} pass, ${count('fail')} fail, ${count('incomplete')} incomplete)${gate.strict ? '  --strict' : ''}`);
  if (ctx.incompleteWhy !== undefined) lines.push(`incomplete: ${ctx.incompleteWhy}; the runs that did not finish are INCOMPLETE in every report`);
  lines.push(`findings: ${gate.new.length + gate.accepted.length} (${gate.accepted.length} in the baseline, ${gate.new.length} new)`);
  if (gate.new.length > 0) {
    lines.push('new findings (not in the baseline: they fail the gate):');
    for (const f of gate.new) {
      const what = f.kind === 'witness' ? 'never reached (vacuous)' : `violated after ${f.steps} step${f.steps === 1 ? '' : 's'}`;
      lines.push(`  ${f.variant} ${f.scenario} ${f.property}: ${what} (${f.engine})`);
      lines.push(`    ${f.replay}`);
    }
  }
  const entry = (e: { variant: string; scenario: string; property?: string; reason: string }) => `  ${e.variant} ${e.scenario}${e.property ? ` ${e.property}` : ''}  (${e.reason})`;
  if (gate.fixed.length > 0) {
    lines.push(`fixed: ${gate.fixed.length} baseline entr${gate.fixed.length === 1 ? 'y is' : 'ies are'} no longer found by a complete run; remove ${gate.fixed.length === 1 ? 'it' : 'them'} from the baseline${gate.strict ? ' (--strict: a failure)' : ''}:`);
    lines.push(...gate.fixed.map(entry));
  }
  if (gate.unconfirmed.length > 0) {
    lines.push(`not found again: ${gate.unconfirmed.length} baseline entr${gate.unconfirmed.length === 1 ? 'y' : 'ies'} whose run stopped at a budget first (neither found nor shown fixed)${gate.strict ? ' (--strict: a failure)' : ''}:`);
    lines.push(...gate.unconfirmed.map(entry));
  }
  if (gate.incompleteUnaccepted.length > 0) {
    lines.push('incomplete runs the config does not accept (the gate is INCOMPLETE):');
    for (const r of gate.incompleteUnaccepted) lines.push(`  ${r.variant} ${r.scenario}: ${r.stoppedBy}`);
  }
  if (gate.incompleteAccepted.length > 0) {
    lines.push('incomplete runs the config accepts (still INCOMPLETE in the reports):');
    lines.push(...gate.incompleteAccepted.map(entry));
  }
  if (gate.incompleteStale.length > 0) {
    lines.push(`accepted as incomplete but now complete: remove from "incomplete"${gate.strict ? ' (--strict: a failure)' : ''}:`);
    lines.push(...gate.incompleteStale.map(entry));
  }
  return lines.join('\n') + '\n';
}
