// Where the connector keeps its SCIM data. DATABASE_URL names an SQLite file (the default:
// ./data/connector.db, embedded, for one instance) or a PostgreSQL database (postgres://..., for
// several instances behind a load balancer).
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { postgresStore, type ScimStore, sqliteStore } from '@scim/server';

/** The DATABASE_URL used when none is set. */
export const defaultDatabaseUrl = 'file:./data/connector.db';

/** Where a DATABASE_URL points: an SQLite file (a relative path resolves against `cwd`) or PostgreSQL. */
export function databaseTarget(
  databaseUrl: string | undefined,
  cwd: string = process.cwd(),
): { kind: 'sqlite'; path: string } | { kind: 'postgres'; connectionString: string } {
  const url = databaseUrl?.trim() || defaultDatabaseUrl;
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', connectionString: url };
  const path = url.replace(/^(?:file|sqlite):(?:\/\/(?=\/))?/i, '');
  if (path === ':memory:') return { kind: 'sqlite', path };
  return { kind: 'sqlite', path: isAbsolute(path) ? path : resolve(cwd, path) };
}

/** Opens the store DATABASE_URL names (creating the SQLite file's directory); the handler migrates it. */
export function openStore(databaseUrl: string | undefined, cwd: string = process.cwd()): ScimStore {
  const target = databaseTarget(databaseUrl, cwd);
  if (target.kind === 'postgres') return postgresStore({ connectionString: target.connectionString });
  if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
  return sqliteStore({ path: target.path });
}
