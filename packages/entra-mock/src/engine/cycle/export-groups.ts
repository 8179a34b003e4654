// Phase 4 of a cycle: groups, after the users, so that members exist in the target. Each planned
// group is skipped, deleted, or matched and then created or updated, then its members are synced.
import type { ModifiedProperty, ProvisioningAction } from '../../logs/types.ts';
import type { EntraGroup } from '../../tenant/types.ts';
import { buildAddMembersPatch, buildRemoveMembersPatch, buildUserPatch } from '../dialect.ts';
import { entitled } from '../entitlement.ts';
import type { GroupLink } from '../job.ts';
import type { Entry } from '../journal.ts';
import { CORE_GROUP, deleteTarget, groupSource } from '../resource.ts';
import { isInScope } from '../scoping.ts';
import { RequestFailed } from '../target.ts';
import { diff, display, flatten } from '../values.ts';
import { type CycleContext, changeIdOf, type GroupPlan, recordFailure, recordSuccess } from './context.ts';
import { matchTarget } from './match.ts';
import { stagedGroupReason, stageRemoval } from './staging.ts';

type Plan<K extends GroupPlan['kind']> = Extract<GroupPlan, { kind: K }>;

const ADSCIM_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

/** @internal Exports every planned group, until a credential failure stops the cycle. */
export async function exportGroups(ctx: CycleContext): Promise<void> {
  if (!ctx.config.provisionGroups) return;
  planGroupsOfCreatedUsers(ctx);
  for (const link of ctx.state.groups.values()) for (const id of ctx.removedTargets) link.members.delete(id);
  for (const plan of ctx.groupPlans) {
    if (ctx.credentialFailure) break;
    const link = ctx.state.groups.get(plan.groupId);
    const entry = ctx.journal.begin({
      type: 'Group',
      sourceId: plan.groupId,
      sourceName:
        plan.kind === 'skip' ? plan.name : plan.kind === 'provision' ? plan.group.displayName : link!.name,
      targetId: plan.kind === 'delete' ? link!.targetId : plan.kind === 'skip' ? '' : (link?.targetId ?? ''),
      changeId: changeIdOf(ctx, plan.groupId),
    });
    if (plan.kind === 'skip') skipGroup(ctx, plan, entry);
    else if (plan.kind === 'delete') await deleteGroup(ctx, plan, link!, entry);
    else await provisionGroup(ctx, plan, link, entry);
  }
}

/** Groups whose members were created this cycle are re-evaluated, so the new members are added. */
function planGroupsOfCreatedUsers(ctx: CycleContext): void {
  const { tenant, scope } = ctx.config;
  if (ctx.createdUsers.size === 0) return;
  const groupsOf = new Map<string, EntraGroup[]>();
  for (const g of tenant.listGroups()) {
    for (const m of tenant.listMembers(g.id)) {
      if (m.type !== 'user' || !ctx.createdUsers.has(m.object.id)) continue;
      const list = groupsOf.get(m.object.id);
      if (list) list.push(g);
      else groupsOf.set(m.object.id, [g]);
    }
  }
  const assignedOk = (groupId: string) =>
    scope === 'all' || entitled(ctx.config, ctx.entitlements.assigned.get(groupId) ?? []);
  for (const userId of ctx.createdUsers)
    for (const g of groupsOf.get(userId) ?? []) {
      if (ctx.groupIds.has(g.id) || !(ctx.state.groups.has(g.id) || assignedOk(g.id))) continue;
      ctx.groupIds.add(g.id);
      const group = tenant.findGroup(g.id);
      if (group && isInScope(ctx.state.groupFilters, groupSource(group)) && assignedOk(g.id))
        ctx.groupPlans.push({ kind: 'provision', groupId: g.id, group });
    }
}

/** A group out of scope that the cycle leaves alone. */
function skipGroup(ctx: CycleContext, plan: Plan<'skip'>, entry: Entry): void {
  ctx.summary.skipped++;
  entry
    .step(
      'EntryImportUpdate',
      'import',
      'success',
      `Received Group '${plan.name}' change of type (Update) from Azure Active Directory`,
    )
    .step(
      'EntrySynchronizationScoping',
      'scoping',
      'skipped',
      'Determine if Group in scope by evaluating against each scoping filter',
      { Reason: plan.code },
    )
    .step(
      'EntrySynchronizationSkipped',
      'processing',
      'skipped',
      `The Group '${plan.name}' will be skipped. ${plan.reason}`,
    )
    .skip('other', { code: plan.code, reason: plan.reason, details: null, quarantine: false });
}

