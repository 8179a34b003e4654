/**
 * One case of the benchmark: an initial cycle of the provisioning engine into an in-process
 * @scim/server. Run by run.ts in its own process, so peak memory is this case's alone; prints one
 * JSON line. Arguments: <store: sqlite (a file) | sqlite-memory (':memory:') | memory (memoryStore)>
 * <dialect: legacy | compliant>; sizes from
 * BENCH_USERS, BENCH_GROUPS, BENCH_MEMBERS. Besides the cycle's CPU (`cpuMs`, every thread's;
 * `mainCpuMs`, the main thread's), the line counts the garbage
 * collector's pauses on the main thread during the cycle, by kind (`gcMajor`, `gcMinor`, `gcOther`:
 * count and milliseconds): V8 decides when a mark-compact runs, and runs of the same requests differ by it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { memoryStore, sqliteStore } from '@scim/server';
import { createProvisioningJob } from '../src/index.ts';
import { assignedTenant, scimTarget } from './cycle-setup.ts';

const [storeKind = 'sqlite', dialect = 'legacy'] = process.argv.slice(2);
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const GROUPS = Number(process.env.BENCH_GROUPS ?? 200);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 100);

const dir = mkdtempSync(join(tmpdir(), 'entra-mock-bench-'));
const store =
  storeKind === 'memory'
    ? memoryStore()
    : sqliteStore({ path: storeKind === 'sqlite-memory' ? ':memory:' : join(dir, 'scim.db') });
const { handler, token } = await scimTarget(store);

const setupStarted = performance.now();
const { tenant, appId } = assignedTenant({ users: USERS, groups: GROUPS, members: MEMBERS });
const setupMs = performance.now() - setupStarted;
// Entra does not create a user that is disabled before it was ever provisioned: the generator
// disables about 2 % of its users, and the cycle leaves them out.
const enabledUsers = tenant.listUsers().filter((u) => u.accountEnabled).length;

let requests = 0;
// Every answer at or above 400, with its request: a failed object's log entry says what the engine
// concluded, this says what the server answered, so that a rare failure can be traced.
const errorAnswers: string[] = [];
// The request line and the answer (status, Retry-After, body): the request's body is not kept, as
// copying every body would add to the cycle's CPU; the path names the object.
const describeAnswer = async (request: Request, response: Response) => {
  const retryAfter = response.headers.get('retry-after');
  const body = (await response.clone().text()).slice(0, 400);
  return `${request.method} ${new URL(request.url).pathname} -> ${response.status}${retryAfter === null ? '' : ` (Retry-After ${retryAfter})`} ${body}`;
};
const job = createProvisioningJob({
  tenant,
  servicePrincipalId: appId,
  tenantUrl: `https://scim.example.test/scim/v2${dialect === 'compliant' ? '?aadOptscim062020' : ''}`,
  secretToken: token,
  fetch: async (request) => {
    requests += 1;
    const response = await handler(request);
    if (response.status >= 400) errorAnswers.push(await describeAnswer(request, response));
    return response;
  },
});
// The collector's pauses by kind: a mark-compact is major, a scavenge minor, the rest (incremental
// marking steps, weak callbacks) other.
const gc = { major: { count: 0, ms: 0 }, minor: { count: 0, ms: 0 }, other: { count: 0, ms: 0 } };
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    const slot =
      kind === constants.NODE_PERFORMANCE_GC_MAJOR
        ? gc.major
        : kind === constants.NODE_PERFORMANCE_GC_MINOR
          ? gc.minor
          : gc.other;
    slot.count += 1;
    slot.ms += entry.duration;
  }
});
gcObserver.observe({ entryTypes: ['gc'] });
const started = performance.now();
const cpuBefore = process.cpuUsage();
const mainBefore = process.threadCpuUsage();
const summary = await job.runCycle();
const cycleMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const main = process.threadCpuUsage(mainBefore);
// The observer is told of the last pauses on a later turn of the event loop.
await new Promise((resolve) => setImmediate(resolve));
gcObserver.disconnect();
const cpuMs = (cpu.user + cpu.system) / 1000;
// The main thread's share: the engine, the handler and the store's writes. The rest of cpuMs is the
// other threads' (the collector's helpers, the store's readers and checkpoints), which on a quiet
// machine can run beside the main thread without lengthening the cycle.
const mainCpuMs = (main.user + main.system) / 1000;

const count = async (resource: string) => {
  const res = await handler(
    new Request(`https://scim.example.test/scim/v2/${resource}?count=0`, {
      headers: { authorization: `Bearer ${token}` },
    }),
  );
  return ((await res.json()) as { totalResults: number }).totalResults;
};
const result = {
  store: storeKind,
  dialect,
  users: USERS,
  enabledUsers,
  groups: GROUPS,
  members: MEMBERS,
  setupMs,
  cycleMs,
  cpuMs,
  mainCpuMs,
  requests,
  created: summary.created,
  failed: summary.failed,
  targetUsers: await count('Users'),
  targetGroups: await count('Groups'),
  logEntries: job.logs.length,
  // What a failed object's entry says (code and reason), so that a rare failure can be looked into.
  failures: job.logs.flatMap(({ provisioningStatusInfo: { status, errorInformation: e } }) =>
    status === 'failure' ? [`${e?.errorCode}: ${e?.reason?.slice(0, 300)}`] : [],
  ),
  errorAnswers,
  gcMajor: { count: gc.major.count, ms: Math.round(gc.major.ms) },
  gcMinor: { count: gc.minor.count, ms: Math.round(gc.minor.ms) },
  gcOther: { count: gc.other.count, ms: Math.round(gc.other.ms) },
  maxRssMb: process.resourceUsage().maxRSS / 1024,
};
await store.close();
rmSync(dir, { recursive: true, force: true });
// A failed object means the server refused a valid request (the cycle sends nothing else): said on
// stderr as well, where run.ts shows it, so that it cannot pass for a result.
if (result.failed > 0 || result.errorAnswers.length > 0) {
  process.stderr.write(
    `FAILED: ${result.failed} object(s) failed, ${result.errorAnswers.length} answer(s) at or above 400\n${[...result.failures, ...result.errorAnswers].map((line) => `  ${line}\n`).join('')}`,
  );
}
process.stdout.write(`${JSON.stringify(result)}\n`);
