/**
 * A connector project's scripts under test: a fresh directory per test for the SQLite file
 * DATABASE_URL names, and the token command run with its output kept.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { ScriptEnv } from './env.ts';
import type { ScriptContext } from './serve.ts';

/**
 * A connector's token command, as its `src/token.ts` exports it: `connector.runTokenCommand` of
 * {@link @scim/server!connectorServer}, or a command of its own with the same signature.
 *
 * @param argv - the arguments after `npm run token --`
 * @param context - the environment, and where the command writes
 * @returns the exit code
 * @example
 * ```ts
 * // The runner of a connectorServer's scripts, as src/token.ts exports it.
 * const sandbox = useConnectorSandbox({ runTokenCommand: connector.runTokenCommand });
 * ```
 * @see {@link @scim/server!ConnectorServer.runTokenCommand}
 */
export type TokenCommandRunner = (argv: readonly string[], context: ScriptContext) => Promise<number>;

/**
 * What the token command printed, standard output and standard error in the order written, and its exit code.
 *
 * @example
 * ```ts
 * import { expect, it } from 'vitest';
 *
 * const sandbox = useConnectorSandbox({ runTokenCommand });
 * it('issues a token', async () => {
 *   const { code, lines } = await sandbox.token(['create']);
 *   expect(code).toBe(0);
 *   expect(lines[1]).toMatch(/^Secret Token: scim_/);
 * });
 * ```
 * @see {@link ConnectorSandbox.token}
 */
export interface TokenCommandResult {
  /** The exit code: 0 done, 1 failed (the database, an unknown token), 2 a usage error. */
  readonly code: number;
  /** Every line it wrote. */
  readonly lines: string[];
}

/**
 * Options of {@link useConnectorSandbox}.
 *
 * @example
 * ```ts
 * import { useConnectorSandbox } from '@scim/server/testing';
 * // runTokenCommand comes from the project's src/token.ts.
 *
 * // Each test gets a fresh directory and SQLite file; the env adds the public URL the banner prints.
 * const sandbox = useConnectorSandbox({
 *   runTokenCommand,
 *   env: () => ({ PUBLIC_URL: 'https://scim.example.com' }),
 * });
 * ```
 * @see {@link useConnectorSandbox}
 */
export interface ConnectorSandboxOptions {
  /** The project's token command (`runTokenCommand` of its `src/token.ts`). */
  readonly runTokenCommand: TokenCommandRunner;
  /**
   * More environment for each test, given its fresh directory (`PUBLIC_URL`, or a file of the
   * project's own such as `ORGANIZATIONS_FILE`); it may override DATABASE_URL and PORT.
   */
  readonly env?: ((dir: string) => Readonly<Record<string, string>>) | undefined;
}

/**
 * One test's project, from {@link useConnectorSandbox}: renewed before each test, its directory
 * removed after it. Read its properties inside a test (not when the file is loaded).
 *
 * @example
 * ```ts
 * import { it } from 'vitest';
 *
 * const sandbox = useConnectorSandbox({ runTokenCommand });
 * it('starts', async () => {
 *   const running = await startServer(sandbox.env);
 *   await running.close();
 * });
 * ```
 * @see {@link useConnectorSandbox}
 */
export interface ConnectorSandbox {
  /**
   * The test's environment: DATABASE_URL, an SQLite file in {@link ConnectorSandbox.dir}; PORT 0
   * (a free port); and the options' `env`. Change it or replace it: {@link ConnectorSandbox.token}
   * reads it when called.
   */
  env: Record<string, string | undefined>;
  /** The test's directory, under the system's temporary directory. */
  readonly dir: string;
  /**
   * Runs the token command on {@link ConnectorSandbox.env}, keeping what it writes.
   * @param argv - the arguments after `npm run token --` (`['create', '--label', 'Entra']`)
   * @returns its exit code and lines
   */
  token(argv: readonly string[]): Promise<TokenCommandResult>;
}

/**
 * Gives each test of the file a fresh connector project (vitest hooks, registered where it is
 * called): a new temporary directory for the SQLite file DATABASE_URL names, PORT 0, and the token
 * command run on that environment with its output kept; the directory is removed after the test.
 * It is how a connector's tests run `npm run token` and `npm start` on a real store.
 *
 * @param options - the project's token command, and more environment
 * @returns the sandbox, whose `env` and `dir` are renewed before each test
 * @example
 * ```ts
 * // a test of a generated connector's own token command (vault-platform's test/server.test.ts)
 * import { useConnectorSandbox } from '@scim/server/testing';
 * import { expect, it } from 'vitest';
 * // startServer comes from the project's src/server.ts, runTokenCommand from its src/token.ts.
 *
 * const sandbox = useConnectorSandbox({ runTokenCommand, env: () => ({ PUBLIC_URL: 'https://scim.example.com' }) });
 *
 * it('issues a token the server accepts', async () => {
 *   const created = await sandbox.token(['create']);
 *   const secret = created.lines[1]!.replace('Secret Token: ', '');
 *   const running = await startServer(sandbox.env);
 *   try {
 *     const users = await fetch(`${running.url}/scim/v2/Users`, { headers: { authorization: `Bearer ${secret}` } });
 *     expect(users.status).toBe(200);
 *   } finally {
 *     await running.close();
 *   }
 * });
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 * @see {@link describeConnectorFirstRun}
 */
export function useConnectorSandbox(options: ConnectorSandboxOptions): ConnectorSandbox {
  let dir = '';
  const sandbox: ConnectorSandbox = {
    env: {},
    get dir() {
      return dir;
    },
    async token(argv) {
      const lines: string[] = [];
      const write = (text: string) => {
        lines.push(text);
      };
      const env: ScriptEnv = sandbox.env;
      const code = await options.runTokenCommand(argv, { env, out: write, err: write });
      return { code, lines };
    },
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scim-connector-'));
    sandbox.env = {
      DATABASE_URL: `file:${join(dir, 'data', 'connector.db')}`,
      PORT: '0',
      ...options.env?.(dir),
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return sandbox;
}
