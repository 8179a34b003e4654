// The Entra conformance kit (@scim/entra-mock/vitest) against Hoxhunt's connector: Entra's standard
// lifecycle (Test Connection, create, update, rename, disable and re-enable, delete, a 429 storm)
// sent with Hoxhunt's mappings (entra/mapping.json), in both of Entra's SCIM dialects. Each scenario
// gets a fresh connector, tenant and provisioning job.
import { describeEntraConformance, readEntraMapping } from '@scim/entra-mock/vitest';
import { issueToken, memoryStore } from '@scim/server';
import { memoryHoxhuntApp } from '../src/app.ts';
import { createConnector } from '../src/connector.ts';

const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));

describeEntraConformance('Hoxhunt: the Entra conformance kit', {
  connector: async () => {
    const store = memoryStore();
    const handler = createConnector({ store, app: memoryHoxhuntApp() });
    const { token } = await issueToken(store.tokens, 'default', { label: 'Entra provisioning' });
    return {
      tenantUrl: 'https://hoxhunt.example/scim/v2',
      secretToken: token,
      fetch: handler,
      close: () => store.close(),
    };
  },
  userMappings: mapping.users,
  // Hoxhunt's guide: users assigned only with the Default Access role are not provisioned. The kit
  // assigns another role, so every scenario runs as Hoxhunt's job is configured.
  skipDefaultAccessRole: true,
  // Hoxhunt's guide provisions users (assigned directly or through groups), never groups themselves.
  provisionGroups: false,
});
