// Phase 2 of a cycle, the users that leave: a user out of scope is disabled through what
// IsSoftDeleted is mapped to (after reading it back); a user gone from the tenant is deleted.
import type { ModifiedProperty } from '../../logs/types.ts';
import type { EntraUser } from '../../tenant/types.ts';
import { buildUserPatch } from '../dialect.ts';
import type { UserLink } from '../job.ts';
import type { Entry } from '../journal.ts';
import { CORE_USER, userSource } from '../resource.ts';
import { RequestFailed } from '../target.ts';
import { diffTarget, flatten } from '../values.ts';
import { type CycleContext, recordFailure, recordSuccess, type UserPlan } from './context.ts';
import { stagedUserReason, stageRemoval } from './staging.ts';
import { importStep, skipRedundant } from './steps.ts';

type Plan<K extends UserPlan['kind']> = Extract<UserPlan, { kind: K }>;

const resolve = { resolveReference: ({ value }: { value: string }) => value };

/** @internal The modified properties of a disable or re-enable, in Entra's terms. */
export function softDeleteProperties(disable: boolean, accountEnabled: boolean | null): ModifiedProperty[] {
  const [before, after] = disable ? ['False', 'True'] : ['True', 'False'];
  const out: ModifiedProperty[] = [{ displayName: 'IsSoftDeleted', oldValue: before, newValue: after }];
  if (accountEnabled !== null)
    out.unshift({
      displayName: 'accountEnabled',
      oldValue: after,
      newValue: accountEnabled ? 'True' : 'False',
    });
  return out;
}

/**
 * @internal A user that left the scope is disabled with an update (after reading it back); one that left the
 * tenant is deleted. A user disabled because it was unassigned is no longer managed.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works#incremental-cycles
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works#deprovisioning
 */
export async function removeUser(
  ctx: CycleContext,
  plan: Plan<'disable' | 'delete'>,
  link: UserLink,
  entry: Entry,
): Promise<void> {
  const { appName } = ctx.config;
  const verb = plan.kind === 'disable' ? 'Disable' : 'Delete';
  const deleted = plan.kind === 'delete' || plan.reason === 'softDeleted';
  importStep(ctx, entry, 'User', link.name, deleted ? 'Delete' : 'Update');
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
  entry.step(
    'EntrySynchronizationScoping',
    'scoping',
    'success',
    plan.kind === 'disable'
      ? `The User is ${plan.reason === 'softDeleted' ? 'soft-deleted' : plan.reason === 'unassigned' ? 'no longer assigned' : 'out of scope'}`
      : 'The User was permanently deleted',
  );
  try {
    if (plan.kind === 'delete') {
      await ctx.target.send('DELETE', `/Users/${encodeURIComponent(link.targetId)}`);
      ctx.state.users.delete(plan.userId);
      ctx.removedTargets.add(link.targetId);
      ctx.summary.deleted++;
      recordSuccess(ctx, plan.userId);
      entry
        .step('EntryExportDelete', 'export', 'success', `User '${link.name}' was deleted in ${appName}`)
        .succeed('delete');
      return;
    }
    if (plan.reason === 'unassigned') link.managed = false;
    const softDeleted = softDeletedValues(ctx, plan.userId);
    if (softDeleted.size === 0) {
      // Microsoft: with IsSoftDeleted out of the attribute mappings, nothing is done.
      recordSuccess(ctx, plan.userId);
      ctx.summary.skipped++;
      const reason = `IsSoftDeleted is not in the attribute mappings, so nothing is sent to ${appName}.`;
      entry
        .step(
          'EntrySynchronizationSkip',
          'export',
          'skipped',
          `The User '${link.name}' will be skipped. ${reason}`,
          {
            SkipReason: 'EntrySynchronizationSkipped',
          },
        )
        .skip('other', { code: 'EntrySynchronizationSkipped', reason, details: null, quarantine: false });
      return;
    }
    const current = flatten(
      await ctx.target.read('Users', link.targetId),
      [...softDeleted.keys()],
      CORE_USER,
    );
    const changes = diffTarget(current, softDeleted, [...softDeleted.keys()], {
      createOnly: new Set(),
      keepOnNull: new Set(),
    });
    if (changes.length === 0) {
      link.active = false;
      recordSuccess(ctx, plan.userId);
      skipRedundant(ctx, entry, 'User', link.name, []);
      return;
    }
    await ctx.target.send('PATCH', `/Users/${encodeURIComponent(link.targetId)}`, {
      body: buildUserPatch(ctx.dialect, changes),
    });
    link.active = false;
    ctx.summary.disabled++;
    recordSuccess(ctx, plan.userId);
    const user = ctx.config.tenant.findUser(plan.userId);
    entry
      .step('EntryExportDisable', 'export', 'success', `User '${link.name}' was disabled in ${appName}`)
      .succeed('disable', softDeleteProperties(true, user && !user.accountEnabled ? false : null));
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

/**
 * The mapped values that change when a user is soft-deleted: the targets computed from
 * `IsSoftDeleted`, with `IsSoftDeleted` true (Entra's default maps it to `active`, which turns false).
 * Empty when no mapping reads `IsSoftDeleted`.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works#deprovisioning
 */
function softDeletedValues(ctx: CycleContext, userId: string): Map<string, unknown> {
  const { tenant, users } = ctx.config;
  const targets = users.targets.filter((t) =>
    (users.sourcesOf.get(t) ?? []).some((s) => s.toLowerCase() === 'issoftdeleted'),
  );
  if (targets.length === 0) return new Map();
  const user =
    tenant.findUser(userId) ??
    (tenant.listDeletedItems('user').find((i) => i.object.id === userId)?.object as EntraUser | undefined);
  if (!user) return new Map([['active', false]]);
  const source = { ...userSource(user, { managerId: null, appRoleAssignments: [] }), IsSoftDeleted: true };
  const mapped = flatten(
    users.compiled.evaluate(source, { operation: 'update', ...resolve }),
    targets,
    CORE_USER,
  );
  return mapped;
}
