// The conformance kit: Entra's standard lifecycle scenarios, run through the provisioning engine
// against any connector, asserting on the connector's final state (read back over SCIM) and on the
// provisioning logs. Framework-free; `@scim/entra-mock/vitest` registers it as tests.
import {
  compileMappingTable,
  entraDefaultGroupMappings,
  entraDefaultUserMappings,
  type MappingTable,
} from '@scim/mapping';
import { ScimError } from '@scim/schemas';
import { createManualClock, type ManualClock } from '../clock.ts';
import type { ScimDialect } from '../engine/dialect.ts';
import {
  createProvisioningJob,
  type ProvisioningCycleSummary,
  type ProvisioningJob,
} from '../engine/engine.ts';
import { CORE_GROUP, CORE_USER, groupSource, readTarget, userSource } from '../engine/resource.ts';
import type { ProvisioningAction, ProvisioningObjectSummary } from '../logs/types.ts';
import { createEntraTenant, type EntraTenant } from '../tenant/tenant.ts';
import type { EntraServicePrincipal, EntraUser } from '../tenant/types.ts';
import { type ConformanceExchange, formatExchange, recordingFetch } from './transcript.ts';

/**
 * The connector under test: its Tenant URL (without `?aadOptscim062020`; the kit adds it for the
 * compliant dialect), the Secret Token it accepts, and how to reach it.
 *
 * @example
 * ```ts
 * import { type ConformanceConnector, describeEntraConformance } from '@scim/entra-mock/vitest';
 * const connector: ConformanceConnector = {
 *   tenantUrl: 'https://scim.example.test/scim/v2',
 *   secretToken: token,
 *   fetch: (request) => handler(request), // omit to reach a real server over HTTP
 * };
 * describeEntraConformance('my connector', { connector });
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 */
export interface ConformanceConnector {
  /** The Tenant URL, as an admin types it in the Entra admin center. */
  tenantUrl: string;
  /** The Secret Token. */
  secretToken: string;
  /** A fetch-standard handler (`Request -> Response`); defaults to the global `fetch`. */
  fetch?: (request: Request) => Promise<Response>;
  /** Called when the scenario ends, passed or failed: close the connector's store here. */
  close?: () => void | Promise<void>;
}

/**
 * The names of the conformance scenarios, in the order they run.
 *
 * @example
 * ```ts
 * import { type ConformanceScenarioName, describeEntraConformance } from '@scim/entra-mock/vitest';
 * const userScenarios: ConformanceScenarioName[] = ['create-user', 'update-user', 'disable-by-account-enabled'];
 * describeEntraConformance('users', {
 *   connector: { tenantUrl: 'http://localhost:8080/scim/v2', secretToken: token },
 *   scenarios: userScenarios,
 * });
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works
 */
export type ConformanceScenarioName =
  | 'test-connection'
  | 'wrong-token'
  | 'create-user'
  | 'update-user'
  | 'rename-user'
  | 'disable-by-account-enabled'
  | 'disable-by-unassignment'
  | 'disable-by-scoping'
  | 'soft-delete-and-restore'
  | 'hard-delete'
  | 'manager-set-change-remove'
  | 'group-lifecycle'
  | 'values-stored-as-sent'
  | 'manager-reference-forms'
  | 'filter-plus-encoding'
  | 'disable-value-forms'
  | 'member-reference-forms'
  | 'app-role-assignments'
  | 'rate-limit-storm';

/**
 * Options of the conformance kit.
 *
 * @example
 * ```ts
 * import { type ConformanceOptions, runConformance } from '@scim/entra-mock/vitest';
 * const options: ConformanceOptions = {
 *   connector: { tenantUrl: 'http://localhost:8080/scim/v2', secretToken: token },
 *   provisionGroups: false, // the app's guide turns group provisioning off
 *   dialects: ['compliant'],
 * };
 * const failed = (await runConformance(options)).filter((r) => !r.passed);
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/customize-application-attributes
 */
export interface ConformanceOptions {
  /** The connector, or a function making a fresh one for each scenario (recommended). */
  connector: ConformanceConnector | (() => ConformanceConnector | Promise<ConformanceConnector>);
  /** The user mapping table the app's guide configures; defaults to Entra's. */
  userMappings?: MappingTable;
  /** The group mapping table; defaults to Entra's. */
  groupMappings?: MappingTable;
  /** Whether the app provisions groups; defaults to `true`. Group scenarios are skipped when `false`. */
  provisionGroups?: boolean;
  /**
   * The user attributes (mapping target paths) compared between what Entra sent and what the
   * connector answers to `GET /Users/{id}`: `'mapped'` (default) compares every mapped attribute
   * but `active`, the manager and attributes computed from app role assignments; a list compares
   * only those. `active` and the manager are checked by their own scenarios.
   */
  attributes?: 'mapped' | readonly string[];
  /** The dialects to run; defaults to both, `legacy` and `compliant`. */
  dialects?: readonly ScimDialect[];
  /** The scenarios to run; defaults to all that apply. */
  scenarios?: readonly ConformanceScenarioName[];
  /**
   * Scenarios not to run, for what the app documents it does not do (an app that never deletes
   * users, say); taken out of `scenarios` or of all that apply. Defaults to none.
   */
  skip?: readonly ConformanceScenarioName[];
  /**
   * Directory attributes (Microsoft Graph names: `jobTitle`, `employeeId`, `city`, ...) every user
   * the kit creates carries, for apps that require attributes Entra's users lack by default; a
   * scenario's own values win. Defaults to none.
   */
  userAttributes?: Readonly<Record<string, unknown>>;
  /**
   * What the app does on `DELETE /Users/{id}`: `'delete'` (default), after which `GET` answers
   * 404; or `'disable'` (as `@scim/server`'s `deleteMode: 'disable'`), after which the user is kept
   * with `active: false`. `hard-delete` checks the one the app documents.
   */
  userDeleteMode?: 'delete' | 'disable';
  /**
   * Users assigned only with the Default Access role are not provisioned, as some apps' guides ask
   * (the job's `skipDefaultAccessRole`); the kit assigns another role, so every scenario still
   * applies. Defaults to `false`.
   */
  skipDefaultAccessRole?: boolean;
}

