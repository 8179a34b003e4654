import { scimProject } from '../../configs/vitest.shared.ts';

export default scimProject('@scim/server');
