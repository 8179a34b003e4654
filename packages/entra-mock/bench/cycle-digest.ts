/**
 * What a cycle does, as digests to compare two revisions of the engine: an initial cycle into an
 * in-process @scim/server (SQLite `:memory:`), 40 users changed (updated, disabled, deleted, given a
 * manager), and an incremental cycle; prints one JSON line with SHA-256 digests (first 16 hex digits)
 * of every request and response, of both summaries, and of the whole provisioning log. UUIDs are
 * numbered in order of appearance, and durations, times and ETags masked, as they differ between runs.
 *
 *   BENCH_USERS=10000 node --conditions=@scim/source --no-warnings packages/entra-mock/bench/cycle-digest.ts legacy
 *   BENCH_USERS=10000 node --conditions=@scim/source --no-warnings packages/entra-mock/bench/cycle-digest.ts compliant
 */
import { createHash } from 'node:crypto';
import { sqliteStore } from '@scim/server';
import { createManualClock, createProvisioningJob } from '../src/index.ts';
import { assignedTenant, scimTarget } from './cycle-setup.ts';

const [dialect = 'legacy'] = process.argv.slice(2);
const USERS = Number(process.env.BENCH_USERS ?? 10_000);

const store = sqliteStore({ path: ':memory:' });
const { handler, token } = await scimTarget(store);
const clock = createManualClock('2026-01-05T08:00:00Z');
const { tenant, appId } = assignedTenant({ users: USERS, groups: Math.max(1, USERS / 50) }, clock);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const numbered = new Map<string, number>();
const mask = (text: string): string =>
  text
    .replace(UUID, (uuid) => {
      const key = uuid.toLowerCase();
      if (!numbered.has(key)) numbered.set(key, numbered.size);
      return `U${numbered.get(key)}`;
    })
    .replace(/"durationInMilliseconds":\d+/g, '"durationInMilliseconds":0')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T')
    .replace(/W\/\\?"[^"\\]*\\?"/g, 'E');
const requests = createHash('sha256');
const job = createProvisioningJob({
  tenant,
  servicePrincipalId: appId,
  tenantUrl: `https://scim.example.test/scim/v2${dialect === 'compliant' ? '?aadOptscim062020' : ''}`,
  secretToken: token,
  fetch: async (request) => {
    requests.update(mask(`${request.method} ${request.url} ${await request.clone().text()}\n`));
    const response = await handler(request);
    requests.update(mask(`${response.status} ${await response.clone().text()}\n`));
    return response;
  },
});

const initial = await job.runCycle();
const changed = tenant.listUsers().slice(0, 40);
for (const [i, user] of changed.entries()) {
  if (i % 4 === 0) tenant.updateUser(user.id, { jobTitle: `Changed ${i}` });
  else if (i % 4 === 1) tenant.disableUser(user.id);
  else if (i % 4 === 2) tenant.deleteUser(user.id);
  else tenant.setManager(user.id, changed[0]!.id);
}
clock.advance(60_000);
const incremental = await job.runCycle();

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
process.stdout.write(
  `${JSON.stringify({
    dialect,
    users: USERS,
    entries: job.logs.length,
    requests: digest(requests.digest('hex')),
    summaries: digest(mask(JSON.stringify([initial, incremental]))),
    logs: digest(mask(JSON.stringify(job.logs))),
  })}\n`,
);
await store.close();
