import { isScimError } from '@scim/schemas';
import type { HttpHandler } from 'msw';
import { mountFetchHandler } from '../mount.ts';
import type { EntraTenant } from '../tenant/tenant.ts';
import type { DirectoryObject, EntraGroup, EntraUser, GroupInput, UserInput } from '../tenant/types.ts';
import {
  decodeSkipToken,
  encodeSkipToken,
  GraphQueryError,
  matchesFilter,
  parseEqFilter,
  parseSelect,
  parseTop,
} from './odata.ts';
import type { components } from './openapi.generated.ts';
import { createSynchronization, type Synchronization, synchronizationRoutes } from './sync.ts';

type Schemas = components['schemas'];

/**
 * An OAuth client allowed to get tokens from the simulated token endpoint.
 *
 * @example
 * ```ts
 * const client: GraphClientCredentials = { clientId: '11111111-1111-1111-1111-111111111111', clientSecret: 's3cret' };
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 */
export interface GraphClientCredentials {
  /** The application (client) id. */
  clientId: string;
  /** The client secret's value. */
  clientSecret: string;
}

/**
 * Options of {@link createGraphHandler} and {@link createGraphHandlers}.
 *
 * @example
 * ```ts
 * const options: GraphHandlerOptions = { clients: [{ clientId: 'app', clientSecret: 's3cret' }], pageSize: 2 };
 * ```
 * @see https://learn.microsoft.com/en-us/graph/use-the-api
 */
export interface GraphHandlerOptions {
  /** Graph's origin; defaults to `https://graph.microsoft.com`. Requests go to `{graphUrl}/v1.0/...`. */
  graphUrl?: string;
  /** The identity platform's origin; defaults to `https://login.microsoftonline.com`. */
  loginUrl?: string;
  /** The clients that may get tokens; when omitted, any client id with a non-empty secret may. */
  clients?: GraphClientCredentials[];
  /** Whether Graph calls need a bearer token from the token endpoint; defaults to `true`. */
  requireToken?: boolean;
  /** Token lifetime in seconds of the tenant's clock; defaults to 3599, as Entra issues. */
  tokenLifetimeSeconds?: number;
  /** The page size when `$top` is absent; defaults to 100, Graph's for users and groups. */
  pageSize?: number;
  /**
   * The synchronization service behind `servicePrincipals/{id}/synchronization` and
   * `auditLogs/provisioning`; defaults to a new {@link createSynchronization} of the tenant. Pass your
   * own to reach the jobs' engines and run their cycles from the test.
   */
  synchronization?: Synchronization;
}

/**
 * A fetch-standard handler: takes a `Request`, returns a `Response`.
 *
 * @example
 * ```ts
 * const handle: GraphFetchHandler = createGraphHandler(tenant);
 * const res = await handle(new Request('https://graph.microsoft.com/v1.0/users'));
 * ```
 * @see https://developer.mozilla.org/en-US/docs/Web/API/Fetch_API
 */
export type GraphFetchHandler = (request: Request) => Promise<Response>;

const GRAPH_SCOPE_SUFFIX = '/.default';
const USER_DEFAULT_SELECT = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;
const USER_PROPERTIES = new Set([
  'id',
  'userPrincipalName',
  'accountEnabled',
  'displayName',
  'mailNickname',
  'mail',
  'givenName',
  'surname',
  'jobTitle',
  'department',
  'companyName',
  'employeeId',
  'employeeType',
  'officeLocation',
  'mobilePhone',
  'businessPhones',
  'streetAddress',
  'city',
  'state',
  'country',
  'postalCode',
  'preferredLanguage',
  'usageLocation',
  'userType',
  'onPremisesExtensionAttributes',
  'createdDateTime',
  'deletedDateTime',
]);
const USER_READ_ONLY = new Set(['id', 'createdDateTime', 'deletedDateTime']);
const GROUP_PROPERTIES = new Set([
  'id',
  'displayName',
  'description',
  'mailNickname',
  'mail',
  'mailEnabled',
  'securityEnabled',
  'groupTypes',
  'createdDateTime',
  'deletedDateTime',
]);
const GROUP_READ_ONLY = new Set(['id', 'mail', 'createdDateTime', 'deletedDateTime']);
const JSON_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

