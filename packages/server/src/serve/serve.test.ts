// connectorServer: the scripts of a connector project over a real SQLite file, as `npm start` and
// `npm run token` run them.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearerTokens } from '../auth/bearer.ts';
import { createScimHandler } from '../handler/index.ts';
import { connectorDatabase, explainDatabaseError } from './database.ts';
import { listenPort, localUrl, publicUrl, scriptCommand, trustsProxy } from './env.ts';
import { type ConnectorDefinition, connectorServer } from './serve.ts';

const definition: ConnectorDefinition = {
  basePath: '/orgs/{tenant}',
  tenantOption: 'org',
  createHandler: (store) =>
    createScimHandler({
      store,
      authenticate: bearerTokens({ tokens: store.tokens }),
      basePath: '/orgs/{tenant}',
    }),
};

let dir: string;
let env: Record<string, string | undefined>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scim-serve-'));
  env = { DATABASE_URL: `file:${join(dir, 'data', 'connector.db')}`, PORT: '0' };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function token(argv: string[], connector = connectorServer(definition)) {
  const lines: string[] = [];
  const code = await connector.runTokenCommand(argv, {
    env,
    out: (t) => lines.push(t),
    err: (t) => lines.push(t),
  });
  return { code, lines };
}

describe('connectorServer', () => {
  it('serves the store the token command issued a token in, and logs one line per request', async () => {
    const created = await token(['create', '--org', 'acme']);
    expect(created.code).toBe(0);
    expect(created.lines[0]).toBe('Tenant URL:   http://localhost:0/orgs/acme');
    const secret = created.lines[1]!.replace('Secret Token: ', '');
    const log: string[] = [];
    const running = await connectorServer(definition).startServer(env, { log: (line) => log.push(line) });
    try {
      const get = (auth: string) =>
        fetch(`${running.url}/orgs/acme/Users`, {
          headers: { authorization: `Bearer ${auth}`, 'x-request-id': 'r-1' },
        });
      expect((await get(secret)).status).toBe(200);
      expect((await get(`${secret}x`)).status).toBe(401);
      expect(log[0]).toMatch(/^GET \/orgs\/acme\/Users 200 \S+ms r-1$/);
      expect(log[1]).toMatch(/^GET \/orgs\/acme\/Users 401 /);
    } finally {
      await running.close();
    }
  });

  it('prints the banner with the name, the tenant option, the package manager and the notes', () => {
    const running = { url: 'http://localhost:3000', close: async () => {} };
    const named = connectorServer({
      ...definition,
      name: 'Acme',
      bannerNotes: (t, o) => [`Then: ${t} activate${o}`],
    });
    expect(
      named.banner({ npm_config_user_agent: 'yarn/4.0.0 npm/? node/v24.11.0 linux x64' }, running),
    ).toEqual([
      'Acme SCIM connector listening on http://localhost:3000',
      'Tenant URL:   http://localhost:3000/orgs/{org}',
      'Secret Token: yarn token create --org <org>',
      'Then: yarn token activate --org <org>',
    ]);
    expect(connectorServer(definition).banner({}, running)[0]).toBe(
      'SCIM connector listening on http://localhost:3000',
    );
  });

  it('explains a taken port, and a database it cannot open, in words', async () => {
    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, done));
    const taken = { ...env, PORT: String((probe.address() as { port: number }).port) };
    try {
      const connector = connectorServer(definition);
      const error = await connector.startServer(taken).then(
        () => expect.unreachable('the port is taken'),
        (e: unknown) => e,
      );
      expect(connector.explainStartError(error, taken)).toBe(
        `Port ${taken.PORT} is already in use (another connector, or another program): stop it, or set PORT in .env to a free port.`,
      );
    } finally {
      await new Promise<void>((done) => probe.close(() => done()));
    }
    env.DATABASE_URL = 'mysql://db/scim';
    const refused = await token(['list', '--org', 'acme']);
    expect(refused.code).toBe(1);
    expect(refused.lines[0]).toMatch(/"mysql:"/);
  });
});

describe('the scripts environment', () => {
  it('reads PORT, HOST, PUBLIC_URL and the package manager', () => {
    expect(listenPort({})).toBe(3000);
    expect(() => listenPort({ PORT: 'eighty' })).toThrow(/PORT must be a port number/);
    // Decimal digits only, as `scim-server start` reads PORT (parsePort): not 8e1 or 0x50.
    expect(() => listenPort({ PORT: '8e1' })).toThrow(/PORT must be a port number/);
    expect(() => listenPort({ PORT: '0x50' })).toThrow(/PORT must be a port number/);
    expect(listenPort({ PORT: ' 8080 ' })).toBe(8080);
    // TRUST_PROXY as `scim-server start` reads it.
    expect([' 1', 'true', 'YES', 'on'].map((v) => trustsProxy({ TRUST_PROXY: v }))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['', '0', 'no', 'off'].map((v) => trustsProxy({ TRUST_PROXY: v }))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(trustsProxy({})).toBe(false);
    expect(localUrl({ HOST: '::1', PORT: '4000' })).toBe('http://[::1]:4000');
    expect(localUrl({ HOST: '0.0.0.0' }, 5)).toBe('http://localhost:5');
    expect(publicUrl({ PUBLIC_URL: 'https://scim.example.com//' })).toBe('https://scim.example.com');
    expect(scriptCommand('token', {})).toBe('npm run token --');
    expect(scriptCommand('token', { npm_config_user_agent: 'pnpm/10.12.1 npm/? node/v24.11.0' })).toBe(
      'pnpm run token',
    );
  });

  it('defaults DATABASE_URL to ./data/connector.db and explains an unreachable PostgreSQL without its password', () => {
    expect(connectorDatabase(' ', '/srv/app')).toEqual({
      kind: 'sqlite',
      path: '/srv/app/data/connector.db',
    });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const message = explainDatabaseError(new Error('unavailable', { cause: refused }), {
      DATABASE_URL: 'postgres://scim:s3cret@db.internal:6543/connector',
    });
    expect(message).toMatch(/^Cannot reach PostgreSQL at db.internal:6543 \(ECONNREFUSED\)/);
    expect(message).not.toContain('s3cret');
    expect(explainDatabaseError(new Error('other'), {})).toBeUndefined();
  });
});