/** A group gone from the tenant or out of scope is deleted in the target. */
async function deleteGroup(
  ctx: CycleContext,
  plan: Plan<'delete'>,
  link: GroupLink,
  entry: Entry,
): Promise<void> {
  entry.step(
    'EntryImportDelete',
    'import',
    'success',
    `Received Group '${link.name}' change of type (Delete) from Azure Active Directory`,
  );
  if (ctx.holdRemovals) {
    stageRemoval(
      ctx,
      plan.groupId,
      entry,
      {
        name: 'EntryExportDelete',
        description: `The delete of Group '${link.name}' was staged: the accidental deletion threshold was exceeded`,
      },
      stagedGroupReason(ctx),
    );
    return;
  }
  ctx.attempted++;
  try {
    await ctx.target.send('DELETE', `/Groups/${encodeURIComponent(link.targetId)}`);
    ctx.state.groups.delete(plan.groupId);
    recordSuccess(ctx, plan.groupId);
    ctx.summary.deleted++;
    entry
      .step(
        'EntryExportDelete',
        'export',
        'success',
        `Group '${link.name}' was deleted in ${ctx.config.appName} (${plan.why})`,
      )
      .succeed('delete');
  } catch (error) {
    if (!(error instanceof RequestFailed)) throw error;
    recordFailure(ctx, plan.groupId, 'group', error.failure, entry.changeId);
    entry.step('EntryExportDelete', 'export', 'failure', error.failure.reason).fail('delete', error.failure);
  }
}

/** The members a group should have in the target: its direct user members that are provisioned. */
function desiredMembers(ctx: CycleContext, groupId: string): Set<string> {
  const members = new Set<string>();
  if (!ctx.config.membersTarget) return members;
  for (const m of ctx.config.tenant.listMembers(groupId)) {
    if (m.type !== 'user') continue; // nested groups are not provisioned
    const link = ctx.state.users.get(m.object.id);
    if (link) members.add(link.targetId);
  }
  return members;
}

/** A group in scope: matched or created when the engine has no link to it, then updated and its members synced. */
async function provisionGroup(
  ctx: CycleContext,
  plan: Plan<'provision'>,
  existing: GroupLink | undefined,
  entry: Entry,
): Promise<void> {
  ctx.attempted++;
  const name = plan.group.displayName;
  entry
    .step(
      existing ? 'EntryImportUpdate' : 'EntryImportAdd',
      'import',
      'success',
      `Received Group '${name}' change of type (${existing ? 'Update' : 'Add'}) from Azure Active Directory`,
    )
    .step(
      'EntrySynchronizationScoping',
      'scoping',
      'success',
      'Determine if Group in scope by evaluating against each scoping filter',
    );
  const members = desiredMembers(ctx, plan.groupId);
  try {
    const modified: ModifiedProperty[] = [];
    let action: ProvisioningAction = 'update';
    let matched = false;
    let link = existing;
    if (!link) {
      const outcome = await matchOrCreateGroup(ctx, plan, entry, modified);
      if (outcome === null) return;
      ({ link, action, matched } = outcome);
      ctx.state.groups.set(plan.groupId, link);
    }
    if (action === 'update' && ctx.config.actions.update)
      await updateGroupAttributes(ctx, plan.group, link, matched, modified);
    link.name = name;
    if (ctx.config.membersTarget && ctx.config.actions.update)
      await syncMembers(ctx, link, members, modified);
    recordSuccess(ctx, plan.groupId);
    if (action === 'create') ctx.summary.created++;
    else if (modified.length > 0) ctx.summary.updated++;
    else return;
    entry
      .step(
        action === 'create' ? 'EntryExportAdd' : 'EntryExportUpdate',
        'export',
        'success',
        `Group '${name}' was ${action === 'create' ? 'created' : 'updated'} in ${ctx.config.appName}`,
      )
      .succeed(action, modified);
  } catch (error) {
    if (!(error instanceof RequestFailed)) throw error;
    recordFailure(ctx, plan.groupId, 'group', error.failure, entry.changeId);
    entry
      .step(
        existing ? 'EntryExportUpdate' : 'EntryExportAdd',
        'export',
        'failure',
        `Failed to provision Group '${name}' in ${ctx.config.appName}: ${error.failure.reason}`,
      )
      .fail(existing ? 'update' : 'create', error.failure);
  }
}

/**
 * A group the engine has no link to: matched by its matching attributes (excluding members), or
 * created with an empty member list. `null` when creating is off.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups#group-operations
 */
