/**
 * A fetch-standard SCIM 2.0 service provider (RFC 7644).
 *
 * @packageDocumentation
 */

export { anyOf } from './auth/any-of.ts';
export {
  type BearerTokensOptions,
  bearerTokens,
  readBearerToken,
  type StaticTokenOptions,
  staticToken,
} from './auth/bearer.ts';
export { type JwtAuthOptions, jwtAuth } from './auth/jwt.ts';
export { type TokenCommandOptions, tokenCommand, tokenCommandUsage } from './auth/token-command.ts';
export {
  hashToken,
  type IssuedToken,
  type IssueTokenOptions,
  issueToken,
  listTokens,
  type RotatedToken,
  type RotateTokenOptions,
  revokeToken,
  rotateToken,
  TOKEN_PREFIX,
  type TokenStatus,
  type TokenSummary,
  tokenIdOf,
  tokenStatus,
} from './auth/tokens.ts';
export type * from './auth/types.ts';
export { createScimHandler } from './handler/index.ts';
export {
  batchedLines,
  type CreateLoggerOptions,
  createLogger,
  getRequestId,
  logRequest,
  type RequestLogDetails,
  type RequestLogger,
  type RequestLoggingOptions,
  redactSecrets,
  withRequestLogging,
} from './log.ts';
export {
  createNodeServer,
  type NodeAdapterOptions,
  type NodeMiddleware,
  type NodeServerOptions,
  toNodeListener,
  toNodeMiddleware,
} from './node.ts';
export type * from './options.ts';
export {
  CONNECTOR_DATABASE_URL,
  connectorDatabase,
  explainDatabaseError,
  openConnectorStore,
} from './serve/database.ts';
export {
  listenPort,
  localUrl,
  packageManager,
  publicUrl,
  type ScriptEnv,
  scriptCommand,
} from './serve/env.ts';
export {
  type ConnectorDefinition,
  type ConnectorServer,
  connectorServer,
  type RunningServer,
  type ScriptContext,
} from './serve/serve.ts';
export { type DatabaseTarget, describeDatabase, parseDatabaseUrl } from './settings/database-url.ts';
export { safeParseDatabaseUrl } from './settings/safe-database-url.ts';
export type { StoreLogger } from './store/fault-log.ts';
export {
  type PgClientLike,
  type PgliteLike,
  type PgPoolLike,
  type PostgresStore,
  type PostgresStoreOptions,
  postgresStore,
  type SqliteStore,
  type SqliteStoreOptions,
  sqliteStore,
} from './store/index.ts';
export { type MemoryStoreOptions, memoryStore } from './store/memory.ts';
export type * from './store/types.ts';
