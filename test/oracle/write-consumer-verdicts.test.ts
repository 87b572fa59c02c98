/**
 * Regenerates test/consumer-verdicts.json: `UPDATE_CONSUMER_VERDICTS=1 npx vitest run
 * test/oracle/write-consumer-verdicts.test.ts`. Skipped otherwise. Every entry is an
 * exhaustive bfs --all-violations run (the scenarios are chosen small enough); a run
 * that is not is refused rather than recorded, so the README's consumer tables never
 * show a partial answer.
 */
import { test } from 'vitest';
import { CONSUMER_VERDICTS_FILE, consumerPairs, runEntry, writeVerdicts } from './verdicts.js';

const BUDGET = 2_000_000;

const ABOUT =
  'Reviewed verdicts of src/check/bfs.ts --all-violations for catalogue RX scenarios run with other consumers’ loops (<scenario>@<style>, issue 10), ' +
  'on linux-4.5 and the reference design; the documentation loop’s entries are in verdicts.json. Same fields as verdicts.json. ' +
  'test/consumer-verdicts.test.ts recomputes every entry. Regenerate with UPDATE_CONSUMER_VERDICTS=1 npx vitest run test/oracle/write-consumer-verdicts.test.ts.';

test.skipIf(!process.env.UPDATE_CONSUMER_VERDICTS)('write test/consumer-verdicts.json', () => {
  const entries = consumerPairs().map(({ variant, scenario }) => {
    const e = runEntry(variant, scenario, 'all-violations', BUDGET);
    if (!e.exhaustive) throw new Error(`${variant} ${scenario} is not exhaustive under ${BUDGET} states: choose smaller scenarios`);
    return e;
  });
  writeVerdicts({ about: ABOUT, entries }, CONSUMER_VERDICTS_FILE);
}, 1_800_000);
