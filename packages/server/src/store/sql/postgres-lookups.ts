/**
 * The PostgreSQL statements of reads sent together (see `lookups.ts`): reads by id, the groups a
 * resource is a member of (`memberOf`, once for each member a member PATCH names), and lists that
 * look one resource up by a unique attribute (`userName eq "..."`, as Entra does before each
 * write of a user). Each statement reads the tenant's and type's rows for up to `MAX_LOOKUPS`
 * (`lookups.ts`) ids or values, each through the index a read of one would use.
 *
 * @internal
 * @packageDocumentation
 */
import type { ComparisonFilter, QueryPath } from '@scim/protocol';
import type { ListQuery } from '../types.ts';
import { Params, type SqlCompiler } from './compile.ts';
import { padded, storable } from './lookups.ts';
import { pageSql, paging, type ResourceRow } from './shared.ts';

/** A statement's text and values. @internal */
export interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

/** What a batch of reads by id shares. @internal */
export interface IdLookup {
  readonly tenant: string;
  readonly resourceType: string;
  /** Whether the read returns the groups each resource is a direct member of. */
  readonly groups: boolean;
}

/** The name under which reads by id of `key` share a statement. @internal */
export function idLookupName(key: IdLookup): string {
  return `${key.groups ? 'g' : '-'}\u0000${key.resourceType}\u0000${key.tenant}`;
}

/** `ids` padded (see `padded`), and their placeholders from `$first` on, one each. */
function paddedParameters(ids: readonly string[], first: number): { sent: string[]; list: string } {
  const sent = padded(ids);
  return { sent, list: sent.map((_, i) => `$${i + first}`).join(', ') };
}

/**
 * The statement of a batch of reads by id of table `resources` (quoted, with its schema):
 * `columns` of each row (table alias `r`) whose id is one of `ids`, padded (see `padded`), each id
 * a parameter of its own. @internal
 */
export function idLookupSql(
  resources: string,
  columns: string,
  key: IdLookup,
  ids: readonly string[],
): Statement {
  const { sent, list } = paddedParameters(ids, 3);
  return {
    text: `SELECT ${columns} FROM ${resources} AS r
       WHERE r.tenant = $1 AND (r.resource_type = $2) IS TRUE AND r.id IN (${list})`,
    values: [key.tenant, key.resourceType, ...sent],
  };
}

/**
 * The statement of a batch of membership reads (see `ScimStore.memberOf`) of tenant `tenant`: for
 * each of `ids` (padded, see `padded`; each a parameter of its own), the groups it is a direct
 * member of, in the order of their creation, each row with the id it answers (`of`); through the
 * index on the members' (tenant, member_id). `members` and `resources`: the tables, quoted, with
 * their schema. @internal
 */
export function memberOfLookupSql(
  members: string,
  resources: string,
  tenant: string,
  ids: readonly string[],
): Statement {
  const { sent, list } = paddedParameters(ids, 2);
  return {
    text: `SELECT m.member_id AS of, g.id AS member_id, g.resource_type,
              COALESCE(g.data ->> 'displayName', g.data ->> 'userName') AS display
       FROM ${members} AS m JOIN ${resources} AS g ON g.tenant = m.tenant AND g.id = m.group_id
       WHERE m.tenant = $1 AND m.member_id IN (${list}) ORDER BY g.seq`,
    values: [tenant, ...sent],
  };
}

/** The attributes a lookup may be sent with others by: each has an index of its own (the primary key, `resources_user_name`). */
const INDEXED_UNIQUE = new Set(['id', 'userName']);

/**
 * A list that looks one resource up by a unique attribute, sent with others of its shape: `eq` of
 * a string on `id` or `userName` (core, not an extension's; `userName` not `caseExact`, as the
 * User schema has it, so that the filter reads the folded copy `resources_user_name` indexes),
 * while the schema says it is unique (`uniqueness` `server` or `global`): each value is one index
 * lookup that matches a row or none, so that no read of a batch can hold up the others; its first
 * page, unsorted, without cursors or members, under the budget. Its filter, else `undefined`.
 * @internal
 */
