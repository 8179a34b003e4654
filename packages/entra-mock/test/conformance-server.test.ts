// The conformance kit against @scim/server, the SDK's own SCIM service provider: in memory and on
// SQLite, in both of Entra's dialects. This is the "done when" of the kit.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScimStore } from '@scim/server';
import { bearerTokens, createScimHandler, issueToken, memoryStore, sqliteStore } from '@scim/server';
import { afterAll } from 'vitest';
import { describeEntraConformance } from '../src/vitest.ts';

function connectorOn(makeStore: () => ScimStore) {
  return async () => {
    const store = makeStore();
    const { token } = await issueToken(store.tokens, 'default', { label: 'Entra provisioning' });
    const handler = createScimHandler({
      store,
      authenticate: bearerTokens({ tokens: store.tokens }),
      basePath: '/scim/v2',
    });
    return {
      tenantUrl: 'https://scim.example.test/scim/v2',
      secretToken: token,
      fetch: handler,
      close: () => store.close(),
    };
  };
}

describeEntraConformance('@scim/server on memoryStore', { connector: connectorOn(() => memoryStore()) });
describeEntraConformance('@scim/server on sqliteStore(:memory:)', {
  connector: connectorOn(() => sqliteStore({ path: ':memory:' })),
});

// A database file, as `scim-server start` uses by default (WAL journal).
const dir = mkdtempSync(join(tmpdir(), 'entra-mock-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
describeEntraConformance('@scim/server on sqliteStore(file)', {
  connector: connectorOn(() => sqliteStore({ path: join(dir, `scim-${++files}.db`) })),
});

// Tenants in the URL (`/scim/{tenant}`), one Entra application per customer: another tenant's token
// exists, and the kit's wrong token must still be refused.
describeEntraConformance('@scim/server with the tenant in the URL, on sqliteStore(:memory:)', {
  connector: async () => {
    const store = sqliteStore({ path: ':memory:' });
    await issueToken(store.tokens, 'fabrikam');
    const { token } = await issueToken(store.tokens, 'contoso');
    const handler = createScimHandler({
      store,
      authenticate: bearerTokens({ tokens: store.tokens }),
      basePath: '/scim/{tenant}',
    });
    return {
      tenantUrl: 'https://scim.example.test/scim/contoso',
      secretToken: token,
      fetch: handler,
      close: () => store.close(),
    };
  },
});
