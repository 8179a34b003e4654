// The target application as the cycle sees it: requests that either succeed or throw a failure
// in Entra's terms (error code, reason, whether it quarantines the job).
import { URN } from '@scim/schemas';
import { createScimClient, type ScimClient, type ScimResponse } from './client.ts';
import type { JobConfig } from './config.ts';
import { entraIssuedToken } from './entra-token.ts';

/** @internal Why an export failed, in Entra's terms. */
export interface Failure {
  code: string;
  reason: string;
  details: string | null;
  /** Whether the failure quarantines the job at once (the credentials were rejected, or the endpoint is not SCIM). */
  quarantine: boolean;
  /** Set when the linked object is gone from the target (`InvalidAnchor`): it is matched again after a restart. */
  anchorLost?: boolean;
}

/** @internal Thrown by {@link Target} requests that did not succeed. */
export class RequestFailed extends Error {
  readonly failure: Failure;
  constructor(failure: Failure) {
    super(failure.reason);
    this.failure = failure;
  }
}

/**
 * @internal What a request was for: a query by a matching attribute, a read of a linked object, or
 * a write (POST, PATCH, DELETE).
 */
export type RequestKind = 'query' | 'read' | 'write';

const answered = (response: ScimResponse) =>
  response.status === 0 ? 'no response' : `HTTP ${response.status}`;

/**
 * @internal The failure a response that is not 2xx stands for, with the error codes of Microsoft's
 * provisioning-log reference.
 * @see https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-analyze-provisioning-logs#error-codes
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status#why-is-my-application-in-quarantine
 */
export function failureOf(response: ScimResponse, appCode: string, kind: RequestKind): Failure {
  const details = response.networkError ?? (response.text === '' ? null : response.text);
  const failure = (code: string, reason: string, quarantine = false): Failure => ({
    code,
    reason,
    details,
    quarantine,
  });
  const retried = `after ${response.attempts} attempts; the change is escrowed and retried later.`;
  switch (response.status) {
    case 401:
      return failure(
        'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable',
        'The SCIM endpoint rejected the Secret Token (HTTP 401); check the Admin Credentials.',
        true,
      );
    case 403:
      return failure(
        'InsufficientRights',
        'The SCIM endpoint authenticated the Secret Token but refused the request (HTTP 403).',
      );
    case 404:
      if (kind === 'query') {
        // The quarantine page's "SCIM Compliance issue": a 404 where a query must answer 200.
        return failure(
          'SystemForCrossDomainIdentityManagementServiceIncompatible',
          'The SCIM endpoint answered 404 Not Found to a query, where it must answer 200 OK with a ListResponse; check the Tenant URL.',
          true,
        );
      }
      return {
        ...failure(
          'InvalidAnchor',
          'The object the provisioning service created or matched no longer exists in the target (HTTP 404). Restart provisioning to match it again.',
        ),
        anchorLost: true,
      };
    case 405:
      return failure('MethodNotAllowed', 'The SCIM endpoint does not allow this method (HTTP 405).');
    case 409:
      return failure(
        `${appCode}EntryConflict`,
        'The SCIM endpoint answered 409 Conflict: an object with the same unique attributes exists there.',
      );
    case 422:
      return failure('UnprocessableEntity', 'The SCIM endpoint could not process the request (HTTP 422).');
    case 429:
      return failure('TooManyRequests', `The SCIM endpoint kept answering 429 Too Many Requests ${retried}`);
    case 501:
      return failure('NotImplemented', 'The SCIM endpoint does not implement this request (HTTP 501).');
    case 408:
    case 504:
      return failure(
        'Timeout',
        `The SCIM endpoint took too long to answer (${answered(response)}) ${retried}`,
      );
    case 0:
      return failure(
        'WebExceptionProtocolError',
        `The SCIM endpoint could not be reached (${response.networkError ?? 'no response'}) ${retried}`,
      );
    default:
      if (response.status >= 500)
        return failure(
          'InternalServerError',
          `The SCIM endpoint kept failing (${answered(response)}) ${retried}`,
        );
      return failure(
        'SystemForCrossDomainIdentityManagementServiceIncompatible',
        `The SCIM endpoint answered ${answered(response)}, which Entra does not expect for this request.`,
      );
  }
}

