import { scimProject } from '../../configs/vitest.shared.ts';

export default scimProject('@scim/conformance', { testTimeout: 120_000 });
