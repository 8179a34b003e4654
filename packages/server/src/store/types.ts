import type { QueryFilter, QueryPath } from '@scim/protocol';

/**
 * The store contract of `@scim/server`: what `memoryStore()`, `sqliteStore()` and `postgresStore()`
 * implement, and what a custom store must implement. The handler does the SCIM work (parsing,
 * PATCH, projection, policies); the store keeps resources, pushes filters, sorting and paging down
 * to its engine, enforces uniqueness atomically, applies member deltas without loading the other
 * members, and records every change in a change feed in the same transaction as the change.
 *
 * Every method is scoped by a tenant: no call for one tenant may read or change another's rows.
 *
 * @packageDocumentation
 */

/**
 * A member of a group (or of any resource type whose multi-valued reference attribute the store
 * keeps in its own table, see {@link ResourceTypeStorage.referenceAttribute}).
 *
 * @example
 * ```ts
 * import type { StoredMember } from '@scim/server';
 * const groups: readonly StoredMember[] = await store.memberOf('contoso', '2819c223-7f76-453a-919d-413861904646');
 * groups.map((g) => g.display); // ['Tour Guides']: the groups the user is a direct member of
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-4.2
 */
export interface StoredMember {
  /** The id of the member resource. */
  readonly value: string;
  /** The member's resource type name (`User`, `Group`), as the store found it. */
  readonly type: string;
  /**
   * The label the client sent with the member when it was added (see {@link MemberDelta.display}),
   * else the member's `displayName` (or `userName` when it has none), resolved when read.
   */
  readonly display?: string;
}

/**
 * A resource as a store keeps it.
 *
 * @example
 * ```ts
 * import type { StoredResource } from '@scim/server';
 * const found: StoredResource | undefined = await store.get('contoso', 'Group', '2819c223', { members: true });
 * if (found) console.log(found.version, found.data.displayName, found.members?.length);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-3.1
 */
export interface StoredResource {
  /** The id, assigned by the store on create (a UUID). */
  readonly id: string;
  /** The resource type name: `User`, `Group`, or a custom one. */
  readonly resourceType: string;
  /**
   * The resource's attributes in canonical form, without `id`, `meta` and the reference
   * attribute the store keeps in its own table (a group's `members`). A store may parse it when
   * first read (the SQLite and PostgreSQL stores do, for a resource read with its stored
   * rendering): it is then a getter of the object's class, which `JSON.stringify` includes
   * (through `toJSON`) but an object spread does not; copy a resource as
   * `{ ...resource, data: resource.data }`.
   */
  readonly data: Readonly<Record<string, unknown>>;
  /** Starts at 1 and grows by one with every write; the ETag is derived from it. */
  readonly version: number;
  /** When the resource was created (ISO 8601, UTC, milliseconds). */
  readonly created: string;
  /** When the resource last changed (ISO 8601, UTC, milliseconds). */
  readonly lastModified: string;
  /** The members, present only when the read asked for them (`members: true`). */
  readonly members?: readonly StoredMember[];
  /**
   * The groups the resource is a direct member of, as {@link ScimStore.memberOf} gives them, when
   * the read asked for them (`groups: true`) and the store reads them with the resource. A store
   * that leaves them out is asked `memberOf` instead.
   */
  readonly groups?: readonly StoredMember[];
  /**
   * The {@link WriteInput.rendering} the data was written with, when the store keeps it: the
   * handler then answers a read without `attributes` or `excludedAttributes` by splicing this text
   * instead of rendering `data` again. Opaque to the store.
   */
  readonly rendering?: string;
}

/**
 * A value that must be unique within a tenant and resource type (RFC 7643 `uniqueness: server`),
 * already normalized by the handler: case-folded (`foldCase` of `@scim/protocol`, Unicode simple
 * case folding) when the attribute is not `caseExact`, so that `BJensen` and `bjensen` collide.
 *
 * @example
 * ```ts
 * import { foldCase } from '@scim/protocol';
 * import type { UniqueKey } from '@scim/server';
 * const unique: UniqueKey[] = [{ attribute: 'userName', value: foldCase('BJensen@example.com') }];
 * await store.create('contoso', 'User', { data: { userName: 'BJensen@example.com' }, unique, change: { type: 'user.created' } });
 * // a second user whose userName folds to the same value gets 409 uniqueness
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-2.2
 */
