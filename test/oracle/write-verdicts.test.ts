/**
 * Regenerates test/verdicts.json: `UPDATE_VERDICTS=1 npx vitest run test/oracle/write-verdicts.test.ts`.
 * Skipped otherwise, so `npm test` never rewrites the reviewed file. Commit a
 * change to the file with a one-line reason per change in the commit message.
 *
 * Each pair is first run with --all-violations under ALL_BUDGET states; a pair
 * whose space is larger than that (with every violation explored) is recorded as
 * `nlring check` runs it, stopping at the first violation, under FIRST_BUDGET;
 * and if even that finds nothing, its entry is the incomplete run under
 * SMALL_BUDGET, which the test can afford to recompute.
 *
 * VERDICTS_ONLY=s1,s2 recomputes only the entries of those scenarios (a new or
 * changed one) and keeps every other entry as the file has it.
 */
import { test } from 'vitest';
import { allPairs, readVerdicts, runEntry, writeVerdicts, type Entry } from './verdicts.js';

const ALL_BUDGET = 2_000_000;
const FIRST_BUDGET = 5_000_000;
const SMALL_BUDGET = 500_000;

const ABOUT =
  'Reviewed verdicts of src/check/bfs.ts for every shipped variant and catalogue scenario (issue 9). ' +
  'mode all-violations: bfs --all-violations, violations = every violated invariant -> its shortest counterexample length; ' +
  'mode first-violation: bfs stopping at the first violation, as nlring check runs it (used where the space with every violation is over ' +
  `${ALL_BUDGET} states), violations = the one found. exhaustive: every reachable state was explored. ` +
  'missedWitnesses: the witnesses the run did not reach (a vacuous fail only in an exhaustive run without violations). ' +
  'test/verdicts.test.ts recomputes every entry and checks the smaller ones against the plain search of test/oracle/plain-bfs.ts. ' +
  'Regenerate with UPDATE_VERDICTS=1 npx vitest run test/oracle/write-verdicts.test.ts; a change to this file needs a one-line reason in its commit.';

test.skipIf(!process.env.UPDATE_VERDICTS)('write test/verdicts.json', () => {
  const only = process.env.VERDICTS_ONLY?.split(',');
  const kept = only ? readVerdicts().entries : [];
  const entries: Entry[] = [];
  for (const { variant, scenario } of allPairs()) {
    const old = kept.find((e) => e.variant === variant && e.scenario === scenario);
    if (only && !only.includes(scenario)) {
      if (!old) throw new Error(`no entry for ${variant} x ${scenario} to keep: add it to VERDICTS_ONLY`);
      entries.push(old);
      continue;
    }
    let e = runEntry(variant, scenario, 'all-violations', ALL_BUDGET);
    if (e.verdict === 'incomplete' || !e.exhaustive) e = runEntry(variant, scenario, 'first-violation', FIRST_BUDGET);
    if (e.verdict === 'incomplete') e = runEntry(variant, scenario, 'first-violation', SMALL_BUDGET);
    entries.push(e);
  }
  writeVerdicts({ about: ABOUT, entries });
}, 1_800_000);
