import type { AttributeChange } from '@scim/protocol';
import type { ResourceSchema } from '@scim/schemas';
import type { Authenticator, Principal } from './auth/types.ts';
import type { ChangeEvent, ScimStore } from './store/types.ts';

/**
 * How one resource type is served: its schema (core + extensions), which attributes a request
 * must carry, and which may appear in filters.
 *
 * @example
 * ```ts
 * import { createScimHandler, type ResourceTypeOptions } from '@scim/server';
 * const users: ResourceTypeOptions = {
 *   required: ['emails', 'name.givenName'], // a POST without them: 400 invalidValue
 *   filterable: ['userName', 'externalId', 'emails.value', 'active'], // a filter on title: 400 invalidFilter
 * };
 * const handler = createScimHandler({ store, authenticate, users });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-6
 */
export interface ResourceTypeOptions {
  /**
   * The resource type's schema, built with `createResourceSchema` / `extendResourceSchema` from
   * `@scim/schemas`. Defaults to `userResourceSchema` for users and `groupResourceSchema` for groups.
   */
  readonly schema?: ResourceSchema;
  /**
   * Attribute paths a POST or PUT must carry, on top of the schema's own `required: true`
   * attributes (`userName`, `displayName`). A request without them is answered 400 `invalidValue`
   * naming every missing path. Sub-attributes are written `name.givenName`; extension attributes
   * with their URN.
   */
  readonly required?: readonly string[];
  /**
   * The attribute paths a filter may name (`userName`, `emails.value`, `externalId`, ...). A filter
   * on another attribute is answered 400 `invalidFilter`. Omit it to allow every attribute
   * (SQL stores may then scan); `id`, `externalId` and `meta.*` are always allowed.
   */
  readonly filterable?: readonly string[];
}

/**
 * A resource type besides `User` and `Group`: a {@link ResourceTypeOptions} whose schema is required.
 *
 * @example
 * ```ts
 * import { attr, createResourceSchema, defineSchema } from '@scim/schemas';
 * import { type CustomResourceTypeOptions, createScimHandler } from '@scim/server';
 * const deviceSchema = defineSchema({
 *   id: 'urn:example:scim:schemas:1.0:Device',
 *   name: 'Device',
 *   attributes: [attr.string('serialNumber', { required: true, uniqueness: 'server' })],
 * });
 * const devices: CustomResourceTypeOptions = {
 *   schema: createResourceSchema(
 *     { id: 'Device', name: 'Device', endpoint: '/Devices', schema: deviceSchema.id, schemaExtensions: [] },
 *     [deviceSchema],
 *   ),
 * };
 * const handler = createScimHandler({ store, authenticate, resourceTypes: [devices] }); // serves /Devices
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-6
 */
export interface CustomResourceTypeOptions extends ResourceTypeOptions {
  /** The resource type's schema; its `resourceType.endpoint` is where it is served. */
  readonly schema: ResourceSchema;
}

/**
 * Size and rate limits. Every limit the server enforces is also advertised at
 * `/ServiceProviderConfig` where RFC 7643 has a field for it.
 *
 * @example
 * ```ts
 * import { createScimHandler, type ScimLimits } from '@scim/server';
 * const limits: ScimLimits = { maxBodyBytes: 1_000_000, maxPageSize: 200, rateLimit: { requests: 600, windowSeconds: 60 } };
 * const handler = createScimHandler({ store, authenticate, limits }); // advertised at /ServiceProviderConfig
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.4
 */
