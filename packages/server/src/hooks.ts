import type { AttributeChange } from '@scim/protocol';
import type { Principal } from './auth/types.ts';
import type { HandlerLogger, ScimHookEvent, ScimHooks } from './options.ts';

/** What one committed write did, as the hooks see it. @internal */
export interface CommittedChange {
  readonly kind: 'user' | 'group' | 'custom';
  readonly action: 'created' | 'updated' | 'deleted';
  readonly tenant: string;
  readonly resourceType: string;
  readonly id: string;
  readonly resource: Readonly<Record<string, unknown>>;
  readonly changes: readonly AttributeChange[];
  readonly membersAdded: readonly string[];
  readonly membersRemoved: readonly string[];
  readonly principal: Principal;
}

type HookName = keyof ScimHooks;

/**
 * The change-feed type and the hooks of a committed write: `user.deactivated` when `active` went
 * false, `group.renamed` when `displayName` changed, and so on.
 * @internal
 */
export function classify(
  change: Pick<
    CommittedChange,
    'kind' | 'action' | 'resourceType' | 'changes' | 'membersAdded' | 'membersRemoved'
  >,
): {
  readonly type: string;
  readonly hooks: readonly HookName[];
} {
  const { kind, action } = change;
  if (kind === 'custom') return { type: `${change.resourceType.toLowerCase()}.${action}`, hooks: [] };
  if (kind === 'user') {
    if (action === 'created') return { type: 'user.created', hooks: ['userCreated'] };
    if (action === 'deleted') return { type: 'user.deleted', hooks: ['userDeleted'] };
    const active = change.changes.find((c) => c.path.toLowerCase() === 'active');
    const others = change.changes.some((c) => c.path.toLowerCase() !== 'active');
    const hooks: HookName[] = others ? ['userUpdated'] : [];
    let type = 'user.updated';
    if (active !== undefined && active.newValue === false && active.oldValue !== false) {
      hooks.push('userDeactivated');
      type = 'user.deactivated';
    } else if (active !== undefined && active.newValue === true && active.oldValue === false) {
      hooks.push('userReactivated');
      type = 'user.reactivated';
    } else if (active !== undefined && !others) hooks.push('userUpdated');
    // A deactivation is the change a consumer must not miss: it names the event even when other
    // attributes changed with it (they are in `changes`).
    return { type, hooks };
  }
  if (action === 'created') return { type: 'group.created', hooks: ['groupCreated'] };
  if (action === 'deleted') return { type: 'group.deleted', hooks: ['groupDeleted'] };
  const hooks: HookName[] = [];
  const renamed = change.changes.some((c) => c.path.toLowerCase() === 'displayname');
  if (renamed) hooks.push('groupRenamed');
  if (change.membersAdded.length > 0) hooks.push('groupMembersAdded');
  if (change.membersRemoved.length > 0) hooks.push('groupMembersRemoved');
  let type = 'group.updated';
  if (change.changes.length === 0 && change.membersRemoved.length === 0 && change.membersAdded.length > 0)
    type = 'group.members.added';
  else if (
    change.changes.length === 0 &&
    change.membersAdded.length === 0 &&
    change.membersRemoved.length > 0
  )
    type = 'group.members.removed';
  else if (
    renamed &&
    change.changes.length === 1 &&
    change.membersAdded.length + change.membersRemoved.length === 0
  )
    type = 'group.renamed';
  return { type, hooks };
}

/**
 * Calls the hooks of a committed write. A hook that throws is logged and does not fail the
 * request (the change is committed, and in the change feed).
 * @internal
 */
export async function runHooks(
  hooks: ScimHooks | undefined,
  change: CommittedChange,
  logger: HandlerLogger | undefined,
  requestId: string,
): Promise<void> {
  if (hooks === undefined) return;
  for (const name of classify(change).hooks) {
    const hook = hooks[name];
    if (hook === undefined) continue;
    const members =
      name === 'groupMembersAdded'
        ? change.membersAdded
        : name === 'groupMembersRemoved'
          ? change.membersRemoved
          : undefined;
    const event: ScimHookEvent = {
      tenant: change.tenant,
      resourceType: change.resourceType,
      id: change.id,
      resource: change.resource,
      changes: change.changes,
      principal: change.principal,
      ...(members === undefined ? {} : { members }),
    };
    try {
      await hook(event);
    } catch (error) {
      logger?.warn(
        {
          requestId,
          hook: name,
          tenant: change.tenant,
          id: change.id,
          err: error instanceof Error ? error.message : String(error),
        },
        'a lifecycle hook failed; the change is committed and in the change feed',
      );
    }
  }
}