const LIST_RESPONSE = URN.ListResponse;

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
    kind?: RequestKind,
  ): Promise<ScimResponse>;
  /**
   * `GET /Users/{id}`, or `GET /Groups/{id}?excludedAttributes=members`: the linked object as the
   * target holds it.
   *
   * @throws RequestFailed `InvalidAnchor` on 404, when the answer is not a resource, and
   *   `SystemForCrossDomainIdentityManagementMultipleEntriesInResponse` for a group answered with its members
   * @see https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-analyze-provisioning-logs#error-codes
   */
  read(resource: 'Users' | 'Groups', id: string): Promise<Record<string, unknown>>;
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
      // Microsoft: "If Secret Token field is left blank, Microsoft Entra ID includes an OAuth bearer
      // token issued from Microsoft Entra ID with each request."
      bearer: options.secretToken
        ? () => options.secretToken!
        : () => entraIssuedToken(config.tenant.id, config.now()),
      fetch: options.fetch ?? ((request) => fetch(request)),
      sleep: config.sleep,
      maxAttempts: options.retry?.maxAttempts ?? 4,
      baseDelayMs: options.retry?.baseDelayMs ?? 1000,
    },
    config.now,
  );
  const send: Target['send'] = async (method, path, init = {}, kind = 'write') => {
    const response = await client.request(method, path, init);
    if (response.status >= 200 && response.status < 300) return response;
    throw new RequestFailed(failureOf(response, config.appCode, kind));
  };
  return {
    client,
    send,
    async read(resource, id) {
      const query: [string, string][] = resource === 'Groups' ? [['excludedAttributes', 'members']] : [];
      const response = await send('GET', `/${resource}/${encodeURIComponent(id)}`, { query }, 'read');
      const body = response.body as Record<string, unknown> | null;
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throw new RequestFailed({
          code: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
          reason: `GET /${resource}/${id} did not answer a SCIM resource.`,
          details: response.text,
          quarantine: false,
        });
      }
      if (resource === 'Groups' && Array.isArray(body.members) && body.members.length > 0) {
        // Microsoft's example of this error: a GET Group that excludes members, answered with them.
        throw new RequestFailed({
          code: 'SystemForCrossDomainIdentityManagementMultipleEntriesInResponse',
          reason: `GET /Groups/${id}?excludedAttributes=members answered the group's members; a group read with excludedAttributes=members must come without them.`,
          details: null,
          quarantine: false,
        });
      }
      return body;
    },
    async query(resource, attribute, value) {
      const params: [string, string][] = [];
      if (resource === 'Groups') params.push(['excludedAttributes', 'members']);
      params.push(['filter', `${attribute} eq ${quote(value)}`]);
      const response = await send('GET', `/${resource}`, { query: params }, 'query');
      // SCIM tutorial: "Response to a query/filter request should always be a ListResponse", and
      // "id is a required property for all resources".
      const body = response.body as { schemas?: unknown; Resources?: unknown } | null;
      const incompatible = (reason: string) =>
        new RequestFailed({
          code: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
          reason,
          details: response.text,
          quarantine: false,
        });
      const isList = Array.isArray(body?.schemas) && (body.schemas as unknown[]).includes(LIST_RESPONSE);
      if (!body || !isList || !Array.isArray(body.Resources)) {
        throw incompatible(
          `The query ${attribute} eq ${quote(value)} did not return a ListResponse (schemas with ${LIST_RESPONSE}, and Resources).`,
        );
      }
      const resources = body.Resources as Record<string, unknown>[];
      if (resources.some((r) => typeof r?.id !== 'string' || r.id === '')) {
        throw incompatible(`The query ${attribute} eq ${quote(value)} returned a resource with no id.`);
      }
      return resources;
    },
  };
}
