// describeConnectorFirstRun on connectors built here with connectorServer (their token command
// included): one endpoint, and one endpoint per tenant with a banner note; and the options it refuses.
import { describe, expect, it } from 'vitest';
import { bearerTokens } from '../auth/bearer.ts';
import { createScimHandler } from '../handler/index.ts';
import { describeConnectorFirstRun } from './first-run.ts';
import { type ConnectorDefinition, connectorServer } from './serve.ts';

function connector(definition: Omit<ConnectorDefinition, 'createHandler'>) {
  return connectorServer({
    ...definition,
    createHandler: (store) =>
      createScimHandler({
        store,
        authenticate: bearerTokens({ tokens: store.tokens }),
        basePath: definition.basePath,
      }),
  });
}

describe('a connector with one endpoint and no name', () => {
  describeConnectorFirstRun({ scripts: connector({ basePath: '/scim/v2' }), basePath: '/scim/v2' });
});

describe('a named connector with an endpoint per tenant and a banner note', () => {
  describeConnectorFirstRun({
    scripts: connector({
      name: 'Acme',
      basePath: '/orgs/{tenant}/scim',
      tenantOption: 'org',
      bannerNotes: (token, option) => [`Then list the tokens: ${token} list${option}`],
    }),
    product: 'Acme',
    basePath: '/orgs/{org}/scim',
    tenantOption: 'org',
    tenant: 'contoso',
    bannerNotes: ['Then list the tokens: npm run token -- list --org <org>'],
  });
});

describe('describeConnectorFirstRun', () => {
  const scripts = connector({ basePath: '/scim/{tenant}', tenantOption: 'node' });

  it('refuses a tenant option without a tenant, and a base path without its placeholder', () => {
    expect(() =>
      describeConnectorFirstRun({ scripts, basePath: '/scim/{node}', tenantOption: 'node' }),
    ).toThrow(/give tenantOption and tenant together/);
    expect(() => describeConnectorFirstRun({ scripts, basePath: '/scim/v2', tenant: 'engineering' })).toThrow(
      /give tenantOption and tenant together/,
    );
    expect(() =>
      describeConnectorFirstRun({
        scripts,
        basePath: '/scim/{tenant}',
        tenantOption: 'node',
        tenant: 'sales',
      }),
    ).toThrow('basePath "/scim/{tenant}" has no {node}');
  });

  it("refuses an activation step for @scim/server's token command, which has none", () => {
    const activate = ['activate', '--node', 'sales'];
    const options = { scripts, basePath: '/scim/{node}', tenantOption: 'node', tenant: 'sales', activate };
    expect(() => describeConnectorFirstRun(options)).toThrow(/no activation step: .* ownTokenCommand: true/);
  });
});