export interface UniqueKey {
  /** The attribute's canonical path (`userName`, `displayName`, `externalId`). */
  readonly attribute: string;
  /** The normalized value. */
  readonly value: string;
}

/**
 * A change to a group's members, as `applyPatch` reports it for a deferred reference attribute.
 *
 * @example
 * ```ts
 * import type { MemberDelta } from '@scim/server';
 * const members: MemberDelta = { added: ['u1'], removed: ['u2'], unknown: 'skip' };
 * await store.update('contoso', 'Group', groupId, { data: {}, unique: [], change: { type: 'group.updated' }, members, membersOnly: true });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export interface MemberDelta {
  /** Member ids to add; adding a present member is a no-op. */
  readonly added: readonly string[];
  /** Member ids to remove; removing an absent member is a no-op. */
  readonly removed: readonly string[];
  /** Remove every member first (then add `added`). */
  readonly removeAll?: boolean;
  /**
   * Display labels the client sent with added members, by id; kept with the membership (a label
   * is set when the member is added, and never changed while it stays, as RFC 7643 section 2.4
   * makes `display` immutable). Members without one show their resource's name.
   */
  readonly display?: Readonly<Record<string, string>>;
  /**
   * What to do with an added id that is not a resource of the tenant: `reject` (default) throws
   * 400 `invalidValue` and writes nothing; `skip` leaves it out and writes the rest.
   */
  readonly unknown?: 'reject' | 'skip';
}

/**
 * One entry of the change feed, written by the store in the same transaction as the change.
 *
 * @example
 * ```ts
 * import type { ChangeEvent } from '@scim/server';
 * const events: readonly ChangeEvent[] = await store.changes('contoso', { after: await loadCursor(), limit: 100 });
 * for (const event of events) await react(event); // event.type: 'user.created', 'group.members.added', ...
 * await saveCursor(events.at(-1)?.cursor);
 * ```
 */
export interface ChangeEvent {
  /** Opaque, increasing position in the feed; pass it back to read what follows. */
  readonly cursor: string;
  /** The tenant the change belongs to. */
  readonly tenant: string;
  /** What happened, for example `user.created`, `group.members.added`. */
  readonly type: string;
  /** The resource type name. */
  readonly resourceType: string;
  /** The resource id. */
  readonly id: string;
  /** The resource's version after the change (0 for a hard delete). */
  readonly version: number;
  /** When the change was committed. */
  readonly at: string;
  /** Details the handler attached: attribute changes, member ids, ... (JSON). */
  readonly [detail: string]: unknown;
}

/**
 * The change-feed entry a write asks the store to record (the store adds `cursor`, `tenant`,
 * `resourceType`, `id`, `version` and `at`).
 *
 * @example
 * ```ts
 * import type { ChangeRecord } from '@scim/server';
 * const change: ChangeRecord = { type: 'user.deleted', reason: 'offboarding' };
 * await store.delete('contoso', 'User', '2819c223', { change }); // read back by store.changes(...)
 * ```
 */
export interface ChangeRecord {
  /** What happened, for example `user.created`. */
  readonly type: string;
  /** JSON details. */
  readonly [detail: string]: unknown;
}

/**
 * How a store keeps one resource type. The handler derives it from the server's options.
 *
 * @example
 * ```ts
 * import type { ResourceTypeStorage } from '@scim/server';
 * const types: ResourceTypeStorage[] = [{ name: 'User' }, { name: 'Group', referenceAttribute: 'members' }];
 * await store.open(types); // creates the tables; a group's members get their own
 * ```
 */
export interface ResourceTypeStorage {
  /** The resource type name. */
  readonly name: string;
  /**
   * The multi-valued reference attribute kept in the store's membership table rather than in
   * `data` (`members` for groups), so that member PATCHes cost the same for any group size.
   */
  readonly referenceAttribute?: string;
}

