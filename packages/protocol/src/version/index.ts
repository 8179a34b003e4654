import { ScimError } from '@scim/schemas';

/**
 * Makes a weak entity tag from a version string (RFC 7644 section 3.14): `W/"<version>"`. A value
 * that already is an entity tag is returned as a weak one.
 *
 * @param version - a version token, for example a revision counter or a hash
 * @returns the weak ETag, for `meta.version` and the `ETag` header
 * @throws ScimError `invalidValue` when the version contains a double quote or a control character
 * @example
 * ```ts
 * weakETag('3'); // 'W/"3"'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.14
 */
export function weakETag(version: string | number): string {
  const text = String(version);
  const opaque = /^(?:W\/)?"([^"]*)"$/.exec(text)?.[1] ?? text;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject
  if (/["\u0000-\u001f\u007f]/.test(opaque)) {
    throw new ScimError(
      'invalidValue',
      `version: ${JSON.stringify(text)} cannot be an entity tag (no quotes or control characters)`,
    );
  }
  return `W/"${opaque}"`;
}

/**
 * Computes a version of a resource from its content (a 53-bit FNV-1a hash of its canonical JSON,
 * `meta` left out), as a weak ETag. Two resources with the same content get the same version
 * whatever the order of their keys.
 *
 * @param resource - the resource, as JSON
 * @returns the weak ETag, for example `W/"1f3a9c0b2d4e5"`
 * @throws never
 * @example
 * ```ts
 * const version = computeVersion(user); // put it in user.meta.version
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.14
 */
export function computeVersion(resource: object): string {
  const text = canonical(resource, true);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  const hash = (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
  return `W/"${hash.toString(16)}"`;
}

function canonical(value: unknown, top: boolean): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, false)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value)
      .filter((k) => !(top && k.toLowerCase() === 'meta'))
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k], false)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function tags(header: string): string[] | '*' {
  if (header.trim() === '*') return '*';
  const out: string[] = [];
  for (const m of header.matchAll(/(?:W\/)?"([^"]*)"/g)) out.push(m[1] as string);
  return out;
}

function opaque(version: string): string {
  return /^(?:W\/)?"([^"]*)"$/.exec(version)?.[1] ?? version;
}

/**
 * Checks an `If-Match` header against the resource's current version before a PUT, PATCH or
 * DELETE, with weak comparison (RFC 7232 section 2.3.2): `*` matches any existing resource.
 * No header (or `undefined`) passes.
 *
 * @param header - the `If-Match` header value, for example `W/"3", W/"4"`
 * @param current - the current `meta.version` (`W/"3"` or `3`), or `undefined` when the resource does not exist
 * @returns nothing; the request may proceed
 * @throws ScimError `preconditionFailed` (HTTP 412) when no listed tag matches
 * @example
 * ```ts
 * checkIfMatch(request.headers.get('if-match') ?? undefined, user.meta?.version);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.14
 */
export function checkIfMatch(header: string | null | undefined, current: string | undefined): void {
  if (header === undefined || header === null || header.trim() === '') return;
  const list = tags(header);
  if (current !== undefined && (list === '*' || list.includes(opaque(current)))) return;
  throw new ScimError(
    'preconditionFailed',
    `If-Match ${header} does not match the current version ${current ?? '(none)'}; read the resource again and retry`,
    current === undefined ? {} : { headers: { etag: weakETag(opaque(current)) } },
  );
}

/**
 * Decides a conditional GET: whether the `If-None-Match` header matches the current version,
 * so the server answers 304 Not Modified (weak comparison; `*` matches any existing resource).
 *
 * @param header - the `If-None-Match` header value
 * @param current - the current `meta.version`, or `undefined` when the resource does not exist
 * @returns `true` when the client's copy is current (answer 304), `false` otherwise
 * @throws never
 * @example
 * ```ts
 * if (isNotModified(request.headers.get('if-none-match'), user.meta?.version)) return new Response(null, { status: 304 });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.14
 */
export function isNotModified(header: string | null | undefined, current: string | undefined): boolean {
  if (header === undefined || header === null || header.trim() === '' || current === undefined) return false;
  const list = tags(header);
  return list === '*' || list.includes(opaque(current));
}
