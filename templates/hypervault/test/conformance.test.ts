// The Entra conformance kit (@scim/entra-mock/vitest) against Hypervault's connector: Entra's
// standard lifecycle (Test Connection, create, update, rename, disable and re-enable, delete, a 429
// storm) sent with Hypervault's mappings (entra/mapping.json), in both of Entra's SCIM dialects.
// Each scenario gets a fresh connector, tenant and provisioning job.
import { describeEntraConformance, readEntraMapping } from '@scim/entra-mock/vitest';
import { issueToken, memoryStore } from '@scim/server';
import { memoryHypervaultApp } from '../src/app.ts';
import { createConnector } from '../src/connector.ts';

const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));

describeEntraConformance('Hypervault: the Entra conformance kit', {
  connector: async () => {
    const store = memoryStore();
    const handler = createConnector({ store, app: memoryHypervaultApp() });
    const { token } = await issueToken(store.tokens, 'default', { label: 'Entra provisioning' });
    return {
      tenantUrl: 'https://hypervault.example/scim/v2',
      secretToken: token,
      fetch: handler,
      close: () => store.close(),
    };
  },
  userMappings: mapping.users,
  // Hypervault's guide provisions users only: the group scenario does not run.
  provisionGroups: false,
});
