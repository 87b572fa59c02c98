// nlring.config.json: the hand-written validator (src/ci/config.ts), the JSON Schema that
// documents it (schemas/nlring.config.schema.json), and the project's own configuration.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { listProperties, listScenarios, listVariants, listWitnesses } from '../../src/catalog.js';
import { parseConfig } from '../../src/ci/config.js';
import { UsageError } from '../../src/errors.js';

const root = new URL('../../', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('schemas/nlring.config.schema.json', root), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
const known = { variants: listVariants().map((v) => v.id), scenarios: listScenarios().map((s) => s.id), properties: [...listProperties(), ...listWitnesses()].map((p) => p.id) };
const accepts = (config: unknown) => {
  try {
    parseConfig('c.json', JSON.stringify(config), known);
    return true;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return false;
  }
};

const good = {
  variants: ['linux-4.5', './patch.ts'],
  scenarios: ['poll', 'copy-hold@ulogd2'],
  engines: [{ engine: 'bfs' }, { engine: 'simulate', seed: 1, walks: 10, depth: 50, scenarios: ['poll'] }, { engine: 'pbt', runs: 5 }],
  budgets: { maxStates: 1000, maxDepth: 10, timeBudgetSeconds: 60, maxMemoryMiB: 512 },
  jobs: 2,
  out: 'reports',
  baseline: [{ variant: 'linux-4.5', scenario: 'poll', property: 'POLL-IN-AT-CURSOR', reason: 'finding 13' }],
  incomplete: [{ variant: './patch.ts', scenario: 'poll', reason: 'big' }],
};

// Each breaks one rule that both the schema and the validator state.
const broken: [string, unknown][] = [
  ['not an object', []],
  ['no variants', { scenarios: ['poll'] }],
  ['empty variants', { variants: [] }],
  ['a variant twice', { variants: ['linux-4.5', 'linux-4.5'] }],
  ['unknown top key', { ...good, budget: {} }],
  ['unknown engine', { ...good, engines: [{ engine: 'dfs' }] }],
  ['walks on bfs', { ...good, engines: [{ engine: 'bfs', walks: 2 }] }],
  ['runs on simulate', { ...good, engines: [{ engine: 'simulate', runs: 2 }] }],
  ['no engines', { ...good, engines: [] }],
  ['zero budget', { ...good, budgets: { maxStates: 0 } }],
  ['fractional budget', { ...good, budgets: { maxDepth: 1.5 } }],
  ['unknown budget', { ...good, budgets: { maxStates: 1, states: 2 } }],
  ['zero jobs', { ...good, jobs: 0 }],
  ['baseline entry without reason', { ...good, baseline: [{ variant: 'linux-4.5', scenario: 'poll', property: 'POLL-IN-AT-CURSOR' }] }],
  ['baseline entry with an extra key', { ...good, baseline: [{ ...good.baseline[0], since: '4.5' }] }],
  ['incomplete entry with a property', { ...good, incomplete: [{ ...good.incomplete[0], property: 'X' }] }],
];

describe('nlring.config.json', () => {
  it('the schema and the validator accept the same full example', () => {
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);
    expect(accepts(good)).toBe(true);
  });

  for (const [what, config] of broken) {
    it(`the schema and the validator both refuse: ${what}`, () => {
      expect(validate(config)).toBe(false);
      expect(accepts(config)).toBe(false);
    });
  }

  it('the validator also refuses names the schema cannot know: unknown ids, entries outside the config, duplicates', () => {
    for (const config of [
      { variants: ['linux-4.6'] },
      { variants: ['linux-4.5'], scenarios: ['pol'] },
      { ...good, baseline: [{ ...good.baseline[0], property: 'POLL-IN-AT-CURSR' }] },
      { ...good, baseline: [{ ...good.baseline[0], variant: 'linux-3.10' }] },
      { ...good, baseline: [{ ...good.baseline[0], scenario: 'rx-basic' }] },
      { ...good, baseline: [good.baseline[0], good.baseline[0]] },
    ]) {
      expect(validate(config)).toBe(true);
      expect(accepts(config)).toBe(false);
    }
  });

  it("the project's own configuration is valid, explains every baseline entry and accepts rx-basic's budget stops only", () => {
    const text = readFileSync(new URL('nlring.config.json', root), 'utf8');
    const config = JSON.parse(text);
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    const parsed = parseConfig('nlring.config.json', text, known);
    expect(parsed.variants).toEqual(known.variants);
    expect(parsed.baseline.length).toBeGreaterThan(0);
    for (const b of parsed.baseline) expect(b.reason).toMatch(/^(README finding \d+|docs\/bugs\.md [BD]\w+|linux-3\.10 has no)/);
    expect(new Set(parsed.incomplete.map((e) => e.scenario))).toEqual(new Set(['rx-basic']));
  });
});
