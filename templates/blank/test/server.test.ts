// `npm run token` and `npm start` on the embedded SQLite store: a token issued by the command opens
// the endpoint the server serves, from the same DATABASE_URL, until it is revoked.
import { useConnectorSandbox } from '@scim/server/testing';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/server.ts';
import { runTokenCommand } from '../src/token.ts';

// A fresh directory and SQLite file per test; `token` runs `npm run token` on its environment.
const sandbox = useConnectorSandbox({
  runTokenCommand,
  env: () => ({ PUBLIC_URL: 'https://scim.example.com' }),
});
const { token } = sandbox;

describe('npm run token and npm start', () => {
  it('issue a token that opens the served endpoint, list it, and revoke it', async () => {
    const created = await token(['create', '--label', 'Entra']);
    expect(created.code).toBe(0);
    expect(created.lines[0]).toBe(`Tenant URL:   https://scim.example.com${'/scim/v2'}`);
    const secret = created.lines[1]!.replace('Secret Token: ', '');

    const server = await startServer(sandbox.env);
    try {
      const get = (auth: string) =>
        fetch(
          `${server.url}${'/scim/v2'}/Users?filter=${encodeURIComponent('userName eq "x@contoso.example"')}`,
          {
            headers: { authorization: `Bearer ${auth}` },
          },
        );
      expect((await get(secret)).status).toBe(200);
      expect((await get('scim_not_a_token')).status).toBe(401);

      const listed = await token(['list']);
      expect(listed.lines[0]!.split(/ {2,}/)).toEqual([
        'ID',
        'LABEL',
        'STATUS',
        'CREATED',
        'EXPIRES',
        'LAST USED',
      ]);
      const [id, label, status] = listed.lines[1]!.split(/ {2,}/);
      expect([label, status]).toEqual(['Entra', 'active']);
      expect((await token(['revoke', id!])).code).toBe(0);
      const unknown = await token(['revoke', 'tok_0000000000000000']);
      expect(unknown.code).toBe(1);
      expect(unknown.lines).toEqual([
        'There is no token tok_0000000000000000: npm run token -- list shows the tokens.',
      ]);
      expect((await get(secret)).status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('prints its usage for an unknown command', async () => {
    const { code, lines } = await token(['delete']);
    expect(code).toBe(2);
    expect(lines[0]).toMatch(/^Usage: npm run token -- <command>/);
    expect(lines[0]).toContain('create [--label <label>]');
  });
});
