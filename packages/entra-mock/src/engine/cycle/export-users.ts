// Phase 2 of a cycle: each planned user is skipped, disabled, deleted, or matched and then created
// or updated in the target. Entra reads a linked user back before it writes, and sends only what
// differs from what the target returns. Manager references wait for phase 3.
import { userChanges, withoutRoleIds } from '../app-roles.ts';
import { buildUserPatch, type TargetAttributeChange } from '../dialect.ts';
import type { UserLink } from '../job.ts';
import type { Entry } from '../journal.ts';
import { CORE_USER, deleteTarget, ENTERPRISE_USER, readTarget } from '../resource.ts';
import { RequestFailed } from '../target.ts';
import { display, flatten, printedSources, readSource, sameValue, sourceProperties } from '../values.ts';
import { type CycleContext, changeIdOf, recordFailure, recordSuccess, type UserPlan } from './context.ts';
import { matchTarget, noteLink } from './match.ts';
import { blocksSignIn } from './plan.ts';
import { removeUser, softDeleteProperties } from './remove-users.ts';
import { stagedUserReason, stageRemoval } from './staging.ts';
import { importStep, skipRedundant, targetDetails } from './steps.ts';

type Plan<K extends UserPlan['kind']> = Extract<UserPlan, { kind: K }>;

const resolve = { resolveReference: ({ value }: { value: string }) => value };

/** @internal Exports every planned user, until a credential failure stops the cycle. */
export async function exportUsers(ctx: CycleContext): Promise<void> {
  for (const plan of takeEach(ctx.userPlans)) {
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
      displayName:
        plan.kind === 'skip'
          ? plan.displayName
          : plan.kind === 'provision'
            ? plan.user.displayName
            : link!.displayName,
      targetId: link?.targetId ?? '',
      changeId: changeIdOf(ctx, plan.userId),
    });
    if (plan.kind === 'skip') skipUser(ctx, plan, entry);
    else if (plan.kind === 'provision') await provisionUser(ctx, plan, link, entry);
    else await removeUser(ctx, plan, link!, entry);
  }
}

/**
 * @internal Each plan in turn, let go of once taken, and the list emptied at the end (or when the caller
 * stops): a plan holds a copy of its user and the user's source values, and the cycle that made
 * them does not need them after the user's export, so a cycle of 100,000 users does not keep them
 * all to its end (about 1 KB a user).
 */
export function* takeEach<T>(plans: T[]): Generator<T> {
  const slots = plans as (T | undefined)[];
  try {
    for (let i = 0; i < slots.length; i++) {
      const plan = slots[i] as T;
      slots[i] = undefined;
      yield plan;
    }
  } finally {
    plans.length = 0;
  }
}

