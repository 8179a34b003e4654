// Phase 2 of a cycle: each planned user is skipped, disabled, deleted, or matched and then created
// or updated in the target. Manager references wait for phase 3, when every user exists.
import { type AttributeChange, buildUserPatch } from '../dialect.ts';
import type { UserLink } from '../job.ts';
import type { Entry } from '../journal.ts';
import { CORE_USER, deleteTarget } from '../resource.ts';
import { RequestFailed } from '../target.ts';
import { diff, display, flatten, modifiedOf } from '../values.ts';
import { type CycleContext, changeIdOf, recordFailure, recordSuccess, type UserPlan } from './context.ts';
import { matchTarget } from './match.ts';
import { blocksSignIn } from './plan.ts';
import { stagedUserReason, stageRemoval } from './staging.ts';

type Plan<K extends UserPlan['kind']> = Extract<UserPlan, { kind: K }>;

const resolve = { resolveReference: ({ value }: { value: string }) => value };

/** @internal Exports every planned user, until a credential failure stops the cycle. */
export async function exportUsers(ctx: CycleContext): Promise<void> {
  for (const plan of ctx.userPlans) {
    if (ctx.credentialFailure) break;
    const link = ctx.state.users.get(plan.userId);
    const entry = ctx.journal.begin({
      type: 'User',
      sourceId: plan.userId,
      sourceName:
        plan.kind === 'skip'
          ? plan.name
          : plan.kind === 'provision'
            ? plan.user.userPrincipalName
            : link!.name,
      targetId: link?.targetId ?? '',
      changeId: changeIdOf(ctx, plan.userId),
    });
    if (plan.kind === 'skip') skipUser(ctx, plan, entry);
    else if (plan.kind === 'provision') await provisionUser(ctx, plan, link, entry);
    else await removeUser(ctx, plan, link!, entry);
  }
}

/** A user out of scope that the cycle leaves alone. */
function skipUser(ctx: CycleContext, plan: Plan<'skip'>, entry: Entry): void {
  ctx.summary.skipped++;
  entry
    .step(
      'EntryImportUpdate',
      'import',
      'success',
      `Received User '${plan.name}' change of type (Update) from Azure Active Directory`,
    )
    .step(
      'EntrySynchronizationScoping',
      'scoping',
      'skipped',
      'Determine if User in scope by evaluating against each scoping filter',
      { Reason: plan.code },
    )
    .step(
      'EntrySynchronizationSkipped',
      'processing',
      'skipped',
      `The User '${plan.name}' will be skipped. ${plan.reason}`,
    )
    .skip('other', { code: plan.code, reason: plan.reason, details: null, quarantine: false });
}

/**
 * A user that left the scope is disabled with an update; one that left the tenant is deleted.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works#incremental-cycles
 */
async function removeUser(
  ctx: CycleContext,
  plan: Plan<'disable' | 'delete'>,
  link: UserLink,
  entry: Entry,
): Promise<void> {
  const { appName } = ctx.config;
  const verb = plan.kind === 'disable' ? 'Disable' : 'Delete';
  const deleted = plan.kind === 'delete' || plan.reason === 'softDeleted';
  entry.step(
    deleted ? 'EntryImportDelete' : 'EntryImportUpdate',
    'import',
    'success',
    `Received User '${link.name}' change of type (${deleted ? 'Delete' : 'Update'}) from Azure Active Directory`,
  );
  if (ctx.holdRemovals) {
    stageRemoval(
      ctx,
      plan.userId,
      entry,
      {
        name: `EntryExport${verb}`,
        description: `The ${verb.toLowerCase()} of User '${link.name}' was staged: the accidental deletion threshold was exceeded`,
      },
      stagedUserReason(ctx),
    );
    return;
  }
  ctx.attempted++;
  ctx.touchedUsers.add(plan.userId);
  try {
    if (plan.kind === 'disable') {
      const changes: AttributeChange[] = [{ op: 'replace', path: 'active', value: false }];
      await ctx.target.send('PATCH', `/Users/${encodeURIComponent(link.targetId)}`, {
        body: buildUserPatch(ctx.dialect, changes),
      });
      link.active = false;
      link.values.set('active', false);
      ctx.summary.disabled++;
    } else {
      await ctx.target.send('DELETE', `/Users/${encodeURIComponent(link.targetId)}`);
      ctx.state.users.delete(plan.userId);
      ctx.removedTargets.add(link.targetId);
      ctx.summary.deleted++;
    }
    recordSuccess(ctx, plan.userId);
    entry
      .step(
        'EntrySynchronizationScoping',
        'scoping',
        'success',
        plan.kind === 'disable'
          ? `The User is ${plan.reason === 'softDeleted' ? 'soft-deleted' : plan.reason === 'unassigned' ? 'no longer assigned' : 'out of scope'}`
          : 'The User was permanently deleted',
      )
      .step(
        `EntryExport${verb}`,
        'export',
        'success',
        `User '${link.name}' was ${plan.kind === 'disable' ? 'disabled' : 'deleted'} in ${appName}`,
      )
      .succeed(
        plan.kind,
        plan.kind === 'disable' ? [{ displayName: 'active', oldValue: 'True', newValue: 'False' }] : [],
      );
  } catch (error) {
    if (!(error instanceof RequestFailed)) throw error;
    recordFailure(ctx, plan.userId, 'user', error.failure, entry.changeId);
    entry
      .step(
        `EntryExport${verb}`,
        'export',
        'failure',
        `Failed to ${verb.toLowerCase()} User '${link.name}' in ${appName}: ${error.failure.reason}`,
      )
      .fail(plan.kind, error.failure);
  }
}

