import { isAbsolute, resolve } from 'node:path';
import { CliError } from './errors.ts';

/** The SQLite file used when `DATABASE_URL` is not set. */
export const DEFAULT_DATABASE = './scim.db';

/**
 * Where a `DATABASE_URL` points: a SQLite file (the embedded default, `sqliteStore({ path })`) or
 * a PostgreSQL database (`postgresStore({ connectionString, schema })`).
 *
 * @example
 * ```ts
 * import { parseDatabaseUrl, postgresStore, sqliteStore } from '@scim/server';
 *
 * const target = parseDatabaseUrl(process.env.DATABASE_URL);
 * // `postgres://db/scim?schema=tenant_a`: { kind: 'postgres', connectionString: 'postgres://db/scim', schema: 'tenant_a' }
 * const store = target.kind === 'sqlite' ? sqliteStore({ path: target.path }) : postgresStore(target);
 * ```
 * @see {@link parseDatabaseUrl}
 */
export type DatabaseTarget =
  | {
      /** A SQLite database. */
      readonly kind: 'sqlite';
      /** The database file, absolute, or `:memory:`. */
      readonly path: string;
    }
  | {
      /** A PostgreSQL database. */
      readonly kind: 'postgres';
      /** The connection string for `pg`, without the `schema` parameter. */
      readonly connectionString: string;
      /** The schema of the store's tables, from `?schema=`; `public` when absent. */
      readonly schema?: string;
    };

/**
 * Reads a `DATABASE_URL` the way `scim-server` does, so that an app serving `createScimHandler`
 * itself opens the same database from the same setting: `postgres://` or `postgresql://` URLs
 * name a PostgreSQL database (a `schema=name` query parameter picks the schema of the store's
 * tables, default `public`); `sqlite:<path>`, `file:<path>` (also `sqlite:///abs/path` and
 * `sqlite://relative/path`), a plain path or `:memory:` name a SQLite database, a relative path
 * resolving against `cwd`; nothing (or only spaces) means `./scim.db`. Any other scheme is an
 * error rather than a file name: `mysql://h/db` never becomes a SQLite file in a folder `mysql:`.
 *
 * @param url - the `DATABASE_URL` value, or `undefined`
 * @param cwd - the directory a relative SQLite path resolves against (default `process.cwd()`)
 * @returns the database to open
 * @throws Error (named `CliError`, `exitCode` 2) for another scheme (`mysql://`, `mongodb://`, ...),
 * a `postgres://` URL that does not parse, or a `file:` URL that names no file; its message says
 * what to write instead. Nothing here is a SCIM request, so there is no `scimType`.
 * @example
 * ```ts
 * import { parseDatabaseUrl, postgresStore, sqliteStore } from '@scim/server';
 * const target = parseDatabaseUrl(process.env.DATABASE_URL || 'file:./data/connector.db');
 * const store =
 *   target.kind === 'postgres'
 *     ? postgresStore({ connectionString: target.connectionString, ...(target.schema ? { schema: target.schema } : {}) })
 *     : sqliteStore({ path: target.path });
 * ```
 * @see https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS
 * @see https://nodejs.org/api/sqlite.html
 */
export function parseDatabaseUrl(url: string | undefined, cwd: string = process.cwd()): DatabaseTarget {
  const text = url?.trim() || DEFAULT_DATABASE;
  if (/^postgres(ql)?:\/\//i.test(text)) return postgresTarget(text);
  if (text === ':memory:' || text === 'sqlite::memory:') return { kind: 'sqlite', path: ':memory:' };
  let path = text;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'sqlite' || scheme === 'file') {
    // sqlite:./scim.db, sqlite:///var/lib/scim.db, file:/var/lib/scim.db
    path = text.slice(scheme.length + 1).replace(/^\/\/(?=\/)/, '');
    if (path.startsWith('//')) path = path.slice(2);
  } else if (scheme !== undefined && scheme.length > 1) {
    throw new CliError(
      `DATABASE_URL uses "${scheme}:", which scim-server does not support; use a SQLite file path (for example ./scim.db) or a postgres:// URL.`,
      2,
    );
  }
  if (path.length === 0) throw new CliError('DATABASE_URL names no file; use for example ./scim.db.', 2);
  return { kind: 'sqlite', path: isAbsolute(path) ? path : resolve(cwd, path) };
}

function postgresTarget(text: string): DatabaseTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(
      'DATABASE_URL is not a valid postgres:// URL; write it like postgres://user:password@host:5432/database.',
      2,
    );
  }
  const schema = url.searchParams.get('schema');
  if (schema === null) return { kind: 'postgres', connectionString: text };
  url.searchParams.delete('schema');
  return { kind: 'postgres', connectionString: url.toString(), schema };
}

/**
 * A database safe to print in a banner or an error: `SQLite /abs/path.db`, or the PostgreSQL URL
 * with its password replaced by `***` (and the schema, when one was picked).
 *
 * @param target - the database, from {@link parseDatabaseUrl}
 * @returns text for messages; never the password
 * @throws Never.
 * @example
 * ```ts
 * describeDatabase(parseDatabaseUrl('postgres://app:s3cret@db:5432/scim')); // 'PostgreSQL postgres://app:***@db:5432/scim'
 * ```
 * @see {@link parseDatabaseUrl}
 */
export function describeDatabase(target: DatabaseTarget): string {
  if (target.kind === 'sqlite') return `SQLite ${target.path}`;
  try {
    const url = new URL(target.connectionString);
    if (url.password) url.password = '***';
    return `PostgreSQL ${url.toString()}${target.schema === undefined ? '' : ` (schema ${target.schema})`}`;
  } catch {
    return 'PostgreSQL (unparsable URL)';
  }
}
