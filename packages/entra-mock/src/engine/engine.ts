// The provisioning engine's entry point: a job wired from its configuration, its state between
// cycles, its target and its log. The cycle's phases live in ./cycle/, the job's state and schedule
// in ./job.ts, the log writer in ./journal.ts, the public types in ./types.ts.
import type { ProvisioningObjectSummary } from '../logs/types.ts';
import { resolveConfig } from './config.ts';
import { runCycle } from './cycle/run.ts';
import {
  clearConnection,
  connections,
  createExclusiveLock,
  createJobState,
  isDue,
  jobStatus,
  reconfigured,
  restartJob,
  restartsProvisioning,
  startJob,
} from './job.ts';
import { onDemandSubjects } from './on-demand.ts';
import { validateScopingFilters } from './scoping.ts';
import { createTarget } from './target.ts';
import { testConnection } from './test-connection.ts';
import type {
  ProvisioningCycleSummary,
  ProvisioningJob,
  ProvisioningJobChanges,
  ProvisioningJobOptions,
  ProvisionOnDemandReport,
} from './types.ts';

export { PROVISIONING_INTERVAL_MS } from './job.ts';
export type * from './types.ts';

/**
 * Creates a provisioning job: Entra's provisioning service for one enterprise application. It reads
 * the tenant (its lists and change log), evaluates the mapping tables from `@scim/mapping`, and sends
 * Entra's SCIM requests to the Tenant URL with `fetch`, writing a `provisioningObjectSummary` log entry
 * per action.
 *
 * @param options - the job configuration
 * @returns the job
 * @throws MappingError when a mapping table does not compile; TypeError when the Tenant URL is not
 *   absolute; ScimError `invalidFilter` for a scoping filter Entra would not accept
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * const server = setupServer(mountFetchHandler('https://scim.example.test/scim', connector.fetch));
 * server.listen();
 * const job = createProvisioningJob({ tenant, servicePrincipalId: app.id, tenantUrl: 'https://scim.example.test/scim', secretToken: 't' });
 * const summary = await job.runCycle();
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 */
export function createProvisioningJob(options: ProvisioningJobOptions): ProvisioningJob {
  let config = resolveConfig(options);
  const state = createJobState({
    userFilters: [...validateScopingFilters(options.userScopingFilters ?? [])],
    groupFilters: [...validateScopingFilters(options.groupScopingFilters ?? [])],
  });
  let target = createTarget(config);
  const logs: ProvisioningObjectSummary[] = [];
  const exclusive = createExclusiveLock();
  const cycle = () => runCycle(config, state, target, logs, null);
  const reconfigure = (changes: ProvisioningJobChanges) => {
    const next = resolveConfig({ ...config.options, ...changes });
    const userFilters = changes.userScopingFilters && [...validateScopingFilters(changes.userScopingFilters)];
    const groupFilters = changes.groupScopingFilters && [
      ...validateScopingFilters(changes.groupScopingFilters),
    ];
    config = next;
    target = createTarget(config);
    if (userFilters) state.userFilters = userFilters;
    if (groupFilters) state.groupFilters = groupFilters;
    if (restartsProvisioning(changes)) reconfigured(state, config.now());
  };
  return {
    id: config.jobId,
    get dialect() {
      return config.dialect;
    },
    logs,
    status: () => jobStatus(state),
    testConnection: () => testConnection(config, target),
    runCycle: () => exclusive(cycle),
    async provisionOnDemand(
      subject,
      initiatedBy = { id: '', displayName: 'Provision on demand', initiatorType: 'user' },
    ) {
      const { users, groups } = onDemandSubjects(config.tenant, subject);
      return exclusive(async () => {
        const first = logs.length;
        const reports: ProvisionOnDemandReport[] = [];
        const run = { users, groups, initiator: initiatedBy };
        const summary = await runCycle(config, state, target, logs, run, reports);
        return { summary, logs: logs.slice(first), reports };
      });
    },
    runDueCycles() {
      return exclusive(async () => {
        const out: ProvisioningCycleSummary[] = [];
        if (state.paused) return out;
        if (state.nextRun === null) state.nextRun = config.now();
        while (isDue(state, config.now())) out.push(await cycle());
        return out;
      });
    },
    pause() {
      state.paused = true;
    },
    start() {
      startJob(state, config.now());
    },
    restart({ resetScope = false } = {}) {
      restartJob(state, resetScope, config.now());
    },
    allowDeletes() {
      state.deletesAllowed = true;
      // The held-back deletions go out with the next cycle, which is due now.
      state.nextRun = config.now();
    },
    setUserScopingFilters(filters) {
      state.userFilters = [...validateScopingFilters(filters)];
      // Saving scoping filters triggers a full sync; the engine keeps what it provisioned so users
      // that fall out of scope are disabled.
      state.watermark = null;
    },
    setGroupScopingFilters(filters) {
      state.groupFilters = [...validateScopingFilters(filters)];
      state.watermark = null;
    },
    connections: () => connections(state),
    clearConnection: (objectId) => clearConnection(state, objectId),
    reconfigure,
  };
}
