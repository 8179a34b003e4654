/**
 * The glue of a connector project's two scripts, `npm start` and `npm run token`: open the store
 * DATABASE_URL names, serve the handler on HOST:PORT with one log line per request, print the
 * Tenant URL and the token command, and say in words why it could not start.
 */
import { tokenCommand } from '../auth/token-command.ts';
import { batchedLines, createLogger, type RequestLogger, readableRequestLines } from '../log.ts';
import type { ScimHandler } from '../options.ts';
import type { ScimStore } from '../store/types.ts';
import { explainDatabaseError, openConnectorStore } from './database.ts';
import {
  listenHost,
  listenPort,
  localUrl,
  publicUrl,
  type ScriptEnv,
  scriptCommand,
  trustsProxy,
} from './env.ts';
import { listenHandler } from './listen.ts';

/**
 * What differs between connectors in their scripts: the product's name, where the endpoint is
 * served, the option that names a tenant, how the handler is built, and any further banner lines.
 *
 * @example
 * ```ts
 * import { bearerTokens, type ConnectorDefinition, connectorServer, createScimHandler } from '@scim/server';
 * const definition: ConnectorDefinition = {
 *   name: 'Keeper',
 *   basePath: '/scim/{tenant}',
 *   tenantOption: 'node',
 *   createHandler: (store) =>
 *     createScimHandler({ store, authenticate: bearerTokens({ tokens: store.tokens }), basePath: '/scim/{tenant}' }),
 * };
 * await connectorServer(definition).serve(); // `npm start`: the Tenant URL, then one line per request
 * ```
 * @see {@link connectorServer}
 */
export interface ConnectorDefinition {
  /** The product, for the banner's first line (`Keeper SCIM connector listening on ...`); omitted: `SCIM connector listening on ...`. */
  readonly name?: string | undefined;
  /** The handler's base path, with `{tenant}` where the tenant goes (`/scim/v2`, `/api/scim/{tenant}`). */
  readonly basePath: string;
  /** The name of the token command's tenant option (`node` gives `--node <node>`), when the base path has `{tenant}`. */
  readonly tenantOption?: string | undefined;
  /**
   * Builds the connector's handler over the store DATABASE_URL names; the scripts wait for its
   * `ready` (which migrates the store) and close it when done.
   */
  readonly createHandler: (store: ScimStore, env: ScriptEnv) => ScimHandler;
  /** Lines the banner prints after the Secret Token line, given the token command and the tenant option (`' --node <node>'` or `''`). */
  readonly bannerNotes?: (token: string, option: string) => readonly string[];
}

/**
 * A running connector: its base URL and how to stop it.
 *
 * @example
 * ```ts
 * const running: RunningServer = await connector.startServer({ PORT: '0' });
 * await fetch(`${running.url}/scim/v2/ServiceProviderConfig`);
 * await running.close();
 * ```
 * @see {@link ConnectorServer.startServer}
 */
export interface RunningServer {
  /** `http://localhost:<port>` (or the HOST it listens on). */
  readonly url: string;
  /** Stops accepting requests, lets those in flight finish (a busy connection gets 10 seconds), and closes the store. */
  close(): Promise<void>;
}

/**
 * Where a connector's token command writes, and the environment it reads.
 *
 * @example
 * ```ts
 * await connector.runTokenCommand(['list'], { env: process.env, out: console.log, err: console.error });
 * ```
 * @see {@link ConnectorServer.runTokenCommand}
 */
export interface ScriptContext {
  /** The environment: DATABASE_URL, PUBLIC_URL, HOST, PORT, `npm_config_user_agent`. */
  readonly env: ScriptEnv;
  /** Writes a line of output. */
  readonly out: (text: string) => void;
  /** Writes a line of usage or an error. */
  readonly err: (text: string) => void;
}

