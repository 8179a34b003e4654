/**
 * Where the PostgreSQL tests run: the server on 127.0.0.1:5432 (database `test`) when one answers,
 * else PGlite, so that a machine without PostgreSQL still runs the dialect.
 *
 * @internal
 * @packageDocumentation
 */
import pg from 'pg';

/** The connection string of a reachable test server, or undefined. @internal */
export async function reachablePostgres(): Promise<string | undefined> {
  // SCIM_TEST_NO_POSTGRES=1 runs the PostgreSQL tests on PGlite, as a machine without a server does.
  if (process.env.SCIM_TEST_NO_POSTGRES === '1') return undefined;
  const candidates = [
    process.env.SCIM_TEST_DATABASE_URL,
    'postgres://postgres@127.0.0.1:5432/test',
    'postgres://root@127.0.0.1:5432/test',
  ].filter((c): c is string => c !== undefined && c !== '');
  for (const connectionString of candidates) {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      return connectionString;
    } catch {
      // try the next one
    } finally {
      await client.end().catch(() => {});
    }
  }
  return undefined;
}

/** A schema name no other run uses. @internal */
export function uniqueSchema(): string {
  return `scim_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
}

/** Drops a test schema. @internal */
export async function dropSchema(connectionString: string, schema: string): Promise<void> {
  if (!/^scim_test_[a-z0-9_]+$/.test(schema)) throw new Error(`refusing to drop ${schema}`);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
