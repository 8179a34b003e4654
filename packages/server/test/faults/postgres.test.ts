// Fault test: a private PostgreSQL server crashes (immediate stop) in the middle of a write load
// and comes back. Every acknowledged write must be there afterwards, no write may be half there,
// and the server recovers by itself. The recovery time is printed, not asserted.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimHandler } from '../../src/handler/index.ts';
import { postgresStore } from '../../src/store/postgres.ts';
import { printReport, runLoad } from './load.ts';
import {
  type PrivatePostgres,
  privatePostgresUnavailable,
  startPrivatePostgres,
} from './private-postgres.ts';

const unavailable = privatePostgresUnavailable();
let server: PrivatePostgres | undefined;

beforeAll(async () => {
  if (unavailable === undefined) server = await startPrivatePostgres();
}, 120_000);
afterAll(() => server?.remove());

async function sql<T>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

describe.skipIf(unavailable !== undefined)(
  `PostgreSQL stopped mid-load${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    it('keeps every acknowledged write, leaves no partial write, and recovers by itself', async () => {
      const { url } = server as PrivatePostgres;
      const store = postgresStore({
        connectionString: url,
        schema: 'faults',
        maxConnections: 4,
        connectTimeoutMs: 1000,
      });
      const handler = createScimHandler({
        store,
        authenticate: async (_request, tenant) => ({ tenant, kind: 'bearer', id: 'fault' }),
      });
      await handler.ready;
      let health: number | undefined;
      let restartMs = 0;
      const report = await runLoad({
        handler,
        prefix: 'pg',
        workers: 6,
        before: 60,
        fault: () => server?.crash(),
        during: { failures: 30, maxMs: 3000 },
        heal: async () => {
          health = (await handler(new Request('http://faults.test/health'))).status;
          const restarting = performance.now();
          server?.start();
          restartMs = performance.now() - restarting;
        },
        after: 60,
        maxAttempts: 2000,
        maxMs: 30_000,
      });
      expect((await handler(new Request('http://faults.test/health'))).status).toBe(200);
      await handler.close();

      // While down: /health failed, every failed write was a 503 with Retry-After (never a 500).
      expect(health).toBe(503);
      expect(Object.keys(report.statuses).sort()).toEqual(['201', '503']);
      expect(report.retryAfterOnEvery503).toBe(true);
      expect(report.acknowledged.length).toBeGreaterThanOrEqual(120);

      const stored = new Set(
        (
          await sql<{ name: string }>(
            url,
            `SELECT data ->> 'userName' AS name FROM faults.resources WHERE tenant = 'default' AND resource_type = 'User'`,
          )
        ).map((r) => r.name),
      );
      const missing = report.acknowledged.filter((name) => !stored.has(name));
      expect(missing).toEqual([]);
      // A write answered 503 may still have committed (the crash came between COMMIT and its answer).
      const committedAnyway = report.unacknowledged.filter((name) => stored.has(name)).length;
      // No partial write: each resource has its unique value and its change-feed entry, and no entry
      // or unique value lacks its resource.
      const [partial] = await sql<{
        no_unique: string;
        no_change: string;
        orphan_change: string;
        orphan_unique: string;
      }>(
        url,
        `SELECT
         (SELECT count(*) FROM faults.resources r WHERE NOT EXISTS
            (SELECT 1 FROM faults.uniques u WHERE u.tenant = r.tenant AND u.id = r.id)) AS no_unique,
         (SELECT count(*) FROM faults.resources r WHERE NOT EXISTS
            (SELECT 1 FROM faults.changes c WHERE c.tenant = r.tenant AND c.id = r.id AND c.type = 'user.created')) AS no_change,
         (SELECT count(*) FROM faults.changes c WHERE NOT EXISTS
            (SELECT 1 FROM faults.resources r WHERE r.tenant = c.tenant AND r.id = c.id)) AS orphan_change,
         (SELECT count(*) FROM faults.uniques u WHERE NOT EXISTS
            (SELECT 1 FROM faults.resources r WHERE r.tenant = u.tenant AND r.id = u.id)) AS orphan_unique`,
      );
      expect(partial).toEqual({ no_unique: '0', no_change: '0', orphan_change: '0', orphan_unique: '0' });
      expect(stored.size).toBe(report.acknowledged.length + committedAnyway);
      printReport('postgres stopped (immediate) and restarted', report, {
        present: report.acknowledged.length - missing.length,
        partial: 0,
        committedThough503: committedAnyway,
        pgCtlStartMs: Math.round(restartMs),
      });
    }, 120_000);
  },
);
