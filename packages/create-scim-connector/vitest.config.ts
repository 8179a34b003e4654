import { configDefaults } from 'vitest/config';
import { scimProject } from '../../configs/vitest.shared.ts';

// test/registry.test.ts (every package manager against a local registry) runs as a step of its own
// in `./dev test`, with SCIM_E2E_REGISTRY=1; the other runs leave it out rather than skip it.
const registry = process.env.SCIM_E2E_REGISTRY === '1';

export default scimProject('create-scim-connector', {
  testTimeout: 120_000,
  hookTimeout: 120_000,
  exclude: [...configDefaults.exclude, ...(registry ? [] : ['test/registry.test.ts'])],
});