export function uniqueLookup(query: ListQuery): UniqueLookup | undefined {
  const f = query.filter;
  if (f?.kind !== 'compare' || f.op !== 'eq' || typeof f.value !== 'string' || !storable(f.value))
    return undefined;
  const { path } = f;
  if (path.urn !== undefined || path.subAttribute !== undefined || !INDEXED_UNIQUE.has(path.attribute)) {
    return undefined;
  }
  if (path.attribute === 'userName' && path.definition.caseExact === true) return undefined;
  const unique = path.definition.uniqueness;
  if (unique !== 'server' && unique !== 'global') return undefined;
  if (query.sort !== undefined || query.startIndex !== 1 || query.keyset === true) return undefined;
  if (query.after !== undefined || query.members === true || query.unbudgeted === true) return undefined;
  return paging(query).limit > 0 ? f : undefined;
}

/** The filter of a list that looks a resource up by a unique attribute (see {@link uniqueLookup}). @internal */
export type UniqueLookup = ComparisonFilter<QueryPath>;

/** The page of one lookup: its rows (at most the query's count) and how many rows match. @internal */
export interface LookupPage {
  readonly rows: readonly ResourceRow[];
  readonly total: number;
}

/** What a batch of unique lookups shares: the query whose filter's value varies. @internal */
export interface FilterLookup {
  readonly tenant: string;
  readonly query: ListQuery;
  readonly filter: UniqueLookup;
}

/** Makes a compiler for `params`, the placeholders of the tenant and the type given. */
export type CompilerFor = (params: Params, tenant: string, resourceType: string) => SqlCompiler;

/**
 * The name under which unique lookups share a statement: the attribute (`uniqueLookup` takes only
 * `id` and `userName`, whose filter compiles to the same SQL for every value of a type), the type,
 * the tenant, the page size and the data read. @internal
 */
export function filterLookupName(key: FilterLookup): string {
  return JSON.stringify([
    key.filter.path.attribute,
    key.query.resourceType,
    key.tenant,
    paging(key.query).limit,
    key.query.renderedOnly === true,
  ]);
}

/**
 * The statement of a batch of unique lookups: for each value (padded), its first page as the
 * list would read it (`ORDER BY` the default order, `LIMIT` the count) and the number of rows it
 * matches (a window count, taken before the `LIMIT`), in `UNION ALL` branches told apart by
 * `lookup`, the branch's index. `data`: the data columns of a page. @internal
 */
export function filterLookupSql(
  resources: string,
  data: string,
  key: FilterLookup,
  values: readonly string[],
  compile: CompilerFor,
): Statement {
  const params = new Params(true);
  const t = params.text(key.tenant);
  const rt = params.text(key.query.resourceType);
  const compiler = compile(params, t, rt);
  const { limit } = paging(key.query);
  const branches = padded(values).map((value, i) => {
    const where = `r.tenant = ${t} AND r.resource_type = ${rt} AND ${compiler.filter({ ...key.filter, value })}`;
    const extra = `, count(*) OVER () AS total_count, ${i} AS lookup`;
    const page = pageSql(
      resources,
      where,
      compiler.sort(undefined),
      params.pageRows(limit),
      params.pageRows(0),
      false,
      'NULL',
      extra,
      true,
      data,
    );
    return `(${page})`;
  });
  return {
    text: `SELECT * FROM (${branches.join(' UNION ALL ')}) AS u ORDER BY lookup, seq`,
    values: params.values,
  };
}

/** A row of a batch of unique lookups: its branch (`lookup`) and that branch's count. @internal */
export type LookupRow = ResourceRow & { readonly lookup: number; readonly total_count: number | string };

/** The pages of a batch's `values` from its statement's rows (see {@link filterLookupSql}). @internal */
export function lookupPages(values: readonly string[], rows: readonly LookupRow[]): Map<string, LookupPage> {
  const pages = new Map<string, { rows: ResourceRow[]; total: number }>();
  for (const value of values) pages.set(value, { rows: [], total: 0 });
  for (const row of rows) {
    const page = pages.get(values[row.lookup] as string);
    if (page === undefined) continue; // a padded branch: the last value again
    page.rows.push(row);
    page.total = Number(row.total_count);
  }
  return pages;
}
