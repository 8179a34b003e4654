// Who is entitled to the application: direct assignments, assignments through a group (direct
// members only), and the app roles they carry.
import { DEFAULT_ACCESS_APP_ROLE_ID } from '../tenant/types.ts';
import type { JobConfig } from './config.ts';

/** @internal The assignments of the application, indexed once per cycle. */
export interface Entitlements {
  /** principal id -> assigned role ids */
  readonly assigned: Map<string, string[]>;
  /** user id -> the assigned groups it is a direct member of */
  readonly assignedGroupsOf: Map<string, string[]>;
}

/**
 * @internal Indexes the application's assignments. Direct members only: Entra does not provision
 * the members of nested groups.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works#assignment-based-scoping
 */
export function indexEntitlements(config: JobConfig): Entitlements {
  const { tenant, app } = config;
  const assigned = new Map<string, string[]>();
  const assignedGroupsOf = new Map<string, string[]>();
  for (const a of tenant.listAssignments(app.id)) {
    const roles = assigned.get(a.principalId);
    if (roles) roles.push(a.appRoleId);
    else {
      assigned.set(a.principalId, [a.appRoleId]);
      if (a.principalType !== 'Group') continue;
      for (const m of tenant.listMembers(a.principalId)) {
        if (m.type !== 'user') continue;
        const groups = assignedGroupsOf.get(m.object.id);
        if (groups) groups.push(a.principalId);
        else assignedGroupsOf.set(m.object.id, [a.principalId]);
      }
    }
  }
  return { assigned, assignedGroupsOf };
}

/** @internal The role ids a user holds, directly and through its assigned groups. */
export function effectiveRoles(index: Entitlements, userId: string): string[] {
  const roles = [...(index.assigned.get(userId) ?? [])];
  for (const groupId of index.assignedGroupsOf.get(userId) ?? [])
    roles.push(...(index.assigned.get(groupId) ?? []));
  return roles;
}

/**
 * @internal Whether roles entitle their holder: any role, or with `skipDefaultAccessRole` any role
 * but Default Access.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-no-users-provisioned#provisioning-users-assigned-to-the-default-access-role
 */
export function entitled(config: JobConfig, roles: readonly string[]): boolean {
  return config.options.skipDefaultAccessRole
    ? roles.some((r) => r !== DEFAULT_ACCESS_APP_ROLE_ID)
    : roles.length > 0;
}

/** @internal The `appRoleAssignments` source attribute: the app roles a user holds, Default Access left out. */
export function appRoleAssignments(config: JobConfig, roles: readonly string[]) {
  return roles
    .filter((r) => r !== DEFAULT_ACCESS_APP_ROLE_ID)
    .map((r) => config.app.appRoles.find((role) => role.id === r))
    .filter((r) => r !== undefined)
    .map((r) => ({ id: r.id, displayName: r.displayName, value: r.value }));
}
