import { ScimError, URN } from '@scim/schemas';
import { describe, expect, it } from 'vitest';
import type { ScimServerOptions } from '../options.ts';
import { memoryStore } from '../store/memory.ts';
import type { ScimStore } from '../store/types.ts';
import { type ImportFailure, type ImportItem, importResources } from './import.ts';
import { harness } from './test-helpers.ts';

const user = (userName: unknown, extra: Record<string, unknown> = {}) => ({
  schemas: [URN.User],
  userName,
  ...extra,
});

/** Bodies POST accepts or refuses for different reasons; the import must agree on each. */
const BODIES: readonly unknown[] = [
  user('bjensen', { name: { givenName: 'Barbara' }, emails: [{ value: 'b@example.com', primary: true }] }),
  user('BJENSEN'),
  user('   '),
  { schemas: [URN.User], displayName: 'no userName' },
  user('roles', { roles: ['{"id":"r1","value":"Admin","displayName":"Admin"}'] }),
  user('unknown-attr', { favouriteColour: 'green' }),
  user('nul\u0000name'),
  user('many-mails', { emails: Array.from({ length: 3 }, (_, i) => ({ value: `m${i}@example.com` })) }),
  user(42),
  user('active-text', { active: 'yes' }),
  { schemas: ['urn:example:Nothing'], userName: 'x' },
  [user('in-an-array')],
  { schemas: [URN.Group], displayName: 'Admins' },
  { schemas: [URN.Group], displayName: 'admins' },
  { schemas: [URN.Group], displayName: 'ghosts', members: [{ value: 'no-such-id' }] },
];

async function viaImport(
  server: Omit<ScimServerOptions, 'store' | 'authenticate'>,
  bodies: readonly unknown[],
) {
  const store = memoryStore();
  const failures: ImportFailure[] = [];
  const items: ImportItem[] = bodies.map((b, n) => ({ line: n + 1, text: JSON.stringify(b) }));
  const summary = await importResources(items, {
    server: { store, authenticate: async () => undefined, ...server },
    tenant: 'default',
    batchSize: 4,
    onFailure: (f) => failures.push(f),
  });
  return { store, failures, summary };
}

/** What the stored resources look like to a client, without what the server assigns. */
async function listed(store: ScimStore, server: Omit<ScimServerOptions, 'store' | 'authenticate'>) {
  const h = harness(server, store);
  const out: unknown[] = [];
  for (const path of ['/Users', '/Groups']) {
    const { body } = await h.call('GET', `${path}?count=100`);
    for (const r of body.Resources) {
      const { id: _id, meta: _meta, ...rest } = r;
      out.push(rest);
    }
  }
  return out;
}