/**
 * A scenario of the kit: its name, what it checks, and whether it applies to a configuration.
 *
 * @example
 * ```ts
 * for (const s of conformanceScenarios) console.log(s.name, s.title);
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works
 */
export interface ConformanceScenario {
  /** Its name. */
  readonly name: ConformanceScenarioName;
  /** What it checks, as a test title. */
  readonly title: string;
  /**
   * Whether it applies: group scenarios need group provisioning, the manager scenario a manager
   * mapping, `app-role-assignments` a target mapped with `AppRoleAssignmentsComplex`.
   *
   * @param options - the kit's options
   * @returns `true` when the scenario runs for these options
   */
  applies(options: ConformanceOptions): boolean;
}

/**
 * The outcome of one scenario in one dialect, as {@link runConformance} collects it.
 *
 * @example
 * ```ts
 * const connector = { tenantUrl: 'http://localhost:8080/scim/v2', secretToken: token };
 * const failed = (await runConformance({ connector })).filter((r: ConformanceResult) => !r.passed);
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works
 */
export interface ConformanceResult {
  /** The scenario. */
  scenario: ConformanceScenarioName;
  /** The dialect. */
  dialect: ScimDialect;
  /** Whether it passed. */
  passed: boolean;
  /** The failure ({@link ConformanceFailure} when the connector misbehaved), or `null`. */
  error: Error | null;
}

interface Scenario extends ConformanceScenario {
  run(context: ScenarioContext): Promise<void>;
}

/**
 * Thrown when a scenario fails: the message says what was expected, what the connector holds, and
 * the requests Entra sent with the responses they got (the failing ones first).
 *
 * @example
 * ```ts
 * const options = { connector: { tenantUrl: 'http://localhost:8080/scim/v2', secretToken: token } };
 * try {
 *   await runConformanceScenario('create-user', 'legacy', options);
 * } catch (e) {
 *   if (e instanceof ConformanceFailure) console.log(e.exchanges.at(-1));
 * }
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility
 */
export class ConformanceFailure extends Error {
  /** The scenario that failed. */
  readonly scenario: ConformanceScenarioName;
  /** The dialect it ran in. */
  readonly dialect: ScimDialect;
  /** Every request Entra sent in the scenario, with the responses. */
  readonly exchanges: readonly ConformanceExchange[];
  /**
   * Makes a failure.
   *
   * @param scenario - the scenario
   * @param dialect - the dialect
   * @param problem - what went wrong
   * @param exchanges - the requests and responses of the scenario
   */
  constructor(
    scenario: ConformanceScenarioName,
    dialect: ScimDialect,
    problem: string,
    exchanges: readonly ConformanceExchange[],
  ) {
    const failing = exchanges.filter((e) => e.status === 0 || e.status >= 400);
    const shown = failing.length > 0 ? failing.slice(-3) : exchanges.slice(-3);
    const label = failing.length > 0 ? 'failing requests' : 'last requests';
    super(
      `entra-mock conformance: ${scenario} (${dialect} dialect): ${problem}` +
        (shown.length > 0
          ? `\n${label} (${shown.length} of ${exchanges.length} in the scenario):\n${shown.map(formatExchange).join('\n')}`
          : '\nEntra sent no request in this scenario.'),
    );
    this.name = 'ConformanceFailure';
    this.scenario = scenario;
    this.dialect = dialect;
    this.exchanges = exchanges;
  }
}

/** What a scenario works with. */
interface ScenarioContext {
  readonly tenant: EntraTenant;
  readonly clock: ManualClock;
  readonly app: EntraServicePrincipal;
  readonly role: string;
  readonly job: ProvisioningJob;
  readonly connector: ConformanceConnector;
  readonly options: ConformanceOptions;
  readonly dialect: ScimDialect;
  readonly exchanges: ConformanceExchange[];
  /** Answers the next `requests` requests with 429 and `Retry-After`. */
  storm(requests: number, retryAfterSeconds: number): void;
  /** A job with other options (for the wrong token). */
  makeJob(secretToken: string): ProvisioningJob;
  /** Creates a user with a unique userPrincipalName; assigns it unless told not to. */
  user(alias: string, extra?: Record<string, unknown>, assign?: boolean): EntraUser;
  /** Runs a cycle; fails on failures unless `allowFailures`. */
  cycle(label: string, allowFailures?: boolean): Promise<ProvisioningCycleSummary>;
  /** Fails the scenario. */
  fail(problem: string): never;
  /** Checks a log entry of the last cycle for the object. */
  expectLog(
    sourceId: string,
    action: ProvisioningAction,
    status?: 'success' | 'failure' | 'skipped',
  ): ProvisioningObjectSummary;
  /** The target id the logs recorded for an object. */
  targetId(sourceId: string): string;
  /** `GET /Users/{id}` or `/Groups/{id}` through the connector; `null` on 404. */
  read(resource: 'Users' | 'Groups', sourceId: string): Promise<Record<string, unknown> | null>;
  /**
   * A request of the kit's own to the connector, with the Secret Token: `query` is the raw query
   * string (encoded as given), `body` is sent as JSON. Recorded with Entra's requests.
   */
  direct(
    method: string,
    path: string,
    init?: { query?: string; body?: unknown },
  ): Promise<{ status: number; body: Record<string, unknown> | null; text: string }>;
  /** Checks the connector's user against the mapping of the tenant's user, and `active`. */
  expectUser(sourceId: string, active: boolean): Promise<Record<string, unknown>>;
  /** Checks the connector's group: mapped attributes and exactly these members (source ids). */
  expectGroup(sourceId: string, members: readonly string[]): Promise<void>;
}

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return String(a) === String(b);
}

function isActive(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}

function baseOf(tenantUrl: string, dialect: ScimDialect): string {
  const url = new URL(tenantUrl);
  for (const key of [...url.searchParams.keys()]) {
    if (key.toLowerCase() === 'aadoptscim062020') url.searchParams.delete(key);
  }
  let text = url.toString();
  if (dialect === 'compliant') text += url.search === '' ? '?aadOptscim062020' : '&aadOptscim062020';
  return text;
}

