import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Coalescer, LOOKUP_SIZES, MAX_LOOKUPS, padded, storable } from './lookups.ts';

interface Row {
  readonly id: string;
  readonly tenant: string;
}

interface Key {
  readonly tenant: string;
  readonly groups: boolean;
}

/**
 * Reads by id over a fake table (ids per tenant) through a {@link Coalescer}, as the PostgreSQL
 * store reads by id, recording each statement's key and ids; `fail` may fail a statement, and
 * errors whose message starts with "one:" may be one item's alone (`splitOn`).
 */
function fakeLookups(
  table: Record<string, string[]>,
  fail?: (key: Key, ids: readonly string[]) => Error | undefined,
) {
  const runs: { key: Key; ids: readonly string[] }[] = [];
  const coalescer = new Coalescer<Key, Row>(
    async (key, ids) => {
      runs.push({ key, ids });
      await Promise.resolve();
      const error = fail?.(key, ids);
      if (error !== undefined) throw error;
      const found = ids.filter((id) => table[key.tenant]?.includes(id));
      return new Map(found.map((id) => [id, { id, tenant: key.tenant }]));
    },
    (k) => `${k.groups}/${k.tenant}`,
    (error) => error instanceof Error && error.message.startsWith('one:'),
  );
  return { lookups: coalescer, runs };
}

const key = (tenant: string, groups = false): Key => ({ tenant, groups });

describe('Lookups: reads by id that arrive together', () => {
  it('sends the reads of one turn in one statement per tenant, type and shape, each answered its own row', async () => {
    const { lookups, runs } = fakeLookups({ a: ['1', '2', '3'], b: ['1'] });
    const found = await Promise.all([
      lookups.find(key('a'), '1'),
      lookups.find(key('a'), '2'),
      lookups.find(key('b'), '2'),
      lookups.find(key('a'), 'missing'),
      lookups.find(key('a', true), '3'),
      lookups.find(key('b'), '1'),
    ]);
    expect(found).toEqual([
      { id: '1', tenant: 'a' },
      { id: '2', tenant: 'a' },
      undefined,
      undefined,
      { id: '3', tenant: 'a' },
      { id: '1', tenant: 'b' },
    ]);
    expect(runs).toEqual([
      { key: key('a'), ids: ['1', '2', 'missing'] },
      { key: key('b'), ids: ['2', '1'] },
      { key: key('a', true), ids: ['3'] },
    ]);
  });

  it('asks for an id once however many read it, and answers each of them', async () => {
    const { lookups, runs } = fakeLookups({ a: ['1'] });
    const found = await Promise.all([lookups.find(key('a'), '1'), lookups.find(key('a'), '1')]);
    expect(found).toEqual([
      { id: '1', tenant: 'a' },
      { id: '1', tenant: 'a' },
    ]);
    expect(runs).toEqual([{ key: key('a'), ids: ['1'] }]);
    // One answer, shared: the store makes each caller its own resource from it (postgres.test.ts).
    expect(found[0]).toBe(found[1]);
  });

  it(`sends at most ${MAX_LOOKUPS} ids in a statement`, async () => {
    const ids = Array.from({ length: 40 }, (_, i) => String(i));
    const { lookups, runs } = fakeLookups({ a: ids });
    const found = await Promise.all(ids.map((id) => lookups.find(key('a'), id)));
    expect(found.map((r) => r?.id)).toEqual(ids);
    expect(runs.map((r) => r.ids.length)).toEqual([16, 16, 8]);
  });

  it('starts a new batch for a read that comes after the last was sent', async () => {
    const { lookups, runs } = fakeLookups({ a: ['1', '2'] });
    expect(await lookups.find(key('a'), '1')).toEqual({ id: '1', tenant: 'a' });
    expect(await lookups.find(key('a'), '2')).toEqual({ id: '2', tenant: 'a' });
    expect(runs.map((r) => r.ids)).toEqual([['1'], ['2']]);
  });

  it("fails only the reads of the statement that failed, and not another tenant's", async () => {
    const { lookups } = fakeLookups({ a: ['1'], b: ['1'] }, (k) =>
      k.tenant === 'a' ? new Error('connection lost') : undefined,
    );
    const [a, b] = await Promise.allSettled([lookups.find(key('a'), '1'), lookups.find(key('b'), '1')]);
    expect(a).toMatchObject({ status: 'rejected', reason: new Error('connection lost') });
    expect(b).toEqual({ status: 'fulfilled', value: { id: '1', tenant: 'b' } });
  });
});

