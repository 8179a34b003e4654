import { scimProject } from '../../configs/vitest.shared.ts';

export default scimProject('@scim/docs-tests', { testTimeout: 120_000, hookTimeout: 600_000 });
