import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearerTokens } from '../auth/bearer.ts';
import { failure, query } from '../store/contract.ts';
import { dropSchema, reachablePostgres, uniqueSchema } from '../store/sql/test-postgres.ts';
import type { CliContext } from './context.ts';
import { openStoreFromUrl } from './open-store.ts';
import { runCli } from './run.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scim-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function realContext(env: Record<string, string> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const context: CliContext = {
    env,
    cwd: dir,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    openStore: (url) => openStoreFromUrl(url, { cwd: dir }),
  };
  return { context, stdout, stderr };
}

describe('openStoreFromUrl on SQLite', () => {
  // Review of issue 11: `scim-server start` or `migrate` on another application's SQLite file
  // turned it into a SCIM database.
  it("refuses another application's SQLite file, leaving it untouched", async () => {
    const { DatabaseSync } = await import('node:sqlite');
    const path = join(dir, 'invoices.db');
    const db = new DatabaseSync(path);
    db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY)');
    db.close();
    const { context } = realContext({ DATABASE_URL: path });
    await expect(runCli(['migrate'], context)).rejects.toThrow(/another application's database/);
    const after = new DatabaseSync(path, { readOnly: true });
    try {
      expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([
        { name: 'invoices' },
      ]);
    } finally {
      after.close();
    }
  });

  it('migrates ./scim.db in the working directory, and keeps tokens across commands', async () => {
    const { context, stdout, stderr } = realContext();
    expect(await runCli(['migrate'], context)).toBe(0);
    expect(stderr[0]).toMatch(
      new RegExp(
        `^Migrated SQLite ${join(dir, 'scim.db')} \\(sqlite store\\): applied migrations 1 to \\d+ \\(schema version 0 before, \\d+ now\\), and its statistics are fresh \\(ANALYZE\\)\\.$`,
      ),
    );
    expect(await runCli(['migrate'], context)).toBe(0);
    expect(stderr[1]).toMatch(
      /: it was up to date \(schema version \d+\), and its statistics are fresh \(ANALYZE\)\.$/,
    );

    expect(await runCli(['tokens', 'create', '--tenant', 'contoso', '--label', 'Entra'], context)).toBe(0);
    const token = stdout[1]!.replace('Secret Token: ', '');
    stdout.length = 0;
    expect(await runCli(['tokens', 'list', '--tenant', 'contoso', '--json'], context)).toBe(0);
    const [listed] = JSON.parse(stdout[0]!);
    expect(listed).toMatchObject({ tenant: 'contoso', label: 'Entra', status: 'active' });

    const store = await openStoreFromUrl(`sqlite:${join(dir, 'scim.db')}`);
    try {
      await store.open([{ name: 'User' }, { name: 'Group', referenceAttribute: 'members' }]);
      const request = new Request('https://x/Users', { headers: { authorization: `Bearer ${token}` } });
      expect(await bearerTokens({ tokens: store.tokens })(request, 'contoso')).toMatchObject({
        id: listed.id,
      });
      expect(await bearerTokens({ tokens: store.tokens })(request, 'fabrikam')).toBeUndefined();
    } finally {
      await store.close();
    }

    expect(await runCli(['tokens', 'revoke', '--tenant', 'contoso', listed.id], context)).toBe(0);
    stdout.length = 0;
    await runCli(['tokens', 'list', '--tenant', 'contoso', '--json'], context);
    expect(JSON.parse(stdout[0]!)[0].status).toBe('revoked');
  });

  it('gives the store the query budget it is told', async () => {
    const store = await openStoreFromUrl('scim.db', { cwd: dir, queryTimeoutMs: 1 });
    try {
      await store.open([{ name: 'User' }]);
      for (let i = 0; i < 40; i++) {
        const emails = Array.from({ length: 200 }, (_, j) => ({ value: `u${i}.${j}@example.org` }));
        await store.create('t', 'User', {
          data: { userName: `u${i}`, emails },
          unique: [{ attribute: 'userName', value: `u${i}` }],
          change: { type: 'user.created' },
        });
      }
      const filter = query(Array.from({ length: 50 }, (_, k) => `emails.value co "zz${k}"`).join(' or '));
      expect(
        await failure(store.list('t', { resourceType: 'User', filter, startIndex: 1, count: 10 })),
      ).toMatchObject({ status: 400, scimType: 'tooMany' });
    } finally {
      await store.close();
    }
  }, 60_000);

  it('honours DATABASE_URL', async () => {
    const { context, stderr } = realContext({ DATABASE_URL: 'data.sqlite' });
    expect(await runCli(['migrate'], context)).toBe(0);
    expect(stderr[0]).toContain(join(dir, 'data.sqlite'));
  });
});

// The server on 127.0.0.1:5432 (database `test`) when one answers; the SQL store's own tests cover
// PGlite, which a DATABASE_URL cannot name.
const postgres = await reachablePostgres();

describe.skipIf(postgres === undefined)('openStoreFromUrl on PostgreSQL', () => {
  const schema = uniqueSchema();
  afterAll(async () => {
    if (postgres !== undefined) await dropSchema(postgres, schema);
  });

  it('migrates the schema ?schema= names, and keeps tokens there', async () => {
    const url = `${postgres}?schema=${schema}`;
    const { context, stdout, stderr } = realContext({ DATABASE_URL: url });
    expect(await runCli(['migrate'], context)).toBe(0);
    expect(stderr[0]).toMatch(
      new RegExp(`^Migrated PostgreSQL .* \\(schema ${schema}\\) \\(postgres store\\)`),
    );
    expect(await runCli(['tokens', 'create', '--tenant', 'contoso'], context)).toBe(0);
    const token = stdout[1]!.replace('Secret Token: ', '');
    const store = await openStoreFromUrl(url);
    try {
      await store.open([{ name: 'User' }, { name: 'Group', referenceAttribute: 'members' }]);
      const request = new Request('https://x/Users', { headers: { authorization: `Bearer ${token}` } });
      expect(await bearerTokens({ tokens: store.tokens })(request, 'contoso')).toMatchObject({
        kind: 'bearer',
      });
    } finally {
      await store.close();
    }
  });
});
