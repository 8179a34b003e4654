/**
 * Where an initial cycle's heap goes: runs a cycle into an in-process @scim/server on SQLite
 * (`:memory:`, so the store's pages stay out of the JavaScript heap), then counts the heap the
 * cycle left behind (after forced garbage collections) and takes the provisioning log apart, one
 * kind of field at a time, weighing each. Needs `--expose-gc`.
 *
 *   node --expose-gc --conditions=@scim/source --no-warnings packages/entra-mock/bench/cycle-heap.ts
 *   BENCH_USERS=10000 node --expose-gc --conditions=@scim/source --no-warnings packages/entra-mock/bench/cycle-heap.ts
 *
 * Prints the heap retained by the cycle, then for each part of the log entries the heap it holds
 * (megabytes, and bytes per entry), and what is left once the log is gone (the job's links).
 */
import { sqliteStore } from '@scim/server';
import { createProvisioningJob, type ProvisioningObjectSummary } from '../src/index.ts';
import { assignedTenant, scimTarget } from './cycle-setup.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const USERS = Number(process.env.BENCH_USERS ?? 3_000);

const store = sqliteStore({ path: ':memory:' });
const { handler, token } = await scimTarget(store);
const { tenant, appId } = assignedTenant({ users: USERS, groups: Math.max(1, USERS / 50) });
const job = createProvisioningJob({
  tenant,
  servicePrincipalId: appId,
  tenantUrl: 'https://scim.example.test/scim/v2',
  secretToken: token,
  fetch: (request) => handler(request),
});

const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
const start = heap();
await job.runCycle();
let last = heap();
const logs = job.logs as ProvisioningObjectSummary[];
const entries = logs.length;
console.log(`${USERS} users: ${entries} log entries; the cycle left ${mb(last - start)} MB of heap\n`);
console.log('| part of the log entries | MB | bytes per entry |');
console.log('| --- | ---: | ---: |');
// Each part is weighed by replacing every entry with a plain copy of its other fields (the lists,
// which entries keep packed behind getters, go with their packed arrays).
const dropped = new Set<string>();
const without = (entry: object): object =>
  Object.fromEntries(
    Object.keys(entry)
      .filter((k) => !dropped.has(k))
      .map((k) => [k, (entry as Record<string, unknown>)[k]]),
  );
const weigh = (label: string, keys: readonly string[]): void => {
  for (const key of keys) dropped.add(key);
  for (let i = 0; i < logs.length; i++) logs[i] = without(logs[i]!) as ProvisioningObjectSummary;
  const now = heap();
  console.log(`| ${label} | ${mb(last - now)} | ${Math.round((last - now) / entries)} |`);
  last = now;
};
weigh('provisioningSteps, modifiedProperties', ['provisioningSteps', 'modifiedProperties']);
weigh('initiatedBy, servicePrincipal, sourceSystem, targetSystem', [
  'initiatedBy',
  'servicePrincipal',
  'sourceSystem',
  'targetSystem',
]);
weigh('sourceIdentity, targetIdentity', ['sourceIdentity', 'targetIdentity']);
weigh('id, changeId, activityDateTime, provisioningStatusInfo', [
  'id',
  'changeId',
  'activityDateTime',
  'provisioningStatusInfo',
]);
logs.length = 0;
weigh('the entries themselves', []);
console.log(`\nLeft without the log (the job's links, the cycle's leftovers): ${mb(last - start)} MB`);
await store.close();
