import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerTokens, createScimHandler, issueToken, memoryStore } from '@scim/server';
import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import type { CliContext } from './context.ts';
import { runCli } from './main.ts';
import { logTable, progressBar } from './render.ts';

const URL = 'https://scim.example.test/scim/v2';

async function scimServer() {
  const store = memoryStore();
  const { token } = await issueToken(store.tokens, 'default');
  const handler = createScimHandler({
    store,
    authenticate: bearerTokens({ tokens: store.tokens }),
    basePath: '/scim/v2',
  });
  return { store, token, handler };
}

function context(fetch: (r: Request) => Promise<Response>, files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  const ctx: CliContext = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    progress: (l) => progress.push(l),
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
      return text;
    },
    writeFile: async (path, text) => {
      files[path] = text;
    },
    fetch,
    now: () => 0,
  };
  return { ctx, out, err, progress, files };
}

async function count(handler: (r: Request) => Promise<Response>, token: string, resource: string) {
  const res = await handler(
    new Request(`${URL}/${resource}?count=1`, { headers: { authorization: `Bearer ${token}` } }),
  );
  return ((await res.json()) as { totalResults: number }).totalResults;
}

describe('entra-mock provision', () => {
  it('provisions a generated tenant, prints the log table and summary, and writes the logs', async () => {
    const { token, handler } = await scimServer();
    const c = context(handler);
    const code = await runCli(
      [
        'provision',
        '--url',
        `${URL}?aadOptscim062020`,
        '--token',
        token,
        '--users',
        '12',
        '--groups',
        '2',
        '--members',
        '4',
        '--logs',
        'logs.json',
      ],
      c.ctx,
    );
    expect(c.err.join('\n')).toContain('Test Connection succeeded.');
    expect(code).toBe(0);
    expect(await count(handler, token, 'Users')).toBe(12);
    expect(await count(handler, token, 'Groups')).toBe(2);
    expect(c.out[0]).toMatch(/^Date\s+Type\s+Identity\s+Action\s+Status\s+Error code$/);
    expect(c.out.filter((l) => /\screate\s+success/.test(l))).toHaveLength(14);
    const logs = JSON.parse(c.files['logs.json']!) as { value: { provisioningAction: string }[] };
    expect(c.out[2 + logs.value.length]).toMatch(
      /^Initial cycle [0-9a-f-]{36}: 14 created, .* 0 failed; job Active \(0\.0 s\)$/,
    );
    expect(c.progress.at(-2)).toBe(progressBar(14, 14));
    expect(logs.value.filter((l) => l.provisioningAction === 'create')).toHaveLength(14);
    // header, rule, one row per entry, the cycle's line, then the run's summary table, as the demo prints it
    expect(c.out.slice(2 + logs.value.length + 1)).toEqual([
      '',
      'Action            Users   Groups  Success  Failure  Skipped',
      'Create               12        2       14        0        0',
      'Update               11        0       11        0        0', // the managers, set once every user exists
      'Disable               0        0        0        0        0',
      'Delete                0        0        0        0        0',
      'Skip                  0        0        0        0        0',
    ]);
    expect(c.err.join('\n')).toContain('compliant dialect');
  });

  it('provisions a JSON-described tenant and exits 1 when events fail', async () => {
    const { token, handler } = await scimServer();
    const description = {
      users: [
        {
          userPrincipalName: 'adele@contoso.onmicrosoft.com',
          displayName: 'Adele Vance',
          mailNickname: 'adele',
        },
        {
          userPrincipalName: 'megan@contoso.onmicrosoft.com',
          displayName: 'Megan Bowen',
          mailNickname: 'megan',
        },
      ],
      groups: [],
      applications: [
        {
          displayName: 'My app',
          assignments: [
            { principal: 'adele@contoso.onmicrosoft.com', role: 'User' },
            { principal: 'megan@contoso.onmicrosoft.com', role: 'User' },
          ],
        },
      ],
    };
    const ok = context(handler, { 'tenant.json': JSON.stringify(description) });
    expect(
      await runCli(
        ['provision', '--url', URL, '--token', token, '--tenant', 'tenant.json', '--table', 'none'],
        ok.ctx,
      ),
    ).toBe(0);
    expect(ok.out[0]).toMatch(/^Initial cycle .*: 2 created/);
    expect(ok.out.slice(1, 4)).toEqual([
      '',
      'Action            Users   Groups  Success  Failure  Skipped',
      'Create                2        0        2        0        0',
    ]);
    expect(await count(handler, token, 'Users')).toBe(2);

    const { token: token2, handler: handler2 } = await scimServer();
    const conflict = context(
      (r) =>
        r.method === 'POST'
          ? Promise.resolve(new Response('{"status":"409","scimType":"uniqueness"}', { status: 409 }))
          : handler2(r),
      { 'tenant.json': JSON.stringify(description) },
    );
    expect(
      await runCli(
        ['provision', '--url', URL, '--token', token2, '--tenant', 'tenant.json', '--table', 'failures'],
        conflict.ctx,
      ),
    ).toBe(1);
    expect(conflict.out.filter((l) => l.includes('EntryConflict'))).toHaveLength(2);
    expect(conflict.out.find((l) => l.startsWith('Initial cycle'))).toContain('2 failed');
    expect(conflict.out).toContain('Create                2        0        0        2        0');
  });

  it('exits 1 with the error code when Test Connection fails', async () => {
    const { handler } = await scimServer();
    const c = context(handler);
    expect(await runCli(['provision', '--url', URL, '--token', 'wrong', '--users', '3'], c.ctx)).toBe(1);
    expect(c.err.at(-1)).toMatch(/^Test Connection failed: SystemForCrossDomainIdentityManagement\w+: /);
    expect(c.out).toEqual([]);
  });

  it('runs several cycles, 40 simulated minutes apart; the later ones have nothing to do', async () => {
    const { token, handler } = await scimServer();
    const c = context(handler);
    expect(
      await runCli(
        [
          'provision',
          '--url',
          URL,
          '--token',
          token,
          '--users',
          '3',
          '--groups',
          '0',
          '--cycles',
          '2',
          '--table',
          'none',
        ],
        c.ctx,
      ),
    ).toBe(0);
    expect(c.out).toHaveLength(2 + 7); // a line per cycle, then the summary table
    expect(c.out[1]).toMatch(
      /^Incremental cycle .*: 0 created, 0 updated, 0 disabled, 0 deleted, 0 skipped, 0 failed/,
    );
  });

  it('answers usage errors with exit status 2 and what to do', async () => {
    const c = context(async () => new Response(null, { status: 500 }));
    expect(await runCli(['provision', '--token', 't'], c.ctx)).toBe(2);
    expect(c.err.at(-1)).toBe('entra-mock provision: --url <Tenant URL> is required');
    expect(await runCli(['provision', '--url', 'not a url', '--token', 't'], c.ctx)).toBe(2);
    expect(await runCli(['provision', '--url', URL, '--token', 't', '--users', 'many'], c.ctx)).toBe(2);
    expect(c.err.at(-1)).toContain('--users must be a whole number, not "many"');
    expect(await runCli(['provision', '--url', URL, '--token', 't', '--tenant', 'missing.json'], c.ctx)).toBe(
      2,
    );
    expect(c.err.at(-1)).toContain('cannot read missing.json');
    expect(await runCli(['provision', '--url', URL, '--token', 't', '--bogus'], c.ctx)).toBe(2);
    expect(await runCli(['frobnicate'], c.ctx)).toBe(2);
    expect(c.err.at(-1)).toContain('unknown command "frobnicate"');
    expect(await runCli([], c.ctx)).toBe(2);
    expect(await runCli(['--help'], c.ctx)).toBe(0);
    expect(c.out.at(-1)).toContain('entra-mock provision --url <Tenant URL>');
  });
});