/** A user in scope: matched and created when the engine has no link to it, updated otherwise. */
async function provisionUser(
  ctx: CycleContext,
  plan: Plan<'provision'>,
  link: UserLink | undefined,
  entry: Entry,
): Promise<void> {
  const name = plan.user.userPrincipalName;
  if (ctx.holdRemovals && blocksSignIn(ctx, plan)) {
    entry.step(
      'EntryImportUpdate',
      'import',
      'success',
      `Received User '${name}' change of type (Update) from Azure Active Directory`,
    );
    stageRemoval(
      ctx,
      plan.userId,
      entry,
      {
        name: 'EntryExportUpdate',
        description: `The disable of User '${name}' was staged: the accidental deletion threshold was exceeded`,
      },
      stagedUserReason(ctx),
    );
    return;
  }
  ctx.attempted++;
  ctx.touchedUsers.add(plan.userId);
  entry
    .step(
      link ? 'EntryImportUpdate' : 'EntryImportAdd',
      'import',
      'success',
      `Received User '${name}' change of type (${link ? 'Update' : 'Add'}) from Azure Active Directory`,
    )
    .step(
      'EntrySynchronizationScoping',
      'scoping',
      'success',
      'Determine if User in scope by evaluating against each scoping filter',
      {
        Active: plan.user.accountEnabled ? 'True' : 'False',
        'Assigned to the application': plan.roles.length > 0 ? 'True' : 'False',
        'Scoping filter evaluation passed': 'True',
      },
    );
  try {
    if (link) await updateUser(ctx, plan, link, entry);
    else await matchOrCreateUser(ctx, plan, entry);
    recordSuccess(ctx, plan.userId);
  } catch (error) {
    if (!(error instanceof RequestFailed)) throw error;
    recordFailure(ctx, plan.userId, 'user', error.failure, entry.changeId);
    entry
      .step(
        link ? 'EntryExportUpdate' : 'EntryExportAdd',
        'export',
        'failure',
        `Failed to provision User '${name}' in ${ctx.config.appName}: ${error.failure.reason}`,
      )
      .fail(link ? 'update' : 'create', error.failure);
  }
}

/** A user the engine has no link to: matched in the target, or created there. */
async function matchOrCreateUser(ctx: CycleContext, plan: Plan<'provision'>, entry: Entry): Promise<void> {
  const { users, managerTarget, actions, appName } = ctx.config;
  const name = plan.user.userPrincipalName;
  const createResource = users.compiled.evaluate(plan.source, { operation: 'create', ...resolve });
  const desired = flatten(createResource, users.targets, CORE_USER);
  const { found, matchedBy } = await matchTarget(
    ctx,
    'Users',
    users.matching,
    desired,
    (by) =>
      `More than one User in ${appName} matches ${by}; matching attributes must be unique in the target.`,
  );
  entry.step(
    found ? 'EntrySynchronizationUpdate' : 'EntrySynchronizationAdd',
    'matching',
    'success',
    found
      ? `User '${name}' was found in ${appName} with ${matchedBy}`
      : `Searched for a User in ${appName} with ${matchedBy || 'its matching attributes'}; none was found`,
  );
  if (found) {
    await updateMatchedUser(ctx, plan, found, entry);
    return;
  }
  if (!actions.create) {
    ctx.summary.skipped++;
    entry
      .step('EntrySynchronizationSkipped', 'processing', 'skipped', `Creating Users is off for ${appName}`)
      .skip('create');
    return;
  }
  const body: Record<string, unknown> = { ...createResource };
  if (managerTarget) deleteTarget(body, managerTarget, CORE_USER);
  // As in Microsoft's Create User example, the work email is the primary one.
  if (Array.isArray(body.emails)) {
    body.emails = body.emails.map((e: Record<string, unknown>) =>
      e.type === 'work' && e.primary === undefined ? { primary: true, ...e } : e,
    );
  }
  body.meta = { resourceType: 'User' };
  const response = await ctx.target.send('POST', '/Users', { body });
  const created = response.body as { id?: unknown } | null;
  if (!created || typeof created.id !== 'string' || created.id === '') {
    throw new RequestFailed({
      code: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
      reason: 'The response to POST /Users has no id.',
      details: response.text,
      quarantine: false,
    });
  }
  entry.targetId = created.id;
  const values = new Map(desired);
  if (managerTarget) values.delete(managerTarget);
  ctx.state.users.set(plan.userId, {
    targetId: created.id,
    values,
    active: values.get('active') !== false,
    manager: null,
    name,
  });
  ctx.createdUsers.add(plan.userId);
  ctx.summary.created++;
  entry.step('EntryExportAdd', 'export', 'success', `User '${name}' was created in ${appName}`).succeed(
    'create',
    [...values].map(([k, v]) => ({ displayName: k, oldValue: null, newValue: display(v) })),
  );
}