/**
 * A connector's scripts, built by {@link connectorServer}. Its functions do not use `this`: take
 * them apart (`const { startServer } = connector`).
 *
 * @example
 * ```ts
 * const running = await connector.startServer(process.env, { log: console.log });
 * for (const line of connector.banner(process.env, running)) console.log(line);
 * ```
 * @see {@link connectorServer}
 */
export interface ConnectorServer {
  /**
   * Opens the store, migrates it, and builds the handler; closes the store again if migrating fails.
   * @param env - the environment (DATABASE_URL)
   * @returns the store and the ready handler
   */
  open(env: ScriptEnv): Promise<{ readonly store: ScimStore; readonly handler: ScimHandler }>;
  /**
   * Serves the connector on HOST:PORT (PORT 0 picks a free port) over `createNodeServer` (request
   * timeouts, SCIM error bodies for 408/431). Rejects, with the store closed, when the port is
   * taken or the database cannot be opened.
   * @param env - the environment (DATABASE_URL, HOST, PORT, TRUST_PROXY=1, LOG_FORMAT=json)
   * @param options - `log`: where to write one line per request (none without it)
   * @returns the running server
   */
  startServer(env: ScriptEnv, options?: { readonly log?: (line: string) => void }): Promise<RunningServer>;
  /**
   * What `npm start` prints once listening: the Tenant URL to paste into Entra, and the token command
   * for the package manager that ran it.
   * @param env - the environment (PUBLIC_URL, `npm_config_user_agent`)
   * @param running - the running server
   * @returns the lines
   */
  banner(env: ScriptEnv, running: RunningServer): string[];
  /**
   * Why the server could not start, in words (no stack): the port, the host, the database, or the error itself.
   * @param error - what {@link ConnectorServer.startServer} rejected with
   * @param env - the environment it was started with
   * @returns the explanation
   */
  explainStartError(error: unknown, env: ScriptEnv): string;
  /**
   * The token command (`create`, `list`, `revoke`; {@link tokenCommand}) on the connector's store.
   * @param argv - the arguments after the command
   * @param context - environment and output
   * @returns the exit code; 1 with the explanation when the database cannot be opened
   */
  runTokenCommand(argv: readonly string[], context: ScriptContext): Promise<number>;
  /** `npm start`: reads .env, serves, prints the banner, logs each request, stops on SIGINT/SIGTERM; sets the exit code on failure. */
  serve(): Promise<void>;
  /** `npm run token`: reads .env, runs the token command on `process.argv`, and sets the exit code. */
  token(): Promise<void>;
}

/** Loads ./.env into `process.env` when there is one. */
function loadEnvFile(): void {
  try {
    process.loadEnvFile();
  } catch {
    // No .env file: the environment alone.
  }
}

/** One readable line per request (method, path, status, time, request id), or pino's JSON with LOG_FORMAT=json. */
function requestLogger(env: ScriptEnv, write: (line: string) => void): RequestLogger {
  return env.LOG_FORMAT === 'json' ? createLogger() : readableRequestLines(write);
}

/**
 * Builds a connector project's scripts from what differs between connectors: `npm start`
 * (`serve`, over `startServer`, `banner`, `explainStartError`) and `npm run token` (`token`, over
 * `runTokenCommand`). The environment they read: PORT (default 3000), HOST (default every
 * interface), DATABASE_URL (an SQLite file, default ./data/connector.db, or a postgres:// URL),
 * PUBLIC_URL (the https:// address Entra reaches), TRUST_PROXY=1 behind a proxy that sets
 * X-Forwarded-*, LOG_FORMAT=json; a .env file is read first.
 *
 * @param definition - the connector's name, base path, tenant option and handler
 * @returns the scripts
 * @example
 * ```ts
 * // src/server.ts, run by `npm start`
 * import { fileURLToPath } from 'node:url';
 * import { connectorServer } from '@scim/server';
 * import { memoryKeeperApp } from './app.ts';
 * import { basePath, createConnector, tenantName } from './connector.ts';
 *
 * export const connector = connectorServer({
 *   name: 'Keeper',
 *   basePath,
 *   tenantOption: tenantName,
 *   createHandler: (store) => createConnector({ store, app: memoryKeeperApp() }),
 * });
 * if (process.argv[1] === fileURLToPath(import.meta.url)) await connector.serve();
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 * @see {@link tokenCommand}
 */