export interface ScimLimits {
  /** Largest request body, in bytes, counted while streaming (not from Content-Length): 413 above. Default 1,048,576. */
  readonly maxBodyBytes?: number;
  /** Deepest JSON nesting accepted in a body: 400 `invalidSyntax` above. Default 32. */
  readonly maxDepth?: number;
  /** Largest `count` a list query may ask for; larger counts are clamped (RFC 7644 section 3.4.2.4). Default 1000. */
  readonly maxPageSize?: number;
  /** The `count` of a list query that gives none. Default 100. */
  readonly defaultPageSize?: number;
  /**
   * Most operations in one PATCH request: 413 above, naming the limit, before any operation is
   * applied. Default 1,000 (Entra sends a few per request; its group member updates carry many
   * members in one operation, or one `remove` per member). RFC 7643 has no
   * `/ServiceProviderConfig` field for it.
   */
  readonly maxPatchOperations?: number;
  /**
   * Most values one multi-valued attribute may hold (`emails`, `roles`, an extension's lists),
   * after any write: 400 `invalidValue` naming the attribute above. A group's `members` are kept
   * apart and not counted. Default 1000.
   */
  readonly maxValuesPerAttribute?: number;
  /**
   * Longest value, in characters (code points), of an indexed attribute: `userName`,
   * `externalId`, `displayName`, and every attribute with `uniqueness: server` or `global`:
   * 400 `invalidValue` above. Default 1024.
   */
  readonly maxIndexedValueLength?: number;
  /**
   * Most comparisons (`attr op value`, `attr pr`) one filter may hold, value filters' included:
   * 400 `invalidFilter` above. Default 200.
   */
  readonly maxFilterTerms?: number;
  /**
   * Bulk limits (RFC 7644 section 3.7.4), or `false` to turn `/Bulk` off (then 501 and
   * `bulk.supported: false`). Defaults: 100 operations, 1,048,576 bytes.
   */
  readonly bulk?:
    | false
    | {
        /** Most operations in one bulk request: 413 above. */
        readonly maxOperations?: number;
        /** Largest bulk request body in bytes: 413 above. */
        readonly maxPayloadSize?: number;
      };
  /**
   * Requests per tenant per window, counted by this handler instance (fixed window). Above it the
   * handler answers 429 with `Retry-After` in seconds. No limit when omitted.
   */
  readonly rateLimit?: {
    /** Requests allowed per window and tenant. */
    readonly requests: number;
    /** The window's length in seconds. */
    readonly windowSeconds: number;
  };
}

/**
 * Vendor policies: how the service provider departs from plain storage, as configuration.
 *
 * @example
 * ```ts
 * import { createScimHandler, type ScimPolicies } from '@scim/server';
 * const policies: ScimPolicies = {
 *   deleteMode: 'disable', // DELETE sets active to false and keeps the user
 *   linkedAttributes: [['userName', 'emails[type eq "work"].value']],
 *   readOnlyAttributes: ['title'],
 * };
 * const handler = createScimHandler({ store, authenticate, policies });
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 */
export interface ScimPolicies {
  /**
   * What DELETE does to a user: `hard` (default) removes it; `disable` sets `active: false`,
   * keeps it (GET and filters still return it) and answers 204. Groups are always removed.
   */
  readonly deleteMode?: 'hard' | 'disable';
  /**
   * Pairs of attribute paths kept equal (on users): when a write changes one, the other takes its
   * value. A path may end in a value filter: `emails[type eq "work"].value` (the element is created
   * when missing). When a write sets both to different values, the first of the pair wins.
   */
  readonly linkedAttributes?: readonly (readonly [string, string])[];
  /**
   * Attribute paths clients may not change (the application owns them): a value sent on create is
   * dropped; a PUT or PATCH that changes one keeps the stored value under the `entra` profile (as
   * RFC 7643 does for `readOnly` attributes), and is answered 400 `mutability` under `strict`.
   */
  readonly readOnlyAttributes?: readonly string[];
  /**
   * The only attributes (top-level names or `parent.sub` paths; extension attributes with their
   * URN) the application keeps. Others are dropped from writes under the `entra` profile, and
   * rejected with 400 `invalidValue` under `strict`. `id`, `externalId`, `meta`, `schemas`, the
   * schemas' required attributes and `members` are always allowed.
   */
  readonly allowedAttributes?: readonly string[];
}

/**
 * What a lifecycle hook receives: the committed change.
 *
 * @example
 * ```ts
 * const hook = (e: ScimHookEvent) => console.log(e.tenant, e.id, e.changes.map((c) => c.path));
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export interface ScimHookEvent {
  /** The tenant. */
  readonly tenant: string;
  /** The resource type name (`User`, `Group`). */
  readonly resourceType: string;
  /** The resource id. */
  readonly id: string;
  /** The resource after the change, as the server would return it (for deletes: before). */
  readonly resource: Readonly<Record<string, unknown>>;
  /** The attribute changes (from `applyPatch`, or computed for POST / PUT). */
  readonly changes: readonly AttributeChange[];
  /** Member ids added or removed, for the member hooks. */
  readonly members?: readonly string[];
  /** Who made the request. */
  readonly principal: Principal;
}

