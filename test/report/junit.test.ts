import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import type { CheckResult } from '../../src/check/result.js';
import { formatJunit, xmlEscape } from '../../src/report/junit.js';
import { toyTarget } from '../fixtures/toy.js';

interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

const decode = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);

/** A rough XML parser: enough to prove the output is well-formed and to read it back. */
function parseXml(xml: string): El {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const body = xml.slice(xml.indexOf('\n') + 1);
  const root: El = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  const token = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = token.exec(body))) {
    consumed = token.lastIndex;
    const [, close, name, attrText, selfClose, text] = m;
    const top = stack[stack.length - 1];
    if (text !== undefined) {
      // Text may only hold entities we know, and no raw '&'.
      expect(text).not.toMatch(/&(?!(lt|gt|quot|apos|amp);)/);
      top.text += decode(text);
    } else if (close) {
      expect(top.name).toBe(name);
      stack.pop();
    } else {
      const attrs: Record<string, string> = {};
      for (const a of attrText.matchAll(/([\w.-]+)="([^"]*)"/g)) {
        expect(a[2]).not.toMatch(/&(?!(lt|gt|quot|apos|amp);)/);
        expect(attrs).not.toHaveProperty(a[1]);
        attrs[a[1]] = decode(a[2]);
      }
      const el: El = { name, attrs, children: [], text: '' };
      top.children.push(el);
      if (!selfClose) stack.push(el);
    }
  }
  expect(consumed).toBe(body.length); // nothing the tokenizer could not read
  expect(stack).toHaveLength(1); // every element closed
  expect(root.children.filter((c) => c.name !== '#text')).toHaveLength(1);
  return root.children[0];
}

const cases = (suite: El) => suite.children.filter((c) => c.name === 'testcase');

describe('junit report', () => {
  const pass = bfs(toyTarget({ bug: null }));
  const fail = bfs(toyTarget({ bug: [3, 2] }));
  const vacuous = bfs(toyTarget({ bug: null, witnesses: ['x-max', 'never', 'y-max'] }));
  const incomplete = bfs(toyTarget({ bug: null }), { maxStates: 3 });
  const rename = (r: CheckResult, scenario: string): CheckResult => ({ ...r, scenario });

  it('is well-formed, with one testsuite per (variant, scenario) and one testcase per invariant and witness', () => {
    const results = [rename(pass, 'pass'), rename(fail, 'fail'), rename(vacuous, 'vacuous'), rename(incomplete, 'incomplete')];
    const root = parseXml(formatJunit(results));
    expect(root.name).toBe('testsuites');
    expect(root.children.map((s) => s.attrs.name)).toEqual(['nlring.toy-v1.pass', 'nlring.toy-v1.fail', 'nlring.toy-v1.vacuous', 'nlring.toy-v1.incomplete']);
    for (const suite of root.children) for (const c of cases(suite)) expect(c.attrs.classname).toBe(suite.attrs.name);
    for (const [suite, r] of root.children.map((s, i) => [s, results[i]] as const)) {
      expect(cases(suite).map((c) => c.attrs.name)).toEqual([...r.invariants, ...r.witnesses.map((w) => w.id)]);
      expect(Number(suite.attrs.tests)).toBe(cases(suite).length);
    }
    const total = (k: string) => root.children.reduce((n, s) => n + Number(s.attrs[k]), 0);
    expect(Number(root.attrs.tests)).toBe(total('tests'));
    expect(Number(root.attrs.failures)).toBe(total('failures'));
    expect(total('skipped')).toBeGreaterThan(0);
    expect(root.attrs).not.toHaveProperty('skipped'); // the JUnit schema has no such attribute on <testsuites>
    expect(root.children.map((s) => s.attrs.timestamp)).toEqual([undefined, undefined, undefined, undefined]); // deterministic
    const stamped = parseXml(formatJunit(results, { timestamp: '2026-01-02T03:04:05Z' }));
    expect(stamped.children.map((s) => s.attrs.timestamp)).toEqual(Array(4).fill('2026-01-02T03:04:05Z'));
  });

  it('puts the explanation of the violating state in the failure, when the property gives one', () => {
    const explained = { ...fail, violation: { ...fail.violation!, explanation: 'x is 3 and y is 2, the planted pair' } };
    const failure = cases(parseXml(formatJunit([explained])).children[0])[1].children[0];
    expect(failure.text.split('\n').slice(0, 3)).toEqual([fail.violation!.doc, fail.violation!.message, 'x is 3 and y is 2, the planted pair']);
  });

  it('fails the violated invariant with the counterexample and replay line, and does not claim the rest', () => {
    const suite = parseXml(formatJunit([fail])).children[0];
    const [bounded, noBug, xMax] = cases(suite);
    const failure = noBug.children.find((c) => c.name === 'failure')!;
    expect(failure.attrs.type).toBe('always');
    expect(failure.text).toContain('The pair never equals the planted bug <a & "b">.'); // escaped, read back intact
    expect(failure.text).toContain('  5. toy[y]: inc y');
    expect(failure.text.trimEnd().split('\n').at(-1)).toBe(`replay: ${fail.replay}`);
    expect(bounded.children.map((c) => c.name)).toEqual(['skipped']);
    expect(xMax.children).toEqual([]); // reached: a witness is proved by reaching it
  });

  it('fails every missed witness of a complete run, and passes the invariants', () => {
    const twoMissed = { ...vacuous, witnesses: [...vacuous.witnesses, { id: 'ALSO-MISSED', reached: false }] };
    const suite = parseXml(formatJunit([twoMissed])).children[0];
    const outcome = (c: El) => c.children[0]?.name ?? 'pass';
    // BOUNDED, NO-BUG, X-MAX, NEVER (the violation), Y-MAX, ALSO-MISSED
    expect(cases(suite).map(outcome)).toEqual(['pass', 'pass', 'pass', 'failure', 'pass', 'failure']);
  });

  it('skips, never passes, invariants of an incomplete run', () => {
    const suite = parseXml(formatJunit([incomplete])).children[0];
    expect(cases(suite).slice(0, 2).map((c) => c.children[0]?.name)).toEqual(['skipped', 'skipped']);
    expect(cases(suite)[0].children[0].attrs.message).toMatch(/state budget/);
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    const weird = rename(fail, `a<b>&"c"'d\u0001e\uD800`);
    const suite = parseXml(formatJunit([weird])).children[0];
    expect(suite.attrs.name).toBe(`nlring.toy-v1.a<b>&"c"'d\uFFFDe\uFFFD`);
    expect(xmlEscape('<&>"\'')).toBe('&lt;&amp;&gt;&quot;&apos;');
    expect(xmlEscape('tab\tnl\ncr\r😀')).toBe('tab\tnl\ncr\r😀');
  });
});
