// Provision on demand: which objects one request provisions.
import { ScimError } from '@scim/schemas';
import type { EntraTenant } from '../tenant/tenant.ts';

/**
 * @internal The users and groups an on-demand request provisions: one user, or one group with up
 * to five of its direct user members (the first five by default).
 * @throws ScimError `notFound` for an unknown object; `invalidValue` for a disabled user, for more
 * than 5 members or members that are not direct user members of the group
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/provision-on-demand#known-limitations
 */
export function onDemandSubjects(
  tenant: EntraTenant,
  subject: { objectId: string; members?: string[] },
): { users: string[]; groups: string[] } {
  const group = tenant.findGroup(subject.objectId);
  const user = group ? undefined : tenant.findUser(subject.objectId);
  if (!group && !user) {
    throw new ScimError(
      'notFound',
      `provisionOnDemand: no user or group '${subject.objectId}' in the tenant; pass the object id of an existing user or group`,
    );
  }
  if (!group) {
    // Microsoft: on-demand provisioning doesn't support users disabled in Microsoft Entra ID.
    if (!user!.accountEnabled) {
      throw new ScimError(
        'invalidValue',
        `provisionOnDemand: user '${user!.userPrincipalName}' is disabled in the tenant; on-demand provisioning doesn't support users that are disabled or deleted in Microsoft Entra ID (enable the user, or let a scheduled cycle disable it in the app)`,
      );
    }
    return { users: [user!.id], groups: [] };
  }
  const members = tenant
    .listMembers(group.id)
    .filter((m) => m.type === 'user')
    .map((m) => m.object.id);
  const chosen = subject.members ?? members.slice(0, 5);
  if (chosen.length > 5 || chosen.some((id) => !members.includes(id))) {
    throw new ScimError(
      'invalidValue',
      `provisionOnDemand: pick at most 5 direct user members of group '${group.displayName}'`,
    );
  }
  return { users: chosen, groups: [group.id] };
}
