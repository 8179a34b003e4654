import { URN } from '@scim/schemas';
import { describe, expect, test } from 'vitest';
import { memoryStore } from '../store/memory.ts';
import type { StoredResource } from '../store/types.ts';
import { createScimHandler } from './index.ts';
import { harness } from './test-helpers.ts';

const patch = (Operations: unknown[]) => ({ schemas: [URN.PatchOp], Operations });

describe('/Groups', () => {
  test('POST with members: 201, members with display, type and $ref', async () => {
    const h = harness();
    const u = await h.createUser('member@x.com', { displayName: 'Mem Ber' });
    const g = await h.createGroup('Sales', [u.id]);
    expect(g.members).toEqual([
      { value: u.id, display: 'Mem Ber', type: 'User', $ref: `http://scim.test/Users/${u.id}` },
    ]);
    const user = await h.call('GET', `/Users/${u.id}`);
    expect(user.body.groups).toEqual([
      { value: g.id, display: 'Sales', type: 'direct', $ref: `http://scim.test/Groups/${g.id}` },
    ]);
  });

  test('unknown member id under unknownMembers: reject: 400 invalidValue and no group', async () => {
    const h = harness({ unknownMembers: 'reject' });
    const r = await h.call('POST', '/Groups', {
      schemas: [URN.Group],
      displayName: 'G',
      members: [{ value: 'ghost' }],
    });
    expect(r.status).toBe(400);
    expect(r.body.scimType).toBe('invalidValue');
    expect((await h.call('GET', '/Groups')).body.totalResults).toBe(0);
  });

  test('PATCH add / remove members: 204; Entra removal by value list', async () => {
    const h = harness();
    const a = await h.createUser('a');
    const b = await h.createUser('b');
    const c = await h.createUser('c');
    const g = await h.createGroup('G', [a.id]);
    const add = await h.call(
      'PATCH',
      `/Groups/${g.id}`,
      patch([{ op: 'Add', path: 'members', value: [{ value: b.id }, { value: c.id }] }]),
    );
    expect(add.status).toBe(204);
    expect(add.body).toBeUndefined();
    const remove = await h.call(
      'PATCH',
      `/Groups/${g.id}`,
      patch([{ op: 'Remove', path: 'members', value: [{ value: a.id }, { value: c.id }] }]),
    );
    expect(remove.status).toBe(204);
    const got = await h.call('GET', `/Groups/${g.id}`);
    expect(got.body.members.map((m: { value: string }) => m.value)).toEqual([b.id]);
    const byFilter = await h.call(
      'PATCH',
      `/Groups/${g.id}`,
      patch([{ op: 'remove', path: `members[value eq "${b.id}"]` }]),
    );
    expect(byFilter.status).toBe(204);
    expect((await h.call('GET', `/Groups/${g.id}`)).body.members).toBeUndefined();
  });

  test('PATCH adding an unknown member under strict: 400 and nothing changed', async () => {
    const h = harness({ profile: 'strict' });
    const a = await h.createUser('a');
    const g = await h.createGroup('G', [a.id]);
    const r = await h.call(
      'PATCH',
      `/Groups/${g.id}`,
      patch([{ op: 'add', path: 'members', value: [{ value: 'ghost' }] }]),
    );
    expect(r.status).toBe(400);
    expect((await h.call('GET', `/Groups/${g.id}`)).body.members).toHaveLength(1);
  });

  test('PATCH rename (Entra path-less replace) and replace of all members', async () => {
    const h = harness();
    const a = await h.createUser('a');
    const b = await h.createUser('b');
    const g = await h.createGroup('Old', [a.id]);
    expect(
      (await h.call('PATCH', `/Groups/${g.id}`, patch([{ op: 'Replace', value: { displayName: 'New' } }])))
        .status,
    ).toBe(204);
    expect(
      (
        await h.call(
          'PATCH',
          `/Groups/${g.id}`,
          patch([{ op: 'replace', path: 'members', value: [{ value: b.id }] }]),
        )
      ).status,
    ).toBe(204);
    const got = await h.call('GET', `/Groups/${g.id}`);
    expect(got.body.displayName).toBe('New');
    expect(got.body.members.map((m: { value: string }) => m.value)).toEqual([b.id]);
  });

  test('excludedAttributes=members: members neither returned nor loaded', async () => {
    let loadedMembers = 0;
    const inner = memoryStore();
    const store = {
      ...inner,
      get: (t: string, rt: string, id: string, o?: { members?: boolean }) => {
        if (o?.members) loadedMembers++;
        return inner.get(t, rt, id, o);
      },
      list: (t: string, q: Parameters<typeof inner.list>[1]) => {
        if (q.members) loadedMembers++;
        return inner.list(t, q);
      },
    };
    const h = harness({}, store);
    const a = await h.createUser('a');
    const g = await h.createGroup('G', [a.id]);
    loadedMembers = 0;
    const one = await h.call('GET', `/Groups/${g.id}?excludedAttributes=members`);
    const list = await h.call(
      'GET',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "G"')}`,
    );
    expect(one.body.members).toBeUndefined();
    expect(one.body.displayName).toBe('G');
    expect(list.body.Resources[0].members).toBeUndefined();
    expect(list.body.totalResults).toBe(1);
    expect(loadedMembers).toBe(0);
  });

  test('filter members[value eq ...] and displayName, case-insensitive', async () => {
    const h = harness();
    const a = await h.createUser('a');
    await h.createGroup('Engineering', [a.id]);
    await h.createGroup('Other');
    const r = await h.call('GET', `/Groups?filter=${encodeURIComponent(`members[value eq "${a.id}"]`)}`);
    expect(r.body.totalResults).toBe(1);
    const d = await h.call('GET', `/Groups?filter=${encodeURIComponent('displayName eq "engineering"')}`);
    expect(d.body.totalResults).toBe(1);
  });

  test("deleting a user removes its memberships; deleting a group removes users' groups", async () => {
    const h = harness();
    const a = await h.createUser('a');
    const b = await h.createUser('b');
    const g = await h.createGroup('G', [a.id, b.id]);
    expect((await h.call('DELETE', `/Users/${a.id}`)).status).toBe(204);
    expect(
      (await h.call('GET', `/Groups/${g.id}`)).body.members.map((m: { value: string }) => m.value),
    ).toEqual([b.id]);
    expect((await h.call('DELETE', `/Groups/${g.id}`)).status).toBe(204);
    expect((await h.call('GET', `/Users/${b.id}`)).body.groups).toBeUndefined();
  });

  test('concurrent member additions from two handler instances: no member lost', async () => {
    const store = memoryStore();
    const h1 = harness({}, store);
    const h2 = harness({}, store);
    const users: { id: string }[] = [];
    for (let i = 0; i < 20; i++) users.push(await h1.createUser(`u${i}`));
    const g = await h1.createGroup('G');
    await Promise.all(
      users.map((u, i) =>
        (i % 2 === 0 ? h1 : h2).call(
          'PATCH',
          `/Groups/${g.id}`,
          patch([
            { op: 'add', path: 'members', value: [{ value: u.id }] },
            // Each request also renames the group, so that writes conflict on the version.
            { op: 'replace', path: 'displayName', value: `G${i}` },
          ]),
        ),
      ),
    ).then((rs) => expect(rs.map((r) => r.status)).toEqual(users.map(() => 204)));
    const got = await h1.call('GET', `/Groups/${g.id}`);
    expect(got.body.members).toHaveLength(20);
  });

  test('member PATCH with a stale If-Match: 412 and no member changed', async () => {
    const h = harness();
    const a = await h.createUser('a');
    const g = await h.createGroup('G');
    const ok = await h.call(
      'PATCH',
      `/Groups/${g.id}`,
      patch([{ op: 'add', path: 'members', value: [{ value: a.id }] }]),
      {
        'if-match': 'W/"1"',
      },
    );
    expect(ok.status).toBe(204);
    expect(ok.headers.get('etag')).toBe('W/"2"');
    const stale = await h.call('PATCH', `/Groups/${g.id}`, patch([{ op: 'remove', path: 'members' }]), {
      'if-match': 'W/"1"',
    });
    expect(stale.status).toBe(412);
    expect((await h.call('GET', `/Groups/${g.id}`)).body.members).toHaveLength(1);
  });

  test('PUT replaces the members', async () => {
    const h = harness();
    const a = await h.createUser('a');
    const b = await h.createUser('b');
    const g = await h.createGroup('G', [a.id]);
    const r = await h.call('PUT', `/Groups/${g.id}`, {
      schemas: [URN.Group],
      displayName: 'G2',
      members: [{ value: b.id }],
    });
    expect(r.status).toBe(200);
    expect(r.body.members.map((m: { value: string }) => m.value)).toEqual([b.id]);
  });

  test('groups: false serves no /Groups and advertises none', async () => {
    const h = harness({ groups: false });
    expect((await h.call('GET', '/Groups')).status).toBe(404);
    const types = await h.call('GET', '/ResourceTypes');
    expect(types.body.Resources.map((t: { name: string }) => t.name)).toEqual(['User']);
  });

  test('a group may not be a member of itself; nested groups are allowed', async () => {
    const h = harness();
    const inner = await h.createGroup('Inner');
    const outer = await h.createGroup('Outer', [inner.id]);
    expect(outer.members[0]).toMatchObject({ value: inner.id, type: 'Group' });
    const self = await h.call(
      'PATCH',
      `/Groups/${outer.id}`,
      patch([{ op: 'add', path: 'members', value: [{ value: outer.id }] }]),
    );
    expect(self.status).toBe(400);
  });
});

