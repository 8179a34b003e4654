// Phase 3 of a cycle: reference attributes (the manager), set once every user of the cycle exists
// in the target.
import { buildUserPatch, type TargetAttributeChange } from '../dialect.ts';
import { ENTERPRISE_USER } from '../resource.ts';
import { RequestFailed } from '../target.ts';
import { type CycleContext, recordReferenceFailure } from './context.ts';

/** The last Tenant URL's `/Users/` URL, without the query: one cycle sets every manager against one. */
let lastUsersUrl: { tenantUrl: string; path: string; hash: string } | null = null;

/** A user's URL under the Tenant URL, without the query (the feature flags). */
function userUrl(tenantUrl: string, id: string): string {
  if (lastUsersUrl?.tenantUrl !== tenantUrl) {
    const url = new URL(tenantUrl);
    url.search = '';
    const hash = url.hash;
    url.hash = '';
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/Users/`;
    lastUsersUrl = { tenantUrl, path: url.href, hash };
  }
  if (id === '.' || id === '..') {
    // Dot segments: the URL parser resolves them, as it did when every reference had its own URL.
    const url = new URL(`${lastUsersUrl.path}${id}${lastUsersUrl.hash}`);
    return url.href;
  }
  // encodeURIComponent leaves nothing that a URL's path would encode further.
  return `${lastUsersUrl.path}${encodeURIComponent(id)}${lastUsersUrl.hash}`;
}

/**
 * @internal The change that sets (or changes) the manager to the user with target id `id`: the
 * shape of the SCIM tutorial's "Example 5", `{ "op": "Add", "path": "manager", "value": [{ "$ref":
 * "<Tenant URL>/Users/<id>", "value": "<id>" }] }`, for the enterprise manager; a manager mapped to a
 * `….value` target gets the bare id; another target gets the list at its own path.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups#handling-provisioning-and-deprovisioning-of-users
 */
export function managerChange(target: string, id: string, tenantUrl: string): TargetAttributeChange {
  if (/\.value$/i.test(target)) return { op: 'add', path: target, value: id };
  const href = userUrl(tenantUrl, id);
  const enterprise = target.toLowerCase() === `${ENTERPRISE_USER}:manager`.toLowerCase();
  return {
    op: 'add',
    path: enterprise || target.toLowerCase() === 'manager' ? 'manager' : target,
    value: [{ $ref: href, value: id }],
  };
}

/**
 * @internal Sets, changes and removes the manager references of the users exported this cycle,
 * against the manager the target returned when the user was read back (Microsoft: Entra checks the
 * manager's current value before it updates it). The request is the tutorial's "Example 5"
 * ({@link managerChange}); a removal is a `Remove` of the mapped path (Microsoft shows none). A user
 * whose manager was out of scope when it was exported gets the reference only when it is exported
 * again (for example after a restart), as Microsoft documents. A reference failure is logged and
 * escrowed, but not counted toward the quarantine proportion.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/known-issues#manager-isnt-provisioned
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/customize-application-attributes#provisioning-a-custom-extension-attribute-to-a-scim-compliant-application
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups#handling-provisioning-and-deprovisioning-of-users
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works#initial-cycle
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status#why-is-my-application-in-quarantine
 */
export async function exportReferences(ctx: CycleContext): Promise<void> {
  const { managerTarget, actions, tenant, appName } = ctx.config;
  if (!managerTarget || ctx.credentialFailure || !actions.update) return;
  for (const userId of ctx.touchedUsers) {
    if (ctx.credentialFailure) break;
    const link = ctx.state.users.get(userId);
    const user = tenant.findUser(userId);
    if (!link || !user || !link.active) continue;
    const managerId = tenant.getManager(userId)?.id ?? null;
    const desired = managerId === null ? null : (ctx.state.users.get(managerId)?.targetId ?? null);
    if (desired === link.manager) continue;
    const old = link.sources.get('manager') ?? null;
    const entry = ctx.journal.begin({
      type: 'User',
      sourceId: userId,
      sourceName: link.name,
      displayName: link.displayName,
      targetId: link.targetId,
      changeId: crypto.randomUUID(),
    });
    const change: TargetAttributeChange =
      desired === null
        ? { op: 'remove', path: managerTarget }
        : managerChange(managerTarget, desired, ctx.config.options.tenantUrl);
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
      link.manager = desired;
      link.sources.set('manager', managerId);
      ctx.summary.updated++;
      entry
        .step('EntryExportUpdate', 'export', 'success', `User '${link.name}' was updated in ${appName}`)
        .succeed('update', [
          { displayName: 'manager', oldValue: old, newValue: desired === null ? null : managerId },
        ]);
    } catch (error) {
      if (!(error instanceof RequestFailed)) throw error;
      recordReferenceFailure(ctx, userId, error.failure, entry.changeId);
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
