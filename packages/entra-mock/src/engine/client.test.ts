import { describe, expect, it } from 'vitest';
import { createScimClient, isTransient, retryAfterMs } from './client.ts';

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('120', 0)).toBe(120_000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:01:00 GMT', 30_000)).toBe(30_000);
    expect(retryAfterMs(null, 0)).toBeNull();
    expect(retryAfterMs('soon', 0)).toBeNull();
  });
  it('retries 429 and 5xx only', () => {
    expect([400, 401, 404, 409, 429, 500, 503].map(isTransient)).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
      true,
    ]);
  });
});

describe('createScimClient', () => {
  it('keeps the Tenant URL query, backs off exponentially and gives up after maxAttempts', async () => {
    const urls: string[] = [];
    const waits: number[] = [];
    const client = createScimClient(
      {
        tenantUrl: 'https://app.example.com/scim/?aadOptscim062020',
        bearer: () => 't',
        fetch: async (request) => {
          urls.push(request.url);
          return new Response('{"detail":"down"}', { status: 503 });
        },
        sleep: async (ms) => {
          waits.push(ms);
        },
        maxAttempts: 3,
        baseDelayMs: 100,
      },
      () => 0,
    );
    const response = await client.request('GET', '/Users', { query: [['filter', 'userName eq "a b"']] });
    expect(response).toMatchObject({ status: 503, attempts: 3, body: { detail: 'down' } });
    expect(waits).toEqual([100, 200]);
    expect(urls[0]).toBe(
      'https://app.example.com/scim/Users?aadOptscim062020&filter=userName%20eq%20%22a%20b%22',
    );
  });

  it('turns a network error into status 0 after retrying', async () => {
    const client = createScimClient(
      {
        tenantUrl: 'https://app.example.com/scim',
        bearer: () => 't',
        fetch: async () => {
          throw new TypeError('fetch failed');
        },
        sleep: async () => {},
        maxAttempts: 2,
        baseDelayMs: 1,
      },
      () => 0,
    );
    expect(await client.request('DELETE', '/Users/1')).toMatchObject({
      status: 0,
      attempts: 2,
      networkError: 'fetch failed',
    });
  });
});
