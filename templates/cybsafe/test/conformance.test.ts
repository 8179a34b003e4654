// The Entra conformance kit (@scim/entra-mock/vitest) against CybSafe's connector: Entra's standard
// lifecycle (Test Connection, create, update, rename, disable and re-enable, delete, a group's
// lifecycle with its memberships, a 429 storm) sent with CybSafe's mappings (entra/mapping.json), in
// both of Entra's SCIM dialects. Each scenario gets a fresh connector, tenant and provisioning job.
import { describeEntraConformance, readEntraMapping } from '@scim/entra-mock/vitest';
import { issueToken, memoryStore } from '@scim/server';
import { memoryCybSafeApp } from '../src/app.ts';
import { createConnector } from '../src/connector.ts';

const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));

describeEntraConformance('CybSafe: the Entra conformance kit', {
  connector: async () => {
    const store = memoryStore();
    const handler = createConnector({ store, app: memoryCybSafeApp() });
    const { token } = await issueToken(store.tokens, 'default', { label: 'Generated in Settings' });
    return {
      // The Tenant URL of CybSafe's guide, with its trailing slash.
      tenantUrl: 'https://cybsafe.example/scim/v2/',
      secretToken: token,
      fetch: handler,
      close: () => store.close(),
    };
  },
  userMappings: mapping.users,
  groupMappings: mapping.groups!,
});