function resourceUrl(tenantUrl: string, path: string): string {
  const url = new URL(tenantUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  return url.toString();
}

const scenario = (
  name: ConformanceScenarioName,
  title: string,
  run: (c: ScenarioContext) => Promise<void>,
  applies: (options: ConformanceOptions) => boolean = () => true,
): Scenario => ({ name, title, run, applies });

const groupsOn = (options: ConformanceOptions) => options.provisionGroups !== false;

function hasManagerMapping(options: ConformanceOptions): boolean {
  return managerTargetOf(options) !== null;
}

/** The user target mapped with `AppRoleAssignmentsComplex(...)`, or `null`. */
function appRoleTargetOf(options: ConformanceOptions): string | null {
  const table = options.userMappings ?? entraDefaultUserMappings;
  return (
    table.mappings.find(
      (m) => m.type === 'Expression' && /^\s*AppRoleAssignmentsComplex\s*\(/i.test(m.source ?? ''),
    )?.target ?? null
  );
}

/** The user target the manager is mapped to, or `null`. */
function managerTargetOf(options: ConformanceOptions): string | null {
  const table = options.userMappings ?? entraDefaultUserMappings;
  return (
    table.mappings.find((m) => m.type === 'Direct' && m.source?.toLowerCase() === 'manager')?.target ?? null
  );
}

/** The first matching attribute's target of a mapping table. */
function matchingTargetOf(table: MappingTable): string | null {
  return (
    [...table.mappings]
      .filter((m) => m.matchingPrecedence !== undefined)
      .sort((a, b) => a.matchingPrecedence! - b.matchingPrecedence!)[0]?.target ?? null
  );
}

/** The manager's id in a user as the connector answers it: `manager.value`, or a bare string. */
function managerValue(user: Record<string, unknown>, target: string): unknown {
  const manager = readTarget(user, target.replace(/\.value$/i, ''), CORE_USER);
  return manager && typeof manager === 'object'
    ? ((manager as { value?: unknown }).value ?? null)
    : (manager ?? null);
}

/** A filter query string with `+` for spaces, as seen in real traffic from Entra. */
function plusFilter(attribute: string, value: string): string {
  return `filter=${encodeURIComponent(`${attribute} eq "${value.replace(/["\\]/g, '\\$&')}"`).replace(/%20/g, '+')}`;
}

