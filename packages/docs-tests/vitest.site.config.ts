import { scimProject } from '../../configs/vitest.shared.ts';

// The API reference in a real browser: run after `pnpm run docs` (./dev test's "api site" step).
export default scimProject('@scim/docs-tests (site)', {
  include: ['site/**/*.test.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
});
