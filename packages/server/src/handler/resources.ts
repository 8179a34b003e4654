/**
 * The operations on resources (RFC 7644 section 3), each as the protocol's steps: read, check the
 * precondition, validate, compute the change, write it with its change-feed record, tell the hooks,
 * answer with the resource. The steps live beside: the stored form (stored.ts), SCIM JSON
 * (representation.ts), validation (validation.ts), members (members.ts), the change feed and hooks
 * (changes.ts), and retries of a read-modify-write (conflicts.ts).
 */
import {
  type AttributeChange,
  applyPatch,
  checkIfMatch,
  isNotModified,
  jsonEqual,
  weakETag,
} from '@scim/protocol';
import { ScimError } from '@scim/schemas';
import type { PipelineRequest, Reply } from '../pipeline.ts';
import type { CreateInput, StoredResource, UpdateInput } from '../store/types.ts';
import { announce, feedRecord, patchChanges, topLevelChanges, type Written } from './changes.ts';
import type { ServedType } from './config.ts';
import { retrying, type WriteTarget } from './conflicts.ts';
import type { RequestContext } from './context.ts';
import { checkWritable } from './limits.ts';
import {
  listedMembers,
  memberLabels,
  movesAny,
  notSelf,
  patchDelta,
  patchMoves,
  replaceMembers,
  startMemberships,
} from './members.ts';
import type { QueryParams } from './query-params.ts';
import { renderingOf } from './rendering.ts';
import {
  locationOf,
  renderText,
  respondWith,
  wantsGroups,
  wantsMembers,
  withGroups,
} from './representation.ts';
import { empty, scimText } from './respond.ts';
import { isLarge, pause, pauseBefore } from './slices.ts';
import { toBody, toData, uniqueKeys } from './stored.ts';
import { checkImmutable, checkRequired, parseCreate, parseReplace } from './validation.ts';

/** The resource a read-modify-write is for (see conflicts.ts). */
function target(ctx: RequestContext, type: ServedType, id: string): WriteTarget {
  return { store: ctx.store, tenant: ctx.tenant, resourceType: type.name, id };
}

function ifMatchOf(request: PipelineRequest): string | undefined {
  const v = request.header('if-match');
  return v === null || v.trim() === '' ? undefined : v;
}

/** A PATCH's outcome when it changes nothing: no write, no feed record, no hook. */
function unchanged(stored: StoredResource): Written & { readonly wrote: boolean } {
  return { stored, changes: [], added: [], removed: [], wrote: false };
}

/** The write's `rendering` of `data` (see rendering.ts), when it has one. */
function renderedAs(type: ServedType, data: Record<string, unknown>): { rendering?: string } {
  const rendering = renderingOf(type, data);
  return rendering === undefined ? {} : { rendering };
}

/**
 * `groups: true` for a write whose answer returns a user's groups: the store may read them with
 * the write (see `UpdateInput.groups`).
 */
function groupsWith(ctx: RequestContext, type: ServedType, params: QueryParams): { groups?: true } {
  return wantsGroups(ctx, type, params, false) ? { groups: true } : {};
}

/** Reads resource `id`, or answers 404. */
async function load(
  ctx: RequestContext,
  type: ServedType,
  id: string,
  members: boolean,
  groups = false,
): Promise<StoredResource> {
  const found = await ctx.store.get(ctx.tenant, type.name, id, groups ? { members, groups } : { members });
  if (found === undefined) {
    throw new ScimError('notFound', `${type.name} ${id} not found; it may have been deleted`);
  }
  return found;
}

/**
 * Where a PATCH starts when the write before it in the resource's queue said what it committed
 * (see conflicts.ts): from that, instead of a read. A copy of its data (that write may still be
 * answering from it), without its groups (read again when the answer needs them). Not when the
 * client's `If-Match` names another version: it may know a newer one, which only a read shows.
 * (When another instance wrote in between, the write's `ifVersion` fails and the retry reads.)
 */
function startFrom(
  previous: StoredResource | undefined,
  ifMatch: string | undefined,
): StoredResource | undefined {
  if (previous === undefined) return undefined;
  try {
    checkIfMatch(ifMatch, weakETag(previous.version));
  } catch {
    return undefined;
  }
  const { groups: _, ...rest } = previous;
  return { ...rest, data: structuredClone(previous.data) };
}

