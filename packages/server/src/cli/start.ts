import { parseArgs } from 'node:util';
import { anyOf } from '../auth/any-of.ts';
import { bearerTokens } from '../auth/bearer.ts';
import { jwtAuth } from '../auth/jwt.ts';
import type { Authenticator } from '../auth/types.ts';
import { createScimHandler } from '../handler/index.ts';
import { createLogger, getRequestId, type RequestLogger } from '../log.ts';
import { trustsProxy } from '../serve/env.ts';
import { type Listening, listenHandler } from '../serve/listen.ts';
import { DEFAULT_DATABASE, describeDatabase } from '../settings/database-url.ts';
import { CliError } from '../settings/errors.ts';
import type { CliContext } from './context.ts';
import { collectWhenIdle } from './idle-collector.ts';
import { describeMigration, describeUnreserved, migrationOf } from './migration-report.ts';
import { startSettings } from './start-settings.ts';

/** Help for `scim-server start`. */
export const startHelp = `Usage: scim-server start [--port 8080] [--host 0.0.0.0] [--base-path /scim/v2]

Serves SCIM 2.0 over HTTP: users and groups, bearer tokens of \`scim-server tokens\` (a revoked
token stops working within 5 seconds), JSON logs on standard output (one line per request, with
its x-request-id; never a token).

Options (each also read from the environment):
  --port <n>          PORT: the TCP port (default 8080; 0 picks a free one)
  --host <host>       HOST: the interface to listen on (default: all)
  --base-path <path>  BASE_PATH: where the endpoints live, for example /scim/v2, or
                      /scim/{tenant} to take the tenant from the URL (default: /, tenant "default")
Environment:
  DATABASE_URL        a SQLite file (default ./scim.db) or a postgres:// URL; ?schema=<name> in
                      a postgres:// URL puts the tables in that schema (default public)
  LOG_LEVEL           trace, debug, info (default), warn, error, fatal or silent
  TRUST_PROXY=1       take the public scheme and host from X-Forwarded-Proto / X-Forwarded-Host
  JWT_ISSUER, JWT_AUDIENCE, JWT_JWKS_URL
                      also accept OAuth 2 JWTs (for example Entra: iss https://sts.windows.net/<id>/)
  JWT_TENANT          the tenant such JWTs open (default: their tid claim)
  USER_PATCH_RESPONSE 200 (default: the user) or 204 (no content) for a successful user PATCH
  PROFILE             entra (default: accept what Entra ID sends) or strict (RFC 7643/7644 only)
  UNKNOWN_MEMBERS     skip (default with entra: leave unknown member ids out) or reject (400; default with strict)
  HEADERS_TIMEOUT     how long a client may take to send the headers (default 10s; then 408)
  REQUEST_TIMEOUT     how long a client may take to send the whole request (default 30s; then 408)
  KEEP_ALIVE_TIMEOUT  how long an idle connection stays open (default 5s; behind a load balancer,
                      longer than its idle timeout)
  MAX_HEADER_SIZE     the largest request line and headers, in bytes (default 16384; then 431)
  QUERY_TIMEOUT       how long one list query may run (default 200ms; then 400 tooMany; 0: no limit)`;

/** How long `start` reuses a verified bearer token's record (a revocation takes effect within it). */
export const TOKEN_CACHE_MS = 5_000;

/**
 * The authenticator `start` uses: the store's bearer tokens, and OAuth 2 JWTs when `JWT_ISSUER`,
 * `JWT_AUDIENCE` and `JWT_JWKS_URL` are set; why a JWT was rejected is logged at `warn` (the
 * reason and the request id, never the token).
 *
 * @param env - the environment
 * @param tokens - the store's token records
 * @param logger - where JWT rejections are logged
 * @returns the authenticator
 * @throws CliError when only some of the JWT variables are set, or the JWKS URL is invalid
 * @internal
 */
