// Stryker over the spec (src/model) and its properties (src/props): `npm run mutate`.
// Not part of `npm test` nor of CI (.ci/run): it reruns the fast unit tests once per mutant.
// bench/MUTATION.md is made from the JSON report by scripts/mutation-report.mjs.
// Stryker writes its incremental file from the files of the current run only, so a run on a
// few files (`npx stryker run --mutate FILE`) would empty the committed one of every other
// file's results: such a run keeps its own file under reports/ instead.
const withStatic = process.env.NLRING_MUTATE_STATIC === '1';
const subset = process.argv.some((a) => a === '--mutate' || a === '-m' || a.startsWith('--mutate='));

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ['src/model/**/*.ts', 'src/props/**/*.ts'],
  testRunner: 'vitest',
  // Only the model and property unit tests (see that file for what is left out and why).
  vitest: { configFile: 'vitest.mutate.config.ts' },
  // Each mutant runs only the tests that executed its code.
  coverageAnalysis: 'perTest',
  // Reuse the results of mutants whose code and covering tests did not change (a survivor is
  // tested again when a new test covers it). The file is committed, so a fresh clone and the
  // next session start from the last run instead of from nothing.
  incremental: true,
  incrementalFile: subset ? 'reports/mutation/stryker-incremental.subset.json' : 'bench/stryker-incremental.json',
  // A "static" mutant changes code that runs when a module is loaded: a step's citation, a
  // knob value in a variant, a property's text, a constant table. Stryker can test one only
  // by reloading every module and running every test, which costs about 30 s a mutant here
  // (1084 of them: 4.5 hours at concurrency 2), against about a second for the others. So
  // the default run ignores them, and bench/MUTATION.md counts them apart; the golden
  // listing (test/model/texts.listing.test.ts) and test/verdicts.json compare all of that
  // text and every variant's verdicts in full. NLRING_MUTATE_STATIC=1 tests them too.
  ignoreStatic: !withStatic,
  // The machine has 2 cores shared with other work: one or two test processes at most.
  concurrency: 2,
  reporters: ['json', 'progress', 'clear-text'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, reportTests: false, reportMutants: false },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
