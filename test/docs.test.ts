/**
 * The docs match the code: every knob, value, shipped variant and override
 * label is described in docs/variants.md, and no document points outside the
 * repository (a clone or an installed package has no ../shared/).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KNOB_VALUES } from '../src/model/variant.js';
import { VARIANTS } from '../src/model/variants/index.js';

const read = (p: string) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8');
const variantsDoc = read('docs/variants.md');

describe('docs/variants.md', () => {
  it('describes every knob and every value it can take', () => {
    for (const [knob, values] of Object.entries(KNOB_VALUES)) {
      const row = variantsDoc.split('\n').find((l) => l.startsWith(`| \`${knob}\` |`));
      expect(row, knob).toBeDefined();
      for (const v of values) expect(row, `${knob}=${String(v)}`).toContain(`\`${String(v)}\``);
    }
  });

  it('lists every shipped variant and every label a shipped variant overrides or adds', () => {
    for (const v of VARIANTS) {
      expect(variantsDoc, v.id).toContain(`| \`${v.id}\` |`);
      for (const label of [...Object.keys(v.overrides ?? {}), ...Object.keys(v.steps ?? {}), ...Object.keys(v.continuations ?? {})]) {
        expect(variantsDoc, `${v.id} ${label}`).toContain(`\`${label}\``);
      }
    }
  });
});

describe('the docs stand on their own', () => {
  it('README, docs/ and examples/ never point into ../shared', () => {
    const files = ['README.md', ...readdirSync(new URL('../docs', import.meta.url)).map((f) => `docs/${f}`), 'examples/README.md'];
    for (const f of files) expect(read(f), f).not.toMatch(/\.\.\/shared/);
  });
});

describe('README findings', () => {
  it('the table of every violation on linux-3.10 and linux-4.5 is the one test/verdicts.json gives (scripts/findings-table.mjs)', async () => {
    // @ts-expect-error a plain .mjs script without type declarations
    const { findingsTable } = (await import('../scripts/findings-table.mjs')) as { findingsTable: (v: unknown) => string[] };
    const readme = read('README.md');
    const m = /<!-- findings-table -->\n([\s\S]*?)\n<!-- \/findings-table -->/.exec(readme);
    expect(m, 'README has a findings table between its markers').not.toBeNull();
    const want = findingsTable(JSON.parse(read('test/verdicts.json')));
    expect(m![1].split('\n')).toEqual(want);
    // Every catalogue scenario has a row, so a new scenario cannot be left out.
    expect(want.length).toBe(2 + new Set((JSON.parse(read('test/verdicts.json')) as { entries: { scenario: string }[] }).entries.map((e) => e.scenario)).size);
  });
});