// The scenarios, in the order they run.
const SCENARIOS: readonly Scenario[] = [
  scenario(
    'test-connection',
    'Test Connection: queries for a random user (and group) answer 200 with an empty ListResponse',
    async (c) => {
      const result = await c.job.testConnection();
      if (!result.success) c.fail(`Test Connection failed: ${result.errorCode}: ${result.message}`);
    },
  ),
  scenario('wrong-token', 'a wrong Secret Token fails Test Connection and quarantines the job', async (c) => {
    const job = c.makeJob(`${c.connector.secretToken}-wrong`);
    const result = await job.testConnection();
    if (result.success)
      c.fail('Test Connection succeeded with a wrong Secret Token; the connector must answer 401');
    c.user('wrong-token');
    const summary = await job.runCycle();
    if (summary.status !== 'Quarantine') {
      c.fail(
        `a cycle with a wrong Secret Token left the job ${summary.status}; expected Quarantine after a 401 or 403`,
      );
    }
    const reason = job.status().quarantine?.reason;
    if (reason !== 'EncounteredQuarantineException') {
      c.fail(`the quarantine reason is ${show(reason)}; expected "EncounteredQuarantineException"`);
    }
  }),
  scenario('create-user', 'creates an assigned user with the mapped attributes', async (c) => {
    const adele = c.user('adele', { department: 'Retail', jobTitle: 'Buyer', city: 'Oslo' });
    const summary = await c.cycle('the initial cycle');
    if (summary.created !== 1) c.fail(`the initial cycle created ${summary.created} objects; expected 1`);
    c.expectLog(adele.id, 'create');
    await c.expectUser(adele.id, true);
  }),
  scenario('update-user', 'updates changed attributes with one PATCH', async (c) => {
    const adele = c.user('adele', { department: 'Retail', jobTitle: 'Buyer' });
    await c.cycle('the initial cycle');
    c.tenant.updateUser(adele.id, {
      displayName: 'Adele Vance-Smith',
      givenName: 'Adele',
      surname: 'Vance-Smith',
      jobTitle: 'Lead buyer',
      department: 'Sales',
    });
    const before = c.exchanges.length;
    await c.cycle('the incremental cycle');
    const patches = c.exchanges.slice(before).filter((e) => e.method === 'PATCH');
    if (patches.length !== 1)
      c.fail(`the incremental cycle sent ${patches.length} PATCH requests; expected 1`);
    c.expectLog(adele.id, 'update');
    await c.expectUser(adele.id, true);
  }),
  scenario('rename-user', 'renames userName when userPrincipalName changes', async (c) => {
    const adele = c.user('adele');
    await c.cycle('the initial cycle');
    const upn = adele.userPrincipalName.replace(/^adele/, 'adele.vance');
    c.tenant.updateUser(adele.id, { userPrincipalName: upn, mail: upn });
    await c.cycle('the incremental cycle');
    c.expectLog(adele.id, 'update');
    await c.expectUser(adele.id, true);
  }),
  scenario(
    'disable-by-account-enabled',
    'disables a user whose account is disabled, and enables it again',
    async (c) => {
      const adele = c.user('adele');
      await c.cycle('the initial cycle');
      c.tenant.disableUser(adele.id);
      await c.cycle('the cycle after the disable');
      c.expectLog(adele.id, 'disable');
      await c.expectUser(adele.id, false);
      c.tenant.enableUser(adele.id);
      await c.cycle('the cycle after the re-enable');
      c.expectLog(adele.id, 'update');
      await c.expectUser(adele.id, true);
    },
  ),
  scenario(
    'disable-by-unassignment',
    'disables an unassigned user, and enables it when reassigned',
    async (c) => {
      const adele = c.user('adele');
      await c.cycle('the initial cycle');
      const assignment = c.tenant.listAssignments(c.app.id).find((a) => a.principalId === adele.id);
      c.tenant.unassign(assignment!.id);
      await c.cycle('the cycle after the unassignment');
      c.expectLog(adele.id, 'disable');
      await c.expectUser(adele.id, false);
      c.tenant.assign(c.app.id, adele.id, c.role);
      await c.cycle('the cycle after the reassignment');
      c.expectLog(adele.id, 'update');
      await c.expectUser(adele.id, true);
    },
  ),
  scenario('disable-by-scoping', 'disables a user that a scoping filter puts out of scope', async (c) => {
    const adele = c.user('adele', { department: 'Retail' });
    const megan = c.user('megan', { department: 'Research' });
    await c.cycle('the initial cycle');
    c.job.setUserScopingFilters([
      {
        title: 'Research only',
        clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Research' }],
      },
    ]);
    await c.cycle('the cycle after the scoping filter is saved');
    c.expectLog(adele.id, 'disable');
    await c.expectUser(adele.id, false);
    await c.expectUser(megan.id, true);
  }),
  scenario(
    'soft-delete-and-restore',
    'disables a soft-deleted user, and enables it when restored',
    async (c) => {
      const adele = c.user('adele');
      await c.cycle('the initial cycle');
      c.tenant.deleteUser(adele.id);
      await c.cycle('the cycle after the soft delete');
      c.expectLog(adele.id, 'disable');
      await c.expectUser(adele.id, false);
      c.tenant.restoreDeletedItem(adele.id);
      await c.cycle('the cycle after the restore');
      c.expectLog(adele.id, 'update');
      await c.expectUser(adele.id, true);
    },
  ),
  scenario('hard-delete', 'deletes a hard-deleted user', async (c) => {
    const adele = c.user('adele');
    await c.cycle('the initial cycle');
    c.tenant.deleteUser(adele.id, { permanently: true });
    await c.cycle('the cycle after the hard delete');
    c.expectLog(adele.id, 'delete');
    const left = await c.read('Users', adele.id);
    if (c.options.userDeleteMode === 'disable') {
      if (left === null)
        return c.fail(
          `GET /Users/${c.targetId(adele.id)} answered 404 after DELETE; the app keeps the user disabled`,
        );
      if (isActive(left.active) !== false)
        c.fail(
          `GET /Users/${c.targetId(adele.id)}: active is ${show(left.active)} after DELETE; expected false (the app disables instead of deleting)`,
        );
      return;
    }
    if (left !== null)
      c.fail(`GET /Users/${c.targetId(adele.id)} still answers the user after DELETE; expected 404`);
  }),
  scenario(
    'manager-set-change-remove',
    'sets, changes and removes the manager reference',
    async (c) => {
      const adele = c.user('adele');
      const megan = c.user('megan');
      const nestor = c.user('nestor');
      c.tenant.setManager(adele.id, megan.id);
      await c.cycle('the initial cycle');
      const managerOf = async (label: string, expected: string | null) => {
        const user = await c.expectUser(adele.id, true);
        const manager = readTarget(user, `${ENTERPRISE}:manager`, CORE_USER);
        const value =
          manager && typeof manager === 'object' ? (manager as { value?: unknown }).value : (manager ?? null);
        const want = expected === null ? null : c.targetId(expected);
        if ((value ?? null) !== want) {
          c.fail(`${label}: the user's manager.value is ${show(value)}; expected ${show(want ?? undefined)}`);
        }
      };
      await managerOf('after the manager is set', megan.id);
      c.tenant.setManager(adele.id, nestor.id);
      await c.cycle('the cycle after the manager change');
      await managerOf('after the manager changes', nestor.id);
      c.tenant.setManager(adele.id, null);
      await c.cycle('the cycle after the manager is removed');
      await managerOf('after the manager is removed', null);
    },
    hasManagerMapping,
  ),
  scenario(
    'group-lifecycle',
    'creates a group, renames it, adds and removes members, and deletes it',
    async (c) => {
      const adele = c.user('adele', {}, false);
      const megan = c.user('megan', {}, false);
      const nestor = c.user('nestor');
      const group = c.tenant.createGroup({
        displayName: `Conformance ${c.dialect} ${c.tenant.id.slice(0, 8)}`,
        mailNickname: `conformance-${c.tenant.id.slice(0, 8)}`,
      });
      c.tenant.addMember(group.id, adele.id);
      c.tenant.addMember(group.id, megan.id);
      c.tenant.assign(c.app.id, group.id, c.role);
      await c.cycle('the initial cycle');
      c.expectLog(group.id, 'create');
      await c.expectGroup(group.id, [adele.id, megan.id]);
      c.tenant.updateGroup(group.id, { displayName: `${group.displayName} (renamed)` });
      await c.cycle('the cycle after the rename');
      await c.expectGroup(group.id, [adele.id, megan.id]);
      c.tenant.addMember(group.id, nestor.id);
      c.tenant.removeMember(group.id, adele.id);
      await c.cycle('the cycle after the membership changes');
      await c.expectGroup(group.id, [megan.id, nestor.id]);
      await c.expectUser(adele.id, false); // no longer assigned through the group
      c.tenant.deleteGroup(group.id);
      await c.cycle('the cycle after the group is deleted');
      c.expectLog(group.id, 'delete');
      const left = await c.read('Groups', group.id);
      if (left !== null)
        c.fail(`GET /Groups/${c.targetId(group.id)} still answers the group after DELETE; expected 404`);
    },
    groupsOn,
  ),
  scenario(
    'values-stored-as-sent',
    'stores values as sent: after a restart Entra reads each user back and has nothing to send (RedundantExport)',
    async (c) => {
      const adele = c.user('adele', { department: 'Retail', jobTitle: 'Buyer', city: 'Oslo' });
      await c.cycle('the initial cycle');
      // A restart re-evaluates every user; Entra reads each linked user back (GET /Users/{id})
      // and compares it with its mappings. A connector that changes values it is sent differs,
      // and Entra sends the update again every time it processes the user.
      c.job.restart();
      const before = c.exchanges.length;
      await c.cycle('the cycle after a restart');
      const sent = c.exchanges.slice(before);
      const id = encodeURIComponent(c.targetId(adele.id));
      if (!sent.some((e) => e.method === 'GET' && new URL(e.url).pathname.endsWith(`/Users/${id}`)))
        c.fail(`Entra did not read the user back with GET /Users/${c.targetId(adele.id)}`);
      const writes = sent.filter((e) => e.method !== 'GET');
      if (writes.length > 0) {
        c.fail(
          `Entra read the user back and still sent ${writes.length} write(s): what GET /Users/{id} answers differs from what Entra sent. Store values in the format they were sent (Microsoft's SCIM guidelines); otherwise Entra sends the update again each time it processes the user (observed, MicrosoftDocs/azure-docs#11784)`,
        );
      }
      const entry = c.expectLog(adele.id, 'other', 'skipped');
      const code = entry.provisioningStatusInfo.errorInformation?.errorCode;
      if (code !== 'RedundantExport')
        c.fail(`the log entry's error code is ${show(code)}; expected "RedundantExport"`);
    },
  ),
  scenario(
    'manager-reference-forms',
    'accepts the manager in every other form seen from Entra: a bare id, { value }, a list of { $ref, value } at the full path, and removal by value filter',
    async (c) => {
      const target = managerTargetOf(c.options)!;
      const adele = c.user('adele');
      const megan = c.user('megan');
      const nestor = c.user('nestor');
      await c.cycle('the initial cycle');
      const op = (name: 'Add' | 'Replace' | 'Remove') => (c.dialect === 'legacy' ? name : name.toLowerCase());
      const path = `/Users/${encodeURIComponent(c.targetId(adele.id))}`;
      const forms: [string, Record<string, unknown>, string | null][] = [
        [
          'a bare id ("value": "<id>")',
          { op: op('Add'), path: target, value: c.targetId(megan.id) },
          megan.id,
        ],
        [
          'a complex { "value": "<id>" } at its full path (the enterprise user representation)',
          { op: op('Replace'), path: target, value: { value: c.targetId(nestor.id) } },
          nestor.id,
        ],
        [
          'a bare id replaced again',
          { op: op('Replace'), path: target, value: c.targetId(megan.id) },
          megan.id,
        ],
        [
          'a list of { "$ref", "value" } at the full path',
          {
            op: op('Replace'),
            path: target,
            value: [
              {
                $ref: resourceUrl(c.connector.tenantUrl, `/Users/${c.targetId(nestor.id)}`),
                value: c.targetId(nestor.id),
              },
            ],
          },
          nestor.id,
        ],
        [
          'a removal by value filter (manager[value eq "<id>"])',
          { op: op('Remove'), path: `${target}[value eq "${c.targetId(nestor.id)}"]` },
          null,
        ],
      ];
      for (const [label, operation, expected] of forms) {
        const response = await c.direct('PATCH', path, {
          body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [operation] },
        });
        if (response.status !== 200 && response.status !== 204)
          c.fail(
            `PATCH ${path} with the manager as ${label} answered ${response.status}: ${response.text.slice(0, 300)}`,
          );
        const user = await c.read('Users', adele.id);
        const value = user === null ? undefined : managerValue(user, target);
        const want = expected === null ? null : c.targetId(expected);
        if ((value ?? null) !== want)
          c.fail(
            `after the manager was sent as ${label}, the user's manager is ${show(value)}; expected ${show(want ?? undefined)}`,
          );
      }
    },
    hasManagerMapping,
  ),
  scenario(
    'filter-plus-encoding',
    'answers queries whose filter has + for spaces, as seen from Entra, as it answers %20',
    async (c) => {
      const userTarget = matchingTargetOf(c.options.userMappings ?? entraDefaultUserMappings) ?? 'userName';
      const adele = c.user('adele');
      let group: { id: string } | null = null;
      if (groupsOn(c.options)) {
        group = c.tenant.createGroup({
          displayName: `Plus ${c.dialect} ${c.tenant.id.slice(0, 8)}`,
          mailNickname: `plus-${c.tenant.id.slice(0, 8)}`,
        });
        c.tenant.assign(c.app.id, group.id, c.role);
      }
      await c.cycle('the initial cycle');
      const checks: ['Users' | 'Groups', string, string][] = [['Users', adele.id, userTarget]];
      if (group) {
        const groupTarget =
          matchingTargetOf(c.options.groupMappings ?? entraDefaultGroupMappings) ?? 'displayName';
        checks.push(['Groups', group.id, groupTarget]);
      }
      for (const [resource, sourceId, attribute] of checks) {
        const stored = await c.read(resource, sourceId);
        const value =
          stored === null
            ? undefined
            : readTarget(stored, attribute, resource === 'Users' ? CORE_USER : CORE_GROUP);
        if (typeof value !== 'string')
          c.fail(`GET /${resource}/${c.targetId(sourceId)} has no ${attribute} to query`);
        const query = `${resource === 'Groups' ? 'excludedAttributes=members&' : ''}${plusFilter(attribute, value as string)}`;
        const response = await c.direct('GET', `/${resource}`, { query });
        const found = Array.isArray(response.body?.Resources)
          ? (response.body.Resources as { id?: unknown }[])
          : [];
        if (response.status !== 200 || found.length !== 1 || found[0]!.id !== c.targetId(sourceId)) {
          c.fail(
            `GET /${resource}?${query} answered ${response.status} with ${found.length} resource(s); expected the one with id ${c.targetId(sourceId)}: decode + in the query string as a space (application/x-www-form-urlencoded)`,
          );
        }
      }
    },
  ),
  scenario(
    'disable-value-forms',
    'disables and re-enables a user with every active value Microsoft documents for the dialect',
    async (c) => {
      // Legacy: the SCIM tutorial's Disable User sends `"op": "Replace"` with the boolean false;
      // the SCIM compliance page's default job sends the string "False". Compliant: `replace`
      // with a boolean.
      const adele = c.user('adele');
      await c.cycle('the initial cycle');
      const forms: [string, boolean | string, boolean][] =
        c.dialect === 'legacy'
          ? [
              ['"op": "Replace", "value": false (the SCIM tutorial\'s Disable User)', false, false],
              ['"op": "Replace", "value": "True"', 'True', true],
              ['"op": "Replace", "value": "False" (the SCIM compliance page\'s default)', 'False', false],
              ['"op": "Replace", "value": true', true, true],
            ]
          : [
              ['"op": "replace", "value": false', false, false],
              ['"op": "replace", "value": true', true, true],
            ];
      const path = `/Users/${encodeURIComponent(c.targetId(adele.id))}`;
      for (const [label, value, active] of forms) {
        const op = c.dialect === 'legacy' ? 'Replace' : 'replace';
        const response = await c.direct('PATCH', path, {
          body: {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [{ op, path: 'active', value }],
          },
        });
        if (response.status !== 200 && response.status !== 204)
          c.fail(`PATCH ${path} with ${label} answered ${response.status}: ${response.text.slice(0, 300)}`);
        const user = await c.read('Users', adele.id);
        if (user === null) return c.fail(`GET ${path} answered 404 after PATCH with ${label}`);
        if (isActive(user.active) !== active)
          c.fail(`after PATCH with ${label}, active is ${show(user.active)}; expected ${active}`);
      }
    },
  ),
  scenario(
    'member-reference-forms',
    'removes a member sent as the SCIM tutorial\'s { "$ref": null, "value" } (the engine sends the compliance page\'s { "value" })',
    async (c) => {
      // The tutorial's member PATCHes are the default (legacy) dialect's; the compliant dialect
      // removes members by path only, which group-lifecycle checks.
      if (c.dialect !== 'legacy') return;
      const adele = c.user('adele', {}, false);
      const megan = c.user('megan', {}, false);
      const group = c.tenant.createGroup({
        displayName: `Members ${c.tenant.id.slice(0, 8)}`,
        mailNickname: `members-${c.tenant.id.slice(0, 8)}`,
      });
      c.tenant.addMember(group.id, adele.id);
      c.tenant.addMember(group.id, megan.id);
      c.tenant.assign(c.app.id, group.id, c.role);
      await c.cycle('the initial cycle');
      await c.expectGroup(group.id, [adele.id, megan.id]);
      const path = `/Groups/${encodeURIComponent(c.targetId(group.id))}`;
      const response = await c.direct('PATCH', path, {
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [
            { op: 'Remove', path: 'members', value: [{ $ref: null, value: c.targetId(megan.id) }] },
          ],
        },
      });
      if (response.status !== 200 && response.status !== 204)
        c.fail(
          `PATCH ${path} removing a member as { "$ref": null, "value" } answered ${response.status}: ${response.text.slice(0, 300)}`,
        );
      await c.expectGroup(group.id, [adele.id]);
    },
    groupsOn,
  ),
  scenario(
    'app-role-assignments',
    'stores the roles of AppRoleAssignmentsComplex as Entra sends them: objects in a create, then a PATCH Add with each role a JSON string of id, value and displayName (legacy dialect)',
    async (c) => {
      // customize-application-attributes, "Provisioning a role to a SCIM app": the POST and the
      // default dialect's PATCH differ; the aadOptscim062020 flag sends both in the POST's shape.
      const target = appRoleTargetOf(c.options)!;
      const second = c.app.appRoles.find((r) => r.id !== c.role)!;
      const adele = c.user('adele');
      await c.cycle('the initial cycle');
      c.tenant.assign(c.app.id, adele.id, second.id);
      await c.cycle('the cycle after a second role is assigned');
      const user = await c.read('Users', adele.id);
      const roles = user === null ? undefined : readTarget(user, target, CORE_USER);
      const values = (Array.isArray(roles) ? roles : []).map((r) =>
        r !== null && typeof r === 'object' ? (r as { value?: unknown }).value : r,
      );
      const raw = values.find((v) => typeof v === 'string' && v.trimStart().startsWith('{'));
      if (raw !== undefined)
        c.fail(
          `the user's ${target} has the role value ${show(raw)}: Entra sends each role as a JSON string in "value"; decode it (its "value" is the role's value, its "displayName" the role's display), as @scim/server does under its entra profile`,
        );
      for (const role of c.app.appRoles.filter((r) => r.id === c.role || r.id === second.id)) {
        const value = role.value ?? role.displayName;
        if (!values.includes(value))
          c.fail(`the user's ${target} is ${show(roles)}; expected a role with the value ${show(value)}`);
      }
      c.job.restart();
      const before = c.exchanges.length;
      await c.cycle('the cycle after a restart');
      const writes = c.exchanges.slice(before).filter((e) => e.method !== 'GET');
      if (writes.length > 0)
        c.fail(
          `Entra read the user back and still sent ${writes.length} write(s): GET /Users/{id} does not return every role Entra sent`,
        );
    },
    (options) => appRoleTargetOf(options) !== null,
  ),
  scenario(
    'rate-limit-storm',
    'retries through a storm of 429s honouring Retry-After, escrows, and catches up on the retry 6 hours later',
    async (c) => {
      const users = [c.user('adele'), c.user('megan'), c.user('nestor')];
      // Four attempts per request: the first user's query fails four times and is escrowed; the
      // second gets through on its third attempt.
      c.storm(6, 5);
      const started = c.clock.now().getTime();
      const first = await c.cycle('the cycle in the storm', true);
      if (first.failed < 1) c.fail('no event failed in a storm of 429s longer than the retries');
      const escrowed = c.job.logs.filter(
        (l) => l.cycleId === first.cycleId && l.provisioningStatusInfo.status === 'failure',
      );
      const code = escrowed[0]?.provisioningStatusInfo.errorInformation?.errorCode;
      if (code !== 'TooManyRequests') {
        c.fail(`the escrowed event has error code ${show(code)}; expected "TooManyRequests"`);
      }
      if (c.clock.now().getTime() - started < 5_000 * 5) {
        c.fail(
          `the retries waited ${c.clock.now().getTime() - started} ms in all; Retry-After asked for 5 s before each of 5 retries`,
        );
      }
      if (first.status === 'Quarantine') c.fail('the job was quarantined by 429s');
      // Escrowed changes are retried on Microsoft's back-off: the first retry 6 hours later.
      c.clock.advance(6 * 60 * 60 * 1000);
      await c.cycle('the retry 6 hours after the storm');
      for (const user of users) await c.expectUser(user.id, true);
    },
  ),
];