async function matchOrCreateGroup(
  ctx: CycleContext,
  plan: Plan<'provision'>,
  entry: Entry,
  modified: ModifiedProperty[],
): Promise<{ link: GroupLink; action: ProvisioningAction; matched: boolean } | null> {
  const { groups, membersTarget, actions, appName } = ctx.config;
  const name = plan.group.displayName;
  const createResource = groups.compiled.evaluate(groupSource(plan.group), { operation: 'create' });
  if (membersTarget) deleteTarget(createResource, membersTarget, CORE_GROUP);
  const desired = flatten(createResource, groups.targets, CORE_GROUP);
  const { found, matchedBy } = await matchTarget(
    ctx,
    'Groups',
    groups.matching,
    desired,
    (by) => `More than one Group in ${appName} matches ${by}.`,
  );
  entry.step(
    found ? 'EntrySynchronizationUpdate' : 'EntrySynchronizationAdd',
    'matching',
    'success',
    found
      ? `Group '${name}' was found in ${appName} with ${matchedBy}`
      : `Searched for a Group in ${appName} with ${matchedBy}; none was found`,
  );
  if (found) {
    entry.targetId = String(found.id);
    return {
      link: {
        targetId: entry.targetId,
        values: flatten(found, groups.targets, CORE_GROUP),
        members: new Set(),
        name,
      },
      action: 'update',
      matched: true,
    };
  }
  if (!actions.create) {
    ctx.summary.skipped++;
    entry.skip('create');
    return null;
  }
  const body: Record<string, unknown> = { ...createResource };
  body.schemas = [...new Set([...((body.schemas as string[]) ?? [CORE_GROUP]), ADSCIM_GROUP])];
  body.meta = { resourceType: 'Group' };
  const response = await ctx.target.send('POST', '/Groups', { body });
  const created = response.body as { id?: unknown } | null;
  if (!created || typeof created.id !== 'string' || created.id === '') {
    throw new RequestFailed({
      code: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
      reason: 'The response to POST /Groups has no id.',
      details: response.text,
      quarantine: false,
    });
  }
  entry.targetId = created.id;
  for (const [k, v] of desired) modified.push({ displayName: k, oldValue: null, newValue: display(v) });
  return {
    link: { targetId: created.id, values: desired, members: new Set(), name },
    action: 'create',
    matched: false,
  };
}

/** Sends the group's mapped attributes that changed; a matched group keeps what it has beyond them. */
async function updateGroupAttributes(
  ctx: CycleContext,
  group: EntraGroup,
  link: GroupLink,
  matched: boolean,
  modified: ModifiedProperty[],
): Promise<void> {
  const { groups, membersTarget } = ctx.config;
  const after = flatten(
    groups.compiled.evaluate(groupSource(group), { operation: 'update' }),
    groups.targets,
    CORE_GROUP,
  );
  if (membersTarget) after.delete(membersTarget);
  const changes = diff(link.values, after, groups.targets, groups.rules).filter(
    (c) => !matched || c.op !== 'remove',
  );
  if (changes.length === 0) return;
  await ctx.target.send('PATCH', `/Groups/${encodeURIComponent(link.targetId)}`, {
    body: buildUserPatch(ctx.dialect, changes),
  });
  modified.push(
    ...changes.map((c) => ({
      displayName: c.path,
      oldValue: display(link.values.get(c.path)),
      newValue: display(c.value),
    })),
  );
  for (const c of changes) {
    if (c.op === 'remove') link.values.delete(c.path);
    else link.values.set(c.path, c.value);
  }
}

/**
 * Adds the missing members in batches, then removes the extra ones in one PATCH.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups#update-group-add-members
 */
async function syncMembers(
  ctx: CycleContext,
  link: GroupLink,
  desired: Set<string>,
  modified: ModifiedProperty[],
): Promise<void> {
  const { batchSize } = ctx.config;
  const path = `/Groups/${encodeURIComponent(link.targetId)}`;
  const add = [...desired].filter((id) => !link.members.has(id));
  const remove = [...link.members].filter((id) => !desired.has(id));
  for (let i = 0; i < add.length; i += batchSize) {
    const batch = add.slice(i, i + batchSize);
    await ctx.target.send('PATCH', path, { body: buildAddMembersPatch(ctx.dialect, batch) });
    for (const id of batch) link.members.add(id);
  }
  if (remove.length > 0) {
    await ctx.target.send('PATCH', path, { body: buildRemoveMembersPatch(ctx.dialect, remove) });
    for (const id of remove) link.members.delete(id);
  }
  if (add.length > 0) modified.push({ displayName: 'members', oldValue: null, newValue: add.join(',') });
  if (remove.length > 0)
    modified.push({ displayName: 'members', oldValue: remove.join(','), newValue: null });
}
