/**
 * The property modules load and build one entry per property. Imported inside
 * the test, not at the top of the file: a property constructor that builds
 * nothing then fails this test instead of failing every test file at import,
 * which a mutation tool does not count as a failing test.
 */
import { expect, it } from 'vitest';

it('src/props/index.ts and witnesses.ts load, and every entry is a property with an id, a kind and a predicate', async () => {
  const { PROPERTIES } = await import('../../src/props/index.js');
  const { W } = await import('../../src/props/witnesses.js');
  const entries = [...PROPERTIES, ...Object.values(W)];
  expect(entries.length).toBe(PROPERTIES.length + Object.keys(W).length);
  for (const p of entries) {
    expect(typeof p).toBe('object');
    expect(typeof p?.id).toBe('string');
    expect(['always', 'sometimes']).toContain(p?.kind);
    expect(typeof p?.holds).toBe('function');
  }
});
