import { describe, expect, it } from 'vitest';
import { createScimHandler } from './handler/index.ts';
import { withRequestLogging } from './log.ts';
import { isRequestId, randomRequestId } from './request-id.ts';
import { memoryStore } from './store/memory.ts';

const quiet = { info() {}, warn() {}, error() {} };

describe('x-request-id: one rule for the handler and the request logger', () => {
  const handler = createScimHandler({ store: memoryStore(), authenticate: async () => undefined });
  const logged = withRequestLogging(
    createScimHandler({ store: memoryStore(), authenticate: async () => undefined }),
    quiet,
  );
  const idFrom = async (h: (r: Request) => Promise<Response>, id: string) =>
    (await h(new Request('http://x/Users', { headers: { 'x-request-id': id } }))).headers.get('x-request-id');

  it.each([
    'Root=1-67891233-abcdef012345678912345678',
    'a/b+c=',
    'user@host:42',
    '5f0c2a9e-81d4-4b7c-9e3a-000000000000',
  ])('both keep %s', async (id) => {
    expect(isRequestId(id)).toBe(true);
    expect(await idFrom(handler, id)).toBe(id);
    expect(await idFrom(logged, id)).toBe(id);
  });

  it.each(['has space', 'quote"', 'x'.repeat(129), 'line\\nbreak', ''])('both replace %j', async (id) => {
    expect(isRequestId(id)).toBe(false);
    expect(await idFrom(handler, id)).not.toBe(id);
    expect(await idFrom(logged, id)).not.toBe(id);
  });
});

describe('randomRequestId', () => {
  const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('makes version 4 UUIDs as crypto.randomUUID does, all different, across many refills', () => {
    const ids = Array.from({ length: 1000 }, () => randomRequestId());
    for (const id of ids) expect(id).toMatch(V4);
    expect(new Set(ids).size).toBe(ids.length);
    expect(crypto.randomUUID()).toMatch(V4);
  });

  it('gives each id its own string: the next ones do not change it', () => {
    const first = randomRequestId();
    const copy = `${first}`.split('').join('');
    for (let i = 0; i < 300; i++) randomRequestId();
    expect(first).toBe(copy);
  });

  it('uses every hexadecimal digit, in every random position', () => {
    const ids = Array.from({ length: 2000 }, () => randomRequestId());
    for (let at = 0; at < 36; at++) {
      if ([8, 13, 14, 18, 23].includes(at)) continue; // dashes, the version digit
      const seen = new Set(ids.map((id) => id[at]));
      expect(seen.size).toBe(at === 19 ? 4 : 16);
    }
  });
});
