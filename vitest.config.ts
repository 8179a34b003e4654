import { defineConfig } from 'vitest/config';

// `./dev test` runs every package's tests in one vitest process, with one summary.
export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'templates/*',
      // The demo that `./dev start` runs (scripts/demo.ts), end to end.
      {
        test: { name: 'demo', include: ['scripts/**/*.test.ts'], environment: 'node', testTimeout: 120_000 },
      },
    ],
  },
});