/**
 * A sort order for {@link ListQuery}.
 *
 * @example
 * ```ts
 * import type { StoreSort } from '@scim/server';
 * import { userResourceSchema } from '@scim/schemas';
 * const { definition } = userResourceSchema.resolvePath('userName')!;
 * const sort: StoreSort = { path: { attribute: 'userName', definition }, descending: true };
 * const page = await store.list('contoso', { resourceType: 'User', sort, startIndex: 1, count: 10 });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.3
 */
export interface StoreSort {
  /** The attribute to sort by, normalized against the schema. */
  readonly path: QueryPath;
  /** Descending order when true. */
  readonly descending: boolean;
}

/**
 * A list query pushed down to the store.
 *
 * @example
 * ```ts
 * import { normalizeFilter, parseFilter } from '@scim/protocol';
 * import type { ListQuery } from '@scim/server';
 * import { userResourceSchema } from '@scim/schemas';
 * const filter = normalizeFilter(parseFilter('userName sw "b"'), userResourceSchema);
 * const query: ListQuery = { resourceType: 'User', filter, startIndex: 1, count: 100 };
 * const { totalResults, resources } = await store.list('contoso', query);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2
 */
export interface ListQuery {
  /** The resource type to list. */
  readonly resourceType: string;
  /** The filter in query form (`normalizeFilter`), or none. */
  readonly filter?: QueryFilter;
  /** The sort order, or none (then the order is by creation, stable). */
  readonly sort?: StoreSort;
  /** 1-based index of the first result (RFC 7644 `startIndex`), at least 1; ignored with `after`. */
  readonly startIndex: number;
  /**
   * Keyset paging (RFC 9865 cursors): the page starts right after this position, the
   * {@link ListPage.next} of an earlier page of the same query. Rows deleted or added since then do
   * not shift the page; reading it costs what the first page does. Implies `keyset`.
   */
  readonly after?: string;
  /** Page by position: the page's {@link ListPage.next} says where the next page starts. */
  readonly keyset?: boolean;
  /** The page size (0 returns only `totalResults`). */
  readonly count: number;
  /** Whether to load the reference attribute's values (`members`). */
  readonly members?: boolean;
  /**
   * The caller answers each resource that has a {@link StoredResource.rendering} from that text
   * alone (the handler does for a list without `attributes`, `excludedAttributes` or `groups`). A
   * store may then leave out the `data` of such a resource, whose `data` throws when read; the
   * handler reads the page again without this flag when a rendering does not fit (one of an earlier
   * schema). A store may ignore it. The SQLite and PostgreSQL stores honour it: on PostgreSQL, the
   * `jsonb` data written out as text was half the database's work for a page of 100 (see
   * docs/benchmarks.md).
   */
  readonly renderedOnly?: boolean;
  /**
   * The caller bounds the query's work itself (the server's own lookup of a few ids, such as the
   * check of a group's new members): the store's `queryTimeoutMs` does not apply. That budget is
   * for a client's filter that reads too many resources; on a loaded machine a lookup can take
   * longer than it in wall-clock time, and a valid write must not be refused with 400 `tooMany`
   * for it. A PostgreSQL store still cancels it at its connections' `statement_timeout`, as a read by
   * id (503, which a client retries).
   */
  readonly unbudgeted?: boolean;
}

/**
 * A page of a list query.
 *
 * @example
 * ```ts
 * import type { ListPage } from '@scim/server';
 * let page: ListPage = await store.list('contoso', { resourceType: 'User', startIndex: 1, count: 100, keyset: true });
 * while (page.next !== undefined) {
 *   page = await store.list('contoso', { resourceType: 'User', startIndex: 1, count: 100, after: page.next });
 * }
 * ```
 */
