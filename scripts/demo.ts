#!/usr/bin/env node
// The project's main job (`./dev start`, or `pnpm run demo`): a SCIM connector made from a template
// (templates/cybsafe) served over HTTP on its embedded SQLite store, and a simulated Microsoft Entra
// tenant (@scim/entra-mock) that provisions it as Entra does: Test Connection, an initial cycle, a
// few changes in the tenant, an incremental cycle, each with Entra's provisioning logs.
//
//   node scripts/demo.ts [--dir <dir>] [--serve]
//
// --dir   where the data and logs go (default: .demo/ at the repository root; it is emptied of them)
// --serve keep the connector running after the demo, to query it (Ctrl-C stops it)
//
// The libraries are imported as the template imports them: their build (dist/) by default, their
// sources with `node --conditions=@scim/source`. Output is plain, one line per step, when stdout is
// not a terminal (CI); the last line starts with "Demo complete" when every step succeeded.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { memoryCybSafeApp } from '../templates/cybsafe/src/app.ts';
import { basePath, createConnector } from '../templates/cybsafe/src/connector.ts';

const root = resolve(import.meta.dirname, '..');
const templateDir = join(root, 'templates', 'cybsafe');
const { values: flags } = parseArgs({
  options: { dir: { type: 'string' }, serve: { type: 'boolean', default: false } },
});
const dataDir = resolve(flags.dir ?? join(root, '.demo'));

// ---------------------------------------------------------------------------------------------
// Output: colours and a progress bar on a terminal, plain lines otherwise.
const { env } = process; // NO_COLOR, NODE_OPTIONS, PORT (the demo is no turbo task: nothing is cached)
const tty = process.stdout.isTTY === true;
const color = tty && !env.NO_COLOR;
const paint = (code: string) => (s: string | number) => (color ? `\x1b[${code}m${s}\x1b[0m` : String(s));
const bold = paint('1');
const dim = paint('2');
const green = paint('32');
const red = paint('31');
const say = (line = '') => process.stdout.write(`${line}\n`);
const step = (n: number, title: string) => say(`\n${bold(`${n}. ${title}`)}`);
const show = (path: string) => {
  const near = relative(process.cwd(), path);
  return near.startsWith('..') ? path : near || '.';
};
const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

// ---------------------------------------------------------------------------------------------
// The libraries, resolved from the template (its dependencies), as dist or as sources.
const fromSources = [...process.execArgv, env.NODE_OPTIONS ?? ''].some((a) => a.includes('@scim/source'));
const templateRequire = createRequire(join(templateDir, 'package.json'));
async function importPackage<T>(name: string): Promise<T> {
  const manifest = templateRequire.resolve(`${name}/package.json`);
  const entry = JSON.parse(readFileSync(manifest, 'utf8')).exports['.'];
  return import(
    pathToFileURL(join(dirname(manifest), fromSources ? entry['@scim/source'] : entry.import.default)).href
  );
}
const { issueToken, openConnectorStore, toNodeListener } =
  await importPackage<typeof import('../packages/server/src/index.ts')>('@scim/server');
const entra = await importPackage<typeof import('../packages/entra-mock/src/index.ts')>('@scim/entra-mock');
const { parseMappingTable } =
  await importPackage<typeof import('../packages/mapping/src/index.ts')>('@scim/mapping');
type LogEntry = import('../packages/entra-mock/src/index.ts').ProvisioningObjectSummary;
type CycleSummary = import('../packages/entra-mock/src/index.ts').ProvisioningCycleSummary;

const started = Date.now();
say(bold('\nSCIM SDK demo: Microsoft Entra ID provisions a CybSafe connector, all on this machine'));
say(dim('A connector from templates/cybsafe, a simulated Entra tenant, and the requests Entra sends.'));

// ---------------------------------------------------------------------------------------------
step(1, 'The connector: templates/cybsafe, on its embedded SQLite store');
mkdirSync(dataDir, { recursive: true });
const dbPath = join(dataDir, 'connector.db');
const logsPath = join(dataDir, 'provisioning-logs.json');
const tenantPath = join(dataDir, 'tenant.json');
for (const file of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, logsPath, tenantPath])
  rmSync(file, { force: true });

