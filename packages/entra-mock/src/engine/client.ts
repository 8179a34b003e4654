// The engine's HTTP side: requests to the Tenant URL with a bearer token, retried on 429 and 5xx
// with back-off that honours Retry-After, waiting on the simulated clock.

/** @internal What one request ended with, after retries. */
export interface ScimResponse {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
  readonly attempts: number;
  /** Set when the request never got a response (a network error). */
  readonly networkError?: string;
}

/** @internal */
export interface ScimClientOptions {
  readonly tenantUrl: string;
  /** The bearer token of each request: the Secret Token, or one Entra issues when it is blank. */
  readonly bearer: () => string;
  readonly fetch: (input: Request) => Promise<Response>;
  readonly sleep: (milliseconds: number) => Promise<void>;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
}

/** @internal */
export interface ScimClient {
  request(
    method: string,
    path: string,
    options?: { query?: readonly (readonly [string, string])[]; body?: unknown },
  ): Promise<ScimResponse>;
}

/** @internal Milliseconds to wait from a Retry-After header (seconds or an HTTP date), or null. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null || header.trim() === '') return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

/** @internal Whether a status is retried: 429 and every 5xx. */
export function isTransient(status: number): boolean {
  return status === 429 || status >= 500;
}

/** @internal Creates the client for a Tenant URL. */
export function createScimClient(options: ScimClientOptions, now: () => number): ScimClient {
  const base = new URL(options.tenantUrl);
  const root = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const flags = base.search.replace(/^\?/, '');
  return {
    async request(method, path, { query = [], body } = {}) {
      const parts = [flags, ...query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`)].filter(
        (p) => p !== '',
      );
      const url = `${root}${path}${parts.length > 0 ? `?${parts.join('&')}` : ''}`;
      let attempt = 0;
      for (;;) {
        attempt++;
        const headers: Record<string, string> = { Accept: 'application/scim+json' };
        headers.Authorization = `Bearer ${options.bearer()}`;
        const init: RequestInit = { method, headers };
        if (body !== undefined) {
          headers['Content-Type'] = 'application/scim+json';
          init.body = JSON.stringify(body);
        }
        let response: Response | undefined;
        let networkError: string | undefined;
        try {
          response = await options.fetch(new Request(url, init));
        } catch (error) {
          networkError = error instanceof Error ? error.message : String(error);
        }
        const status = response?.status ?? 0;
        const transient = response === undefined || isTransient(status);
        if (transient && attempt < options.maxAttempts) {
          const wait =
            retryAfterMs(response?.headers.get('retry-after') ?? null, now()) ??
            options.baseDelayMs * 2 ** (attempt - 1);
          await response?.body?.cancel();
          await options.sleep(wait);
          continue;
        }
        const text = response ? await response.text() : '';
        let parsed: unknown = null;
        if (text !== '') {
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = null;
          }
        }
        const result: ScimResponse = { status, body: parsed, text, attempts: attempt };
        return networkError === undefined ? result : { ...result, networkError };
      }
    },
  };
}
