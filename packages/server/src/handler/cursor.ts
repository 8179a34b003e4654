/**
 * Cursors of RFC 9865 cursor paging: a store's keyset position, sealed with AES-256-GCM so that a
 * client can neither read nor forge one. The associated data binds a cursor to the tenant, the
 * resource type and the query (`filter`, `sortBy`, `sortOrder`): a cursor of another tenant or of
 * another query fails to open (400 `invalidCursor`), and says nothing about the tenant it came from.
 * A cursor older than the timeout is 400 `expiredCursor`.
 *
 * @internal
 * @packageDocumentation
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ScimError } from '@scim/schemas';

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

/** Seals a store position into a cursor (base64url). @internal */
export function sealCursor(key: Buffer, scope: CursorScope, position: string, now = Date.now()): string {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(associated(scope));
  const plain = Buffer.from(JSON.stringify({ p: position, t: Math.floor(now / 1000) }));
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
): string {
  const raw = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url') : Buffer.alloc(0);
  let opened: { p?: unknown; t?: unknown } | undefined;
  if (raw.length > IV + TAG) {
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV));
      decipher.setAAD(associated(scope));
      decipher.setAuthTag(raw.subarray(raw.length - TAG));
      const plain = Buffer.concat([decipher.update(raw.subarray(IV, raw.length - TAG)), decipher.final()]);
      opened = JSON.parse(plain.toString('utf8')) as { p?: unknown; t?: unknown };
    } catch {
      opened = undefined;
    }
  }
  if (opened === undefined || typeof opened.p !== 'string' || typeof opened.t !== 'number') {
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
  return opened.p;
}
