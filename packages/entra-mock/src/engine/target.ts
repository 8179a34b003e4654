// The target application as the cycle sees it: requests that either succeed or throw a failure
// in Entra's terms (error code, reason, whether it quarantines the job).
import { createScimClient, type ScimClient, type ScimResponse } from './client.ts';
import type { JobConfig } from './config.ts';

/** @internal Why an export failed, in Entra's terms. */
export interface Failure {
  code: string;
  reason: string;
  details: string | null;
  /** Whether the failure quarantines the job at once (the credentials were rejected). */
  quarantine: boolean;
}

/** @internal Thrown by {@link Target} requests that did not succeed. */
export class RequestFailed extends Error {
  readonly failure: Failure;
  constructor(failure: Failure) {
    super(failure.reason);
    this.failure = failure;
  }
}

/** @internal The failure a response that is not 2xx stands for. */
export function failureOf(response: ScimResponse): Failure {
  const details = response.networkError ?? (response.text === '' ? null : response.text);
  if (response.status === 401 || response.status === 403) {
    return {
      code: 'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable',
      reason: `The SCIM endpoint rejected the Secret Token (HTTP ${response.status}); check the Admin Credentials.`,
      details,
      quarantine: true,
    };
  }
  if (response.status === 409) {
    return {
      code: 'EntryConflict',
      reason:
        'The SCIM endpoint answered 409 Conflict: an object with the same unique attributes exists there.',
      details,
      quarantine: false,
    };
  }
  if (response.status === 0 || response.status === 429 || response.status >= 500) {
    return {
      code: 'SystemForCrossDomainIdentityManagementServiceUnavailable',
      reason: `The SCIM endpoint kept failing (${response.status === 0 ? 'no response' : `HTTP ${response.status}`}) after ${response.attempts} attempts; the change is escrowed and retried on the next cycles.`,
      details,
      quarantine: false,
    };
  }
  return {
    code: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
    reason: `The SCIM endpoint answered HTTP ${response.status}, which Entra does not expect for this request.`,
    details,
    quarantine: false,
  };
}

/** @internal A SCIM string literal for a filter. */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/** @internal The Tenant URL's SCIM endpoint. */
export interface Target {
  /** The client, for requests whose answer is judged by the caller (Test Connection). */
  readonly client: ScimClient;
  /**
   * Sends a request.
   *
   * @throws RequestFailed when the answer is not 2xx (after retries)
   */
  send(
    method: string,
    path: string,
    init?: { query?: [string, string][]; body?: unknown },
  ): Promise<ScimResponse>;
  /**
   * `GET /Users` or `/Groups` with `filter=<attribute> eq "<value>"`.
   *
   * @throws RequestFailed when the answer is not a ListResponse
   */
  query(resource: 'Users' | 'Groups', attribute: string, value: string): Promise<Record<string, unknown>[]>;
}

/** @internal The target of a job. */
export function createTarget(config: JobConfig): Target {
  const { options } = config;
  const client = createScimClient(
    {
      tenantUrl: options.tenantUrl,
      secretToken: options.secretToken,
      fetch: options.fetch ?? ((request) => fetch(request)),
      sleep: config.sleep,
      maxAttempts: options.retry?.maxAttempts ?? 4,
      baseDelayMs: options.retry?.baseDelayMs ?? 1000,
    },
    config.now,
  );
  const send: Target['send'] = async (method, path, init = {}) => {
    const response = await client.request(method, path, init);
    if (response.status >= 200 && response.status < 300) return response;
    throw new RequestFailed(failureOf(response));
  };
  return {
    client,
    send,
    async query(resource, attribute, value) {
      const params: [string, string][] = [];
      if (resource === 'Groups') params.push(['excludedAttributes', 'members']);
      params.push(['filter', `${attribute} eq ${quote(value)}`]);
      const response = await send('GET', `/${resource}`, { query: params });
      const body = response.body as { Resources?: unknown } | null;
      if (!body || !Array.isArray(body.Resources)) {
        throw new RequestFailed({
          code: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
          reason: `The query ${attribute} eq ${quote(value)} did not return a ListResponse with Resources.`,
          details: response.text,
          quarantine: false,
        });
      }
      return body.Resources as Record<string, unknown>[];
    },
  };
}
