// `npm start`: serves the connector over HTTP (request timeouts, SCIM error bodies for 408/431),
// one log line per request.
// Environment (also read from a .env file): PORT (default 3000); HOST (default: every interface;
// 127.0.0.1 for this machine only); DATABASE_URL, an SQLite file (default ./data/connector.db) or a
// postgres:// URL; PUBLIC_URL, the https:// address Entra reaches (for the Tenant URL printed);
// TRUST_PROXY=1 behind a load balancer that sets X-Forwarded-*; LOG_FORMAT=json for JSON log lines.
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createLogger, createNodeServer, type RequestLogger, withRequestLogging } from '@scim/server';
import { memoryHypervaultApp } from './app.ts';
import { localUrl, port, publicUrl, scriptCommand } from './commands.ts';
import { basePath, createConnector, tenantName } from './connector.ts';
import { explainStoreError, openStore } from './store.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** A running connector: its base URL and how to stop it. */
export interface RunningServer {
  /** `http://localhost:<port>` (or the HOST it listens on). */
  readonly url: string;
  /** Stops accepting requests and closes the store. */
  close(): Promise<void>;
}

/**
 * A request logger that writes one line per request (method, path, status, time, request id;
 * never a credential): readable text, or pino's JSON with LOG_FORMAT=json.
 */
export function requestLogger(env: Env, write: (line: string) => void): RequestLogger {
  if (env.LOG_FORMAT === 'json') return createLogger();
  const line = (record: object) => {
    const r = record as {
      method: string;
      path: string;
      status: number;
      durationMs: number;
      requestId: string;
    };
    write(`${r.method} ${r.path} ${r.status} ${r.durationMs}ms ${r.requestId}`);
  };
  return { info: line, warn: line, error: line };
}

/** Why the server could not start, in words (no stack): the port, the database, or the error itself. */
export function explainStartError(error: unknown, env: Env): string {
  const { code } = error as { code?: unknown };
  if (code === 'EADDRINUSE') {
    return `Port ${port(env)} is already in use (another connector, or another program): stop it, or set PORT in .env to a free port.`;
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return `HOST=${env.HOST} is not an address of this machine: set HOST to one of its addresses, or remove it to listen on every interface.`;
  }
  return explainStoreError(error, env) ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Opens the store, migrates it, and serves the connector on HOST:PORT (PORT 0 picks a free port).
 * Rejects, with the store closed, when the port is taken or the database cannot be opened.
 */
export async function startServer(
  env: Env,
  options: { readonly log?: (line: string) => void } = {},
): Promise<RunningServer> {
  const listening = port(env);
  const store = openStore(env.DATABASE_URL);
  // Your application's user model goes here, in place of the in-memory stand-in (src/app.ts).
  const app = memoryHypervaultApp();
  const handler = createConnector({ store, app });
  try {
    await handler.ready;
  } catch (error) {
    await handler.close().catch(() => {});
    throw error;
  }
  const served = options.log ? withRequestLogging(handler, requestLogger(env, options.log)) : handler;
  // node:http with timeouts (headers 10 s, whole request 30 s) and SCIM error bodies for 408/431.
  const server = createNodeServer(served, { trustProxy: env.TRUST_PROXY === '1' });
  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(listening, env.HOST?.trim() || undefined, () => {
        server.off('error', fail);
        done();
      });
    });
  } catch (error) {
    await handler.close();
    throw error;
  }
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: localUrl(env, bound),
    close: async () => {
      await new Promise<void>((done) => server.close(() => done()));
      await handler.close();
    },
  };
}

/** What `npm start` prints once listening: the Tenant URL to paste into Entra, and the token command. */
export function banner(env: Env, running: RunningServer): string[] {
  const segment = tenantName === undefined ? basePath : basePath.replace('{tenant}', `{${tenantName}}`);
  const option = tenantName === undefined ? '' : ` --${tenantName} <${tenantName}>`;
  const token = scriptCommand('token', env);
  return [
    `Hypervault SCIM connector listening on ${running.url}`,
    `Tenant URL:   ${publicUrl(env, Number(new URL(running.url).port))}${segment}`,
    `Secret Token: ${token} create${option}`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    process.loadEnvFile();
  } catch {
    // No .env file: the environment alone.
  }
  try {
    const running = await startServer(process.env, { log: (line) => process.stdout.write(`${line}\n`) });
    for (const line of banner(process.env, running)) console.log(line);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void running.close());
  } catch (error) {
    console.error(explainStartError(error, process.env));
    if (process.env.DEBUG) console.error(error);
    process.exitCode = 1;
  }
}
