import { scimProject } from '../../configs/vitest.shared.ts';

export default scimProject('create-scim-connector', { testTimeout: 120_000, hookTimeout: 120_000 });
