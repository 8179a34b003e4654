import { URN, userResourceSchema } from '@scim/schemas';
import { describe, expect, test } from 'vitest';
import { harness } from '../handler/test-helpers.ts';
import { compilePolicies } from './index.ts';

const patch = (Operations: unknown[]) => ({ schemas: [URN.PatchOp], Operations });
const WORK = 'emails[type eq "work"].value';

describe('deleteMode: disable', () => {
  test('DELETE sets active false, keeps the user, answers 204; GET and filters still return it', async () => {
    const h = harness({ policies: { deleteMode: 'disable' } });
    const u = await h.createUser('soft', { active: true });
    expect((await h.call('DELETE', `/Users/${u.id}`)).status).toBe(204);
    const got = await h.call('GET', `/Users/${u.id}`);
    expect(got.status).toBe(200);
    expect(got.body.active).toBe(false);
    expect(
      (await h.call('GET', `/Users?filter=${encodeURIComponent('userName eq "soft"')}`)).body.totalResults,
    ).toBe(1);
    // A second DELETE is a no-op 204; a missing id is 404.
    expect((await h.call('DELETE', `/Users/${u.id}`)).status).toBe(204);
    expect((await h.call('DELETE', '/Users/nope')).status).toBe(404);
    // Groups are still removed.
    const g = await h.createGroup('G');
    expect((await h.call('DELETE', `/Groups/${g.id}`)).status).toBe(204);
    expect((await h.call('GET', `/Groups/${g.id}`)).status).toBe(404);
  });
});

describe('linkedAttributes', () => {
  const options = { policies: { linkedAttributes: [['userName', WORK]] as const } };

  test('create: userName fills the work email', async () => {
    const h = harness(options);
    const u = await h.createUser('link@x.com');
    expect(u.emails).toEqual([{ type: 'work', value: 'link@x.com' }]);
  });

  test('PATCH userName updates the work email; PATCH the work email updates userName', async () => {
    const h = harness(options);
    const u = await h.createUser('one@x.com', { emails: [{ type: 'home', value: 'h@x.com' }] });
    const r1 = await h.call(
      'PATCH',
      `/Users/${u.id}`,
      patch([{ op: 'replace', path: 'userName', value: 'two@x.com' }]),
    );
    expect(r1.body.emails).toEqual([
      { type: 'home', value: 'h@x.com' },
      { type: 'work', value: 'two@x.com' },
    ]);
    const r2 = await h.call(
      'PATCH',
      `/Users/${u.id}`,
      patch([{ op: 'replace', path: WORK, value: 'three@x.com' }]),
    );
    expect(r2.body.userName).toBe('three@x.com');
    expect(r2.body.emails.find((e: { type: string }) => e.type === 'work').value).toBe('three@x.com');
    // Uniqueness follows the linked value.
    await h.createUser('taken@x.com');
    const r3 = await h.call(
      'PATCH',
      `/Users/${u.id}`,
      patch([{ op: 'replace', path: WORK, value: 'TAKEN@x.com' }]),
    );
    expect(r3.status).toBe(409);
  });
});

describe('readOnlyAttributes', () => {
  test('entra: dropped on create, kept on update', async () => {
    const h = harness({ policies: { readOnlyAttributes: ['title', 'name.familyName'] } });
    const u = await h.createUser('ro', { title: 'CEO', name: { givenName: 'A', familyName: 'B' } });
    expect(u.title).toBeUndefined();
    expect(u.name).toEqual({ givenName: 'A' });
    await h.store.update('default', 'User', u.id, {
      data: { userName: 'ro', title: 'Engineer' },
      unique: [{ attribute: 'userName', value: 'ro' }],
      change: { type: 'user.updated' },
    });
    const r = await h.call(
      'PATCH',
      `/Users/${u.id}`,
      patch([{ op: 'replace', path: 'title', value: 'CEO' }]),
    );
    expect(r.status).toBe(200);
    expect(r.body.title).toBe('Engineer');
  });

  test('strict: a change is 400 mutability', async () => {
    const h = harness({ profile: 'strict', policies: { readOnlyAttributes: ['title'] } });
    const u = await h.createUser('ro');
    const r = await h.call('PATCH', `/Users/${u.id}`, patch([{ op: 'add', path: 'title', value: 'X' }]));
    expect(r.status).toBe(400);
    expect(r.body.scimType).toBe('mutability');
  });

  test('strict: a read-only object resent with its keys in another order is no change', () => {
    // JSON compares objects by their members, in any order (RFC 8259 section 4); a store such as
    // PostgreSQL's jsonb gives them back in its own order.
    const policies = compilePolicies({ readOnlyAttributes: ['name'] }, userResourceSchema, 'strict');
    const previous = { schemas: [URN.User], userName: 'a', name: { givenName: 'G', familyName: 'F' } };
    const next = { schemas: [URN.User], userName: 'a', name: { familyName: 'F', givenName: 'G' } };
    expect(policies.onUpdate(previous, next)).toEqual(next);
    expect(() => policies.onUpdate(previous, { ...next, name: { familyName: 'F', givenName: 'H' } })).toThrow(
      /read-only/,
    );
  });
});

describe('allowedAttributes', () => {
  test('entra: attributes outside the list are dropped', async () => {
    const h = harness({
      policies: { allowedAttributes: ['userName', 'active', 'name.givenName', 'emails'] },
    });
    const u = await h.createUser('al', {
      active: true,
      title: 'T',
      name: { givenName: 'G', familyName: 'F' },
      emails: [{ value: 'a@x.com' }],
      [URN.EnterpriseUser]: { department: 'D' },
    });
    expect(u.title).toBeUndefined();
    expect(u.name).toEqual({ givenName: 'G' });
    expect(u.emails).toEqual([{ value: 'a@x.com' }]);
    expect(u[URN.EnterpriseUser]).toBeUndefined();
    expect(u.schemas).toEqual([URN.User]);
  });

  test('strict: rejected with 400 naming them', async () => {
    const h = harness({ profile: 'strict', policies: { allowedAttributes: ['userName'] } });
    const r = await h.call('POST', '/Users', { schemas: [URN.User], userName: 'x', title: 'T' });
    expect(r.status).toBe(400);
    expect(r.body.detail).toContain('title');
  });

  test('a policy naming an unknown attribute fails at startup', () => {
    expect(() => harness({ policies: { allowedAttributes: ['nope'] } })).toThrow(/nope/);
    expect(() => harness({ policies: { linkedAttributes: [['userName', 'nope.value']] } })).toThrow(/nope/);
  });
});
