// Test helper shared by the stores' rendering tests (sqlite-rendering.test.ts,
// postgres-rendering.test.ts): the random users they write, and the reads they compare.
import { URN } from '@scim/schemas';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { harness } from '../handler/test-helpers.ts';

/** Values that test the rendering's escaping: quotes, backslashes, U+0001 (a hole's mark), astral characters. */
export const word = fc.constantFrom('a', 'Zoë', 'x"y\\z', 'o\u0001k', '𝒜', 'meta');

/**
 * A user body with attributes in odd case, multi-valued and complex values, `password` and the
 * enterprise extension. `email` makes a value of `emails`: the order of its keys is the store's
 * to keep (a `jsonb` column reorders them, shorter keys first).
 */
export function renderedUser(email: fc.Arbitrary<Record<string, unknown>>) {
  return fc.record(
    {
      userName: word,
      DisplayName: word,
      NAME: fc.record({ givenName: word, FamilyName: word }, { requiredKeys: [] }),
      emails: fc.array(email, { maxLength: 3 }),
      externalId: word,
      active: fc.boolean(),
      title: word,
      password: word,
      [URN.EnterpriseUser]: fc.record(
        { department: word, manager: fc.record({ value: word }), employeeNumber: word },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['userName'] },
  );
}

/** What `read` answers for each path, in order, one read at a time. */
export async function readEach(
  read: (path: string) => Promise<string>,
  paths: readonly string[],
): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) out.push(await read(path));
  return out;
}

/**
 * Writes `runs` users of `user` through `h` (each with its own userName, half of them in a group of
 * their own) and returns `paths` with the reads of each added: the user, a filter on its userName,
 * its group.
 */
export async function writeUsers(
  h: ReturnType<typeof harness>,
  user: fc.Arbitrary<{ userName: string; title?: string }>,
  runs: number,
  paths: readonly string[],
): Promise<string[]> {
  const out = [...paths];
  let n = 0;
  await fc.assert(
    fc.asyncProperty(user, fc.boolean(), async (body, grouped) => {
      n++;
      const userName = `${body.userName}-${n}`;
      const created = await h.call('POST', '/Users', { schemas: [URN.User], ...body, userName });
      expect(created.status).toBe(201);
      out.push(`/Users/${encodeURIComponent(created.body.id)}`);
      out.push(`/Users?filter=${encodeURIComponent(`userName eq ${JSON.stringify(userName)}`)}`);
      if (grouped) {
        const group = await h.createGroup(`g-${body.title ?? ''}-${n}`, [created.body.id]);
        out.push(`/Groups/${encodeURIComponent(group.id)}`);
      }
    }),
    { numRuns: runs },
  );
  return out;
}

/**
 * The store's `ListQuery.renderedOnly`, through the handler: a list without projection asks for it
 * and reads each row that has a rendering without its data (reading that data throws
 * `DataLeftOut`); a row without a rendering keeps its data; a list with `attributes` does not ask;
 * a page with a rendering of another schema is read a second time, with its data, and answers as
 * if nothing had been left out. `drop(id)` and `outdate(id)` take a row's rendering away and make
 * it one of another schema, behind the store's back.
 */
export async function checkRenderedOnly(
  h: ReturnType<typeof harness>,
  drop: (id: string) => Promise<void>,
  outdate: (id: string) => Promise<void>,
): Promise<void> {
  const { store } = h;
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push((await h.createUser(`lean${i}`, { title: `T${i}` })).id);
  const asked: (boolean | undefined)[] = [];
  const list = store.list.bind(store);
  store.list = (tenant, query) => {
    asked.push(query.renderedOnly);
    return list(tenant, query);
  };
  const body = async (path: string) => {
    const res = await h.call('GET', path);
    expect(res.status).toBe(200);
    return JSON.stringify(res.body);
  };
  const whole = await body('/Users');
  expect(asked).toEqual([true]);
  await body('/Users?attributes=title');
  expect(asked.slice(1)).toEqual([undefined]);

  await drop(ids[1]!);
  const page = await list('default', { resourceType: 'User', startIndex: 1, count: 10, renderedOnly: true });
  expect(page.resources.map((r) => r.rendering === undefined)).toEqual([false, true, false, false]);
  for (const r of page.resources) {
    if (r.rendering === undefined) expect(r.data.title).toBe('T1');
    else expect(() => r.data).toThrow(/was left out of this read/);
  }
  // Without the flag, every row keeps its data.
  const full = await list('default', { resourceType: 'User', startIndex: 1, count: 10 });
  expect(full.resources.map((r) => r.data.title)).toEqual(['T0', 'T1', 'T2', 'T3']);

  asked.length = 0;
  expect(await body('/Users')).toBe(whole);
  expect(asked).toEqual([true]);
  await outdate(ids[2]!);
  expect(await body('/Users')).toBe(whole);
  expect(asked.slice(1)).toEqual([true, false]);
}
