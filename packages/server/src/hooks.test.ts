import { URN } from '@scim/schemas';
import { describe, expect, test } from 'vitest';
import { harness } from './handler/test-helpers.ts';
import type { ScimHookEvent, ScimHooks } from './options.ts';

const patch = (Operations: unknown[]) => ({ schemas: [URN.PatchOp], Operations });

function recorder() {
  const calls: { hook: string; event: ScimHookEvent }[] = [];
  const names: (keyof ScimHooks)[] = [
    'userCreated',
    'userUpdated',
    'userDeactivated',
    'userReactivated',
    'userDeleted',
    'groupCreated',
    'groupRenamed',
    'groupMembersAdded',
    'groupMembersRemoved',
    'groupDeleted',
  ];
  const hooks: Record<string, (e: ScimHookEvent) => void> = {};
  for (const n of names) hooks[n] = (event) => void calls.push({ hook: n, event });
  return { calls, hooks: hooks as ScimHooks };
}

describe('lifecycle hooks', () => {
  test('user lifecycle: created, updated, deactivated, reactivated, deleted', async () => {
    const { calls, hooks } = recorder();
    const h = harness({ hooks });
    const u = await h.createUser('hook', { active: true });
    await h.call('PATCH', `/Users/${u.id}`, patch([{ op: 'replace', path: 'title', value: 'T' }]));
    await h.call('PATCH', `/Users/${u.id}`, patch([{ op: 'Replace', path: 'active', value: 'False' }]));
    await h.call('PATCH', `/Users/${u.id}`, patch([{ op: 'replace', path: 'active', value: true }]));
    await h.call('DELETE', `/Users/${u.id}`);
    expect(calls.map((c) => c.hook)).toEqual([
      'userCreated',
      'userUpdated',
      'userDeactivated',
      'userReactivated',
      'userDeleted',
    ]);
    expect(calls[1]?.event.changes).toEqual([{ path: 'title', oldValue: undefined, newValue: 'T' }]);
    expect(calls[0]?.event).toMatchObject({
      tenant: 'default',
      resourceType: 'User',
      id: u.id,
      principal: { id: 'tok_default' },
    });
  });

  test('a PATCH that deactivates and changes more fires both hooks; the feed says user.deactivated', async () => {
    const { calls, hooks } = recorder();
    const h = harness({ hooks });
    const u = await h.createUser('both', { active: true });
    await h.call(
      'PATCH',
      `/Users/${u.id}`,
      patch([
        { op: 'replace', path: 'active', value: false },
        { op: 'replace', path: 'title', value: 'Gone' },
      ]),
    );
    expect(calls.map((c) => c.hook)).toEqual(['userCreated', 'userUpdated', 'userDeactivated']);
    const feed = await h.handler.changes('default');
    expect(feed.map((e) => e.type)).toEqual(['user.created', 'user.deactivated']);
  });

  test('disabling delete fires userDeactivated', async () => {
    const { calls, hooks } = recorder();
    const h = harness({ hooks, policies: { deleteMode: 'disable' } });
    const u = await h.createUser('soft');
    await h.call('DELETE', `/Users/${u.id}`);
    expect(calls.map((c) => c.hook)).toEqual(['userCreated', 'userDeactivated']);
  });

  test('group lifecycle: created, renamed, members added and removed', async () => {
    const { calls, hooks } = recorder();
    const h = harness({ hooks });
    const a = await h.createUser('a');
    const g = await h.createGroup('G');
    await h.call('PATCH', `/Groups/${g.id}`, patch([{ op: 'replace', path: 'displayName', value: 'H' }]));
    const add = patch([{ op: 'add', path: 'members', value: [{ value: a.id }] }]);
    const remove = patch([{ op: 'remove', path: 'members', value: [{ value: a.id }] }]);
    await h.call('PATCH', `/Groups/${g.id}`, add);
    // Adding a member again, or removing one that is not there, changes nothing and fires nothing.
    await h.call('PATCH', `/Groups/${g.id}`, add);
    await h.call('PATCH', `/Groups/${g.id}`, remove);
    await h.call('PATCH', `/Groups/${g.id}`, remove);
    await h.call('DELETE', `/Groups/${g.id}`);
    expect(calls.map((c) => c.hook)).toEqual([
      'userCreated',
      'groupCreated',
      'groupRenamed',
      'groupMembersAdded',
      'groupMembersRemoved',
      'groupDeleted',
    ]);
    expect(calls[3]?.event.members).toEqual([a.id]);
  });

  test('a failing hook is logged and does not fail the request', async () => {
    const warned: unknown[] = [];
    const h = harness({
      hooks: {
        userCreated: () => {
          throw new Error('boom');
        },
      },
      logger: { info: () => {}, warn: (f) => warned.push(f), error: () => {} },
    });
    const r = await h.call('POST', '/Users', { schemas: [URN.User], userName: 'x' });
    expect(r.status).toBe(201);
    expect(warned).toHaveLength(1);
  });
});

describe('change feed', () => {
  test('every committed change, in order, read with a cursor; failed writes leave none', async () => {
    const h = harness();
    const u = await h.createUser('feed');
    await h.call('POST', '/Users', { schemas: [URN.User], userName: 'FEED' }); // 409: no entry
    await h.call('PATCH', `/Users/${u.id}`, patch([{ op: 'replace', path: 'active', value: false }]));
    const g = await h.createGroup('G', [u.id]);
    await h.call('PATCH', `/Groups/${g.id}`, patch([{ op: 'remove', path: 'members' }]));
    const all = await h.handler.changes('default');
    expect(all.map((e) => e.type)).toEqual([
      'user.created',
      'user.deactivated',
      'group.created',
      'group.members.removed',
    ]);
    expect(all[1]).toMatchObject({ tenant: 'default', resourceType: 'User', id: u.id, version: 2 });
    expect(all[2]).toMatchObject({ membersAdded: [u.id] });
    const after = await h.handler.changes('default', { after: all[1]?.cursor ?? '', limit: 1 });
    expect(after.map((e) => e.type)).toEqual(['group.created']);
    expect(await h.handler.changes('other')).toEqual([]);
  });
});
