/**
 * What the SQLite and PostgreSQL stores share: errors, row mapping, input checks.
 *
 * @internal
 * @packageDocumentation
 */
import { foldCase } from '@scim/protocol';
import { ScimError } from '@scim/schemas';
import { RETRY_AFTER_SECONDS } from '../../retry-after.ts';
import { DataLeftOut } from '../left-out.ts';
import type {
  ChangeEvent,
  ChangeRecord,
  ListQuery,
  ResourceTypeStorage,
  StoredMember,
  StoredResource,
  TokenRecord,
  UniqueKey,
} from '../types.ts';
import type { ListPosition } from './compile.ts';

/**
 * The 503 error of an unreachable database or a closed handle; `state` says why (default "is
 * unreachable"), for example "is locked by another process". @internal
 */
export function unavailable(kind: string, cause?: unknown, state = 'is unreachable'): ScimError {
  return new ScimError(
    'unavailable',
    `the ${kind} database ${state}; retry after ${RETRY_AFTER_SECONDS} seconds`,
    {
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
      cause,
    },
  );
}

/** The 409 error of a taken unique value. @internal */
export function taken(resourceType: string, key: UniqueKey): ScimError {
  return new ScimError(
    'uniqueness',
    `a ${resourceType} with ${key.attribute} "${key.value}" already exists; query it (filter=${key.attribute} eq "${key.value}") and update it instead`,
    { token: key.attribute },
  );
}

/** The 404 error of a missing resource. @internal */
export function missing(resourceType: string, id: string): ScimError {
  return new ScimError('notFound', `${resourceType} "${id}" not found`, { token: id });
}

/** The 412 error of a stale `ifVersion`. @internal */
export function stale(resourceType: string, id: string, expected: number): ScimError {
  return new ScimError(
    'preconditionFailed',
    `${resourceType} "${id}" changed since version ${expected}; GET it again for its current ETag and retry`,
    { token: id },
  );
}

/** The 400 error of member ids that are not resources of the tenant. @internal */
export function unknownMembers(ids: readonly string[]): ScimError {
  const shown = ids.slice(0, 5).map((i) => `"${i}"`);
  return new ScimError(
    'invalidValue',
    `members: no resource with id ${shown.join(', ')}${ids.length > 5 ? ` (and ${ids.length - 5} more)` : ''}; add only ids of existing users and groups`,
    { token: ids[0] ?? '' },
  );
}

/** The data to store: without `id`, `meta` and the reference attribute. @internal */
export function storedData(
  data: Readonly<Record<string, unknown>>,
  storage: ResourceTypeStorage | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (k === 'id' || k === 'meta' || k === storage?.referenceAttribute) continue;
    out[k] = v;
  }
  return out;
}

/** Unique keys in a fixed order (fewer deadlocks between concurrent writers), without repeats. @internal */
export function sortedKeys(keys: readonly UniqueKey[]): UniqueKey[] {
  const seen = new Set<string>();
  const out: UniqueKey[] = [];
  for (const k of keys) {
    const id = JSON.stringify([k.attribute, k.value]);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(k);
  }
  return out.sort((a, b) =>
    a.attribute === b.attribute ? (a.value < b.value ? -1 : 1) : a.attribute < b.attribute ? -1 : 1,
  );
}

