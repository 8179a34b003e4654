// The store contract suite: one set of vitest cases that every ScimStore must pass (memory,
// SQLite, PostgreSQL, PGlite, and a custom store). Public through `@scim/server/testing`.
import { foldCase, normalizeFilter, parseFilter, type QueryFilter, type QueryPath } from '@scim/protocol';
import {
  groupResourceSchema,
  isScimError,
  type ResourceSchema,
  URN,
  userResourceSchema,
} from '@scim/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimHandler } from '../handler/index.ts';
import { describeHandlerContract } from './contract-handler.ts';
import type { CreateInput, ResourceTypeStorage, ScimStore, StoredResource, UniqueKey } from './types.ts';

/**
 * The resource types every contract run opens: `User`, and `Group` with its `members` kept in the
 * store's membership table.
 *
 * @example
 * ```ts
 * import { myStore } from './my-store.ts';
 * const store = myStore();
 * await store.open(CONTRACT_TYPES);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-4
 */
export const CONTRACT_TYPES: readonly ResourceTypeStorage[] = [
  { name: 'User' },
  { name: 'Group', referenceAttribute: 'members' },
];

/**
 * Options of {@link describeStoreContract}.
 *
 * @example
 * ```ts
 * // my-store.test.ts, run with vitest
 * import { describeStoreContract, type StoreContractOptions } from '@scim/server/testing';
 * import { myStore } from './my-store.ts';
 * const options: StoreContractOptions = { setupTimeoutMs: 30_000 }; // the database starts slowly
 * describeStoreContract('mine', () => myStore(), options);
 * ```
 */
export interface StoreContractOptions {
  /** How long making and opening the store may take, in milliseconds (default 10,000; PGlite starts slowly). */
  readonly setupTimeoutMs?: number;
  /**
   * Makes a store like `makeStore` does, whose list queries may run 1 ms (`queryTimeoutMs: 1`):
   * the suite then checks that a query that reads much longer is stopped with 400 `tooMany` and
   * that the store stays usable. Leave it out for a store without a time budget.
   */
  readonly budgeted?: () => ScimStore | Promise<ScimStore>;
}

/** The query form of a filter on a resource type (User unless told). @internal */
export function query(filter: string, schema: ResourceSchema = userResourceSchema): QueryFilter {
  return normalizeFilter(parseFilter(filter), schema);
}

/** The query path of an attribute, for sorting. @internal */
export function sortPath(attribute: string, schema: ResourceSchema = userResourceSchema): QueryPath {
  const f = normalizeFilter(parseFilter(`${attribute} pr`), schema);
  if (f.kind !== 'present') throw new Error(`no attribute ${attribute}`);
  return f.path;
}

/** The error a promise rejects with. @internal */
export async function failure(
  p: Promise<unknown>,
): Promise<{ status: number; scimType?: string; code: string; headers: Record<string, string> }> {
  try {
    await p;
  } catch (error) {
    if (!isScimError(error)) throw error;
    const e = error as unknown as {
      status: number;
      scimType?: string;
      code: string;
      headers: Record<string, string>;
    };
    return e;
  }
  throw new Error('expected a failure');
}

