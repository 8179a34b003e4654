// The Entra conformance kit (@scim/entra-mock/vitest) against the connector: Entra's standard
// lifecycle (Test Connection, create, update, rename, disable and re-enable, delete, a group's
// lifecycle, a 429 storm) sent with the mappings of entra/mapping.json, in both of Entra's SCIM
// dialects. Each scenario gets a fresh connector, tenant and provisioning job. When your app departs
// from Entra's lifecycle (it never deletes users, say), skip the scenario with a comment naming why:
// `skip: ['hard-delete']`; `provisionGroups: false` for an app without groups.
import { describeEntraConformance, readEntraMapping } from '@scim/entra-mock/vitest';
import { issueToken, memoryStore } from '@scim/server';
import { memoryApp } from '../src/app.ts';
import { createConnector } from '../src/connector.ts';

const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));

describeEntraConformance('the connector: the Entra conformance kit', {
  connector: async () => {
    const store = memoryStore();
    const handler = createConnector({ store, app: memoryApp() });
    const { token } = await issueToken(store.tokens, 'default', { label: 'Entra provisioning' });
    return {
      tenantUrl: 'https://app.example/scim/v2',
      secretToken: token,
      fetch: handler,
      close: () => store.close(),
    };
  },
  userMappings: mapping.users,
  groupMappings: mapping.groups!,
});
