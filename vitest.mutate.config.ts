import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The fast unit-test project that `npm run mutate` (Stryker) runs against each mutant:
// only the model and property unit tests, which build states by hand and take milliseconds.
// Left out: the engine, agreement, CLI, package and report suites (they run whole scenarios
// or the built bin, seconds each), and two slow model files: reference.test.ts (exhaustive
// checks of every catalogue scenario, about 10 s) and spec.properties.test.ts (fast-check
// random walks over whole scenarios, about 8 s, with a new seed on every run, so a mutant
// could be killed on one run and survive the next).
// No globalSetup: nothing here runs dist/, so mutation runs need no build.

/**
 * Stryker runs one test file at a time and stops at the first failure, so order is cost.
 * The text listing (no exploration) goes first: a mutant of module-level code (a citation,
 * a knob value, a property's text: a "static" mutant, which Stryker must test against every
 * file) usually dies there at once. Then the rule and property tests (milliseconds each),
 * then the files that check whole catalogue scenarios (bugs, variant, consumer-styles,
 * caller-view: a few seconds each), and last the step-text golden, which explores every scenario on every variant
 * (about two seconds): a mutant a rule test kills never pays for the slow ones. Within a
 * rank, path order, the same on every run.
 */
const RANKS: readonly [number, RegExp][] = [
  [0, /texts\.listing\.test\.ts$/],
  [2, /test\/model\/(bugs|variant|consumer-styles)\.test\.ts$/],
  [2, /test\/props\/caller-view\.test\.ts$/],
  [3, /texts\.steps\.test\.ts$/],
];
class CheapFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification): number => RANKS.find(([, r]) => r.test(f.moduleId))?.[0] ?? 1;
    return [...files].sort((a, b) => rank(a) - rank(b) || (a.moduleId < b.moduleId ? -1 : a.moduleId > b.moduleId ? 1 : 0));
  }
}

export default defineConfig({
  // Same alias as vitest.config.ts: variant and scenario files import from 'nlring'.
  resolve: { alias: [{ find: /^nlring$/, replacement: new URL('./src/index.ts', import.meta.url).pathname }] },
  test: {
    include: ['test/model/**/*.test.ts', 'test/props/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/model/reference.test.ts', 'test/model/spec.properties.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    sequence: { sequencer: CheapFirst },
  },
});
