import { describe, expect, it } from 'vitest';
import { createScimHandler } from './handler/index.ts';
import { withRequestLogging } from './log.ts';
import { isRequestId } from './request-id.ts';
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