/** Member ids without repeats, in the order given. @internal */
export function distinct(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/** Checks the paging of a list query. @internal */
export function paging(query: ListQuery): { offset: number; limit: number } {
  const offset = Math.max(1, Math.floor(query.startIndex)) - 1;
  const limit = Math.max(0, Math.floor(query.count));
  return { offset: Number.isFinite(offset) ? offset : 0, limit: Number.isFinite(limit) ? limit : 0 };
}

/** A resource row as both stores read it. @internal */
export interface ResourceRow {
  id: string;
  resource_type: string;
  version: number | string;
  created: string;
  last_modified: string;
  /** `null` only beside a rendering, in a page read with `ListQuery.renderedOnly`. */
  data: string | Record<string, unknown> | null;
  /**
   * The resource's default rendering (SQLite: migration 7; PostgreSQL: migration 7), when it was
   * written with one.
   */
  rendered?: string | null | undefined;
  /** The row's creation order and sort key, read by a list page for its last position. */
  seq?: number | string | bigint | undefined;
  sort_key?: unknown;
  /** The version of the data a page was read in (SQLite: the tenant's last change), when asked. */
  list_version?: number | bigint | null | undefined;
}

/**
 * A resource read with its rendering: its data is parsed when first read (a read without projection
 * answers from the rendering alone). `data` is a getter of the class, not of each resource: an
 * object literal with a getter costs V8 half a microsecond to build, 50 µs a list page of 100.
 * Spreading one (`{ ...resource }`) leaves `data` out, as with any getter of a class: read it by
 * name, as the handler does. `JSON.stringify` writes it whole (`toJSON`), as it would a plain
 * resource: a hook or a test that logs or sends a resource as JSON keeps its data.
 */
class RenderedResource implements StoredResource {
  readonly id: string;
  readonly resourceType: string;
  readonly version: number;
  readonly created: string;
  readonly lastModified: string;
  readonly rendering: string;
  declare members?: readonly StoredMember[];
  declare groups?: readonly StoredMember[];
  /** The data's JSON text; `null` when the read left it out (`ListQuery.renderedOnly`). */
  #text: string | null;
  #data: Record<string, unknown> | undefined;

  constructor(row: ResourceRow, text: string | null, rendering: string) {
    this.id = row.id;
    this.resourceType = row.resource_type;
    this.version = Number(row.version);
    this.created = row.created;
    this.lastModified = row.last_modified;
    this.rendering = rendering;
    this.#text = text;
  }

  get data(): Record<string, unknown> {
    if (this.#data === undefined) {
      if (this.#text === null) throw new DataLeftOut(this.resourceType, this.id);
      this.#data = parseData(this.#text);
    }
    return this.#data;
  }

  /** The resource as a plain object, `data` included (what `JSON.stringify` writes). */
  toJSON(): StoredResource {
    return { ...this, data: this.data };
  }
}

/**
 * Maps a row to a {@link StoredResource}. A row with its rendering parses its data only when read:
 * a read without projection answers from the rendering alone. A row with its rendering and without
 * its data (a page read with `ListQuery.renderedOnly`) gives a resource whose `data` throws
 * {@link DataLeftOut} when read.
 * @internal
 */
export function toResource(
  row: ResourceRow,
  members?: readonly StoredMember[],
  groups?: readonly StoredMember[],
): StoredResource {
  const text = row.data;
  const rendering = row.rendered;
  let out: { -readonly [K in keyof StoredResource]: StoredResource[K] };
  if (typeof rendering === 'string' && (typeof text === 'string' || text === null)) {
    out = new RenderedResource(row, text, rendering);
  } else {
    // No rendering to answer from: the data cannot have been left out.
    if (text === null) throw new DataLeftOut(row.resource_type, row.id);
    out = {
      id: row.id,
      resourceType: row.resource_type,
      version: Number(row.version),
      created: row.created,
      lastModified: row.last_modified,
      data: typeof text === 'string' ? parseData(text) : text,
    };
  }
  if (members !== undefined) out.members = members;
  if (groups !== undefined) out.groups = groups;
  return out;
}

function parseData(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

/** The label for `id` in a display map (own properties only). @internal */
export function labelOf(labels: Readonly<Record<string, string>> | undefined, id: string): string | null {
  return labels !== undefined && Object.hasOwn(labels, id) ? (labels[id] ?? null) : null;
}

/** The case-folded copy of a label, for case-insensitive filters (see `searchDocument`). @internal */
export function labelSearch(label: string | null): string | null {
  return label === null ? null : foldCase(label);
}

/** A member row as both stores read it. @internal */
export interface MemberRow {
  member_id: string;
  resource_type: string | null;
  display: string | null;
}

/** Maps a member row to a {@link StoredMember}. @internal */
export function toMember(row: MemberRow): StoredMember {
  const m = { value: row.member_id, type: row.resource_type ?? 'User' };
  return row.display === null || row.display === undefined ? m : { ...m, display: String(row.display) };
}

/** A change row as both stores read it. @internal */
export interface ChangeRow {
  cursor: number | string | bigint;
  tenant: string;
  type: string;
  resource_type: string;
  id: string;
  version: number | string;
  at: string;
  detail: string | Record<string, unknown> | null;
}

/** Maps a change row to a {@link ChangeEvent}. @internal */
export function toChange(row: ChangeRow): ChangeEvent {
  const detail =
    row.detail === null ? {} : typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail;
  return {
    ...(detail as Record<string, unknown>),
    cursor: String(row.cursor),
    tenant: row.tenant,
    type: row.type,
    resourceType: row.resource_type,
    id: row.id,
    version: Number(row.version),
    at: row.at,
  };
}

/** The JSON details of a change record (everything but `type`). @internal */
export function changeDetail(change: ChangeRecord): string {
  const { type: _type, ...detail } = change;
  return JSON.stringify(detail);
}

/** A token row as both stores read it. @internal */
export interface TokenRow {
  id: string;
  tenant: string;
  hash: string;
  label: string | null;
  created: string;
  expires: string | null;
  revoked: string | null;
  last_used: string | null;
}

/** Maps a token row to a {@link TokenRecord}. @internal */
export function toToken(row: TokenRow): TokenRecord {
  const out: {
    id: string;
    tenant: string;
    hash: string;
    created: string;
    label?: string;
    expires?: string;
    revoked?: string;
    lastUsed?: string;
  } = { id: row.id, tenant: row.tenant, hash: row.hash, created: row.created };
  if (row.label !== null) out.label = row.label;
  if (row.expires !== null) out.expires = row.expires;
  if (row.revoked !== null) out.revoked = row.revoked;
  if (row.last_used !== null) out.lastUsed = row.last_used;
  return out;
}

/** Parses a change-feed cursor (`undefined` or a non-negative integer as text). @internal */
export function cursorOf(after: string | undefined): number {
  if (after === undefined || after === '') return 0;
  if (!/^\d{1,15}$/.test(after)) {
    throw new ScimError('invalidValue', `changes: the cursor "${after}" is not one this store gave`, {
      token: after,
    });
  }
  return Number(after);
}

/**
 * The SQL of a list page, with each row's position (`seq`, `sort_key`). A page past the first
 * skips `OFFSET` rows: it does so in a subquery that reads only the row's key (`seq`), which the
 * type and sort indexes hold, so that the rows it skips are never read; the page's rows are then
 * read by key and put in order. Without a sort there is no `sort_key` column (a position's key is
 * then null), and without `typeColumn` no `resource_type` (every row is of the type listed, which
 * the reader fills in): each column costs node:sqlite a conversion a row, some 5 µs a page of 100.
 * `data`: the columns of the row's data (PostgreSQL: its text and its rendering, see
 * `postgres.ts`'s `RESOURCE_DATA`).
 * @internal
 */
export function pageSql(
  table: string,
  where: string,
  order: string,
  limit: string,
  offset: string,
  deep: boolean,
  sortKey = 'NULL',
  extra = '',
  typeColumn = true,
  data = 'r.data',
): string {
  const type = typeColumn ? ' r.resource_type,' : '';
  const key = sortKey === 'NULL' ? '' : `, ${sortKey} AS sort_key`;
  const columns = `r.id,${type} r.version, r.created, r.last_modified, ${data}, r.seq${key}${extra}`;
  if (!deep)
    return `SELECT ${columns} FROM ${table} AS r WHERE ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`;
  return `SELECT ${columns} FROM ${table} AS r WHERE r.seq IN (SELECT r.seq FROM ${table} AS r WHERE ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}) ORDER BY ${order}`;
}

/**
 * A keyset page: the first `limit` of the rows read (a keyset query reads one more, to know whether
 * more follow) and, when more follow, the position of the last one kept (see `ListPage.next`).
 * @internal
 */
export function keysetPage<T extends ResourceRow>(
  rows: readonly T[],
  limit: number,
  keyset: boolean,
): { rows: readonly T[]; next?: string } {
  if (!keyset || rows.length <= limit || limit === 0) return { rows: rows.slice(0, limit) };
  const kept = rows.slice(0, limit);
  const { key, seq } = positionOf(kept[kept.length - 1] as T);
  return { rows: kept, next: JSON.stringify([key, seq]) };
}

/** The position of a row read with its `seq` and `sort_key` (see {@link pageSql}). @internal */
export function positionOf(row: ResourceRow): ListPosition {
  const k = row.sort_key;
  // SQLite's missing text is an empty BLOB; a boolean key is 0/1 already.
  const key = typeof k === 'string' || typeof k === 'number' ? k : typeof k === 'bigint' ? Number(k) : null;
  return { key, seq: Number(row.seq) };
}

/**
 * Reads a position the store made ({@link keysetPage}); the handler hands out only positions
 * it signed, so a malformed one is a defect or a forgery: 400 `invalidCursor`. @internal
 */
export function readPosition(text: string): ListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 2 &&
    (parsed[0] === null || ['string', 'number', 'boolean'].includes(typeof parsed[0])) &&
    Number.isSafeInteger(parsed[1])
  ) {
    return { key: parsed[0] as ListPosition['key'], seq: parsed[1] as number };
  }
  throw new ScimError(
    'invalidCursor',
    'cursor: this is not a position of this list; start again with cursor=',
  );
}
