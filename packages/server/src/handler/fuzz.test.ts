import { URN } from '@scim/schemas';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { harness } from './test-helpers.ts';

const names = fc.constantFrom(
  'alice',
  'ALICE',
  'bob',
  'Bob',
  "o'hara",
  'x"; DROP TABLE users; --',
  'zoë',
  '',
);
const scalar = fc.oneof(
  names,
  fc.boolean(),
  fc.constantFrom('True', 'false', 'yes'),
  fc.integer(),
  fc.constant(null),
);
const idRef = fc.nat(3);
const pathRef = fc.nat(9);
const route = fc.oneof(
  fc.constant(['GET', { kind: 'none' as const }] as const),
  fc.constant(['POST', { kind: 'none' as const }] as const),
  fc.constant(['POST', { kind: 'none' as const }] as const),
  fc.constant(['POST', { kind: 'search' as const }] as const),
  pathRef.map((i) => ['GET', { kind: 'id' as const, i }] as const),
  pathRef.map((i) => ['PUT', { kind: 'id' as const, i }] as const),
  pathRef.map((i) => ['PATCH', { kind: 'id' as const, i }] as const),
  pathRef.map((i) => ['PATCH', { kind: 'id' as const, i }] as const),
  pathRef.map((i) => ['DELETE', { kind: 'id' as const, i }] as const),
);

const nonEmpty = fc.constantFrom('alice', 'ALICE', 'bob', 'Bob', "o'hara", 'x"; DROP TABLE users; --', 'zoë');
const validUser = fc.record({
  schemas: fc.constant([URN.User]),
  userName: nonEmpty,
  active: fc.boolean(),
  displayName: nonEmpty,
  emails: fc.array(fc.record({ value: nonEmpty, type: fc.constantFrom('work', 'home') }), { maxLength: 2 }),
});
const randomUser = fc.record(
  {
    schemas: fc.constantFrom([URN.User], [URN.User], [URN.User], ['urn:nope'], []),
    userName: fc.oneof({ arbitrary: names, weight: 8 }, { arbitrary: scalar, weight: 1 }),
    active: fc.oneof({ arbitrary: fc.boolean(), weight: 4 }, { arbitrary: scalar, weight: 1 }),
    displayName: fc.oneof({ arbitrary: names, weight: 4 }, { arbitrary: scalar, weight: 1 }),
    title: fc.oneof({ arbitrary: names, weight: 4 }, { arbitrary: scalar, weight: 1 }),
    emails: fc.oneof(
      fc.array(fc.record({ value: names, type: fc.constantFrom('work', 'home'), primary: fc.boolean() }), {
        maxLength: 3,
      }),
      fc.constant(7),
    ),
    name: fc.oneof(
      { arbitrary: fc.record({ givenName: names }), weight: 4 },
      { arbitrary: scalar, weight: 1 },
    ),
    unknownAttr: scalar,
  },
  { requiredKeys: ['schemas', 'userName'] },
);
const userBody = fc.oneof({ arbitrary: validUser, weight: 3 }, { arbitrary: randomUser, weight: 1 });
/** A member reference resolved when the request is sent: `$2` is the third id created so far. */
const memberRef = fc.oneof(
  { arbitrary: idRef.map((i) => ({ value: `$${i}` })), weight: 4 },
  { arbitrary: fc.constant({ value: 42 }), weight: 1 },
);

const groupBody = fc.record(
  {
    schemas: fc.constantFrom([URN.Group], [URN.Group], []),
    displayName: fc.oneof({ arbitrary: nonEmpty, weight: 4 }, { arbitrary: scalar, weight: 1 }),
    members: fc.array(memberRef, { maxLength: 3 }),
  },
  { requiredKeys: ['schemas', 'displayName'] },
);

const patchPath = fc.constantFrom(
  undefined,
  'userName',
  'active',
  'displayName',
  'emails[type eq "work"].value',
  'name.givenName',
  'members',
  'members[value eq "x"]',
  'id',
  'meta.created',
  'a[[b',
  `${URN.EnterpriseUser}:department`,
);
const patchBody = fc.record({
  schemas: fc.constant([URN.PatchOp]),
  Operations: fc.array(
    fc.record(
      {
        op: fc.constantFrom('add', 'Replace', 'remove', 'REMOVE', 'bogus'),
        path: patchPath,
        value: fc.oneof(
          scalar,
          fc.array(memberRef, { maxLength: 3 }),
          fc.record({ displayName: names, 'name.givenName': names, active: scalar }, { requiredKeys: [] }),
        ),
      },
      { requiredKeys: ['op'] },
    ),
    { minLength: 0, maxLength: 3 },
  ),
});

