import { NODE_SERVER_DEFAULTS, type NodeServerOptions } from '../node.ts';
import { listenHost, parsePort } from '../serve/env.ts';
import { type DatabaseTarget, parseDatabaseUrl } from '../settings/database-url.ts';
import { parseDuration } from '../settings/duration.ts';
import { CliError } from '../settings/errors.ts';
import type { CliContext } from './context.ts';
import { profileFromEnv } from './profile-env.ts';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/**
 * What `scim-server start` reads from its flags and the environment, each checked before anything
 * is opened.
 * @internal
 */
export interface StartSettings {
  /** `--port`, PORT; default 8080. */
  readonly port: number;
  /** `--host`, HOST; every interface when absent. */
  readonly host: string | undefined;
  /** `--base-path`, BASE_PATH. */
  readonly basePath: string | undefined;
  /** LOG_LEVEL; default info. */
  readonly level: (typeof LEVELS)[number];
  /** USER_PATCH_RESPONSE; default 200. */
  readonly userPatchResponse: 200 | 204;
  /** PROFILE and UNKNOWN_MEMBERS, as handler options. */
  readonly validation: ReturnType<typeof profileFromEnv>;
  /** DATABASE_URL. */
  readonly database: DatabaseTarget;
  /** HEADERS_TIMEOUT, REQUEST_TIMEOUT, KEEP_ALIVE_TIMEOUT and MAX_HEADER_SIZE. */
  readonly limits: NodeServerOptions;
  /** QUERY_TIMEOUT in milliseconds, when set. */
  readonly queryTimeout: number | undefined;
}

/** The port `scim-server start` listens on when neither `--port` nor PORT says another. */
export const DEFAULT_PORT = '8080';

/**
 * Reads and checks the settings of `scim-server start`.
 *
 * @param values - the parsed `--port`, `--host` and `--base-path` flags
 * @param env - the environment
 * @param cwd - the directory a relative SQLite path resolves against
 * @returns the settings
 * @throws CliError (exit code 2) for the first setting that is not valid, saying what to write
 * @internal
 */
export function startSettings(
  values: {
    readonly port?: string | undefined;
    readonly host?: string | undefined;
    readonly 'base-path'?: string | undefined;
  },
  env: CliContext['env'],
  cwd: string,
): StartSettings {
  const portText = values.port ?? env.PORT ?? DEFAULT_PORT;
  const port = parsePort(portText);
  if (port === undefined) {
    throw new CliError(`PORT "${portText}" is not a TCP port; use a number from 0 to 65535.`, 2);
  }
  const host = listenHost(values.host ?? env.HOST);
  const basePath = values['base-path'] ?? (env.BASE_PATH || undefined);
  const level = (env.LOG_LEVEL || 'info').toLowerCase();
  if (!(LEVELS as readonly string[]).includes(level)) {
    throw new CliError(`LOG_LEVEL "${env.LOG_LEVEL}" is not a level; use one of ${LEVELS.join(', ')}.`, 2);
  }
  const userPatch = env.USER_PATCH_RESPONSE || '200';
  if (userPatch !== '200' && userPatch !== '204') {
    throw new CliError(`USER_PATCH_RESPONSE "${userPatch}" is not 200 or 204.`, 2);
  }
  const validation = profileFromEnv(env);
  const database = parseDatabaseUrl(env.DATABASE_URL, cwd);
  const limits = serverLimitsFromEnv(env);
  const queryTimeout = env.QUERY_TIMEOUT ? parseDuration(env.QUERY_TIMEOUT, 'QUERY_TIMEOUT') : undefined;
  return {
    port,
    host,
    basePath,
    level: level as (typeof LEVELS)[number],
    userPatchResponse: userPatch === '204' ? 204 : 200,
    validation,
    database,
    limits,
    queryTimeout,
  };
}

/** The server's timeouts and header limit from `HEADERS_TIMEOUT`, `REQUEST_TIMEOUT`, `KEEP_ALIVE_TIMEOUT` and `MAX_HEADER_SIZE`. */
function serverLimitsFromEnv(env: CliContext['env']) {
  const duration = (name: string, fallback: number) => {
    const text = env[name];
    if (!text) return fallback;
    const ms = parseDuration(text, name);
    if (ms <= 0) throw new CliError(`${name} "${text}" must be longer than 0; write it like 30s.`, 2);
    return ms;
  };
  const limits = {
    headersTimeoutMs: duration('HEADERS_TIMEOUT', NODE_SERVER_DEFAULTS.headersTimeoutMs),
    requestTimeoutMs: duration('REQUEST_TIMEOUT', NODE_SERVER_DEFAULTS.requestTimeoutMs),
    keepAliveTimeoutMs: duration('KEEP_ALIVE_TIMEOUT', NODE_SERVER_DEFAULTS.keepAliveTimeoutMs),
    maxHeaderBytes: NODE_SERVER_DEFAULTS.maxHeaderBytes as number,
  };
  const size = env.MAX_HEADER_SIZE;
  if (size) {
    if (!/^\d+$/.test(size) || Number(size) < 1024) {
      throw new CliError(
        `MAX_HEADER_SIZE "${size}" is not a size in bytes of at least 1024; write it like 32768.`,
        2,
      );
    }
    limits.maxHeaderBytes = Number(size);
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new CliError(
      `HEADERS_TIMEOUT (${limits.headersTimeoutMs} ms) must not exceed REQUEST_TIMEOUT (${limits.requestTimeoutMs} ms).`,
      2,
    );
  }
  return limits;
}