/** A user out of scope, or disabled and never provisioned, that the cycle leaves alone. */
function skipUser(ctx: CycleContext, plan: Plan<'skip'>, entry: Entry): void {
  ctx.summary.skipped++;
  importStep(ctx, entry, 'User', plan.name, 'Update', plan.source)
    .step(
      'EntrySynchronizationScoping',
      'scoping',
      'skipped',
      'Determine if User in scope by evaluating against each scoping filter',
      plan.details,
    )
    .step(
      'EntrySynchronizationSkip',
      'export',
      'skipped',
      `The User '${plan.name}' will be skipped. ${plan.reason}`,
      {
        SkipReason: plan.code,
      },
    )
    .skip('other', { code: plan.code, reason: plan.reason, details: null, quarantine: false });
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
    importStep(ctx, entry, 'User', name, 'Update', plan.source);
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
  importStep(ctx, entry, 'User', name, link ? 'Update' : 'Add', plan.source).step(
    'EntrySynchronizationScoping',
    'scoping',
    'success',
    'Determine if User in scope by evaluating against each scoping filter',
    plan.details,
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

/**
 * The targets computed from the user's app role assignments (`roles`): Microsoft, "On-demand
 * provisioning of roles isn't supported", so an on-demand run leaves them out.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/provision-on-demand#known-limitations
 */
function roleTargets(ctx: CycleContext): string[] {
  if (!ctx.onDemand) return [];
  const { users } = ctx.config;
  return users.targets.filter((t) =>
    (users.sourcesOf.get(t) ?? []).some((s) => s.toLowerCase() === 'approleassignments'),
  );
}

/** The mapped values of a user for an update, without the manager (a reference, set in phase 3). */
function mappedForUpdate(ctx: CycleContext, plan: Plan<'provision'>): Map<string, unknown> {
  const { users, managerTarget } = ctx.config;
  const mapped = flatten(
    users.compiled.evaluate(plan.source, { operation: 'update', ...resolve }),
    users.targets,
    CORE_USER,
  );
  if (managerTarget) mapped.delete(managerTarget);
  for (const target of roleTargets(ctx)) mapped.delete(target);
  return mapped;
}

/** The modified properties of the changes: the source attributes behind the changed targets. */
function changedSources(ctx: CycleContext, changes: readonly TargetAttributeChange[]): string[] {
  const names = new Set<string>();
  for (const c of changes) for (const s of ctx.config.users.sourcesOf.get(c.path) ?? [c.path]) names.add(s);
  return [...names];
}

/** Every source attribute the mappings read, with `objectId` first, as a create's modified properties list them. */
function allSources(ctx: CycleContext): string[] {
  return ['objectId', ...ctx.config.users.sources.filter((s) => s !== 'objectId')];
}

/**
 * A user the engine has no link to: matched in the target, or created there; skipped
 * (`ImportSkipped`) when it has no value for any matching attribute.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works#initial-cycle
 * @see https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-analyze-provisioning-logs#error-codes
 */
async function matchOrCreateUser(ctx: CycleContext, plan: Plan<'provision'>, entry: Entry): Promise<void> {
  const { users, actions, appName } = ctx.config;
  const name = plan.user.userPrincipalName;
  const createResource = users.compiled.evaluate(plan.source, { operation: 'create', ...resolve });
  for (const target of roleTargets(ctx)) deleteTarget(createResource, target, CORE_USER);
  const desired = flatten(createResource, users.targets, CORE_USER);
  if (users.matching.length > 0 && users.matching.every((a) => desired.get(a) === undefined)) {
    // Microsoft: without a value for the matching attribute, the user cannot be evaluated (ImportSkipped).
    ctx.summary.skipped++;
    const reason = `The User has no value for the matching attribute (${users.matching.join(', ')}), so it cannot be matched or created.`;
    entry
      .step(
        'EntrySynchronizationSkip',
        'export',
        'skipped',
        `The User '${name}' will be skipped. ${reason}`,
        {
          SkipReason: 'ImportSkipped',
        },
      )
      .skip('other', { code: 'ImportSkipped', reason, details: null, quarantine: false });
    return;
  }
  const { found, matchedBy } = await matchTarget(
    ctx,
    'Users',
    plan.userId,
    users.matching,
    desired,
    (by) =>
      `More than one User in ${appName} matches ${by}; matching attributes must be unique in the target.`,
  );
  if (found) {
    entry.step(
      'EntrySynchronizationUpdate',
      'matching',
      'success',
      `User '${name}' was found in ${appName} with ${matchedBy}`,
      targetDetails(flatten(found, users.targets, CORE_USER)),
    );
    await updateMatchedUser(ctx, plan, found, entry);
    return;
  }
  // Microsoft's sample: "Group 'X' will be created in Contoso (Group is active and assigned in
  // Azure Active Directory, but no matching Group was found in Contoso)".
  entry.step(
    'EntrySynchronizationAdd',
    'matching',
    'success',
    `User '${name}' will be created in ${appName} (User is active and assigned in Azure Active Directory, but no matching User was found in ${appName} with ${matchedBy || 'its matching attributes'})`,
  );
  if (!actions.create) {
    ctx.summary.skipped++;
    entry
      .step('EntrySynchronizationSkip', 'export', 'skipped', `Creating Users is off for ${appName}`, {
        SkipReason: 'CreateActionDisabled',
      })
      .skip('create');
    return;
  }
  await createUser(ctx, plan, createResource, entry);
}

/**
 * The create request: Microsoft's Create User example carries the enterprise extension's URN in
 * `schemas`, the work email as the primary one, `meta.resourceType`, and roles as
 * `{ primary, type: "WindowsAzureActiveDirectoryRole", value }` without the app role's id (which
 * the default dialect's PATCH carries); the manager follows in a PATCH.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups#create-user
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/customize-application-attributes#provisioning-a-role-to-a-scim-app
 */
export function createUserBody(
  resource: Record<string, unknown>,
  managerTarget: string | null,
): Record<string, unknown> {
  const body: Record<string, unknown> = { ...resource };
  if (managerTarget) deleteTarget(body, managerTarget, CORE_USER);
  const schemas = Array.isArray(body.schemas) ? (body.schemas as string[]) : [CORE_USER];
  body.schemas = [...new Set([...schemas, ENTERPRISE_USER])];
  if (Array.isArray(body.emails)) {
    body.emails = body.emails.map((e: Record<string, unknown>) =>
      e.type === 'work' && e.primary === undefined ? { primary: true, ...e } : e,
    );
  }
  if (Array.isArray(body.roles)) {
    body.roles = (withoutRoleIds(body.roles) as Record<string, unknown>[]).map((r) =>
      r && typeof r === 'object' && r.type === undefined
        ? { ...r, type: 'WindowsAzureActiveDirectoryRole' }
        : r,
    );
  }
  body.meta = { resourceType: 'User' };
  return body;
}

/** Creates the user and links it. */
async function createUser(
  ctx: CycleContext,
  plan: Plan<'provision'>,
  createResource: Record<string, unknown>,
  entry: Entry,
): Promise<void> {
  const { managerTarget, appName } = ctx.config;
  const name = plan.user.userPrincipalName;
  const response = await ctx.target.send('POST', '/Users', {
    body: createUserBody(createResource, managerTarget),
  });
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
  noteLink(ctx, 'Users', created.id, plan.userId);
  const sources = allSources(ctx);
  ctx.state.users.set(plan.userId, {
    targetId: created.id,
    active: readSource(createResource, 'active') !== false,
    manager: null,
    name,
    displayName: plan.user.displayName,
    sources: printedSources(sources, plan.source),
    managed: true,
    anchorLost: false,
  });
  ctx.summary.created++;
  entry
    .step('EntryExportAdd', 'export', 'success', `User '${name}' was created in ${appName}`)
    .succeed('create', sourceProperties(sources, plan.source));
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
  if (managerTarget) current.delete(managerTarget);
  const mapped = mappedForUpdate(ctx, plan);
  const roles = { held: readTarget(found, 'roles', CORE_USER), source: plan.source };
  const changes = actions.update ? userChanges(users, ctx.dialect, current, mapped, roles) : [];
  const active = changes.find((c) => c.path === 'active')?.value ?? current.get('active');
  ctx.state.users.set(plan.userId, {
    targetId: entry.targetId,
    active: !sameValue(active, false),
    manager: foundManager === undefined ? null : (display(foundManager) ?? null),
    name,
    displayName: plan.user.displayName,
    sources: printedSources(allSources(ctx), plan.source),
    managed: true,
    anchorLost: false,
  });
  if (changes.length === 0) {
    skipRedundant(ctx, entry, 'User', name, sourceProperties(allSources(ctx), plan.source));
    return;
  }
  await ctx.target.send('PATCH', `/Users/${encodeURIComponent(entry.targetId)}`, {
    body: buildUserPatch(ctx.dialect, changes),
  });
  ctx.summary.updated++;
  entry
    .step('EntryExportUpdate', 'export', 'success', `User '${name}' was updated in ${appName}`)
    .succeed('update', sourceProperties(changedSources(ctx, changes), plan.source));
}

/**
 * A linked user: read back with `GET /Users/{id}`, then updated with what differs from what the
 * target returns. When the target keeps returning a value that differs from the mapped one, the
 * update is sent again each time the user is processed (observed, not documented: reported in
 * MicrosoftDocs/azure-docs issue 11784).
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups#get-user
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works#incremental-cycles
 */
async function updateUser(
  ctx: CycleContext,
  plan: Plan<'provision'>,
  link: UserLink,
  entry: Entry,
): Promise<void> {
  const { users, managerTarget, actions, appName } = ctx.config;
  const name = plan.user.userPrincipalName;
  const resource = await ctx.target.read('Users', link.targetId);
  const current = flatten(resource, users.targets, CORE_USER);
  if (managerTarget) {
    const manager = current.get(managerTarget);
    link.manager = manager === undefined ? null : (display(manager) ?? null);
    current.delete(managerTarget);
  }
  link.name = name;
  link.displayName = plan.user.displayName;
  entry.step(
    'EntrySynchronizationUpdate',
    'matching',
    'success',
    `User '${name}' is provisioned in ${appName} with id '${link.targetId}'`,
    targetDetails(current),
  );
  const mapped = mappedForUpdate(ctx, plan);
  if (!actions.update) {
    ctx.summary.skipped++;
    entry
      .step('EntrySynchronizationSkip', 'export', 'skipped', `Updating Users is off for ${appName}`, {
        SkipReason: 'UpdateActionDisabled',
      })
      .skip('other');
    return;
  }
  const roles = { held: readTarget(resource, 'roles', CORE_USER), source: plan.source };
  const changes = userChanges(users, ctx.dialect, current, mapped, roles);
  // Disabled by the service (unassigned, out of scope, soft-deleted) and back in scope: the targets
  // computed from IsSoftDeleted (active, by default) are back to their in-scope values in `mapped`.
  const reEnable = !link.active;
  const wasActive = link.active;
  const previous = link.sources;
  link.sources = printedSources(allSources(ctx), plan.source);
  link.managed = true;
  if (changes.length === 0) {
    link.active = !sameValue(current.get('active'), false);
    skipRedundant(ctx, entry, 'User', name, sourceProperties(allSources(ctx), plan.source));
    return;
  }
  await ctx.target.send('PATCH', `/Users/${encodeURIComponent(link.targetId)}`, {
    body: buildUserPatch(ctx.dialect, changes),
  });
  const active = changes.find((c) => c.path === 'active')?.value ?? current.get('active');
  link.active = !sameValue(active, false);
  const onlyDisable = changes.length === 1 && changes[0]!.path === 'active' && changes[0]!.value === false;
  if (onlyDisable) ctx.summary.disabled++;
  else ctx.summary.updated++;
  const modified = sourceProperties(
    changedSources(
      ctx,
      changes.filter((c) => !(reEnable && c.path === 'active')),
    ),
    plan.source,
    previous,
  );
  if (reEnable) modified.push(...softDeleteProperties(false, null));
  entry
    .step(
      onlyDisable ? 'EntryExportDisable' : 'EntryExportUpdate',
      'export',
      'success',
      `User '${name}' was ${onlyDisable ? 'disabled' : !wasActive && link.active ? 're-enabled and updated' : 'updated'} in ${appName}`,
    )
    .succeed(onlyDisable ? 'disable' : 'update', modified);
}
