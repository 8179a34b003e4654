// Phase 4 of a cycle: groups, after the users, so that members exist in the target. Each planned
// group is skipped, deleted, or matched and then created or updated, then its members are synced.
import type { ModifiedProperty, ProvisioningAction } from '../../logs/types.ts';
import { buildAddMembersPatch, buildRemoveMembersPatch, buildUserPatch } from '../dialect.ts';
import type { GroupLink } from '../job.ts';
import type { Entry } from '../journal.ts';
import { CORE_GROUP, deleteTarget, groupSource } from '../resource.ts';
import { type Failure, RequestFailed } from '../target.ts';
import { diffTarget, flatten, printedSources, type SourceValues, sourceProperties } from '../values.ts';
import {
  type CycleContext,
  changeIdOf,
  type GroupPlan,
  recordFailure,
  recordReferenceFailure,
  recordSuccess,
} from './context.ts';
import { matchTarget, noteLink } from './match.ts';
import { stagedGroupReason, stageRemoval } from './staging.ts';
import { importStep, skipRedundant, targetDetails } from './steps.ts';

type Plan<K extends GroupPlan['kind']> = Extract<GroupPlan, { kind: K }>;

const ADSCIM_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

/** @internal Exports every planned group, until a credential failure stops the cycle. */
export async function exportGroups(ctx: CycleContext): Promise<void> {
  if (!ctx.config.provisionGroups) return;
  for (const link of ctx.state.groups.values()) for (const id of ctx.removedTargets) link.members.delete(id);
  for (const plan of ctx.groupPlans) {
    if (ctx.credentialFailure) break;
    const link = ctx.state.groups.get(plan.groupId);
    const entry = ctx.journal.begin({
      type: 'Group',
      sourceId: plan.groupId,
      sourceName:
        plan.kind === 'skip' ? plan.name : plan.kind === 'provision' ? plan.group.displayName : link!.name,
      displayName:
        plan.kind === 'skip' ? plan.name : plan.kind === 'provision' ? plan.group.displayName : link!.name,
      targetId: plan.kind === 'delete' ? link!.targetId : plan.kind === 'skip' ? '' : (link?.targetId ?? ''),
      changeId: changeIdOf(ctx, plan.groupId),
    });
    if (plan.kind === 'skip') skipGroup(ctx, plan, entry);
    else if (plan.kind === 'delete') await deleteGroup(ctx, plan, link!, entry);
    else await provisionGroup(ctx, plan, link, entry);
  }
}

