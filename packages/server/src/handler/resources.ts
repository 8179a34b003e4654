import {
  type AttributeChange,
  applyPatch,
  checkIfMatch,
  decodeEntraRole,
  foldCase,
  isNotModified,
  normalizeFilter,
  parseFilter,
  projectResource,
  weakETag,
} from '@scim/protocol';
import { ScimError, URN } from '@scim/schemas';
import type { Principal } from '../auth/types.ts';
import { type CommittedChange, classify, runHooks } from '../hooks.ts';
import type { HandlerLogger } from '../options.ts';
import type { PipelineRequest, Reply } from '../pipeline.ts';
import type {
  CreateInput,
  MemberDelta,
  ScimStore,
  StoredMember,
  StoredResource,
  UniqueKey,
} from '../store/types.ts';
import type { ResolvedConfig, ServedType } from './config.ts';
import { retrying, type WriteTarget } from './conflicts.ts';
import { cursorRequest, sealCursor } from './cursor.ts';
import { checkWritable } from './limits.ts';
import { attributeList, compileQueryFilter, compileSort, pageWindow, type QueryParams } from './query.ts';
import { empty, scimJson } from './respond.ts';

type Json = Record<string, unknown>;

/** Everything a request handler needs once the tenant and principal are known. @internal */
export interface RequestContext {
  readonly config: ResolvedConfig;
  readonly store: ScimStore;
  readonly tenant: string;
  readonly principal: Principal;
  /** The absolute URL of the tenant's SCIM root, without a trailing slash. */
  readonly base: string;
  readonly requestId: string;
  readonly logger: HandlerLogger | undefined;
}

/** Up to this many members named in one PATCH, the feed lists only real changes. */
const MEMBER_CHECKS = 100;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The attributes the store keeps in `data`: no `schemas`, `id`, `meta`, reference list, `groups` or password. */
function toData(type: ServedType, resource: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(resource)) {
    const lower = key.toLowerCase();
    if (lower === 'schemas' || lower === 'id' || lower === 'meta') continue;
    if (type.referenceAttribute !== undefined && lower === type.referenceAttribute.toLowerCase()) continue;
    // `groups` is computed from memberships; a password is never stored in clear (changePassword: false).
    if (type.kind === 'user' && (lower === 'groups' || lower === 'password')) continue;
    if (value === undefined) continue;
    out[key] = value;
  }
  return out;
}

function schemasOf(type: ServedType, data: Json): string[] {
  const out = [type.schema.core.id];
  for (const e of type.schema.extensions) if (isObject(data[e.schema.id])) out.push(e.schema.id);
  return out;
}

/** The resource body for PATCH and policies: `schemas`, `id` and data. */
function toBody(type: ServedType, stored: StoredResource): Json {
  return { schemas: schemasOf(type, stored.data), id: stored.id, ...stored.data };
}

function segmentOf(ctx: RequestContext, resourceType: string): string {
  return ctx.config.types.find((t) => t.name === resourceType)?.segment ?? `${resourceType}s`;
}

function memberJson(ctx: RequestContext, m: StoredMember): Json {
  return {
    value: m.value,
    ...(m.display === undefined ? {} : { display: m.display }),
    type: m.type,
    $ref: `${ctx.base}/${segmentOf(ctx, m.type)}/${encodeURIComponent(m.value)}`,
  };
}

/** Renders a stored resource as SCIM JSON, before projection. @internal */
export function render(
  ctx: RequestContext,
  type: ServedType,
  stored: StoredResource,
  groups?: readonly StoredMember[],
): Json {
  const out: Json = { schemas: schemasOf(type, stored.data), id: stored.id, ...stored.data };
  if (type.referenceAttribute !== undefined && stored.members !== undefined) {
    out[type.referenceAttribute] = stored.members.map((m) => memberJson(ctx, m));
  }
  if (groups !== undefined && groups.length > 0) {
    out.groups = groups.map((g) => ({ ...memberJson(ctx, g), type: 'direct' }));
  }
  out.meta = {
    resourceType: type.name,
    created: stored.created,
    lastModified: stored.lastModified,
    location: `${ctx.base}/${type.segment}/${encodeURIComponent(stored.id)}`,
    version: weakETag(stored.version),
  };
  return out;
}

