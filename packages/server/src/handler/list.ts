/**
 * Queries (RFC 7644 section 3.4.2): GET /{type} and POST /{type}/.search, paged by index or by
 * cursor (RFC 9865), and POST /.search at the root over every resource type (section 3.4.3).
 */
import { ScimError, URN } from '@scim/schemas';
import type { Reply } from '../pipeline.ts';
import { DataLeftOut } from '../store/left-out.ts';
import type { ListPage, ListQuery } from '../store/types.ts';
import type { ServedType } from './config.ts';
import type { RequestContext } from './context.ts';
import { cursorRequest, sealCursor } from './cursor.ts';
import { compileQueryFilter, compileSort, pageWindow } from './query.ts';
import type { QueryParams } from './query-params.ts';
import { projectsNothing, renderListed, wantsMembers } from './representation.ts';
import { scimText } from './respond.ts';
import type { Json } from './stored.ts';

/** `T` with its members writable: a query built member by member. */
type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A ListResponse (RFC 7644 section 3.4.2) as JSON text: `head`'s members, then `Resources`, each
 * already JSON text, as JSON.stringify of the whole would write it.
 */
function listReply(head: Json, resources: readonly string[]): Reply {
  const empty = JSON.stringify({ ...head, Resources: [] });
  return scimText(200, `${empty.slice(0, -3)}[${resources.join(',')}]}`);
}

/** The text of every ListResponse paged by index up to its `totalResults` value. */
const INDEX_PAGE_HEAD = `{"schemas":${JSON.stringify([URN.ListResponse])},"totalResults":`;

/**
 * A ListResponse paged by index (RFC 7644 section 3.4.2.4), as {@link listReply} writes it. Its
 * head is three integers: written as text, without an object to spread and stringify (some 0.45 µs
 * of every list and lookup). @internal
 */
export function indexPage(totalResults: number, startIndex: number, resources: readonly string[]): Reply {
  const itemsPerPage = resources.length;
  if (!Number.isSafeInteger(totalResults) || !Number.isSafeInteger(startIndex)) {
    // A custom store's count that is no integer: as JSON.stringify writes it.
    return listReply({ schemas: [URN.ListResponse], totalResults, startIndex, itemsPerPage }, resources);
  }
  return scimText(
    200,
    `${INDEX_PAGE_HEAD}${totalResults},"startIndex":${startIndex},"itemsPerPage":${itemsPerPage},"Resources":[${resources.join(',')}]}`,
  );
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
  const members = wantsMembers(type, params);
  const scope = cursorRequest(ctx.config, ctx.tenant, type.name, params, window.count);
  const query: Writable<ListQuery> = {
    resourceType: type.name,
    startIndex: window.startIndex,
    count: window.count,
    members,
  };
  // Assigned, not spread in the literal: V8 defines each member written after a spread through its
  // runtime (some 1,400 instructions each, three a request).
  if (filter !== undefined) query.filter = filter;
  if (sort !== undefined) query.sort = sort;
  if (scope !== undefined) {
    if (scope.after === undefined) query.keyset = true;
    else query.after = scope.after;
  }
  if (projectsNothing(params)) query.renderedOnly = true;
  const resources: string[] = [];
  let page: ListPage;
  for (;;) {
    page = await ctx.store.list(ctx.tenant, query);
    try {
      const rendering = renderListed(ctx, type, page.resources, params, resources);
      if (rendering !== undefined) await rendering;
      break;
    } catch (error) {
      // A rendering that does not fit (one of an earlier schema) of a resource whose data the store
      // left out: the page read again with its data, all of the answer from that read.
      if (!(error instanceof DataLeftOut) || query.renderedOnly !== true) throw error;
      query.renderedOnly = false;
      resources.length = 0;
    }
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
    return listReply(
      {
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
      },
      resources,
    );
  }
  return indexPage(page.totalResults, window.startIndex, resources);
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
  const resources: string[] = [];
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
    const members = wantsMembers(type, params);
    const page = await ctx.store.list(ctx.tenant, { ...base, startIndex: skip + 1, count: room, members });
    skip = 0;
    const rendering = renderListed(ctx, type, page.resources, params, resources);
    if (rendering !== undefined) await rendering;
    room -= page.resources.length;
  }
  return indexPage(total, window.startIndex, resources);
}
