// Phase 1 of a cycle: which objects to evaluate, what to do to each, and whether the accidental
// deletion threshold holds the removals back.
import {
  appRoleAssignments,
  type Entitlements,
  effectiveRoles,
  entitled,
  indexEntitlements,
} from '../entitlement.ts';
import { DAY } from '../job.ts';
import { groupSource, userSource } from '../resource.ts';
import { isInScope } from '../scoping.ts';
import type { CycleContext, UserPlan } from './context.ts';

/**
 * @internal The candidates: everything on an initial cycle, what changed since the watermark
 * otherwise, plus escrowed and staged objects.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works#provisioning-cycles-initial-and-incremental
 */
export function collectCandidates(ctx: CycleContext): void {
  const { state, onDemand, userIds, groupIds } = ctx;
  const { tenant } = ctx.config;
  if (onDemand) {
    for (const id of onDemand.users) userIds.add(id);
    for (const id of onDemand.groups) groupIds.add(id);
  } else if (ctx.initial) {
    for (const u of tenant.listUsers()) userIds.add(u.id);
    for (const id of state.users.keys()) userIds.add(id);
    for (const g of tenant.listGroups()) groupIds.add(g.id);
    for (const id of state.groups.keys()) groupIds.add(id);
  } else {
    collectChanges(ctx);
  }
  if (onDemand) return;
  // Escrowed changes are retried on their back-off, and dropped 28 days after the first failure.
  const now = ctx.config.now();
  for (const [key, entry] of state.escrow) {
    if (entry.since < now - 28 * DAY) {
      state.escrow.delete(key);
      continue;
    }
    if (now >= entry.nextRetry) (entry.kind === 'user' ? userIds : groupIds).add(key);
  }
  for (const key of state.staged) {
    if (state.users.has(key)) userIds.add(key);
    if (state.groups.has(key)) groupIds.add(key);
  }
  // Objects whose linkage was cleared (Graph's objectConnections) are evaluated and matched anew.
  for (const key of state.reevaluate) (tenant.findGroup(key) ? groupIds : userIds).add(key);
  state.reevaluate = new Set();
}

/** Adds the objects the tenant's change log names since the watermark. */
function collectChanges(ctx: CycleContext): void {
  const { state, userIds, groupIds } = ctx;
  const { tenant, app } = ctx.config;
  const membersOf = (groupId: string) => {
    if (!tenant.findGroup(groupId)) return;
    for (const m of tenant.listMembers(groupId)) if (m.type === 'user') userIds.add(m.object.id);
  };
  for (const change of tenant.changesSince(state.watermark!)) {
    switch (change.kind) {
      case 'userSoftDeleted': {
        // A soft-deleted user leaves its groups; the groups it was provisioned in are updated.
        userIds.add(change.userId);
        const targetId = state.users.get(change.userId)?.targetId;
        for (const [groupId, link] of state.groups)
          if (targetId !== undefined && link.members.has(targetId)) groupIds.add(groupId);
        break;
      }
      case 'userCreated':
      case 'userUpdated':
      case 'userRestored':
      case 'userHardDeleted':
      case 'managerChanged':
        userIds.add(change.userId);
        break;
      case 'groupCreated':
      case 'groupUpdated':
        groupIds.add(change.groupId);
        break;
      case 'groupSoftDeleted':
      case 'groupRestored':
      case 'groupHardDeleted': {
        // Members in scope through this group are re-evaluated.
        groupIds.add(change.groupId);
        // A deleted group's members are hidden: when the group was not provisioned, every
        // provisioned user is re-evaluated (only real changes send requests).
        const members = state.groups.get(change.groupId)?.members;
        for (const [id, s] of state.users) if (!members || members.has(s.targetId)) userIds.add(id);
        membersOf(change.groupId);
        break;
      }
      case 'memberAdded':
      case 'memberRemoved':
        groupIds.add(change.groupId);
        if (change.memberType === 'user') userIds.add(change.memberId);
        break;
      case 'appRoleAssigned':
      case 'appRoleUnassigned':
        if (change.servicePrincipalId !== app.id) break;
        if (change.principalType === 'User') userIds.add(change.principalId);
        else {
          groupIds.add(change.principalId);
          membersOf(change.principalId);
        }
        break;
      default:
        break;
    }
  }
}

