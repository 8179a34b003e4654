import { describe, expect, it } from 'vitest';
import { describeDatabase, parseDatabaseUrl } from '../settings/database-url.ts';
import { parseDuration } from '../settings/duration.ts';
import { fakeStore, recordingContext } from './cli.fixture.ts';
import { describeUnexpectedError } from './errors.ts';
import { runCli } from './run.ts';

describe('scim-server migrate', () => {
  it('opens the store DATABASE_URL names, migrates it and closes it', async () => {
    const store = fakeStore();
    const context = recordingContext(store, { env: { DATABASE_URL: 'postgres://scim:pw@db:5432/scim' } });
    expect(await runCli(['migrate'], context)).toBe(0);
    expect(context.urls).toEqual(['postgres://scim:pw@db:5432/scim']);
    expect(store.calls).toEqual(['open User,Group', 'close']);
    expect(context.stderr).toEqual([
      'Migrated PostgreSQL postgres://scim:***@db:5432/scim (fake store): done.',
    ]);
  });

  it('analyzes a store that can (PostgreSQL), so its tables have statistics', async () => {
    const store = fakeStore();
    const analyzing = Object.assign(store, {
      analyze: async () => {
        store.calls.push('analyze');
      },
    });
    const context = recordingContext(analyzing, { env: { DATABASE_URL: 'postgres://db/scim' } });
    expect(await runCli(['migrate'], context)).toBe(0);
    expect(store.calls).toEqual(['open User,Group', 'analyze', 'close']);
    expect(context.stderr[0]).toMatch(/done, and its statistics are fresh \(ANALYZE\)\.$/);
  });

  it('defaults to ./scim.db next to the working directory', async () => {
    const store = fakeStore();
    const context = recordingContext(store);
    expect(await runCli(['migrate'], context)).toBe(0);
    expect(context.urls).toEqual(['./scim.db']);
    expect(context.stderr[0]).toBe('Migrated SQLite /srv/scim/scim.db (fake store): done.');
  });

  // Review of issue 11: it said "it is up to date" after applying the refold migration, and did
  // not name the users whose userName that migration made collide.
  it('says which migrations it applied, or that the schema was up to date, and names the users left without their key', async () => {
    const migrated = (migration: unknown) => Object.assign(fakeStore(), { migration });
    const upToDate = recordingContext(migrated({ from: 5, to: 5, unreserved: [] }));
    expect(await runCli(['migrate'], upToDate)).toBe(0);
    expect(upToDate.stderr).toEqual([
      'Migrated SQLite /srv/scim/scim.db (fake store): it was up to date (schema version 5).',
    ]);
    const refolded = recordingContext(
      migrated({
        from: 4,
        to: 5,
        unreserved: [
          {
            tenant: 't',
            resourceType: 'User',
            id: 'u1',
            attribute: 'userName',
            value: 'ΝΙΚΟΣ@x.gr',
            heldBy: 'u2',
          },
        ],
      }),
    );
    expect(await runCli(['migrate'], refolded)).toBe(0);
    expect(refolded.stderr[0]).toBe(
      'Migrated SQLite /srv/scim/scim.db (fake store): applied migration 5 (schema version 4 before, 5 now).',
    );
    expect(refolded.stderr[1]).toMatch(/^1 resource now shares a unique value with another/);
    expect(refolded.stderr[2]).toBe('  tenant "t": User u1 userName "ΝΙΚΟΣ@x.gr", the same as User u2');
    const several = recordingContext(migrated({ from: 2, to: 5, unreserved: [] }));
    await runCli(['migrate'], several);
    expect(several.stderr).toEqual([
      'Migrated SQLite /srv/scim/scim.db (fake store): applied migrations 3 to 5 (schema version 2 before, 5 now).',
    ]);
  });

  it('closes the store when the migration fails', async () => {
    const store = fakeStore();
    const failing = { ...store, open: async () => Promise.reject(new Error('disk full')) };
    await expect(runCli(['migrate'], recordingContext(failing))).rejects.toThrow('disk full');
    expect(store.calls).toEqual(['close']);
  });

  it('takes no arguments', async () => {
    const context = recordingContext(fakeStore());
    expect(await runCli(['migrate', 'now'], context)).toBe(2);
    expect(await runCli(['migrate', '--help'], context)).toBe(0);
    expect(context.stdout[0]).toMatch(/^Usage: scim-server migrate/);
  });
});

describe('parseDatabaseUrl', () => {
  it.each([
    [undefined, { kind: 'sqlite', path: '/srv/scim/scim.db' }],
    ['', { kind: 'sqlite', path: '/srv/scim/scim.db' }],
    ['data/scim.db', { kind: 'sqlite', path: '/srv/scim/data/scim.db' }],
    ['/var/lib/scim.db', { kind: 'sqlite', path: '/var/lib/scim.db' }],
    ['sqlite:./x.db', { kind: 'sqlite', path: '/srv/scim/x.db' }],
    ['sqlite:///var/lib/x.db', { kind: 'sqlite', path: '/var/lib/x.db' }],
    ['file:/var/lib/x.db', { kind: 'sqlite', path: '/var/lib/x.db' }],
    [':memory:', { kind: 'sqlite', path: ':memory:' }],
    ['postgres://u:p@h/db', { kind: 'postgres', connectionString: 'postgres://u:p@h/db' }],
    [
      'postgresql://h:5432/db?sslmode=require',
      { kind: 'postgres', connectionString: 'postgresql://h:5432/db?sslmode=require' },
    ],
  ])('reads %j', (url, target) => {
    expect(parseDatabaseUrl(url, '/srv/scim')).toEqual(target);
  });

  it('refuses other databases with what to use instead', () => {
    expect(() => parseDatabaseUrl('mysql://h/db', '/')).toThrow(
      /does not support; use a SQLite file path .* or a postgres:\/\/ URL/,
    );
  });

  it('hides a PostgreSQL password when describing', () => {
    expect(describeDatabase(parseDatabaseUrl('postgres://u:secret@h/db', '/'))).toBe(
      'PostgreSQL postgres://u:***@h/db',
    );
  });
});

describe('parseDuration', () => {
  it.each([
    ['500', 500],
    ['500ms', 500],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['0', 0],
  ])('reads %s', (text, ms) => expect(parseDuration(text, '--overlap')).toBe(ms));

  it.each(['', '1w', '-1h', '1.5h', 'h'])('refuses %j', (text) => {
    expect(() => parseDuration(text, '--overlap')).toThrow(/is not a duration/);
  });
});

describe('describeUnexpectedError', () => {
  it('keeps the message and code, and hides a password in a URL', () => {
    const error = Object.assign(new Error('connect to postgres://scim:hunter2@db:5432/scim failed'), {
      code: 'ECONNREFUSED',
    });
    const text = describeUnexpectedError(error);
    expect(text).toMatch(
      /^error: connect to postgres:\/\/scim:\*\*\*@db:5432\/scim failed \(ECONNREFUSED\)\n/,
    );
    expect(text).not.toContain('hunter2');
    expect(describeUnexpectedError('plain')).toMatch(/^error: plain\n/);
  });
});
