import { URN } from '@scim/schemas';
import { describe, expect, it } from 'vitest';
import { harness } from '../handler/test-helpers.ts';
import { type PostgresStore, postgresStore } from './postgres.ts';
import { postgresTarget } from './sql/postgres-target.fixture.ts';
import type { ScimStore, UpdateInput } from './types.ts';

// A user's PUT or PATCH answers with its groups read by the update statement (UpdateInput.groups):
// on the server on 127.0.0.1:5432 when one answers, and on PGlite.
const target = await postgresTarget();
const { url } = target;

const backends: [string, () => PostgresStore][] = [
  ['PGlite', () => postgresStore({ pglite: target.pglite(), schema: target.schema() })],
];
if (url !== undefined) {
  backends.push([
    'server',
    () => {
      return postgresStore({ connectionString: url, schema: target.schema(), maxConnections: 4 });
    },
  ]);
}

/** PGlite (no server) starts and migrates in the first test: seconds on a loaded machine. */
const SLOW = 120_000;

/** `inner`, counting its `memberOf` calls; with `ignoreGroups`, as a store that ignores the flag. */
function counting(inner: PostgresStore, ignoreGroups = false) {
  const count = { memberOf: 0 };
  const store = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'memberOf') {
        return (...args: Parameters<ScimStore['memberOf']>) => {
          count.memberOf++;
          return target.memberOf(...args);
        };
      }
      if (prop === 'update' && ignoreGroups) {
        return (tenant: string, type: string, id: string, input: UpdateInput) => {
          const { groups: _ignored, ...rest } = input;
          return target.update(tenant, type, id, rest);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store, count };
}

const rename = (value: string) => ({
  schemas: [URN.PatchOp],
  Operations: [{ op: 'replace', path: 'displayName', value }],
});

describe.each(backends)("postgres (%s): a user's write answers with its groups", (_name, make) => {
  it(
    'PATCH and PUT: the groups come from the update statement, no memberOf round trip',
    async () => {
      const inner = make();
      const { store, count } = counting(inner);
      const h = harness({}, store);
      const user = await h.createUser('grouped@example.com');
      const a = await h.createGroup('Readers', [user.id]);
      const b = await h.createGroup('Writers', [user.id]);
      count.memberOf = 0;
      const patched = await h.call('PATCH', `/Users/${user.id}`, rename('Grouped'));
      expect(patched.status).toBe(200);
      expect(patched.body.groups.map((g: { value: string }) => g.value)).toEqual([a.id, b.id]);
      const put = await h.call('PUT', `/Users/${user.id}`, {
        schemas: [URN.User],
        userName: 'grouped@example.com',
        displayName: 'Put',
      });
      expect(put.status).toBe(200);
      expect(count.memberOf).toBe(0);
      const got = await h.call('GET', `/Users/${user.id}`);
      expect(patched.body.groups).toEqual(got.body.groups);
      expect(put.body.groups).toEqual(got.body.groups);
      await inner.close();
    },
    SLOW,
  );

  it(
    'a store that ignores the flag: the handler asks memberOf, the answer is the same',
    async () => {
      const inner = make();
      const { store, count } = counting(inner, true);
      const h = harness({}, store);
      const user = await h.createUser('ignored@example.com');
      const group = await h.createGroup('Readers', [user.id]);
      count.memberOf = 0;
      const patched = await h.call('PATCH', `/Users/${user.id}`, rename('Ignored'));
      expect(patched.status).toBe(200);
      expect(count.memberOf).toBe(1);
      expect(patched.body.groups.map((g: { value: string }) => g.value)).toEqual([group.id]);
      await inner.close();
    },
    SLOW,
  );

  it(
    'no groups asked (excludedAttributes=groups): none read, none answered',
    async () => {
      const inner = make();
      const { store, count } = counting(inner);
      const h = harness({}, store);
      const user = await h.createUser('excluded@example.com');
      await h.createGroup('Readers', [user.id]);
      count.memberOf = 0;
      const patched = await h.call('PATCH', `/Users/${user.id}?excludedAttributes=groups`, rename('X'));
      expect(patched.status).toBe(200);
      expect(patched.body.groups).toBeUndefined();
      expect(count.memberOf).toBe(0);
      await inner.close();
    },
    SLOW,
  );
});
