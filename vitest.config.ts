import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Exhaustive checks of whole scenarios take seconds, not milliseconds.
    testTimeout: 120_000,
    pool: 'forks',
  },
});
