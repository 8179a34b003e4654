/**
 * The stores of `@scim/server`: the contract, the in-memory store, SQLite and PostgreSQL.
 *
 * @packageDocumentation
 */
export { type MemoryStoreOptions, memoryStore } from './memory.ts';
export {
  type PgClientLike,
  type PgliteLike,
  type PgPoolLike,
  type PostgresStore,
  type PostgresStoreOptions,
  postgresStore,
} from './postgres.ts';
export { type SqliteStore, type SqliteStoreOptions, sqliteStore } from './sqlite.ts';
export type * from './types.ts';
