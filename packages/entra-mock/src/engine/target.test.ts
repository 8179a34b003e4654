import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock.ts';
import { createEntraTenant } from '../tenant/tenant.ts';
import type { ScimResponse } from './client.ts';
import { resolveConfig } from './config.ts';
import { createTarget, failureOf, RequestFailed } from './target.ts';

const response = (status: number, networkError?: string): ScimResponse => ({
  status,
  body: null,
  text: '',
  attempts: 4,
  ...(networkError === undefined ? {} : { networkError }),
});

/** A target whose every request is answered by `answer`. */
function targetAnswering(answer: () => Response) {
  const tenant = createEntraTenant({ clock: createManualClock('2026-03-02T08:00:00Z'), seed: 5 });
  const app = tenant.createServicePrincipal({ displayName: 'Contoso' });
  return createTarget(
    resolveConfig({
      tenant,
      servicePrincipalId: app.id,
      tenantUrl: 'https://scim.example.test/scim',
      secretToken: 't',
      fetch: async () => answer(),
      retry: { maxAttempts: 1 },
    }),
  );
}

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/scim+json' } });

async function failureOfQuery(answer: () => Response) {
  const error = await targetAnswering(answer)
    .query('Users', 'userName', 'adele@contoso.com')
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(RequestFailed);
  return (error as RequestFailed).failure;
}

describe('failures in Entra terms', () => {
  it("names failures with the error codes of Microsoft's provisioning-log reference", () => {
    const codes = [403, 405, 409, 422, 429, 500, 501, 503, 408, 504].map(
      (status) => failureOf(response(status), 'Contoso', 'write').code,
    );
    expect(codes).toEqual([
      'InsufficientRights',
      'MethodNotAllowed',
      'ContosoEntryConflict',
      'UnprocessableEntity',
      'TooManyRequests',
      'InternalServerError',
      'NotImplemented',
      'InternalServerError',
      'Timeout',
      'Timeout',
    ]);
    expect(failureOf(response(0, 'fetch failed'), 'Contoso', 'write').code).toBe('WebExceptionProtocolError');
  });

  it('quarantines the job only for rejected credentials and a 404 to a query, not for a 403 (authenticated but not authorized)', () => {
    expect(failureOf(response(401), 'Contoso', 'write').quarantine).toBe(true);
    expect(failureOf(response(404), 'Contoso', 'query').quarantine).toBe(true);
    expect(failureOf(response(403), 'Contoso', 'write').quarantine).toBe(false);
    expect(failureOf(response(404), 'Contoso', 'write')).toMatchObject({
      code: 'InvalidAnchor',
      quarantine: false,
    });
  });
});

describe('a query by a matching attribute', () => {
  it('fails when the answer is not a ListResponse (a query/filter response is always a ListResponse)', async () => {
    const failure = await failureOfQuery(() => json({ Resources: [] }));
    expect(failure.code).toBe('SystemForCrossDomainIdentityManagementServiceIncompatible');
    expect(failure.reason).toContain('did not return a ListResponse');
  });

  it('fails when a resource it returns has no id (every resource has an id)', async () => {
    const failure = await failureOfQuery(() =>
      json({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: 1,
        Resources: [{ userName: 'adele@contoso.com' }],
      }),
    );
    expect(failure.reason).toContain('returned a resource with no id');
  });
});
