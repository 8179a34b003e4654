/**
 * The token command's tests of the first-run suite ({@link describeConnectorFirstRun}): a token
 * `npm run token` issues opens the endpoint `npm start` serves, from the same DATABASE_URL, until it
 * is revoked; and the command's usage. They test `connector.runTokenCommand` of @scim/server.
 */
import { describe, expect, it } from 'vitest';
import type { FirstRun } from './first-run-cases.ts';

/** The Tenant URL's address in these tests: PUBLIC_URL, as a deployed connector sets it. */
const publicUrl = 'https://scim.example.com';

/** Issue, list and revoke a token, each step seen by the server that serves the same store. */
function itIssuesListsAndRevokes(run: FirstRun): void {
  const { sandbox, served, tenantArgs } = run;
  it('issue a token that opens the served endpoint, list it, and revoke it', async () => {
    sandbox.env.PUBLIC_URL = publicUrl;
    const created = await sandbox.token(['create', ...tenantArgs, '--label', 'Entra']);
    expect(created.code).toBe(0);
    expect(created.lines[0]).toBe(`Tenant URL:   ${publicUrl}${served}`);
    const secret = created.lines[1]!.replace('Secret Token: ', '');

    const server = await run.startServer(sandbox.env);
    try {
      const filter = encodeURIComponent('userName eq "x@contoso.example"');
      const get = (auth: string) =>
        fetch(`${server.url}${served}/Users?filter=${filter}`, {
          headers: { authorization: `Bearer ${auth}` },
        });
      expect((await get(secret)).status).toBe(200);
      expect((await get('scim_not_a_token')).status).toBe(401);

      const listed = await sandbox.token(['list', ...tenantArgs]);
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
      expect((await sandbox.token(['revoke', id!, ...tenantArgs])).code).toBe(0);
      const unknown = await sandbox.token(['revoke', 'tok_0000000000000000', ...tenantArgs]);
      expect(unknown.code).toBe(1);
      expect(unknown.lines).toEqual([
        'There is no token tok_0000000000000000: npm run token -- list shows the tokens.',
      ]);
      expect((await get(secret)).status).toBe(401);
    } finally {
      await server.close();
    }
  });
}

/** A connector with an endpoint per tenant: `create` without the tenant is a usage error that names the option. */
function itRefusesATokenWithoutItsTenant(run: FirstRun, tenantOption: string): void {
  it(`refuses to issue a token without naming the ${tenantOption}`, async () => {
    const { code, lines } = await run.sandbox.token(['create']);
    expect(code).toBe(2);
    expect(lines.join('\n')).toContain(`--${tenantOption} <${tenantOption}>`);
  });
}

/** An unknown command: exit code 2 and the usage, with the tenant option where `create` takes it. */
function itPrintsItsUsage(run: FirstRun): void {
  it('prints its usage for an unknown command', async () => {
    const { code, lines } = await run.sandbox.token(['delete']);
    expect(code).toBe(2);
    expect(lines[0]).toMatch(/^Usage: npm run token -- <command>/);
    expect(lines[0]).toContain(`create${run.placeholder} [--label <label>]`);
  });
}

/**
 * The token command's tests, for a project whose `runTokenCommand` is `connector.runTokenCommand`.
 *
 * @param run - the project's scripts and what they should print
 * @param tenantOption - the option naming the tenant, for a connector with an endpoint per tenant
 * @internal
 */
export function describeTokenCommandCases(run: FirstRun, tenantOption: string | undefined): void {
  describe('npm run token and npm start', () => {
    itIssuesListsAndRevokes(run);
    if (tenantOption !== undefined) itRefusesATokenWithoutItsTenant(run, tenantOption);
    itPrintsItsUsage(run);
  });
}
