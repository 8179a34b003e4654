import { scimProject } from '../../configs/vitest.shared.ts';

export default scimProject('@scim/packaging-tests', { testTimeout: 300_000, hookTimeout: 300_000 });