interface Context {
  readonly request: Request;
  readonly url: URL;
  readonly requestId: string;
  readonly clientRequestId: string;
}

type Route = {
  method: string;
  pattern: string[];
  run: (ctx: Context, params: Record<string, string>) => Response | Promise<Response>;
};

/**
 * Creates the Microsoft Graph v1.0 subset over a tenant as one fetch-standard handler, for tests
 * that call it directly or mount it anywhere. It answers Graph (`{graphUrl}/v1.0/...`) and the
 * client-credentials token endpoint (`{loginUrl}/{tenant}/oauth2/v2.0/token`), with Graph's status
 * codes and error shapes.
 *
 * @param tenant - the tenant to serve
 * @param options - origins, clients, token lifetime, page size
 * @returns the handler
 * @throws never: every failure becomes a Graph or identity-platform error response
 * @example
 * ```ts
 * const graph = createGraphHandler(tenant, { requireToken: false });
 * const res = await graph(new Request("https://graph.microsoft.com/v1.0/users?$filter=department eq 'Sales'"));
 * (await res.json()).value.length;
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/overview?view=graph-rest-1.0
 */
export function createGraphHandler(
  tenant: EntraTenant,
  options: GraphHandlerOptions = {},
): GraphFetchHandler {
  const graphUrl = (options.graphUrl ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
  const loginUrl = (options.loginUrl ?? 'https://login.microsoftonline.com').replace(/\/+$/, '');
  const requireToken = options.requireToken ?? true;
  const lifetime = options.tokenLifetimeSeconds ?? 3599;
  const pageSize = options.pageSize ?? 100;
  const tokens = new Map<string, { expiresAt: number; clientId: string }>();
  const base = `${graphUrl}/v1.0`;

  const graphDate = (): string => tenant.clock.now().toISOString().slice(0, 19);
  const json = (ctx: Context, status: number, body: unknown): Response =>
    new Response(JSON.stringify(body), {
      status,
      headers: {
        'content-type': JSON_TYPE,
        'request-id': ctx.requestId,
        'client-request-id': ctx.clientRequestId,
      },
    });
  const noContent = (ctx: Context): Response =>
    new Response(null, {
      status: 204,
      headers: { 'request-id': ctx.requestId, 'client-request-id': ctx.clientRequestId },
    });
  const graphError = (ctx: Context, status: number, code: string, message: string): Response => {
    const body: Schemas['odataError'] = {
      error: {
        code,
        message,
        innerError: {
          date: graphDate(),
          'request-id': ctx.requestId,
          'client-request-id': ctx.clientRequestId,
        },
      },
    };
    return json(ctx, status, body);
  };
  const notFound = (id: string): GraphQueryError =>
    new GraphQueryError(
      404,
      'Request_ResourceNotFound',
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    );

  // -- serialization -------------------------------------------------------------------------------

  const select = (ctx: Context, known: Set<string>, type: string): string[] | undefined => {
    const text = ctx.url.searchParams.get('$select');
    if (text === null) return undefined;
    const names = parseSelect(text);
    for (const name of names) {
      if (!known.has(name) && !(type === 'user' && name.startsWith('extension_'))) {
        throw new GraphQueryError(
          400,
          'BadRequest',
          `Could not find a property named '${name}' on type 'microsoft.graph.${type}'.`,
        );
      }
    }
    return names;
  };
  const pick = (object: Record<string, unknown>, names: readonly string[]): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const name of names) out[name] = object[name] ?? null;
    return out;
  };
  const userJson = (user: EntraUser, names?: readonly string[]): Schemas['user'] =>
    pick(user as unknown as Record<string, unknown>, names ?? USER_DEFAULT_SELECT) as Schemas['user'];
  const groupJson = (group: EntraGroup, names?: readonly string[]): Schemas['group'] =>
    (names ? pick(group as unknown as Record<string, unknown>, names) : { ...group }) as Schemas['group'];
  const objectJson = (item: DirectoryObject, names?: readonly string[]): Schemas['directoryObject'] =>
    item.type === 'user'
      ? { '@odata.type': '#microsoft.graph.user', ...userJson(item.object, names) }
      : { '@odata.type': '#microsoft.graph.group', ...groupJson(item.object, names) };
  const objectSelect = (ctx: Context): string[] | undefined => {
    const text = ctx.url.searchParams.get('$select');
    return text === null ? undefined : parseSelect(text);
  };

  const page = <T>(ctx: Context, context: string, items: readonly T[]) => {
    const top = parseTop(ctx.url.searchParams.get('$top'), pageSize);
    const offset = decodeSkipToken(ctx.url.searchParams.get('$skiptoken'));
    const value = items.slice(offset, offset + top);
    const body: { '@odata.context': string; '@odata.nextLink'?: string; value: T[] } = {
      '@odata.context': `${base}/$metadata#${context}`,
      value,
    };
    if (offset + top < items.length) {
      const next = new URL(ctx.url.href);
      next.searchParams.set('$top', String(top));
      next.searchParams.set('$skiptoken', encodeSkipToken(offset + top));
      body['@odata.nextLink'] = next.href;
    }
    return body;
  };
  const filtered = <T>(ctx: Context, items: T[], known: Set<string>, resource: string): T[] => {
    const text = ctx.url.searchParams.get('$filter');
    if (text === null) return items;
    const clauses = parseEqFilter(text);
    for (const clause of clauses) {
      const root = clause.path[0]!;
      const ok =
        (known.has(root) || (resource === 'User' && root.startsWith('extension_'))) &&
        (clause.path.length === 1 || root === 'onPremisesExtensionAttributes') &&
        root !== 'businessPhones' &&
        root !== 'groupTypes';
      if (!ok) {
        throw new GraphQueryError(
          400,
          'Request_UnsupportedQuery',
          `Unsupported or invalid query filter clause specified for property '${clause.path.join('/')}' of resource '${resource}'.`,
        );
      }
    }
    return items.filter((item) => matchesFilter(item as Record<string, unknown>, clauses));
  };

  // -- bodies --------------------------------------------------------------------------------------

  const readJson = async (ctx: Context): Promise<Record<string, unknown>> => {
    let body: unknown;
    try {
      body = JSON.parse(await ctx.request.text());
    } catch {
      throw new GraphQueryError(
        400,
        'BadRequest',
        'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
      );
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new GraphQueryError(400, 'BadRequest', 'The request payload must be a JSON object.');
    }
    return body as Record<string, unknown>;
  };
  const checkProperties = (
    body: Record<string, unknown>,
    known: Set<string>,
    readOnly: Set<string>,
    extra: readonly string[],
    type: string,
  ): void => {
    for (const key of Object.keys(body)) {
      if (extra.includes(key) || (type === 'user' && key.startsWith('extension_'))) continue;
      if (!known.has(key)) {
        throw new GraphQueryError(
          400,
          'BadRequest',
          `Property '${key}' does not exist as a declared property or extension property.`,
        );
      }
      if (readOnly.has(key)) {
        throw new GraphQueryError(
          400,
          'Request_BadRequest',
          `Property '${key}' is read-only and cannot be set.`,
        );
      }
    }
  };
  const requireProperties = (
    body: Record<string, unknown>,
    names: readonly string[],
    resource: string,
  ): void => {
    for (const name of names) {
      if (body[name] === undefined || body[name] === null) {
        throw new GraphQueryError(
          400,
          'Request_BadRequest',
          `Invalid value specified for property '${name}' of resource '${resource}'.`,
        );
      }
    }
  };
  /** The object id at the end of an `@odata.id` reference URL. */
  const referenceId = (body: Record<string, unknown>): string => {
    const ref = (body as Schemas['referenceCreate'])['@odata.id'];
    const match =
      typeof ref === 'string' ? /\/v1\.0\/(?:directoryObjects|users|groups)\/([^/?#]+)$/.exec(ref) : null;
    if (!match) {
      throw new GraphQueryError(
        400,
        'Request_BadRequest',
        `Invalid object identifier '${String(ref)}'; use "@odata.id": "${base}/directoryObjects/{id}".`,
      );
    }
    return decodeURIComponent(match[1]!);
  };

  const userById = (id: string): EntraUser => {
    const user = tenant.findUser(id);
    if (!user) throw notFound(id);
    return user;
  };
  const objectById = (id: string): DirectoryObject => {
    const user = tenant.findUser(id);
    if (user) return { type: 'user', object: user };
    const group = tenant.findGroup(id);
    if (group) return { type: 'group', object: group };
    throw notFound(id);
  };

  // -- routes --------------------------------------------------------------------------------------

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: ['users'],
      run: (ctx) => {
        const names = select(ctx, USER_PROPERTIES, 'user');
        const users = filtered(ctx, tenant.listUsers(), USER_PROPERTIES, 'User');
        const context = names ? `users(${names.join(',')})` : 'users';
        return json(
          ctx,
          200,
          page(
            ctx,
            context,
            users.map((u) => userJson(u, names)),
          ) satisfies Schemas['userCollection'],
        );
      },
    },
    {
      method: 'POST',
      pattern: ['users'],
      run: async (ctx) => {
        const body = await readJson(ctx);
        checkProperties(body, USER_PROPERTIES, USER_READ_ONLY, ['passwordProfile'], 'user');
        requireProperties(
          body,
          ['accountEnabled', 'displayName', 'mailNickname', 'passwordProfile', 'userPrincipalName'],
          'User',
        );
        const { passwordProfile: _password, ...input } = body as Schemas['userCreate'];
        const user = tenant.createUser(input as UserInput & Schemas['userCreate']);
        return json(ctx, 201, { '@odata.context': `${base}/$metadata#users/$entity`, ...userJson(user) });
      },
    },
    {
      method: 'GET',
      pattern: ['users', ':id'],
      run: (ctx, { id }) => {
        const names = select(ctx, USER_PROPERTIES, 'user');
        const context = names ? `users(${names.join(',')})/$entity` : 'users/$entity';
        return json(ctx, 200, {
          '@odata.context': `${base}/$metadata#${context}`,
          ...userJson(userById(id!), names),
        });
      },
    },
    {
      method: 'PATCH',
      pattern: ['users', ':id'],
      run: async (ctx, { id }) => {
        const user = userById(id!);
        const body = await readJson(ctx);
        checkProperties(body, USER_PROPERTIES, USER_READ_ONLY, ['passwordProfile'], 'user');
        const { passwordProfile: _password, ...input } = body as Schemas['userUpdate'];
        tenant.updateUser(user.id, input as UserInput);
        return noContent(ctx);
      },
    },
    {
      method: 'DELETE',
      pattern: ['users', ':id'],
      run: (ctx, { id }) => {
        tenant.deleteUser(userById(id!).id);
        return noContent(ctx);
      },
    },
    {
      method: 'GET',
      pattern: ['users', ':id', 'manager'],
      run: (ctx, { id }) => {
        const manager = tenant.getManager(userById(id!).id);
        if (!manager) throw notFound('manager');
        return json(ctx, 200, {
          '@odata.context': `${base}/$metadata#directoryObjects/$entity`,
          ...objectJson({ type: 'user', object: manager }, objectSelect(ctx)),
        });
      },
    },
    {
      method: 'PUT',
      pattern: ['users', ':id', 'manager', '$ref'],
      run: async (ctx, { id }) => {
        const user = userById(id!);
        const managerId = referenceId(await readJson(ctx));
        tenant.setManager(user.id, userById(managerId).id);
        return noContent(ctx);
      },
    },
    {
      method: 'DELETE',
      pattern: ['users', ':id', 'manager', '$ref'],
      run: (ctx, { id }) => {
        const user = userById(id!);
        if (!tenant.getManager(user.id)) throw notFound('manager');
        tenant.setManager(user.id, null);
        return noContent(ctx);
      },
    },
    {
      method: 'GET',
      pattern: ['users', ':id', 'directReports'],
      run: (ctx, { id }) => {
        const names = objectSelect(ctx);
        const reports = tenant.listDirectReports(userById(id!).id);
        return json(
          ctx,
          200,
          page(
            ctx,
            'directoryObjects',
            reports.map((u) => objectJson({ type: 'user', object: u }, names)),
          ),
        );
      },
    },
    {
      method: 'GET',
      pattern: ['users', ':id', 'memberOf'],
      run: (ctx, { id }) => {
        const names = objectSelect(ctx);
        const groups = tenant.listMemberOf(userById(id!).id);
        return json(
          ctx,
          200,
          page(
            ctx,
            'directoryObjects',
            groups.map((g) => objectJson({ type: 'group', object: g }, names)),
          ),
        );
      },
    },
    {
      method: 'GET',
      pattern: ['groups'],
      run: (ctx) => {
        const names = select(ctx, GROUP_PROPERTIES, 'group');
        const groups = filtered(ctx, tenant.listGroups(), GROUP_PROPERTIES, 'Group');
        const context = names ? `groups(${names.join(',')})` : 'groups';
        return json(
          ctx,
          200,
          page(
            ctx,
            context,
            groups.map((g) => groupJson(g, names)),
          ) satisfies Schemas['groupCollection'],
        );
      },
    },
    {
      method: 'POST',
      pattern: ['groups'],
      run: async (ctx) => {
        const body = await readJson(ctx);
        checkProperties(body, GROUP_PROPERTIES, GROUP_READ_ONLY, ['members@odata.bind'], 'group');
        requireProperties(body, ['displayName', 'mailEnabled', 'mailNickname', 'securityEnabled'], 'Group');
        const { 'members@odata.bind': bind, ...input } = body as Schemas['groupCreate'];
        const memberIds = (bind ?? []).map((ref) => referenceId({ '@odata.id': ref }));
        for (const memberId of memberIds) objectById(memberId);
        const group = tenant.createGroup(input as GroupInput & Schemas['groupCreate']);
        for (const memberId of memberIds) tenant.addMember(group.id, memberId);
        return json(ctx, 201, { '@odata.context': `${base}/$metadata#groups/$entity`, ...groupJson(group) });
      },
    },
    {
      method: 'GET',
      pattern: ['groups', ':id'],
      run: (ctx, { id }) => {
        const names = select(ctx, GROUP_PROPERTIES, 'group');
        const group = tenant.findGroup(id!);
        if (!group) throw notFound(id!);
        return json(ctx, 200, {
          '@odata.context': `${base}/$metadata#groups/$entity`,
          ...groupJson(group, names),
        });
      },
    },
    {
      method: 'PATCH',
      pattern: ['groups', ':id'],
      run: async (ctx, { id }) => {
        if (!tenant.findGroup(id!)) throw notFound(id!);
        const body = await readJson(ctx);
        checkProperties(body, GROUP_PROPERTIES, GROUP_READ_ONLY, [], 'group');
        tenant.updateGroup(id!, body as GroupInput);
        return noContent(ctx);
      },
    },
    {
      method: 'DELETE',
      pattern: ['groups', ':id'],
      run: (ctx, { id }) => {
        if (!tenant.findGroup(id!)) throw notFound(id!);
        tenant.deleteGroup(id!);
        return noContent(ctx);
      },
    },
    {
      method: 'GET',
      pattern: ['groups', ':id', 'members'],
      run: (ctx, { id }) => {
        if (!tenant.findGroup(id!)) throw notFound(id!);
        const names = objectSelect(ctx);
        const members = tenant.listMembers(id!).map((m) => objectJson(m, names));
        return json(
          ctx,
          200,
          page(ctx, 'directoryObjects', members) satisfies Schemas['directoryObjectCollection'],
        );
      },
    },
    {
      method: 'POST',
      pattern: ['groups', ':id', 'members', '$ref'],
      run: async (ctx, { id }) => {
        if (!tenant.findGroup(id!)) throw notFound(id!);
        const memberId = referenceId(await readJson(ctx));
        tenant.addMember(id!, objectById(memberId).object.id);
        return noContent(ctx);
      },
    },
    {
      method: 'DELETE',
      pattern: ['groups', ':id', 'members', ':memberId', '$ref'],
      run: (ctx, { id, memberId }) => {
        if (!tenant.findGroup(id!)) throw notFound(id!);
        tenant.removeMember(id!, memberId!);
        return noContent(ctx);
      },
    },
    {
      method: 'GET',
      pattern: ['servicePrincipals'],
      run: (ctx) => {
        const all = tenant.listServicePrincipals() as unknown as Schemas['servicePrincipal'][];
        return json(
          ctx,
          200,
          page(
            ctx,
            'servicePrincipals',
            filtered(ctx, all, new Set(['id', 'appId', 'displayName']), 'ServicePrincipal'),
          ),
        );
      },
    },
    {
      method: 'GET',
      pattern: ['servicePrincipals', ':id'],
      run: (ctx, { id }) => {
        const sp = tenant.listServicePrincipals().find((s) => s.id === id);
        if (!sp) throw notFound(id!);
        return json(ctx, 200, { '@odata.context': `${base}/$metadata#servicePrincipals/$entity`, ...sp });
      },
    },
    {
      method: 'GET',
      pattern: ['servicePrincipals', ':id', 'appRoleAssignedTo'],
      run: (ctx, { id }) => {
        if (!tenant.listServicePrincipals().some((s) => s.id === id)) throw notFound(id!);
        const assignments: Schemas['appRoleAssignment'][] = tenant.listAssignments(id!);
        return json(ctx, 200, page(ctx, `servicePrincipals('${id}')/appRoleAssignedTo`, assignments));
      },
    },
    {
      method: 'POST',
      pattern: ['servicePrincipals', ':id', 'appRoleAssignedTo'],
      run: async (ctx, { id }) => {
        if (!tenant.listServicePrincipals().some((s) => s.id === id)) throw notFound(id!);
        const body = await readJson(ctx);
        requireProperties(body, ['principalId', 'resourceId', 'appRoleId'], 'AppRoleAssignment');
        const input = body as Schemas['appRoleAssignmentCreate'];
        if (input.resourceId !== id) {
          throw new GraphQueryError(
            400,
            'Request_BadRequest',
            `resourceId '${input.resourceId}' must be the service principal in the URL, '${id}'.`,
          );
        }
        const principal = objectById(input.principalId);
        const assignment: Schemas['appRoleAssignment'] = tenant.assign(
          id!,
          principal.object.id,
          input.appRoleId,
        );
        return json(ctx, 201, {
          '@odata.context': `${base}/$metadata#servicePrincipals('${id}')/appRoleAssignedTo/$entity`,
          ...assignment,
        });
      },
    },
    {
      method: 'DELETE',
      pattern: ['servicePrincipals', ':id', 'appRoleAssignedTo', ':assignmentId'],
      run: (ctx, { id, assignmentId }) => {
        if (!tenant.listServicePrincipals().some((s) => s.id === id)) throw notFound(id!);
        if (!tenant.listAssignments(id!).some((a) => a.id === assignmentId)) throw notFound(assignmentId!);
        tenant.unassign(assignmentId!);
        return noContent(ctx);
      },
    },
    {
      method: 'GET',
      pattern: ['directory', 'deletedItems', 'microsoft.graph.user'],
      run: (ctx) => {
        const names = objectSelect(ctx);
        const items = tenant.listDeletedItems('user').map((i) => objectJson(i, names));
        return json(ctx, 200, page(ctx, 'directoryObjects(microsoft.graph.user)', items));
      },
    },
    {
      method: 'GET',
      pattern: ['directory', 'deletedItems', 'microsoft.graph.group'],
      run: (ctx) => {
        const names = objectSelect(ctx);
        const items = tenant.listDeletedItems('group').map((i) => objectJson(i, names));
        return json(ctx, 200, page(ctx, 'directoryObjects(microsoft.graph.group)', items));
      },
    },
    {
      method: 'GET',
      pattern: ['directory', 'deletedItems', ':id'],
      run: (ctx, { id }) => {
        const item = tenant.listDeletedItems().find((i) => i.object.id === id);
        if (!item) throw notFound(id!);
        return json(ctx, 200, {
          '@odata.context': `${base}/$metadata#directory/deletedItems/$entity`,
          ...objectJson(item, objectSelect(ctx)),
        });
      },
    },
    {
      method: 'DELETE',
      pattern: ['directory', 'deletedItems', ':id'],
      run: (ctx, { id }) => {
        if (!tenant.listDeletedItems().some((i) => i.object.id === id)) throw notFound(id!);
        tenant.permanentlyDeleteItem(id!);
        return noContent(ctx);
      },
    },
    {
      method: 'POST',
      pattern: ['directory', 'deletedItems', ':id', 'restore'],
      run: (ctx, { id }) => {
        if (!tenant.listDeletedItems().some((i) => i.object.id === id)) throw notFound(id!);
        const restored = tenant.restoreDeletedItem(id!);
        return json(ctx, 200, {
          '@odata.context': `${base}/$metadata#directoryObjects/$entity`,
          ...objectJson(restored),
        });
      },
    },
  ];

  routes.push(
    ...synchronizationRoutes(options.synchronization ?? createSynchronization(tenant), {
      base,
      json: (ctx, status, body) => json(ctx as Context, status, body),
      noContent: (ctx) => noContent(ctx as Context),
      readJson: (ctx) => readJson(ctx as Context),
      page: (ctx, context, items) => page(ctx as Context, context, items),
      notFound,
    }),
  );

  const route = (
    method: string,
    segments: string[],
  ): { route: Route; params: Record<string, string> } | 'method' | undefined => {
    let pathMatched = false;
    for (const candidate of routes) {
      if (candidate.pattern.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const ok = candidate.pattern.every((part, i) => {
        if (part.startsWith(':')) {
          if (segments[i] === '$ref' || segments[i]!.startsWith('microsoft.graph.')) return false;
          params[part.slice(1)] = segments[i]!;
          return true;
        }
        return part === segments[i];
      });
      if (!ok) continue;
      pathMatched = true;
      if (candidate.method === method) return { route: candidate, params };
    }
    return pathMatched ? 'method' : undefined;
  };

  // -- auth ----------------------------------------------------------------------------------------

  const checkToken = (ctx: Context): Response | undefined => {
    if (!requireToken) return undefined;
    const header = ctx.request.headers.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return graphError(ctx, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const token = tokens.get(match[1]!);
    if (!token) return graphError(ctx, 401, 'InvalidAuthenticationToken', 'Access token validation failure.');
    if (tenant.clock.now().getTime() >= token.expiresAt) {
      return graphError(
        ctx,
        401,
        'InvalidAuthenticationToken',
        'Lifetime validation failed, the token is expired.',
      );
    }
    return undefined;
  };

  const tokenEndpoint = async (request: Request, tenantSegment: string): Promise<Response> => {
    const now = tenant.clock.now();
    const fail = (status: number, error: string, code: number, description: string): Response => {
      const traceId = crypto.randomUUID();
      const correlationId = crypto.randomUUID();
      const body: Schemas['tokenError'] = {
        error,
        error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${now.toISOString().slice(0, 19).replace('T', ' ')}Z`,
        error_codes: [code],
        timestamp: `${now.toISOString().slice(0, 19).replace('T', ' ')}Z`,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `${loginUrl}/error?code=${code}`,
      };
      return new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
    };
    const known = tenantSegment.toLowerCase();
    if (known !== tenant.id && !tenant.domains.includes(known)) {
      return fail(
        400,
        'invalid_request',
        90002,
        `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    if (!(request.headers.get('content-type') ?? '').includes('application/x-www-form-urlencoded')) {
      return fail(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'grant_type'.",
      );
    }
    const form = new URLSearchParams(await request.text());
    for (const name of ['grant_type', 'client_id', 'scope'] as const) {
      if (!form.get(name)) {
        return fail(
          400,
          'invalid_request',
          900144,
          `The request body must contain the following parameter: '${name}'.`,
        );
      }
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return fail(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${form.get('grant_type')}'.`,
      );
    }
    const clientId = form.get('client_id')!;
    const secret = form.get('client_secret') ?? '';
    if (options.clients) {
      const client = options.clients.find((c) => c.clientId === clientId);
      if (!client) {
        return fail(
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${clientId}' was not found in the directory '${tenantSegment}'.`,
        );
      }
      if (client.clientSecret !== secret) {
        return fail(
          401,
          'invalid_client',
          7000215,
          'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
        );
      }
    } else if (secret === '') {
      return fail(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    const scope = form.get('scope')!;
    if (!scope.endsWith(GRAPH_SCOPE_SUFFIX) || scope.trim().includes(' ')) {
      return fail(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    const iat = Math.floor(now.getTime() / 1000);
    const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const accessToken = [
      encode({ typ: 'JWT', alg: 'none' }),
      encode({
        aud: scope.slice(0, -GRAPH_SCOPE_SUFFIX.length),
        iss: `https://sts.windows.net/${tenant.id}/`,
        iat,
        nbf: iat,
        exp: iat + lifetime,
        appid: clientId,
        tid: tenant.id,
        jti: crypto.randomUUID(),
      }),
      'entra-mock',
    ].join('.');
    tokens.set(accessToken, { expiresAt: now.getTime() + lifetime * 1000, clientId });
    const body: Schemas['tokenResponse'] = {
      token_type: 'Bearer',
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: accessToken,
    };
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  };

  return async (request) => {
    const url = new URL(request.url);
    const clientRequestId = request.headers.get('client-request-id') ?? crypto.randomUUID();
    const ctx: Context = { request, url, requestId: crypto.randomUUID(), clientRequestId };
    try {
      if (url.origin === new URL(loginUrl).origin) {
        const match = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
        if (match && request.method === 'POST')
          return await tokenEndpoint(request, decodeURIComponent(match[1]!));
        return new Response(null, { status: 404 });
      }
      const prefix = new URL(base).pathname;
      if (url.origin !== new URL(graphUrl).origin || !url.pathname.startsWith(`${prefix}/`)) {
        return graphError(ctx, 400, 'BadRequest', `Invalid version: use ${base}.`);
      }
      const denied = checkToken(ctx);
      if (denied) return denied;
      const segments = url.pathname
        .slice(prefix.length + 1)
        .split('/')
        .filter((s) => s !== '')
        .map((s) => decodeURIComponent(s));
      const found = route(request.method, segments);
      if (found === undefined) {
        return graphError(
          ctx,
          400,
          'BadRequest',
          `Resource not found for the segment '${segments.at(-1) ?? ''}'.`,
        );
      }
      if (found === 'method') {
        return graphError(
          ctx,
          405,
          'Request_BadRequest',
          `The request method '${request.method}' is not allowed on this resource.`,
        );
      }
      return await found.route.run(ctx, found.params);
    } catch (error) {
      if (error instanceof GraphQueryError) return graphError(ctx, error.status, error.code, error.message);
      if (isScimError(error)) {
        return error.code === 'notFound'
          ? graphError(ctx, 404, 'Request_ResourceNotFound', error.message)
          : graphError(ctx, 400, 'Request_BadRequest', error.message);
      }
      return graphError(ctx, 500, 'generalException', 'An unexpected error occurred in the simulator.');
    }
  };
}

/**
 * Creates MSW request handlers that serve the Microsoft Graph v1.0 subset and the
 * client-credentials token endpoint from a tenant, for `setupServer` from `msw/node`: code under
 * test calls `https://graph.microsoft.com/v1.0/...` with plain `fetch` and reaches the simulator.
 *
 * @param tenant - the tenant to serve
 * @param options - origins, clients, token lifetime, page size
 * @returns the handlers, one for Graph and one for the token endpoint
 * @throws never: failures become Graph or identity-platform error responses
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * const server = setupServer(...createGraphHandlers(tenant, { clients: [{ clientId: 'app', clientSecret: 's3cret' }] }));
 * server.listen({ onUnhandledRequest: 'error' });
 * ```
 * @see https://mswjs.io/docs/api/setup-server
 * @see https://learn.microsoft.com/en-us/graph/api/overview?view=graph-rest-1.0
 */
export function createGraphHandlers(tenant: EntraTenant, options: GraphHandlerOptions = {}): HttpHandler[] {
  const handle = createGraphHandler(tenant, options);
  const graphUrl = (options.graphUrl ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
  const loginUrl = (options.loginUrl ?? 'https://login.microsoftonline.com').replace(/\/+$/, '');
  return [mountFetchHandler(`${graphUrl}/v1.0`, handle), mountFetchHandler(loginUrl, handle)];
}
