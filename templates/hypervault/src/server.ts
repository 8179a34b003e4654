// `npm start`: serves the connector over HTTP.
// Environment (also read from a .env file): PORT (default 3000); DATABASE_URL, an SQLite file
// (default ./data/connector.db) or a postgres:// URL; PUBLIC_URL, the https:// address Entra
// reaches (for the Tenant URL printed); TRUST_PROXY=1 behind a load balancer that sets X-Forwarded-*.
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createNodeServer } from '@scim/server';
import { memoryHypervaultApp } from './app.ts';
import { basePath, createConnector } from './connector.ts';
import { openStore } from './store.ts';

/** A running connector: its base URL and how to stop it. */
export interface RunningServer {
  /** `http://localhost:<port>`. */
  readonly url: string;
  /** Stops accepting requests and closes the store. */
  close(): Promise<void>;
}

/** Opens the store, migrates it, and serves the connector on PORT (0 picks a free port). */
export async function startServer(env: Readonly<Record<string, string | undefined>>): Promise<RunningServer> {
  const store = openStore(env.DATABASE_URL);
  // Your application's user model goes here, in place of the in-memory stand-in (src/app.ts).
  const app = memoryHypervaultApp();
  const handler = createConnector({ store, app });
  await handler.ready;
  // node:http with timeouts (headers 10 s, whole request 30 s) and SCIM error bodies for 408/431.
  const server = createNodeServer(handler, { trustProxy: env.TRUST_PROXY === '1' });
  await new Promise<void>((done) => server.listen(Number(env.PORT ?? 3000), done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    close: async () => {
      await new Promise<void>((done) => server.close(() => done()));
      await handler.close();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    process.loadEnvFile();
  } catch {
    // No .env file: the environment alone.
  }
  const running = await startServer(process.env);
  const publicUrl = process.env.PUBLIC_URL ?? running.url;
  console.log(`Hypervault SCIM connector listening on ${running.url}`);
  console.log(`Tenant URL: ${publicUrl.replace(/\/$/, '')}${basePath}`);
  console.log('Secret Token: npm run token -- create');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void running.close());
}
