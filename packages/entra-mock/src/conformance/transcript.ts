// The requests Entra sent to a connector and what it answered, for failure messages.

/**
 * One request the provisioning engine sent to the connector, and the response it got.
 *
 * @example
 * ```ts
 * import { type ConformanceExchange, ConformanceFailure, runConformanceScenario } from '@scim/entra-mock/vitest';
 * try {
 *   await runConformanceScenario('create-user', 'compliant', {
 *     connector: { tenantUrl: 'http://localhost:8080/scim/v2', secretToken: token },
 *   });
 * } catch (error) {
 *   const sent: readonly ConformanceExchange[] = error instanceof ConformanceFailure ? error.exchanges : [];
 *   console.log(sent.at(-1)?.method, sent.at(-1)?.url, sent.at(-1)?.status); // the request that failed
 * }
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups#scim-protocol-requests-and-responses
 */
export interface ConformanceExchange {
  /** The HTTP method. */
  method: string;
  /** The full URL, query string included. */
  url: string;
  /** The request body as sent, or `null`. */
  requestBody: string | null;
  /** The response status; `0` when the connector threw instead of answering. */
  status: number;
  /** The response body, or the error the connector threw. */
  responseBody: string;
}

const MAX_BODY = 1_500;

function clip(text: string): string {
  return text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}… (${text.length} characters)` : text;
}

/** @internal One exchange as text: the request line, its body and the response. */
export function formatExchange(exchange: ConformanceExchange): string {
  const lines = [`  Entra sent: ${exchange.method} ${decodeURIComponent(exchange.url)}`];
  if (exchange.requestBody !== null) lines.push(`    body: ${clip(exchange.requestBody)}`);
  lines.push(
    exchange.status === 0
      ? `  the connector threw: ${clip(exchange.responseBody)}`
      : `  the connector answered: ${exchange.status} ${clip(exchange.responseBody) || '(empty body)'}`,
  );
  return lines.join('\n');
}

/**
 * @internal Wraps a fetch-standard handler so that every exchange is recorded, and so that a "storm"
 * of `429 Too Many Requests` can be answered in front of the connector.
 */
export function recordingFetch(inner: (request: Request) => Promise<Response>): {
  fetch: (request: Request) => Promise<Response>;
  exchanges: ConformanceExchange[];
  storm: (requests: number, retryAfterSeconds: number) => void;
} {
  const exchanges: ConformanceExchange[] = [];
  let stormLeft = 0;
  let retryAfter = 1;
  const fetch = async (request: Request): Promise<Response> => {
    const requestBody = request.body === null ? null : await request.clone().text();
    if (stormLeft > 0) {
      stormLeft -= 1;
      const responseBody = JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: '429',
        detail: 'Too many requests (injected by the conformance kit)',
      });
      exchanges.push({ method: request.method, url: request.url, requestBody, status: 429, responseBody });
      return new Response(responseBody, {
        status: 429,
        headers: { 'content-type': 'application/scim+json', 'retry-after': String(retryAfter) },
      });
    }
    try {
      const response = await inner(request);
      const responseBody = await response.clone().text();
      exchanges.push({
        method: request.method,
        url: request.url,
        requestBody,
        status: response.status,
        responseBody,
      });
      return response;
    } catch (error) {
      exchanges.push({
        method: request.method,
        url: request.url,
        requestBody,
        status: 0,
        responseBody: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
  };
  return {
    fetch,
    exchanges,
    storm: (requests, retryAfterSeconds) => {
      stormLeft = requests;
      retryAfter = retryAfterSeconds;
    },
  };
}
