// Where the connector keeps its SCIM data. DATABASE_URL names an SQLite file (the default:
// ./data/connector.db, embedded, for one instance) or a PostgreSQL database (postgres://..., for
// several instances behind a load balancer; `?schema=name` picks the schema of its tables). It is
// read by @scim/server's own parser, as `scim-server` reads it: another scheme (mysql://...) is an
// error, not a file name.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type DatabaseTarget,
  describeDatabase,
  parseDatabaseUrl,
  postgresStore,
  type ScimStore,
  sqliteStore,
} from '@scim/server';
import { packageManager } from './commands.ts';

/** The DATABASE_URL used when none is set. */
export const defaultDatabaseUrl = 'file:./data/connector.db';

/** Where a DATABASE_URL points; a relative SQLite path resolves against `cwd`. */
export function databaseTarget(databaseUrl: string | undefined, cwd: string = process.cwd()): DatabaseTarget {
  return parseDatabaseUrl(databaseUrl?.trim() || defaultDatabaseUrl, cwd);
}

/** Opens the store DATABASE_URL names (creating the SQLite file's directory); the handler migrates it. */
export function openStore(databaseUrl: string | undefined, cwd: string = process.cwd()): ScimStore {
  const target = databaseTarget(databaseUrl, cwd);
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
 * What to tell the user when the store cannot be opened, in one paragraph (no stack): which
 * database, and what to check. `undefined` for an error that is not about the database.
 */
export function explainStoreError(
  error: unknown,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  // The store reports an unreachable database as a 503 ScimError whose cause is the driver's error.
  let cause = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; depth < 5 && cause?.cause !== undefined; depth++) cause = cause.cause as typeof cause;
  const { code, message } = cause ?? {};
  let target: DatabaseTarget;
  try {
    target = databaseTarget(env.DATABASE_URL);
  } catch (invalid) {
    return (invalid as Error).message;
  }
  if (target.kind === 'sqlite') {
    return typeof code === 'string' && code.startsWith('ERR_SQLITE')
      ? `Cannot open ${describeDatabase(target)}: ${String(message)}. Check DATABASE_URL and that the file's folder is writable.`
      : undefined;
  }
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