/**
 * Entra's standard lifecycle scenarios, in the order they run: Test Connection, a wrong token,
 * create, update, rename, disable (by `accountEnabled`, unassignment and scoping) and re-enable, soft
 * delete and restore, hard delete, manager set, change and remove, a group's lifecycle, roles from
 * `AppRoleAssignmentsComplex` (when mapped), and a 429 storm.
 *
 * @example
 * ```ts
 * conformanceScenarios.map((s) => s.name); // ['test-connection', 'wrong-token', 'create-user', ...]
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works
 */
export const conformanceScenarios: readonly ConformanceScenario[] = SCENARIOS;

interface Prepared {
  connector: ConformanceConnector;
  userMappings: MappingTable;
  groupMappings: MappingTable;
}

async function prepare(options: ConformanceOptions): Promise<Prepared> {
  const connector = typeof options.connector === 'function' ? await options.connector() : options.connector;
  return {
    connector,
    userMappings: options.userMappings ?? entraDefaultUserMappings,
    groupMappings: options.groupMappings ?? entraDefaultGroupMappings,
  };
}

function comparedTargets(table: MappingTable, attributes: ConformanceOptions['attributes']): string[] {
  if (attributes !== undefined && attributes !== 'mapped') return [...attributes];
  return table.mappings
    .filter((m) => {
      const target = m.target.toLowerCase();
      if (target === 'active' || target.endsWith(':manager') || target === 'members') return false;
      return !(m.source ?? '').toLowerCase().includes('approleassignments');
    })
    .map((m) => m.target);
}

