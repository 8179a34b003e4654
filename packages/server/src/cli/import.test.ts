import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Readable } from 'node:stream';
import { URN } from '@scim/schemas';
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../store/memory.ts';
import { sqliteStore } from '../store/sqlite.ts';
import type { ScimStore } from '../store/types.ts';
import { recordingContext } from './cli.fixture.ts';
import { importItems } from './import-input.ts';
import { runCli } from './run.ts';

const dir = mkdtempSync(join(tmpdir(), 'scim-import-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};
const user = (userName: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ schemas: [URN.User], userName, ...extra });

async function items(text: string) {
  const out: { line: number; text: string }[] = [];
  for await (const item of importItems(Readable.from([text]))) out.push(item);
  return out;
}

function setup(store: ScimStore = memoryStore(), env: Record<string, string> = {}) {
  return { store, context: recordingContext(store, { cwd: dir, env }) };
}

describe('scim-server import', () => {
  it('imports NDJSON, reports each refused line with its number, and sums up on stderr', async () => {
    const { store, context } = setup();
    const name = file(
      'users.ndjson',
      [
        user('ann', { externalId: 'e-ann' }),
        '',
        user('bob'),
        '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}',
        user('ANN'),
        JSON.stringify({ schemas: [URN.Group], displayName: 'team', members: [{ value: 'e-ann' }] }),
        'not json',
      ].join('\n'),
    );
    expect(await runCli(['import', '--tenant', 'default', name], context)).toBe(1);
    const err = context.stderr.join('\n');
    expect(err).toMatch(/^line 4: 400 invalidValue: .*userName/m);
    expect(err).toMatch(/^line 5: 409 uniqueness: userName "ann" is already taken by the User on line 1$/m);
    expect(err).toMatch(/^line 7: 400 invalidSyntax: /m);
    expect(err).toMatch(
      /Imported 3 of 6 resources into tenant "default" of .* \(memory store\): 2 User, 1 Group, in [\d.]+ s\. 3 left out/,
    );
    expect(context.stdout).toEqual([]);
    await store.open([{ name: 'User' }, { name: 'Group', referenceAttribute: 'members' }]);
    const team = await store.list('default', {
      resourceType: 'Group',
      startIndex: 1,
      count: 1,
      members: true,
    });
    const ann = await store.list('default', { resourceType: 'User', startIndex: 1, count: 1 });
    expect(team.resources[0]?.members?.map((m) => m.value)).toEqual([ann.resources[0]?.id]);
  });

  it('exits 0 when every resource was imported, prints JSON with --json, and reads standard input', async () => {
    const { context } = setup(memoryStore(), {});
    const stdin = Readable.from([`${user('a')}\n${user('b')}\n`]);
    const code = await runCli(['import', '-t', 'acme', '--json', '--batch-size', '1', '-'], {
      ...context,
      stdin,
    });
    expect(code).toBe(0);
    expect(JSON.parse(context.stdout[0]!)).toMatchObject({
      tenant: 'acme',
      read: 2,
      created: { User: 2 },
      failed: 0,
    });
  });

  it('refreshes statistics on a store that has analyze (PostgreSQL) after the import', async () => {
    const calls: string[] = [];
    const inner = memoryStore();
    const store = Object.assign(Object.create(inner) as ScimStore, {
      async analyze() {
        calls.push('analyze');
      },
    });
    const { context } = setup(store);
    expect(await runCli(['import', '--tenant', 'default', file('one.ndjson', user('one'))], context)).toBe(0);
    expect(calls).toEqual(['analyze']);
    expect(context.stderr.join('\n')).toMatch(/statistics refreshed \(ANALYZE\)/);
  });

  it('refreshes the statistics of a SQLite database after the import (sqlite_stat1)', async () => {
    const path = join(dir, 'import.db');
    const { context } = setup(sqliteStore({ path }));
    const lines = Array.from({ length: 20 }, (_, i) => user(`u${i}`)).join('\n');
    expect(await runCli(['import', '--tenant', 'default', file('twenty.ndjson', lines)], context)).toBe(0);
    expect(context.stderr.join('\n')).toMatch(/\(sqlite store\).*statistics refreshed \(ANALYZE\)/);
    const db = new DatabaseSync(path, { readOnly: true });
    const stats = db.prepare(`SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = 'resources'`).get();
    db.close();
    expect(stats).not.toEqual({ n: 0 });
  });

  it('validates with PROFILE as start does: strict refuses an unknown attribute', async () => {
    const name = file('extra.ndjson', user('x', { favouriteColour: 'green' }));
    const strict = setup(memoryStore(), { PROFILE: 'strict' });
    expect(await runCli(['import', '--tenant', 'default', name], strict.context)).toBe(1);
    expect(strict.context.stderr.join('\n')).toMatch(/^line 1: 400 /m);
    const entra = setup();
    expect(await runCli(['import', '--tenant', 'default', name], entra.context)).toBe(0);
  });

  it.each([
    [['import', 'x.ndjson'], /needs --tenant/],
    [['import', '--tenant', 'a'], /needs the file to read/],
    [['import', '--tenant', 'a', 'x', 'y'], /unexpected argument "y"/],
    [['import', '--tenant', 'a', '--batch-size', '0', 'x'], /--batch-size "0" is not a number/],
  ])('rejects %j with exit code 2 and opens nothing', async (argv, message) => {
    const { context } = setup();
    expect(await runCli(argv, context)).toBe(2);
    expect(context.stderr.join('\n')).toMatch(message);
    expect(context.urls).toEqual([]);
  });

  it('says which file it cannot read, and opens no database', async () => {
    const { context } = setup();
    expect(await runCli(['import', '--tenant', 'a', 'missing.ndjson'], context)).toBe(1);
    expect(context.stderr.join('\n')).toMatch(/cannot read .*missing\.ndjson \(ENOENT\)/);
    expect(context.urls).toEqual([]);
  });
});

describe('importItems', () => {
  it('reads NDJSON line by line, skipping blank lines, with CRLF too', async () => {
    expect(await items(`${user('a')}\r\n\r\n${user('b')}\r\n`)).toEqual([
      { line: 1, text: user('a') },
      { line: 3, text: user('b') },
    ]);
  });

  it('reads a pretty-printed array, each resource with the line it starts on', async () => {
    const text = `\n${JSON.stringify([JSON.parse(user('a')), JSON.parse(user('b', { note: '{[' }))], null, 2)}\n`;
    const found = await items(text);
    expect(found.map((i) => i.line)).toEqual([3, 9]);
    expect(found.map((i) => JSON.parse(i.text).userName)).toEqual(['a', 'b']);
    expect(text.split('\n')[8]?.trim()).toBe('{');
  });

  it('reads the Resources of a ListResponse, on one line or many', async () => {
    const list = {
      schemas: [URN.ListResponse],
      totalResults: 2,
      Resources: [JSON.parse(user('a')), JSON.parse(user('b'))],
    };
    expect((await items(JSON.stringify(list))).map((i) => [i.line, JSON.parse(i.text).userName])).toEqual([
      [1, 'a'],
      [1, 'b'],
    ]);
    expect((await items(JSON.stringify(list, null, 1))).map((i) => i.line)).toEqual([7, 13]);
  });

  it('reads one resource spread over lines as one', async () => {
    expect(await items(JSON.stringify(JSON.parse(user('a')), null, 2))).toEqual([
      { line: 1, text: JSON.stringify(JSON.parse(user('a')), null, 2) },
    ]);
  });

  it('refuses a document that does not parse, saying what it expected', async () => {
    await expect(items('[\n{"a": 1}\n')).rejects.toThrow(
      /neither NDJSON .* nor a JSON array or ListResponse/,
    );
  });
});
