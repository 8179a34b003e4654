/**
 * The first-run suite of a connector project: `npm start` and `npm run token` as a new user first
 * meets them, declared with vitest from what differs between connectors.
 */
import { describeDatabaseUrl, describeFirstRunCases, type FirstRun } from './first-run-cases.ts';
import { type TokenCommandRunner, useConnectorSandbox } from './sandbox.ts';
import type { ConnectorServer } from './serve.ts';
import { describeTokenCommandCases } from './token-cases.ts';

/**
 * The scripts of a connector project the first-run suite drives: `startServer`, `banner` and
 * `explainStartError` of its `src/server.ts`, and `runTokenCommand` of its `src/token.ts`.
 *
 * @example
 * ```ts
 * // test/first-run.test.ts of a project with one endpoint
 * import { describeConnectorFirstRun } from '@scim/server/testing';
 * // startServer, banner and explainStartError come from the project's src/server.ts, runTokenCommand from its src/token.ts.
 *
 * describeConnectorFirstRun({
 *   scripts: { startServer, banner, explainStartError, runTokenCommand },
 *   basePath: '/scim/v2',
 * });
 * ```
 * @see {@link @scim/server!connectorServer}
 */
export interface ConnectorScripts
  extends Pick<ConnectorServer, 'startServer' | 'banner' | 'explainStartError'> {
  /** The token command (`connector.runTokenCommand`, or the project's own). */
  readonly runTokenCommand: TokenCommandRunner;
}

/**
 * Options of {@link describeConnectorFirstRun}: the project's scripts, and what a new user should
 * read from them. The suite compares what the scripts print with these, so they are written out as
 * the user sees them, not taken from the connector's definition.
 *
 * @example
 * ```ts
 * // test/first-run.test.ts of keeper, one endpoint per node
 * import { describeConnectorFirstRun } from '@scim/server/testing';
 * // startServer, banner and explainStartError come from the project's src/server.ts, runTokenCommand from its src/token.ts.
 *
 * describeConnectorFirstRun({
 *   scripts: { startServer, banner, explainStartError, runTokenCommand },
 *   product: 'Keeper',
 *   basePath: '/scim/{node}',
 *   tenantOption: 'node',
 *   tenant: 'engineering',
 * });
 * ```
 * @see {@link describeConnectorFirstRun}
 */
export interface ConnectorFirstRunOptions {
  /** The project's scripts. */
  readonly scripts: ConnectorScripts;
  /** The product the banner's first line names (`Keeper SCIM connector listening on ...`); none: `SCIM connector listening on ...`. */
  readonly product?: string | undefined;
  /**
   * The base path as the banner prints it in the Tenant URL, with `{<tenantOption>}` where the tenant
   * goes (`/scim/v2`, `/scim/{node}`, `/api/scim/{organization}`); the suite calls it with
   * `tenant` in that place.
   */
  readonly basePath: string;
  /** The token command's option that names the tenant, without dashes (`node` for `--node <node>`); none for a connector with one endpoint. */
  readonly tenantOption?: string | undefined;
  /** The tenant the suite issues tokens for and calls (`engineering`), with `tenantOption`. */
  readonly tenant?: string | undefined;
  /**
   * Token command arguments that make a created token open the endpoint, run after `create`
   * (`['activate', '--organization', 'acme']`); only a token command of the project's own has
   * such a step, so it needs `ownTokenCommand`.
   */
  readonly activate?: readonly string[] | undefined;
  /**
   * `true` when `scripts.runTokenCommand` is the project's own command rather than
   * `connector.runTokenCommand` of {@link @scim/server!connectorServer}: the suite then leaves out
   * the tests of that command (issue, list and revoke a token against the served endpoint; its
   * usage), which the project writes for its own command.
   */
  readonly ownTokenCommand?: boolean | undefined;
  /** The lines the banner prints after the Secret Token line, when npm ran `npm start`. */
  readonly bannerNotes?: readonly string[] | undefined;
  /** More environment for each test, given its fresh directory (see {@link ConnectorSandboxOptions.env}). */
  readonly env?: ((dir: string) => Readonly<Record<string, string>>) | undefined;
}

