import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Variant and scenario files import from 'nlring'; under vitest that is this
  // source tree (the same modules the tests use), as the CLI's module hooks make it the running package.
  resolve: { alias: [{ find: /^nlring$/, replacement: new URL('./src/index.ts', import.meta.url).pathname }] },
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI tests run the built bin: build dist/ once, before any test file starts.
    globalSetup: ['./test/global-build.ts'],
    // Exhaustive checks of whole scenarios take seconds, not milliseconds.
    testTimeout: 120_000,
    pool: 'forks',
  },
});
