// One cycle, phase by phase: plan, export users, references, export groups, finish.
import type { ProvisioningObjectSummary } from '../../logs/types.ts';
import type { JobConfig } from '../config.ts';
import { type JobState, jobStatus } from '../job.ts';
import { createJournal, SERVICE_INITIATOR } from '../journal.ts';
import type { Target } from '../target.ts';
import type { ProvisioningCycleSummary, ProvisionOnDemandReport } from '../types.ts';
import type { CycleContext, OnDemandRun } from './context.ts';
import { exportGroups } from './export-groups.ts';
import { exportUsers } from './export-users.ts';
import { finishCycle } from './finish.ts';
import { plan } from './plan.ts';
import { exportReferences } from './references.ts';

/**
 * @internal Runs one cycle (or, given `onDemand`, one on-demand run, which moves no watermark and
 * touches no schedule) and returns its summary.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works#provisioning-cycles-initial-and-incremental
 */
export async function runCycle(
  config: JobConfig,
  state: JobState,
  target: Target,
  logs: ProvisioningObjectSummary[],
  onDemand: OnDemandRun | null,
  reports?: ProvisionOnDemandReport[],
): Promise<ProvisioningCycleSummary> {
  const { tenant, options } = config;
  const cycleId = crypto.randomUUID();
  const initial = onDemand === null && state.watermark === null;
  const ctx: CycleContext = {
    config,
    state,
    target,
    journal: createJournal(config, logs, cycleId, onDemand?.initiator ?? SERVICE_INITIATOR, reports),
    onDemand,
    initial,
    // Microsoft: the aadOptscim062020 flag "currently doesn't work with on-demand provisioning".
    dialect: onDemand ? 'legacy' : config.dialect,
    summary: {
      cycleId,
      initial,
      created: 0,
      updated: 0,
      disabled: 0,
      deleted: 0,
      skipped: 0,
      failed: 0,
      staged: 0,
      status: 'Active',
    },
    startSequence: tenant.sequence,
    deletedUsers: new Set(tenant.listDeletedItems('user').map((i) => i.object.id)),
    deletedGroups: new Set(tenant.listDeletedItems('group').map((i) => i.object.id)),
    userIds: new Set(),
    groupIds: new Set(),
    userPlans: [],
    groupPlans: [],
    removals: 0,
    threshold: null,
    holdRemovals: false,
    quarantined: null,
    attempted: 0,
    failures: 0,
    referenceFailures: 0,
    credentialFailure: null,
    touchedUsers: new Set(),
    removedTargets: new Set(),
    linkedTargets: {},
  };
  plan(ctx);
  options.onProgress?.({
    type: 'cycleStarted',
    cycleId,
    initial,
    total: ctx.userPlans.length + ctx.groupPlans.length,
  });
  await exportUsers(ctx);
  await exportReferences(ctx);
  // Each phase's lists of users (as many as the tenant has) are let go of once it is done.
  ctx.touchedUsers.clear();
  await exportGroups(ctx);
  if (onDemand) ctx.summary.status = jobStatus(state).code;
  else finishCycle(ctx);
  options.onProgress?.({ type: 'cycleCompleted', cycleId, summary: ctx.summary });
  return ctx.summary;
}