/**
 * Runs one scenario in one dialect against the connector: a fresh tenant and provisioning job, the
 * scenario's changes and cycles, and checks on the connector's state and the provisioning logs.
 *
 * @param name - the scenario
 * @param dialect - `legacy`, or `compliant` (`?aadOptscim062020` is added to the Tenant URL)
 * @param options - the connector and the app's mappings
 * @returns when the scenario passes
 * @throws ConformanceFailure naming the requests Entra sent and the responses it got; ScimError `invalidValue` for an unknown scenario
 * @example
 * ```ts
 * const connector = { tenantUrl: 'http://localhost:8080/scim/v2', secretToken: token };
 * await runConformanceScenario('disable-by-unassignment', 'compliant', { connector });
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility
 */
export async function runConformanceScenario(
  name: ConformanceScenarioName,
  dialect: ScimDialect,
  options: ConformanceOptions,
): Promise<void> {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) {
    throw new ScimError(
      'invalidValue',
      `conformance: unknown scenario "${name}"; use one of ${conformanceScenarios.map((s) => s.name).join(', ')}`,
    );
  }
  const { connector, userMappings, groupMappings } = await prepare(options);
  const tenantUrl = baseOf(connector.tenantUrl, dialect);
  const recorder = recordingFetch(connector.fetch ?? ((request) => globalThis.fetch(request)));
  const clock = createManualClock('2026-01-05T08:00:00Z');
  const tenant = createEntraTenant({ clock });
  const app = tenant.createServicePrincipal({ displayName: 'SCIM conformance' });
  const role = app.appRoles.find((r) => r.value !== 'msiam_access')?.id ?? app.appRoles[0]!.id;
  const run = tenant.id.slice(0, 8);
  const compiledUsers = compileMappingTable(userMappings);
  const compiledGroups = compileMappingTable(groupMappings);
  const userTargets = comparedTargets(userMappings, options.attributes);
  const groupTargets = groupMappings.mappings
    .map((m) => m.target)
    .filter((t) => t.toLowerCase() !== 'members' && t.toLowerCase() !== 'externalid');
  const makeJob = (secretToken: string) =>
    createProvisioningJob({
      tenant,
      servicePrincipalId: app.id,
      tenantUrl,
      secretToken,
      fetch: recorder.fetch,
      userMappings,
      groupMappings,
      provisionGroups: options.provisionGroups !== false,
      retry: { maxAttempts: 4, baseDelayMs: 1_000 },
      skipDefaultAccessRole: options.skipDefaultAccessRole === true,
    });
  const job = makeJob(connector.secretToken);
  const fail = (problem: string): never => {
    throw new ConformanceFailure(name, dialect, problem, recorder.exchanges);
  };
  let lastCycle: string | null = null;
  const targetId = (sourceId: string): string => {
    for (let i = job.logs.length - 1; i >= 0; i--) {
      const entry = job.logs[i]!;
      if (entry.sourceIdentity.id === sourceId && entry.targetIdentity.id !== '')
        return entry.targetIdentity.id;
    }
    return fail(
      `no provisioning log entry gives the target id of ${sourceId}: it was never created or matched`,
    );
  };
  const read = async (resource: 'Users' | 'Groups', sourceId: string) => {
    const id = targetId(sourceId);
    const url = resourceUrl(tenantUrl, `/${resource}/${encodeURIComponent(id)}`);
    const response = await (connector.fetch ?? globalThis.fetch)(
      new Request(url, {
        headers: { authorization: `Bearer ${connector.secretToken}`, accept: 'application/scim+json' },
      }),
    );
    const text = await response.text();
    if (response.status === 404) return null;
    if (response.status !== 200) fail(`the kit's GET ${url} answered ${response.status}: ${text}`);
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return fail(`the kit's GET ${url} answered a body that is not JSON: ${text.slice(0, 200)}`);
    }
  };
  const direct: ScenarioContext['direct'] = async (method, path, init = {}) => {
    const url = new URL(resourceUrl(tenantUrl, path));
    if (init.query) url.search = [url.search.slice(1), init.query].filter((p) => p !== '').join('&');
    const headers: Record<string, string> = {
      authorization: `Bearer ${connector.secretToken}`,
      accept: 'application/scim+json',
    };
    if (init.body !== undefined) headers['content-type'] = 'application/scim+json';
    const response = await recorder.fetch(
      new Request(url.toString(), {
        method,
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      }),
    );
    const text = await response.text();
    let body: Record<string, unknown> | null = null;
    try {
      body = text === '' ? null : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      body = null;
    }
    return { status: response.status, body, text };
  };
  const context: ScenarioContext = {
    tenant,
    clock,
    app,
    role,
    job,
    connector,
    options,
    dialect,
    exchanges: recorder.exchanges,
    storm: recorder.storm,
    makeJob,
    fail,
    targetId,
    read,
    direct,
    user(alias, extra = {}, assign = true) {
      const user = tenant.createUser({
        userPrincipalName: `${alias}.${run}@${tenant.domains[0]}`,
        mail: `${alias}.${run}@${tenant.domains[0]}`,
        mailNickname: `${alias}.${run}`,
        displayName: `${alias.charAt(0).toUpperCase()}${alias.slice(1)} Conformance`,
        givenName: `${alias.charAt(0).toUpperCase()}${alias.slice(1)}`,
        surname: 'Conformance',
        ...options.userAttributes,
        ...extra,
      });
      if (assign) tenant.assign(app.id, user.id, role);
      return user;
    },
    async cycle(label, allowFailures = false) {
      const summary = await job.runCycle();
      lastCycle = summary.cycleId;
      if (summary.status === 'Quarantine') {
        const q = job.status().quarantine;
        fail(`${label} put the job in quarantine (${q?.reason}: ${q?.error?.message ?? 'no message'})`);
      }
      if (!allowFailures && summary.failed > 0) {
        const failures = job.logs
          .filter((l) => l.cycleId === summary.cycleId && l.provisioningStatusInfo.status === 'failure')
          .map((l) => {
            const e = l.provisioningStatusInfo.errorInformation;
            return `${l.provisioningAction} ${l.sourceIdentity.identityType} "${l.sourceIdentity.displayName}": ${e?.errorCode}: ${e?.reason}`;
          });
        fail(`${label} had ${summary.failed} failed event(s):\n  ${failures.join('\n  ')}`);
      }
      return summary;
    },
    expectLog(sourceId, action, status = 'success') {
      const entries = job.logs.filter((l) => l.sourceIdentity.id === sourceId && l.cycleId === lastCycle);
      const entry = entries.find((l) => l.provisioningAction === action);
      if (!entry || entry.provisioningStatusInfo.status !== status) {
        const seen = entries
          .map((l) => `${l.provisioningAction}/${l.provisioningStatusInfo.status}`)
          .join(', ');
        fail(
          `expected a provisioning log entry "${action}" with status ${status} for ${sourceId} in the last cycle; found ${seen || 'none'}`,
        );
      }
      return entry!;
    },
    async expectUser(sourceId, active) {
      const target = await read('Users', sourceId);
      if (target === null)
        return fail(`GET /Users/${targetId(sourceId)} answered 404; the user should exist`);
      const deleted = tenant.listDeletedItems('user').find((d) => d.object.id === sourceId);
      const user = tenant.findUser(sourceId) ?? (deleted?.object as EntraUser | undefined);
      if (!user)
        return fail(`the user ${sourceId} is no longer in the tenant; the scenario cannot compare it`);
      const expected = compiledUsers.evaluate(userSource(user, { managerId: null, appRoleAssignments: [] }), {
        operation: 'create',
        resolveReference: ({ value }) => value,
      });
      const got = isActive(target.active);
      if (got !== active) {
        fail(`GET /Users/${targetId(sourceId)}: active is ${show(target.active)}; expected ${active}`);
      }
      for (const path of userTargets) {
        const want = readTarget(expected, path, CORE_USER);
        if (want === undefined) continue;
        const have = readTarget(target, path, CORE_USER);
        if (!same(want, have)) {
          fail(
            `GET /Users/${targetId(sourceId)}: ${path} is ${show(have)}; Entra's mapping gives ${show(want)}`,
          );
        }
      }
      return target;
    },
    async expectGroup(sourceId, members) {
      const target = await read('Groups', sourceId);
      if (target === null)
        return fail(`GET /Groups/${targetId(sourceId)} answered 404; the group should exist`);
      const expected = compiledGroups.evaluate(groupSource(tenant.getGroup(sourceId)), {
        operation: 'create',
        resolveReference: () => null,
      });
      for (const path of groupTargets) {
        const want = readTarget(expected, path, CORE_GROUP);
        if (want === undefined) continue;
        const have = readTarget(target, path, CORE_GROUP);
        if (!same(want, have)) {
          fail(
            `GET /Groups/${targetId(sourceId)}: ${path} is ${show(have)}; Entra's mapping gives ${show(want)}`,
          );
        }
      }
      const raw = Array.isArray(target.members) ? (target.members as { value?: unknown }[]) : [];
      const have = raw.map((m) => String(m.value)).sort();
      const want = members.map(targetId).sort();
      if (JSON.stringify(have) !== JSON.stringify(want)) {
        fail(`GET /Groups/${targetId(sourceId)}: members are ${show(have)}; expected ${show(want)}`);
      }
    },
  };
  try {
    await found.run(context);
  } finally {
    await connector.close?.();
  }
}

