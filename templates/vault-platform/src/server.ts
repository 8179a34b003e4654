// `npm start`: serves the connector over HTTP (request timeouts, SCIM error bodies for 408/431),
// one log line per request, and prints the Tenant URL and the token commands (`connectorServer` of
// @scim/server).
// Environment (also read from a .env file): PORT (default 3000); HOST (default: every interface;
// 127.0.0.1 for this machine only); DATABASE_URL, an SQLite file (default ./data/connector.db) or a
// postgres:// URL; ORGANIZATIONS_FILE (the organizations' switches, default
// ./data/organizations.json); PUBLIC_URL, the https:// address Entra reaches (for the Tenant URL
// printed); TRUST_PROXY=1 behind a load balancer that sets X-Forwarded-*; LOG_FORMAT=json for JSON
// log lines.
import { fileURLToPath } from 'node:url';
import { connectorServer, scriptCommand } from '@scim/server';
import { memoryVaultPlatformApp } from './app.ts';
import { basePath, createConnector, tenantName } from './connector.ts';
import { fileOrganizationSettings, organizationsFile } from './organizations.ts';

/** This connector's scripts: `npm start` (`serve`); `npm run token` is its own (src/token.ts). */
export const connector = connectorServer({
  name: 'Vault Platform',
  basePath,
  tenantOption: tenantName,
  createHandler: (store, env) =>
    createConnector({
      store,
      organizations: fileOrganizationSettings(organizationsFile(env)),
      // Your application's user model goes here, in place of the in-memory stand-in (src/app.ts).
      app: memoryVaultPlatformApp(),
      tokenCommand: scriptCommand('token', env),
    }),
  bannerNotes: (token, option) => [`Then turn on "Set as active SCIM Provider": ${token} activate${option}`],
});

export const { startServer, banner, explainStartError } = connector;

if (process.argv[1] === fileURLToPath(import.meta.url)) await connector.serve();
