/**
 * Where a connector's scripts keep its SCIM data: DATABASE_URL names an SQLite file (default
 * ./data/connector.db, embedded, for one instance) or a PostgreSQL database (`postgres://...`, for
 * several instances behind a load balancer; `?schema=name` picks the schema of its tables), read by
 * the same parser as `scim-server`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DatabaseTarget, describeDatabase, parseDatabaseUrl } from '../settings/database-url.ts';
import { postgresStore, sqliteStore } from '../store/index.ts';
import type { ScimStore } from '../store/types.ts';
import { packageManager, type ScriptEnv } from './env.ts';

/**
 * The DATABASE_URL a connector's scripts use when none is set: an SQLite file under ./data.
 *
 * @example
 * ```ts
 * const target = connectorDatabase(process.env.DATABASE_URL ?? CONNECTOR_DATABASE_URL);
 * ```
 * @see {@link connectorDatabase}
 */
export const CONNECTOR_DATABASE_URL = 'file:./data/connector.db';

/**
 * Where a connector's DATABASE_URL points ({@link parseDatabaseUrl}), with
 * {@link CONNECTOR_DATABASE_URL} when it is unset or blank.
 *
 * @param databaseUrl - the DATABASE_URL value, or `undefined`
 * @param cwd - the directory a relative SQLite path resolves against (default `process.cwd()`)
 * @returns the database to open
 * @throws Error for a scheme that is neither SQLite nor PostgreSQL (`mysql://`), as {@link parseDatabaseUrl}
 * @example
 * ```ts
 * connectorDatabase(undefined, '/srv/app'); // { kind: 'sqlite', path: '/srv/app/data/connector.db' }
 * ```
 * @see {@link parseDatabaseUrl}
 */
export function connectorDatabase(
  databaseUrl: string | undefined,
  cwd: string = process.cwd(),
): DatabaseTarget {
  return parseDatabaseUrl(databaseUrl?.trim() || CONNECTOR_DATABASE_URL, cwd);
}

/**
 * Opens the store a connector's DATABASE_URL names, creating the SQLite file's folder; the handler
 * that serves it migrates it (`handler.ready`). PostgreSQL needs the optional `pg` driver.
 *
 * @param databaseUrl - the DATABASE_URL value, or `undefined` for ./data/connector.db
 * @param cwd - the directory a relative SQLite path resolves against (default `process.cwd()`)
 * @returns the store, not yet migrated
 * @example
 * ```ts
 * const store = openConnectorStore(process.env.DATABASE_URL);
 * const handler = createScimHandler({ store, authenticate: bearerTokens({ tokens: store.tokens }) });
 * await handler.ready;
 * ```
 * @see {@link connectorDatabase}
 */
export function openConnectorStore(databaseUrl: string | undefined, cwd: string = process.cwd()): ScimStore {
  const target = connectorDatabase(databaseUrl, cwd);
  if (target.kind === 'postgres') {
    return postgresStore({
      connectionString: target.connectionString,
      ...(target.schema === undefined ? {} : { schema: target.schema }),
    });
  }
  if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
  return sqliteStore({ path: target.path });
}

const unreachable = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH']);

/**
 * What to tell the user when a connector's store cannot be opened, in one paragraph (no stack, no
 * password): which database, and what to check. `undefined` for an error that is not about it.
 *
 * @param error - what opening or migrating the store threw (the store wraps a driver's error as the cause)
 * @param env - the environment (DATABASE_URL, and the package manager for the `pg` install hint)
 * @returns the explanation, or `undefined`
 * @example
 * ```ts
 * try {
 *   await handler.ready;
 * } catch (error) {
 *   console.error(explainDatabaseError(error, process.env) ?? error);
 * }
 * ```
 * @see https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
export function explainDatabaseError(error: unknown, env: ScriptEnv): string | undefined {
  // The store reports an unreachable database as a 503 ScimError whose cause is the driver's error.
  let cause = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; depth < 5 && cause?.cause !== undefined; depth++) cause = cause.cause as typeof cause;
  const { code, message } = cause ?? {};
  let target: DatabaseTarget;
  try {
    target = connectorDatabase(env.DATABASE_URL);
  } catch (invalid) {
    return (invalid as Error).message;
  }
  if (target.kind === 'sqlite') {
    return typeof code === 'string' && code.startsWith('ERR_SQLITE')
      ? `Cannot open ${describeDatabase(target)}: ${String(message)}. Check DATABASE_URL and that the file's folder is writable.`
      : undefined;
  }
  return explainPostgresError(target, code, message, env);
}

function explainPostgresError(
  target: DatabaseTarget & { kind: 'postgres' },
  code: unknown,
  message: unknown,
  env: ScriptEnv,
): string | undefined {
  const where = describeDatabase(target);
  if (code === 'ERR_MODULE_NOT_FOUND' && String(message).includes("'pg'")) {
    const add = packageManager(env) === 'npm' ? 'npm install pg' : `${packageManager(env)} add pg`;
    return `DATABASE_URL names ${where}, and PostgreSQL needs the pg driver: run \`${add}\`.`;
  }
  const url = new URL(target.connectionString);
  const host = `${url.hostname || 'localhost'}:${url.port || '5432'}`;
  if ((typeof code === 'string' && unreachable.has(code)) || /timeout/i.test(String(message))) {
    return `Cannot reach PostgreSQL at ${host} (${typeof code === 'string' ? code : String(message)}): check that it is running there and accepts connections, and that DATABASE_URL in .env (${where}) names it.`;
  }
  if (code === '28P01' || code === '28000' || code === '3D000') {
    return `PostgreSQL at ${host} refused the connection: ${String(message)}. Check the user, password and database in DATABASE_URL (${where}).`;
  }
  return undefined;
}
