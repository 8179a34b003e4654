// Request validation and the PATCH shapes real clients send (issue 11), through the handler.
import { attr, createResourceSchema, defineSchema, isScimError, URN } from '@scim/schemas';
import { describe, expect, test } from 'vitest';
import { memoryStore } from '../store/memory.ts';
import { createScimHandler } from './index.ts';
import { harness, requestContext } from './test-helpers.ts';
import { checkImmutable, checkRequired, parseCreate, parseReplace } from './validation.ts';

const patch = (...Operations: unknown[]) => ({ schemas: [URN.PatchOp], Operations });
const ENT = URN.EnterpriseUser;

describe('PATCH limits', () => {
  test('more operations than maxPatchOperations: 413 naming the limit, nothing written', async () => {
    const h = harness({ limits: { maxPatchOperations: 3 } });
    const u = await h.createUser('many');
    const ops = (n: number) =>
      Array.from({ length: n }, (_, k) => ({ op: 'replace', path: 'title', value: `${k}` }));
    const over = await h.call('PATCH', `/Users/${u.id}`, patch(...ops(4)));
    expect(over.status).toBe(413);
    expect(over.body.detail).toMatch(/4 operations.*at most 3/);
    expect((await h.call('GET', `/Users/${u.id}`)).body.title).toBeUndefined();
    const at = await h.call('PATCH', `/Users/${u.id}`, patch(...ops(3)));
    expect(at.status).toBe(200);
    expect(at.body.title).toBe('2');
  });

  test('the default is 1,000 operations per PATCH, in a bulk request too', async () => {
    const h = harness();
    const u = await h.createUser('thousand');
    const ops = (n: number) =>
      Array.from({ length: n }, (_, k) => ({ op: 'replace', path: 'title', value: `${k}` }));
    expect((await h.call('PATCH', `/Users/${u.id}`, patch(...ops(1000)))).status).toBe(200);
    expect((await h.call('PATCH', `/Users/${u.id}`, patch(...ops(1001)))).status).toBe(413);
    const bulk = await h.call('POST', '/Bulk', {
      schemas: [URN.BulkRequest],
      Operations: [{ method: 'PATCH', path: `/Users/${u.id}`, data: patch(...ops(1001)) }],
    });
    expect(bulk.body.Operations[0].status).toBe('413');
  });

  test('rejects a maxPatchOperations that is not a positive integer', () => {
    for (const maxPatchOperations of [0, -1, 1.5]) {
      expect(() =>
        createScimHandler({
          store: memoryStore(),
          authenticate: async () => undefined,
          limits: { maxPatchOperations },
        }),
      ).toThrow(/maxPatchOperations/);
    }
  });
});

describe('userName of white space only', () => {
  for (const profile of ['entra', 'strict'] as const) {
    test(`${profile}: POST, PUT and PATCH with userName "   " are 400 invalidValue`, async () => {
      const h = harness({ profile });
      for (const userName of ['   ', '\t\u00a0']) {
        const post = await h.call('POST', '/Users', { schemas: [URN.User], userName });
        expect(post.status).toBe(400);
        expect(post.body.scimType).toBe('invalidValue');
        expect(post.body.detail).toMatch(/userName is only white space/);
      }
      const u = await h.createUser('real');
      const put = await h.call('PUT', `/Users/${u.id}`, { schemas: [URN.User], userName: '  ' });
      expect(put.status).toBe(400);
      const p = await h.call(
        'PATCH',
        `/Users/${u.id}`,
        patch({ op: 'replace', path: 'userName', value: ' ' }),
      );
      expect(p.status).toBe(400);
      expect(p.body.scimType).toBe('invalidValue');
      expect((await h.call('GET', `/Users/${u.id}`)).body.userName).toBe('real');
      expect((await h.call('GET', '/Users')).body.totalResults).toBe(1);
    });
  }
});

describe('Bulk bulkIds', () => {
  test('two operations with one bulkId: 400 invalidValue naming it, nothing run', async () => {
    const h = harness();
    const r = await h.call('POST', '/Bulk', {
      schemas: [URN.BulkRequest],
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'q1', data: { schemas: [URN.User], userName: 'one' } },
        { method: 'POST', path: '/Users', bulkId: 'q1', data: { schemas: [URN.User], userName: 'two' } },
      ],
    });
    expect(r.status).toBe(400);
    expect(r.body.scimType).toBe('invalidValue');
    expect(r.body.detail).toMatch(/bulkId "q1".*Operations\[0\]/);
    expect((await h.call('GET', '/Users')).body.totalResults).toBe(0);
  });
});

