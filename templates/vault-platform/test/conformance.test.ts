// The Entra conformance kit (@scim/entra-mock/vitest) against Vault Platform's connector: Entra's
// standard lifecycle (Test Connection, create, update, rename, disable and re-enable, delete, the
// manager, a 429 storm) sent with Vault Platform's mappings (entra/mapping.json) to one
// organization's Tenant URL, in both of Entra's SCIM dialects. Each scenario gets a fresh connector,
// tenant and provisioning job.
import { describeEntraConformance, readEntraMapping } from '@scim/entra-mock/vitest';
import { memoryStore } from '@scim/server';
import { memoryVaultPlatformApp } from '../src/app.ts';
import { createConnector } from '../src/connector.ts';
import { generateSecret, memoryOrganizationSettings, setOrganizationSecret } from '../src/organizations.ts';

const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));

describeEntraConformance('Vault Platform: the Entra conformance kit', {
  connector: async () => {
    const store = memoryStore();
    const organizations = memoryOrganizationSettings();
    const handler = createConnector({ store, organizations, app: memoryVaultPlatformApp() });
    // The organization's administrator sets its Secret and turns "active SCIM provider" on; another
    // organization has its own Secret, which the kit's wrong token must not open.
    const secret = generateSecret();
    await setOrganizationSecret(store.tokens, 'contoso', secret);
    await organizations.setScimProviderActive('contoso', true);
    await setOrganizationSecret(store.tokens, 'fabrikam', generateSecret());
    await organizations.setScimProviderActive('fabrikam', true);
    return {
      tenantUrl: 'https://app.vaultplatform.example/api/scim/contoso',
      secretToken: secret,
      fetch: handler,
      close: () => store.close(),
    };
  },
  userMappings: mapping.users,
  // Vault Platform requires title, work locality and country, employeeNumber and department: every
  // user of the kit's tenant has the directory attributes they map from (a user without them is
  // refused, as test/provisioning.test.ts proves).
  userAttributes: {
    jobTitle: 'Analyst',
    city: 'London',
    country: 'GB',
    employeeId: 'E100',
    department: 'Finance',
  },
  // Vault Platform's guide provisions users only: the group scenario does not run.
  provisionGroups: false,
});
