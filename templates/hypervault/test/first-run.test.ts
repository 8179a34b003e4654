// `npm start` and `npm run token` as a new user first meets them: one log line per request, a clear
// word when the port is taken or the database cannot be reached, HOST honoured, and the commands
// printed for the package manager that ran the script, with Hypervault's options.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectorDatabase as databaseTarget } from '@scim/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { banner, explainStartError, startServer } from '../src/server.ts';
import { runTokenCommand } from '../src/token.ts';

let dir: string;
let env: Record<string, string | undefined>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scim-connector-'));
  env = {
    DATABASE_URL: `file:${join(dir, 'data', 'connector.db')}`,
    PORT: '0',
  };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function token(argv: string[]) {
  const lines: string[] = [];
  const code = await runTokenCommand(argv, { env, out: (t) => lines.push(t), err: (t) => lines.push(t) });
  return { code, lines };
}

/** What a promise rejects with. */
function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('it should have failed'),
    (error: unknown) => error,
  );
}

/** Sends one raw request and resolves with what the server answered once it closed the connection. */
function rawRequest(url: string, request: string): Promise<{ head: string; body: string }> {
  return new Promise((done, fail) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', fail);
    socket.on('close', () => {
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      done({ head, body });
    });
    socket.write(request);
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

describe('DATABASE_URL, read by the parser of @scim/server', () => {
  it('names an SQLite file by default, a file path, or a PostgreSQL database and schema', () => {
    expect(databaseTarget(undefined, '/srv/app')).toEqual({
      kind: 'sqlite',
      path: '/srv/app/data/connector.db',
    });
    expect(databaseTarget('file:/var/lib/scim.db')).toEqual({ kind: 'sqlite', path: '/var/lib/scim.db' });
    expect(databaseTarget('sqlite://relative.db', '/srv/app')).toEqual({
      kind: 'sqlite',
      path: '/srv/app/relative.db',
    });
    expect(databaseTarget('postgres://u:p@db:5432/scim?schema=tenant_a')).toEqual({
      kind: 'postgres',
      connectionString: 'postgres://u:p@db:5432/scim',
      schema: 'tenant_a',
    });
  });

  it('refuses a database it cannot open instead of making the URL a file name', () => {
    expect(() => databaseTarget('mysql://db/scim', '/srv/app')).toThrow(/"mysql:".* postgres:\/\//);
  });
});

describe('the first run', () => {
  it('logs one line per request: method, path, status, time and request id, never the token', async () => {
    const created = await token(['create']);
    const secret = created.lines[1]!.replace('Secret Token: ', '');
    const log: string[] = [];
    const server = await startServer(env, { log: (line) => log.push(line) });
    try {
      const filter = encodeURIComponent('userName eq "adele@contoso.example"');
      const response = await fetch(`${server.url}/scim/v2/Users?filter=${filter}`, {
        headers: { authorization: `Bearer ${secret}`, 'x-request-id': 'req-0000000000000001' },
      });
      expect(response.status).toBe(200);
      expect(log).toEqual([
        `GET /scim/v2/Users?filter=${filter} 200 ${log[0]?.split(' ')[3]} req-0000000000000001`,
      ]);
      expect(log[0]!.split(' ')[3]).toMatch(/^\d+(\.\d+)?ms$/);
      await fetch(`${server.url}/scim/v2/Users`, { headers: { authorization: `Bearer ${secret}x` } });
      expect(log[1]).toMatch(/^GET \/scim\/v2\/Users 401 \S+ms [0-9a-f-]{36}$/);
      expect(log.join('\n')).not.toContain(secret.slice(-20));
    } finally {
      await server.close();
    }
  });

  it('says which port is taken, instead of a stack', async () => {
    const first = await startServer(env);
    try {
      const taken = { ...env, PORT: new URL(first.url).port };
      const error = await rejection(startServer(taken));
      expect(explainStartError(error, taken)).toBe(
        `Port ${taken.PORT} is already in use (another connector, or another program): stop it, or set PORT in .env to a free port.`,
      );
    } finally {
      await first.close();
    }
  });

  it('answers a URL over the header limit with 431 and a SCIM error body (createNodeServer)', async () => {
    const server = await startServer(env);
    try {
      const { head, body } = await rawRequest(
        server.url,
        `GET /?filter=${'x'.repeat(17_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
      );
      expect(head).toMatch(/^HTTP\/1\.1 431 /);
      expect(JSON.parse(body)).toMatchObject({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: '431',
      });
    } finally {
      await server.close();
    }
  });

  it('listens on HOST, and the token command prints the address and port it serves', async () => {
    env.HOST = '127.0.0.1';
    const server = await startServer(env);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${server.url}/scim/v2/ServiceProviderConfig`)).status).toBe(200);
    } finally {
      await server.close();
    }
    env.PORT = '4123';
    expect((await token(['create'])).lines[0]).toBe('Tenant URL:   http://127.0.0.1:4123/scim/v2');
  });

  it('prints the Tenant URL and the token command for the package manager that ran it', () => {
    const running = { url: 'http://localhost:3000', close: async () => {} };
    expect(banner(env, running)).toEqual([
      'Hypervault SCIM connector listening on http://localhost:3000',
      'Tenant URL:   http://localhost:3000/scim/v2',
      'Secret Token: npm run token -- create',
    ]);
    const underPnpm = { ...env, npm_config_user_agent: 'pnpm/10.12.1 npm/? node/v24.11.0 linux x64' };
    expect(banner(underPnpm, running)[2]).toBe('Secret Token: pnpm run token create');
    const underYarn = { ...env, npm_config_user_agent: 'yarn/4.18.1 npm/? node/v24.11.0 linux x64' };
    expect(banner(underYarn, running)[2]).toBe('Secret Token: yarn token create');
    const underBun = { ...env, npm_config_user_agent: 'bun/1.4.5 npm/? node/v24.11.0 linux x64' };
    expect(banner(underBun, running)[2]).toBe('Secret Token: bun run token create');
    expect(banner({ ...env, PUBLIC_URL: 'https://scim.example.com/' }, running)[1]).toBe(
      'Tenant URL:   https://scim.example.com/scim/v2',
    );
  });

  it('says which PostgreSQL it cannot reach and what to check, without the password', async () => {
    const port = await closedPort();
    const postgres = { ...env, DATABASE_URL: `postgres://scim:s3cret@127.0.0.1:${port}/connector` };
    const message = explainStartError(await rejection(startServer(postgres)), postgres);
    // A project scaffolded for SQLite has no PostgreSQL driver: then it says how to add it.
    const hasDriver = (() => {
      try {
        createRequire(import.meta.url).resolve('pg');
        return true;
      } catch {
        return false;
      }
    })();
    expect(message).toMatch(
      hasDriver
        ? `Cannot reach PostgreSQL at 127.0.0.1:${port} (ECONNREFUSED): check that it is running there`
        : 'PostgreSQL needs the pg driver: run `npm install pg`',
    );
    expect(message).not.toContain('s3cret');
    // The token command opens the same store, and says the same.
    env = postgres;
    expect(await token(['list'])).toEqual({ code: 1, lines: [message] });
  });
});
