import { foldCase } from '@scim/protocol';
import fc from 'fast-check';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freshTenant, query } from './contract.ts';
import { postgresStore } from './postgres.ts';
import { ListCounts } from './sql/list-counts.ts';
import { postgresTarget } from './sql/postgres-target.fixture.ts';
import type { ListQuery, ScimStore } from './types.ts';

// The server on 127.0.0.1:5432 when one answers, else PGlite (two store objects on one database).
const target = await postgresTarget();
const { url } = target;
function make(s: string) {
  if (url === undefined) return postgresStore({ pglite: target.pglite(), schema: s });
  return postgresStore({ connectionString: url, schema: s, maxConnections: 4 });
}
/** Two instances of the store on one fresh schema. */
async function pair(): Promise<{ a: ScimStore; b: ScimStore; schema: string }> {
  const schema = target.schema();
  const a = make(schema);
  const b = make(schema);
  await a.open([{ name: 'User' }]);
  await b.open([{ name: 'User' }]);
  return { a, b, schema };
}

const schemaUris = ['urn:ietf:params:scim:schemas:core:2.0:User'];
const input = (userName: string, title?: string) => ({
  data: { schemas: schemaUris, userName, ...(title === undefined ? {} : { title }) },
  unique: [{ attribute: 'userName', value: foldCase(userName) }],
  change: { type: 'user.updated' as const },
});

describe('ListCounts', () => {
  it('moves a count to a newer version by the rows the change feed says the list gained', () => {
    const counts = new ListCounts();
    counts.remember('a', '5', 10);
    counts.moved('a', '4', '9', 3);
    expect(counts.get('a')).toEqual({ version: '5', total: 10 });
    counts.moved('a', '5', '9', -2);
    expect(counts.get('a')).toEqual({ version: '9', total: 8 });
    counts.moved('a', '9', '8', 1);
    counts.moved('b', '9', '12', 1);
    expect(counts.get('a')).toEqual({ version: '9', total: 8 });
    expect(counts.get('b')).toBeUndefined();
  });

  it('keeps the newest version of a count and drops the least recently used list', () => {
    const counts = new ListCounts(2);
    counts.remember('a', '5', 10);
    counts.remember('a', '4', 99);
    expect(counts.get('a')).toEqual({ version: '5', total: 10 });
    counts.remember('a', '12', 11);
    expect(counts.get('a')).toEqual({ version: '12', total: 11 });
    counts.remember('b', '1', 1);
    counts.get('a');
    counts.remember('c', '1', 2);
    expect(counts.get('b')).toBeUndefined();
    expect(counts.size).toBe(2);
    counts.remember('d', 'not a cursor', 3);
    counts.remember('x'.repeat(5000), '1', 3);
    expect(counts.get('d')).toBeUndefined();
    expect(counts.size).toBe(2);
  });

  it('compares versions as integers, not as text', () => {
    const counts = new ListCounts();
    counts.remember('a', '10', 1);
    counts.remember('a', '9', 2);
    expect(counts.get('a')).toEqual({ version: '10', total: 1 });
  });
});

describe(`postgresStore: remembered list counts (${url === undefined ? 'PGlite' : 'server'})`, () => {
  it('answers a list asked again before any write without counting, and counts after a write of either instance', async () => {
    const { a, b, schema } = await pair();
    const t = freshTenant();
    const ids: string[] = [];
    for (const name of ['u1', 'u2', 'u3']) ids.push((await a.create(t, 'User', input(name))).id);
    const all: ListQuery = { resourceType: 'User', startIndex: 1, count: 2 };
    expect((await a.list(t, all)).totalResults).toBe(3);
    // A row no write of the store made (no change-feed entry): a remembered count does not see it,
    // which shows that the store did not count again; the next write of any instance does.
    const direct = url === undefined ? undefined : new pg.Client({ connectionString: url });
    if (direct !== undefined) {
      await direct.connect();
      await direct.query(
        `INSERT INTO "${schema}".resources (tenant, resource_type, id, version, created, last_modified, data, search)
         SELECT tenant, resource_type, 'out-of-band', 1, created, last_modified, data, search
         FROM "${schema}".resources WHERE tenant = $1 AND id = $2`,
        [t, ids[0]],
      );
      await direct.end();
      expect((await a.list(t, all)).totalResults).toBe(3);
    }
    const extra = direct === undefined ? 0 : 1;
    await b.create(t, 'User', input('u4'));
    expect((await a.list(t, all)).totalResults).toBe(4 + extra);
    await b.delete(t, 'User', ids[1]!, { change: { type: 'user.deleted' } });
    expect((await a.list(t, all)).totalResults).toBe(3 + extra);
    // An empty page (past the end) and a count-only list read the remembered count the same way.
    expect((await a.list(t, { ...all, startIndex: 50 })).totalResults).toBe(3 + extra);
    expect((await a.list(t, { ...all, count: 0 })).totalResults).toBe(3 + extra);
    await b.create(t, 'User', input('u5'));
    expect((await a.list(t, { ...all, startIndex: 50 })).totalResults).toBe(4 + extra);
    expect((await a.list(t, { ...all, count: 0 })).totalResults).toBe(4 + extra);
    await a.close();
    await b.close();
  }, 60_000);

  it('keeps every count equal to the rows listed, with writes of either instance in between', async () => {
    const { a, b } = await pair();
    const filters = [undefined, 'title pr', 'title eq "x"', 'userName ge "m"'];
    const step = fc.record({
      on: fc.boolean(),
      kind: fc.constantFrom('create', 'update', 'delete', 'list'),
      pick: fc.nat(),
      name: fc.stringMatching(/^[a-z]{1,3}$/),
      title: fc.option(fc.constantFrom('x', 'y')),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const t = freshTenant();
        const live: string[] = [];
        let n = 0;
        for (const s of steps) {
          const on = s.on ? b : a;
          const name = `${s.name}${n++}`;
          const title = s.title ?? undefined;
          if (s.kind === 'create') live.push((await on.create(t, 'User', input(name, title))).id);
          else if (s.kind === 'update' && live.length > 0)
            await on.update(t, 'User', live[s.pick % live.length]!, input(name, title));
          else if (s.kind === 'delete' && live.length > 0) {
            const [id] = live.splice(s.pick % live.length, 1);
            await on.delete(t, 'User', id!, { change: { type: 'user.deleted' } });
          }
          // Both instances, every filter: a page's count is the number of rows of the whole list.
          for (const reader of [a, b]) {
            for (const f of filters) {
              const base = { resourceType: 'User', ...(f === undefined ? {} : { filter: query(f) }) };
              const whole = await reader.list(t, { ...base, startIndex: 1, count: 1000 });
              const page = await reader.list(t, { ...base, startIndex: 1 + (s.pick % 3), count: 1 });
              expect(whole.totalResults).toBe(whole.resources.length);
              expect(page.totalResults).toBe(whole.resources.length);
            }
          }
        }
      }),
      { numRuns: 15 },
    );
    await a.close();
    await b.close();
  }, 240_000);
});
