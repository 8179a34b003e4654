/**
 * The tests of the first-run suite ({@link describeConnectorFirstRun}), one function each, over the
 * project's scripts and what a new user should read from them.
 */
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { connectorDatabase } from './database.ts';
import type { ConnectorSandbox } from './sandbox.ts';
import type { ConnectorServer } from './serve.ts';

/**
 * What one first-run test needs: the project's scripts, its sandbox, and what it should print.
 *
 * @internal
 */
export interface FirstRun {
  readonly startServer: ConnectorServer['startServer'];
  readonly banner: ConnectorServer['banner'];
  readonly explainStartError: ConnectorServer['explainStartError'];
  readonly sandbox: ConnectorSandbox;
  /** The banner's first line before the address (`Keeper SCIM connector listening on`). */
  readonly listening: string;
  /** The base path as the banner prints it (`/scim/{node}`). */
  readonly basePath: string;
  /** The base path the tests call, with the tenant in it (`/scim/engineering`). */
  readonly served: string;
  /** The tenant's option and value (`['--node', 'engineering']`), or none. */
  readonly tenantArgs: readonly string[];
  /** The tenant option as the banner prints it (`' --node <node>'`), or `''`. */
  readonly placeholder: string;
  /** Token command arguments run after `create`, if any. */
  readonly activate: readonly string[] | undefined;
  /** The banner's lines after the Secret Token line, under npm. */
  readonly bannerNotes: readonly string[];
}

/** Escapes a text for a regular expression. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
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

/** Whether the PostgreSQL driver resolves where the store imports it from (this package). */
function hasPostgresDriver(): boolean {
  try {
    createRequire(import.meta.url).resolve('pg');
    return true;
  } catch {
    return false;
  }
}

/**
 * The parser of DATABASE_URL the scripts share, as the project's README describes it.
 *
 * @internal
 */
