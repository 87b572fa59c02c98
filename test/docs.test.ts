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
