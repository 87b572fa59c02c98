// Stryker over the spec (src/model) and its properties (src/props): `npm run mutate`.
// Not part of `npm test` nor of CI (.ci/run): it reruns the fast unit tests once per mutant.
// bench/MUTATION.md is made from the JSON report by scripts/mutation-report.mjs.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ['src/model/**/*.ts', 'src/props/**/*.ts'],
  testRunner: 'vitest',
  // Only the model and property unit tests (see that file for what is left out and why).
  vitest: { configFile: 'vitest.mutate.config.ts' },
  // Each mutant runs only the tests that executed its code.
  coverageAnalysis: 'perTest',
  // Reuse the results of mutants whose code and covering tests did not change. The file is
  // committed, so a fresh clone (and the next session) starts from the last full run.
  incremental: true,
  incrementalFile: 'bench/stryker-incremental.json',
  // The machine has 2 cores shared with other work: one or two test processes at most.
  concurrency: 2,
  reporters: ['json', 'progress', 'clear-text'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, reportTests: false, reportMutants: false },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
