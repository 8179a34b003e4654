// `npm run token` and `npm start` on the embedded SQLite store: the Secret an organization's
// administrator sets opens that organization's endpoint, once its SCIM provider is active.
import { join } from 'node:path';
import { useConnectorSandbox } from '@scim/server/testing';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/server.ts';
import { runTokenCommand } from '../src/token.ts';

// A fresh directory and SQLite file per test; `token` runs `npm run token` on its environment.
const sandbox = useConnectorSandbox({
  runTokenCommand,
  env: (dir) => ({
    ORGANIZATIONS_FILE: join(dir, 'data', 'organizations.json'),
    PUBLIC_URL: 'https://app.vaultplatform.example',
  }),
});
const { token } = sandbox;

describe('npm run token and npm start', () => {
  it("set an organization's Secret, switch its SCIM provider on and off, and serve it", async () => {
    const created = await token(['create', '--organization', 'acme']);
    expect(created.code).toBe(0);
    expect(created.lines[0]).toBe('Tenant URL:   https://app.vaultplatform.example/api/scim/acme');
    const secret = created.lines[1]!.replace('Secret Token: ', '');
    expect(created.lines[2]).toContain('npm run token -- activate --organization acme');

    const server = await startServer(sandbox.env);
    try {
      const get = (org: string) =>
        fetch(`${server.url}/api/scim/${org}/Users`, { headers: { authorization: `Bearer ${secret}` } });
      expect((await get('acme')).status).toBe(403);
      expect((await token(['activate', '--organization', 'acme'])).code).toBe(0);
      expect((await get('acme')).status).toBe(200);
      expect((await get('globex')).status).toBe(401);
      await token(['deactivate', '--organization', 'acme']);
      expect((await get('acme')).status).toBe(403);
    } finally {
      await server.close();
    }
  });

  it('sets the Secret the administrator chose, and lists it', async () => {
    const chosen = 'correct-horse-battery-staple-42';
    expect((await token(['create', '--organization', 'acme', '--secret', chosen])).lines[1]).toBe(
      `Secret Token: ${chosen}`,
    );
    const listed = (await token(['list', '--organization', 'acme'])).lines;
    expect(listed[0]!.split(/ {2,}/)).toEqual(['ID', 'LABEL', 'STATUS', 'LAST USED']);
    const [, label, status] = listed[1]!.split(/ {2,}/);
    expect([label, status]).toEqual(['Data Integration Secret', 'active']);
  });

  it('refuses a command without an organization', async () => {
    const { code, lines } = await token(['create']);
    expect(code).toBe(2);
    expect(lines[0]).toContain('--organization <slug>');
  });
});