export interface ListPage {
  /** How many resources match the filter, over every page. */
  readonly totalResults: number;
  /** The resources of the requested page, in order. */
  readonly resources: readonly StoredResource[];
  /**
   * For a `keyset` query, when more resources follow this page: the position of its last resource
   * in the query's order, opaque to the caller (pass it back as {@link ListQuery.after}). A store
   * without keyset paging leaves it out, and the handler then offers no cursors.
   */
  readonly next?: string;
}

/**
 * A write: the new data, the uniqueness keys it claims, and the feed entry to record with it.
 *
 * @example
 * ```ts
 * import type { WriteInput } from '@scim/server';
 * const write: WriteInput = {
 *   data: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'bjensen' },
 *   unique: [{ attribute: 'userName', value: 'bjensen' }],
 *   change: { type: 'user.created' },
 * };
 * const created = await store.create('contoso', 'User', write); // created.id, created.version === 1
 * ```
 */
export interface WriteInput {
  /** The resource's attributes (see {@link StoredResource.data}). */
  readonly data: Readonly<Record<string, unknown>>;
  /** Every unique value the resource holds after the write; the store replaces the old set. */
  readonly unique: readonly UniqueKey[];
  /** The change-feed entry. */
  readonly change: ChangeRecord;
  /**
   * The resource's default rendering, as the handler computes it from `data` (opaque text; see
   * {@link StoredResource.rendering}). A store may keep it with the data and give it back on reads;
   * a store that keeps it must drop it on a write that has none, and never give it back with other
   * data than it was written with.
   */
  readonly rendering?: string;
}

/**
 * What {@link ScimStore.update} receives: the write, and optionally a version check and a member delta.
 *
 * @example
 * ```ts
 * import type { UpdateInput } from '@scim/server';
 * const input: UpdateInput = {
 *   data: { ...current.data, active: false },
 *   unique: [{ attribute: 'userName', value: 'bjensen' }],
 *   change: { type: 'user.deactivated' },
 *   ifVersion: current.version, // 412 preconditionFailed if someone wrote in between
 * };
 * await store.update('contoso', 'User', current.id, input);
 * ```
 */
export interface UpdateInput extends WriteInput {
  /** Write only if the stored version still equals this one (else 412 `preconditionFailed`). */
  readonly ifVersion?: number;
  /** A member delta, applied in the same transaction. */
  readonly members?: MemberDelta;
  /**
   * Only the members change: `data` and `unique` are ignored and the stored data is kept (so a
   * member PATCH written without `ifVersion` never overwrites a concurrent change of attributes);
   * the version still increases and the change is recorded.
   */
  readonly membersOnly?: boolean;
  /**
   * Ask for the groups the resource is a direct member of with what was stored (as
   * {@link StoredResource.groups}, in the order and with the labels of {@link ScimStore.memberOf}),
   * read by the write itself: the handler sets it when a user's PUT or PATCH answers with
   * `groups`, so that a store across a network saves the `memberOf` round trip after the write.
   * Optional for a store: one that ignores it returns no `groups`, and the handler asks
   * `memberOf` instead.
   *
   * @example
   * ```ts
   * import type { UpdateInput } from '@scim/server';
   * const input: UpdateInput = {
   *   data: { ...current.data, displayName: 'Babs Jensen' },
   *   unique: [{ attribute: 'userName', value: 'bjensen' }],
   *   change: { type: 'user.updated' },
   *   ifVersion: current.version,
   *   groups: true, // the user's groups come back with what was stored
   * };
   * const stored = await store.update('contoso', 'User', current.id, input);
   * const groups = stored.groups ?? (await store.memberOf('contoso', current.id));
   * ```
   * @see https://datatracker.ietf.org/doc/html/rfc7643#section-4.1.2
   */
  readonly groups?: boolean;
  /**
   * Called with what was stored (as `update` will return it) once the write is committed (other
   * sessions read it) when the store then still waits for it to be on disk before `update`
   * returns: the handler's next write of the same resource in this process starts from it then
   * (without reading the resource again; its `ifVersion` still guards against other writers),
   * while this one's answer waits for its own flush. Optional for a store: one that never calls
   * it (SQLite, memory, PostgreSQL on PGlite) lets the next write start, with a read, when
   * `update` returns. A store calls it at most once, never for a write that did not commit.
   *
   * @example
   * ```ts
   * import type { UpdateInput } from '@scim/server';
   * let next: () => void = () => {};
   * const turnPassed = new Promise<void>((resolve) => {
   *   next = resolve;
   * });
   * const input: UpdateInput = {
   *   data: { ...current.data, displayName: 'Babs Jensen' },
   *   unique: [{ attribute: 'userName', value: 'bjensen' }],
   *   change: { type: 'user.updated' },
   *   ifVersion: current.version,
   *   onCommitted: () => next(), // the next write of this user may start before this one is on disk
   * };
   * const stored = await store.update('contoso', 'User', current.id, input); // on disk now
   * ```
   * @see https://www.postgresql.org/docs/current/wal-async-commit.html
   */
  readonly onCommitted?: (stored: StoredResource) => void;
}

