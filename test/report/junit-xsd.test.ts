/**
 * The JUnit output against the schema CI systems read it with: Jenkins' xUnit plugin's
 * junit-10.xsd (schemas/junit-10.xsd, where it came from is in its header), checked by
 * libxml2 itself (xmllint-wasm: libxml2 compiled to WebAssembly, no native build).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { bfs } from '../../src/check/bfs.js';
import { buildTarget } from '../../src/catalog.js';
import type { CheckResult } from '../../src/check/result.js';
import { formatJunit } from '../../src/report/junit.js';
import { toyTarget } from '../fixtures/toy.js';

const XSD = readFileSync(new URL('../../schemas/junit-10.xsd', import.meta.url), 'utf8');

async function validate(xml: string): Promise<{ valid: boolean; errors: string[] }> {
  const r = await validateXML({ xml: [{ fileName: 'junit.xml', contents: xml }], schema: [{ fileName: 'junit-10.xsd', contents: XSD }] });
  return { valid: r.valid, errors: r.errors.map((e) => e.rawMessage) };
}

describe('JUnit output against the Jenkins JUnit schema', () => {
  const rename = (r: CheckResult, scenario: string): CheckResult => ({ ...r, scenario });
  const toy = [
    rename(bfs(toyTarget({ bug: null })), 'pass'),
    rename(bfs(toyTarget({ bug: [3, 2] })), 'fail'),
    rename(bfs(toyTarget({ bug: null, witnesses: ['x-max', 'never'] })), 'vacuous'),
    rename(bfs(toyTarget({ bug: null }), { maxStates: 3 }), 'incomplete'),
    rename(bfs(toyTarget({ bug: [3, 2] }), { allViolations: true }), `all <&> "violations" \u0001`),
  ];

  it('accepts every outcome of the toy runs: pass, failure, vacuous witness, skipped, escapes', async () => {
    const xml = formatJunit(toy, { timestamp: '2026-01-02T03:04:05Z' });
    for (const kind of ['<failure ', '<skipped ', '&lt;&amp;&gt;']) expect(xml).toContain(kind);
    expect(await validate(xml)).toEqual({ valid: true, errors: [] });
  });

  it('accepts a real counterexample (linux-3.10 tx-sibling) and an empty report', async () => {
    const r = bfs(buildTarget('linux-3.10', 'tx-sibling'));
    expect(r.verdict).toBe('fail');
    const xml = formatJunit([r]);
    expect(xml).toContain('replay: nlring replay --variant linux-3.10 --scenario tx-sibling');
    expect(await validate(xml)).toEqual({ valid: true, errors: [] });
    expect((await validate(formatJunit([]))).valid).toBe(true);
  });

  it('rejects documents that break the schema, so the checks above can fail', async () => {
    const good = formatJunit(toy.slice(0, 2));
    // A suite without its required count of tests, a failure outside any testcase, an attribute the schema does not know, a time that is no time.
    const broken = [
      good.replace(/(<testsuite name="[^"]*") tests="\d+"/, '$1'),
      good.replace('</testsuite>', '<failure message="x"/></testsuite>'),
      good.replace('<testsuites name="nlring"', '<testsuites name="nlring" skipped="3"'),
      good.replace('time="', 'time="soon'),
    ];
    for (const xml of broken) {
      expect(xml).not.toBe(good);
      const r = await validate(xml);
      expect(r.valid, xml.slice(0, 300)).toBe(false);
      expect(r.errors.length).toBeGreaterThan(0);
    }
  });
});
