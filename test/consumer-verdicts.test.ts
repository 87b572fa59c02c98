/**
 * test/consumer-verdicts.json (catalogue RX scenarios with ulogd2's and nurs's loops):
 * every entry is recomputed with src/check/bfs.ts as recorded, and must match field for
 * field, as test/verdicts.test.ts does for the catalogue itself.
 */
import { describe, expect, test } from 'vitest';
import { CONSUMER_VERDICTS_FILE, consumerPairs, readVerdicts, runEntry } from './oracle/verdicts.js';

const file = readVerdicts(CONSUMER_VERDICTS_FILE);

test('the file has one entry per RX scenario, consumer loop and compared variant, in order', () => {
  expect(file.entries.map((e) => ({ variant: e.variant, scenario: e.scenario }))).toEqual(consumerPairs());
});

describe('bfs recomputes the recorded entry', () => {
  for (const e of file.entries) {
    test(`${e.variant} ${e.scenario}`, () => {
      expect(e.exhaustive).toBe(true);
      expect(runEntry(e.variant, e.scenario, e.mode, e.maxStates)).toEqual(e);
    });
  }
});