/** Whether a projection returns attribute `name` (top-level, core schema). */
function wants(name: string, params: QueryParams, explicitOnly: boolean): boolean {
  const lower = name.toLowerCase();
  const matches = (p: string) => {
    const l = p.toLowerCase();
    const bare = l.includes(':') ? l.slice(l.lastIndexOf(':') + 1) : l;
    return bare === lower || bare.startsWith(`${lower}.`);
  };
  const include = attributeList(params.attributes);
  if (include.length > 0) return include.some(matches);
  if (explicitOnly) return false;
  return !attributeList(params.excludedAttributes).some((p) => p.toLowerCase().replace(/^.*:/, '') === lower);
}

function project(type: ServedType, json: Json, params: QueryParams): Json {
  const attributes = attributeList(params.attributes);
  const excludedAttributes = attributeList(params.excludedAttributes);
  if (attributes.length === 0 && excludedAttributes.length === 0) {
    return projectResource(json, type.schema);
  }
  return projectResource(json, type.schema, { attributes, excludedAttributes });
}

function uniqueKeys(type: ServedType, data: Json): UniqueKey[] {
  const out: UniqueKey[] = [];
  for (const u of type.unique) {
    const holder = u.urn === undefined ? data : data[u.urn];
    if (!isObject(holder)) continue;
    const value = holder[u.definition.name];
    if (value === undefined || value === null) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    out.push({ attribute: u.path, value: u.definition.caseExact ? text : foldCase(text) });
  }
  return out;
}

function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    (Array.isArray(value) && value.length === 0) ||
    (isObject(value) && Object.keys(value).length === 0)
  );
}

function readPath(type: ServedType, data: Json, path: string): unknown {
  const found = type.schema.resolvePath(path);
  if (found === undefined) return undefined;
  const top = found.parent ?? found;
  const holder = top.inExtension && top.schemaUrn !== undefined ? data[top.schemaUrn] : data;
  if (!isObject(holder)) return undefined;
  const value = holder[top.definition.name];
  if (found.parent === undefined) return value;
  if (Array.isArray(value)) {
    const subs = value
      .map((v) => (isObject(v) ? v[found.definition.name] : undefined))
      .filter((v) => !isEmpty(v));
    return subs.length === 0 ? undefined : subs;
  }
  return isObject(value) ? value[found.definition.name] : undefined;
}

/** Whether a value is text of white space only (`"   "`): no value for a required attribute. */
function isBlank(value: unknown): boolean {
  return typeof value === 'string' && value !== '' && value.trim() === '';
}

/**
 * 400 naming every missing required attribute (schema-required and configured), and every
 * required one whose text is white space only (RFC 7643 section 4.1.1: each User has a non-empty
 * `userName`).
 */
function checkRequired(type: ServedType, data: Json, members: boolean): void {
  const missing: string[] = [];
  const blank: string[] = [];
  const check = (name: string, value: unknown) => {
    if (isEmpty(value)) missing.push(name);
    else if (isBlank(value)) blank.push(name);
  };
  for (const a of type.schema.core.attributes) {
    if (!a.required || a.mutability === 'readOnly') continue;
    if (members && type.referenceAttribute === a.name) continue;
    check(a.name, data[a.name]);
  }
  for (const path of type.required) check(path, readPath(type, data, path));
  if (missing.length > 0) {
    throw new ScimError(
      'invalidValue',
      `${type.name}: required attribute${missing.length > 1 ? 's' : ''} missing: ${missing.join(', ')}; add ${missing.length > 1 ? 'them' : 'it'}`,
    );
  }
  if (blank.length > 0) {
    throw new ScimError(
      'invalidValue',
      `${type.name}: ${blank.join(', ')} ${blank.length > 1 ? 'are' : 'is'} only white space; send a value with other characters`,
      { token: blank[0] as string },
    );
  }
}

/**
 * Under the `entra` profile, the body's `roles` as Entra sends them (JSON-encoded app role
 * assignments, `displayName` for `display`) in the RFC 7643 shape, so a POST or PUT stores the same
 * role as a PATCH; see `decodeEntraRole`.
 */
