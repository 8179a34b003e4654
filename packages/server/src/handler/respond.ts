/** The media type of every SCIM response body (RFC 7644 section 3.1). @internal */
export const SCIM_JSON = 'application/scim+json; charset=utf-8';

/** A SCIM JSON response. @internal */
export function scimJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': SCIM_JSON, ...headers },
  });
}

/** A response without a body (204, 304). @internal */
export function empty(status: number, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers });
}