let counter = 0;
/** A tenant name no other test uses. @internal */
export function freshTenant(): string {
  counter += 1;
  return `t${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

function userInput(userName: string, extra: Record<string, unknown> = {}) {
  return {
    data: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName,
      ...extra,
    },
    unique: [{ attribute: 'userName', value: foldCase(userName) }] as UniqueKey[],
    change: { type: 'user.created' },
  };
}

function groupWrite(displayName: string) {
  return {
    data: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName },
    unique: [{ attribute: 'displayName', value: foldCase(displayName) }] as UniqueKey[],
    change: { type: 'group.updated' },
  };
}

function groupInput(displayName: string, members?: string[]): CreateInput {
  return {
    data: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName },
    unique: [{ attribute: 'displayName', value: foldCase(displayName) }] as UniqueKey[],
    change: { type: 'group.created' },
    ...(members === undefined ? {} : { members }),
  };
}

/**
 * Declares the store contract suite, as vitest tests, for a {@link ScimStore}: tenants, atomic
 * uniqueness (50 concurrent creates), `ifVersion`, members (deltas, labels, unknown ids), filters,
 * sorting and paging against the filter evaluator, the change feed, tokens. Every store of this
 * package passes it; a custom store that does behaves the same under the handler.
 *
 * `makeStore` returns a store not yet opened; the suite opens it once (twice, to check `open` is
 * idempotent) with {@link CONTRACT_TYPES}, closes it at the end, and gives every test its own tenant,
 * so one database can serve the whole suite.
 *
 * @param name - the store's name in the test report
 * @param makeStore - makes the store under test
 * @param options - see {@link StoreContractOptions}
 * @returns nothing; call it at the top level of a test file (it declares a `describe` block)
 * @throws nothing itself; a broken contract shows as failing tests
 * @example
 * ```ts
 * // my-store.test.ts, run with vitest
 * import { describeStoreContract } from '@scim/server/testing';
 * import { myStore } from './my-store.ts';
 *
 * describeStoreContract('mine', () => myStore());
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3
 */
export function describeStoreContract(
  name: string,
  makeStore: () => ScimStore | Promise<ScimStore>,
  options: StoreContractOptions = {},
): void {
  describe(`store contract: ${name}`, () => {
    let store: ScimStore;
    beforeAll(async () => {
      store = await makeStore();
      await store.open(CONTRACT_TYPES);
      await store.open(CONTRACT_TYPES); // idempotent
    }, options.setupTimeoutMs ?? 10_000);
    afterAll(async () => {
      await store.close();
    });

    const ids = (page: { resources: readonly StoredResource[] }) => page.resources.map((r) => r.id);

    it('creates and reads a resource, scoped by tenant and type', async () => {
      const t = freshTenant();
      const created = await store.create(t, 'User', userInput('BJensen', { active: true }));
      expect(created.version).toBe(1);
      expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(created.lastModified).toBe(created.created);
      const read = await store.get(t, 'User', created.id);
      expect(read).toMatchObject({ id: created.id, resourceType: 'User', version: 1, data: created.data });
      expect(await store.get(freshTenant(), 'User', created.id)).toBeUndefined();
      expect(await store.get(t, 'Group', created.id)).toBeUndefined();
      expect(await store.get(t, 'User', 'no-such-id')).toBeUndefined();
    });

    it('through the handler: 60 concurrent PATCHes without If-Match all succeed (never 412); a stale If-Match is 412', async () => {
      // RFC 7232 section 4.2: 412 answers a precondition the client sent; without one, the
      // handler must resolve version conflicts itself (or answer 503), whatever the store.
      const t = freshTenant();
      const handler = createScimHandler({
        store,
        tenant: t,
        authenticate: async (_request, tenant) => ({ tenant, kind: 'bearer', id: 'contract' }),
      });
      const call = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
        handler(
          new Request(`http://contract.test${path}`, {
            method,
            headers: { 'content-type': 'application/scim+json', ...headers },
            body: JSON.stringify(body),
          }),
        );
      const title = (value: string) => ({
        schemas: [URN.PatchOp],
        Operations: [{ op: 'replace', path: 'title', value }],
      });
      const created = await call('POST', '/Users', { schemas: [URN.User], userName: 'racer' });
      const { id } = (await created.json()) as { id: string };
      const titles = Array.from({ length: 60 }, (_, i) => `title ${i}`);
      const answers = await Promise.all(titles.map((v) => call('PATCH', `/Users/${id}`, title(v))));
      expect(answers.map((r) => r.status)).toEqual(titles.map(() => 200));
      const final = await store.get(t, 'User', id);
      expect(final?.version).toBe(61);
      expect(titles).toContain(final?.data.title);
      const stale = await call('PATCH', `/Users/${id}`, title('late'), { 'if-match': 'W/"1"' });
      expect(stale.status).toBe(412);
      expect((await store.get(t, 'User', id))?.data.title).toBe(final?.data.title);
    });

    it('enforces uniqueness per tenant and resource type, and frees values on change and delete', async () => {
      const t = freshTenant();
      const a = await store.create(t, 'User', userInput('alice'));
      const dup = await failure(store.create(t, 'User', userInput('ALICE')));
      expect(dup).toMatchObject({ status: 409, scimType: 'uniqueness' });
      expect((await store.list(t, { resourceType: 'User', startIndex: 1, count: 10 })).totalResults).toBe(1);
      await store.create(freshTenant(), 'User', userInput('alice'));
      const b = await store.create(t, 'User', userInput('bob'));
      const clash = await failure(
        store.update(t, 'User', b.id, { ...userInput('Alice'), change: { type: 'user.updated' } }),
      );
      expect(clash).toMatchObject({ status: 409, scimType: 'uniqueness' });
      expect((await store.get(t, 'User', b.id))?.data.userName).toBe('bob');
      expect((await store.get(t, 'User', b.id))?.version).toBe(1);
      // keeping one's own value is no conflict
      const same = await store.update(t, 'User', a.id, {
        ...userInput('Alice'),
        change: { type: 'user.updated' },
      });
      expect(same.version).toBe(2);
      await store.update(t, 'User', a.id, { ...userInput('carol'), change: { type: 'user.updated' } });
      await store.create(t, 'User', userInput('alice'));
      await store.delete(t, 'User', b.id, { change: { type: 'user.deleted' } });
      await store.create(t, 'User', userInput('bob'));
    });

    it('answers 50 concurrent creates of one userName in different casings with one success', async () => {
      const t = freshTenant();
      const casings = Array.from({ length: 50 }, (_, i) =>
        [...'bjensen@example.com'].map((c, j) => ((i >> (j % 6)) & 1 ? c.toUpperCase() : c)).join(''),
      );
      const results = await Promise.allSettled(casings.map((u) => store.create(t, 'User', userInput(u))));
      const ok = results.filter((r) => r.status === 'fulfilled');
      expect(ok).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toMatchObject({ status: 409, scimType: 'uniqueness' });
      }
      const page = await store.list(t, { resourceType: 'User', startIndex: 1, count: 100 });
      expect(page.totalResults).toBe(1);
    });

    it('gives each listed resource its type, on a first page, a later one, sorted and by cursor', async () => {
      const t = freshTenant();
      for (const name of ['b', 'a', 'c']) await store.create(t, 'User', userInput(name));
      await store.create(t, 'Group', groupInput('g'));
      const sort = { path: sortPath('userName'), descending: false };
      const pages = [
        await store.list(t, { resourceType: 'User', startIndex: 1, count: 2 }),
        await store.list(t, { resourceType: 'User', startIndex: 2, count: 2 }),
        await store.list(t, { resourceType: 'User', startIndex: 1, count: 3, sort }),
        await store.list(t, { resourceType: 'User', startIndex: 1, count: 1, keyset: true }),
      ];
      for (const page of pages) {
        expect(page.resources.length).toBeGreaterThan(0);
        for (const r of page.resources) expect(r.resourceType).toBe('User');
      }
      const groups = await store.list(t, { resourceType: 'Group', startIndex: 1, count: 2, members: true });
      expect(groups.resources.map((r) => r.resourceType)).toEqual(['Group']);
    });

    it('checks ifVersion: a stale version is 412 and changes nothing', async () => {
      const t = freshTenant();
      const u = await store.create(t, 'User', userInput('v'));
      const v2 = await store.update(t, 'User', u.id, {
        ...userInput('v', { title: 'one' }),
        ifVersion: 1,
        change: { type: 'user.updated' },
      });
      expect(v2.version).toBe(2);
      expect(v2.created).toBe(u.created);
      expect(v2.lastModified >= u.lastModified).toBe(true);
      const stale = await failure(
        store.update(t, 'User', u.id, {
          ...userInput('v', { title: 'two' }),
          ifVersion: 1,
          change: { type: 'user.updated' },
        }),
      );
      expect(stale.status).toBe(412);
      expect((await store.get(t, 'User', u.id))?.data.title).toBe('one');
      expect(
        (await failure(store.delete(t, 'User', u.id, { ifVersion: 1, change: { type: 'user.deleted' } })))
          .status,
      ).toBe(412);
      expect(await store.get(t, 'User', u.id)).toBeDefined();
      const feed = await store.changes(t);
      expect(feed.map((e) => e.type)).toEqual(['user.created', 'user.updated']);
      await store.delete(t, 'User', u.id, { ifVersion: 2, change: { type: 'user.deleted' } });
      expect(await store.get(t, 'User', u.id)).toBeUndefined();
    });

    it('answers 404 for a missing id on update and delete', async () => {
      const t = freshTenant();
      expect(
        (await failure(store.update(t, 'User', 'nope', { ...userInput('x'), change: { type: 'u' } }))).status,
      ).toBe(404);
      expect((await failure(store.delete(t, 'User', 'nope', { change: { type: 'd' } }))).status).toBe(404);
      const u = await store.create(t, 'User', userInput('x'));
      expect(
        (await failure(store.update(t, 'Group', u.id, { ...groupWrite('x'), change: { type: 'u' } }))).status,
      ).toBe(404);
      expect(
        (await failure(store.delete(freshTenant(), 'User', u.id, { change: { type: 'd' } }))).status,
      ).toBe(404);
    });

    it('keeps members: initial, added, removed, removeAll, display and type, memberOf', async () => {
      const t = freshTenant();
      const u1 = await store.create(t, 'User', userInput('u1', { displayName: 'User One' }));
      const u2 = await store.create(t, 'User', userInput('u2'));
      const inner = await store.create(t, 'Group', groupInput('inner'));
      const g = await store.create(t, 'Group', groupInput('outer', [u1.id, inner.id, u1.id]));
      const read = await store.get(t, 'Group', g.id, { members: true });
      expect(read?.members).toHaveLength(2);
      expect(read?.members).toEqual(
        expect.arrayContaining([
          { value: u1.id, type: 'User', display: 'User One' },
          { value: inner.id, type: 'Group', display: 'inner' },
        ]),
      );
      expect((await store.get(t, 'Group', g.id))?.members).toBeUndefined();
      const up = await store.update(t, 'Group', g.id, {
        ...groupWrite('outer'),
        members: { added: [u2.id, u1.id], removed: [inner.id, 'absent'] },
        change: { type: 'group.members.added' },
      });
      expect(up.version).toBe(2);
      const after = await store.get(t, 'Group', g.id, { members: true });
      expect(after?.members?.map((m) => m.value).sort()).toEqual([u1.id, u2.id].sort());
      expect((await store.memberOf(t, u2.id)).map((m) => m.value)).toEqual([g.id]);
      expect(await store.memberOf(t, inner.id)).toEqual([]);
      await store.update(t, 'Group', g.id, {
        ...groupWrite('outer'),
        members: { added: [inner.id], removed: [], removeAll: true },
        change: { type: 'group.updated' },
      });
      expect((await store.get(t, 'Group', g.id, { members: true }))?.members?.map((m) => m.value)).toEqual([
        inner.id,
      ]);
      expect((await store.memberOf(t, inner.id))[0]).toMatchObject({
        value: g.id,
        type: 'Group',
        display: 'outer',
      });
    });

    it('reads a resource with the groups memberOf gives, when it reads them (groups: true)', async () => {
      const t = freshTenant();
      const u = await store.create(t, 'User', userInput('with-groups', { displayName: 'With Groups' }));
      const lone = await store.create(t, 'User', userInput('without-groups'));
      const first = await store.create(t, 'Group', groupInput('first', [u.id]));
      await store.create(t, 'Group', groupInput('second', [u.id]));
      await store.create(t, 'Group', groupInput('third', [lone.id]));
      for (const id of [u.id, lone.id]) {
        const read = await store.get(t, 'User', id, { groups: true });
        expect(read?.data).toEqual((await store.get(t, 'User', id))?.data);
        if (read?.groups !== undefined) expect(read.groups).toEqual(await store.memberOf(t, id));
      }
      expect((await store.memberOf(t, u.id))[0]).toMatchObject({ value: first.id, display: 'first' });
      expect(await store.get(t, 'User', 'absent', { groups: true })).toBeUndefined();
    });

    it('removes every member only for removeAll: true, never for an empty delta', async () => {
      const t = freshTenant();
      const u1 = await store.create(t, 'User', userInput('e1'));
      const u2 = await store.create(t, 'User', userInput('e2'));
      const g = await store.create(t, 'Group', groupInput('kept', [u1.id, u2.id]));
      const members = async () =>
        (await store.get(t, 'Group', g.id, { members: true }))?.members?.map((m) => m.value).sort();
      for (const delta of [
        { added: [], removed: [] },
        { added: [], removed: [], removeAll: false },
        { added: [], removed: [''] },
      ]) {
        await store.update(t, 'Group', g.id, {
          ...groupWrite('kept'),
          members: delta,
          membersOnly: true,
          change: { type: 'group.updated' },
        });
        expect(await members(), JSON.stringify(delta)).toEqual([u1.id, u2.id].sort());
      }
      await store.update(t, 'Group', g.id, {
        ...groupWrite('kept'),
        members: { added: [], removed: [], removeAll: true },
        membersOnly: true,
        change: { type: 'group.updated' },
      });
      expect(await members()).toEqual([]);
    });

    it('refuses unknown member ids (also of another tenant) with 400 and stores nothing', async () => {
      const t = freshTenant();
      const other = await store.create(freshTenant(), 'User', userInput('elsewhere'));
      const u = await store.create(t, 'User', userInput('here'));
      const bad = await failure(store.create(t, 'Group', groupInput('g', [u.id, other.id])));
      expect(bad).toMatchObject({ status: 400, scimType: 'invalidValue' });
      expect((await store.list(t, { resourceType: 'Group', startIndex: 1, count: 10 })).totalResults).toBe(0);
      const g = await store.create(t, 'Group', groupInput('g2'));
      const bad2 = await failure(
        store.update(t, 'Group', g.id, {
          ...groupWrite('g2'),
          members: { added: ['nope'], removed: [] },
          change: { type: 'x' },
        }),
      );
      expect(bad2.status).toBe(400);
      expect((await store.get(t, 'Group', g.id, { members: true }))?.version).toBe(1);
      expect((await store.changes(t)).map((e) => e.type)).toEqual(['user.created', 'group.created']);
    });

    it('skips unknown member ids with unknown: skip, storing the rest', async () => {
      const t = freshTenant();
      const other = await store.create(freshTenant(), 'User', userInput('elsewhere'));
      const u = await store.create(t, 'User', userInput('here'));
      const v = await store.create(t, 'User', userInput('there'));
      const g = await store.create(t, 'Group', {
        ...groupInput('g', [u.id, 'ghost', other.id]),
        unknownMembers: 'skip',
      });
      expect((await store.get(t, 'Group', g.id, { members: true }))?.members?.map((m) => m.value)).toEqual([
        u.id,
      ]);
      await store.update(t, 'Group', g.id, {
        ...groupWrite('g'),
        members: { added: ['nope', v.id], removed: [], unknown: 'skip' },
        change: { type: 'group.members.added' },
      });
      expect((await store.get(t, 'Group', g.id, { members: true }))?.members?.map((m) => m.value)).toEqual([
        u.id,
        v.id,
      ]);
      expect(await store.memberOf(t, 'nope')).toEqual([]);
    });

    it('keeps the display label sent with a member until it leaves, and filters on it', async () => {
      const t = freshTenant();
      const u = await store.create(t, 'User', userInput('u', { displayName: 'Ursula' }));
      const v = await store.create(t, 'User', userInput('v', { displayName: 'Victor' }));
      const g = await store.create(t, 'Group', {
        ...groupInput('g', [u.id]),
        memberDisplay: { [u.id]: 'Vice President' },
      });
      const labels = async () =>
        (await store.get(t, 'Group', g.id, { members: true }))?.members?.map((m) => m.display);
      expect(await labels()).toEqual(['Vice President']);
      await store.update(t, 'Group', g.id, {
        ...groupWrite('g'),
        // A present member keeps its label (display is immutable); a new one gets its own.
        members: { added: [u.id, v.id], removed: [], display: { [u.id]: 'other', [v.id]: 'new User' } },
        change: { type: 'group.members.added' },
      });
      expect(await labels()).toEqual(['Vice President', 'new User']);
      const byLabel = await store.list(t, {
        resourceType: 'Group',
        filter: query('members.display eq "NEW USER"', groupResourceSchema),
        startIndex: 1,
        count: 10,
      });
      expect(ids(byLabel)).toEqual([g.id]);
      // A user's groups show the group's name, not a label.
      expect((await store.memberOf(t, v.id))[0]?.display).toBe('g');
      await store.update(t, 'Group', g.id, {
        ...groupWrite('g'),
        members: { added: [], removed: [v.id] },
        change: { type: 'group.members.removed' },
      });
      await store.update(t, 'Group', g.id, {
        ...groupWrite('g'),
        members: { added: [v.id], removed: [] },
        change: { type: 'group.members.added' },
      });
      expect(await labels()).toEqual(['Vice President', 'Victor']);
      const none = await store.list(t, {
        resourceType: 'Group',
        filter: query('members.display eq "new user"', groupResourceSchema),
        startIndex: 1,
        count: 10,
      });
      expect(none.totalResults).toBe(0);
    });

    it('keeps the stored data on a membersOnly update, so a concurrent change survives', async () => {
      const t = freshTenant();
      const u = await store.create(t, 'User', userInput('u'));
      const g = await store.create(t, 'Group', groupInput('before'));
      // Another writer renames the group after this one read it...
      await store.update(t, 'Group', g.id, { ...groupWrite('after'), ifVersion: 1 });
      // ...then this one adds a member from its stale copy, without a version check.
      const up = await store.update(t, 'Group', g.id, {
        ...groupWrite('before'),
        members: { added: [u.id], removed: [] },
        membersOnly: true,
        change: { type: 'group.members.added' },
      });
      expect(up.version).toBe(3);
      expect(up.data.displayName).toBe('after');
      const read = await store.get(t, 'Group', g.id, { members: true });
      expect(read?.data.displayName).toBe('after');
      expect(read?.members?.map((m) => m.value)).toEqual([u.id]);
      const byName = await store.list(t, {
        resourceType: 'Group',
        filter: query('displayName eq "after"', groupResourceSchema),
        startIndex: 1,
        count: 10,
      });
      expect(ids(byName)).toEqual([g.id]);
      expect((await store.changes(t)).at(-1)).toMatchObject({ type: 'group.members.added', version: 3 });
    });

    it('gives back a rendering only with the data it was written with, if it keeps renderings', async () => {
      const t = freshTenant();
      // A store may drop renderings (`undefined`), never give back one of other data.
      const check = (r: StoredResource | undefined, rendering: string | undefined, data: unknown) => {
        expect([undefined, rendering]).toContain(r?.rendering);
        expect(r?.data).toEqual(data);
        // `data` may be a getter: JSON and a copy by name keep it (see StoredResource.data).
        expect(JSON.parse(JSON.stringify(r)).data).toEqual(data);
      };
      const first = userInput('drawn', { title: 'a' });
      const u = await store.create(t, 'User', { ...first, rendering: 'R1' });
      check(await store.get(t, 'User', u.id), 'R1', first.data);
      const second = userInput('drawn', { title: 'b' });
      await store.update(t, 'User', u.id, { ...second, rendering: 'R2' });
      check(await store.get(t, 'User', u.id), 'R2', second.data);
      const listed = await store.list(t, { resourceType: 'User', startIndex: 1, count: 10 });
      check(listed.resources[0], 'R2', second.data);
      const third = userInput('drawn', { title: 'c' });
      await store.update(t, 'User', u.id, third);
      check(await store.get(t, 'User', u.id), undefined, third.data);
      // A member-only write keeps the group's rendering (its data does not change).
      const g = await store.create(t, 'Group', { ...groupInput('drawn'), rendering: 'G1' });
      const before = (await store.get(t, 'Group', g.id))?.rendering;
      await store.update(t, 'Group', g.id, {
        ...groupWrite('drawn'),
        members: { added: [u.id], removed: [] },
        membersOnly: true,
        change: { type: 'group.members.added' },
      });
      const after = await store.get(t, 'Group', g.id, { members: true });
      check(after, 'G1', groupInput('drawn').data);
      expect(after?.rendering).toBe(before);
      check(await store.get(t, 'User', u.id, { groups: true }), undefined, third.data);
      if (store.createMany === undefined) return;
      const made = await store.createMany(t, 'User', [
        { ...userInput('many-1'), rendering: 'M1' },
        userInput('many-2'),
      ]);
      check(await store.get(t, 'User', made[0]!.id), 'M1', userInput('many-1').data);
      check(await store.get(t, 'User', made[1]!.id), undefined, userInput('many-2').data);
    });

    it('lists with renderedOnly: a resource with its data, or with the rendering it was written with', async () => {
      const t = freshTenant();
      const kept = userInput('lean-a', { title: 'a' });
      const plain = userInput('lean-b', { title: 'b' });
      const a = await store.create(t, 'User', { ...kept, rendering: 'RA' });
      const b = await store.create(t, 'User', plain);
      const page = await store.list(t, {
        resourceType: 'User',
        startIndex: 1,
        count: 10,
        renderedOnly: true,
      });
      expect(page.resources.map((r) => r.id)).toEqual([a.id, b.id]);
      const [withRendering, without] = page.resources;
      // Written without a rendering: listed with its data, always.
      expect(without?.rendering).toBeUndefined();
      expect(without?.data).toEqual(plain.data);
      // Written with one: listed with it (its data may be left out), or, by a store that keeps no
      // renderings or ignores the flag, with its data.
      if (withRendering?.rendering === undefined) expect(withRendering?.data).toEqual(kept.data);
      else expect(withRendering.rendering).toBe('RA');
    });

    it('removes memberships both ways on delete', async () => {
      const t = freshTenant();
      const u = await store.create(t, 'User', userInput('m'));
      const g = await store.create(t, 'Group', groupInput('g', [u.id]));
      const parent = await store.create(t, 'Group', groupInput('parent', [g.id]));
      await store.delete(t, 'User', u.id, { change: { type: 'user.deleted' } });
      expect((await store.get(t, 'Group', g.id, { members: true }))?.members).toEqual([]);
      await store.delete(t, 'Group', g.id, { change: { type: 'group.deleted' } });
      expect((await store.get(t, 'Group', parent.id, { members: true }))?.members).toEqual([]);
    });

    describe('list', () => {
      const t = freshTenant();
      const made: Record<string, StoredResource> = {};
      beforeAll(async () => {
        const users: [string, Record<string, unknown>][] = [
          [
            'alice',
            {
              name: { familyName: 'Zeta', givenName: 'Alice' },
              active: true,
              externalId: 'EXT-1',
              title: 'Boss',
              emails: [
                { value: 'alice@Work.example', type: 'work', primary: true },
                { value: 'a@home.example', type: 'home' },
              ],
            },
          ],
          [
            'Bob',
            {
              name: { familyName: 'alpha' },
              active: false,
              externalId: 'ext-1',
              title: '',
              emails: [{ value: 'bob@work.example', type: 'home' }],
            },
          ],
          [
            'carol',
            {
              active: true,
              emails: [],
              'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
                employeeNumber: '7',
                manager: { value: 'boss-id' },
              },
            },
          ],
          ["d'Artagnan", { title: "x' OR '1'='1", nickName: 'Ünïcode' }],
          ['ÉMILE', { name: { familyName: 'Émile' } }],
        ];
        for (const [userName, extra] of users)
          made[userName] = await store.create(t, 'User', userInput(userName, extra));
        const g = await store.create(t, 'Group', groupInput('Admins', [made.alice!.id, made.Bob!.id]));
        made.Admins = g;
        made.Empty = await store.create(t, 'Group', groupInput('empty'));
      });
      const find = async (filter: string, type: 'User' | 'Group' = 'User') =>
        ids(
          await store.list(t, {
            resourceType: type,
            filter: query(filter, type === 'User' ? userResourceSchema : groupResourceSchema),
            startIndex: 1,
            count: 100,
          }),
        ).sort();
      const of = (...names: string[]) => names.map((n) => made[n]!.id).sort();

      it.each([
        ['userName eq "ALICE"', ['alice']],
        ['userName eq "bob"', ['Bob']],
        ['userName eq "émile"', ['ÉMILE']],
        ['userName sw "A"', ['alice']],
        ['userName co "ARTAG"', ["d'Artagnan"]],
        ['userName ew "E"', ['alice', 'ÉMILE']],
        ['userName gt "c"', ['carol', "d'Artagnan", 'ÉMILE']],
        ['externalId eq "EXT-1"', ['alice']],
        ['externalId eq "ext-1"', ['Bob']],
        ['active eq true', ['alice', 'carol']],
        ['active ne true', ['Bob']],
        ['not (active eq true)', ['Bob', "d'Artagnan", 'ÉMILE']],
        ['title pr', ['alice', "d'Artagnan"]],
        ['not (title pr)', ['Bob', 'carol', 'ÉMILE']],
        ['emails pr', ['alice', 'Bob']],
        ['emails co "WORK.example"', ['alice', 'Bob']],
        ['emails.value eq "ALICE@work.EXAMPLE"', ['alice']],
        ['emails[type eq "work" and value co "@work"]', ['alice']],
        ['emails[type eq "home"].value ew "work.example"', ['Bob']],
        ['emails[primary eq true]', ['alice']],
        ['name.familyName eq "émile" or name.familyName sw "Z"', ['alice', 'ÉMILE']],
        ['name pr and not (name.givenName pr)', ['Bob', 'ÉMILE']],
        ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "boss-id"', ['carol']],
        ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "7"', ['carol']],
        ["title eq \"x' OR '1'='1\"", ["d'Artagnan"]],
        ['userName eq "\\" OR 1=1 --"', []],
        ['userName eq "\'); DROP TABLE resources; --"', []],
        ['nickName eq "üNÏCODE"', ["d'Artagnan"]],
        ['noSuchAttribute eq "x"', []],
        ['not (noSuchAttribute eq "x")', ['alice', 'Bob', 'carol', "d'Artagnan", 'ÉMILE']],
      ])('filters %s', async (filter, expected) => {
        expect(await find(filter)).toEqual(of(...expected));
      });

      it('filters on id and meta', async () => {
        expect(await find(`id eq "${made.carol!.id}"`)).toEqual(of('carol'));
        expect(await find(`id eq "${made.carol!.id.toUpperCase()}"`)).toEqual([]);
        const users = ['alice', 'Bob', 'carol', "d'Artagnan", 'ÉMILE'];
        const since = users.filter((u) => made[u]!.created >= made.carol!.created);
        expect(since).toContain('ÉMILE');
        expect(await find(`meta.created ge "${made.carol!.created}"`)).toEqual(of(...since));
        const before = users.filter((u) => made[u]!.lastModified < made.ÉMILE!.lastModified);
        expect(await find(`meta.lastModified lt "${made.ÉMILE!.lastModified}"`)).toEqual(of(...before));
        expect(await find('meta.resourceType eq "User"')).toHaveLength(5);
        expect(await find('meta.resourceType eq "Group"')).toHaveLength(0);
        expect(await find('meta.version eq "W/\\"1\\""')).toHaveLength(5);
      });

      it('filters groups on displayName and members', async () => {
        expect(await find('displayName eq "ADMINS"', 'Group')).toEqual(of('Admins'));
        expect(await find(`members.value eq "${made.Bob!.id}"`, 'Group')).toEqual(of('Admins'));
        expect(await find(`members eq "${made.carol!.id}"`, 'Group')).toEqual([]);
        expect(await find('members pr', 'Group')).toEqual(of('Admins'));
        expect(await find('not (members pr)', 'Group')).toEqual(of('Empty'));
        expect(await find(`members[value eq "${made.alice!.id}" and type eq "User"]`, 'Group')).toEqual(
          of('Admins'),
        );
        expect(await find('members.display eq "BOB"', 'Group')).toEqual(of('Admins'));
        expect(await find(`groups.value eq "${made.Admins!.id}"`)).toEqual(of('alice', 'Bob'));
        expect(await find('groups.display eq "admins"')).toEqual(of('alice', 'Bob'));
        expect(await find('groups pr')).toEqual(of('alice', 'Bob'));
      });

      it('sorts, with missing values last, ties in creation order; descending is that order reversed', async () => {
        const order = async (attribute: string, descending: boolean) =>
          ids(
            await store.list(t, {
              resourceType: 'User',
              sort: { path: sortPath(attribute), descending },
              startIndex: 1,
              count: 100,
            }),
          );
        const names = (list: string[]) => list.map((id) => Object.keys(made).find((k) => made[k]!.id === id));
        expect(names(await order('userName', false))).toEqual([
          'alice',
          'Bob',
          'carol',
          "d'Artagnan",
          'ÉMILE',
        ]);
        expect(names(await order('userName', true))).toEqual([
          'ÉMILE',
          "d'Artagnan",
          'carol',
          'Bob',
          'alice',
        ]);
        expect(names(await order('name.familyName', false))).toEqual([
          'Bob',
          'alice',
          'ÉMILE',
          'carol',
          "d'Artagnan",
        ]);
        // carol and d'Artagnan have no familyName: last ascending, first descending, and their tie
        // in reverse creation order (one index read backwards serves a descending sort).
        expect(names(await order('name.familyName', true))).toEqual([
          "d'Artagnan",
          'carol',
          'ÉMILE',
          'alice',
          'Bob',
        ]);
        expect(names(await order('emails', false))).toEqual(['alice', 'Bob', 'carol', "d'Artagnan", 'ÉMILE']);
        const byCreated = ['alice', 'Bob', 'carol', "d'Artagnan", 'ÉMILE']
          .map((n, i) => ({ n, i, c: made[n]!.created }))
          .sort((a, b) => (a.c === b.c ? b.i - a.i : a.c < b.c ? 1 : -1))
          .map((x) => x.n);
        expect(names(await order('meta.created', true))).toEqual(byCreated);
        for (const attribute of ['userName', 'name.familyName', 'emails', 'meta.created', 'title']) {
          expect(await order(attribute, true)).toEqual((await order(attribute, false)).reverse());
        }
      });

      it('pages with startIndex and count, and counts every match', async () => {
        const page = (startIndex: number, count: number) =>
          store.list(t, {
            resourceType: 'User',
            sort: { path: sortPath('userName'), descending: false },
            startIndex,
            count,
          });
        const p1 = await page(1, 2);
        expect(p1.totalResults).toBe(5);
        expect(p1.resources.map((r) => r.data.userName)).toEqual(['alice', 'Bob']);
        expect((await page(4, 2)).resources.map((r) => r.data.userName)).toEqual(["d'Artagnan", 'ÉMILE']);
        expect(await page(9, 2)).toEqual({ totalResults: 5, resources: [] });
        expect(await page(1, 0)).toEqual({ totalResults: 5, resources: [] });
        const unsorted = await store.list(t, { resourceType: 'User', startIndex: 1, count: 100 });
        expect(unsorted.resources.map((r) => r.data.userName)).toEqual([
          'alice',
          'Bob',
          'carol',
          "d'Artagnan",
          'ÉMILE',
        ]);
      });

      it('pages after a position (keyset): the pages join into the sorted list, missing values included', async () => {
        const walk = async (sort: { path: QueryPath; descending: boolean } | undefined) => {
          const seen: string[] = [];
          let after: string | undefined;
          for (let i = 0; i < 10; i++) {
            const page = await store.list(t, {
              resourceType: 'User',
              ...(sort === undefined ? {} : { sort }),
              ...(after === undefined ? { keyset: true } : { after }),
              startIndex: 1,
              count: 2,
            });
            expect(page.totalResults).toBe(5);
            for (const r of page.resources) seen.push(r.id);
            // A next position exactly when more follow (the last page has none, even when full).
            expect(page.next === undefined).toBe(seen.length === 5);
            if (page.next === undefined) break;
            after = page.next;
          }
          return seen;
        };
        const whole = async (sort: { path: QueryPath; descending: boolean } | undefined) =>
          ids(
            await store.list(t, {
              resourceType: 'User',
              ...(sort === undefined ? {} : { sort }),
              startIndex: 1,
              count: 100,
            }),
          );
        expect(await walk(undefined)).toEqual(await whole(undefined));
        for (const attribute of [
          'userName',
          'externalId',
          'displayName',
          'name.familyName',
          'title',
          'meta.created',
        ]) {
          for (const descending of [false, true]) {
            const sort = { path: sortPath(attribute), descending };
            expect({ attribute, descending, ids: await walk(sort) }).toEqual({
              attribute,
              descending,
              ids: await whole(sort),
            });
          }
        }
      });

      it('loads members for a page when asked', async () => {
        const page = await store.list(t, {
          resourceType: 'Group',
          filter: query('displayName eq "admins"', groupResourceSchema),
          startIndex: 1,
          count: 10,
          members: true,
        });
        expect(page.resources[0]?.members?.map((m) => m.value).sort()).toEqual(of('alice', 'Bob'));
      });
    });

    it('continues after a position whose resource was deleted, and never repeats or skips a kept one', async () => {
      const t = freshTenant();
      const names = ['d', 'b', 'e', 'a', 'c', 'f'];
      for (const n of names) await store.create(t, 'User', userInput(n));
      const sort = { path: sortPath('userName'), descending: false };
      const first = await store.list(t, {
        resourceType: 'User',
        sort,
        keyset: true,
        startIndex: 1,
        count: 2,
      });
      expect(first.resources.map((r) => r.data.userName)).toEqual(['a', 'b']);
      await store.delete(t, 'User', first.resources[1]!.id, { change: { type: 'user.deleted' } });
      await store.create(t, 'User', userInput('aa'));
      const next = await store.list(t, {
        resourceType: 'User',
        sort,
        after: first.next!,
        startIndex: 1,
        count: 10,
      });
      expect(next.resources.map((r) => r.data.userName)).toEqual(['c', 'd', 'e', 'f']);
      expect(next.totalResults).toBe(6);
    });

    describe('case folding and order (one rule in every store)', () => {
      const t = freshTenant();
      const made: Record<string, StoredResource> = {};
      const names = [
        'ΚΑΣΑΝΔΡΑ',
        'νικος@x.gr',
        'Straße',
        'strasse',
        '\u{1F600} smile',
        '\uFF21 wide',
        'zed',
        'İstanbul',
      ];
      beforeAll(async () => {
        for (const n of names) {
          made[n] = await store.create(
            t,
            'User',
            userInput(n, { emails: [{ value: `${n}@mail`, type: 'work' }], displayName: n }),
          );
        }
        const g = await store.create(t, 'Group', { ...groupInput('ΟΜΑΔΑ'), members: [made.zed!.id] });
        made.group = g;
      });
      const find = async (filter: string, schema?: ResourceSchema) =>
        (
          await store.list(t, {
            resourceType: schema === groupResourceSchema ? 'Group' : 'User',
            filter: query(filter, schema),
            startIndex: 1,
            count: 100,
          })
        ).resources.map((r) => (r.data.userName ?? r.data.displayName) as string);

      it('folds Σ, σ and ς alike and keeps ß apart from ss (Unicode simple case folding)', async () => {
        expect(await find('displayName sw "ΚΑΣ"')).toEqual(['ΚΑΣΑΝΔΡΑ']);
        expect(await find('userName eq "ΝΙΚΟΣ@X.GR"')).toEqual(['νικος@x.gr']);
        expect(await find('emails.value eq "ΝΙΚΟΣ@X.GR@mail"')).toEqual(['νικος@x.gr']);
        expect(await find('emails[type eq "WORK" and value sw "νικοσ"]')).toEqual(['νικος@x.gr']);
        expect(await find('userName eq "strasse"')).toEqual(['strasse']);
        expect(await find('userName eq "STRAẞE"')).toEqual(['Straße']);
        expect(await find('userName sw "i"')).toEqual([]);
        expect(await find('displayName eq "ομαδα"', groupResourceSchema)).toEqual(['ΟΜΑΔΑ']);
      });

      it('orders strings by code point, an emoji after U+FF21, in filters and sorts', async () => {
        expect(await find('userName gt "\uFF21"')).toEqual(['\u{1F600} smile', '\uFF21 wide']);
        expect(await find('userName lt "\uFF21" and userName gt "zed"')).toEqual([
          'ΚΑΣΑΝΔΡΑ',
          'νικος@x.gr',
          'İstanbul',
        ]);
        const sorted = await store.list(t, {
          resourceType: 'User',
          sort: { path: sortPath('userName'), descending: false },
          startIndex: 1,
          count: 100,
        });
        expect(sorted.resources.map((r) => r.data.userName)).toEqual([
          'strasse',
          'Straße',
          'zed',
          'İstanbul',
          'ΚΑΣΑΝΔΡΑ',
          'νικος@x.gr',
          '\uFF21 wide',
          '\u{1F600} smile',
        ]);
        const byEmail = await store.list(t, {
          resourceType: 'User',
          sort: { path: sortPath('emails'), descending: true },
          startIndex: 1,
          count: 2,
        });
        expect(byEmail.resources.map((r) => r.data.userName)).toEqual(['\u{1F600} smile', '\uFF21 wide']);
      });

      it('answers an or of eq on one attribute as the evaluator does', async () => {
        expect(
          await find('userName eq "ZED" or userName eq "STRASSE" or title pr or userName eq "nope"'),
        ).toEqual(['strasse', 'zed']);
        expect(
          await find('emails.value eq "zed@MAIL" or emails.value eq "strasse@mail" or emails.value eq "x"'),
        ).toEqual(['strasse', 'zed']);
        expect(await find('not (userName eq "zed" or userName eq "strasse") and userName sw "s"')).toEqual([
          'Straße',
        ]);
      });

      it('answers an or of terms on one multi-valued attribute as the evaluator does', async () => {
        expect(
          await find(
            'emails.value co "ZED@" or emails[type eq "work" and value sw "STRAẞE"] or emails.type eq "nope" or emails.value ew "ΚΑΣ"',
          ),
        ).toEqual(['Straße', 'zed']);
        expect(
          await find('emails.value eq "zed@mail" or emails.value co "strasse" or emails.display pr'),
        ).toEqual(['strasse', 'zed']);
        expect(await find('not (emails.value co "@" or emails.type pr) or userName eq "zed"')).toEqual([
          'zed',
        ]);
      });
    });

    it('keeps a unique value of 3,000 random characters, finds it, and refuses its other casing', async () => {
      const t = freshTenant();
      // Random CJK characters (and Greek capitals) hardly compress: a B-tree entry this long (over
      // ~2.7 kB) is refused by PostgreSQL.
      let seed = 7;
      const letters = Array.from({ length: 3000 }, (_, i) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return String.fromCharCode(i % 10 === 0 ? 0x391 + (seed % 17) : 0x4e00 + (seed % 20000));
      }).join('');
      const made = await store.create(
        t,
        'User',
        userInput(letters, { displayName: letters, externalId: letters }),
      );
      const found = (filter: string) =>
        store.list(t, { resourceType: 'User', filter: query(filter), startIndex: 1, count: 10 });
      expect((await found(`userName eq "${letters.toUpperCase()}"`)).resources.map((r) => r.id)).toEqual([
        made.id,
      ]);
      expect((await found(`externalId eq "${letters}"`)).totalResults).toBe(1);
      expect((await found(`displayName eq "${letters}"`)).totalResults).toBe(1);
      expect(await failure(store.create(t, 'User', userInput(letters.toUpperCase())))).toMatchObject({
        status: 409,
        scimType: 'uniqueness',
      });
      const g = await store.create(t, 'Group', groupInput(letters));
      expect(await failure(store.create(t, 'Group', groupInput(letters.toLowerCase())))).toMatchObject({
        status: 409,
      });
      expect(g.data.displayName).toBe(letters);
    });

    it('filters and sorts on a multi-valued attribute of 2,000 values', async () => {
      const t = freshTenant();
      const emails = Array.from({ length: 2000 }, (_, i) => ({
        value: `u${i}@Example.com`,
        type: i % 2 === 0 ? 'work' : 'home',
        ...(i === 1500 ? { primary: true } : {}),
      }));
      const big = await store.create(t, 'User', userInput('big', { emails }));
      await store.create(
        t,
        'User',
        userInput('small', { emails: [{ value: 'a@example.com', primary: true }] }),
      );
      const find = async (filter: string) =>
        (
          await store.list(t, { resourceType: 'User', filter: query(filter), startIndex: 1, count: 10 })
        ).resources.map((r) => r.data.userName);
      expect(await find('emails.value co "zzz"')).toEqual([]);
      expect(await find('emails.value eq "U1999@example.com"')).toEqual(['big']);
      expect(await find('emails[type eq "home" and value ew "1999@EXAMPLE.COM"]')).toEqual(['big']);
      expect(await find('emails[type eq "work" and value ew "1999@example.com"]')).toEqual([]);
      expect(await find('emails.primary eq true')).toEqual(['big', 'small']);
      const sorted = await store.list(t, {
        resourceType: 'User',
        sort: { path: sortPath('emails'), descending: false },
        startIndex: 1,
        count: 10,
      });
      // By the primary value: a@example.com before u1500@example.com.
      expect(sorted.resources.map((r) => r.data.userName)).toEqual(['small', 'big']);
      expect(big.data.emails).toHaveLength(2000);
    });

    it('treats SQL metacharacters in ids as plain text', async () => {
      const t = freshTenant();
      await store.create(t, 'User', userInput('safe'));
      for (const id of ["' OR '1'='1", '"; DROP TABLE resources; --', '%', '_', '\\']) {
        expect(await store.get(t, 'User', id)).toBeUndefined();
        expect((await failure(store.delete(t, 'User', id, { change: { type: 'd' } }))).status).toBe(404);
      }
      expect((await store.list(t, { resourceType: 'User', startIndex: 1, count: 10 })).totalResults).toBe(1);
      expect(
        (await store.list(`${t}' OR '1'='1`, { resourceType: 'User', startIndex: 1, count: 10 }))
          .totalResults,
      ).toBe(0);
    });

    describe('createMany (bulk import)', () => {
      it('creates a batch in order, each found by its unique value, with a feed entry each', async (context) => {
        if (store.createMany === undefined) return context.skip();
        const t = freshTenant();
        const made = await store.createMany(t, 'User', [
          userInput('first', { active: true }),
          userInput('second'),
          userInput('third'),
        ]);
        expect(made.map((r) => r.data.userName)).toEqual(['first', 'second', 'third']);
        expect(new Set(made.map((r) => r.id)).size).toBe(3);
        for (const r of made) {
          expect(r).toMatchObject({ resourceType: 'User', version: 1 });
          expect(await store.get(t, 'User', r.id)).toMatchObject({ id: r.id, data: r.data, version: 1 });
        }
        const found = await store.list(t, {
          resourceType: 'User',
          filter: query('userName eq "SECOND"'),
          startIndex: 1,
          count: 10,
        });
        expect(ids(found)).toEqual([made[1]!.id]);
        const feed = await store.changes(t);
        expect(feed.map((e) => [e.type, e.id, e.version])).toEqual(
          made.map((r) => ['user.created', r.id, 1]),
        );
        expect(await store.createMany(t, 'User', [])).toEqual([]);
      });

      it('writes nothing of a batch when one value is taken (in the tenant, or twice in the batch)', async (context) => {
        if (store.createMany === undefined) return context.skip();
        const t = freshTenant();
        await store.create(t, 'User', userInput('held'));
        const taken = await failure(
          store.createMany(t, 'User', [userInput('fresh-1'), userInput('HELD'), userInput('fresh-2')]),
        );
        expect(taken).toMatchObject({ status: 409, scimType: 'uniqueness' });
        const twice = await failure(
          store.createMany(t, 'User', [userInput('dup'), userInput('other'), userInput('Dup')]),
        );
        expect(twice).toMatchObject({ status: 409, scimType: 'uniqueness' });
        const page = await store.list(t, { resourceType: 'User', startIndex: 1, count: 10 });
        expect(page.resources.map((r) => r.data.userName)).toEqual(['held']);
        expect((await store.changes(t)).map((e) => e.type)).toEqual(['user.created']);
      });

      it('creates groups with members, and refuses an unknown member with 400, writing nothing', async (context) => {
        if (store.createMany === undefined) return context.skip();
        const t = freshTenant();
        const [a, b] = await store.createMany(t, 'User', [userInput('a'), userInput('b')]);
        const groups = await store.createMany(t, 'Group', [
          groupInput('both', [a!.id, b!.id]),
          groupInput('none'),
        ]);
        expect(
          (await store.get(t, 'Group', groups[0]!.id, { members: true }))?.members?.map((m) => m.value),
        ).toEqual([a!.id, b!.id]);
        expect((await store.memberOf(t, a!.id)).map((g) => g.value)).toEqual([groups[0]!.id]);
        const bad = await failure(
          store.createMany(t, 'Group', [groupInput('fine'), groupInput('broken', [a!.id, 'ghost'])]),
        );
        expect(bad).toMatchObject({ status: 400, scimType: 'invalidValue' });
        expect((await store.list(t, { resourceType: 'Group', startIndex: 1, count: 10 })).totalResults).toBe(
          2,
        );
      });
    });

    it('records a change feed in order, per tenant, readable with a cursor', async () => {
      const t = freshTenant();
      const u = await store.create(t, 'User', {
        ...userInput('feed'),
        change: { type: 'user.created', source: 'test' },
      });
      await store.update(t, 'User', u.id, {
        ...userInput('feed', { active: false }),
        change: { type: 'user.deactivated', changes: [{ path: 'active' }] },
      });
      await store.create(freshTenant(), 'User', userInput('other'));
      await store.delete(t, 'User', u.id, { change: { type: 'user.deleted' } });
      const all = await store.changes(t);
      expect(all.map((e) => [e.type, e.version])).toEqual([
        ['user.created', 1],
        ['user.deactivated', 2],
        ['user.deleted', 0],
      ]);
      expect(all[0]).toMatchObject({ tenant: t, resourceType: 'User', id: u.id, source: 'test' });
      expect(all[1]).toMatchObject({ changes: [{ path: 'active' }] });
      expect(Number.isNaN(Date.parse(all[0]!.at))).toBe(false);
      const rest = await store.changes(t, { after: all[0]!.cursor });
      expect(rest.map((e) => e.cursor)).toEqual([all[1]!.cursor, all[2]!.cursor]);
      expect(await store.changes(t, { after: all[2]!.cursor })).toEqual([]);
      expect(await store.changes(t, { limit: 1 })).toHaveLength(1);
    });

    it('keeps token records', async () => {
      const t = freshTenant();
      const hash = `h-${t}`;
      await store.tokens.insert({
        id: `tok-${t}`,
        tenant: t,
        hash,
        label: 'ci',
        created: '2026-11-30T10:00:00.000Z',
      });
      expect(await store.tokens.findByHash(hash)).toEqual({
        id: `tok-${t}`,
        tenant: t,
        hash,
        label: 'ci',
        created: '2026-11-30T10:00:00.000Z',
      });
      expect(await store.tokens.findByHash('nope')).toBeUndefined();
      expect((await store.tokens.list(t)).map((r) => r.id)).toEqual([`tok-${t}`]);
      expect(await store.tokens.list(freshTenant())).toEqual([]);
      expect(
        await store.tokens.update(freshTenant(), `tok-${t}`, { revoked: '2026-12-01T00:00:00.000Z' }),
      ).toBe(false);
      expect(await store.tokens.update(t, `tok-${t}`, { revoked: '2026-12-01T00:00:00.000Z' })).toBe(true);
      expect((await store.tokens.findByHash(hash))?.revoked).toBe('2026-12-01T00:00:00.000Z');
    });

    const budgeted = options.budgeted;
    if (budgeted !== undefined) {
      it('stops a list query past its time budget with 400 tooMany, and stays usable', async () => {
        const small = await budgeted();
        await small.open(CONTRACT_TYPES);
        try {
          const t = freshTenant();
          let first: StoredResource | undefined;
          for (let i = 0; i < 40; i++) {
            const emails = Array.from({ length: 200 }, (_, j) => ({ value: `u${i}.${j}@example.org` }));
            const created = await small.create(t, 'User', userInput(`budget${i}`, { emails }));
            first ??= created;
          }
          // 40 x 200 values x 50 substring tests: far more than 1 ms on any store.
          const filter = query(Array.from({ length: 50 }, (_, k) => `emails.value co "zz${k}"`).join(' or '));
          const error = await failure(
            small.list(t, { resourceType: 'User', filter, startIndex: 1, count: 10 }),
          );
          expect(error).toMatchObject({ status: 400, scimType: 'tooMany' });
          // Writes have no budget; the stopped query left nothing behind (a transaction, a lock).
          const after = await small.create(t, 'User', userInput('after-the-budget'));
          await small.update(t, 'User', after.id, {
            ...userInput('after-the-budget', { displayName: 'After' }),
            change: { type: 'user.updated' },
          });
          expect(first?.data.userName).toBe('budget0');
          // A list the caller bounds itself (the server's check of a group's new members) has no
          // budget: the same query runs to its end. A PostgreSQL store's own pool cancels every
          // statement at its statement_timeout (the budget): that is a 503, as for a read by id,
          // which a client retries; never the 400 tooMany a client's filter gets.
          const unbudgeted = small.list(t, {
            resourceType: 'User',
            filter,
            startIndex: 1,
            count: 10,
            unbudgeted: true,
          });
          if (small.kind === 'postgres') {
            const outcome = await unbudgeted.then(
              (page) => page.totalResults,
              (error: unknown) => failure(Promise.reject(error)),
            );
            if (typeof outcome !== 'number') expect(outcome).toMatchObject({ status: 503 });
          } else expect((await unbudgeted).totalResults).toBe(0);
        } finally {
          await small.close();
        }
      }, 60_000);
    }

    describeHandlerContract(() => store, freshTenant);

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
