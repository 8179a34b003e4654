import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directoryUser, entraRequest, readEntraMapping, userNameFilter } from './entra-requests.ts';

describe('the connector test helpers', () => {
  it("reads an app's mapping file and builds the user Entra POSTs under it", () => {
    const dir = mkdtempSync(join(tmpdir(), 'entra-mapping-'));
    try {
      const file = join(dir, 'mapping.json');
      const users = {
        objectType: 'User',
        mappings: [
          { target: 'userName', type: 'Direct', source: 'userPrincipalName', matchingPrecedence: 1 },
          {
            target: 'active',
            type: 'Expression',
            source: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")',
          },
          { target: 'name.givenName', type: 'Direct', source: 'givenName' },
        ],
      };
      writeFileSync(file, JSON.stringify({ users }));
      const mapping = readEntraMapping(file);
      expect(mapping.groups).toBeUndefined();
      expect(mapping.users.mappings.map((m) => m.target)).toEqual(['userName', 'active', 'name.givenName']);
      expect(mapping.userBody(directoryUser('adele.vance'))).toMatchObject({
        userName: 'adele.vance@contoso.example',
        active: true,
        name: { givenName: 'Adele' },
      });
      writeFileSync(
        file,
        JSON.stringify({
          users: { ...users, mappings: [{ target: 'userName', type: 'Expression', source: 'Nope(' }] },
        }),
      );
      expect(() => readEntraMapping(new URL(`file://${file}`))).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("sends requests in Entra's shape and parses the answer", async () => {
    const seen: Request[] = [];
    const scim = entraRequest(
      async (request) => {
        seen.push(request);
        return request.method === 'DELETE' ? new Response(null, { status: 204 }) : Response.json({ ok: 1 });
      },
      'secret',
      'https://scim.example.com/scim/v2',
    );
    expect(await scim('POST', '/Users', { userName: 'a' })).toEqual({ status: 200, body: { ok: 1 } });
    expect(await scim('DELETE', '/Users/1')).toEqual({ status: 204, body: {} });
    expect(seen[0]!.headers.get('authorization')).toBe('Bearer secret');
    expect(seen[0]!.headers.get('content-type')).toBe('application/scim+json');
    expect(seen[1]!.headers.get('content-type')).toBeNull();
    expect(userNameFilter('a b@c')).toBe('/Users?filter=userName%20eq%20%22a%20b%40c%22');
  });
});
