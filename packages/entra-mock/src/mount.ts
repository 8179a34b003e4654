import { type HttpHandler, HttpResponse, http } from 'msw';

/**
 * Mounts a fetch-standard handler (`Request -> Response`) at a base URL with MSW, so that `fetch`
 * calls under that URL reach it in-process, with no port: how a SCIM connector built as a fetch
 * handler is put behind its Tenant URL in tests.
 *
 * @param baseUrl - the URL to serve, for example `https://scim.example.test/scim/v2`; every path
 *   below it and every method is forwarded, query strings included
 * @param handler - the fetch handler that answers
 * @returns an MSW request handler for `setupServer(...)` or `server.use(...)`
 * @throws never: what the handler throws reaches the caller of `fetch` as a network error
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * const server = setupServer(
 *   ...createGraphHandlers(tenant),
 *   mountFetchHandler('https://scim.example.test/scim/v2', (request) => myConnector.fetch(request)),
 * );
 * ```
 * @see https://mswjs.io/docs/api/http
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 */
export function mountFetchHandler(
  baseUrl: string,
  handler: (request: Request) => Response | Promise<Response>,
): HttpHandler {
  const base = baseUrl.replace(/\/+$/, '');
  const prefix = new URL(base);
  return http.all(`${base}/*`, async ({ request }) => {
    const url = new URL(request.url);
    // MSW's wildcard also matches sibling paths that merely start with the same text; keep to the base.
    if (
      url.origin !== prefix.origin ||
      !`${url.pathname}/`.startsWith(`${prefix.pathname.replace(/\/+$/, '')}/`)
    ) {
      return undefined;
    }
    const response = await handler(request);
    return new HttpResponse(response.body, response);
  });
}
