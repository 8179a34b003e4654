/**
 * Cursors of RFC 9865 cursor paging: a store's keyset position and the page's `count`, sealed with
 * AES-256-GCM so that a client can neither read nor forge one. The associated data binds a cursor
 * to the tenant, the resource type and the query (`filter`, `sortBy`, `sortOrder`): a cursor of
 * another tenant or of another query fails to open (400 `invalidCursor`), and says nothing about
 * the tenant it came from. A cursor older than the timeout is 400 `expiredCursor`; one sent with
 * another `count` than the listing's first page is 400 `invalidCount`.
 *
 * docs/server.md ("Sorting and paging") has the table of what RFC 9865 says, section by section,
 * and what this server does.
 *
 * @internal
 * @packageDocumentation
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ScimError } from '@scim/schemas';
import type { QueryParams } from './query-params.ts';

/** What a cursor is bound to. @internal */
export interface CursorScope {
  readonly tenant: string;
  readonly resourceType: string;
  readonly filter?: string | undefined;
  readonly sortBy?: string | undefined;
  readonly sortOrder?: string | undefined;
}

/** The sealing key: SHA-256 of the configured secret, else 32 random bytes (this process only). @internal */
export function cursorKey(secret: string | undefined): Buffer {
  return secret === undefined ? randomBytes(32) : createHash('sha256').update(secret).digest();
}

const IV = 12;
const TAG = 16;

function associated(scope: CursorScope): Buffer {
  return Buffer.from(
    JSON.stringify([
      scope.tenant,
      scope.resourceType,
      scope.filter ?? '',
      (scope.sortBy ?? '').trim(),
      (scope.sortOrder ?? 'ascending').toLowerCase(),
    ]),
  );
}

/** What a cursor holds: the store position the next page starts after, and the page size. @internal */
export interface CursorPage {
  readonly position: string;
  readonly count: number;
}

/**
 * Seals a page's position into a cursor (base64url: RFC 3986 unreserved characters only). The
 * time is rounded up to the second, so that a cursor lasts at least the timeout (RFC 9865
 * section 4: `cursorTimeout` is the minimum a cursor is valid).
 * @internal
 */
export function sealCursor(key: Buffer, scope: CursorScope, page: CursorPage, now = Date.now()): string {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(associated(scope));
  const plain = Buffer.from(JSON.stringify({ p: page.position, c: page.count, t: Math.ceil(now / 1000) }));
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

/**
 * Opens a cursor sealed for this scope, within `timeoutSeconds` of when it was made.
 *
 * @throws ScimError `invalidCursor` for a cursor this server did not make for this tenant and
 *   query; `expiredCursor` for one older than the timeout
 * @internal
 */
export function openCursor(
  key: Buffer,
  scope: CursorScope,
  cursor: string,
  timeoutSeconds: number,
  now = Date.now(),
): CursorPage {
  const raw = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url') : Buffer.alloc(0);
  let opened: { p?: unknown; c?: unknown; t?: unknown } | undefined;
  if (raw.length > IV + TAG) {
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV));
      decipher.setAAD(associated(scope));
      decipher.setAuthTag(raw.subarray(raw.length - TAG));
      const plain = Buffer.concat([decipher.update(raw.subarray(IV, raw.length - TAG)), decipher.final()]);
      opened = JSON.parse(plain.toString('utf8')) as { p?: unknown; c?: unknown; t?: unknown };
    } catch {
      opened = undefined;
    }
  }
  if (
    opened === undefined ||
    typeof opened.p !== 'string' ||
    typeof opened.c !== 'number' ||
    typeof opened.t !== 'number'
  ) {
    throw new ScimError(
      'invalidCursor',
      'cursor: not a cursor this server gave for this query (send the nextCursor of the previous page with the same filter, sortBy and sortOrder, or cursor= to start again)',
    );
  }
  if (now / 1000 - opened.t > timeoutSeconds) {
    throw new ScimError(
      'expiredCursor',
      `cursor: older than ${timeoutSeconds} s (ServiceProviderConfig pagination.cursorTimeout); start again with cursor=`,
    );
  }
  return { position: opened.p, count: opened.c };
}

/** A cursor request resolved: what the next cursor is bound to, and where the page starts. @internal */
export interface CursorRequest {
  readonly scope: CursorScope;
  /** The store position the page starts after; undefined for the first page. */
  readonly after: string | undefined;
}

/**
 * Cursor paging (RFC 9865) when the query has a `cursor` parameter: empty starts, else the store
 * position the cursor seals, for the same `count` as the listing's first page.
 *
 * @param count - the page size of this request, after the server's limits
 * @returns undefined for a query without `cursor` (index paging)
 * @throws ScimError `invalidValue` for `cursor` with `startIndex`; `invalidCursor`,
 *   `expiredCursor` as {@link openCursor}; `invalidCount` for another `count` than the first page's
 * @internal
 */
export function cursorRequest(
  settings: { readonly cursorKey: Buffer; readonly cursorTimeout: number },
  tenant: string,
  resourceType: string,
  params: QueryParams,
  count: number,
): CursorRequest | undefined {
  if (params.cursor === undefined) return undefined;
  if (params.startIndex !== undefined) {
    throw new ScimError(
      'invalidValue',
      'cursor and startIndex: page by one of them (cursor paging, RFC 9865, or index paging, RFC 7644)',
    );
  }
  const scope: CursorScope = {
    tenant,
    resourceType,
    filter: params.filter,
    sortBy: params.sortBy,
    sortOrder: params.sortOrder,
  };
  const cursor = params.cursor.trim();
  if (cursor === '') return { scope, after: undefined };
  const opened = openCursor(settings.cursorKey, scope, cursor, settings.cursorTimeout);
  if (opened.count !== count) {
    throw new ScimError(
      'invalidCount',
      `count: this listing pages by ${opened.count} (its first page's count); send count=${opened.count} with each cursor, or start again with cursor= to change it`,
    );
  }
  return { scope, after: opened.position };
}
