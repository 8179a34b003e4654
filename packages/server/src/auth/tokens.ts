import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ScimError } from '@scim/schemas';
import type { TokenRecord, TokenStore } from '../store/types.ts';

/**
 * The prefix of every token {@link issueToken} generates. It makes a leaked token recognisable to
 * secret scanners and to people reading a configuration file.
 *
 * @example
 * ```ts
 * token.startsWith(TOKEN_PREFIX); // true
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-2.1
 */
export const TOKEN_PREFIX = 'scim_';

/** Bytes of randomness in a token's secret part (256 bits). */
const SECRET_BYTES = 32;
/** Bytes of randomness in a token's public id. */
const ID_BYTES = 8;
/** `scim_<16 hex id>_<43 base64url secret>`. */
const TOKEN_SHAPE = /^scim_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/**
 * The SHA-256 hash of a token, as stored in a {@link TokenRecord} (lower-case hex). The token
 * itself is never stored.
 *
 * @param token - the token as presented
 * @returns 64 hex characters
 * @example
 * ```ts
 * const record = await store.tokens.findByHash(hashToken(presented));
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-5.3
 */
export function hashToken(token: string): string {
  // The one-shot `crypto.hash` (every request hashes its token): a quarter of createHash's cost.
  return hash('sha256', token, 'hex');
}

/**
 * Compares two hashes in constant time (`crypto.timingSafeEqual`), so that a failed comparison
 * takes as long wherever the first difference is.
 *
 * @param a - a hex hash
 * @param b - another hex hash
 * @returns whether they are equal
 * @internal
 */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // Lengths are public (every hash is 64 hex characters); compare a value with itself to spend
  // the same time when they differ.
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/**
 * The public id a token carries (`tok_` and 16 hex digits), or `undefined` when the text is not
 * shaped like a token of {@link issueToken}. The id is not secret: it names the token in
 * `scim-server tokens list` and in logs.
 *
 * @param token - a token, for example one pasted by an operator
 * @returns the token's record id, or `undefined`
 * @example
 * ```ts
 * tokenIdOf('scim_0f1e2d3c4b5a6978_...'); // 'tok_0f1e2d3c4b5a6978'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-2.1
 */
export function tokenIdOf(token: string): string | undefined {
  const match = TOKEN_SHAPE.exec(token);
  return match ? `tok_${match[1]}` : undefined;
}

/**
 * Options of {@link issueToken}.
 *
 * @example
 * ```ts
 * import { type IssueTokenOptions, issueToken } from '@scim/server';
 * const options: IssueTokenOptions = { label: 'Entra provisioning', expiresAt: new Date('2027-12-31') };
 * const { token } = await issueToken(store.tokens, 'contoso', options); // show it once: only its hash is kept
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750
 */
export interface IssueTokenOptions {
  /** A label for operators, for example `Entra provisioning`. */
  readonly label?: string;
  /** When the token stops working; never, when absent. */
  readonly expiresAt?: Date;
  /** The current time in milliseconds since the epoch; `Date.now` when absent. */
  readonly clock?: () => number;
}

/**
 * A token just issued: the secret, shown once, and the record that was stored (hash only).
 *
 * @example
 * ```ts
 * const { token, record } = await issueToken(store.tokens, 'contoso', { label: 'Entra' });
 * console.log(`${record.id}: ${token}`);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750
 */
export interface IssuedToken {
  /** The bearer token. It is not stored anywhere: show it once, then forget it. */
  readonly token: string;
  /** The stored record (with the token's SHA-256 hash, never the token). */
  readonly record: TokenRecord;
}

/**
 * Generates a bearer token for a tenant and stores its SHA-256 hash. The token is
 * `scim_<16 hex id>_<43 base64url characters>`: 256 random bits from `crypto.randomBytes`, with a
 * prefix secret scanners can recognise and the public id of its record. It is returned once and
 * cannot be recovered: only its hash is stored.
 *
 * @param tokens - the store's token records (`store.tokens`)
 * @param tenant - the tenant the token opens
 * @param options - label, expiry and clock
 * @returns the token and its stored record
 * @throws ScimError `invalidValue` when the tenant is empty or `expiresAt` is not a valid date
 * @example
 * ```ts
 * const { token, record } = await issueToken(store.tokens, 'contoso', { label: 'Entra provisioning' });
 * // paste `token` into Entra's "Secret Token" field; `record.id` names it in `tokens list`
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-2.1
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-2
 */
