import { describe, expect, test } from 'vitest';
import { memoryStore } from './memory.ts';
import type { ScimStore } from './types.ts';

const input = (userName: string) => ({
  data: { userName },
  unique: [{ attribute: 'userName', value: userName }],
  change: { type: 'user.created' },
});

// memoryStore returns a plain object whose methods are its own and bound: callers spread it to
// replace one method, or pass a method on its own, and the store behind it still answers.
describe('the object memoryStore returns', () => {
  test('spread with one method replaced, the others still reach the same store', async () => {
    const inner = memoryStore();
    const store: ScimStore = { ...inner, delete: async () => Promise.reject(new Error('no')) };
    const created = await store.create('t', 'User', input('a'));
    expect((await inner.get('t', 'User', created.id))?.data).toEqual({ userName: 'a' });
    await expect(store.delete('t', 'User', created.id, { change: { type: 'user.deleted' } })).rejects.toThrow(
      'no',
    );
    expect(Object.keys(store).sort()).toEqual(
      [
        'changes',
        'close',
        'create',
        'createMany',
        'delete',
        'get',
        'kind',
        'list',
        'memberOf',
        'open',
        'ping',
        'tokens',
        'update',
      ].sort(),
    );
  });

  test('a method taken off the store, and off its tokens, works unbound', async () => {
    const { create, list, close, ping, tokens } = memoryStore();
    await create('t', 'User', input('b'));
    expect((await list('t', { resourceType: 'User', startIndex: 1, count: 10 })).totalResults).toBe(1);
    const { insert, findByHash } = { ...tokens };
    await insert({ id: 'tok', tenant: 't', hash: 'h', created: '2026-01-01T00:00:00.000Z' });
    expect((await findByHash('h'))?.id).toBe('tok');
    await close();
    await expect(ping()).rejects.toMatchObject({ code: 'unavailable' });
  });
});
