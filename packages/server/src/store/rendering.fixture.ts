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
