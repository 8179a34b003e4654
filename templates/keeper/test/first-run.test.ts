// `npm start` and `npm run token` as a new user first meets them (`describeConnectorFirstRun` of
// @scim/server/testing): one log line per request, a clear word when the port is taken or the
// database cannot be reached, HOST honoured, and the commands printed for the package manager that
// ran the script, with Keeper's options; and that a token `npm run token` issues opens the
// endpoint `npm start` serves, is listed, and no longer opens it once revoked.
import { describeConnectorFirstRun } from '@scim/server/testing';
import { banner, explainStartError, startServer } from '../src/server.ts';
import { runTokenCommand } from '../src/token.ts';

describeConnectorFirstRun({
  scripts: { startServer, banner, explainStartError, runTokenCommand },
  product: 'Keeper',
  basePath: '/scim/{node}',
  tenantOption: 'node',
  tenant: 'engineering',
});