describe('importResources', () => {
  for (const profile of ['entra', 'strict'] as const) {
    it(`accepts and refuses exactly what POST does, and stores the same (profile ${profile})`, async () => {
      const server = { profile, limits: { maxValuesPerAttribute: 2 } };
      const posted = harness(server);
      const statuses: number[] = [];
      for (const body of BODIES)
        statuses.push(
          (
            await posted.call(
              'POST',
              body && (body as { schemas?: string[] }).schemas?.[0] === URN.Group ? '/Groups' : '/Users',
              body,
            )
          ).status,
        );
      const imported = await viaImport(server, BODIES);
      const importStatuses = BODIES.map(
        (_, n) => imported.failures.find((f) => f.line === n + 1)?.status ?? 201,
      );
      // A body whose "schemas" names no type, or that is no object, cannot be routed: POST to
      // /Users refuses it too, with its own reason.
      // Line 11 names no type: POST /Users takes the type from its URL (and, under entra, ignores the
      // unknown schema), an import line must name it.
      expect(importStatuses[10]).toBe(400);
      const routed = (list: number[]) => list.filter((_, n) => n !== 10).map((s) => s >= 400);
      expect(routed(importStatuses)).toEqual(routed(statuses));
      expect(statuses.filter((s) => s === 201).length).toBeGreaterThan(2);
      expect(statuses.filter((s) => s >= 400).length).toBeGreaterThan(5);
      const postedList = (await listed(posted.store, server)).filter(
        (r) => (r as { userName?: string }).userName !== 'x',
      );
      expect(await listed(imported.store, server)).toEqual(postedList);
      expect(imported.summary.read).toBe(BODIES.length);
      expect(imported.summary.failed).toBe(imported.failures.length);
    });
  }

  it('names the line holding a value a later line repeats, and keeps the first', async () => {
    const { failures, summary } = await viaImport({}, [user('a'), user('b'), user('A')]);
    expect(failures).toEqual([
      {
        line: 3,
        status: 409,
        scimType: 'uniqueness',
        message: expect.stringMatching(/userName "a" is already taken by the User on line 1/),
      },
    ]);
    expect(summary.created).toEqual({ User: 2 });
  });

  it('resolves members by source id, externalId or userName, else as ids of the tenant', async () => {
    const store = memoryStore();
    const existing = await harness({}, store).createUser('already-there');
    const failures: ImportFailure[] = [];
    await importResources(
      [
        { line: 1, text: JSON.stringify(user('ann', { id: 'old-1', externalId: 'e-ann' })) },
        { line: 2, text: JSON.stringify(user('bob', { externalId: 'e-bob' })) },
        { line: 3, text: JSON.stringify(user('Cat')) },
        {
          line: 4,
          text: JSON.stringify({
            schemas: [URN.Group],
            id: 'old-g',
            displayName: 'all',
            members: [{ value: 'old-1' }, { value: 'e-bob' }, { value: 'CAT' }, { value: existing.id }],
          }),
        },
        {
          line: 5,
          text: JSON.stringify({ schemas: [URN.Group], displayName: 'outer', members: [{ value: 'old-g' }] }),
        },
      ],
      {
        server: { store, authenticate: async () => undefined, profile: 'strict' },
        tenant: 'default',
        onFailure: (f) => failures.push(f),
      },
    );
    expect(failures).toEqual([]);
    const h = harness({}, store);
    const { body } = await h.call('GET', '/Groups?filter=displayName eq "all"');
    const names = body.Resources[0].members.map((m: { display: string }) => m.display).sort();
    expect(names).toEqual(['Cat', 'already-there', 'ann', 'bob']);
    const outer = (await h.call('GET', '/Groups?filter=displayName eq "outer"')).body.Resources[0];
    expect(outer.members.map((m: { value: string }) => m.value)).toEqual([body.Resources[0].id]);
    // The source's ids are not kept: the store assigned new ones.
    expect((await h.call('GET', '/Users/old-1')).status).toBe(404);
  });

  it('writes the rest of a batch when the store refuses one of it (a value taken in the tenant)', async () => {
    const store = memoryStore();
    await harness({}, store).createUser('taken');
    const failures: ImportFailure[] = [];
    const summary = await importResources(
      ['one', 'TAKEN', 'two', 'three'].map((u, n) => ({ line: n + 1, text: JSON.stringify(user(u)) })),
      {
        server: { store, authenticate: async () => undefined },
        tenant: 'default',
        batchSize: 10,
        onFailure: (f) => failures.push(f),
      },
    );
    expect(failures.map((f) => [f.line, f.status])).toEqual([[2, 409]]);
    expect(summary.created).toEqual({ User: 3 });
    const feed = await store.changes('default');
    expect(feed.map((e) => e.type)).toEqual(['user.created', 'user.created', 'user.created', 'user.created']);
  });

  it('stops at a database outage (503) instead of blaming the lines', async () => {
    const inner = memoryStore();
    const store: ScimStore = {
      ...inner,
      createMany: async () => {
        throw new ScimError('unavailable', 'the database is unavailable; retry after 5 seconds');
      },
    };
    const failures: ImportFailure[] = [];
    await expect(
      importResources([{ line: 1, text: JSON.stringify(user('x')) }], {
        server: { store, authenticate: async () => undefined },
        tenant: 'default',
        onFailure: (f) => failures.push(f),
      }),
    ).rejects.toMatchObject({ status: 503 });
    expect(failures).toEqual([]);
  });

  it('creates one at a time on a store without createMany', async () => {
    const inner = memoryStore();
    const calls: string[] = [];
    const { createMany: _, ...withoutBatches } = inner;
    const store: ScimStore = {
      ...withoutBatches,
      create: (...args) => {
        calls.push(args[1]);
        return inner.create(...args);
      },
    };
    const summary = await importResources(
      [user('x'), user('y')].map((b, n) => ({ line: n + 1, text: JSON.stringify(b) })),
      { server: { store, authenticate: async () => undefined }, tenant: 'default', onFailure: () => {} },
    );
    expect(summary.created).toEqual({ User: 2 });
    expect(calls).toEqual(['User', 'User']);
  });

  it('refuses a resource larger than maxBodyBytes or nested deeper than maxDepth, as POST does', async () => {
    const { failures } = await viaImport({ limits: { maxBodyBytes: 200, maxDepth: 4 } }, [
      user('big', { displayName: 'x'.repeat(300) }),
      user('deep', { name: { givenName: { a: { b: { c: 1 } } } } }),
      user('fine'),
    ]);
    expect(failures.map((f) => [f.line, f.status, f.scimType])).toEqual([
      [1, 413, undefined],
      [2, 400, 'invalidSyntax'],
    ]);
  });
});