export async function issueToken(
  tokens: TokenStore,
  tenant: string,
  options: IssueTokenOptions = {},
): Promise<IssuedToken> {
  if (tenant.length === 0) {
    throw new ScimError('invalidValue', 'issueToken: the tenant is empty; pass the tenant the token opens.');
  }
  if (options.expiresAt !== undefined && Number.isNaN(options.expiresAt.getTime())) {
    throw new ScimError(
      'invalidValue',
      'issueToken: expiresAt is not a valid date; pass a Date or leave it out.',
    );
  }
  const now = (options.clock ?? Date.now)();
  const idHex = randomBytes(ID_BYTES).toString('hex');
  const token = `${TOKEN_PREFIX}${idHex}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
  const record: TokenRecord = {
    id: `tok_${idHex}`,
    tenant,
    hash: hashToken(token),
    created: new Date(now).toISOString(),
    ...(options.label === undefined ? {} : { label: options.label }),
    ...(options.expiresAt === undefined ? {} : { expires: options.expiresAt.toISOString() }),
  };
  await tokens.insert(record);
  return { token, record };
}

/**
 * Whether a token record is usable now, expired, or revoked.
 *
 * @example
 * ```ts
 * import { type TokenStatus, tokenStatus } from '@scim/server';
 * const [record] = await store.tokens.list('contoso');
 * const status: TokenStatus | undefined = record && tokenStatus(record, Date.now()); // 'active', 'expired' or 'revoked'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-3.1
 */
export type TokenStatus = 'active' | 'expired' | 'revoked';

/**
 * A token record as {@link listTokens} shows it: everything but the hash, and its status.
 *
 * @example
 * ```ts
 * import { listTokens, type TokenSummary } from '@scim/server';
 * const summaries: TokenSummary[] = await listTokens(store.tokens, 'contoso');
 * const stale = summaries.filter((t) => t.status === 'active' && t.lastUsed === undefined); // issued, never used
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750
 */
export interface TokenSummary extends Omit<TokenRecord, 'hash'> {
  /** Whether the token works now. */
  readonly status: TokenStatus;
}

/**
 * The status of a token record at an instant.
 *
 * @param record - the record
 * @param now - the instant, in milliseconds since the epoch
 * @returns `revoked`, `expired` or `active`
 * @example
 * ```ts
 * if (tokenStatus(record, Date.now()) !== 'active') return undefined;
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-3.1
 */
export function tokenStatus(record: TokenRecord, now: number): TokenStatus {
  if (record.revoked !== undefined) return 'revoked';
  // An expiry that does not parse fails closed.
  if (record.expires !== undefined && !(Date.parse(record.expires) > now)) return 'expired';
  return 'active';
}

/**
 * Lists a tenant's tokens, without their hashes, oldest first.
 *
 * @param tokens - the store's token records (`store.tokens`)
 * @param tenant - the tenant
 * @param options - the clock used to tell expired tokens
 * @returns one summary per token record
 * @example
 * ```ts
 * for (const t of await listTokens(store.tokens, 'contoso')) console.log(t.id, t.label, t.status);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750
 */
export async function listTokens(
  tokens: TokenStore,
  tenant: string,
  options: { readonly clock?: () => number } = {},
): Promise<TokenSummary[]> {
  const now = (options.clock ?? Date.now)();
  const records = await tokens.list(tenant);
  return records
    .filter((record) => record.tenant === tenant)
    .map(({ hash: _hash, ...rest }) => ({ ...rest, status: tokenStatus({ hash: '', ...rest }, now) }))
    .sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
}

/**
 * Revokes a token: from now on it opens nothing. Revoking a revoked token keeps the first
 * revocation time.
 *
 * @param tokens - the store's token records (`store.tokens`)
 * @param tenant - the tenant the token belongs to
 * @param id - the token's record id (`tok_...`, as `listTokens` shows it)
 * @param options - the clock
 * @returns `true` when the token exists in that tenant, `false` otherwise
 * @example
 * ```ts
 * if (!(await revokeToken(store.tokens, 'contoso', 'tok_0f1e2d3c4b5a6978'))) console.error('no such token');
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-3.1
 */
export async function revokeToken(
  tokens: TokenStore,
  tenant: string,
  id: string,
  options: { readonly clock?: () => number } = {},
): Promise<boolean> {
  const existing = (await tokens.list(tenant)).find((record) => record.id === id && record.tenant === tenant);
  if (existing === undefined) return false;
  if (existing.revoked !== undefined) return true;
  return tokens.update(tenant, id, { revoked: new Date((options.clock ?? Date.now)()).toISOString() });
}

/**
 * Options of {@link rotateToken}.
 *
 * @example
 * ```ts
 * import { type RotateTokenOptions, rotateToken } from '@scim/server';
 * const options: RotateTokenOptions = { overlap: 24 * 60 * 60 * 1000 }; // the old token works one more day
 * const { token, previousExpires } = await rotateToken(store.tokens, 'contoso', 'tok_0f1e2d3c4b5a6978', options);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750
 */
export interface RotateTokenOptions {
  /** How long the old token keeps working, in milliseconds (0: it stops now). */
  readonly overlap: number;
  /** The new token's label; the old token's label when absent. */
  readonly label?: string;
  /** When the new token stops working; never, when absent. */
  readonly expiresAt?: Date;
  /** The current time in milliseconds since the epoch; `Date.now` when absent. */
  readonly clock?: () => number;
}

/**
 * The result of {@link rotateToken}: the new token (shown once) and when the old one stops working.
 *
 * @example
 * ```ts
 * const { token, record, previousExpires } = await rotateToken(store.tokens, 'contoso', 'tok_0f1e2d3c4b5a6978', { overlap: 3_600_000 });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750
 */
export interface RotatedToken extends IssuedToken {
  /** The old token's record id. */
  readonly previousId: string;
  /** When the old token stops working (ISO 8601). */
  readonly previousExpires: string;
}

/**
 * Rotates a token: issues a new one for the same tenant, and lets the old one work for `overlap`
 * more milliseconds, so the client can switch to the new token without an outage.
 *
 * @param tokens - the store's token records (`store.tokens`)
 * @param tenant - the tenant the token belongs to
 * @param id - the old token's record id (`tok_...`)
 * @param options - the overlap, the new token's label and expiry, the clock
 * @returns the new token and when the old one stops working
 * @throws ScimError `notFound` when the tenant has no such token, or it is revoked or expired
 * @throws ScimError `invalidValue` when `overlap` is negative or not a number
 * @example
 * ```ts
 * const { token } = await rotateToken(store.tokens, 'contoso', 'tok_0f1e2d3c4b5a6978', { overlap: 24 * 3_600_000 });
 * // update Entra's "Secret Token" within a day; the old token then stops working
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-2.1
 */
export async function rotateToken(
  tokens: TokenStore,
  tenant: string,
  id: string,
  options: RotateTokenOptions,
): Promise<RotatedToken> {
  if (!Number.isFinite(options.overlap) || options.overlap < 0) {
    throw new ScimError(
      'invalidValue',
      `rotateToken: overlap must be a number of milliseconds, 0 or more; got ${options.overlap}.`,
    );
  }
  const clock = options.clock ?? Date.now;
  const now = clock();
  const old = (await tokens.list(tenant)).find((record) => record.id === id && record.tenant === tenant);
  if (old === undefined || tokenStatus(old, now) !== 'active') {
    throw new ScimError(
      'notFound',
      `Tenant "${tenant}" has no active token ${id}; run \`scim-server tokens list --tenant ${tenant}\` for its tokens, or issue a new one with \`tokens create\`.`,
    );
  }
  const label = options.label ?? old.label;
  const issued = await issueToken(tokens, tenant, {
    clock,
    ...(label === undefined ? {} : { label }),
    ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
  });
  // Never extend an old token's life: keep its own expiry when it comes sooner.
  let expires = now + options.overlap;
  if (old.expires !== undefined) expires = Math.min(expires, Date.parse(old.expires));
  const previousExpires = new Date(expires).toISOString();
  await tokens.update(tenant, id, { expires: previousExpires });
  return { ...issued, previousId: id, previousExpires };
}