const store = openConnectorStore(`file:${dbPath}`); // what the template's npm start opens
const app = memoryCybSafeApp(); // CybSafe's own user model, which the connector's hooks update
const handler = createConnector({ store, app }); // the template's src/connector.ts
await handler.ready;
const { token } = await issueToken(store.tokens, 'default', { label: 'scim-sdk demo' });
const server = createServer(toNodeListener(handler));
const port = flags.serve ? Number(env.PORT ?? 3000) : 0;
await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const tenantUrl = `${origin}${basePath}`;
say(`   Tenant URL    ${tenantUrl}  ${dim('(node:http + toNodeListener)')}`);
say(
  `   Secret Token  issued with issueToken(); only its SHA-256 hash is stored ${dim('(shown at the end)')}`,
);
say(
  `   Store         ${show(dbPath)}  ${dim('(sqliteStore, through openConnectorStore, as the template\u2019s npm start)')}`,
);

// ---------------------------------------------------------------------------------------------
step(2, 'A simulated Entra tenant (@scim/entra-mock)');
const clock = { now: () => new Date() }; // real time, so durations in the logs are real
const tenant = entra.createEntraTenant({ clock, seed: 2026 });
const description = entra.generateDirectory({
  seed: 2026,
  users: 300,
  groups: 5,
  application: { displayName: 'CybSafe', assign: 'users' },
});
// Every user is assigned to the app; assign the five groups too, so that Entra provisions them with
// their members, and leave a few people in no group unassigned: Entra evaluates and skips them.
const inGroups = new Set(description.groups.flatMap((g) => g.members ?? []));
const unassigned = new Set(
  description.users
    .map((u) => u.userPrincipalName)
    .filter((upn) => !inGroups.has(upn))
    .slice(-4),
);
const application = description.applications![0]!;
application.assignments = [
  ...(application.assignments ?? []).filter((a) => !unassigned.has(a.principal)),
  ...description.groups.map((g) => ({ principal: g.mailNickname, role: 'User' })),
];
const ids = entra.importDirectory(tenant, description);
const enterpriseApp = tenant.getServicePrincipal(ids.applications.CybSafe!);
const mappingJson = JSON.parse(readFileSync(join(templateDir, 'entra', 'mapping.json'), 'utf8'));
const userMappings = parseMappingTable(mappingJson.users);
const groupMappings = parseMappingTable(mappingJson.groups);
const disabledCount = description.users.filter((u) => u.accountEnabled === false).length;
say(
  `   ${description.users.length} users (${disabledCount} disabled), ${description.groups.length} groups: ${description.groups.map((g) => g.displayName).join(', ')}`,
);
say(
  `   Enterprise app "CybSafe": ${description.users.length - unassigned.size} users and ${description.groups.length} groups assigned, ${unassigned.size} users not`,
);
say(
  `   Attribute mappings from templates/cybsafe/entra/mapping.json: ${userMappings.mappings.length} for users, ${groupMappings.mappings.length} for groups`,
);

// The provisioning job: Entra's provisioning service for the app, over real HTTP to the connector.
const requests = new Map<string, number>();
let progress: ((entry: LogEntry) => void) | undefined;
let begin: ((total: number) => void) | undefined;
const job = entra.createProvisioningJob({
  tenant,
  servicePrincipalId: enterpriseApp.id,
  tenantUrl,
  secretToken: token,
  userMappings,
  groupMappings,
  fetch: (request) => {
    requests.set(request.method, (requests.get(request.method) ?? 0) + 1);
    return fetch(request);
  },
  onProgress: (event) => {
    if (event.type === 'cycleStarted') begin?.(event.total);
    if (event.type === 'entry') progress?.(event.entry);
  },
});

// ---------------------------------------------------------------------------------------------
step(3, 'Test Connection');
const connection = await job.testConnection();
say(
  `   ${connection.success ? green('\u2713 success') : red('\u2717 failed')}  ${dim('GET /Users?filter=userName eq "<random GUID>" must answer 200 with an empty list')}`,
);
if (!connection.success) {
  say(`   ${connection.errorCode}: ${connection.message}`);
  await stop();
  process.exit(1);
}

// A cycle, with a progress bar (a line per quarter when not on a terminal) and its summary.
async function cycle(label: string): Promise<{ summary: CycleSummary; entries: LogEntry[]; ms: number }> {
  const entries: LogEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  let printedQuarter = 0;
  let finished = false;
  const draw = () => {
    const done = finished ? total : Math.min(seen.size, total);
    if (tty) {
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const bar = `${'\u2588'.repeat(filled)}${'\u2591'.repeat(width - filled)}`;
      process.stdout.write(`\r\x1b[2K   ${bar} ${done}/${total} objects`);
    } else {
      const quarter = total === 0 ? 4 : Math.floor((done / total) * 4);
      if (quarter > printedQuarter) {
        printedQuarter = quarter;
        say(`   ${label}: ${done}/${total} objects evaluated (${quarter * 25} %)`);
      }
    }
  };
  begin = (n) => {
    total = n;
    if (!tty) say(`   ${label}: ${n} objects to evaluate`);
    draw();
  };
  progress = (entry) => {
    entries.push(entry);
    seen.add(entry.sourceIdentity.id);
    draw();
  };
  requests.clear();
  const t0 = Date.now();
  const summary = await job.runCycle();
  const ms = Date.now() - t0;
  finished = true; // objects with nothing to do write no log entry: the bar ends at 100 % anyway
  draw();
  if (tty) process.stdout.write(` in ${seconds(ms)}\n`);
  return { summary, entries, ms };
}

