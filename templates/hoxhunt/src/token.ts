// `npm run token -- create`: issues a Secret Token to paste into Entra, and prints the Tenant URL.
// `npm run token -- list` lists the tokens (id, label, status, last use), `npm run token -- revoke
// <id>` stops one at once. Only a token's SHA-256 hash is stored: it is shown once, when created.
// Environment: DATABASE_URL (the connector's store), PUBLIC_URL (the https:// address Entra
// reaches; else the local address, from HOST and PORT, as `npm start` serves it).
import { fileURLToPath } from 'node:url';
import { connector } from './server.ts';

/** Runs the token command (`tokenCommand` of @scim/server on this connector's store); returns the exit code. */
export const runTokenCommand = connector.runTokenCommand;

if (process.argv[1] === fileURLToPath(import.meta.url)) await connector.token();