/**
 * Lifecycle hooks for the host application, called after the change is committed (and recorded
 * in the change feed). A hook that throws is logged and does not fail the request; for delivery
 * that survives a crash, read the change feed ({@link ScimHandler.changes}).
 *
 * @example
 * ```ts
 * import { createScimHandler, type ScimHooks } from '@scim/server';
 * const hooks: ScimHooks = {
 *   userDeactivated: (e) => revokeSessions(e.tenant, e.id),
 *   groupMembersAdded: (e) => grant(e.tenant, e.id, e.members ?? []),
 * };
 * const handler = createScimHandler({ store, authenticate, hooks });
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 */
export interface ScimHooks {
  /** A user was created. */
  readonly userCreated?: (event: ScimHookEvent) => void | Promise<void>;
  /** A user's attributes changed (other than a change of `active`, which has its own hooks). */
  readonly userUpdated?: (event: ScimHookEvent) => void | Promise<void>;
  /** A user's `active` went from true (or unset) to false, by PATCH, PUT or a disabling DELETE. */
  readonly userDeactivated?: (event: ScimHookEvent) => void | Promise<void>;
  /** A user's `active` went from false to true. */
  readonly userReactivated?: (event: ScimHookEvent) => void | Promise<void>;
  /** A user was deleted (hard delete). */
  readonly userDeleted?: (event: ScimHookEvent) => void | Promise<void>;
  /** A group was created. */
  readonly groupCreated?: (event: ScimHookEvent) => void | Promise<void>;
  /** A group's `displayName` changed. */
  readonly groupRenamed?: (event: ScimHookEvent) => void | Promise<void>;
  /** Members were added to a group (`event.members`). */
  readonly groupMembersAdded?: (event: ScimHookEvent) => void | Promise<void>;
  /** Members were removed from a group (`event.members`). */
  readonly groupMembersRemoved?: (event: ScimHookEvent) => void | Promise<void>;
  /** A group was deleted. */
  readonly groupDeleted?: (event: ScimHookEvent) => void | Promise<void>;
}

/**
 * A structured logger for what only the handler knows: server errors with their cause (the
 * response carries only the request id) and failed hooks. pino's shape: an object first, then a
 * message. Bodies, tokens and secrets are never logged. For one line per request, wrap the handler
 * with `withRequestLogging`.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const logger: HandlerLogger = pino();
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.12
 */
export interface HandlerLogger {
  /**
   * Informational events.
   * @param fields - structured fields (`requestId`, `tenant`, ...)
   * @param message - a short message
   */
  info(fields: Record<string, unknown>, message?: string): void;
  /**
   * Details worth a look when debugging (member ids left out under `unknownMembers: 'skip'`).
   * @param fields - structured fields (`requestId`, `tenant`, `id`, `members`)
   * @param message - a short message
   */
  debug?(fields: Record<string, unknown>, message?: string): void;
  /**
   * Failed hooks.
   * @param fields - structured fields (`requestId`, `hook`, `tenant`, `id`, `err`)
   * @param message - a short message
   */
  warn(fields: Record<string, unknown>, message?: string): void;
  /**
   * Server errors and an unavailable store, with the cause.
   * @param fields - structured fields (`requestId`, `err`)
   * @param message - a short message
   */
  error(fields: Record<string, unknown>, message?: string): void;
}

/**
 * Serves `/Me` (RFC 7644 section 3.11) for an authenticated principal. Without it `/Me` answers 501.
 *
 * @param request - the request (its body not yet read)
 * @param context - the tenant and principal
 * @returns the response
 * @example
 * ```ts
 * const me: MeHandler = async (_req, { principal }) => Response.json({ id: principal.id });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.11
 */
export type MeHandler = (
  request: Request,
  context: { readonly tenant: string; readonly principal: Principal },
) => Response | Promise<Response>;

/**
 * Cursor paging options (RFC 9865), see {@link ScimServerOptions.cursors}.
 *
 * @example
 * ```ts
 * import { createScimHandler, type CursorOptions } from '@scim/server';
 * const cursors: CursorOptions = { secret: process.env.SCIM_CURSOR_SECRET, timeoutSeconds: 600 };
 * const handler = createScimHandler({ store, authenticate, cursors });
 * // GET /Users?cursor=&count=100 answers a page with nextCursor, valid for 10 minutes
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9865.html
 */
export interface CursorOptions {
  /** The secret cursors are sealed with (AES-256-GCM, key = SHA-256 of it). Default: random per process. */
  readonly secret?: string | undefined;
  /** How long a cursor lasts, in seconds: 400 `expiredCursor` after. Default 3600. */
  readonly timeoutSeconds?: number;
}

/**
 * The options of {@link createScimHandler}: where data lives, who may call, what is served and how.
 * Everything but `store` and `authenticate` has a default that suits Microsoft Entra ID.
 *
 * @example
 * ```ts
 * import { createScimHandler, memoryStore } from '@scim/server';
 * const store = memoryStore();
 * const handler = createScimHandler({
 *   store,
 *   authenticate: async (req, tenant) => (req.headers.get('authorization') === 'Bearer s3cret' ? { tenant, kind: 'bearer', id: 'dev' } : undefined),
 *   basePath: '/api/scim/{tenant}',
 *   policies: { deleteMode: 'disable' },
 * });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644
 */
