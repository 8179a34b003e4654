import { describe, expect, it } from 'vitest';
import { bearerTokens } from '../auth/bearer.ts';
import { hashToken } from '../auth/tokens.ts';
import { fakeStore, recordingContext } from './cli.fixture.ts';
import { runCli } from './run.ts';

const T0 = Date.parse('2026-11-30T10:00:00.000Z');
const TOKEN = /^scim_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/;

function setup(env: Record<string, string> = {}) {
  const store = fakeStore();
  let now = T0;
  const context = recordingContext(store, { env, clock: () => now });
  return { store, context, advance: (ms: number) => (now += ms) };
}

/** The Secret Token of what `tokens create` or `tokens rotate` printed. */
const secretOf = (lines: readonly string[]) =>
  lines.find((line) => line.startsWith('Secret Token: '))!.replace('Secret Token: ', '');

const authenticates = async (store: ReturnType<typeof fakeStore>, token: string, tenant: string, now = T0) =>
  (await bearerTokens({ tokens: store.tokens, clock: () => now })(
    new Request('https://x/Users', { headers: { authorization: `Bearer ${token}` } }),
    tenant,
  )) !== undefined;

describe('scim-server tokens create', () => {
  it.each([
    [{}, 'http://localhost:8080'],
    [{ BASE_PATH: '/scim/v2' }, 'http://localhost:8080/scim/v2'],
    [{ BASE_PATH: '/scim/v2', PORT: '9000' }, 'http://localhost:9000/scim/v2'],
    [{ BASE_PATH: '/scim/v2', PORT: 'http' }, 'http://localhost:8080/scim/v2'],
    [
      { BASE_PATH: '/scim/{tenant}', PUBLIC_URL: 'https://scim.example.com' },
      'https://scim.example.com/scim/contoso',
    ],
  ])('prints the Tenant URL scim-server start serves with the same environment (%o)', async (env, url) => {
    const { context } = setup({ DATABASE_URL: 'postgres://db/scim', ...env });
    expect(await runCli(['tokens', 'create', '--tenant', 'contoso'], context)).toBe(0);
    expect(context.stdout[0]).toBe(`Tenant URL:   ${url}`);
  });

  it('prints the Tenant URL and the token once, and stores only its hash', async () => {
    const { store, context } = setup({ DATABASE_URL: 'postgres://db/scim' });
    expect(await runCli(['tokens', 'create', '--tenant', 'contoso', '--label', 'Entra'], context)).toBe(0);
    expect(context.urls).toEqual(['postgres://db/scim']);
    expect(store.calls).toEqual(['open User,Group', 'close']);
    expect(context.stdout).toHaveLength(3);
    expect(context.stdout[0]).toBe('Tenant URL:   http://localhost:8080');
    const token = secretOf(context.stdout);
    expect(token).toMatch(TOKEN);
    const [record] = store.tokens.records;
    expect(record).toMatchObject({ tenant: 'contoso', label: 'Entra', hash: hashToken(token) });
    expect(context.stdout[2]).toBe(`(token ${record!.id}; it is shown once: paste it into Entra now)`);
    expect(context.stderr).toEqual([]);
    expect(store.tokens.journal.join('\n')).not.toContain(token.slice(-43));
    expect(await authenticates(store, token, 'contoso')).toBe(true);
    expect(await authenticates(store, token, 'fabrikam')).toBe(false);
  });

  it('opens ./scim.db when DATABASE_URL is not set, and takes --expires', async () => {
    const { store, context } = setup();
    expect(await runCli(['tokens', 'create', '-t', 'contoso', '--expires', '2027-01-01'], context)).toBe(0);
    expect(context.urls).toEqual(['./scim.db']);
    expect(store.tokens.records[0]?.expires).toBe('2027-01-01T00:00:00.000Z');
  });

  it('prints JSON with --json', async () => {
    const { context } = setup();
    expect(await runCli(['tokens', 'create', '--tenant', 'contoso', '--json'], context)).toBe(0);
    const printed = JSON.parse(context.stdout[0]!);
    expect(printed).toMatchObject({
      tenant: 'contoso',
      id: expect.stringMatching(/^tok_/),
      token: expect.stringMatching(TOKEN),
    });
  });

  it.each([
    [['tokens', 'create'], /Name the tenant: scim-server tokens create --tenant <tenant>/],
    [['tokens', 'create', '--tenant', ' '], /Name the tenant/],
    [['tokens', 'create', '--tenant', 'a', '--expires', 'soon'], /--expires "soon" is not a date/],
    [
      ['tokens', 'create', '--tenant', 'a', '--lable', 'x'],
      /Unknown option '--lable'[\s\S]*Usage: scim-server tokens/,
    ],
    [['tokens', 'create', '--tenant', 'a', 'extra'], /Unexpected argument "extra"/],
    [['tokens', 'delete', '--tenant', 'a'], /^Usage: scim-server tokens <command>/],
  ])('rejects %j with exit code 2 and opens nothing', async (argv, message) => {
    const { store, context } = setup();
    expect(await runCli(argv, context)).toBe(2);
    expect(context.stderr.join('\n')).toMatch(message);
    expect(context.urls).toEqual([]);
    expect(store.tokens.records).toEqual([]);
  });
});