/**
 * What {@link ScimStore.create} receives: the write, and the initial members of a resource type
 * with a reference attribute.
 *
 * @example
 * ```ts
 * import type { CreateInput } from '@scim/server';
 * const input: CreateInput = {
 *   data: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Tour Guides' },
 *   unique: [{ attribute: 'displayName', value: 'tour guides' }],
 *   change: { type: 'group.created' },
 *   members: ['2819c223'],
 *   memberDisplay: { '2819c223': 'Babs Jensen' },
 * };
 * const group = await store.create('contoso', 'Group', input);
 * ```
 */
export interface CreateInput extends WriteInput {
  /** The initial member ids. */
  readonly members?: readonly string[];
  /** Labels the client sent with them, by id (see {@link MemberDelta.display}). */
  readonly memberDisplay?: Readonly<Record<string, string>>;
  /** What to do with an id that is not a resource of the tenant (see {@link MemberDelta.unknown}). */
  readonly unknownMembers?: 'reject' | 'skip';
}

/**
 * The store contract. Every method takes the tenant first; every write is atomic (all of it or
 * nothing, with its change-feed entry); conflicts are reported as `ScimError`s from
 * `@scim/schemas`: `uniqueness` (409) for a taken unique value, `preconditionFailed` (412) for a
 * stale `ifVersion`, `notFound` (404) for a missing id, `invalidValue` (400) for a member id that
 * does not exist in the tenant, and a 503 error when the database is unreachable.
 *
 * @example
 * ```ts
 * const store: ScimStore = sqliteStore({ path: 'scim.db' });
 * await store.open([{ name: 'User' }, { name: 'Group', referenceAttribute: 'members' }]);
 * const user = await store.create('contoso', 'User', {
 *   data: { userName: 'bjensen' },
 *   unique: [{ attribute: 'userName', value: 'bjensen' }],
 *   change: { type: 'user.created' },
 * });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3
 */
export interface ScimStore {
  /** A short name for logs and health checks: `memory`, `sqlite`, `postgres`. */
  readonly kind: string;
  /** Runs migrations and prepares the store for these resource types. Idempotent. */
  open(types: readonly ResourceTypeStorage[]): Promise<void>;
  /** Releases connections and handles. */
  close(): Promise<void>;
  /** Checks the database answers (for the health endpoint). */
  ping(): Promise<void>;

