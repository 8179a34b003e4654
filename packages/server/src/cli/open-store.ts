import { parseDatabaseUrl } from '../settings/database-url.ts';
import type { StoreLogger } from '../store/fault-log.ts';
import type { ScimStore } from '../store/types.ts';

/**
 * Opens the store a `DATABASE_URL` names, the way `scim-server` does: a SQLite file by default
 * (`./scim.db`, `sqlite:./scim.db`, `file:/var/lib/scim.db`, `:memory:`), or PostgreSQL for a
 * `postgres://` URL (`?schema=name` picks the schema). The store is not yet migrated: call
 * `store.open(types)` (the handler does it on its first request).
 *
 * @param url - the `DATABASE_URL` value; `./scim.db` when empty
 * @param options - `cwd`: the directory a relative SQLite path resolves against (default
 *   `process.cwd()`); `logger`: where a SQLite store reports database faults; `queryTimeoutMs`:
 *   how long one list query may run (the store's default when absent, 0 for no limit)
 * @returns the store
 * @throws CliError for a URL scim-server cannot open
 * @internal
 */
export async function openStoreFromUrl(
  url: string | undefined,
  options: { readonly cwd?: string; readonly logger?: StoreLogger; readonly queryTimeoutMs?: number } = {},
): Promise<ScimStore> {
  const target = parseDatabaseUrl(url, options.cwd ?? process.cwd());
  const budget = options.queryTimeoutMs === undefined ? {} : { queryTimeoutMs: options.queryTimeoutMs };
  if (target.kind === 'postgres') {
    const { postgresStore } = await import('../store/postgres.ts');
    return postgresStore({
      connectionString: target.connectionString,
      ...(target.schema === undefined ? {} : { schema: target.schema }),
      ...budget,
    });
  }
  // Imported on demand, so that SQLite never loads the PostgreSQL driver and the reverse.
  const { sqliteStore } = await import('../store/sqlite.ts');
  return sqliteStore({
    path: target.path,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...budget,
  });
}