/** GET /{type}/{id} (RFC 7644 section 3.4.1), or 304 when `If-None-Match` names its version. @internal */
export async function getResource(
  ctx: RequestContext,
  type: ServedType,
  id: string,
  request: PipelineRequest,
  params: QueryParams,
): Promise<Reply> {
  const members = wantsMembers(type, params);
  const stored = await load(ctx, type, id, members, wantsGroups(ctx, type, params, false));
  const etag = weakETag(stored.version);
  if (isNotModified(request.header('if-none-match'), etag)) return empty(304, { etag });
  const groups = stored.groups ?? (await withGroups(ctx, type, id, params, false));
  return scimText(200, renderText(ctx, type, stored, params, groups), { etag });
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
  const parsed = parseCreate(ctx, type, body);
  await pause(ctx);
  const members = await listedMembers(ctx, type, '', parsed);
  const memberDisplay = memberLabels(ctx, type, body);
  const data = toData(type, type.policies.onCreate(toData(type, parsed)));
  checkRequired(type, data, false);
  checkWritable(ctx.config, type, data);
  const changes = topLevelChanges({}, data);
  const added = members ?? [];
  await pause(ctx);
  const input: CreateInput = {
    data,
    unique: uniqueKeys(type, data),
    change: feedRecord(type, 'created', changes, added, []),
    ...renderedAs(type, data),
    ...(members === undefined ? {} : { members, unknownMembers: ctx.config.unknownMembers }),
    ...(memberDisplay === undefined ? {} : { memberDisplay }),
  };
  return { input, changes, added };
}

/** POST /{type} (RFC 7644 section 3.3). @internal */
export async function createResource(
  ctx: RequestContext,
  type: ServedType,
  body: unknown,
  params: QueryParams,
): Promise<Reply> {
  const { input, changes, added } = await prepareCreate(ctx, type, body);
  // A large store write starts a slice of its own (slices.ts).
  await pauseBefore(ctx, isLarge(ctx, input.rendering));
  const stored = await ctx.store.create(ctx.tenant, type.name, input);
  await announce(ctx, type, 'created', { stored, changes, added, removed: [] });
  await pause(ctx);
  // A resource is in no group when it is created (a group's members are resources that exist;
  // an unknown member is skipped or refused, never kept): its answer reads no groups (on
  // PostgreSQL, a round trip less per POST). Not spread into `stored`: a store's resource may
  // carry its data in a getter, which a spread leaves out.
  return respondWith(ctx, type, stored, 201, params, { location: locationOf(ctx, type, stored.id) }, []);
}

/** PUT /{type}/{id} (RFC 7644 section 3.5.1). @internal */
export async function replaceResource(
  ctx: RequestContext,
  type: ServedType,
  id: string,
  request: PipelineRequest,
  body: unknown,
  params: QueryParams,
): Promise<Reply> {
  const ifMatch = ifMatchOf(request);
  const parsed = parseReplace(ctx, type, id, body);
  await pause(ctx);
  const members = await listedMembers(ctx, type, id, parsed);
  const display = memberLabels(ctx, type, body);
  const result = await retrying(
    target(ctx, type, id),
    ifMatch !== undefined,
    async (committed): Promise<Written> => {
      const current = await load(ctx, type, id, members !== undefined);
      checkIfMatch(ifMatch, weakETag(current.version));
      const data = toData(type, type.policies.onUpdate({ ...current.data }, toData(type, parsed)));
      checkImmutable(type, current.data, data);
      checkRequired(type, data, false);
      checkWritable(ctx.config, type, data);
      const changes = topLevelChanges(current.data, data);
      const { added, removed, delta } = replaceMembers(ctx, current.members, members, display);
      notSelf(type, id, members ?? []);
      await pause(ctx);
      const input: UpdateInput = {
        data,
        unique: uniqueKeys(type, data),
        change: feedRecord(type, 'updated', changes, added, removed),
        ...renderedAs(type, data),
        ifVersion: current.version,
        ...(delta === undefined ? {} : { members: delta }),
        ...groupsWith(ctx, type, params),
        onCommitted: committed,
      };
      await pauseBefore(ctx, isLarge(ctx, input.rendering));
      const stored = await ctx.store.update(ctx.tenant, type.name, id, input);
      return { stored, changes, added, removed };
    },
  );
  await announce(ctx, type, 'updated', result);
  await pause(ctx);
  return respondWith(ctx, type, result.stored, 200, params);
}

