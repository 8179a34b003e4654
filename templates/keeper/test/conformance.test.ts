// The Entra conformance kit (@scim/entra-mock/vitest) against Keeper's connector: Entra's standard
// lifecycle (Test Connection, create, update, rename, disable and re-enable, delete, a team's
// lifecycle, a 429 storm) sent with Keeper's mappings (entra/mapping.json) to one node's Tenant URL,
// in both of Entra's SCIM dialects. Each scenario gets a fresh connector, tenant and provisioning job.
import { describeEntraConformance, readEntraMapping } from '@scim/entra-mock/vitest';
import { issueToken, memoryStore } from '@scim/server';
import { memoryKeeperApp } from '../src/app.ts';
import { createConnector } from '../src/connector.ts';

const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));

describeEntraConformance('Keeper: the Entra conformance kit', {
  connector: async () => {
    const store = memoryStore();
    const handler = createConnector({ store, app: memoryKeeperApp() });
    // Another node's token exists: the kit's wrong token must still be refused.
    await issueToken(store.tokens, 'sales', { label: 'Entra provisioning' });
    const { token } = await issueToken(store.tokens, 'engineering', { label: 'Entra provisioning' });
    return {
      tenantUrl: 'https://keeper.example/scim/engineering',
      secretToken: token,
      fetch: handler,
      close: () => store.close(),
    };
  },
  userMappings: mapping.users,
  groupMappings: mapping.groups!,
  // Keeper never deletes users: a hard delete in the tenant leaves the user disabled (locked), which
  // the hard-delete scenario checks instead of a 404.
  userDeleteMode: 'disable',
});
