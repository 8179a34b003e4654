// `npm start`: serves the connector over HTTP (request timeouts, SCIM error bodies for 408/431),
// one log line per request, and prints the Tenant URL and the token command (`connectorServer` of
// @scim/server).
// Environment (also read from a .env file): PORT (default 3000); HOST (default: every interface;
// 127.0.0.1 for this machine only); DATABASE_URL, an SQLite file (default ./data/connector.db) or a
// postgres:// URL; PUBLIC_URL, the https:// address Entra reaches (for the Tenant URL printed);
// TRUST_PROXY=1 behind a load balancer that sets X-Forwarded-*; LOG_FORMAT=json for JSON log lines.
import { fileURLToPath } from 'node:url';
import { connectorServer } from '@scim/server';
import { memoryHypervaultApp } from './app.ts';
import { basePath, createConnector, tenantName } from './connector.ts';

/** This connector's scripts: `npm start` (`serve`) and `npm run token` (`token`). */
export const connector = connectorServer({
  name: 'Hypervault',
  basePath,
  tenantOption: tenantName,
  // Your application's user model goes here, in place of the in-memory stand-in (src/app.ts).
  createHandler: (store) => createConnector({ store, app: memoryHypervaultApp() }),
});

export const { startServer, banner, explainStartError } = connector;

if (process.argv[1] === fileURLToPath(import.meta.url)) await connector.serve();