describe('Entra and Okta PATCH shapes', () => {
  test('remove manager[value eq "<id>"], with and without the URN: clears a matching manager only', async () => {
    const h = harness();
    const m = await h.createUser('boss');
    const u = await h.createUser('report', { [ENT]: { manager: { value: m.id } } });
    const other = await h.call(
      'PATCH',
      `/Users/${u.id}`,
      patch({ op: 'remove', path: 'manager[value eq "nobody"]' }),
    );
    expect(other.status).toBe(200);
    expect(other.body[ENT].manager.value).toBe(m.id);
    const r = await h.call(
      'PATCH',
      `/Users/${u.id}`,
      patch({ op: 'remove', path: `${ENT}:manager[value eq "${m.id}"]` }),
    );
    expect(r.status).toBe(200);
    expect(r.body[ENT]?.manager).toBeUndefined();
    const strict = harness({ profile: 'strict' });
    const s = await strict.createUser('s');
    const refused = await strict.call(
      'PATCH',
      `/Users/${s.id}`,
      patch({ op: 'remove', path: 'manager[value eq "x"]' }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.scimType).toBe('invalidPath');
  });

  test("Add manager as Microsoft's tutorial sends it (bare path, array, $ref)", async () => {
    const h = harness();
    const m = await h.createUser('boss');
    const u = await h.createUser('report');
    const r = await h.call(
      'PATCH',
      `/Users/${u.id}`,
      patch({ op: 'Add', path: 'manager', value: [{ $ref: `http://scim.test/Users/${m.id}`, value: m.id }] }),
    );
    expect(r.status).toBe(200);
    expect(r.body[ENT].manager).toMatchObject({ value: m.id });
    expect(r.body.schemas).toContain(ENT);
  });

  test('a role POSTed with displayName and one PATCHed as a JSON string are stored alike', async () => {
    const h = harness();
    const posted = await h.createUser('r1', {
      roles: [
        { primary: false, type: 'WindowsAzureActiveDirectoryRole', displayName: 'Role1234', value: '25' },
      ],
    });
    expect(posted.roles).toEqual([
      { primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'Role1234', value: '25' },
    ]);
    const u = await h.createUser('r2');
    const encoded = '{"id":"06b07648-ecfe-589f-9d2f-6325724a46ee","value":"25","displayName":"Role1234"}';
    const r = await h.call(
      'PATCH',
      `/Users/${u.id}`,
      patch({ op: 'Add', path: 'roles', value: [{ value: encoded }] }),
    );
    expect(r.status).toBe(200);
    expect(r.body.roles).toEqual([{ value: '25', display: 'Role1234' }]);
    const again = await h.call(
      'PATCH',
      `/Users/${u.id}`,
      patch({ op: 'Add', path: 'roles', value: [{ value: encoded }] }),
    );
    expect(again.headers.get('etag')).toBe(r.headers.get('etag'));
  });

  test("Okta's group rename repeats the group's id: 204 and renamed; another id is 400 mutability", async () => {
    const h = harness();
    const g = await h.createGroup('Test SCIMv2');
    const r = await h.call(
      'PATCH',
      `/Groups/${g.id}`,
      patch({ op: 'replace', value: { id: g.id, displayName: 'Test SCIMv2 renamed' } }),
    );
    expect(r.status).toBe(204);
    expect((await h.call('GET', `/Groups/${g.id}`)).body.displayName).toBe('Test SCIMv2 renamed');
    const other = await h.call(
      'PATCH',
      `/Groups/${g.id}`,
      patch({ op: 'replace', value: { id: 'x', displayName: 'y' } }),
    );
    expect(other.status).toBe(400);
    expect(other.body.scimType).toBe('mutability');
  });

  test('member ids compare exactly: another casing adds nothing and removes nothing', async () => {
    const h = harness({ unknownMembers: 'reject' });
    const a = await h.createUser('a');
    const g = await h.createGroup('G', [a.id]);
    const upper = a.id.toUpperCase();
    const removed = await h.call(
      'PATCH',
      `/Groups/${g.id}`,
      patch({ op: 'Remove', path: 'members', value: [{ value: upper }] }),
    );
    expect(removed.status).toBe(204);
    expect(
      (await h.call('GET', `/Groups/${g.id}`)).body.members.map((m: { value: string }) => m.value),
    ).toEqual([a.id]);
    // Not an id of this tenant: refused under unknownMembers: 'reject' (not taken for a.id).
    const added = await h.call(
      'PATCH',
      `/Groups/${g.id}`,
      patch({ op: 'add', path: 'members', value: [{ value: upper }] }),
    );
    expect(added.status).toBe(400);
  });
});

// validation.ts on its own: what a POST or PUT body must be before it is written.

const badgeSchema = defineSchema({
  id: 'urn:ietf:params:scim:schemas:acme:2.0:Badge',
  name: 'Badge',
  attributes: [
    attr.string('holder', { required: true }),
    attr.complex('issued', [attr.string('site'), attr.string('by')], { mutability: 'immutable' }),
  ],
});
const badges = createResourceSchema(
  { id: 'Badge', name: 'Badge', endpoint: '/Badges', schema: badgeSchema.id, schemaExtensions: [] },
  [badgeSchema],
);

function scimErrorOf(run: () => unknown): { scimType?: string | undefined; detail: string } | undefined {
  try {
    run();
  } catch (error) {
    if (!isScimError(error)) throw error;
    return { scimType: error.scimType, detail: error.message };
  }
  return undefined;
}

describe('validation.ts', () => {
  const ctx = requestContext({ resourceTypes: [{ schema: badges }] });
  const badge = ctx.config.types.find((t) => t.name === 'Badge')!;

  test('checkImmutable: an immutable attribute once set keeps its value, compared as JSON (keys in any order)', () => {
    const previous = { holder: 'a', issued: { site: 'HQ', by: 'desk' } };
    expect(
      scimErrorOf(() => checkImmutable(badge, previous, { issued: { by: 'desk', site: 'HQ' } })),
    ).toBeUndefined();
    expect(
      scimErrorOf(() => checkImmutable(badge, previous, { issued: { site: 'HQ', by: 'gate' } })),
    ).toMatchObject({
      scimType: 'mutability',
      detail: expect.stringContaining('"issued" is immutable'),
    });
    expect(scimErrorOf(() => checkImmutable(badge, previous, {}))?.scimType).toBe('mutability');
    // Not yet set: a PUT may set it.
    expect(
      scimErrorOf(() => checkImmutable(badge, { holder: 'a' }, { issued: { site: 'HQ' } })),
    ).toBeUndefined();
  });

  test('checkRequired names every missing attribute, then every one of white space only', () => {
    expect(scimErrorOf(() => checkRequired(badge, {}, false))?.detail).toContain(
      'required attribute missing: holder',
    );
    expect(scimErrorOf(() => checkRequired(badge, { holder: ' \t' }, false))?.detail).toContain(
      'holder is only white space',
    );
    expect(scimErrorOf(() => checkRequired(badge, { holder: 'a' }, false))).toBeUndefined();
  });

  test('parseReplace: an id in the body must be the one in the URL', () => {
    const body = { schemas: [badgeSchema.id], id: 'b1', holder: 'a' };
    expect(parseReplace(ctx, badge, 'b1', body)).toEqual({ schemas: [badgeSchema.id], holder: 'a' });
    expect(scimErrorOf(() => parseReplace(ctx, badge, 'b2', body))?.scimType).toBe('mutability');
  });

  test('parseCreate reads a role as Entra encodes it under the entra profile only', () => {
    const encoded = JSON.stringify({ id: '06b07648', value: '25', displayName: 'Role1234' });
    const body = { schemas: [URN.User], userName: 'a', roles: [{ value: encoded }] };
    expect(parseCreate(ctx, ctx.config.users, body).roles).toEqual([{ value: '25', display: 'Role1234' }]);
    const strict = requestContext({ profile: 'strict' });
    expect(parseCreate(strict, strict.config.users, body).roles).toEqual([{ value: encoded }]);
  });

  test('through the handler: a PUT may send an immutable object again with its keys in another order', async () => {
    const h = harness({ resourceTypes: [{ schema: badges }] });
    const created = await h.call('POST', '/Badges', {
      schemas: [badgeSchema.id],
      holder: 'a',
      issued: { site: 'HQ', by: 'desk' },
    });
    expect(created.status).toBe(201);
    const put = (issued: unknown) =>
      h.call('PUT', `/Badges/${created.body.id}`, { schemas: [badgeSchema.id], holder: 'b', issued });
    expect((await put({ by: 'desk', site: 'HQ' })).status).toBe(200);
    const changed = await put({ by: 'gate', site: 'HQ' });
    expect(changed.status).toBe(400);
    expect(changed.body.scimType).toBe('mutability');
  });
});
