import { defineConfig } from 'vitest/config';

// The fast unit-test project that `npm run mutate` (Stryker) runs against each mutant:
// only the model and property unit tests, which build states by hand and take milliseconds.
// Left out: the engine, agreement, CLI, package and report suites (they run whole scenarios
// or the built bin, seconds each), and two slow model files: reference.test.ts (exhaustive
// checks of every catalogue scenario, about 10 s) and spec.properties.test.ts (fast-check
// random walks over whole scenarios, about 8 s, with a new seed on every run, so a mutant
// could be killed on one run and survive the next).
// No globalSetup: nothing here runs dist/, so mutation runs need no build.
export default defineConfig({
  // Same alias as vitest.config.ts: variant and scenario files import from 'nlring'.
  resolve: { alias: [{ find: /^nlring$/, replacement: new URL('./src/index.ts', import.meta.url).pathname }] },
  test: {
    include: ['test/model/**/*.test.ts', 'test/props/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/model/reference.test.ts', 'test/model/spec.properties.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
