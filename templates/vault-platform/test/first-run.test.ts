// `npm start` and `npm run token` as a new user first meets them (`describeConnectorFirstRun` of
// @scim/server/testing): one log line per request, a clear word when the port is taken or the
// database cannot be reached, HOST honoured, and the commands printed for the package manager that
// ran the script, with Vault Platform's options. Its token command is its own (an organization's
// Secret, and its SCIM provider's switch): test/server.test.ts tests it.
import { join } from 'node:path';
import { describeConnectorFirstRun } from '@scim/server/testing';
import { banner, explainStartError, startServer } from '../src/server.ts';
import { runTokenCommand } from '../src/token.ts';

describeConnectorFirstRun({
  scripts: { startServer, banner, explainStartError, runTokenCommand },
  product: 'Vault Platform',
  basePath: '/api/scim/{organization}',
  tenantOption: 'organization',
  tenant: 'acme',
  // An organization's endpoint refuses every request until its SCIM provider is switched on.
  activate: ['activate', '--organization', 'acme'],
  ownTokenCommand: true,
  bannerNotes: [
    'Then turn on "Set as active SCIM Provider": npm run token -- activate --organization <organization>',
  ],
  env: (dir) => ({ ORGANIZATIONS_FILE: join(dir, 'data', 'organizations.json') }),
});
