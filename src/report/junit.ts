/**
 * JUnit XML for CI (`check --junit FILE`, `check-all --junit FILE`, `check-all --out DIR`):
 * one <testsuite> per run, that is per (variant, scenario), named like its test cases'
 * class `nlring.<variant>.<scenario>`; one <testcase> per invariant and per witness.
 *
 * A testcase only passes when the run proves it: an invariant after a complete
 * exploration, a witness once reached. A violated invariant, and a witness a complete
 * run never reached (a vacuous run), is a <failure> whose body has the counterexample
 * and its replay line. What a run did not settle (everything after a budget stop, the
 * other invariants after the search stopped at a violation, witnesses not yet reached
 * then) is <skipped> with the reason, never green and never an <error>, which CI
 * systems keep for a test that could not run.
 *
 * The output is valid against the JUnit schema Jenkins' xUnit plugin uses
 * (schemas/junit-10.xsd; test/report/junit-xsd.test.ts) and deterministic: times come
 * from the results, and a timestamp only when the caller passes one.
 */
import { stopPhrase, violationReplay, type CheckResult, type Violation } from '../check/result.js';

/** Escape text for XML 1.0 attributes and content; characters XML cannot carry at all become U+FFFD. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

type Outcome = { kind: 'pass' } | { kind: 'skipped'; message: string } | { kind: 'failure'; type: string; message: string; body: string };

interface Case {
  readonly name: string;
  readonly outcome: Outcome;
}

/** Why the testcases a run did not settle are skipped: the stop the result records, never a guessed one. */
function unsettledReason(r: CheckResult): string {
  const stop = r.stats?.stoppedBy;
  if (r.engine !== 'bfs' && r.verdict === 'incomplete') {
    return `not proved: ${r.engine} found no violation, which proves nothing (seed ${r.seed})${stop ? `; ${stopPhrase(stop)}` : ''}`;
  }
  if (stop || r.verdict === 'incomplete') return `not proved: ${stopPhrase(stop)} after ${r.states} states`;
  // A failing bfs run that no budget stopped: it stopped at the first violation, or
  // (--all-violations) once every invariant was violated, which leaves only witnesses open.
  return r.violations ? 'not settled: the search stopped once every invariant was violated' : `not settled: the search stopped at the first violation (${r.violation?.property})`;
}

function casesOf(r: CheckResult): Case[] {
  const v = r.violation;
  const unsettled = unsettledReason(r);
  const failure = (x: Violation, replay: string): Outcome => ({
    kind: 'failure',
    type: x.kind,
    message: `${x.property}: ${x.message}`,
    body: [x.doc, x.message, ...(x.explanation ? [x.explanation] : []), ...x.steps.map((s, i) => `  ${i + 1}. ${s}`), `replay: ${replay}`].join('\n'),
  });
  // --all-violations: every violated invariant fails, each with the command that replays its own counterexample.
  const violated = new Map((r.violations ?? []).map((x, i) => [x.property, failure(x, violationReplay(r, i))]));

  const invariants = r.invariants.map((id): Case => {
    if (v?.kind === 'always' && v.property === id) return { name: id, outcome: failure(v, r.replay) };
    const other = violated.get(id);
    if (other) return { name: id, outcome: other };
    return { name: id, outcome: r.complete ? { kind: 'pass' } : { kind: 'skipped', message: unsettled } };
  });
  const witnesses = r.witnesses.map((w): Case => {
    if (w.reached) return { name: w.id, outcome: { kind: 'pass' } };
    if (v?.kind === 'sometimes' && v.property === w.id) return { name: w.id, outcome: failure(v, r.replay) };
    if (r.complete) {
      // A complete run that misses several witnesses names only the first as its violation; the others failed too.
      return {
        name: w.id,
        outcome: { kind: 'failure', type: 'sometimes', message: `${w.id}: never reached in a complete run`, body: `replay: ${r.replay}` },
      };
    }
    return { name: w.id, outcome: { kind: 'skipped', message: unsettled } };
  });
  return [...invariants, ...witnesses];
}

export interface JunitOptions {
  /** ISO 8601 time to put on every <testsuite> (none by default, so the same run gives the same file). */
  readonly timestamp?: string;
}

export function formatJunit(results: readonly CheckResult[], options: JunitOptions = {}): string {
  const a = (name: string, value: string | number) => ` ${name}="${xmlEscape(String(value))}"`;
  const count = (cs: Case[], kind: Outcome['kind']) => cs.filter((c) => c.outcome.kind === kind).length;
  const suites = results.map((r) => ({ r, cases: casesOf(r) }));
  const all = suites.flatMap((s) => s.cases);
  const totalTime = results.reduce((t, r) => t + r.seconds, 0);

  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  // The schema has no `skipped` on <testsuites>: the suites carry it.
  out.push(`<testsuites${a('name', 'nlring')}${a('tests', all.length)}${a('failures', count(all, 'failure'))}${a('errors', 0)}${a('time', totalTime.toFixed(3))}>`);
  for (const { r, cases } of suites) {
    out.push(
      `  <testsuite${a('name', `nlring.${r.variant}.${r.scenario}`)}${a('tests', cases.length)}${a('failures', count(cases, 'failure'))}${a('errors', 0)}` +
        `${a('skipped', count(cases, 'skipped'))}${a('time', r.seconds.toFixed(3))}${options.timestamp !== undefined ? a('timestamp', options.timestamp) : ''}>`,
    );
    out.push('    <properties>');
    for (const [name, value] of [['variant', r.variant], ['engine', r.engine], ['verdict', r.verdict], ['states', r.states], ['transitions', r.transitions], ['replay', r.replay]] as const) {
      out.push(`      <property${a('name', name)}${a('value', value)}/>`);
    }
    out.push('    </properties>');
    const classname = `nlring.${r.variant}.${r.scenario}`;
    for (const c of cases) {
      const open = `    <testcase${a('name', c.name)}${a('classname', classname)}`;
      const o = c.outcome;
      if (o.kind === 'pass') out.push(`${open}/>`);
      else if (o.kind === 'skipped') out.push(`${open}>`, `      <skipped${a('message', o.message)}/>`, '    </testcase>');
      else out.push(`${open}>`, `      <failure${a('message', o.message)}${a('type', o.type)}>${xmlEscape(o.body)}</failure>`, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