describe("Lookups: a failure that may be one item's", () => {
  it('reads each item of the statement again on its own, so that only that item fails', async () => {
    const { lookups, runs } = fakeLookups({ a: ['1', '2', '3'] }, (_, ids) =>
      ids.includes('2') ? new Error('one: no equivalent in encoding LATIN1') : undefined,
    );
    const found = await Promise.allSettled(['1', '2', '3'].map((id) => lookups.find(key('a'), id)));
    expect(found).toEqual([
      { status: 'fulfilled', value: { id: '1', tenant: 'a' } },
      { status: 'rejected', reason: new Error('one: no equivalent in encoding LATIN1') },
      { status: 'fulfilled', value: { id: '3', tenant: 'a' } },
    ]);
    expect(runs.map((r) => r.ids)).toEqual([['1', '2', '3'], ['1'], ['2'], ['3']]);
  });

  it('does not read a statement of one item again, nor split on any other failure', async () => {
    const one = fakeLookups(
      { a: ['1'] },
      () => new Error('one: canceling statement due to statement timeout'),
    );
    await expect(one.lookups.find(key('a'), '1')).rejects.toThrow('statement timeout');
    expect(one.runs).toHaveLength(1);
    const other = fakeLookups({ a: ['1', '2'] }, () => new Error('connection lost'));
    const found = await Promise.allSettled(['1', '2'].map((id) => other.lookups.find(key('a'), id)));
    expect(found.map((f) => f.status)).toEqual(['rejected', 'rejected']);
    expect(other.runs).toHaveLength(1);
  });
});

describe('Lookups: what decides a split', () => {
  it('asks with the batch key, so that a store splits some kinds of statement and not others', async () => {
    const asked: Key[] = [];
    const coalescer = new Coalescer<Key, Row>(
      async () => {
        throw new Error('canceling statement due to statement timeout');
      },
      (k) => `${k.groups}/${k.tenant}`,
      (_, key) => {
        asked.push(key);
        return key.groups;
      },
    );
    const read = (k: Key, id: string) => coalescer.find(k, id);
    const runs = await Promise.allSettled([
      read(key('a'), '1'),
      read(key('a'), '2'),
      read(key('a', true), '1'),
      read(key('a', true), '2'),
    ]);
    expect(runs.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    // Each batch asked once; only the one with groups was read again, item by item (no more asking:
    // a statement of one item is final).
    expect(asked).toEqual([key('a'), key('a', true)]);
  });
});

describe('storable', () => {
  it('refuses U+0000 and unpaired surrogates, and nothing else', () => {
    expect(['a\u0000b', '\ud800', 'x\udc00', 'ok'].map(storable)).toEqual([false, false, false, true]);
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (t) => storable(t) === !t.includes('\u0000')));
  });
});

describe('padded', () => {
  it('pads ids to the next statement size by repeating the last, keeping their order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { minLength: 1, maxLength: MAX_LOOKUPS }), (ids) => {
        const sent = padded(ids);
        expect(LOOKUP_SIZES).toContain(sent.length);
        expect(LOOKUP_SIZES.filter((n) => n >= ids.length)[0]).toBe(sent.length);
        expect(sent.slice(0, ids.length)).toEqual(ids);
        expect(new Set(sent.slice(ids.length)).size).toBeLessThanOrEqual(1);
        if (sent.length > ids.length) expect(sent.at(-1)).toBe(ids.at(-1));
      }),
    );
  });
});
