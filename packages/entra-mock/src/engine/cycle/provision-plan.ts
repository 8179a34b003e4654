// A user's provision plan, whose source values are built when its export first reads them.
import type { EntraUser } from '../../tenant/types.ts';
import type { JobConfig } from '../config.ts';
import { appRoleAssignments } from '../entitlement.ts';
import { userSource } from '../resource.ts';

/**
 * @internal The plan of a user in scope. The cycle plans every user before it exports the first, and
 * a plan lives until its user's export; the user's source values (a record of some 35 attributes and
 * the app role assignments) are built from what the plan holds (the copy of the user, its manager's id
 * and its roles, all read when the cycle planned) when the export first reads them, and kept until
 * the plan is let go of, so that a cycle of 100,000 users does not hold them all through its first phase.
 */
export class ProvisionPlan {
  readonly kind = 'provision';
  readonly userId: string;
  readonly user: EntraUser;
  readonly roles: string[];
  /** The scoping step's details, as Entra writes them. */
  readonly details: Record<string, string>;
  readonly #config: JobConfig;
  readonly #managerId: string | null;
  #source: Record<string, unknown> | undefined;

  constructor(
    config: JobConfig,
    userId: string,
    user: EntraUser,
    managerId: string | null,
    roles: string[],
    details: Record<string, string>,
  ) {
    this.userId = userId;
    this.user = user;
    this.roles = roles;
    this.details = details;
    this.#config = config;
    this.#managerId = managerId;
  }

  /** The user as the mapping language reads it (built on the first read). */
  get source(): Record<string, unknown> {
    this.#source ??= sourceOf(this.#config, this.user, this.#managerId, this.roles);
    return this.#source;
  }
}

/** @internal A user's source values, from its copy, its manager's id and its roles. */
export function sourceOf(
  config: JobConfig,
  user: EntraUser,
  managerId: string | null,
  roles: readonly string[],
): Record<string, unknown> {
  return userSource(user, { managerId, appRoleAssignments: appRoleAssignments(config, roles) });
}
