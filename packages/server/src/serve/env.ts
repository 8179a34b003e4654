/**
 * What a connector's own scripts (`npm start`, `npm run token`) read from their environment: the
 * package manager that ran them, the port and host they listen on, and the address Entra reaches.
 */

/**
 * A process environment, or a test's stand-in for one.
 *
 * @example
 * ```ts
 * const env: ScriptEnv = { ...process.env, PORT: '0' };
 * const running = await connector.startServer(env);
 * ```
 * @see https://nodejs.org/api/process.html#processenv
 */
export type ScriptEnv = Readonly<Record<string, string | undefined>>;

/**
 * The package manager running this process, from the `npm_config_user_agent` that `npm start`,
 * `pnpm start`, `yarn start` and `bun run start` set (`pnpm/10.0.0 npm/? node/v24.0.0 linux x64`);
 * npm when run otherwise (`node src/server.ts`).
 *
 * @param env - the environment (`process.env`)
 * @returns `npm`, `pnpm`, `yarn` or `bun`
 * @example
 * ```ts
 * packageManager({ npm_config_user_agent: 'pnpm/10.12.1 npm/? node/v24.11.0 linux x64' }); // 'pnpm'
 * ```
 * @see https://docs.npmjs.com/cli/using-npm/config#user-agent
 */
export function packageManager(env: ScriptEnv): 'npm' | 'pnpm' | 'yarn' | 'bun' {
  const name = env.npm_config_user_agent?.split('/')[0];
  return name === 'pnpm' || name === 'yarn' || name === 'bun' ? name : 'npm';
}

/**
 * The command that runs one of a project's scripts, ready for its arguments: `npm run token --`,
 * `pnpm run token`, `yarn token` or `bun run token` (`pnpm token` would be pnpm's own command).
 *
 * @param script - the script's name in package.json
 * @param env - the environment, for {@link packageManager}
 * @returns the command, without a trailing space
 * @example
 * ```ts
 * console.log(`Secret Token: ${scriptCommand('token', process.env)} create`);
 * ```
 * @see https://docs.npmjs.com/cli/commands/npm-run-script
 */
export function scriptCommand(script: string, env: ScriptEnv): string {
  switch (packageManager(env)) {
    case 'pnpm':
      return `pnpm run ${script}`;
    case 'yarn':
      return `yarn ${script}`;
    case 'bun':
      return `bun run ${script}`;
    default:
      return `npm run ${script} --`;
  }
}

/**
 * The port a connector listens on: PORT, default 3000 (0 picks a free one).
 *
 * @param env - the environment
 * @returns the port number
 * @throws Error when PORT is not a port number, saying where to set it
 * @example
 * ```ts
 * server.listen(listenPort(process.env));
 * ```
 * @see https://nodejs.org/api/net.html#serverlistenport-host-backlog-callback
 */
export function listenPort(env: ScriptEnv): number {
  const text = env.PORT?.trim() ?? '';
  if (text === '') return 3000;
  const value = parsePort(text);
  if (value === undefined) {
    throw new Error(
      `PORT must be a port number from 0 to 65535, not "${text}": set it in .env or the environment.`,
    );
  }
  return value;
}

/**
 * A TCP port from its text, as both `scim-server start` and a connector's `npm start` read PORT:
 * decimal digits (spaces around them allowed) for a number from 0 to 65535; `undefined` for
 * anything else, which each refuses in its own words.
 *
 * @param text - the PORT value or the `--port` flag
 * @returns the port, or `undefined`
 * @internal
 */
export function parsePort(text: string): number | undefined {
  const digits = text.trim();
  if (!/^\d+$/.test(digits)) return undefined;
  const port = Number(digits);
  return port <= 65_535 ? port : undefined;
}

/**
 * The interface to listen on, as both `scim-server start` and a connector's `npm start` read HOST:
 * the value trimmed; every interface (`undefined`) when it is unset or blank.
 *
 * @param text - the HOST value or the `--host` flag
 * @returns the host, or `undefined`
 * @internal
 */
export function listenHost(text: string | undefined): string | undefined {
  return text?.trim() || undefined;
}

/**
 * The address a connector is reached at from this machine: `http://localhost:<PORT>`, or the HOST
 * it listens on when that is one address (not `0.0.0.0` or `::`, which mean every interface).
 *
 * @param env - the environment (HOST, PORT)
 * @param port - the port it listens on, when known (a PORT of 0 picks one)
 * @returns the origin, without a trailing slash
 * @example
 * ```ts
 * localUrl({ HOST: '127.0.0.1', PORT: '4000' }); // 'http://127.0.0.1:4000'
 * ```
 * @see https://nodejs.org/api/net.html#serverlistenport-host-backlog-callback
 */
export function localUrl(env: ScriptEnv, port: number = listenPort(env)): string {
  const host = env.HOST?.trim();
  if (host === undefined || host === '' || host === '0.0.0.0' || host === '::') {
    return `http://localhost:${port}`;
  }
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Where Entra reaches a connector: PUBLIC_URL (the https:// address in front of it), or else the
 * local address ({@link localUrl}).
 *
 * @param env - the environment (PUBLIC_URL, HOST, PORT)
 * @param port - the port it listens on, when known
 * @returns the origin, without a trailing slash
 * @example
 * ```ts
 * const tenantUrl = `${publicUrl(process.env)}/scim/v2`;
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 */
export function publicUrl(env: ScriptEnv, port?: number): string {
  return (env.PUBLIC_URL?.trim() || localUrl(env, port)).replace(/\/+$/, '');
}

/**
 * Whether to take the public scheme and host from `X-Forwarded-Proto` / `X-Forwarded-Host`, as both
 * `scim-server start` and a connector's `npm start` read TRUST_PROXY: `1`, `true`, `yes` or `on`.
 *
 * @param env - the environment (TRUST_PROXY)
 * @returns `true` to trust the proxy's headers
 * @internal
 */
export function trustsProxy(env: ScriptEnv): boolean {
  const value = env.TRUST_PROXY;
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}