export function describeDatabaseUrl(): void {
  describe('DATABASE_URL, read by the parser of @scim/server', () => {
    it('names an SQLite file by default, a file path, or a PostgreSQL database and schema', () => {
      expect(connectorDatabase(undefined, '/srv/app')).toEqual({
        kind: 'sqlite',
        path: '/srv/app/data/connector.db',
      });
      expect(connectorDatabase('file:/var/lib/scim.db')).toEqual({
        kind: 'sqlite',
        path: '/var/lib/scim.db',
      });
      expect(connectorDatabase('sqlite://relative.db', '/srv/app')).toEqual({
        kind: 'sqlite',
        path: '/srv/app/relative.db',
      });
      expect(connectorDatabase('postgres://u:p@db:5432/scim?schema=tenant_a')).toEqual({
        kind: 'postgres',
        connectionString: 'postgres://u:p@db:5432/scim',
        schema: 'tenant_a',
      });
    });

    it('refuses a database it cannot open instead of making the URL a file name', () => {
      expect(() => connectorDatabase('mysql://db/scim', '/srv/app')).toThrow(/"mysql:".* postgres:\/\//);
    });
  });
}

/** One log line per request, with the request id the client sent, and never the token. */
function itLogsEachRequest(run: FirstRun): void {
  const { sandbox, served } = run;
  it('logs one line per request: method, path, status, time and request id, never the token', async () => {
    const created = await sandbox.token(['create', ...run.tenantArgs]);
    if (run.activate) await sandbox.token(run.activate);
    const secret = created.lines[1]!.replace('Secret Token: ', '');
    const log: string[] = [];
    const server = await run.startServer(sandbox.env, { log: (line) => log.push(line) });
    try {
      const filter = encodeURIComponent('userName eq "adele@contoso.example"');
      const response = await fetch(`${server.url}${served}/Users?filter=${filter}`, {
        headers: { authorization: `Bearer ${secret}`, 'x-request-id': 'req-0000000000000001' },
      });
      expect(response.status).toBe(200);
      expect(log).toEqual([
        `GET ${served}/Users?filter=${filter} 200 ${log[0]?.split(' ')[3]} req-0000000000000001`,
      ]);
      expect(log[0]!.split(' ')[3]).toMatch(/^\d+(\.\d+)?ms$/);
      await fetch(`${server.url}${served}/Users`, { headers: { authorization: `Bearer ${secret}x` } });
      expect(log[1]).toMatch(new RegExp(`^GET ${escapeRegExp(`${served}/Users`)} 401 \\S+ms [0-9a-f-]{36}$`));
      expect(log.join('\n')).not.toContain(secret.slice(-20));
    } finally {
      await server.close();
    }
  });
}

/** A taken port, said in words. */
function itExplainsATakenPort(run: FirstRun): void {
  it('says which port is taken, instead of a stack', async () => {
    const first = await run.startServer(run.sandbox.env);
    try {
      const taken = { ...run.sandbox.env, PORT: new URL(first.url).port };
      const error = await rejection(run.startServer(taken));
      expect(run.explainStartError(error, taken)).toBe(
        `Port ${taken.PORT} is already in use (another connector, or another program): stop it, or set PORT in .env to a free port.`,
      );
    } finally {
      await first.close();
    }
  });
}

/** Too long a URL: 431 with a SCIM error body, from the Node adapter. */
function itAnswers431(run: FirstRun): void {
  it('answers a URL over the header limit with 431 and a SCIM error body (createNodeServer)', async () => {
    const server = await run.startServer(run.sandbox.env);
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
}

/** HOST honoured by the server, and by the Tenant URL the token command prints. */
function itListensOnHost(run: FirstRun): void {
  const { sandbox, served } = run;
  it('listens on HOST, and the token command prints the address and port it serves', async () => {
    sandbox.env.HOST = '127.0.0.1';
    const server = await run.startServer(sandbox.env);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${server.url}${served}/ServiceProviderConfig`)).status).toBe(200);
    } finally {
      await server.close();
    }
    sandbox.env.PORT = '4123';
    expect((await sandbox.token(['create', ...run.tenantArgs])).lines[0]).toBe(
      `Tenant URL:   http://127.0.0.1:4123${served}`,
    );
  });
}

/** The banner: the Tenant URL, and the token command of each package manager. */
function itPrintsTheBanner(run: FirstRun): void {
  const { banner, basePath, placeholder } = run;
  it('prints the Tenant URL and the token command for the package manager that ran it', () => {
    const { env } = run.sandbox;
    const running = { url: 'http://localhost:3000', close: async () => {} };
    expect(banner(env, running)).toEqual([
      `${run.listening} http://localhost:3000`,
      `Tenant URL:   http://localhost:3000${basePath}`,
      `Secret Token: npm run token -- create${placeholder}`,
      ...run.bannerNotes,
    ]);
    const underPnpm = { ...env, npm_config_user_agent: 'pnpm/10.12.1 npm/? node/v24.11.0 linux x64' };
    expect(banner(underPnpm, running)[2]).toBe(`Secret Token: pnpm run token create${placeholder}`);
    const underYarn = { ...env, npm_config_user_agent: 'yarn/4.18.1 npm/? node/v24.11.0 linux x64' };
    expect(banner(underYarn, running)[2]).toBe(`Secret Token: yarn token create${placeholder}`);
    const underBun = { ...env, npm_config_user_agent: 'bun/1.4.5 npm/? node/v24.11.0 linux x64' };
    expect(banner(underBun, running)[2]).toBe(`Secret Token: bun run token create${placeholder}`);
    expect(banner({ ...env, PUBLIC_URL: 'https://scim.example.com/' }, running)[1]).toBe(
      `Tenant URL:   https://scim.example.com${basePath}`,
    );
  });
}

/** An unreachable PostgreSQL, named without its password, by the server and the token command alike. */
function itExplainsAnUnreachableDatabase(run: FirstRun): void {
  const { sandbox } = run;
  it('says which PostgreSQL it cannot reach and what to check, without the password', async () => {
    const port = await closedPort();
    const postgres = { ...sandbox.env, DATABASE_URL: `postgres://scim:s3cret@127.0.0.1:${port}/connector` };
    const message = run.explainStartError(await rejection(run.startServer(postgres)), postgres);
    // A project scaffolded for SQLite has no PostgreSQL driver: then it says how to add it.
    expect(message).toMatch(
      hasPostgresDriver()
        ? `Cannot reach PostgreSQL at 127.0.0.1:${port} (ECONNREFUSED): check that it is running there`
        : 'PostgreSQL needs the pg driver: run `npm install pg`',
    );
    expect(message).not.toContain('s3cret');
    // The token command opens the same store, and says the same.
    sandbox.env = postgres;
    expect(await sandbox.token(['list', ...run.tenantArgs])).toEqual({ code: 1, lines: [message] });
  });
}

/**
 * The first run's tests, in the order a new user meets them.
 *
 * @internal
 */
export function describeFirstRunCases(run: FirstRun): void {
  describe('the first run', () => {
    itLogsEachRequest(run);
    itExplainsATakenPort(run);
    itAnswers431(run);
    itListensOnHost(run);
    itPrintsTheBanner(run);
    itExplainsAnUnreachableDatabase(run);
  });
}
