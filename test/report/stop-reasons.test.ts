/**
 * Every report names the reason a run really stopped, from the one table in
 * result.ts (issue 8: the summary and JUnit said "state budget reached" for a run
 * that the memory ceiling had stopped).
 */
import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { STOP_REASONS, stopPhrase, type CheckResult, type StopReason } from '../../src/check/result.js';
import { formatJunit } from '../../src/report/junit.js';
import { formatSummary, summaryJson } from '../../src/report/summary.js';
import { formatText } from '../../src/report/text.js';
import { buildTarget } from '../../src/catalog.js';
import { toyTarget } from '../fixtures/toy.js';

/** One real run stopped by each reason (the memory one: any JS heap exceeds 1 MiB at the first check; bitstate: ran out of states to explore). */
const stopped: Record<StopReason, CheckResult> = {
  'max-states': bfs(toyTarget({ bug: null }), { maxStates: 5 }),
  'max-depth': bfs(toyTarget({ bug: null }), { maxDepth: 2 }),
  'time-budget': bfs(toyTarget({ bug: null }), { timeBudgetSeconds: 0 }),
  memory: bfs(buildTarget('linux-4.5', 'poll'), { maxMemoryMiB: 1 }),
  interrupted: bfs(toyTarget({ bug: null }), { interrupted: () => true }),
  // Not a budget: a bitstate search that ends without a violation has proved nothing either.
  bitstate: bfs(toyTarget({ bug: null }), { bitstate: 20 }),
};
const reasons = Object.keys(STOP_REASONS) as StopReason[];

/** The message of every <skipped> element of a JUnit report. */
const skippedMessages = (xml: string) => [...xml.matchAll(/<skipped message="([^"]*)"\/>/g)].map((m) => m[1]);

describe('stop reasons in reports', () => {
  it('has a distinct phrase for each reason, and the runs really stopped by them', () => {
    expect(new Set(Object.values(STOP_REASONS)).size).toBe(reasons.length);
    for (const why of reasons) {
      expect(stopped[why].verdict, why).toBe('incomplete');
      expect(stopped[why].stats?.stoppedBy, why).toBe(why);
    }
  });

  it.each(reasons)('summary text and JSON say why a run stopped by %s stopped', (why) => {
    const r = stopped[why];
    const row = formatSummary([r]).split('\n')[2];
    expect(row).toMatch(new RegExp(`^INCOMPLETE\\s.*\\s${STOP_REASONS[why]}$`));
    for (const other of reasons.filter((o) => o !== why)) expect(row).not.toContain(STOP_REASONS[other]);
    const json = summaryJson([r]).results as { detail: string; stats: { stoppedBy: string } }[];
    expect(json[0].detail).toBe(STOP_REASONS[why]);
    expect(json[0].stats.stoppedBy).toBe(why);
  });

  it.each(reasons)('JUnit skips the unproved cases of a run stopped by %s with that reason', (why) => {
    const r = stopped[why];
    const messages = skippedMessages(formatJunit([r]));
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) expect(m).toBe(`not proved: ${STOP_REASONS[why]} after ${r.states} states`);
  });

  it.each(reasons)('the text report of a run stopped by %s uses the same phrase', (why) => {
    expect(formatText(stopped[why])).toContain(`incomplete: ${STOP_REASONS[why]} after ${stopped[why].states} distinct states`);
  });

  it('says that a failing --all-violations run was then stopped, and why the rest is unproved', () => {
    const r = bfs(toyTarget({ bug: [3, 2] }), { allViolations: true, maxStates: 20 });
    expect([r.verdict, r.complete, r.stats?.stoppedBy]).toEqual(['fail', false, 'max-states']);
    expect(formatSummary([r]).split('\n')[2]).toMatch(/NO-BUG after 5 steps; then state budget reached$/);
    expect((summaryJson([r]).results as { detail: string }[])[0].detail).toBe('NO-BUG after 5 steps; then state budget reached');
    const xml = formatJunit([r]);
    expect(xml).toContain('<testcase name="BOUNDED" classname="nlring.toy-v1.counters">\n      <skipped message="not proved: state budget reached after 20 states"/>');
    expect(xml).toMatch(/<testcase name="NO-BUG"[^>]*>\n\s*<failure /);
    expect(formatText(r)).toContain('exploration stopped: state budget reached after 20 distinct states');
  });

  it('keeps the skipped reason of a failing run that no budget stopped', () => {
    const first = bfs(toyTarget({ bug: [3, 2] }));
    expect(skippedMessages(formatJunit([first]))).toContain('not settled: the search stopped at the first violation (NO-BUG)');
    expect(formatSummary([first])).not.toContain('then');
  });

  it('passes on an unknown reason from a report read back as it is, and guesses none when there is none', () => {
    expect(stopPhrase('max-walks')).toBe('max-walks');
    expect(stopPhrase('toString')).toBe('toString');
    expect(stopPhrase(undefined)).not.toMatch(/budget|ceiling/);
    const unknown = { ...stopped['max-states'], stats: { ...stopped['max-states'].stats!, stoppedBy: undefined } };
    expect(formatSummary([unknown]).split('\n')[2]).not.toContain('state budget');
    expect(skippedMessages(formatJunit([unknown]))[0]).not.toContain('state budget');
  });
});
