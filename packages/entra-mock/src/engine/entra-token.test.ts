import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock.ts';
import { createEntraTenant } from '../tenant/tenant.ts';
import { createProvisioningJob } from './engine.ts';
import { CUSTOM_APP_AUDIENCE } from './entra-token.ts';

describe('a blank Secret Token', () => {
  it('sends a bearer token issued by Entra for the tenant (iss sts.windows.net/{tenant id}/, aud the custom apps id) with each request', async () => {
    // SCIM tutorial, "Handling endpoint authentication": with the Secret Token blank, Entra
    // "includes an OAuth bearer token issued from Microsoft Entra ID with each request".
    const clock = createManualClock('2026-03-02T08:00:00Z');
    const tenant = createEntraTenant({ clock, seed: 3 });
    const app = tenant.createServicePrincipal({ displayName: 'Contoso SCIM app' });
    const headers: (string | null)[] = [];
    const job = createProvisioningJob({
      tenant,
      servicePrincipalId: app.id,
      tenantUrl: 'https://scim.example.test/scim',
      fetch: async (request) => {
        headers.push(request.headers.get('authorization'));
        return new Response(
          JSON.stringify({
            schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
            totalResults: 0,
            Resources: [],
          }),
          { status: 200, headers: { 'content-type': 'application/scim+json' } },
        );
      },
    });
    expect((await job.testConnection()).success).toBe(true);
    expect(headers.length).toBeGreaterThan(0);
    for (const header of headers) {
      const [, payload] = /^Bearer [\w-]+\.([\w-]+)\.[\w-]*$/.exec(header ?? '') ?? [];
      expect(payload).toBeDefined();
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      expect(claims).toMatchObject({
        iss: `https://sts.windows.net/${tenant.id}/`,
        aud: CUSTOM_APP_AUDIENCE,
        tid: tenant.id,
        nbf: Date.parse('2026-03-02T08:00:00Z') / 1000,
      });
      expect(claims.exp).toBeGreaterThan(claims.nbf);
    }
  });
});