describe('scim-server tokens list, revoke, rotate', () => {
  it('lists a tenant’s tokens with status and never a hash or secret', async () => {
    const { store, context, advance } = setup();
    await runCli(['tokens', 'create', '--tenant', 'contoso', '--label', 'Entra'], context);
    advance(1000);
    await runCli(['tokens', 'create', '--tenant', 'contoso', '--label', 'old'], context);
    await runCli(['tokens', 'create', '--tenant', 'fabrikam'], context);
    const [entra, old] = store.tokens.records;
    await runCli(['tokens', 'revoke', '--tenant', 'contoso', old!.id], context);
    context.stdout.length = 0;
    expect(await runCli(['tokens', 'list', '--tenant', 'contoso'], context)).toBe(0);
    const [header, ...rows] = context.stdout;
    expect(header).toMatch(/^ID +LABEL +STATUS +CREATED +EXPIRES +LAST USED$/);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(
      new RegExp(`^${entra!.id} +Entra +active +2026-11-30T10:00:00.000Z +never +never$`),
    );
    expect(rows[1]).toMatch(new RegExp(`^${old!.id} +old +revoked +2026-11-30T10:00:01.000Z +never +never$`));
    expect(context.stdout.join('\n')).not.toContain(entra!.hash);

    context.stdout.length = 0;
    await runCli(['tokens', 'list', '--tenant', 'contoso', '--json'], context);
    const listed = JSON.parse(context.stdout[0]!);
    expect(listed.map((t: { status: string }) => t.status)).toEqual(['active', 'revoked']);
    expect(context.stdout[0]).not.toContain('hash');
  });

  it('says so when a tenant has no tokens', async () => {
    const { context } = setup();
    expect(await runCli(['tokens', 'list', '--tenant', 'nobody'], context)).toBe(0);
    expect(context.stdout).toEqual(['No tokens yet: scim-server tokens create --tenant nobody issues one.']);
  });

  it('revokes by positional id or --id, only within the tenant named', async () => {
    const { store, context } = setup();
    await runCli(['tokens', 'create', '--tenant', 'contoso'], context);
    const token = secretOf(context.stdout);
    const id = store.tokens.records[0]!.id;
    expect(await runCli(['tokens', 'revoke', '--tenant', 'fabrikam', id], context)).toBe(1);
    expect(context.stderr.at(-1)).toMatch(
      /^There is no token tok_\w+: scim-server tokens list shows the tokens\.$/,
    );
    expect(await authenticates(store, token, 'contoso')).toBe(true);
    expect(await runCli(['tokens', 'revoke', '--tenant', 'contoso', '--id', id], context)).toBe(0);
    expect(context.stdout.at(-1)).toBe(`Revoked ${id}.`);
    expect(await authenticates(store, token, 'contoso')).toBe(false);
    expect(await runCli(['tokens', 'revoke', '--tenant', 'contoso'], context)).toBe(2);
    expect(context.stderr.at(-1)).toMatch(/^Name the token to revoke: scim-server tokens revoke <id>/);
  });

  it('rotates with an overlap: both work until it ends, then only the new one', async () => {
    const { store, context } = setup();
    await runCli(['tokens', 'create', '--tenant', 'contoso', '--label', 'Entra'], context);
    const oldToken = secretOf(context.stdout);
    context.stdout.length = 0;
    const oldId = store.tokens.records[0]!.id;
    expect(await runCli(['tokens', 'rotate', '--tenant', 'contoso', oldId, '--overlap', '2h'], context)).toBe(
      0,
    );
    const newToken = secretOf(context.stdout);
    expect(newToken).toMatch(TOKEN);
    expect(context.stdout.join('\n')).toContain(`${oldId} keeps working until 2026-11-30T12:00:00.000Z`);
    expect(store.tokens.records[1]?.label).toBe('Entra');
    const hour = 3_600_000;
    expect(await authenticates(store, oldToken, 'contoso', T0 + 2 * hour - 1)).toBe(true);
    expect(await authenticates(store, newToken, 'contoso', T0 + 2 * hour - 1)).toBe(true);
    expect(await authenticates(store, oldToken, 'contoso', T0 + 2 * hour)).toBe(false);
    expect(await authenticates(store, newToken, 'contoso', T0 + 2 * hour)).toBe(true);
  });

  it('rotates with a one-day overlap by default, and reports an unknown id or a bad overlap', async () => {
    const { store, context } = setup();
    await runCli(['tokens', 'create', '--tenant', 'contoso'], context);
    const id = store.tokens.records[0]!.id;
    expect(await runCli(['tokens', 'rotate', '--tenant', 'contoso', 'tok_nope'], context)).toBe(1);
    expect(context.stderr.at(-1)).toMatch(/has no active token tok_nope/);
    expect(
      await runCli(['tokens', 'rotate', '--tenant', 'contoso', id, '--overlap', 'a while'], context),
    ).toBe(2);
    expect(context.stderr.at(-1)).toMatch(/--overlap "a while" is not a duration/);
    expect(await runCli(['tokens', 'rotate', '--tenant', 'contoso', id, '--json'], context)).toBe(0);
    expect(JSON.parse(context.stdout.at(-1)!)).toMatchObject({
      previousId: id,
      previousExpires: '2026-12-01T10:00:00.000Z',
    });
  });

  it('closes the store when a command fails', async () => {
    const { store, context } = setup();
    await runCli(['tokens', 'revoke', '--tenant', 'contoso', 'tok_x'], context);
    expect(store.calls).toEqual(['open User,Group', 'close']);
  });
});

describe('scim-server', () => {
  it('prints its version', async () => {
    const { context } = setup();
    expect(await runCli(['--version'], context)).toBe(0);
    expect(context.stdout[0]).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('prints help, and refuses an unknown command', async () => {
    const { context } = setup();
    expect(await runCli(['--help'], context)).toBe(0);
    expect(context.stdout[0]).toMatch(/^Usage: scim-server <command>/);
    expect(await runCli(['help', 'tokens'], context)).toBe(0);
    expect(context.stdout[1]).toMatch(/^Usage: scim-server tokens/);
    expect(await runCli(['tokens', '--help'], context)).toBe(0);
    expect(await runCli([], context)).toBe(2);
    expect(await runCli(['serve'], context)).toBe(2);
    expect(context.stderr.at(-1)).toMatch(
      /"serve" is not a scim-server command; use one of: start, migrate, import, tokens/,
    );
  });

  it('lets an unexpected error through to the bin', async () => {
    const store = fakeStore();
    const context = recordingContext(store, {
      openStore: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
    });
    await expect(runCli(['tokens', 'list', '--tenant', 'a'], context)).rejects.toThrow('ECONNREFUSED');
  });
});
