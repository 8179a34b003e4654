// Test helper shared by the PostgreSQL tests: where a test file's stores live. On the server on
// 127.0.0.1:5432 when one answers (reachablePostgres), each store in a schema of its own, dropped
// after the file's tests; else on one PGlite the file's stores share.
import { PGlite } from '@electric-sql/pglite';
import { afterAll } from 'vitest';
import { dropSchema, reachablePostgres, uniqueSchema } from './test-postgres.ts';

/** A test file's PostgreSQL target (see the top of this file). */
export interface PostgresTarget {
  /** The server's connection string, or undefined: then PGlite. */
  readonly url: string | undefined;
  /** A schema name no other run uses, dropped from the server after the file's tests. */
  schema(): string;
  /** The file's PGlite, made on first use. */
  pglite(): PGlite;
}

/** Finds the file's target and drops its schemas after its tests (call it at the top of the file). */
export async function postgresTarget(): Promise<PostgresTarget> {
  const url = await reachablePostgres();
  const schemas: string[] = [];
  let shared: PGlite | undefined;
  afterAll(async () => {
    if (url !== undefined) for (const s of schemas) await dropSchema(url, s);
  }, 60_000);
  return {
    url,
    schema: () => {
      const s = uniqueSchema();
      schemas.push(s);
      return s;
    },
    pglite: () => {
      shared ??= new PGlite();
      return shared;
    },
  };
}
