/**
 * Every property and witness has its clause tests in this directory: a new
 * property without them fails here, so the clause tests cannot silently fall
 * behind src/props.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROPERTIES } from '../../src/props/index.js';
import { W } from '../../src/props/witnesses.js';

const dir = new URL('.', import.meta.url).pathname;
const sources = readdirSync(dir)
  .filter((f) => f.endsWith('.test.ts') && f !== 'coverage.test.ts')
  .map((f) => readFileSync(dir + f, 'utf8'))
  .join('\n');

describe('clause tests exist for every property', () => {
  it.each(PROPERTIES.map((p) => p.id))('%s has a describe block named after it', (id) => {
    expect(sources.includes(`describe('${id}: `), `no describe('${id}: ...') in test/props`).toBe(true);
  });

  it.each(Object.values(W).map((w) => w.id))('witness %s is tested', (id) => {
    const named = sources.includes(id) || Object.entries(W).some(([k, w]) => w.id === id && sources.includes(`W.${k}.id`));
    expect(named, `witness ${id} has no test in test/props`).toBe(true);
  });
});
