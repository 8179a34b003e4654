// The part of the store contract suite that drives the handler over the store under test: what a
// client sends must change a store's data the same way whatever the store (memory, SQLite,
// PostgreSQL, a custom one). Declared by describeStoreContract.
import { URN } from '@scim/schemas';
import { describe, expect, it } from 'vitest';
import { createScimHandler } from '../handler/index.ts';
import type { ScimHandler } from '../options.ts';
import type { ScimStore } from './types.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
type Body = any;

/** A handler over `store` with the tenant in the path (`/<tenant>/Users`); every request is let in. */
function handlerOver(store: ScimStore, profile: 'entra' | 'strict'): ScimHandler {
  return createScimHandler({
    store,
    profile,
    basePath: '/{tenant}',
    authenticate: async (_request, tenant) => ({ tenant, kind: 'bearer', id: 'contract' }),
  });
}

async function call(
  handler: ScimHandler,
  tenant: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Body }> {
  const res = await handler(
    new Request(`http://contract.test/${tenant}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/scim+json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

const patchOp = (...Operations: unknown[]) => ({ schemas: [URN.PatchOp], Operations });

/**
 * Declares the handler tests of the contract suite. `store` returns the suite's opened store;
 * `tenant` a tenant no other test uses.
 * @internal
 */
export function describeHandlerContract(store: () => ScimStore, tenant: () => string): void {
  describe('under the handler', () => {
    /** A group with two members, and a way to read its member ids and version. */
    async function group(handler: ScimHandler, t: string) {
      const ids: string[] = [];
      for (const userName of ['ann@x.com', 'bob@x.com']) {
        const r = await call(handler, t, 'POST', '/Users', { schemas: [URN.User], userName });
        expect(r.status).toBe(201);
        ids.push(r.body.id);
      }
      const created = await call(handler, t, 'POST', '/Groups', {
        schemas: [URN.Group],
        displayName: 'Sales',
        members: ids.map((value) => ({ value })),
      });
      expect(created.status).toBe(201);
      const id: string = created.body.id;
      const state = async () => {
        const r = await call(handler, t, 'GET', `/Groups/${id}`);
        return {
          members: (r.body.members ?? []).map((m: { value: string }) => m.value).sort(),
          version: r.body.meta.version,
        };
      };
      return { id, ids: [...ids].sort(), state };
    }

    it('never clears members for a remove whose value is empty or names no member (entra)', async () => {
      const handler = handlerOver(store(), 'entra');
      const t = tenant();
      const g = await group(handler, t);
      const before = await g.state();
      for (const value of [[], null, '', {}]) {
        const r = await call(
          handler,
          t,
          'PATCH',
          `/Groups/${g.id}`,
          patchOp({ op: 'Remove', path: 'members', value }),
        );
        expect(r.status, JSON.stringify(value)).toBe(204);
      }
      for (const value of [[{ display: 'x' }], [{ value: '' }], [null]]) {
        const r = await call(
          handler,
          t,
          'PATCH',
          `/Groups/${g.id}`,
          patchOp({ op: 'Remove', path: 'members', value }),
        );
        expect(r.status, JSON.stringify(value)).toBe(400);
        expect(r.body.scimType).toBe('invalidValue');
      }
      const upper = g.ids[0]?.toUpperCase() as string;
      if (upper !== g.ids[0]) {
        // Ids are caseExact: another casing names no member.
        const r = await call(
          handler,
          t,
          'PATCH',
          `/Groups/${g.id}`,
          patchOp({ op: 'remove', path: `members[value eq "${upper}"]` }),
        );
        expect(r.status).toBe(204);
      }
      expect(await g.state()).toEqual(before);
      expect(before.members).toEqual(g.ids);
      const cleared = await call(
        handler,
        t,
        'PATCH',
        `/Groups/${g.id}`,
        patchOp({ op: 'remove', path: 'members' }),
      );
      expect(cleared.status).toBe(204);
      expect((await g.state()).members).toEqual([]);
    });

    it('refuses a remove with any value under strict, and keeps the members', async () => {
      const handler = handlerOver(store(), 'strict');
      const t = tenant();
      const g = await group(handler, t);
      const before = await g.state();
      for (const value of [[], null, '', {}]) {
        const r = await call(
          handler,
          t,
          'PATCH',
          `/Groups/${g.id}`,
          patchOp({ op: 'remove', path: 'members', value }),
        );
        expect(r.status, JSON.stringify(value)).toBe(400);
        expect(r.body.scimType).toBe('invalidValue');
      }
      expect(await g.state()).toEqual(before);
    });

    it('keeps the members for such a remove inside a bulk request', async () => {
      const handler = handlerOver(store(), 'entra');
      const t = tenant();
      const g = await group(handler, t);
      const before = await g.state();
      const r = await call(handler, t, 'POST', '/Bulk', {
        schemas: [URN.BulkRequest],
        Operations: [
          {
            method: 'PATCH',
            path: `/Groups/${g.id}`,
            data: patchOp({ op: 'Remove', path: 'members', value: [] }),
          },
          {
            method: 'PATCH',
            path: `/Groups/${g.id}`,
            data: patchOp({ op: 'Remove', path: 'members', value: [{ display: 'x' }] }),
          },
        ],
      });
      expect(r.status).toBe(200);
      expect(r.body.Operations.map((o: { status: string }) => o.status)).toEqual(['204', '400']);
      expect(await g.state()).toEqual(before);
    });

    // Review of issue 11: member and group references hold ids, which are caseExact (RFC 7643
    // section 3.1), yet `members.value eq "<ID in upper case>"` and `groups.value` matched ignoring
    // case on every store while `id eq` did not (docs/decisions/0011).
    it('filters members.value and groups.value exactly, with every operator', async () => {
      const handler = handlerOver(store(), 'entra');
      const t = tenant();
      const g = await group(handler, t);
      const member = g.ids[0] as string;
      const upper = member.toUpperCase();
      expect(upper).not.toBe(member);
      const count = async (path: string, filter: string) =>
        (await call(handler, t, 'GET', `${path}?filter=${encodeURIComponent(filter)}`)).body.totalResults;
      expect(await count('/Groups', `members.value eq "${member}"`)).toBe(1);
      expect(await count('/Groups', `members.value eq "${upper}"`)).toBe(0);
      // Whole ids: a slice of a UUID may hold digits only, the same in either case.
      expect(await count('/Groups', `members[value sw "${upper}"]`)).toBe(0);
      expect(await count('/Groups', `members[value co "${upper}"] or members.value ew "${upper}"`)).toBe(0);
      expect(await count('/Groups', `members[value co "${member}"]`)).toBe(1);
      const groupId = g.id.toUpperCase();
      expect(groupId).not.toBe(g.id);
      expect(await count('/Users', `groups.value eq "${g.id}"`)).toBe(2);
      expect(await count('/Users', `groups.value eq "${groupId}"`)).toBe(0);
      expect(await count('/Users', `groups[value co "${groupId}"]`)).toBe(0);
    });

    // Review of issue 11: the rule "a value present never clears" held for members and title, not
    // for a singular complex attribute (name, manager) or a sub-attribute, nor for add/replace of {}.
    it('never clears name or manager for a remove with a value naming something else, nor for add or replace of {} (entra)', async () => {
      const handler = handlerOver(store(), 'entra');
      const t = tenant();
      const boss = await call(handler, t, 'POST', '/Users', { schemas: [URN.User], userName: 'boss@x.com' });
      expect(boss.status).toBe(201);
      const created = await call(handler, t, 'POST', '/Users', {
        schemas: [URN.User, URN.EnterpriseUser],
        userName: 'ann@x.com',
        name: { givenName: 'Ann', familyName: 'Lee' },
        [URN.EnterpriseUser]: { manager: { value: boss.body.id } },
      });
      expect(created.status).toBe(201);
      const id: string = created.body.id;
      const state = async () => {
        const r = await call(handler, t, 'GET', `/Users/${id}`);
        return { name: r.body.name, manager: r.body[URN.EnterpriseUser]?.manager?.value };
      };
      const before = await state();
      expect(before).toEqual({ name: { givenName: 'Ann', familyName: 'Lee' }, manager: boss.body.id });
      const operations = [
        { op: 'Remove', path: 'name', value: { givenName: 'Bob' } },
        { op: 'Remove', path: 'name', value: {} },
        { op: 'Remove', path: 'name.givenName', value: 'Bob' },
        { op: 'Remove', path: 'name.givenName', value: [] },
        { op: 'Remove', path: `${URN.EnterpriseUser}:manager`, value: [] },
        { op: 'Add', path: 'name', value: {} },
        { op: 'Replace', path: 'name', value: {} },
        { op: 'Add', path: `${URN.EnterpriseUser}:manager`, value: {} },
        { op: 'Add', path: `${URN.EnterpriseUser}:manager`, value: [] },
      ];
      for (const op of operations) {
        const r = await call(handler, t, 'PATCH', `/Users/${id}`, patchOp(op));
        expect(r.status, JSON.stringify(op)).toBeLessThan(500);
        expect(await state(), JSON.stringify(op)).toEqual(before);
      }
    });
  });
}
