// Phase 3 of a cycle: reference attributes (the manager), set once every user of the cycle exists
// in the target.
import { type AttributeChange, buildUserPatch } from '../dialect.ts';
import { RequestFailed } from '../target.ts';
import type { CycleContext } from './context.ts';

/**
 * @internal The users whose manager reference may need an update: those exported this cycle, and
 * those whose manager was created this cycle.
 */
function usersToCheck(ctx: CycleContext): Set<string> {
  const { tenant } = ctx.config;
  const check = new Set(ctx.touchedUsers);
  if (ctx.createdUsers.size > 0) {
    for (const userId of ctx.state.users.keys()) {
      const managerId = tenant.findUser(userId) ? tenant.getManager(userId)?.id : undefined;
      if (managerId !== undefined && ctx.createdUsers.has(managerId)) check.add(userId);
    }
  }
  return check;
}

/**
 * @internal Sets, changes and removes manager references. A reference failure is logged and
 * escrowed, but not counted toward the quarantine proportion.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works#initial-cycle
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status#why-is-my-application-in-quarantine
 */
export async function exportReferences(ctx: CycleContext): Promise<void> {
  const { managerTarget, actions, tenant, appName } = ctx.config;
  if (!managerTarget || ctx.credentialFailure || !actions.update) return;
  for (const userId of usersToCheck(ctx)) {
    if (ctx.credentialFailure) break;
    const link = ctx.state.users.get(userId);
    const user = tenant.findUser(userId);
    if (!link || !user || !link.active) continue;
    const managerId = tenant.getManager(userId)?.id ?? null;
    const desired = managerId === null ? null : (ctx.state.users.get(managerId)?.targetId ?? null);
    if (desired === link.manager) continue;
    const entry = ctx.journal.begin({
      type: 'User',
      sourceId: userId,
      sourceName: link.name,
      targetId: link.targetId,
      changeId: crypto.randomUUID(),
    });
    const change: AttributeChange =
      desired === null
        ? { op: 'remove', path: managerTarget }
        : {
            op: link.manager === null ? 'add' : 'replace',
            path: managerTarget,
            value: /\.value$/i.test(managerTarget) ? desired : { value: desired },
          };
    entry
      .step(
        'EntryImportUpdate',
        'import',
        'success',
        `Received User '${link.name}' change of type (Update) from Azure Active Directory`,
      )
      .step(
        'EntryReferenceResolution',
        'referenceResolution',
        'success',
        desired === null
          ? 'The manager is no longer set or provisioned'
          : `Resolved the manager to id '${desired}' in ${appName}`,
      );
    try {
      await ctx.target.send('PATCH', `/Users/${encodeURIComponent(link.targetId)}`, {
        body: buildUserPatch(ctx.dialect, [change]),
      });
      const old = link.manager;
      link.manager = desired;
      ctx.summary.updated++;
      entry
        .step('EntryExportUpdate', 'export', 'success', `User '${link.name}' was updated in ${appName}`)
        .succeed('update', [{ displayName: managerTarget, oldValue: old, newValue: desired }]);
    } catch (error) {
      if (!(error instanceof RequestFailed)) throw error;
      ctx.summary.failed++;
      if (error.failure.quarantine) ctx.credentialFailure = error.failure;
      else if (!ctx.state.escrow.has(userId))
        ctx.state.escrow.set(userId, { kind: 'user', since: ctx.config.now(), changeId: entry.changeId });
      entry
        .step(
          'EntryExportUpdate',
          'export',
          'failure',
          `Failed to update the manager of User '${link.name}': ${error.failure.reason}`,
        )
        .fail('update', error.failure);
    }
  }
}