function withEntraRoles(ctx: RequestContext, type: ServedType, body: unknown): unknown {
  if (!ctx.config.profile.appRoleStrings || !isObject(body)) return body;
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'roles');
  const roles = key === undefined ? undefined : body[key];
  const attr = type.schema.attribute('roles');
  if (!Array.isArray(roles) || attr === undefined || !attr.definition.multiValued) return body;
  return { ...body, [key as string]: roles.map(decodeEntraRole) };
}

function memberIds(type: ServedType, resource: Json): string[] | undefined {
  if (type.referenceAttribute === undefined) return undefined;
  const key = Object.keys(resource).find((k) => k.toLowerCase() === type.referenceAttribute?.toLowerCase());
  const list = key === undefined ? undefined : resource[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    throw new ScimError('invalidValue', `${type.referenceAttribute}: expected an array of { "value": id }`);
  }
  const ids = new Set<string>();
  for (const m of list) {
    const value = isObject(m) ? m.value : undefined;
    if (typeof value !== 'string' || value === '') {
      throw new ScimError(
        'invalidValue',
        `${type.referenceAttribute}: every member needs a "value" with the member's id`,
      );
    }
    ids.add(value);
  }
  return [...ids];
}

/**
 * The display labels a POST or PUT body sends with its members (`display`; and Microsoft's
 * `displayName` under the `entra` profile), by member id; see {@link MemberDelta.display}.
 */
