import type { QueryPath } from '@scim/protocol';
import type { AttributeDefinition } from '@scim/schemas';
import { describe, expect, it } from 'vitest';
import { harness } from '../handler/test-helpers.ts';
import { PageMarks } from './sql/page-marks.ts';
import { type ResourceRow, toResource } from './sql/shared.ts';
import { sqliteStore } from './sqlite.ts';
import { listPlan } from './sqlite-list.ts';
import { runRead } from './sqlite-read.ts';
import type { ListQuery } from './types.ts';

/** A row's defined values, as a plain object (node:sqlite's rows have no `undefined`). */
const defined = (row: object) => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));

describe('runRead', () => {
  it("reads a page's rows as arrays into the rows node:sqlite gives as objects", async () => {
    const store = sqliteStore({ path: ':memory:' });
    const h = harness({}, store);
    for (const name of ['c', 'a', 'b', 'e', 'd']) await h.createUser(name, { title: `T-${name}` });
    // A row without rendering (written before migration 7).
    store.database
      .prepare("UPDATE resources SET rendered = NULL WHERE json_extract(data, '$.userName') = 'b'")
      .run();
    const db = store.database;
    const context = { tenant: 'default', storage: undefined, memberships: true };
    const path: QueryPath = {
      attribute: 'userName',
      definition: {
        name: 'userName',
        type: 'string',
        caseExact: false,
        multiValued: false,
      } as AttributeDefinition,
    };
    const queries: ListQuery[] = [
      { resourceType: 'User', startIndex: 1, count: 3 },
      { resourceType: 'User', startIndex: 2, count: 10 },
      { resourceType: 'User', startIndex: 1, count: 2, keyset: true, sort: { path, descending: true } },
      { resourceType: 'User', startIndex: 4, count: 2, sort: { path, descending: false } },
    ];
    for (const query of queries) {
      for (const marks of [true, false]) {
        const { job } = listPlan(context, query, new PageMarks(), marks);
        const read = runRead((sql) => db.prepare(sql), job).rows;
        const objects = db.prepare(job.page.sql).all(...job.page.values) as unknown as ResourceRow[];
        expect(read.length).toBeGreaterThan(0);
        // The page's SQL leaves out the type, the same for every row: the read fills it in.
        expect(job.page.sql).not.toContain('r.resource_type,');
        expect(read.map(defined)).toEqual(objects.map((o) => defined({ ...o, resource_type: 'User' })));
      }
    }
    await store.close();
  });
});

describe('toResource', () => {
  const row: ResourceRow = {
    id: 'u1',
    resource_type: 'User',
    version: '3',
    created: '2026-12-06T12:00:00.000Z',
    last_modified: '2026-12-06T12:00:01.000Z',
    data: '{"userName":"a","title":"T"}',
    rendered: 'r1.x\u0001{"userName":"a"}',
  };
  /** What every resource of `row` has, rendering or not. */
  const fields = {
    id: 'u1',
    resourceType: 'User',
    version: 3,
    created: row.created,
    lastModified: row.last_modified,
  };

  it('gives a row with its rendering its data when read, parsed once', () => {
    const r = toResource(row);
    expect(r).toMatchObject({
      ...fields,
      rendering: row.rendered,
    });
    expect(r.data).toEqual({ userName: 'a', title: 'T' });
    expect(r.data).toBe(r.data);
    expect('members' in r || 'groups' in r).toBe(false);
    const members = [{ value: 'm', type: 'User' }];
    const full = toResource(row, members, []);
    expect(full.members).toBe(members);
    expect(full.groups).toEqual([]);
  });

  it('writes a row with its rendering as JSON with its data, as a plain resource', () => {
    const r = toResource(row, [{ value: 'm', type: 'User' }]);
    expect(JSON.parse(JSON.stringify(r))).toEqual({
      ...fields,
      rendering: row.rendered,
      members: [{ value: 'm', type: 'User' }],
      data: { userName: 'a', title: 'T' },
    });
  });

  it('parses the data of a row without rendering at once', () => {
    const r = toResource({ ...row, rendered: null });
    expect(r).toEqual({
      ...fields,
      data: { userName: 'a', title: 'T' },
    });
  });
});