/**
 * Runs every applicable scenario in every dialect, one after the other, and collects the outcomes:
 * for scripts and test frameworks other than vitest.
 *
 * @param options - the connector and the app's mappings
 * @returns one outcome per scenario and dialect, with the failure when it failed
 * @example
 * ```ts
 * const results = await runConformance({ connector: { tenantUrl: 'http://localhost:8080/scim/v2', secretToken: token } });
 * const failed = results.filter((r) => !r.passed);
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceResult[]> {
  const results: ConformanceResult[] = [];
  for (const dialect of options.dialects ?? (['legacy', 'compliant'] as const)) {
    for (const s of selectScenarios(options)) {
      try {
        await runConformanceScenario(s.name, dialect, options);
        results.push({ scenario: s.name, dialect, passed: true, error: null });
      } catch (error) {
        results.push({
          scenario: s.name,
          dialect,
          passed: false,
          error: error instanceof Error ? error : new Error(String(error)),
        });
      }
    }
  }
  return results;
}

/** @internal The scenarios the options ask for that apply to them. */
export function selectScenarios(options: ConformanceOptions): ConformanceScenario[] {
  return SCENARIOS.filter(
    (s) =>
      (options.scenarios === undefined || options.scenarios.includes(s.name)) &&
      !(options.skip ?? []).includes(s.name) &&
      s.applies(options),
  );
}