export function connectorServer(definition: ConnectorDefinition): ConnectorServer {
  const { basePath, tenantOption } = definition;
  const option =
    basePath.includes('{tenant}') && tenantOption !== undefined ? ` --${tenantOption} <${tenantOption}>` : '';

  const open: ConnectorServer['open'] = async (env) => {
    const store = openConnectorStore(env.DATABASE_URL);
    const handler = definition.createHandler(store, env);
    try {
      await handler.ready;
    } catch (error) {
      await handler.close().catch(() => {});
      throw error;
    }
    return { store, handler };
  };

  const startServer: ConnectorServer['startServer'] = async (env, options = {}) => {
    const port = listenPort(env);
    const { handler } = await open(env);
    const listening = await listenHandler(handler, {
      port,
      host: listenHost(env.HOST),
      logger: options.log === undefined ? undefined : requestLogger(env, options.log),
      server: { trustProxy: trustsProxy(env) },
    });
    return { url: localUrl(env, listening.address.port), close: listening.close };
  };

  const banner: ConnectorServer['banner'] = (env, running) => {
    const segment = tenantOption === undefined ? basePath : basePath.replace('{tenant}', `{${tenantOption}}`);
    const token = scriptCommand('token', env);
    return [
      `${definition.name === undefined ? '' : `${definition.name} `}SCIM connector listening on ${running.url}`,
      `Tenant URL:   ${publicUrl(env, Number(new URL(running.url).port))}${segment}`,
      `Secret Token: ${token} create${option}`,
      ...(definition.bannerNotes?.(token, option) ?? []),
    ];
  };

  const explainStartError: ConnectorServer['explainStartError'] = (error, env) => {
    const { code } = error as { code?: unknown };
    if (code === 'EADDRINUSE') {
      return `Port ${listenPort(env)} is already in use (another connector, or another program): stop it, or set PORT in .env to a free port.`;
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      return `HOST=${env.HOST} is not an address of this machine: set HOST to one of its addresses, or remove it to listen on every interface.`;
    }
    return explainDatabaseError(error, env) ?? (error instanceof Error ? error.message : String(error));
  };

  const runTokenCommand: ConnectorServer['runTokenCommand'] = async (argv, context) => {
    try {
      return await tokenCommand(argv, {
        basePath,
        tenantOption,
        publicUrl: publicUrl(context.env),
        command: scriptCommand('token', context.env),
        out: context.out,
        err: context.err,
        open: async () => {
          // Opening the connector migrates the store.
          const { store, handler } = await open(context.env);
          return { tokens: store.tokens, close: () => handler.close() };
        },
      });
    } catch (error) {
      const explained = explainDatabaseError(error, context.env);
      if (explained === undefined) throw error;
      context.err(explained);
      return 1;
    }
  };

  const serve: ConnectorServer['serve'] = async () => {
    loadEnvFile();
    try {
      const running = await startServer(process.env, { log: batchedLines() });
      // Stop on a signal from the moment the banner says it listens.
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void running.close());
      for (const line of banner(process.env, running)) console.log(line);
    } catch (error) {
      console.error(explainStartError(error, process.env));
      if (process.env.DEBUG) console.error(error);
      process.exitCode = 1;
    }
  };

  const token: ConnectorServer['token'] = async () => {
    loadEnvFile();
    process.exitCode = await runTokenCommand(process.argv.slice(2), {
      env: process.env,
      out: (text) => console.log(text),
      err: (text) => console.error(text),
    });
  };

  return { open, startServer, banner, explainStartError, runTokenCommand, serve, token };
}