/** PATCH /{type}/{id} (RFC 7644 section 3.5.2). @internal */
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
  const bodyless = type.kind === 'group' || (type.kind === 'user' && ctx.config.userPatchStatus === 204);
  const result = await retrying(target(ctx, type, id), ifMatch !== undefined, async (committed, previous) => {
    const current = startFrom(previous, ifMatch) ?? (await load(ctx, type, id, false));
    checkIfMatch(ifMatch, weakETag(current.version));
    // The PATCH engine on a large body or resource starts a slice of its own, after the read.
    await pauseBefore(ctx, isLarge(ctx, current.rendering));
    const patched = applyPatch(toBody(type, current), body, type.schema, {
      profile: ctx.config.profile,
      deferred,
      maxOperations: ctx.config.maxPatchOperations,
    });
    // Computed on a copy: the resource stays as it was until the store writes it.
    await pause(ctx);
    const data = toData(type, type.policies.onUpdate(toBody(type, current), patched.resource));
    // The membership lookups of the members it names go out with patchDelta's reads of them.
    const memberships = startMemberships(ctx, type, id, patched.references);
    const delta = await patchDelta(ctx, type, id, patched.references);
    const changes = patchChanges(type, patched.changes, current.data, data);
    notSelf(type, id, delta?.added ?? []);
    const dataChanged = !jsonEqual(current.data, data);
    if (!dataChanged && !movesAny(delta)) return unchanged(current);
    checkRequired(type, data, false);
    if (dataChanged) checkWritable(ctx.config, type, data);
    const { added, removed } = await patchMoves(ctx, type, id, delta, memberships);
    // Every member it names is already in (or out): a member-only PATCH that changes nothing.
    if (!dataChanged && delta?.removeAll !== true && added.length + removed.length === 0)
      return unchanged(current);
    await pause(ctx);
    const input: UpdateInput = {
      data,
      unique: uniqueKeys(type, data),
      change: feedRecord(type, 'updated', changes, added, removed),
      // Member deltas commute: only a change of the attributes needs the version it was computed
      // from; a member-only PATCH keeps the stored data, so it cannot undo a concurrent rename.
      ...(ifMatch !== undefined || dataChanged ? { ifVersion: current.version } : {}),
      ...(dataChanged ? renderedAs(type, data) : { membersOnly: true }),
      ...(delta === undefined ? {} : { members: delta }),
      ...(bodyless ? {} : groupsWith(ctx, type, params)),
      onCommitted: committed,
    };
    await pauseBefore(ctx, isLarge(ctx, input.rendering));
    const stored = await ctx.store.update(ctx.tenant, type.name, id, input);
    return { stored, changes, added, removed, wrote: true };
  });
  if (result.wrote) await announce(ctx, type, 'updated', result);
  const etag = weakETag(result.stored.version);
  if (bodyless) return empty(204, { etag });
  await pause(ctx);
  return respondWith(ctx, type, result.stored, 200, params);
}

/**
 * DELETE /{type}/{id} (RFC 7644 section 3.6): removes it, or (users, `deleteMode: 'disable'`) sets
 * `active: false`.
 * @internal
 */
export async function deleteResource(
  ctx: RequestContext,
  type: ServedType,
  id: string,
  request: PipelineRequest,
): Promise<Reply> {
  const ifMatch = ifMatchOf(request);
  if (type.kind === 'user' && ctx.config.deleteMode === 'disable') return deactivate(ctx, type, id, ifMatch);
  const current = await load(ctx, type, id, false);
  checkIfMatch(ifMatch, weakETag(current.version));
  await ctx.store.delete(ctx.tenant, type.name, id, {
    ...(ifMatch === undefined ? {} : { ifVersion: current.version }),
    change: feedRecord(type, 'deleted', [], [], []),
  });
  await announce(ctx, type, 'deleted', { stored: current, changes: [], added: [], removed: [] });
  return empty(204);
}

/** DELETE of a user under `deleteMode: 'disable'`: `active: false`, once (a second DELETE writes nothing). */
async function deactivate(
  ctx: RequestContext,
  type: ServedType,
  id: string,
  ifMatch: string | undefined,
): Promise<Reply> {
  const result = await retrying(target(ctx, type, id), ifMatch !== undefined, async (committed) => {
    const current = await load(ctx, type, id, false);
    checkIfMatch(ifMatch, weakETag(current.version));
    if (current.data.active === false) return undefined;
    const data = { ...current.data, active: false };
    const changes: AttributeChange[] = [{ path: 'active', oldValue: current.data.active, newValue: false }];
    // classify names it `user.deactivated`: `active` went to false from anything else.
    const stored = await ctx.store.update(ctx.tenant, type.name, id, {
      data,
      unique: uniqueKeys(type, data),
      change: feedRecord(type, 'updated', changes, [], []),
      ...renderedAs(type, data),
      ifVersion: current.version,
      onCommitted: committed,
    });
    return { stored, changes, added: [], removed: [] };
  });
  if (result !== undefined) await announce(ctx, type, 'updated', result);
  return empty(204);
}