/**
 * Declares, with vitest, the tests of what a new user first meets in a connector project made by
 * `create-scim-connector`: one log line per request (method, path, status, time, request id, never
 * the token), a taken port said in words, a SCIM 431 for too long a URL, HOST honoured, the banner's
 * Tenant URL and token command for the package manager that ran the script, an unreachable
 * PostgreSQL named without its password, and DATABASE_URL's forms; and the token command of
 * @scim/server (unless `ownTokenCommand`): a token issued with `--label` opens the served endpoint
 * (PUBLIC_URL in its Tenant URL), is listed as active, and once revoked no longer opens it, an
 * unknown token's revocation is refused, `create` without the tenant option is a usage error (per
 * tenant), and an unknown command prints the usage. Each test runs the project's own scripts on a
 * fresh SQLite file ({@link useConnectorSandbox}); the project gives only what differs: its product
 * name, tenant option, base path, activation step and banner notes.
 *
 * @param options - the project's scripts, and what they should print
 * @throws TypeError when `tenantOption` and `tenant` are not given together, `basePath` lacks
 * `{<tenantOption>}`, or `activate` is given without `ownTokenCommand`
 * @example
 * ```ts
 * // test/first-run.test.ts of a generated Keeper connector
 * import { describeConnectorFirstRun } from '@scim/server/testing';
 * // startServer, banner and explainStartError come from the project's src/server.ts, runTokenCommand from its src/token.ts.
 *
 * describeConnectorFirstRun({
 *   scripts: { startServer, banner, explainStartError, runTokenCommand },
 *   product: 'Keeper',
 *   basePath: '/scim/{node}',
 *   tenantOption: 'node',
 *   tenant: 'engineering',
 * });
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.12
 */
export function describeConnectorFirstRun(options: ConnectorFirstRunOptions): void {
  const { scripts, tenantOption, tenant, basePath } = options;
  if ((tenantOption === undefined) !== (tenant === undefined)) {
    throw new TypeError(
      'describeConnectorFirstRun: give tenantOption and tenant together (tenantOption: "node", tenant: "engineering"), or neither for a connector with one endpoint.',
    );
  }
  if (tenantOption !== undefined && !basePath.includes(`{${tenantOption}}`)) {
    throw new TypeError(
      `describeConnectorFirstRun: basePath "${basePath}" has no {${tenantOption}}: write it as the banner prints it ("/scim/{${tenantOption}}").`,
    );
  }
  if (options.activate !== undefined && options.ownTokenCommand !== true) {
    throw new TypeError(
      'describeConnectorFirstRun: the token command of @scim/server has no activation step: a project whose command has one (activate) gives ownTokenCommand: true, and tests that command itself.',
    );
  }
  const perTenant = tenantOption !== undefined && tenant !== undefined;
  const sandbox = useConnectorSandbox({ runTokenCommand: scripts.runTokenCommand, env: options.env });
  const run: FirstRun = {
    startServer: scripts.startServer,
    banner: scripts.banner,
    explainStartError: scripts.explainStartError,
    sandbox,
    listening: `${options.product === undefined ? '' : `${options.product} `}SCIM connector listening on`,
    basePath,
    served: perTenant ? basePath.replace(`{${tenantOption}}`, tenant) : basePath,
    tenantArgs: perTenant ? [`--${tenantOption}`, tenant] : [],
    placeholder: perTenant ? ` --${tenantOption} <${tenantOption}>` : '',
    activate: options.activate,
    bannerNotes: options.bannerNotes ?? [],
  };
  describeDatabaseUrl();
  describeFirstRunCases(run);
  if (options.ownTokenCommand !== true) describeTokenCommandCases(run, tenantOption);
}