const filters = fc.constantFrom(
  'userName eq "alice"',
  'userName eq "ALICE" or active eq true',
  'emails[type eq "work" and value co "a"]',
  'displayName sw "a"',
  'userName eq "x\'; --"',
  'members.value eq "1"',
  'userName xx "a"',
  '((((',
  'meta.lastModified gt "2020-01-01T00:00:00Z"',
  '',
);

test('random requests never answer 500 and leave the store consistent', async () => {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat(), { minLength: 15, maxLength: 40 }), fc.nat(), async (plan, seed) => {
      const h = harness({ policies: { linkedAttributes: [['displayName', 'title']] } });
      const ids: string[] = [];
      const resolve = (body: unknown): unknown =>
        typeof body === 'string'
          ? body
          : JSON.parse(
              JSON.stringify(body ?? null).replace(/"\$(\d)"/g, (_, i: string) =>
                JSON.stringify(ids[Number(i)] ?? `ghost-${i}`),
              ),
            );
      const rng = fc.sample(
        fc.tuple(
          fc.oneof(
            // Mostly requests an endpoint accepts; sometimes any method on any target.
            { arbitrary: route, weight: 9 },
            {
              arbitrary: fc.tuple(
                fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
                fc.oneof(
                  pathRef.map((i) => ({ kind: 'id' as const, i })),
                  fc.constant({ kind: 'none' as const }),
                  fc.constant({ kind: 'search' as const }),
                ),
              ),
              weight: 1,
            },
          ),
          fc.constantFrom('Users', 'Groups'),
          fc.tuple(
            userBody,
            groupBody,
            patchBody,
            fc.oneof(
              { arbitrary: fc.constant(undefined), weight: 9 },
              { arbitrary: fc.constantFrom('{', '[]', 'null', '{"a":'.repeat(40)), weight: 1 },
            ),
          ),
          filters,
          fc.constantFrom(undefined, 'W/"1"', 'W/"2"', '*'),
        ),
        { numRuns: plan.length, seed },
      );
      for (const [[method, target], type, [asUser, asGroup, asPatch, junk], filter, ifMatch] of rng) {
        const body = junk ?? (method === 'PATCH' ? asPatch : type === 'Users' ? asUser : asGroup);
        let path = `/${type}`;
        // Ids 0-7 name a resource created so far (when there is one), 8 and 9 a missing one.
        const id =
          target.kind === 'id' && target.i < 8 && ids.length > 0 ? ids[target.i % ids.length] : undefined;
        if (target.kind === 'id') path += `/${encodeURIComponent(id ?? `missing-${target.i}`)}`;
        else if (target.kind === 'search') path += '/.search';
        if (method === 'GET' && target.kind === 'none' && filter !== '')
          path += `?filter=${encodeURIComponent(filter)}`;
        const send = method === 'GET' || method === 'DELETE' ? undefined : resolve(body);
        const before = (await h.store.changes('default', { limit: 10_000 })).length;
        const r = await h.call(method, path, send, ifMatch === undefined ? {} : { 'if-match': ifMatch });
        const after = (await h.store.changes('default', { limit: 10_000 })).length;
        // A failed request commits nothing; a read commits nothing; a write commits at most one change.
        if (r.status >= 400 || method === 'GET')
          expect(after, `${method} ${path} -> ${r.status}`).toBe(before);
        else expect(after - before).toBeLessThanOrEqual(1);
        expect(
          r.status,
          `${method} ${path} ${JSON.stringify(send)} -> ${JSON.stringify(r.body)}`,
        ).toBeLessThan(500);
        if (r.status >= 400) expect(r.body.schemas).toEqual([URN.Error]);
        if (r.status === 201) ids.push(r.body.id);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
      // Consistency: unique userNames (case-insensitive), members exist, memberships symmetric.
      const users = (await h.store.list('default', { resourceType: 'User', startIndex: 1, count: 1000 }))
        .resources;
      const groups = (
        await h.store.list('default', { resourceType: 'Group', startIndex: 1, count: 1000, members: true })
      ).resources;
      const lower = users.map((u) => String(u.data.userName).toLowerCase());
      expect(new Set(lower).size).toBe(lower.length);
      const all = new Set([...users, ...groups].map((r) => r.id));
      for (const g of groups) {
        for (const m of g.members ?? []) {
          expect(all.has(m.value)).toBe(true);
          expect((await h.store.memberOf('default', m.value)).map((x) => x.value)).toContain(g.id);
        }
      }
      for (const u of users) {
        expect(typeof u.data.userName).toBe('string');
        const norm = (v: unknown) => (v === '' ? undefined : v);
        expect(norm(u.data.title)).toEqual(norm(u.data.displayName));
        for (const g of await h.store.memberOf('default', u.id)) expect(all.has(g.value)).toBe(true);
      }
    }),
    { numRuns: 40 },
  );
  // The generator reaches the success paths too, not only the errors.
  for (const status of [200, 201, 204, 400, 404, 409, 412])
    expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
}, 120_000);