/** @internal "True" or "False", as the logs print booleans. */
const tf = (value: boolean): string => (value ? 'True' : 'False');

/**
 * @internal Plans each candidate user: provision when assigned (or scope all) and passing the
 * scoping filters; disable when it was provisioned and no longer is in scope; delete when it is gone
 * from the tenant; skip otherwise. A user disabled in Entra that was never provisioned is not
 * created, and a user the service stopped managing (unassigned, then disabled) is not deleted.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works#deprovisioning
 */
export function planUsers(ctx: CycleContext, entitlements: Entitlements): void {
  const { config, state } = ctx;
  const { tenant, actions, options } = config;
  // Most users of a cycle have the same scoping details: their entries share one frozen object.
  const sharedDetails = new Map<string, Readonly<Record<string, string>>>();
  for (const userId of ctx.userIds) {
    const link = state.users.get(userId);
    const user = tenant.findUser(userId);
    if (!user) {
      if (!link) continue;
      if (ctx.deletedUsers.has(userId)) {
        // Disabling is an update: it needs the Update target object action.
        if (link.active && actions.update)
          ctx.userPlans.push({ kind: 'disable', userId, reason: 'softDeleted' });
      } else if (actions.delete && link.managed) ctx.userPlans.push({ kind: 'delete', userId });
      // Microsoft: once a user is unassigned and disabled, the service no longer manages it, and
      // deleting it from the directory sends no DELETE.
      else state.users.delete(userId);
      continue;
    }
    const roles = effectiveRoles(entitlements, userId);
    const source = userSource(user, {
      managerId: tenant.getManager(userId)?.id ?? null,
      appRoleAssignments: appRoleAssignments(config, roles),
    });
    const assignedOk = config.scope === 'all' || entitled(config, roles);
    const evaluation = state.userFilters.map((f, i) => [
      f.title ?? `Filter ${i + 1}`,
      tf(isInScope([f], source)),
    ]);
    const filtersOk = isInScope(state.userFilters, source);
    const details = shared(sharedDetails, {
      IsActive: tf(user.accountEnabled),
      Assigned: tf(roles.length > 0),
      IsEffectivelyEntitledForProvisioning: tf(assignedOk),
      IsInProvisioningScopeDisplayName: tf(filtersOk),
      ScopeEvaluationResult: JSON.stringify(Object.fromEntries(evaluation)),
    });
    if (assignedOk && filtersOk && (link || user.accountEnabled)) {
      ctx.userPlans.push({ kind: 'provision', userId, user, source, roles, details });
      continue;
    }
    const reason = assignedOk ? 'outOfScope' : 'unassigned';
    if (link?.active && !options.skipOutOfScopeDeletions && actions.update && !(assignedOk && filtersOk)) {
      ctx.userPlans.push({ kind: 'disable', userId, reason });
      continue;
    }
    ctx.userPlans.push({
      kind: 'skip',
      userId,
      name: user.userPrincipalName,
      displayName: user.displayName,
      source,
      details,
      ...skipReason(ctx, { assignedOk, filtersOk, active: link?.active === true }),
    });
  }
}

/** The frozen copy of `details` in `seen` (added when it is new), so that equal details are one object. */
function shared(
  seen: Map<string, Readonly<Record<string, string>>>,
  details: Record<string, string>,
): Record<string, string> {
  const key = JSON.stringify(details);
  let found = seen.get(key);
  if (!found) {
    found = Object.freeze(details);
    seen.set(key, found);
  }
  return found as Record<string, string>;
}

