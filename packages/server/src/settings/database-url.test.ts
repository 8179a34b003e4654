// parseDatabaseUrl as the templates and apps use it (exported from @scim/server): property tests
// over the forms a DATABASE_URL takes. The table of fixed cases is in cli/migrate.test.ts.
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../index.ts';

const segment = fc.stringMatching(/^[a-z0-9_-]{1,12}$/);
const relativePath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
const cwd = '/srv/app';

describe('parseDatabaseUrl', () => {
  it('reads a relative SQLite path the same way bare, as file: and as sqlite: (and sqlite://)', () => {
    fc.assert(
      fc.property(relativePath, (path) => {
        const expected = { kind: 'sqlite', path: resolve(cwd, path) };
        expect(parseDatabaseUrl(path, cwd)).toEqual(expected);
        expect(parseDatabaseUrl(`file:${path}`, cwd)).toEqual(expected);
        expect(parseDatabaseUrl(`sqlite:./${path}`, cwd)).toEqual(expected);
        // sqlite://relative.db is relative, not a path at the root.
        expect(parseDatabaseUrl(`sqlite://${path}`, cwd)).toEqual(expected);
      }),
    );
  });

  it('keeps an absolute SQLite path absolute in every form', () => {
    fc.assert(
      fc.property(relativePath, (path) => {
        const expected = { kind: 'sqlite', path: `/${path}` };
        expect(parseDatabaseUrl(`/${path}`, cwd)).toEqual(expected);
        expect(parseDatabaseUrl(`file:/${path}`, cwd)).toEqual(expected);
        expect(parseDatabaseUrl(`file:///${path}`, cwd)).toEqual(expected);
        expect(parseDatabaseUrl(`sqlite:///${path}`, cwd)).toEqual(expected);
      }),
    );
  });

  it('refuses any other scheme, naming it, instead of making it a file name', () => {
    const scheme = fc
      .stringMatching(/^[a-z][a-z0-9+.-]{1,10}$/)
      .filter((s) => !['file', 'sqlite', 'postgres', 'postgresql'].includes(s));
    fc.assert(
      fc.property(scheme, relativePath, (name, path) => {
        expect(() => parseDatabaseUrl(`${name}://host/${path}`, cwd)).toThrow(`"${name}:"`);
        expect(() => parseDatabaseUrl(`${name.toUpperCase()}:${path}`, cwd)).toThrow(/does not support/);
      }),
    );
  });

  it('takes ?schema= out of a PostgreSQL URL and keeps every other parameter', () => {
    const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,20}$/);
    fc.assert(
      fc.property(name, fc.boolean(), (schema, withSsl) => {
        const query = withSsl ? `sslmode=require&schema=${schema}` : `schema=${schema}`;
        const target = parseDatabaseUrl(`postgresql://app:pw@db:5432/scim?${query}`, cwd);
        expect(target).toEqual({
          kind: 'postgres',
          connectionString: `postgresql://app:pw@db:5432/scim${withSsl ? '?sslmode=require' : ''}`,
          schema,
        });
      }),
    );
  });

  it('resolves against the process directory when no cwd is given', () => {
    expect(parseDatabaseUrl('data/x.db')).toEqual({ kind: 'sqlite', path: resolve('data/x.db') });
  });
});
