import { parseArgs } from 'node:util';
import { createManualClock } from '../../clock.ts';
import { createProvisioningJob, PROVISIONING_INTERVAL_MS } from '../../engine/engine.ts';
import { importDirectory } from '../../generator/directory.ts';
import { formatProvisioningSummary, summarizeProvisioningLogs } from '../../logs/summary-table.ts';
import { createEntraTenant } from '../../tenant/tenant.ts';
import { type CliContext, CliUsageError } from '../context.ts';
import { directoryOptions, loadDirectory } from '../directory-source.ts';
import { watchFetch } from '../network.ts';
import { logTable, progressBar, summaryLine } from '../render.ts';
import { credentialOptions, credentials, testConnectionFailure } from './test-connection.ts';

/** The table shows every entry up to this many, then only the failures. */
const AUTO_TABLE_LIMIT = 100;

/**
 * @internal `entra-mock provision`: loads a generated or JSON-described tenant and runs the
 * provisioning engine against a SCIM URL: Test Connection, then the cycles, with a progress bar, a
 * log table and a summary; the logs go to a JSON file with `--logs`. Exit status 1 when Test
 * Connection fails, an event fails or the job is quarantined.
 */
export async function provisionCommand(args: string[], context: CliContext): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...credentialOptions,
      ...directoryOptions,
      app: { type: 'string' },
      scope: { type: 'string' },
      'no-groups': { type: 'boolean' },
      cycles: { type: 'string' },
      logs: { type: 'string' },
      table: { type: 'string' },
    },
    strict: true,
  });
  const { url, token } = credentials(values);
  const scope = values.scope ?? 'assigned';
  if (scope !== 'assigned' && scope !== 'all')
    throw new CliUsageError(`--scope must be assigned or all, not "${scope}"`);
  const table = values.table ?? 'auto';
  if (!['auto', 'all', 'failures', 'none'].includes(table)) {
    throw new CliUsageError(`--table must be auto, all, failures or none, not "${table}"`);
  }
  const cycles = values.cycles === undefined ? 1 : Number(values.cycles);
  if (!Number.isInteger(cycles) || cycles < 1)
    throw new CliUsageError(`--cycles must be a whole number >= 1, not "${values.cycles}"`);

  const { description, generated, seed } = await loadDirectory(values, context);
  const clock = createManualClock();
  const tenant = createEntraTenant({ clock, seed });
  const ids = importDirectory(tenant, description);
  const appName = values.app ?? Object.keys(ids.applications)[0];
  let appId = appName === undefined ? undefined : ids.applications[appName];
  if (values.app !== undefined && appId === undefined) {
    throw new CliUsageError(
      `the tenant has no application "${values.app}"; it has ${Object.keys(ids.applications).join(', ') || 'none'}`,
    );
  }
  if (appId === undefined) {
    if (scope === 'assigned') {
      throw new CliUsageError(
        'the tenant has no application to assign users to; add one to the description or use --scope all',
      );
    }
    appId = tenant.createServicePrincipal({ displayName: 'entra-mock' }).id;
  }
  if (generated) {
    // The generated application has its users assigned; assign the groups too, so both are provisioned.
    const role = tenant.getServicePrincipal(appId).appRoles[0]!.id;
    for (const group of tenant.listGroups()) tenant.assign(appId, group.id, role);
  }

  let done = 0;
  let total = 0;
  const network = watchFetch(context.fetch, url);
  const job = createProvisioningJob({
    tenant,
    servicePrincipalId: appId,
    tenantUrl: url,
    secretToken: token,
    fetch: network.fetch,
    scope,
    provisionGroups: values['no-groups'] !== true,
    onProgress: (event) => {
      if (event.type === 'cycleStarted') {
        done = 0;
        total = event.total;
      } else if (event.type === 'entry') {
        done += 1;
        if (context.progress && (done % 25 === 0 || done === total))
          context.progress(progressBar(Math.min(done, total), total));
      }
    },
  });

  context.err(
    `Tenant: ${description.users.length} users, ${description.groups.length} groups; Tenant URL ${url} (${job.dialect} dialect)`,
  );
  const connection = await job.testConnection();
  if (!connection.success) {
    context.err(testConnectionFailure(connection, network.failure()));
    return 1;
  }
  context.err('Test Connection succeeded.');

  let failed = 0;
  let quarantined = false;
  for (let cycle = 0; cycle < cycles; cycle++) {
    if (cycle > 0) clock.advance(PROVISIONING_INTERVAL_MS);
    const from = job.logs.length;
    const started = context.now();
    const summary = await job.runCycle();
    const elapsed = context.now() - started;
    context.progress?.('');
    const entries = job.logs.slice(from);
    const shown =
      table === 'all' || (table === 'auto' && entries.length <= AUTO_TABLE_LIMIT)
        ? entries
        : table === 'none'
          ? []
          : entries.filter((e) => e.provisioningStatusInfo.status === 'failure');
    if (shown.length > 0) for (const line of logTable(shown)) context.out(line);
    if (table === 'auto' && entries.length > AUTO_TABLE_LIMIT) {
      context.err(
        `${entries.length} log entries: the table shows the failures only (--table all shows every entry).`,
      );
    }
    context.out(summaryLine(summary, elapsed));
    failed += summary.failed;
    if (summary.status === 'Quarantine') {
      quarantined = true;
      const q = job.status().quarantine;
      context.err(
        `The job is in quarantine: ${q?.reason}${q?.error ? ` (${q.error.code}: ${q.error.message})` : ''}`,
      );
      break;
    }
  }
  // The run's summary, as the demo prints it: every log entry counted by action, type and status.
  context.out('');
  for (const line of formatProvisioningSummary(summarizeProvisioningLogs(job.logs))) context.out(line);
  const down = network.failure();
  if (down !== undefined) context.err(`The SCIM server stopped answering: ${down}.`);
  if (values.logs !== undefined) {
    await context.writeFile(values.logs, `${JSON.stringify({ value: job.logs }, null, 2)}\n`);
    context.err(`Wrote ${job.logs.length} provisioning log entries to ${values.logs}.`);
  }
  return failed > 0 || quarantined ? 1 : 0;
}