export function authenticatorFromEnv(
  env: CliContext['env'],
  tokens: Parameters<typeof bearerTokens>[0]['tokens'],
  logger?: Pick<RequestLogger, 'warn'>,
): Authenticator {
  // Verified tokens are reused for TOKEN_CACHE_MS: a revocation takes effect within 5 s.
  const bearer = bearerTokens({ tokens, cacheTtlMs: TOKEN_CACHE_MS });
  const jwtVars = ['JWT_ISSUER', 'JWT_AUDIENCE', 'JWT_JWKS_URL'] as const;
  const set = jwtVars.filter((name) => env[name]);
  if (set.length === 0) return bearer;
  if (set.length < jwtVars.length) {
    const missing = jwtVars.filter((name) => !env[name]);
    throw new CliError(`JWT validation needs ${jwtVars.join(', ')}; ${missing.join(' and ')} not set.`, 2);
  }
  let jwks: URL;
  try {
    jwks = new URL(env.JWT_JWKS_URL!);
  } catch {
    throw new CliError(
      `JWT_JWKS_URL "${env.JWT_JWKS_URL}" is not a URL; use the key set's https:// address.`,
      2,
    );
  }
  const tenant = env.JWT_TENANT;
  const jwt = jwtAuth({
    issuer: env.JWT_ISSUER!,
    audience: env.JWT_AUDIENCE!,
    jwks,
    ...(tenant ? { tenantFromClaims: () => tenant } : {}),
    onReject: (error, request) => {
      const { code, claim } = error as { code?: unknown; claim?: unknown };
      logger?.warn(
        {
          requestId: getRequestId(request),
          reason: error.message,
          ...(typeof code === 'string' ? { code } : {}),
          ...(typeof claim === 'string' ? { claim } : {}),
        },
        code === 'ERR_JWKS_UNREACHABLE' ? 'JWT key set unreachable (answered 503)' : 'JWT rejected',
      );
    },
  });
  return anyOf(bearer, jwt);
}

/**
 * Runs `scim-server start`: opens and migrates the store, serves the SCIM handler with request
 * logging on `node:http`, and shuts down cleanly (in-flight requests finish, the store closes)
 * when `context.waitForShutdown` resolves.
 *
 * @param argv - the arguments after `start`
 * @param context - the injected world
 * @returns the exit code, once the server has shut down
 * @throws CliError for a bad port, log level or JWT setting
 * @internal
 */
export async function startCommand(argv: readonly string[], context: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'base-path': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    context.out(startHelp);
    return 0;
  }
  const { env } = context;
  const settings = startSettings(values, env, context.cwd);
  const { port, host, basePath, level, database, queryTimeout } = settings;

  const logger = createLogger({
    level,
    name: 'scim-server',
    ...(context.logDestination === undefined ? {} : { destination: context.logDestination }),
  });
  const store = await context.openStore(env.DATABASE_URL || DEFAULT_DATABASE, {
    logger,
    ...(queryTimeout === undefined ? {} : { queryTimeoutMs: queryTimeout }),
  });
  let authenticate: Authenticator;
  try {
    authenticate = authenticatorFromEnv(env, store.tokens, logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  const handler = createScimHandler({
    store,
    authenticate,
    logger,
    ...settings.validation,
    userPatchResponse: settings.userPatchResponse,
    ...(basePath === undefined ? {} : { basePath }),
  });
  try {
    await handler.ready;
  } catch (error) {
    await handler.close().catch(() => undefined);
    throw error;
  }
  const migrated = migrationOf(store);
  if (migrated !== undefined && migrated.from < migrated.to) {
    logger.info(
      { from: migrated.from, to: migrated.to },
      `migrated the database: ${describeMigration(migrated)}`,
    );
  }
  const unreserved = describeUnreserved(migrated);
  if (unreserved.length > 0) logger.warn({ unreserved: migrated?.unreserved }, unreserved.join('\n'));

  let listening: Listening;
  try {
    listening = await listenHandler(handler, {
      port,
      host,
      logger,
      server: { trustProxy: trustsProxy(env), ...settings.limits },
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new CliError(
        `cannot listen on ${host ?? 'all interfaces'} port ${port} (${code}); set PORT to a free port, or stop what uses it.`,
      );
    }
    throw error;
  }

  // Stop on a signal from the moment the line below says it listens.
  const shutdown = context.waitForShutdown?.();
  const { address } = listening;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}${(basePath ?? '').replace(/\/$/, '')}`;
  logger.info({ url, store: store.kind, database: describeDatabase(database) }, 'scim-server listening');
  context.err(`scim-server listening on ${url} (${describeDatabase(database)})`);
  const stopCollector = collectWhenIdle();

  if (shutdown === undefined) return new Promise<number>(() => undefined);
  await shutdown;
  stopCollector();
  logger.info({}, 'scim-server shutting down');
  // In-flight requests finish (a busy connection gets ten seconds), then the store closes.
  await listening.close();
  context.err('scim-server stopped.');
  return 0;
}
