import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { mountFetchHandler } from './mount.ts';
import { useEntraMock } from './vitest.ts';

const scimCalls: string[] = [];
const connector = async (request: Request) => {
  const url = new URL(request.url);
  scimCalls.push(`${request.method} ${url.pathname}${url.search}`);
  return Response.json(
    { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] },
    { headers: { 'content-type': 'application/scim+json' } },
  );
};

const { tenant, clock, server, ids } = useEntraMock({
  directory: { seed: 4, users: 12, groups: 2 },
  handlers: [mountFetchHandler('https://scim.example.test/scim/v2/', connector)],
});

describe('useEntraMock', () => {
  it('loads the directory and serves Graph without a token by default', async () => {
    expect(Object.keys(ids.users)).toHaveLength(12);
    const res = await fetch('https://graph.microsoft.com/v1.0/groups?$select=displayName');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { value: { displayName: string }[] };
    expect(body.value.map((g) => g.displayName)).toEqual(tenant.listGroups().map((g) => g.displayName));
    expect(clock.now().toISOString()).toBe('2026-01-01T08:00:00.000Z');
  });

  it('forwards every method and the query string to a mounted fetch handler, and only under its base URL', async () => {
    const filter = encodeURIComponent('userName eq "x"');
    expect((await fetch(`https://scim.example.test/scim/v2/Users?filter=${filter}`)).status).toBe(200);
    await fetch('https://scim.example.test/scim/v2/Users/1', { method: 'DELETE' });
    expect(scimCalls).toEqual([`GET /scim/v2/Users?filter=${filter}`, 'DELETE /scim/v2/Users/1']);
    await expect(fetch('https://scim.example.test/scim/v2extra/Users')).rejects.toThrow();
  });

  it('lets a test override a handler with server.use, reset after the test', async () => {
    server.use(
      http.get('https://graph.microsoft.com/v1.0/users', () =>
        HttpResponse.json({ value: [] }, { status: 503 }),
      ),
    );
    expect((await fetch('https://graph.microsoft.com/v1.0/users')).status).toBe(503);
  });

  it('has the default handlers back in the next test', async () => {
    expect((await fetch('https://graph.microsoft.com/v1.0/users?$top=1')).status).toBe(200);
  });
});
