import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generatedUrl, renderGraphTypes } from '../../scripts/graph-types.ts';
import { createEntraTenant } from '../tenant/tenant.ts';
import { createGraphHandler } from './handlers.ts';

describe('openapi/graph-subset.json', () => {
  it('matches the committed generated types (run `pnpm --filter @scim/entra-mock generate` when this fails)', async () => {
    expect(await readFile(generatedUrl, 'utf8')).toBe(await renderGraphTypes());
    // Generating takes a few seconds, more on a loaded machine: not a timing test.
  }, 60_000);

  it('describes only operations the simulator implements', async () => {
    const spec = JSON.parse(
      await readFile(new URL('../../openapi/graph-subset.json', import.meta.url), 'utf8'),
    ) as {
      paths: Record<string, Record<string, unknown> & { servers?: { url: string }[] }>;
    };
    const tenant = createEntraTenant({ seed: 1 });
    const graph = createGraphHandler(tenant, { requireToken: false });
    const methods = ['get', 'post', 'put', 'patch', 'delete'];
    let checked = 0;
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const method of methods.filter((m) => m in item)) {
        const concrete = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000001');
        // Beta-only paths name their server.
        const server = item.servers?.[0]?.url ?? 'https://graph.microsoft.com/v1.0';
        const url = path.includes('oauth2')
          ? `https://login.microsoftonline.com${concrete}`
          : `${server}${concrete}`;
        const init: RequestInit = { method: method.toUpperCase() };
        if (method !== 'get' && method !== 'delete') init.body = '{}';
        const response = await graph(new Request(url, init));
        const text = await response.text();
        expect(response.status, `${method} ${path}`).not.toBe(405);
        expect(text, `${method} ${path}`).not.toMatch(/Resource not found for the segment/);
        checked++;
      }
    }
    // 28 directory and application operations plus the service principal by its appId alternate key,
    // 34 synchronization and log operations (src/graph/routes; the not-simulated 501 routes are not
    // described), and the token endpoint: a new route must be described too.
    expect(checked).toBe(64);
  });
});
