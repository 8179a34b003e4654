/**
 * A stored resource as SCIM JSON (RFC 7643 section 3): its `schemas`, data, members with their
 * `$ref`, a user's `groups`, and `meta` (resource type, dates, `location`, `version`); then
 * projected by `attributes` and `excludedAttributes` (RFC 7644 section 3.4.2.5).
 */
import { projectResource, weakETag } from '@scim/protocol';
import type { Reply } from '../pipeline.ts';
import type { StoredMember, StoredResource } from '../store/types.ts';
import type { ServedType } from './config.ts';
import type { RequestContext } from './context.ts';
import { attributeList } from './query.ts';
import type { QueryParams } from './query-params.ts';
import { MetaWriter, type ReadParts, spliceRendering, verbatimSplice } from './rendering.ts';
import { scimText } from './respond.ts';
import { type Json, schemasOf } from './stored.ts';

/** The URL segment of a resource type by name (`Users` for `User`). */
function segmentOf(ctx: RequestContext, resourceType: string): string {
  return ctx.config.types.find((t) => t.name === resourceType)?.segment ?? `${resourceType}s`;
}

/** The URL of a resource of this type: `meta.location`, and a created resource's `Location`. @internal */
export function locationOf(ctx: RequestContext, type: ServedType, id: string): string {
  return `${ctx.base}/${type.segment}/${encodeURIComponent(id)}`;
}

function memberJson(ctx: RequestContext, m: StoredMember): Json {
  return {
    value: m.value,
    ...(m.display === undefined ? {} : { display: m.display }),
    type: m.type,
    $ref: `${ctx.base}/${segmentOf(ctx, m.type)}/${encodeURIComponent(m.value)}`,
  };
}

/** What a read adds to the stored data: `id`, `meta`, the members and a user's groups. */
function partsOf(
  ctx: RequestContext,
  type: ServedType,
  stored: StoredResource,
  groups: readonly StoredMember[] | undefined,
  meta?: string,
): ReadParts {
  return {
    id: stored.id,
    meta: meta ?? {
      resourceType: type.name,
      created: stored.created,
      lastModified: stored.lastModified,
      location: locationOf(ctx, type, stored.id),
      version: weakETag(stored.version),
    },
    members:
      type.referenceAttribute === undefined || stored.members === undefined
        ? undefined
        : stored.members.map((m) => memberJson(ctx, m)),
    groups:
      groups === undefined || groups.length === 0
        ? undefined
        : groups.map((g) => ({ ...memberJson(ctx, g), type: 'direct' })),
  };
}

/** Renders a stored resource as SCIM JSON, before projection. @internal */
export function render(
  ctx: RequestContext,
  type: ServedType,
  stored: StoredResource,
  groups?: readonly StoredMember[],
): Json {
  const parts = partsOf(ctx, type, stored, groups) as ReadParts & { readonly meta: Json };
  const out: Json = { schemas: schemasOf(type, stored.data), id: stored.id, ...stored.data };
  if (parts.members !== undefined) out[type.referenceAttribute!] = parts.members;
  if (parts.groups !== undefined) out.groups = parts.groups;
  out.meta = parts.meta;
  return out;
}

/**
 * A stored resource as the response's JSON text: rendered and projected, or, when the request
 * projects nothing and the store kept the resource's rendering (see rendering.ts), that text with
 * the read's parts filled in, without reading `data`.
 * @internal
 */
export function renderText(
  ctx: RequestContext,
  type: ServedType,
  stored: StoredResource,
  params: QueryParams,
  groups?: readonly StoredMember[],
): string {
  if (stored.rendering !== undefined && projectsNothing(params)) {
    const text = spliceRendering(type, stored.rendering, partsOf(ctx, type, stored, groups));
    if (text !== undefined) return text;
  }
  return JSON.stringify(project(type, render(ctx, type, stored, groups), params));
}

/**
 * Whether a request has neither `attributes` nor `excludedAttributes`: the default projection. A
 * list that projects nothing answers every resource that has a stored rendering from it alone (see
 * {@link renderText}), so the store may leave out their data (`ListQuery.renderedOnly`).
 * @internal
 */
export function projectsNothing(params: QueryParams): boolean {
  return (
    attributeList(params.attributes).length === 0 && attributeList(params.excludedAttributes).length === 0
  );
}

/**
 * Whether a projection returns attribute `name` (top-level, core schema); with `explicitOnly`,
 * only when `attributes` names it.
 * @internal
 */
