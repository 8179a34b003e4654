/**
 * Vitest helpers for `@scim/entra-mock`: one call sets up a tenant, its Microsoft Graph handlers and
 * an MSW server for the test file, started before the tests and closed after them; and the
 * conformance kit, {@link describeEntraConformance}, which runs Entra's lifecycle scenarios against
 * a SCIM connector in both dialects.
 *
 * @example
 * ```ts
 * import { expect, it } from 'vitest';
 * import { useEntraMock } from '@scim/entra-mock/vitest';
 * const entra = useEntraMock({ directory: { seed: 1, users: 50, groups: 5 } });
 * it('lists users', async () => {
 *   const res = await fetch('https://graph.microsoft.com/v1.0/users?$top=5');
 *   expect(res.status).toBe(200);
 * });
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/overview?view=graph-rest-1.0
 * @packageDocumentation
 */

import { ScimError } from '@scim/schemas';
import type { HttpHandler } from 'msw';
import { type SetupServer, setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { createManualClock, type ManualClock } from './clock.ts';
import { type ConformanceOptions, runConformanceScenario, selectScenarios } from './conformance/kit.ts';
import { createProvisioningJob, type ProvisioningJob, type ProvisioningJobOptions } from './engine/engine.ts';
import {
  type DirectoryDescription,
  type GenerateDirectoryOptions,
  generateDirectory,
  type ImportedDirectory,
  importDirectory,
} from './generator/directory.ts';
import { createGraphHandlers, type GraphHandlerOptions } from './graph/handlers.ts';
import { createSynchronization, type Synchronization } from './graph/sync.ts';
import { createEntraTenant, type EntraTenant, type EntraTenantOptions } from './tenant/tenant.ts';

/**
 * Options of {@link useEntraMock}.
 *
 * @example
 * ```ts
 * import { expect, it } from 'vitest';
 * import { type EntraMockOptions, useEntraMock } from '@scim/entra-mock/vitest';
 * const options: EntraMockOptions = { directory: { seed: 1, users: 20 }, graph: { requireToken: false } };
 * useEntraMock(options);
 * it('lists the directory through Graph', async () => {
 *   const response = await fetch('https://graph.microsoft.com/v1.0/users');
 *   expect((await response.json()).value).toHaveLength(20);
 * });
 * ```
 * @see https://mswjs.io/docs/api/setup-server
 */
export interface EntraMockOptions {
  /** The tenant's options; `clock` is taken from {@link EntraMockOptions.clock}. Defaults to `{ seed: 1 }`. */
  tenant?: Omit<EntraTenantOptions, 'clock'>;
  /** The clock; defaults to a new {@link createManualClock}. */
  clock?: ManualClock;
  /** A directory to load: a description, or options for {@link generateDirectory}. Defaults to none. */
  directory?: DirectoryDescription | GenerateDirectoryOptions;
  /** Options of the Graph handlers; defaults to `{ requireToken: false }`, so tests can call Graph without a token. */
  graph?: GraphHandlerOptions;
  /** More MSW handlers, for example a SCIM connector mounted with `mountFetchHandler` from `@scim/entra-mock`. */
  handlers?: HttpHandler[];
  /** What MSW does with a request no handler answers; defaults to `error`. */
  onUnhandledRequest?: 'error' | 'warn' | 'bypass';
  /**
   * A provisioning job to create, pointed at your connector: the job options without the tenant;
   * `servicePrincipalId` defaults to the loaded directory's first application.
   */
  provisioning?: Omit<ProvisioningJobOptions, 'tenant' | 'servicePrincipalId'> & {
    servicePrincipalId?: string;
  };
}

/**
 * What {@link useEntraMock} set up for the test file.
 *
 * @example
 * ```ts
 * const { tenant, clock, server, ids } = useEntraMock();
 * ```
 * @see https://mswjs.io/docs/api/setup-server
 */
export interface EntraMock {
  /** The tenant, shared by the file's tests. */
  readonly tenant: EntraTenant;
  /** The tenant's clock. */
  readonly clock: ManualClock;
  /** The MSW server: add handlers for one test with `server.use(...)`; they are reset after each test. */
  readonly server: SetupServer;
  /** The ids of the loaded directory (empty maps when none was loaded). */
  readonly ids: ImportedDirectory;
  /** The provisioning job, when `provisioning` was given; `null` otherwise. */
  readonly job: ProvisioningJob | null;
  /** The synchronization service behind the Graph `synchronization` and `auditLogs/provisioning` endpoints. */
  readonly synchronization: Synchronization;
}

/**
 * Sets up an Entra tenant, its Graph handlers and an MSW server for the current test file:
 * `server.listen()` before all tests, `server.resetHandlers()` after each, `server.close()` after
 * all. Call it at the top level of a test file (or of a `describe`).
 *
 * @param options - tenant, clock, directory, Graph options and extra handlers
 * @returns the tenant, clock, server, directory ids, provisioning job and synchronization service
 * @throws ScimError `invalidValue` when the directory description is invalid
 * @example
 * ```ts
 * import { expect, it } from 'vitest';
 * import { mountFetchHandler } from '@scim/entra-mock';
 * import { useEntraMock } from '@scim/entra-mock/vitest';
 *
 * const { tenant, job } = useEntraMock({
 *   directory: { seed: 1, users: 25 },
 *   handlers: [mountFetchHandler('https://scim.example.test/scim', connector.fetch)],
 *   provisioning: { tenantUrl: 'https://scim.example.test/scim', secretToken: 'token' },
 * });
 * it('provisions everyone', async () => expect((await job!.runCycle()).failed).toBe(0));
 * ```
 * @see https://mswjs.io/docs/integrations/node
 */
export function useEntraMock(options: EntraMockOptions = {}): EntraMock {
  const clock = options.clock ?? createManualClock();
  const tenant = createEntraTenant({ seed: 1, ...options.tenant, clock });
  let ids: ImportedDirectory = { users: {}, groups: {}, applications: {} };
  if (options.directory) {
    const description =
      'seed' in options.directory ? generateDirectory(options.directory) : options.directory;
    ids = importDirectory(tenant, description);
  }
  const synchronization = options.graph?.synchronization ?? createSynchronization(tenant);
  const server = setupServer(
    ...createGraphHandlers(tenant, { requireToken: false, ...options.graph, synchronization }),
    ...(options.handlers ?? []),
  );
  let job: ProvisioningJob | null = null;
  if (options.provisioning) {
    const { servicePrincipalId, ...rest } = options.provisioning;
    const appId = servicePrincipalId ?? Object.values(ids.applications)[0];
    if (appId === undefined) {
      throw new ScimError(
        'invalidValue',
        'useEntraMock: provisioning needs an application; load a directory with one or pass provisioning.servicePrincipalId',
      );
    }
    job = createProvisioningJob({ ...rest, tenant, servicePrincipalId: appId });
  }
  beforeAll(() => server.listen({ onUnhandledRequest: options.onUnhandledRequest ?? 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return { tenant, clock, server, ids, job, synchronization };
}

/**
 * The conformance kit for vitest: registers one test per lifecycle scenario and dialect (a
 * `describe` per dialect, `legacy` and `compliant`), each running the scenario through the
 * provisioning engine against your connector and failing with the requests Entra sent and the
 * responses it got.
 *
 * @param title - the title of the enclosing `describe`
 * @param options - the connector (or a function making a fresh one per scenario), the app's mappings, dialects and scenarios
 * @returns nothing; the tests are registered in the current file
 * @example
 * ```ts
 * import { bearerTokens, createScimHandler, issueToken, memoryStore } from '@scim/server';
 * import { describeEntraConformance } from '@scim/entra-mock/vitest';
 *
 * describeEntraConformance('my connector', {
 *   connector: async () => {
 *     const store = memoryStore();
 *     const { token } = await issueToken(store.tokens, 'default');
 *     const handler = createScimHandler({ store, authenticate: bearerTokens({ tokens: store.tokens }) });
 *     return { tenantUrl: 'https://scim.example.test', secretToken: token, fetch: handler };
 *   },
 * });
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 */
export function describeEntraConformance(title: string, options: ConformanceOptions): void {
  describe(title, () => {
    for (const dialect of options.dialects ?? (['legacy', 'compliant'] as const)) {
      describe(dialect === 'compliant' ? 'compliant dialect (?aadOptscim062020)' : 'legacy dialect', () => {
        for (const scenario of selectScenarios(options)) {
          it(scenario.title, () => runConformanceScenario(scenario.name, dialect, options));
        }
      });
    }
  });
}

export {
  type ConformanceConnector,
  ConformanceFailure,
  type ConformanceOptions,
  type ConformanceResult,
  type ConformanceScenario,
  type ConformanceScenarioName,
  conformanceScenarios,
  runConformance,
  runConformanceScenario,
} from './conformance/kit.ts';
export type { ConformanceExchange } from './conformance/transcript.ts';
export {
  directoryUser,
  type EntraMapping,
  type EntraResponse,
  entraRequest,
  readEntraMapping,
  userNameFilter,
} from './entra-requests.ts';