// The summary, as Entra's provisioning logs would count it: actions by type and object type
// (@scim/entra-mock's table, which `entra-mock provision` prints too).
function table(entries: LogEntry[], ms: number) {
  const rows = entra.summarizeProvisioningLogs(entries);
  const [head, ...lines] = entra.formatProvisioningSummary(rows);
  say(`   ${bold(head!)}`);
  lines.forEach((line, i) => {
    const row = rows[i]!;
    const empty = row.users + row.groups === 0;
    say(`   ${row.failure > 0 ? red(line) : empty ? dim(line) : line}`);
  });
  const sent = [...requests].map(([method, n]) => `${n} ${method}`).join(', ');
  const reasons = new Map<string, number>();
  for (const e of entries) {
    const code = e.provisioningStatusInfo.errorInformation?.errorCode;
    if (code) reasons.set(code, (reasons.get(code) ?? 0) + 1);
  }
  for (const [code, n] of reasons) say(dim(`   ${String(n).padStart(4)} \u00d7 ${code}`));
  say(dim(`   ${'\u2500'.repeat(59)}`));
  say(`   ${entries.length} log entries \u00b7 ${sent || 'no'} requests over HTTP \u00b7 ${seconds(ms)}`);
}

// ---------------------------------------------------------------------------------------------
step(4, 'Initial cycle: every user and group of the tenant is evaluated');
const initial = await cycle('initial cycle');
table(initial.entries, initial.ms);

// ---------------------------------------------------------------------------------------------
step(5, 'Changes in the tenant');
const people = description.users.filter(
  (u) => u.accountEnabled !== false && !unassigned.has(u.userPrincipalName),
);
const idOf = (upn: string) => ids.users[upn]!;
const [renamed, disabled, softDeleted, purged] = people.slice(10, 14) as [
  (typeof people)[0],
  (typeof people)[0],
  (typeof people)[0],
  (typeof people)[0],
];
const newSurname = 'Okafor-Lindqvist';
tenant.updateUser(idOf(renamed.userPrincipalName), {
  surname: newSurname,
  displayName: `${renamed.givenName} ${newSurname}`,
});
say(`   renamed           ${renamed.displayName} \u2192 ${renamed.givenName} ${newSurname}`);
tenant.disableUser(idOf(disabled.userPrincipalName));
say(`   sign-in blocked   ${disabled.displayName}`);
tenant.deleteUser(idOf(softDeleted.userPrincipalName));
say(`   deleted           ${softDeleted.displayName} ${dim('(soft: in the recycle bin for 30 days)')}`);
tenant.deleteUser(idOf(purged.userPrincipalName), { permanently: true });
say(`   deleted for good  ${purged.displayName} ${dim('(hard delete)')}`);
const hire = tenant.createUser({
  userPrincipalName: `nova.berg@${renamed.userPrincipalName.split('@')[1]}`,
  displayName: 'Nova Berg',
  mailNickname: 'nova.berg',
  givenName: 'Nova',
  surname: 'Berg',
  jobTitle: 'Security Champion',
});
const team = description.groups[0]!;
const teamId = ids.groups[team.mailNickname]!;
tenant.addMember(teamId, hire.id);
const leaver = (team.members ?? []).find(
  (upn) => ![renamed, disabled, softDeleted, purged].some((u) => u.userPrincipalName === upn),
)!;
tenant.removeMember(teamId, idOf(leaver));
say(`   new hire          Nova Berg, added to ${team.displayName} ${dim('(assigned through the group)')}`);
say(
  `   left the group    ${description.users.find((u) => u.userPrincipalName === leaver)?.displayName} left ${team.displayName}`,
);

