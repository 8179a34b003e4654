import { isAbsolute, resolve } from 'node:path';
import { CliError } from './errors.ts';

/** The SQLite file used when `DATABASE_URL` is not set. */
export const DEFAULT_DATABASE = './scim.db';

/**
 * Where a `DATABASE_URL` points: a SQLite file (the embedded default) or a PostgreSQL server.
 *
 * @internal
 */
export type DatabaseTarget =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly connectionString: string; readonly schema?: string };

/**
 * Reads a `DATABASE_URL`: `postgres://` or `postgresql://` URLs name a PostgreSQL database (a
 * `schema=name` query parameter picks the schema of the store's tables, default `public`);
 * `sqlite:<path>`, `file:<path>`, a plain path or `:memory:` name a SQLite database (a relative
 * path resolves against `cwd`); nothing means `./scim.db`.
 *
 * @param url - the `DATABASE_URL` value, or `undefined`
 * @param cwd - the directory a relative path resolves against
 * @returns the database to open
 * @throws CliError for another scheme (`mysql://`, `mongodb://`, ...)
 * @internal
 */
export function parseDatabaseUrl(url: string | undefined, cwd: string): DatabaseTarget {
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
 * A `DATABASE_URL` safe to print: the password of a PostgreSQL URL is replaced by `***`.
 *
 * @param target - the parsed URL
 * @returns text for messages
 * @internal
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
