/**
 * Heap snapshots of an initial cycle into an in-process @scim/server on a SQLite file: as
 * initial-cycle.ts, but writing `v8.writeHeapSnapshot()` (which collects garbage first, so a
 * snapshot holds what is live) when the engine sends the requests numbered in BENCH_SNAPSHOTS, and
 * at the cycle's end; with `process.memoryUsage()` at each. A diagnosis aid (the files are large).
 *
 *   BENCH_USERS=30000 BENCH_GROUPS=300 BENCH_SNAPSHOTS=80000 node --conditions=@scim/source \
 *     --no-warnings bench/cycle-snapshot.ts legacy   # from packages/entra-mock; files in the cwd
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { sqliteStore } from '@scim/server';
import { createProvisioningJob } from '../src/index.ts';
import { assignedTenant, scimTarget } from './cycle-setup.ts';

const [dialect = 'legacy'] = process.argv.slice(2);
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const GROUPS = Number(process.env.BENCH_GROUPS ?? 200);
const at = new Set((process.env.BENCH_SNAPSHOTS ?? '').split(',').filter(Boolean).map(Number));

const mib = (bytes: number) => Math.round(bytes / 1048576);
const snapshot = (label: string) => {
  const before = process.memoryUsage();
  const file = writeHeapSnapshot(`cycle-${USERS}-${label}.heapsnapshot`);
  const after = process.memoryUsage();
  process.stderr.write(
    `${label}: before rss ${mib(before.rss)} heap ${mib(before.heapUsed)}/${mib(before.heapTotal)} ` +
      `external ${mib(before.external)}; after GC heap ${mib(after.heapUsed)}; ${file}\n`,
  );
};

const dir = mkdtempSync(join(tmpdir(), 'entra-mock-snapshot-'));
const store = sqliteStore({ path: join(dir, 'scim.db') });
const { handler, token } = await scimTarget(store);
const { tenant, appId } = assignedTenant({ users: USERS, groups: GROUPS });

let requests = 0;
const job = createProvisioningJob({
  tenant,
  servicePrincipalId: appId,
  tenantUrl: `https://scim.example.test/scim/v2${dialect === 'compliant' ? '?aadOptscim062020' : ''}`,
  secretToken: token,
  fetch: (request) => {
    requests += 1;
    if (at.has(requests))
      snapshot(`request-${requests}-${request.method}-${new URL(request.url).pathname.split('/')[3]}`);
    return handler(request);
  },
});
if (at.has(0)) snapshot('before');
await job.runCycle();
process.stderr.write(`${requests} requests, ${job.logs.length} log entries\n`);
snapshot('end');
await store.close();
rmSync(dir, { recursive: true, force: true });
