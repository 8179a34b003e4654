import { defineConfig } from 'vitest/config';

// The export conditions the libraries resolve with (Vite's defaults for Node).
const conditions = ['module', 'node', 'development|production'];
conditions.unshift('@scim/source'); // sdk-repository-only: test against the SDK's sources, no build

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