function memberLabels(
  ctx: RequestContext,
  type: ServedType,
  body: unknown,
): Readonly<Record<string, string>> | undefined {
  if (type.referenceAttribute === undefined || !isObject(body)) return undefined;
  const key = Object.keys(body).find((k) => k.toLowerCase() === type.referenceAttribute?.toLowerCase());
  const list = key === undefined ? undefined : body[key];
  if (!Array.isArray(list)) return undefined;
  const out: Record<string, string> = {};
  let any = false;
  for (const m of list) {
    if (!isObject(m) || typeof m.value !== 'string') continue;
    const label =
      typeof m.display === 'string'
        ? m.display
        : ctx.config.profileName === 'entra' && typeof m.displayName === 'string'
          ? m.displayName
          : undefined;
    if (label === undefined || label === '' || Object.hasOwn(out, m.value)) continue;
    Object.defineProperty(out, m.value, {
      value: label,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    any = true;
  }
  return any ? out : undefined;
}

const EXISTENCE_CHUNK = 50;
const FEW_MEMBERS = 4;

/**
 * Under `unknownMembers: 'skip'`, the ids that are resources of the tenant, in order; the others
 * are logged at debug and left out (so neither the store, the change feed nor the hooks see them).
 * Under `reject`, all of them (the store answers 400 for an unknown one).
 */
async function knownMembers(ctx: RequestContext, ownerId: string, ids: readonly string[]): Promise<string[]> {
  if (ctx.config.unknownMembers !== 'skip' || ids.length === 0) return [...ids];
  const found = new Set<string>();
  for (const t of ctx.config.types) {
    const rest = ids.filter((m) => !found.has(m));
    if (rest.length <= FEW_MEMBERS) {
      // The usual case (Entra adds a member or a few): one read by id each, on every store.
      for (const m of rest) if ((await ctx.store.get(ctx.tenant, t.name, m)) !== undefined) found.add(m);
      continue;
    }
    for (let i = 0; i < rest.length; i += EXISTENCE_CHUNK) {
      const chunk = rest.slice(i, i + EXISTENCE_CHUNK);
      const filter = normalizeFilter(
        parseFilter(chunk.map((m) => `id eq ${JSON.stringify(m)}`).join(' or ')),
        t.schema,
      );
      const page = await ctx.store.list(ctx.tenant, {
        resourceType: t.name,
        filter,
        startIndex: 1,
        count: chunk.length,
      });
      for (const r of page.resources) found.add(r.id);
    }
  }
  const skipped = ids.filter((m) => !found.has(m));
  if (skipped.length > 0) {
    ctx.logger?.debug?.(
      { requestId: ctx.requestId, tenant: ctx.tenant, id: ownerId, members: skipped },
      'left out member ids that are not resources of this tenant (unknownMembers: skip)',
    );
  }
  return ids.filter((m) => found.has(m));
}

/** Top-level changes between two data objects (extension attributes as `urn:name`). */
function diffTop(previous: Json, next: Json): AttributeChange[] {
  const flat = (data: Json) => {
    const out = new Map<string, unknown>();
    for (const [k, v] of Object.entries(data)) {
      if (k.toLowerCase().startsWith('urn:') && isObject(v)) {
        for (const [ek, ev] of Object.entries(v)) out.set(`${k}:${ek}`, ev);
      } else out.set(k, v);
    }
    return out;
  };
  const a = flat(previous);
  const b = flat(next);
  const changes: AttributeChange[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const oldValue = a.get(key);
    const newValue = b.get(key);
    if (!equal(oldValue, newValue)) changes.push({ path: key, oldValue, newValue });
  }
  return changes;
}

function changeRecord(
  type: string,
  changes: readonly AttributeChange[],
  added: readonly string[],
  removed: readonly string[],
): { type: string; [k: string]: unknown } {
  const record: { type: string; [k: string]: unknown } = {
    type,
    changes: changes.map((c) => ({
      path: c.path,
      ...(c.oldValue === undefined ? {} : { oldValue: c.oldValue }),
      ...(c.newValue === undefined ? {} : { newValue: c.newValue }),
    })),
  };
  if (added.length > 0) record.membersAdded = [...added];
  if (removed.length > 0) record.membersRemoved = [...removed];
  return record;
}

function committed(
  ctx: RequestContext,
  type: ServedType,
  action: CommittedChange['action'],
  stored: StoredResource,
  changes: readonly AttributeChange[],
  added: readonly string[],
  removed: readonly string[],
): CommittedChange {
  return {
    kind: type.kind,
    action,
    tenant: ctx.tenant,
    resourceType: type.name,
    id: stored.id,
    resource: render(ctx, type, stored),
    changes,
    membersAdded: added,
    membersRemoved: removed,
    principal: ctx.principal,
  };
}

function notSelf(type: ServedType, id: string, added: readonly string[]): void {
  if (added.includes(id)) {
    throw new ScimError(
      'invalidValue',
      `a ${type.name} cannot be a member of itself; remove ${id} from ${type.referenceAttribute}`,
    );
  }
}

/** The resource a read-modify-write is for (see conflicts.ts). */
function target(ctx: RequestContext, type: ServedType, id: string): WriteTarget {
  return { store: ctx.store, tenant: ctx.tenant, resourceType: type.name, id };
}

async function withGroups(
  ctx: RequestContext,
  type: ServedType,
  id: string,
  params: QueryParams,
  explicitOnly: boolean,
) {
  if (type.kind !== 'user' || ctx.config.groups === undefined || !wants('groups', params, explicitOnly)) {
    return undefined;
  }
  return ctx.store.memberOf(ctx.tenant, id);
}

async function respondWith(
  ctx: RequestContext,
  type: ServedType,
  stored: StoredResource,
  status: number,
  params: QueryParams,
  extra: Record<string, string> = {},
): Promise<Reply> {
  let full = stored;
  if (
    type.referenceAttribute !== undefined &&
    stored.members === undefined &&
    wants(type.referenceAttribute, params, false)
  ) {
    full = (await ctx.store.get(ctx.tenant, type.name, stored.id, { members: true })) ?? stored;
  }
  const groups = await withGroups(ctx, type, stored.id, params, false);
  return scimJson(status, project(type, render(ctx, type, full, groups), params), {
    etag: weakETag(full.version),
    ...extra,
  });
}

function ifMatchOf(request: PipelineRequest): string | undefined {
  const v = request.header('if-match');
  return v === null || v.trim() === '' ? undefined : v;
}

async function load(
  ctx: RequestContext,
  type: ServedType,
  id: string,
  members: boolean,
): Promise<StoredResource> {
  const found = await ctx.store.get(ctx.tenant, type.name, id, { members });
  if (found === undefined) {
    throw new ScimError('notFound', `${type.name} ${id} not found; it may have been deleted`);
  }
  return found;
}

/** GET /{type}/{id}. @internal */
export async function getResource(
  ctx: RequestContext,
  type: ServedType,
  id: string,
  request: PipelineRequest,
  params: QueryParams,
): Promise<Reply> {
  const members = type.referenceAttribute !== undefined && wants(type.referenceAttribute, params, false);
  const stored = await load(ctx, type, id, members);
  const etag = weakETag(stored.version);
  if (isNotModified(request.header('if-none-match'), etag)) return empty(304, { etag });
  const groups = await withGroups(ctx, type, id, params, false);
  return scimJson(200, project(type, render(ctx, type, stored, groups), params), { etag });
}

/** GET /{type} and POST /{type}/.search. @internal */
export async function listResources(
  ctx: RequestContext,
  type: ServedType,
  params: QueryParams,
): Promise<Reply> {
  const filter = compileQueryFilter(params.filter, type, ctx.config);
  const sort = compileSort(params, type);
  const window = pageWindow(params, ctx.config);
  const members = type.referenceAttribute !== undefined && wants(type.referenceAttribute, params, false);
  const scope = cursorRequest(ctx.config, ctx.tenant, type.name, params, window.count);
  const page = await ctx.store.list(ctx.tenant, {
    resourceType: type.name,
    ...(filter === undefined ? {} : { filter }),
    ...(sort === undefined ? {} : { sort }),
    ...(scope === undefined ? {} : scope.after === undefined ? { keyset: true } : { after: scope.after }),
    startIndex: window.startIndex,
    count: window.count,
    members,
  });
  const resources: Json[] = [];
  for (const r of page.resources) {
    const groups = await withGroups(ctx, type, r.id, params, true);
    resources.push(project(type, render(ctx, type, r, groups), params));
  }
  if (scope !== undefined) {
    if (
      window.count > 0 &&
      page.next === undefined &&
      scope.after === undefined &&
      page.totalResults > resources.length
    ) {
      // A custom store without keyset paging: a page without nextCursor would end the listing.
      throw new ScimError(
        'invalidValue',
        `cursor: this server's store does not page by cursor; page with startIndex and count`,
      );
    }
    // RFC 9865: a cursor page has no startIndex; nextCursor only when more follow (count=0 asks
    // for totalResults only, so no page follows it).
    return scimJson(200, {
      schemas: [URN.ListResponse],
      totalResults: page.totalResults,
      itemsPerPage: resources.length,
      ...(page.next === undefined || window.count === 0
        ? {}
        : {
            nextCursor: sealCursor(ctx.config.cursorKey, scope.scope, {
              position: page.next,
              count: window.count,
            }),
          }),
      Resources: resources,
    });
  }
  return scimJson(200, {
    schemas: [URN.ListResponse],
    totalResults: page.totalResults,
    startIndex: window.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  });
}

/** POST /.search at the root: every resource type, paged as one list. @internal */
export async function searchAll(ctx: RequestContext, params: QueryParams): Promise<Reply> {
  if (params.cursor !== undefined) {
    throw new ScimError(
      'invalidValue',
      'cursor: cursor paging is per resource type (GET /Users?cursor=, POST /Users/.search); the root /.search pages by startIndex',
    );
  }
  const window = pageWindow(params, ctx.config);
  const compiled = ctx.config.types.map((type) => ({
    type,
    filter: compileQueryFilter(params.filter, type, ctx.config),
    sort: compileSort(params, type),
  }));
  let skip = window.startIndex - 1;
  let room = window.count;
  let total = 0;
  const resources: Json[] = [];
  for (const { type, filter, sort } of compiled) {
    const base = {
      resourceType: type.name,
      ...(filter === undefined ? {} : { filter }),
      ...(sort === undefined ? {} : { sort }),
    };
    const counted = await ctx.store.list(ctx.tenant, { ...base, startIndex: 1, count: 0 });
    total += counted.totalResults;
    if (skip >= counted.totalResults) {
      skip -= counted.totalResults;
      continue;
    }
    if (room === 0) continue;
    const members = type.referenceAttribute !== undefined && wants(type.referenceAttribute, params, false);
    const page = await ctx.store.list(ctx.tenant, { ...base, startIndex: skip + 1, count: room, members });
    skip = 0;
    for (const r of page.resources) {
      const groups = await withGroups(ctx, type, r.id, params, true);
      resources.push(project(type, render(ctx, type, r, groups), params));
    }
    room -= page.resources.length;
  }
  return scimJson(200, {
    schemas: [URN.ListResponse],
    totalResults: total,
    startIndex: window.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  });
}

/**
 * What a POST of `body` writes, once validated as POST validates it (the schema, the policies,
 * required attributes, the write limits, known members): the store's create input, and the
 * changes and members the hooks are told about. `scim-server import` shares it.
 * @internal
 */
export interface PreparedCreate {
  readonly input: CreateInput;
  readonly changes: readonly AttributeChange[];
  readonly added: readonly string[];
}

/**
 * Validates a create body exactly as POST /{type} does, without writing it.
 *
 * @throws ScimError as POST would answer it (`invalidValue`, `invalidSyntax`, `tooMany`, ...)
 * @internal
 */
export async function prepareCreate(
  ctx: RequestContext,
  type: ServedType,
  body: unknown,
): Promise<PreparedCreate> {
  const parsed = type.createParser.parse(withEntraRoles(ctx, type, body)).value;
  const sent = memberIds(type, parsed);
  const members = sent === undefined ? undefined : await knownMembers(ctx, '', sent);
  const memberDisplay = memberLabels(ctx, type, body);
  const data = toData(type, type.policies.onCreate(toData(type, parsed)));
  checkRequired(type, data, false);
  checkWritable(ctx.config, type, data);
  const changes = diffTop({}, data);
  const added = members ?? [];
  const { type: changeType } = classify({
    kind: type.kind,
    action: 'created',
    resourceType: type.name,
    changes,
    membersAdded: added,
    membersRemoved: [],
  });
  const input: CreateInput = {
    data,
    unique: uniqueKeys(type, data),
    change: changeRecord(changeType, changes, added, []),
    ...(members === undefined ? {} : { members, unknownMembers: ctx.config.unknownMembers }),
    ...(memberDisplay === undefined ? {} : { memberDisplay }),
  };
  return { input, changes, added };
}

/** POST /{type}. @internal */
export async function createResource(
  ctx: RequestContext,
  type: ServedType,
  body: unknown,
  params: QueryParams,
): Promise<Reply> {
  const { input, changes, added } = await prepareCreate(ctx, type, body);
  const stored = await ctx.store.create(ctx.tenant, type.name, input);
  await runHooks(
    ctx.config.options.hooks,
    committed(ctx, type, 'created', stored, changes, added, []),
    ctx.logger,
    ctx.requestId,
  );
  const location = `${ctx.base}/${type.segment}/${encodeURIComponent(stored.id)}`;
  return respondWith(ctx, type, stored, 201, params, { location });
}

/** PUT /{type}/{id}. @internal */
export async function replaceResource(
  ctx: RequestContext,
  type: ServedType,
  id: string,
  request: PipelineRequest,
  body: unknown,
  params: QueryParams,
): Promise<Reply> {
  const ifMatch = ifMatchOf(request);
  const parsed = type.replaceParser.parse(withEntraRoles(ctx, type, body)).value;
  if (isObject(body)) {
    const sentId = Object.entries(body).find(([k]) => k.toLowerCase() === 'id')?.[1];
    if (sentId !== undefined && sentId !== id) {
      throw new ScimError(
        'mutability',
        `id "${String(sentId)}" in the body does not match ${id} in the URL; id is read-only`,
      );
    }
  }
  const sent = memberIds(type, parsed);
  const members = sent === undefined ? undefined : await knownMembers(ctx, id, sent);
  const display = memberLabels(ctx, type, body);
  const result = await retrying(target(ctx, type, id), ifMatch !== undefined, async () => {
    const current = await load(ctx, type, id, members !== undefined);
    checkIfMatch(ifMatch, weakETag(current.version));
    const data = toData(type, type.policies.onUpdate({ ...current.data }, toData(type, parsed)));
    for (const a of type.schema.core.attributes) {
      if (
        a.mutability === 'immutable' &&
        current.data[a.name] !== undefined &&
        !equal(current.data[a.name], data[a.name])
      ) {
        throw new ScimError('mutability', `"${a.name}" is immutable and already set; it cannot be changed`);
      }
    }
    checkRequired(type, data, false);
    checkWritable(ctx.config, type, data);
    const changes = diffTop(current.data, data);
    const before = new Set((current.members ?? []).map((m) => m.value));
    const after = new Set(members ?? []);
    const added = [...after].filter((m) => !before.has(m));
    const removed = [...before].filter((m) => !after.has(m));
    const { type: changeType } = classify({
      kind: type.kind,
      action: 'updated',
      resourceType: type.name,
      changes,
      membersAdded: added,
      membersRemoved: removed,
    });
    const delta: MemberDelta | undefined =
      members === undefined
        ? undefined
        : {
            added: members,
            removed: [],
            removeAll: true,
            unknown: ctx.config.unknownMembers,
            ...(display === undefined ? {} : { display }),
          };
    notSelf(type, id, members ?? []);
    const stored = await ctx.store.update(ctx.tenant, type.name, id, {
      data,
      unique: uniqueKeys(type, data),
      change: changeRecord(changeType, changes, added, removed),
      ifVersion: current.version,
      ...(delta === undefined ? {} : { members: delta }),
    });
    return { stored, changes, added, removed };
  });
  await runHooks(
    ctx.config.options.hooks,
    committed(ctx, type, 'updated', result.stored, result.changes, result.added, result.removed),
    ctx.logger,
    ctx.requestId,
  );
  return respondWith(ctx, type, result.stored, 200, params);
}

/** PATCH /{type}/{id}. @internal */
export async function patchResource(
  ctx: RequestContext,
  type: ServedType,
  id: string,
  request: PipelineRequest,
  body: unknown,
  params: QueryParams,
): Promise<Reply> {
  const ifMatch = ifMatchOf(request);
  const deferred = type.referenceAttribute === undefined ? [] : [type.referenceAttribute];
  const result = await retrying(target(ctx, type, id), ifMatch !== undefined, async () => {
    const current = await load(ctx, type, id, false);
    checkIfMatch(ifMatch, weakETag(current.version));
    const patched = applyPatch(toBody(type, current), body, type.schema, {
      profile: ctx.config.profile,
      deferred,
      maxOperations: ctx.config.maxPatchOperations,
    });
    const data = toData(type, type.policies.onUpdate(toBody(type, current), patched.resource));
    const ref = patched.references.find(
      (r) =>
        type.referenceAttribute !== undefined &&
        r.path.toLowerCase() === type.referenceAttribute.toLowerCase(),
    );
    const delta: MemberDelta | undefined =
      ref === undefined
        ? undefined
        : {
            added: await knownMembers(ctx, id, ref.added),
            removed: ref.removed,
            unknown: ctx.config.unknownMembers,
            ...(ref.removedAll ? { removeAll: true } : {}),
            ...(ref.display === undefined ? {} : { display: ref.display }),
          };
    const own = patched.changes.filter(
      (c) =>
        type.referenceAttribute === undefined ||
        c.path.toLowerCase() !== type.referenceAttribute.toLowerCase(),
    );
    const covered = new Set(own.map((c) => c.path.split(/[.[]/)[0]?.toLowerCase()));
    const changes = [
      ...own,
      ...diffTop(current.data, data).filter((c) => !covered.has(c.path.split('.')[0]?.toLowerCase())),
    ];
    notSelf(type, id, delta?.added ?? []);
    const dataChanged = !equal(current.data, data);
    const memberChange =
      delta !== undefined && (delta.removeAll === true || delta.added.length + delta.removed.length > 0);
    if (!dataChanged && !memberChange)
      return { stored: current, changes: [], added: [], removed: [], wrote: false };
    checkRequired(type, data, false);
    if (dataChanged) checkWritable(ctx.config, type, data);
    let added = delta?.added ?? [];
    let removed = delta?.removed ?? [];
    if (delta !== undefined && !delta.removeAll && added.length + removed.length <= MEMBER_CHECKS) {
      // Name in the feed and the hooks only the members that really come and go (Entra re-sends
      // adds); one membership lookup per named member, whatever the group's size.
      const isMember = async (m: string) =>
        (await ctx.store.memberOf(ctx.tenant, m)).some((g) => g.value === id);
      const present = new Map<string, boolean>();
      for (const m of new Set([...added, ...removed])) present.set(m, await isMember(m));
      added = added.filter((m) => !present.get(m));
      removed = removed.filter((m) => present.get(m));
      if (!dataChanged && added.length === 0 && removed.length === 0) {
        return { stored: current, changes: [], added: [], removed: [], wrote: false };
      }
    }
    if (delta?.removeAll) {
      // "Remove every member": name them in the feed and the hooks (a rare, whole-list operation).
      const before = await ctx.store.get(ctx.tenant, type.name, id, { members: true });
      const keep = new Set(added);
      removed = (before?.members ?? []).map((m) => m.value).filter((m) => !keep.has(m));
    }
    const { type: changeType } = classify({
      kind: type.kind,
      action: 'updated',
      resourceType: type.name,
      changes,
      membersAdded: added,
      membersRemoved: removed,
    });
    const stored = await ctx.store.update(ctx.tenant, type.name, id, {
      data,
      unique: uniqueKeys(type, data),
      change: changeRecord(changeType, changes, added, removed),
      // Member deltas commute: only a change of the attributes needs the version it was computed
      // from; a member-only PATCH keeps the stored data, so it cannot undo a concurrent rename.
      ...(ifMatch !== undefined || dataChanged ? { ifVersion: current.version } : {}),
      ...(dataChanged ? {} : { membersOnly: true }),
      ...(delta === undefined ? {} : { members: delta }),
    });
    return { stored, changes, added, removed, wrote: true };
  });
  if (result.wrote) {
    await runHooks(
      ctx.config.options.hooks,
      committed(ctx, type, 'updated', result.stored, result.changes, result.added, result.removed),
      ctx.logger,
      ctx.requestId,
    );
  }
  const etag = weakETag(result.stored.version);
  if (type.kind === 'group' || (type.kind === 'user' && ctx.config.userPatchStatus === 204)) {
    return empty(204, { etag });
  }
  return respondWith(ctx, type, result.stored, 200, params);
}

/** DELETE /{type}/{id}: removes it, or (users, `deleteMode: 'disable'`) sets `active: false`. @internal */
export async function deleteResource(
  ctx: RequestContext,
  type: ServedType,
  id: string,
  request: PipelineRequest,
): Promise<Reply> {
  const ifMatch = ifMatchOf(request);
  if (type.kind === 'user' && ctx.config.deleteMode === 'disable') {
    const result = await retrying(target(ctx, type, id), ifMatch !== undefined, async () => {
      const current = await load(ctx, type, id, false);
      checkIfMatch(ifMatch, weakETag(current.version));
      if (current.data.active === false) return undefined;
      const data = { ...current.data, active: false };
      const changes: AttributeChange[] = [{ path: 'active', oldValue: current.data.active, newValue: false }];
      const stored = await ctx.store.update(ctx.tenant, type.name, id, {
        data,
        unique: uniqueKeys(type, data),
        change: changeRecord('user.deactivated', changes, [], []),
        ifVersion: current.version,
      });
      return { stored, changes };
    });
    if (result !== undefined) {
      await runHooks(
        ctx.config.options.hooks,
        committed(ctx, type, 'updated', result.stored, result.changes, [], []),
        ctx.logger,
        ctx.requestId,
      );
    }
    return empty(204);
  }
  const current = await load(ctx, type, id, false);
  checkIfMatch(ifMatch, weakETag(current.version));
  const { type: changeType } = classify({
    kind: type.kind,
    action: 'deleted',
    resourceType: type.name,
    changes: [],
    membersAdded: [],
    membersRemoved: [],
  });
  await ctx.store.delete(ctx.tenant, type.name, id, {
    ...(ifMatch === undefined ? {} : { ifVersion: current.version }),
    change: changeRecord(changeType, [], [], []),
  });
  await runHooks(
    ctx.config.options.hooks,
    committed(ctx, type, 'deleted', current, [], [], []),
    ctx.logger,
    ctx.requestId,
  );
  return empty(204);
}