/** Why a user in the tenant is skipped, with the code its log entry carries. */
function skipReason(
  ctx: CycleContext,
  user: { assignedOk: boolean; filtersOk: boolean; active: boolean },
): { code: string; reason: string } {
  const { actions, options, app, appName } = ctx.config;
  if (user.assignedOk && user.filtersOk) {
    return {
      code: 'EntrySynchronizationSkipped',
      reason:
        'The User is disabled in Azure Active Directory and was never provisioned: provisioning a disabled user is not supported.',
    };
  }
  const code = user.assignedOk ? 'NotInScope' : 'NotEffectivelyEntitled';
  if (user.active) {
    return {
      code,
      reason: actions.update
        ? `The User is out of scope and SkipOutOfScopeDeletions is on, so it is not disabled in ${appName}.`
        : `The User is out of scope, but the Update action is off, so it is not disabled in ${appName}.`,
    };
  }
  return {
    code,
    reason: user.assignedOk
      ? 'The User does not pass any scoping filter.'
      : `The User is not assigned to ${app.displayName}${options.skipDefaultAccessRole ? ' with a role other than Default Access' : ''}.`,
  };
}

/** @internal Plans each candidate group, when groups are provisioned. */
export function planGroups(ctx: CycleContext, entitlements: Entitlements): void {
  const { config, state } = ctx;
  const { tenant, actions, options, app } = config;
  if (!config.provisionGroups) return;
  for (const groupId of ctx.groupIds) {
    const link = state.groups.get(groupId);
    const group = tenant.findGroup(groupId);
    if (!group) {
      if (link && actions.delete)
        ctx.groupPlans.push({
          kind: 'delete',
          groupId,
          why: ctx.deletedGroups.has(groupId) ? 'deleted' : 'purged',
        });
      else if (link) state.groups.delete(groupId);
      continue;
    }
    const assignedOk = config.scope === 'all' || entitled(config, entitlements.assigned.get(groupId) ?? []);
    const filtersOk = isInScope(state.groupFilters, groupSource(group));
    if (assignedOk && filtersOk) ctx.groupPlans.push({ kind: 'provision', groupId, group });
    else if (link && actions.delete && !options.skipOutOfScopeDeletions)
      ctx.groupPlans.push({ kind: 'delete', groupId, why: assignedOk ? 'out of scope' : 'unassigned' });
    else if (!link)
      ctx.groupPlans.push({
        kind: 'skip',
        groupId,
        name: group.displayName,
        code: assignedOk ? 'NotInScope' : 'NotEffectivelyEntitled',
        reason: assignedOk
          ? 'The Group does not pass any scoping filter.'
          : `The Group is not assigned to ${app.displayName}.`,
      });
  }
}

/** @internal Whether provisioning a user blocks its sign-in in the target (its account was disabled). */
export function blocksSignIn(ctx: CycleContext, plan: UserPlan): boolean {
  return (
    plan.kind === 'provision' &&
    !plan.user.accountEnabled &&
    ctx.state.users.get(plan.userId)?.active === true
  );
}

/**
 * @internal Accidental deletions: too many disables and deletes in one cycle are held back;
 * disabling a user (accountEnabled false) counts as much as unassigning it. Provision on demand is
 * an admin's explicit action: the guard applies to scheduled cycles.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/accidental-deletions
 */
export function planRemovals(ctx: CycleContext): void {
  const { state, onDemand } = ctx;
  ctx.removals =
    ctx.userPlans.filter((p) => p.kind === 'disable' || p.kind === 'delete' || blocksSignIn(ctx, p)).length +
    ctx.groupPlans.filter((p) => p.kind === 'delete').length;
  ctx.threshold = ctx.config.options.accidentalDeletionThreshold ?? null;
  ctx.holdRemovals =
    !onDemand && ctx.threshold !== null && ctx.removals > ctx.threshold && !state.deletesAllowed;
  if (!onDemand) {
    state.deletesAllowed = false;
    state.staged = new Set();
  }
  ctx.quarantined =
    state.quarantine?.reason === 'TooManyDeletes' && ctx.holdRemovals ? state.quarantine : null;
}

/**
 * @internal The whole planning phase. The index of the application's assignments and the
 * candidates serve it alone, and are let go of when it ends (with 100,000 users, some 25 MB of
 * heap that the export phases do not need).
 */
export function plan(ctx: CycleContext): void {
  collectCandidates(ctx);
  const entitlements = indexEntitlements(ctx.config);
  planUsers(ctx, entitlements);
  planGroups(ctx, entitlements);
  ctx.userIds.clear();
  ctx.groupIds.clear();
  planRemovals(ctx);
}