export function wants(name: string, params: QueryParams, explicitOnly: boolean): boolean {
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

/** Whether the response returns the type's members, so that the read must ask the store for them. @internal */
export function wantsMembers(type: ServedType, params: QueryParams): boolean {
  return type.referenceAttribute !== undefined && wants(type.referenceAttribute, params, false);
}

/** Applies `attributes` / `excludedAttributes` and the schema's `returned` rules. @internal */
export function project(type: ServedType, json: Json, params: QueryParams): Json {
  const attributes = attributeList(params.attributes);
  const excludedAttributes = attributeList(params.excludedAttributes);
  if (attributes.length === 0 && excludedAttributes.length === 0) {
    return projectResource(json, type.schema);
  }
  return projectResource(json, type.schema, { attributes, excludedAttributes });
}

/**
 * A user's groups, when the server serves groups and the projection returns them (with
 * `explicitOnly`, only when `attributes` names `groups`: a list's pages leave them out).
 * @internal
 */
export async function withGroups(
  ctx: RequestContext,
  type: ServedType,
  id: string,
  params: QueryParams,
  explicitOnly: boolean,
): Promise<readonly StoredMember[] | undefined> {
  if (!wantsGroups(ctx, type, params, explicitOnly)) return undefined;
  return ctx.store.memberOf(ctx.tenant, id);
}

/**
 * Whether a response returns a user's `groups`: the server serves groups and the projection
 * returns them (with `explicitOnly`, only when `attributes` names `groups`).
 * @internal
 */
export function wantsGroups(
  ctx: RequestContext,
  type: ServedType,
  params: QueryParams,
  explicitOnly: boolean,
): boolean {
  return type.kind === 'user' && ctx.config.groups !== undefined && wants('groups', params, explicitOnly);
}

/**
 * Renders and projects the resources of a list page onto `out` as JSON text, as a list returns
 * them (a user's `groups` only when `attributes` names them). Synchronous unless the page needs the
 * store (for those groups): then it returns the promise of the work.
 * @internal
 */
export function renderListed(
  ctx: RequestContext,
  type: ServedType,
  page: readonly StoredResource[],
  params: QueryParams,
  out: string[],
): Promise<void> | undefined {
  if (wantsGroups(ctx, type, params, true)) return renderWithGroups(ctx, type, page, params, out);
  const meta = metaWriter(ctx, type, params);
  for (const r of page) out.push(listedText(ctx, type, r, params, meta, undefined));
  return undefined;
}

/**
 * {@link renderListed} of a page of users with their groups: one store call a user, all asked at
 * once (the PostgreSQL store answers those that arrive together in one statement per 16).
 */
async function renderWithGroups(
  ctx: RequestContext,
  type: ServedType,
  page: readonly StoredResource[],
  params: QueryParams,
  out: string[],
): Promise<void> {
  const meta = metaWriter(ctx, type, params);
  const groups = await Promise.all(page.map((r) => ctx.store.memberOf(ctx.tenant, r.id)));
  for (const [i, r] of page.entries()) out.push(listedText(ctx, type, r, params, meta, groups[i]));
}

/** A listed resource's text: spliced from its rendering when it has one that fits, else rendered. */
function listedText(
  ctx: RequestContext,
  type: ServedType,
  r: StoredResource,
  params: QueryParams,
  meta: MetaWriter | undefined,
  memberOf: readonly StoredMember[] | undefined,
): string {
  return (
    (meta === undefined ? undefined : splicedText(ctx, type, r, meta, memberOf)) ??
    renderText(ctx, type, r, params, memberOf)
  );
}

/** The last {@link MetaWriter} made, with the type and base URL it writes for. */
let lastMeta: { type: ServedType; base: string; writer: MetaWriter } | undefined;

/**
 * The writer of the listed resources' `meta` for the default projection of a type spliced
 * verbatim (what the page's resources share, their type and the start of their location, quoted
 * once), else `undefined`. The last one is kept for the next page of the same type and base URL.
 */
function metaWriter(ctx: RequestContext, type: ServedType, params: QueryParams): MetaWriter | undefined {
  if (!projectsNothing(params) || !verbatimSplice(type)) return undefined;
  if (lastMeta?.type === type && lastMeta.base === ctx.base) return lastMeta.writer;
  const writer = new MetaWriter(type.name, `${ctx.base}/${type.segment}/`);
  lastMeta = { type, base: ctx.base, writer };
  return writer;
}

/** A listed resource's stored rendering with its parts filled in (`meta` by `meta`), if it has one that fits. */
function splicedText(
  ctx: RequestContext,
  type: ServedType,
  stored: StoredResource,
  meta: MetaWriter,
  groups: readonly StoredMember[] | undefined,
): string | undefined {
  if (stored.rendering === undefined) return undefined;
  // Nothing but `id` and `meta` to fill: spliced without building the read's parts.
  if (
    (stored.members === undefined || stored.members.length === 0) &&
    (groups === undefined || groups.length === 0)
  )
    return meta.splice(type, stored.rendering, stored);
  const text = meta.text(stored.id, stored.created, stored.lastModified, stored.version);
  if (text === undefined) return undefined;
  return spliceRendering(type, stored.rendering, partsOf(ctx, type, stored, groups, text));
}

/**
 * The reply that returns a resource after a write: rendered, projected, with its `ETag` (and the
 * members read again when the write did not return them and the projection wants them).
 * `known`: the resource's groups when the caller knows them without a read (a created resource is
 * in none).
 * @internal
 */
export async function respondWith(
  ctx: RequestContext,
  type: ServedType,
  stored: StoredResource,
  status: number,
  params: QueryParams,
  extra: Record<string, string> = {},
  known?: readonly StoredMember[],
): Promise<Reply> {
  let full = stored;
  if (stored.members === undefined && wantsMembers(type, params)) {
    full = (await ctx.store.get(ctx.tenant, type.name, stored.id, { members: true })) ?? stored;
  }
  // The groups the store read with the write, when it did (see `UpdateInput.groups`).
  const given = known ?? stored.groups;
  const groups =
    given !== undefined && wantsGroups(ctx, type, params, false)
      ? given
      : await withGroups(ctx, type, stored.id, params, false);
  return scimText(status, renderText(ctx, type, full, params, groups), {
    etag: weakETag(full.version),
    ...extra,
  });
}