/** A loopback URL where nothing listens: a server is started and closed again. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return `http://127.0.0.1:${port}/scim/v2`;
}

describe('entra-mock against a server that is down', () => {
  it('test-connection says the connection was refused, at which URL', async () => {
    const url = await closedUrl();
    const c = context((r) => fetch(r));
    expect(await runCli(['test-connection', '--url', url, '--token', 't'], c.ctx)).toBe(1);
    expect(c.err).toEqual([
      `Test Connection failed: connection refused at ${url}; is the SCIM server running, and is the Tenant URL right?`,
    ]);
  }, 30_000);

  it('provision says so too, before any cycle', async () => {
    const url = await closedUrl();
    const c = context((r) => fetch(r));
    expect(await runCli(['provision', '--url', url, '--token', 't', '--users', '2'], c.ctx)).toBe(1);
    expect(c.err.at(-1)).toBe(
      `Test Connection failed: connection refused at ${url}; is the SCIM server running, and is the Tenant URL right?`,
    );
    expect(c.out).toEqual([]);
  }, 30_000);
});

describe('entra-mock against a server that goes down during the run', () => {
  it('ends with the summary table and says the server stopped answering, and where', async () => {
    const { token, handler } = await scimServer();
    let requests = 0;
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3000'), { code: 'ECONNREFUSED' }),
    });
    // Test Connection (a random user, and a random group when groups are provisioned) gets its
    // answers; every request after it is refused.
    const c = context((r) => (++requests <= 2 ? handler(r) : Promise.reject(refused)));
    expect(
      await runCli(['provision', '--url', URL, '--token', token, '--users', '3', '--groups', '0'], c.ctx),
    ).toBe(1);
    expect(c.out).toContain('Action            Users   Groups  Success  Failure  Skipped');
    expect(c.err).toContain(`The SCIM server stopped answering: connection refused at ${URL}.`);
  });
});

describe('entra-mock --version', () => {
  it("prints the package's version", async () => {
    for (const flag of ['--version', '-v']) {
      const c = context(async () => new Response(null, { status: 500 }));
      expect(await runCli([flag], c.ctx)).toBe(0);
      expect(c.out).toEqual([packageJson.version]);
    }
  });
});

describe('entra-mock test-connection and generate', () => {
  it('tests a connection', async () => {
    const { token, handler } = await scimServer();
    const ok = context(handler);
    expect(await runCli(['test-connection', '--url', URL, '--token', token], ok.ctx)).toBe(0);
    expect(ok.out[0]).toMatch(/^Test Connection succeeded/);
    const bad = context(handler);
    expect(await runCli(['test-connection', '--url', URL, '--token', 'nope'], bad.ctx)).toBe(1);
  });

  it('generates a description that provision reads back', async () => {
    const c = context(async () => new Response(null, { status: 500 }));
    expect(
      await runCli(['generate', '--users', '5', '--groups', '1', '--seed', '3', '--out', 'd.json'], c.ctx),
    ).toBe(0);
    const d = JSON.parse(c.files['d.json']!) as { users: unknown[]; groups: unknown[] };
    expect([d.users.length, d.groups.length]).toEqual([5, 1]);
    const again = context(async () => new Response(null, { status: 500 }));
    await runCli(['generate', '--users', '5', '--groups', '1', '--seed', '3'], again.ctx);
    expect(JSON.parse(again.out[0]!)).toEqual(d);
  });
});

describe('the log table', () => {
  it('has Entra-like columns, as wide as the longest identity: none is cut off', () => {
    const entry = (displayName: string, identityType: string) =>
      ({
        activityDateTime: '2026-01-01T08:00:00Z',
        provisioningAction: 'create',
        provisioningStatusInfo: { status: 'failure', errorInformation: { errorCode: 'EntryConflict' } },
        sourceIdentity: { displayName, identityType },
      }) as never;
    const long = 'Maximilian Alexander Hohenzollern-Sigmaringen (Contractor, EMEA)';
    const [header, rule, first, second] = logTable([entry(long, 'User'), entry('Sales', 'Group')]);
    expect(header).toMatch(/^Date {18}Type {3}Identity {58}Action/);
    expect(rule).toMatch(/^-{20} {2}-{5} {2}-{64} {2}-{12}/);
    expect(first).toBe(`2026-01-01 08:00:00   User   ${long}  create        failure   EntryConflict`);
    expect(second).toBe(
      `2026-01-01 08:00:00   Group  ${'Sales'.padEnd(long.length)}  create        failure   EntryConflict`,
    );
  });
});
