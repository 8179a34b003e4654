import { describe, expect, it } from 'vitest';
import { bearerTokens } from './bearer.ts';
import { type TokenCommandOptions, tokenCommand } from './token-command.ts';
import { type RecordingTokenStore, recordingTokenStore } from './token-store.fixture.ts';

function world(overrides: Partial<TokenCommandOptions> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const store: RecordingTokenStore = recordingTokenStore();
  let opened = 0;
  let closed = 0;
  const options: TokenCommandOptions = {
    basePath: '/scim/v2',
    publicUrl: 'https://scim.example.com/',
    open: async () => {
      opened++;
      return {
        tokens: store,
        close: async () => {
          closed++;
        },
      };
    },
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    ...overrides,
  };
  return {
    out,
    err,
    store,
    run: (...argv: string[]) => tokenCommand(argv, options),
    counts: () => ({ opened, closed }),
  };
}

/** Whether a bearer token opens the tenant, as the served handler would check it. */
async function opens(store: RecordingTokenStore, token: string, tenant: string): Promise<boolean> {
  const request = new Request('https://x/', { headers: { authorization: `Bearer ${token}` } });
  return (await bearerTokens({ tokens: store })(request, tenant)) !== undefined;
}

describe('tokenCommand', () => {
  it('creates a token that opens the tenant, prints it once with the Tenant URL, lists and revokes it', async () => {
    const w = world();
    expect(await w.run('create', '--label', 'Entra')).toBe(0);
    expect(w.out[0]).toBe('Tenant URL:   https://scim.example.com/scim/v2');
    const token = w.out[1]!.replace('Secret Token: ', '');
    expect(token).toMatch(/^scim_[0-9a-f]{16}_/);
    expect(w.out[2]).toMatch(/^\(token tok_[0-9a-f]{16}; it is shown once: paste it into Entra now\)$/);
    expect(w.store.journal.join('')).not.toContain(token);
    expect(await opens(w.store, token, 'default')).toBe(true);

    expect(await w.run('list')).toBe(0);
    // A header naming the columns the help names, in its order: id, label, status, created, expires, last use.
    expect(w.out[3]!.split(/ {2,}/)).toEqual(['ID', 'LABEL', 'STATUS', 'CREATED', 'EXPIRES', 'LAST USED']);
    const [id, label, status, , expires, used] = w.out[4]!.split(/ {2,}/);
    expect([label, status, expires]).toEqual(['Entra', 'active', 'never']);
    expect(used).toMatch(/^\d{4}-\d\d-\d\dT/); // the check above used it
    expect(w.out[4]!.indexOf('active')).toBe(w.out[3]!.indexOf('STATUS'));

    expect(await w.run('revoke', id!)).toBe(0);
    expect(w.out[5]).toBe(`Revoked ${id}.`);
    expect(await opens(w.store, token, 'default')).toBe(false);
    expect(w.counts()).toEqual({ opened: 3, closed: 3 });
  });

  it('names the tenant with the option the base path calls for, and puts it in the Tenant URL', async () => {
    const w = world({ basePath: '/api/scim/{tenant}', tenantOption: 'organization' });
    expect(await w.run('create', '--organization', 'acme corp')).toBe(0);
    expect(w.out[0]).toBe('Tenant URL:   https://scim.example.com/api/scim/acme%20corp');
    const token = w.out[1]!.replace('Secret Token: ', '');
    expect(await opens(w.store, token, 'acme corp')).toBe(true);
    expect(await opens(w.store, token, 'other')).toBe(false);
    expect(w.store.records[0]!.label).toBe('Entra provisioning');

    expect(await w.run('list', '--organization', 'other')).toBe(0);
    expect(w.out.slice(3)).toEqual([
      'No tokens yet: npm run token -- create --organization other issues one.',
    ]);
    expect(await w.run('create')).toBe(2);
    expect(w.err.at(-1)).toBe('Name the organization: npm run token -- create --organization <organization>');
    expect(await w.run('create', '--tenant', 'acme corp')).toBe(2);
    expect(w.err.at(-1)).toMatch(/^Unknown option '--tenant'/);
  });

  it('refuses to revoke a token the tenant does not have, without touching others', async () => {
    const w = world({ basePath: '/scim/{tenant}', tenantOption: 'node' });
    await w.run('create', '--node', 'engineering');
    const token = w.out[1]!.replace('Secret Token: ', '');
    const id = w.store.records[0]!.id;
    expect(await w.run('revoke', id, '--node', 'sales')).toBe(1);
    expect(w.err).toEqual([`There is no token ${id}: npm run token -- list shows the tokens.`]);
    expect(await w.run('revoke', 'tok_0000000000000000', '--node', 'engineering')).toBe(1);
    expect(await opens(w.store, token, 'engineering')).toBe(true);
  });

  it('answers a bad command line with exit code 2 and what to fix, before opening the store', async () => {
    const w = world({ command: 'pnpm token' });
    expect(await w.run()).toBe(2);
    expect(w.err[0]).toMatch(/^Usage: pnpm token <command>\n\n {2}create \[--label <label>\]/);
    expect(await w.run('rotate')).toBe(2);
    expect(await w.run('revoke')).toBe(2);
    expect(w.err.at(-1)).toBe('Name the token to revoke: pnpm token revoke <id> (see pnpm token list)');
    expect(await w.run('list', 'extra')).toBe(2);
    expect(w.err.at(-1)).toMatch(/^Unexpected argument "extra"/);
    expect(await w.run('revoke', 'a', 'b')).toBe(2);
    expect(w.err.at(-1)).toMatch(/^Unexpected argument "b"/);
    expect(await w.run('--help')).toBe(0);
    expect(w.out).toEqual([expect.stringMatching(/^Usage: pnpm token <command>/)]);
    expect(w.counts()).toEqual({ opened: 0, closed: 0 });
  });

  it('closes the store when the command fails', async () => {
    const w = world();
    const failing = world({
      open: async () => ({
        tokens: {
          ...w.store,
          insert: async () => {
            throw new Error('disk full');
          },
        },
        close: async () => {
          w.out.push('closed');
        },
      }),
    });
    await expect(failing.run('create')).rejects.toThrow('disk full');
    expect(w.out).toEqual(['closed']);
  });
});