// ---------------------------------------------------------------------------------------------
step(6, 'Incremental cycle: only what changed since the watermark');
const incremental = await cycle('incremental cycle');
const width = Math.max(...incremental.entries.map((e) => e.sourceIdentity.displayName.length));
/** What an entry changed, in a few words: the attributes, or the members added and removed. */
function describe(e: LogEntry): string {
  const members = (side: 'oldValue' | 'newValue') =>
    e.modifiedProperties
      .filter((p) => p.displayName === 'members' && p[side] !== null)
      .reduce((n, p) => n + String(p[side]).split(',').length, 0);
  const changed = e.modifiedProperties.filter(
    (p) => p.displayName !== 'members' && p.oldValue !== p.newValue,
  );
  const text = [
    ...changed
      .slice(0, 2)
      .map((p) =>
        p.oldValue === null ? p.displayName : `${p.displayName}: ${p.oldValue} \u2192 ${p.newValue}`,
      ),
    ...(changed.length > 2 ? [`+${changed.length - 2} more`] : []),
    ...(members('newValue') > 0 ? [`${members('newValue')} member(s) added`] : []),
    ...(members('oldValue') > 0 ? [`${members('oldValue')} removed`] : []),
  ].join(', ');
  if (text === '' && e.provisioningAction === 'delete') return 'deleted in CybSafe';
  return text.length > 72 ? `${text.slice(0, 71)}\u2026` : text;
}
for (const e of incremental.entries) {
  const status = e.provisioningStatusInfo.status;
  say(
    `   ${e.provisioningAction.padEnd(8)} ${e.sourceIdentity.identityType.padEnd(6)} ${e.sourceIdentity.displayName.padEnd(width)} ${status === 'success' ? green(status) : status === 'failure' ? red(status) : status}  ${dim(describe(e))}`,
  );
}
say();
table(incremental.entries, incremental.ms);

// ---------------------------------------------------------------------------------------------
step(7, 'What the connector holds now');
const scim = async (path: string) =>
  (await (await fetch(`${tenantUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
    totalResults: number;
    Resources?: Record<string, unknown>[];
  };
const usersHeld = (await scim('/Users?count=0')).totalResults;
const groupsHeld = (await scim('/Groups?count=0&excludedAttributes=members')).totalResults;
const active = [...app.people.values()].filter((p) => p.active).length;
say(`   SCIM store     ${usersHeld} users, ${groupsHeld} groups in ${show(dbPath)}`);
say(
  `   CybSafe app    ${app.people.size} people (${active} active), ${app.groups.size} groups ${dim('(updated by the hooks in connector.ts)')}`,
);

// The logs, in the shape of Graph's GET /auditLogs/provisioning (newest first), and the tenant.
writeFileSync(
  logsPath,
  `${JSON.stringify({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/provisioning', value: [...job.logs].reverse() }, null, 2)}\n`,
);
writeFileSync(tenantPath, `${JSON.stringify(entra.exportDirectory(tenant), null, 2)}\n`);

// ---------------------------------------------------------------------------------------------
step(8, 'Where it is');
const filter = `filter=userName eq "${renamed.userPrincipalName}"`;
say(`   Data              ${show(dbPath)}  ${dim('(SQLite; open it with any SQLite client)')}`);
say(
  `   Provisioning logs ${show(logsPath)}  ${dim(`(${job.logs.length} provisioningObjectSummary entries, as Graph returns them)`)}`,
);
say(`   The tenant        ${show(tenantPath)}  ${dim('(exportDirectory: users, groups, assignments)')}`);
say(
  `   The connector     templates/cybsafe/src/connector.ts  ${dim('(schema, policies and hooks in one file)')}`,
);
say();
if (flags.serve) {
  say(`   The connector is still serving ${tenantUrl} (Ctrl-C stops it). Query it:`);
} else {
  say('   Query the data: serve it again, as `npm start` does in a generated project, then curl it:');
  say(`     DATABASE_URL=${dbPath} PORT=3000 ./dev pnpm --filter @scim-template/cybsafe start`);
}
const curlBase = flags.serve ? tenantUrl : `http://localhost:3000${basePath}`;
say(`     curl -sG -H 'Authorization: Bearer ${token}' ${curlBase}/Users --data-urlencode '${filter}'`);
say(dim(`   (a local demo token: it opens only ${show(dbPath)}, and the next demo run replaces it)`));
say(
  `\nNext: ${bold('npm create scim-connector@latest my-app -- --template cybsafe')} starts your own; README.md says more.`,
);

const failed = initial.summary.failed + incremental.summary.failed;
const complete = failed === 0 && initial.summary.created > 0 && incremental.entries.length > 0;
const line = `initial cycle ${initial.summary.created} created, ${initial.summary.skipped} skipped; incremental cycle ${incremental.entries.length} actions; ${failed} failed; ${seconds(Date.now() - started)}`;
say(complete ? `\n${green('Demo complete')}: ${line}` : `\n${red('Demo failed')}: ${line}`);

async function stop() {
  await new Promise<void>((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });
  await handler.close();
}
if (!flags.serve) await stop();
else for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop());
process.exitCode = complete ? 0 : 1;
