import { defineConfig } from 'vitest/config';

// `./dev test` runs every package's tests in one vitest process, with one summary.
export default defineConfig({
  test: {
    projects: ['packages/*', 'templates/*'],
  },
});
