/**
 * Benchmark of the in-memory tenant alone, as the engine's large cycle uses it: load a directory
 * (users, managers, groups of 100 members, one application every user is assigned to), read every
 * object one at a time and whole lists, update every user, soft-delete 1% of the users and read
 * the others while those wait in deleted items, restore them, and purge 0.1%.
 * With TENANT_BASELINE set to a git revision, the tenant of that revision (extracted with
 * `git archive` into .cache/tenant-baseline-<rev>/ of this package, git-ignored) runs beside this
 * one, alternating round by round, and the table gives the ratio. Times are CPU (process.cpuUsage),
 * which other work on the machine inflates less than wall time; the median of the rounds.
 *
 *   pnpm --filter @scim/entra-mock exec node --conditions=@scim/source --no-warnings bench/tenant.ts
 *   TENANT_BASELINE=d6302c5 TENANT_USERS=100000 TENANT_GROUPS=1000 TENANT_ROUNDS=5 \
 *     pnpm --filter @scim/entra-mock exec node --conditions=@scim/source --no-warnings bench/tenant.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createEntraTenant, createManualClock, type EntraTenant } from '../src/index.ts';

type Create = typeof createEntraTenant;

const USERS = Number(process.env.TENANT_USERS ?? 100_000);
const GROUPS = Number(process.env.TENANT_GROUPS ?? 1_000);
const MEMBERS = Math.min(100, USERS);
const ROUNDS = Number(process.env.TENANT_ROUNDS ?? 5);
const PURGED = Math.max(1, Math.floor(USERS / 1000));

const CASES = [
  'load',
  'read each object',
  'list all',
  'update each user',
  'soft-delete 1%',
  'read each user, 1% deleted',
  'restore 1%',
  'purge 0.1%',
] as const;
type CaseName = (typeof CASES)[number];

async function baseline(rev: string): Promise<Create> {
  const dir = new URL(`../.cache/tenant-baseline-${rev}/`, import.meta.url);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', '--format=tar', rev, 'packages/entra-mock/src'], {
      cwd: new URL('../../../', import.meta.url).pathname,
      maxBuffer: 64 * 1024 * 1024,
    });
    execFileSync('tar', ['-x', '-C', dir.pathname], { input: tar });
  }
  const mod = (await import(new URL('packages/entra-mock/src/tenant/tenant.ts', dir).href)) as {
    createEntraTenant: Create;
  };
  return mod.createEntraTenant;
}

function cpu(work: () => void): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** One round on one tenant implementation: the CPU milliseconds of each case. */
function round(create: Create): Record<CaseName, number> {
  const times = {} as Record<CaseName, number>;
  let tenant!: EntraTenant;
  const userIds: string[] = [];
  const groupIds: string[] = [];
  let appId = '';
  times.load = cpu(() => {
    tenant = create({ clock: createManualClock(), seed: 1 });
    for (let i = 0; i < USERS; i++) {
      const name = `user${i}`;
      const user = tenant.createUser({
        userPrincipalName: `${name}@contoso.onmicrosoft.com`,
        displayName: `User ${i}`,
        mailNickname: name,
        department: `Department ${i % 20}`,
      });
      userIds.push(user.id);
      if (i > 0) tenant.setManager(user.id, userIds[Math.floor((i - 1) / 10)]!);
    }
    for (let g = 0; g < GROUPS; g++) {
      const group = tenant.createGroup({ displayName: `Group ${g}`, mailNickname: `group${g}` });
      groupIds.push(group.id);
      for (let m = 0; m < MEMBERS; m++) tenant.addMember(group.id, userIds[(g * MEMBERS + m) % USERS]!);
    }
    appId = tenant.createServicePrincipal({ displayName: 'SCIM app' }).id;
    for (const id of userIds) tenant.assign(appId, id);
  });
  times['read each object'] = cpu(() => {
    for (let i = 0; i < USERS; i++) {
      tenant.findUser(`user${i}@contoso.onmicrosoft.com`);
      tenant.getUser(userIds[i]!);
      tenant.getManager(userIds[i]!);
    }
    for (const id of groupIds) {
      tenant.findGroup(id);
      tenant.listMembers(id);
    }
  });
  times['list all'] = cpu(() => {
    tenant.listUsers();
    tenant.listGroups();
    tenant.listAssignments(appId);
    tenant.listDeletedItems();
    tenant.changesSince(0);
  });
  times['update each user'] = cpu(() => {
    for (const id of userIds) tenant.updateUser(id, { jobTitle: 'Engineer' });
  });
  const some = userIds.filter((_, i) => i % 100 === 1);
  times['soft-delete 1%'] = cpu(() => {
    for (const id of some) tenant.deleteUser(id);
  });
  times['read each user, 1% deleted'] = cpu(() => {
    for (let i = 0; i < USERS; i++) if (i % 100 !== 1) tenant.getUser(userIds[i]!);
  });
  times['restore 1%'] = cpu(() => {
    for (const id of some) tenant.restoreDeletedItem(id);
  });
  const purged = userIds.slice(-PURGED);
  times['purge 0.1%'] = cpu(() => {
    for (const id of purged) tenant.deleteUser(id, { permanently: true });
  });
  return times;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const fmt = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));

export async function run(): Promise<void> {
  const rev = process.env.TENANT_BASELINE;
  const old = rev === undefined || rev === '' ? undefined : await baseline(rev);
  const runs: { name: string; create: Create; times: Record<CaseName, number>[] }[] = [
    ...(old === undefined ? [] : [{ name: `before (${rev})`, create: old, times: [] }]),
    { name: 'this tenant', create: createEntraTenant, times: [] },
  ];
  round(createEntraTenant); // warm-up
  if (old !== undefined) round(old);
  for (let r = 0; r < ROUNDS; r++) {
    for (const entry of runs) entry.times.push(round(entry.create));
  }
  console.log(
    `\n### The tenant: ${USERS.toLocaleString('en-US')} users, ${GROUPS.toLocaleString('en-US')} groups of ${MEMBERS} members (CPU ms, median of ${ROUNDS} rounds)\n`,
  );
  console.log(
    `| case | ${runs.map((e) => e.name).join(' | ')} |${old === undefined ? '' : ' before / this |'}`,
  );
  console.log(`|---|${runs.map(() => '---:|').join('')}${old === undefined ? '' : '---:|'}`);
  for (const name of CASES) {
    const medians = runs.map((e) => median(e.times.map((t) => t[name])));
    const ratio = medians.length === 2 ? ` ${(medians[0]! / medians[1]!).toFixed(2)}x |` : '';
    console.log(`| ${name} | ${medians.map(fmt).join(' | ')} |${ratio}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