  /**
   * Creates a resource; `members` (when the type has a reference attribute) are its initial
   * members, `memberDisplay` and `unknownMembers` as {@link MemberDelta.display} and
   * {@link MemberDelta.unknown}.
   */
  create(tenant: string, resourceType: string, input: CreateInput): Promise<StoredResource>;
  /**
   * Creates many resources of one type in one transaction, all or none: each as {@link create}
   * would (ids, uniqueness, members, a change-feed entry each), in order. The first failure (a
   * unique value taken in the tenant or by an earlier resource of the batch, an unknown member) is
   * thrown, and nothing of the batch is written. Optional: without it, `scim-server import`
   * calls `create` once per resource.
   *
   * @example
   * ```ts
   * const users = await store.createMany?.('contoso', 'User', [
   *   { data: { userName: 'a' }, unique: [{ attribute: 'userName', value: 'a' }], change: { type: 'user.created' } },
   *   { data: { userName: 'b' }, unique: [{ attribute: 'userName', value: 'b' }], change: { type: 'user.created' } },
   * ]);
   * ```
   * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.3
   */
  createMany?(
    tenant: string,
    resourceType: string,
    inputs: readonly CreateInput[],
  ): Promise<readonly StoredResource[]>;
  /**
   * Reads one resource, or `undefined`. `members` asks for its members; `groups` allows the store
   * to read the groups it belongs to in the same read (see {@link StoredResource.groups}).
   */
  get(
    tenant: string,
    resourceType: string,
    id: string,
    options?: { readonly members?: boolean; readonly groups?: boolean },
  ): Promise<StoredResource | undefined>;
  /**
   * Replaces a resource's data (PUT, PATCH, soft delete); with `ifVersion`, only if the stored
   * version still equals it. `members` applies a member delta in the same transaction; with
   * `membersOnly`, the stored data is kept as it is and only the members, the version and the
   * change feed are written.
   */
  update(tenant: string, resourceType: string, id: string, input: UpdateInput): Promise<StoredResource>;
  /** Deletes a resource (and its memberships, both ways); with `ifVersion` only if unchanged. */
  delete(
    tenant: string,
    resourceType: string,
    id: string,
    input: { readonly ifVersion?: number; readonly change: ChangeRecord },
  ): Promise<void>;
  /** Lists resources: filter, sort and paging run in the store. */
  list(tenant: string, query: ListQuery): Promise<ListPage>;
  /** The groups (id and display) a resource is a direct member of (for `User.groups`). */
  memberOf(tenant: string, id: string): Promise<readonly StoredMember[]>;

  /** Reads the change feed after `cursor` (from the start when undefined), oldest first. */
  changes(
    tenant: string,
    options?: { readonly after?: string | undefined; readonly limit?: number },
  ): Promise<readonly ChangeEvent[]>;

  /** Token records (hashes only): see {@link TokenRecord}. */
  readonly tokens: TokenStore;
}

/**
 * A bearer token as stored: never the token itself, only its SHA-256 hash.
 *
 * @example
 * ```ts
 * import { hashToken, type TokenRecord } from '@scim/server';
 * const record: TokenRecord | undefined = await store.tokens.findByHash(hashToken(presented));
 * const usable = record !== undefined && record.revoked === undefined && (record.expires ?? '9999') > new Date().toISOString();
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750
 */
export interface TokenRecord {
  /** The token's public id (printed by `tokens list`, used to revoke). */
  readonly id: string;
  /** The tenant the token opens. */
  readonly tenant: string;
  /** The SHA-256 hash of the token, hex. */
  readonly hash: string;
  /** A label the operator gave it. */
  readonly label?: string;
  /** When it was issued. */
  readonly created: string;
  /** After this instant the token no longer works (set on rotation, for the overlap). */
  readonly expires?: string;
  /** When it was revoked. */
  readonly revoked?: string;
  /** When it was last used (updated at most once a minute). */
  readonly lastUsed?: string;
}

/**
 * Where token hashes are kept (the same database as the resources).
 *
 * @example
 * ```ts
 * const record = await store.tokens.findByHash(hashToken(presented));
 * ```
 */
export interface TokenStore {
  /** Stores a new token record. */
  insert(record: TokenRecord): Promise<void>;
  /** Finds a record by hash (any tenant); the caller checks tenant, expiry and revocation. */
  findByHash(hash: string): Promise<TokenRecord | undefined>;
  /** Lists a tenant's records. */
  list(tenant: string): Promise<readonly TokenRecord[]>;
  /** Sets `revoked` (or `expires`, for rotation) on a record; false when there is none. */
  update(
    tenant: string,
    id: string,
    patch: { readonly revoked?: string; readonly expires?: string; readonly lastUsed?: string },
  ): Promise<boolean>;
}