/** A group out of scope that the cycle leaves alone. */
function skipGroup(ctx: CycleContext, plan: Plan<'skip'>, entry: Entry): void {
  ctx.summary.skipped++;
  importStep(ctx, entry, 'Group', plan.name, 'Update')
    .step(
      'EntrySynchronizationScoping',
      'scoping',
      'skipped',
      'Determine if Group in scope by evaluating against each scoping filter',
      { Reason: plan.code },
    )
    .step(
      'EntrySynchronizationSkip',
      'export',
      'skipped',
      `The Group '${plan.name}' will be skipped. ${plan.reason}`,
      {
        SkipReason: plan.code,
      },
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
  importStep(ctx, entry, 'Group', link.name, 'Delete');
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

/** Every source attribute the group mappings read, with `objectId` first. */
function allSources(ctx: CycleContext): string[] {
  return ['objectId', ...ctx.config.groups.sources.filter((s) => s !== 'objectId')];
}

/**
 * A group in scope: matched or created when the engine has no link to it; otherwise read back with
 * `GET /Groups/{id}?excludedAttributes=members` and updated with what differs. Members are synced
 * against what the engine last sent: Entra reads groups without their members.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups#get-group
 */
async function provisionGroup(
  ctx: CycleContext,
  plan: Plan<'provision'>,
  existing: GroupLink | undefined,
  entry: Entry,
): Promise<void> {
  ctx.attempted++;
  const name = plan.group.displayName;
  const source = groupSource(plan.group);
  importStep(ctx, entry, 'Group', name, existing ? 'Update' : 'Add', source).step(
    'EntrySynchronizationScoping',
    'scoping',
    'success',
    'Determine if Group in scope by evaluating against each scoping filter',
  );
  const members = desiredMembers(ctx, plan.groupId);
  try {
    const modified: ModifiedProperty[] = [];
    let action: ProvisioningAction = 'update';
    let link = existing;
    let current: Map<string, unknown>;
    if (link) {
      current = flatten(
        await ctx.target.read('Groups', link.targetId),
        ctx.config.groups.targets,
        CORE_GROUP,
      );
      entry.step(
        'EntrySynchronizationUpdate',
        'matching',
        'success',
        `Group '${name}' is provisioned in ${ctx.config.appName} with id '${link.targetId}'`,
        targetDetails(current),
      );
    } else {
      const outcome = await matchOrCreateGroup(ctx, plan, entry, modified);
      if (outcome === null) return;
      ({ link, action, current } = outcome);
      ctx.state.groups.set(plan.groupId, link);
      noteLink(ctx, 'Groups', link.targetId, plan.groupId);
    }
    const previous = link.sources;
    link.sources = printedSources(allSources(ctx), source);
    if (action === 'update' && ctx.config.actions.update)
      await updateGroupAttributes(ctx, source, link, current, previous, modified);
    link.name = name;
    if (ctx.config.membersTarget && ctx.config.actions.update) {
      const failure = await syncMembersOrFail(ctx, link, members, modified);
      if (failure) {
        // Microsoft: reference failures (a group's members) are left out of the escrow proportion.
        recordReferenceFailure(ctx, plan.groupId, failure, entry.changeId, 'group');
        entry
          .step(
            'EntryExportUpdate',
            'export',
            'failure',
            `Failed to update the members of Group '${name}' in ${ctx.config.appName}: ${failure.reason}`,
          )
          .fail(action, failure, modified);
        return;
      }
    }
    recordSuccess(ctx, plan.groupId);
    if (action === 'create') ctx.summary.created++;
    else if (modified.length > 0) ctx.summary.updated++;
    else {
      skipRedundant(ctx, entry, 'Group', name, sourceProperties(allSources(ctx), source));
      return;
    }
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
 * created with an empty member list and the ADSCIM group schema. `null` when creating is off.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups#group-operations
 */
async function matchOrCreateGroup(
  ctx: CycleContext,
  plan: Plan<'provision'>,
  entry: Entry,
  modified: ModifiedProperty[],
): Promise<{ link: GroupLink; action: ProvisioningAction; current: Map<string, unknown> } | null> {
  const { groups, membersTarget, actions, appName } = ctx.config;
  const name = plan.group.displayName;
  const source = groupSource(plan.group);
  const createResource = groups.compiled.evaluate(source, { operation: 'create' });
  if (membersTarget) deleteTarget(createResource, membersTarget, CORE_GROUP);
  const desired = flatten(createResource, groups.targets, CORE_GROUP);
  const { found, matchedBy } = await matchTarget(
    ctx,
    'Groups',
    plan.groupId,
    groups.matching,
    desired,
    (by) => `More than one Group in ${appName} matches ${by}.`,
  );
  const link = (targetId: string): GroupLink => ({
    targetId,
    members: new Set(),
    name,
    sources: new Map(),
    anchorLost: false,
  });
  if (found) {
    entry.targetId = String(found.id);
    const current = flatten(found, groups.targets, CORE_GROUP);
    entry.step(
      'EntrySynchronizationUpdate',
      'matching',
      'success',
      `Group '${name}' was found in ${appName} with ${matchedBy}`,
      targetDetails(current),
    );
    return { link: link(entry.targetId), action: 'update', current };
  }
  // Microsoft's sample, word for word but for the names.
  entry.step(
    'EntrySynchronizationAdd',
    'matching',
    'success',
    `Group '${name}' will be created in ${appName} (Group is active and assigned in Azure Active Directory, but no matching Group was found in ${appName})`,
  );
  if (!actions.create) {
    ctx.summary.skipped++;
    entry
      .step('EntrySynchronizationSkip', 'export', 'skipped', `Creating Groups is off for ${appName}`, {
        SkipReason: 'CreateActionDisabled',
      })
      .skip('create');
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
  modified.push(...sourceProperties(allSources(ctx), source));
  return { link: link(created.id), action: 'create', current: desired };
}

/** Sends the group's mapped attributes that differ from what the target returned. */
async function updateGroupAttributes(
  ctx: CycleContext,
  source: Record<string, unknown>,
  link: GroupLink,
  current: Map<string, unknown>,
  previous: Pick<SourceValues, 'get'>,
  modified: ModifiedProperty[],
): Promise<void> {
  const { groups, membersTarget } = ctx.config;
  const mapped = flatten(
    groups.compiled.evaluate(source, { operation: 'update' }),
    groups.targets,
    CORE_GROUP,
  );
  if (membersTarget) {
    mapped.delete(membersTarget);
    current.delete(membersTarget);
  }
  const changes = diffTarget(current, mapped, groups.targets, groups.rules);
  if (changes.length === 0) return;
  await ctx.target.send('PATCH', `/Groups/${encodeURIComponent(link.targetId)}`, {
    body: buildUserPatch(ctx.dialect, changes),
  });
  const names = new Set<string>();
  for (const c of changes) for (const s of groups.sourcesOf.get(c.path) ?? [c.path]) names.add(s);
  modified.push(...sourceProperties([...names], source, previous));
}

/** {@link syncMembers}, with the failure of a member PATCH returned instead of thrown. */
async function syncMembersOrFail(
  ctx: CycleContext,
  link: GroupLink,
  desired: Set<string>,
  modified: ModifiedProperty[],
): Promise<Failure | null> {
  try {
    await syncMembers(ctx, link, desired, modified);
    return null;
  } catch (error) {
    if (!(error instanceof RequestFailed)) throw error;
    return error.failure;
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
