/**
 * A property both SQL stores must hold (`sqlite-list.test.ts`, `postgres.test.ts`): a `startIndex`
 * page (which the store may read from a remembered mark, `page-marks.ts`) holds exactly the rows
 * of the whole list at that offset, whatever writes came between, through the store or another
 * instance on the same database (whose writes the first learns of only from the database).
 * @internal
 */
import { normalizeFilter, parseFilter } from '@scim/protocol';
import { userResourceSchema } from '@scim/schemas';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshTenant, sortPath } from '../contract.ts';
import type { ListQuery, ScimStore } from '../types.ts';
import { type LadderOptions, PageMarks } from './page-marks.ts';

const text = fc.constantFrom('a', 'b', 'B', 'c', 'ab', '');
const user = fc.record(
  {
    userName: text,
    displayName: text,
    title: text,
    emails: fc.array(fc.record({ value: text }), { maxLength: 2 }),
  },
  { requiredKeys: ['userName'] },
);
const sorts = ['userName', 'displayName', 'title', 'emails', 'meta.created', 'meta.lastModified'];
const filters = [undefined, 'title pr', 'userName ge "b"', 'displayName pr or emails pr'];

type Step =
  | {
      readonly kind: 'page';
      readonly pick: number;
      readonly count: number;
      readonly data: Record<string, unknown>;
    }
  | { readonly kind: 'walk'; readonly count: number }
  | { readonly kind: 'create'; readonly other: boolean; readonly data: Record<string, unknown> }
  | {
      readonly kind: 'update';
      readonly other: boolean;
      readonly pick: number;
      readonly data: Record<string, unknown>;
    }
  | { readonly kind: 'delete'; readonly other: boolean; readonly pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('page' as const),
      pick: fc.nat(),
      count: fc.integer({ min: 1, max: 6 }),
      data: user,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('walk' as const), count: fc.integer({ min: 1, max: 5 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('create' as const), other: fc.boolean(), data: user }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      other: fc.boolean(),
      pick: fc.nat(),
      data: user,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('delete' as const), other: fc.boolean(), pick: fc.nat() }),
  },
);

const schemas = ['urn:ietf:params:scim:schemas:core:2.0:User'];

async function ids(store: ScimStore, tenant: string, query: ListQuery) {
  const page = await store.list(tenant, query);
  return { total: page.totalResults, ids: page.resources.map((r) => r.id) };
}

/**
 * A ladder for lists of a few rows (see `PageMarks`): a page 3 rows past its nearest mark climbs,
 * rungs start 1 row apart, at most 4 (so that a page past them doubles the step of a new ladder,
 * or skips from the last rung).
 */
const SMALL_LADDER: LadderOptions = { minSkip: 3, minStep: 1, maxRungs: 4 };

/** Gives a store (`sqliteStore` or `postgresStore`) marks with the small ladder. */
function smallLadder(store: ScimStore): void {
  (store as unknown as { marks: PageMarks }).marks = new PageMarks(undefined, undefined, SMALL_LADDER);
}

/**
 * Declares the property on two instances of a store on one database (`open` makes and opens
 * them; `close` closes them), with the store's ladder and again with {@link SMALL_LADDER}.
 * @internal
 */
export function describeMarkedPages(
  name: string,
  open: () => Promise<{ store: ScimStore; other: ScimStore; close: () => Promise<void> }>,
  runs = 60,
): void {
  describeWith(name, open, runs, false);
  describeWith(`${name}, climbing ladders`, open, runs, true);
}

function describeWith(
  name: string,
  open: () => Promise<{ store: ScimStore; other: ScimStore; close: () => Promise<void> }>,
  runs: number,
  ladders: boolean,
): void {
  describe(`startIndex pages read from remembered marks: ${name}`, () => {
    let store: ScimStore;
    let other: ScimStore;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, other, close } = await open());
      if (ladders) for (const s of [store, other]) smallLadder(s);
    }, 60_000);
    afterAll(async () => {
      await close();
    });

    it('equal the whole list at their offset, with writes of either instance in between', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(user, { minLength: 5, maxLength: 25 }),
          fc.option(fc.constantFrom(...sorts)),
          fc.boolean(),
          fc.constantFrom(...filters),
          fc.array(step, { minLength: 5, maxLength: 30 }),
          async (initial, by, descending, filterText, steps) => {
            const t = freshTenant();
            const live: string[] = [];
            // Each live user's data, for writes that keep every key but its title.
            const datas = new Map<string, Record<string, unknown>>();
            const write = (data: Record<string, unknown>) => ({
              data: { schemas, ...data },
              unique: [],
              change: { type: 'user.updated' as const },
            });
            const create = async (on: ScimStore, data: Record<string, unknown>) => {
              const { id } = await on.create(t, 'User', write(data));
              live.push(id);
              datas.set(id, data);
            };
            const update = async (on: ScimStore, id: string, data: Record<string, unknown>) => {
              await on.update(t, 'User', id, write(data));
              datas.set(id, data);
            };
            for (const data of initial) await create(store, data);
            const base = {
              resourceType: 'User',
              ...(by === null ? {} : { sort: { path: sortPath(by), descending } }),
              ...(filterText === undefined
                ? {}
                : { filter: normalizeFilter(parseFilter(filterText), userResourceSchema) }),
            };
            const check = async (start: number, count: number) => {
              const whole = await ids(store, t, { ...base, startIndex: 1, count: 1000 });
              const page = await ids(store, t, { ...base, startIndex: start, count });
              expect({ start, count, ...page }).toEqual({
                start,
                count,
                total: whole.total,
                ids: whole.ids.slice(start - 1, start - 1 + count),
              });
              return whole.total;
            };
            for (const s of steps) {
              const on = 'other' in s && s.other ? other : store;
              if (s.kind === 'page') {
                // Twice: the second may read from the marks the first left (a retry, another client).
                const start = 1 + (s.pick % (live.length + 1));
                await check(start, s.count);
                await check(start, s.count);
                // With ladders: pages at other offsets of the same data, which climb and read from rungs.
                for (let i = 1; ladders && i <= 3; i++)
                  await check(1 + ((s.pick + 7 * i) % (live.length + 1)), s.count);
                // With ladders: a write between deep pages (an update by either instance, of every
                // key or of the title alone, which keeps the sort keys; a create by the other),
                // which the ladder is repaired from (or dropped), never read stale.
                if (ladders && live.length > 0) {
                  const id = live[s.pick % live.length] as string;
                  const next =
                    s.pick % 3 === 0 ? { ...datas.get(id), title: `${s.data.title ?? ''}k` } : s.data;
                  await update(s.pick % 2 === 0 ? other : store, id, next);
                  for (let i = 1; i <= 2; i++)
                    await check(1 + ((s.pick + 5 * i) % (live.length + 1)), s.count);
                  await create(other, s.data);
                  await check(1 + ((s.pick + 3) % (live.length + 1)), s.count);
                }
              } else if (s.kind === 'walk') {
                for (let start = 1, total = 1; start <= total; start += s.count)
                  total = await check(start, s.count);
              } else if (s.kind === 'create') await create(on, s.data);
              else if (live.length > 0 && s.kind === 'update') {
                await update(on, live[s.pick % live.length] as string, s.data);
              } else if (live.length > 0 && s.kind === 'delete') {
                const [id] = live.splice(s.pick % live.length, 1);
                await on.delete(t, 'User', id as string, { change: { type: 'user.deleted' } });
              }
            }
          },
        ),
        { numRuns: runs },
      );
    }, 240_000);
  });
}