/** A matched user gets the mapped values that differ; what the target has beyond them stays. */
async function updateMatchedUser(
  ctx: CycleContext,
  plan: Plan<'provision'>,
  found: Record<string, unknown>,
  entry: Entry,
): Promise<void> {
  const { users, managerTarget, actions, appName } = ctx.config;
  const name = plan.user.userPrincipalName;
  entry.targetId = String(found.id);
  const current = flatten(found, users.targets, CORE_USER);
  const foundManager = managerTarget ? current.get(managerTarget) : undefined;
  const updateResource = users.compiled.evaluate(plan.source, { operation: 'update', ...resolve });
  const after = flatten(updateResource, users.targets, CORE_USER);
  if (managerTarget) {
    after.delete(managerTarget);
    current.delete(managerTarget);
  }
  const changes = actions.update
    ? diff(current, after, users.targets, users.rules).filter((c) => c.op !== 'remove')
    : [];
  if (changes.length > 0) {
    await ctx.target.send('PATCH', `/Users/${encodeURIComponent(entry.targetId)}`, {
      body: buildUserPatch(ctx.dialect, changes),
    });
  }
  const kept = actions.update ? after : current;
  ctx.state.users.set(plan.userId, {
    targetId: entry.targetId,
    values: kept,
    active: kept.get('active') !== false,
    manager: foundManager === undefined ? null : (display(foundManager) ?? null),
    name,
  });
  ctx.summary.updated++;
  entry
    .step(
      'EntryExportUpdate',
      'export',
      'success',
      changes.length > 0
        ? `User '${name}' was updated in ${appName}`
        : `User '${name}' already matched in ${appName}; nothing to change`,
    )
    .succeed('update', modifiedOf(changes, current));
}

/** A linked user: the mapped values that changed since the engine last sent them. */
async function updateUser(
  ctx: CycleContext,
  plan: Plan<'provision'>,
  link: UserLink,
  entry: Entry,
): Promise<void> {
  const { users, managerTarget, actions, appName } = ctx.config;
  const name = plan.user.userPrincipalName;
  const updateResource = users.compiled.evaluate(plan.source, { operation: 'update', ...resolve });
  const after = flatten(updateResource, users.targets, CORE_USER);
  if (managerTarget) after.delete(managerTarget);
  const before = link.values;
  const changes = actions.update ? diff(before, after, users.targets, users.rules) : [];
  // Disabled by the service (unassigned, out of scope, soft-deleted) and back in scope: when no
  // mapping targets `active`, the service still turns the account back on.
  if (actions.update && !link.active && !after.has('active')) {
    changes.push({ op: 'replace', path: 'active', value: true });
  }
  link.name = name;
  if (changes.length === 0) {
    return;
  }
  entry.step(
    'EntrySynchronizationUpdate',
    'matching',
    'success',
    `User '${name}' is provisioned in ${appName} with id '${link.targetId}'`,
  );
  const modified = modifiedOf(changes, before);
  await ctx.target.send('PATCH', `/Users/${encodeURIComponent(link.targetId)}`, {
    body: buildUserPatch(ctx.dialect, changes),
  });
  for (const c of changes) {
    if (c.op === 'remove') before.delete(c.path);
    else before.set(c.path, c.value);
  }
  const wasActive = link.active;
  link.active = before.get('active') !== false;
  const onlyDisable = changes.length === 1 && changes[0]!.path === 'active' && changes[0]!.value === false;
  if (onlyDisable) ctx.summary.disabled++;
  else ctx.summary.updated++;
  entry
    .step(
      'EntryExportUpdate',
      'export',
      'success',
      `User '${name}' was ${onlyDisable ? 'disabled' : !wasActive && link.active ? 're-enabled and updated' : 'updated'} in ${appName}`,
    )
    .succeed(onlyDisable ? 'disable' : 'update', modified);
}