describe('createScimHandler options', () => {
  test('rejects a required path the schema lacks', () => {
    expect(() =>
      createScimHandler({
        store: memoryStore(),
        authenticate: async () => undefined,
        users: { required: ['nope'] },
      }),
    ).toThrow(/nope/);
  });

  test('entra: unknown member ids are left out, logged at debug, and recorded nowhere', async () => {
    const debug: unknown[] = [];
    const logger = { info() {}, warn() {}, error() {}, debug: (fields: unknown) => debug.push(fields) };
    const changes: unknown[] = [];
    const h = harness({ logger, hooks: { groupMembersAdded: (e) => void changes.push(e.members) } });
    const a = await h.createUser('a');
    const b = await h.createUser('b');
    const created = await h.call('POST', '/Groups', {
      schemas: [URN.Group],
      displayName: 'G',
      members: [{ value: a.id }, { value: 'ghost-1' }],
    });
    expect(created.status).toBe(201);
    expect(created.body.members.map((m: { value: string }) => m.value)).toEqual([a.id]);
    const g = created.body;
    // Microsoft's validator: a bare string id that does not exist.
    const garbage = await h.call(
      'PATCH',
      `/Groups/${g.id}`,
      patch([{ op: 'add', path: 'members', value: 'string id 1' }]),
    );
    expect(garbage.status).toBe(204);
    const mixed = await h.call(
      'PATCH',
      `/Groups/${g.id}`,
      patch([{ op: 'add', path: 'members', value: [{ value: 'ghost-2' }, { value: b.id }] }]),
    );
    expect(mixed.status).toBe(204);
    const got = await h.call('GET', `/Groups/${g.id}`);
    expect(got.body.members.map((m: { value: string }) => m.value)).toEqual([a.id, b.id]);
    expect(changes).toEqual([[b.id]]);
    const feed = await h.handler.changes('default');
    expect(JSON.stringify(feed)).not.toContain('ghost');
    expect(JSON.stringify(feed)).not.toContain('string id');
    expect(debug).toHaveLength(3);
    expect(debug[1]).toMatchObject({ id: g.id, members: ['string id 1'] });
  });

  test('a member display label sent by the client is kept; Entra’s displayName under entra only', async () => {
    const h = harness();
    const a = await h.createUser('a', { displayName: 'Alice' });
    const b = await h.createUser('b', { displayName: 'Bob' });
    const c = await h.createUser('c', { displayName: 'Carol' });
    const g = (
      await h.call('POST', '/Groups', {
        schemas: [URN.Group],
        displayName: 'G',
        members: [{ value: a.id, display: 'VP' }, { value: b.id }],
      })
    ).body;
    expect(g.members.map((m: { display: string }) => m.display)).toEqual(['VP', 'Bob']);
    const add = (value: unknown) =>
      h.call('PATCH', `/Groups/${g.id}`, patch([{ op: 'add', path: 'members', value }]));
    expect((await add([{ displayName: 'new User', value: c.id }])).status).toBe(204);
    // Adding a present member keeps its label: display is immutable (RFC 7643 section 2.4).
    await add([{ display: 'other', value: c.id }]);
    let got = await h.call('GET', `/Groups/${g.id}`);
    expect(got.body.members.map((m: { display: string }) => m.display)).toEqual(['VP', 'Bob', 'new User']);
    const filtered = await h.call(
      'GET',
      `/Groups?filter=${encodeURIComponent('members.display eq "NEW user"')}`,
    );
    expect(filtered.body.totalResults).toBe(1);
    await h.call('PATCH', `/Groups/${g.id}`, patch([{ op: 'remove', path: `members[value eq "${c.id}"]` }]));
    got = await h.call('GET', `/Groups/${g.id}`);
    expect(JSON.stringify(got.body)).not.toContain('new User');
    // Without a label, the member's name shows.
    await add([{ value: c.id }]);
    got = await h.call('GET', `/Groups/${g.id}`);
    expect(got.body.members.at(-1).display).toBe('Carol');

    const strict = harness({ profile: 'strict' });
    const d = await strict.createUser('d', { displayName: 'Dan' });
    const sg = await strict.createGroup('S', []);
    const rejected = await strict.call(
      'PATCH',
      `/Groups/${sg.id}`,
      patch([{ op: 'add', path: 'members', value: [{ displayName: 'x', value: d.id }] }]),
    );
    expect(rejected.status).toBe(400);
  });

  test('a member-only PATCH writes without a version check, unless the client sent If-Match', async () => {
    const inner = memoryStore();
    const seen: (number | undefined)[] = [];
    const store = {
      ...inner,
      open: inner.open.bind(inner),
      update: (...args: Parameters<typeof inner.update>) => {
        seen.push(args[3].ifVersion);
        return inner.update(...args);
      },
    };
    const h = harness({}, store);
    const a = await h.createUser('a');
    const b = await h.createUser('b');
    const g = await h.createGroup('G');
    const add = (id: string, headers: Record<string, string> = {}) =>
      h.call(
        'PATCH',
        `/Groups/${g.id}`,
        patch([{ op: 'add', path: 'members', value: [{ value: id }] }]),
        headers,
      );
    expect((await add(a.id)).status).toBe(204);
    const etag = (await h.call('GET', `/Groups/${g.id}`)).headers.get('etag') ?? '';
    expect((await add(b.id, { 'if-match': etag })).status).toBe(204);
    await h.call('PATCH', `/Groups/${g.id}`, patch([{ op: 'replace', path: 'displayName', value: 'H' }]));
    expect(seen).toEqual([undefined, 2, 3]);
  });

  test('entra: many member ids at once are checked in batches, users and groups alike', async () => {
    const h = harness();
    const users = [];
    for (let i = 0; i < 6; i++) users.push(await h.createUser(`u${i}`));
    const inner = await h.createGroup('inner');
    const sent = [...users.map((u) => u.id), 'ghost-a', inner.id, 'ghost-b'];
    const g = await h.call('POST', '/Groups', {
      schemas: [URN.Group],
      displayName: 'G',
      members: sent.map((value) => ({ value })),
    });
    expect(g.status).toBe(201);
    expect(g.body.members.map((m: { value: string }) => m.value)).toEqual([
      ...users.map((u) => u.id),
      inner.id,
    ]);
  });

  test("POST /Users answers without reading the new user's groups (it is in none), as GET answers it", async () => {
    const inner = memoryStore();
    let reads = 0;
    const store = Object.create(inner, {
      memberOf: {
        value: (tenant: string, id: string) => {
          reads++;
          return inner.memberOf(tenant, id);
        },
      },
    });
    const h = harness({}, store);
    const created = await h.call('POST', '/Users', { schemas: [URN.User], userName: 'new@x.com' });
    expect(created.status).toBe(201);
    expect(reads).toBe(0);
    const asked = await h.call('POST', '/Users?attributes=groups,userName', {
      schemas: [URN.User],
      userName: 'asked@x.com',
    });
    expect(reads).toBe(0);
    expect(asked.body.groups).toBeUndefined();
    const got = await h.call('GET', `/Users/${created.body.id}`);
    expect(created.body).toEqual(got.body);
    expect(created.headers.get('etag')).toBe(got.headers.get('etag'));
  });

  test('POST answers the data of a store whose created resource keeps it in a getter', async () => {
    /** A created resource whose data is a getter of its class (as the SQL stores' read resources). */
    class Lazy {
      readonly id: string;
      readonly resourceType: string;
      readonly version: number;
      readonly created: string;
      readonly lastModified: string;
      readonly #data: Record<string, unknown>;
      constructor(r: StoredResource) {
        this.id = r.id;
        this.resourceType = r.resourceType;
        this.version = r.version;
        this.created = r.created;
        this.lastModified = r.lastModified;
        this.#data = r.data;
      }
      get data(): Record<string, unknown> {
        return this.#data;
      }
    }
    const inner = memoryStore();
    const store = Object.create(inner, {
      create: {
        value: async (...args: Parameters<typeof inner.create>) => {
          return new Lazy(await inner.create(...args));
        },
      },
    });
    const h = harness({}, store);
    const created = await h.call('POST', '/Users', {
      schemas: [URN.User],
      userName: 'lazy@x.com',
      displayName: 'Lazy',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ userName: 'lazy@x.com', displayName: 'Lazy' });
  });
});
