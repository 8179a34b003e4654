import { ScimError } from '@scim/schemas';
import type { ChangeLog } from './change-log.ts';
import { invalid } from './checks.ts';
import type { DirectoryObjects } from './objects.ts';
import {
  type AppRole,
  DEFAULT_ACCESS_APP_ROLE_ID,
  type EntraAppRoleAssignment,
  type EntraServicePrincipal,
  type ServicePrincipalInput,
} from './types.ts';

/** The fields that make an assignment unique: one role of one application for one principal. */
type AssignmentKey = Pick<EntraAppRoleAssignment, 'resourceId' | 'principalId' | 'appRoleId'>;

/**
 * @internal The tenant's enterprise applications (service principals) and their app role
 * assignments to users and groups, with an index that finds a duplicate assignment at once. Its
 * methods do what the `EntraTenant` methods of the same names say.
 */
export class Applications {
  readonly #objects: DirectoryObjects;
  readonly #log: ChangeLog;
  readonly #newId: () => string;
  readonly #servicePrincipals = new Map<string, EntraServicePrincipal>();
  readonly #assignments = new Map<string, EntraAppRoleAssignment>();
  /** The {@link keyOf} of every assignment. */
  readonly #assignmentKeys = new Set<string>();

  constructor(objects: DirectoryObjects, log: ChangeLog, newId: () => string) {
    this.#objects = objects;
    this.#log = log;
    this.#newId = newId;
  }

  createServicePrincipal(input: ServicePrincipalInput): EntraServicePrincipal {
    if (typeof input.displayName !== 'string' || input.displayName.trim() === '') {
      throw invalid('servicePrincipal: displayName must be a non-empty string');
    }
    const appRoles = input.appRoles ?? defaultAppRoles();
    const ids = new Set(appRoles.map((r) => r.id));
    if (ids.size !== appRoles.length || ids.has(DEFAULT_ACCESS_APP_ROLE_ID)) {
      throw invalid('servicePrincipal: app role ids must be unique and not the Default Access role id');
    }
    const sp: EntraServicePrincipal = {
      id: this.#newId(),
      appId: this.#newId(),
      displayName: input.displayName,
      accountEnabled: true,
      appRoleAssignmentRequired: input.appRoleAssignmentRequired ?? true,
      appRoles,
      servicePrincipalType: 'Application',
      tags: [
        'WindowsAzureActiveDirectoryIntegratedApp',
        'WindowsAzureActiveDirectoryCustomSingleSignOnApplication',
      ],
    };
    this.#servicePrincipals.set(sp.id, copyServicePrincipal(sp));
    this.#log.record({ kind: 'servicePrincipalCreated', servicePrincipalId: sp.id });
    return copyServicePrincipal(sp);
  }

  getServicePrincipal(id: string): EntraServicePrincipal {
    return copyServicePrincipal(this.#servicePrincipal(id));
  }

  listServicePrincipals(): EntraServicePrincipal[] {
    return Array.from(this.#servicePrincipals.values(), copyServicePrincipal);
  }

  assign(servicePrincipalId: string, principalId: string, appRoleId: string): EntraAppRoleAssignment {
    const sp = this.#servicePrincipal(servicePrincipalId);
    const { users, groups } = this.#objects;
    const principalType = this.#objects.typeOf(principalId) === 'user' ? 'User' : 'Group';
    const principal = principalType === 'User' ? users.active(principalId) : groups.active(principalId);
    if (appRoleId !== DEFAULT_ACCESS_APP_ROLE_ID) {
      const role = sp.appRoles.find((r) => r.id === appRoleId);
      if (!role?.isEnabled || !role.allowedMemberTypes.includes('User')) {
        throw invalid(
          `Permission being assigned was not found on application '${sp.appId}': app role ${appRoleId} is not an enabled role for users and groups.`,
        );
      }
    }
    if (this.#assignmentKeys.has(keyOf({ resourceId: servicePrincipalId, principalId, appRoleId }))) {
      throw new ScimError('conflict', 'Permission being assigned already exists on the object.');
    }
    const assignment: EntraAppRoleAssignment = {
      id: this.#newId(),
      appRoleId,
      principalId,
      principalType,
      principalDisplayName: principal.displayName,
      resourceId: servicePrincipalId,
      resourceDisplayName: sp.displayName,
      createdDateTime: this.#log.now(),
      deletedDateTime: null,
    };
    this.#assignments.set(assignment.id, assignment);
    this.#assignmentKeys.add(keyOf(assignment));
    this.#log.record({
      kind: 'appRoleAssigned',
      assignmentId: assignment.id,
      servicePrincipalId,
      principalId,
      principalType,
      appRoleId,
    });
    return { ...assignment };
  }

  unassign(assignmentId: string): void {
    const assignment = this.#assignments.get(assignmentId);
    if (!assignment || !this.#objects.isActive(assignment.principalId)) {
      throw new ScimError('notFound', `Resource '${assignmentId}' does not exist.`);
    }
    this.#remove(assignment);
  }

  /** An application's assignments whose principal is not deleted, in creation order. */
  listAssignments(servicePrincipalId: string): EntraAppRoleAssignment[] {
    this.#servicePrincipal(servicePrincipalId);
    const objects = this.#objects;
    const result: EntraAppRoleAssignment[] = [];
    for (const a of this.#assignments.values()) {
      if (a.resourceId === servicePrincipalId && objects.isActive(a.principalId)) result.push({ ...a });
    }
    return result;
  }

  /** Removes every assignment of a purged user or group, recording each as happening `at`. */
  unassignPrincipal(principalId: string, at: string): void {
    // Deleting the entry a Map iteration stands on is safe: the iteration goes on with the next.
    for (const assignment of this.#assignments.values()) {
      if (assignment.principalId === principalId) this.#remove(assignment, at);
    }
  }

  #remove(assignment: EntraAppRoleAssignment, at?: string): void {
    this.#assignments.delete(assignment.id);
    this.#assignmentKeys.delete(keyOf(assignment));
    this.#log.record(
      {
        kind: 'appRoleUnassigned',
        assignmentId: assignment.id,
        servicePrincipalId: assignment.resourceId,
        principalId: assignment.principalId,
        principalType: assignment.principalType,
        appRoleId: assignment.appRoleId,
      },
      at,
    );
  }

  #servicePrincipal(id: string): EntraServicePrincipal {
    const sp = this.#servicePrincipals.get(id);
    if (!sp) throw new ScimError('notFound', `Resource '${id}' does not exist.`);
    return sp;
  }
}

function keyOf(a: AssignmentKey): string {
  return `${a.resourceId}|${a.principalId}|${a.appRoleId}`;
}

function copyServicePrincipal(sp: EntraServicePrincipal): EntraServicePrincipal {
  return {
    ...sp,
    appRoles: sp.appRoles.map((role) => ({ ...role, allowedMemberTypes: [...role.allowedMemberTypes] })),
    tags: [...sp.tags],
  };
}

/** The roles Entra gives a new non-gallery application: User and msiam_access. */
function defaultAppRoles(): AppRole[] {
  return [
    {
      id: '18d14569-c3bd-439b-9a66-3a2aee01d14f',
      displayName: 'User',
      value: null,
      description: 'User',
      allowedMemberTypes: ['User'],
      isEnabled: true,
      origin: 'Application',
    },
    {
      id: 'b9632174-c057-4f7e-951b-be3adc52bfe6',
      displayName: 'msiam_access',
      value: null,
      description: 'msiam_access',
      allowedMemberTypes: ['User'],
      isEnabled: true,
      origin: 'Application',
    },
  ];
}