export interface ScimServerOptions {
  /** Where resources, memberships, the change feed and tokens live. */
  readonly store: ScimStore;
  /** Decides who a request is; `undefined` means 401 with `WWW-Authenticate: Bearer`. */
  readonly authenticate: Authenticator;
  /** The User resource type (default: core User + Enterprise User). */
  readonly users?: ResourceTypeOptions;
  /** The Group resource type (default: core Group), or `false` to serve no groups. */
  readonly groups?: ResourceTypeOptions | false;
  /** Further resource types, each served at its schema's `resourceType.endpoint`. */
  readonly resourceTypes?: readonly CustomResourceTypeOptions[];
  /**
   * The compatibility profile: `entra` (default) accepts what Microsoft Entra ID sends (string
   * booleans, `"op": "Replace"`, path-less PATCH with dotted keys, unknown attributes ignored);
   * `strict` holds clients to RFC 7643/7644 (unknown attributes rejected).
   */
  readonly profile?: 'entra' | 'strict';
  /**
   * The path the SCIM endpoints live under, for example `/scim/v2`, or with a `{tenant}` segment
   * the tenant comes from: `/api/scim/{tenant}` serves `/api/scim/contoso/Users`. Default `''`.
   */
  readonly basePath?: string;
  /** The tenant of every request when `basePath` has no `{tenant}` segment. Default `default`. */
  readonly tenant?: string;
  /** Size, page, bulk and rate limits. */
  readonly limits?: ScimLimits;
  /**
   * Cursor paging (RFC 9865): `GET /Users?cursor=&count=100` starts, each page's `nextCursor`
   * continues. A cursor is sealed with a key derived from `secret` (give every instance behind a
   * load balancer the same one; without it each process makes its own, and its cursors end with
   * it) and lasts `timeoutSeconds` (default 3600).
   */
  readonly cursors?: CursorOptions;
  /** What a successful user PATCH answers: 200 with the resource (default) or 204. Group PATCH is always 204. */
  readonly userPatchResponse?: 200 | 204;
  /**
   * What a write naming a member id that is not a resource of the tenant does. `skip` (the
   * default under the `entra` profile): the id is left out, nothing is stored or recorded for it,
   * it is logged at `debug`, and the rest of the request succeeds, as Microsoft's SCIM validator
   * expects. `reject` (the default under `strict`): the request is 400 `invalidValue` and changes
   * nothing. Either way, no membership ever points at a resource that does not exist.
   */
  readonly unknownMembers?: 'skip' | 'reject';
  /** Vendor policies: disabling deletes, linked, read-only and allowed attributes. */
  readonly policies?: ScimPolicies;
  /** Lifecycle hooks, called after commit. */
  readonly hooks?: ScimHooks;
  /** Serves `/Me`; without it `/Me` answers 501. */
  readonly me?: MeHandler;
  /** Where server errors (with their cause) and failed hooks are logged; nothing is logged without it. */
  readonly logger?: HandlerLogger;
  /** A URL with your documentation, advertised at `/ServiceProviderConfig`. */
  readonly documentationUri?: string;
}

/**
 * The fetch-standard SCIM handler made by {@link createScimHandler}: call it with a `Request`,
 * get a `Response`.
 *
 * @example
 * ```ts
 * const handler: ScimHandler = createScimHandler({ store, authenticate });
 * const res = await handler(new Request('http://localhost/Users', { headers: { authorization: 'Bearer t' } }));
 * const feed = await handler.changes('default', { limit: 100 });
 * await handler.close();
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3
 */
export interface ScimHandler {
  /**
   * Handles one request.
   * @param request - a fetch-standard request
   * @returns the SCIM response
   */
  (request: Request): Promise<Response>;
  /**
   * Reads a tenant's change feed after a cursor, oldest first.
   * @param tenant - the tenant
   * @param options - `after`: the last cursor read; `limit`: most entries to return (default 100)
   * @returns the change events
   */
  changes(
    tenant: string,
    options?: { readonly after?: string | undefined; readonly limit?: number },
  ): Promise<readonly ChangeEvent[]>;
  /** Resolves when the store is open (the handler also waits for it on its first request). */
  readonly ready: Promise<void>;
  /** Closes the store. */
  close(): Promise<void>;
}
