// Roles computed from a user's app role assignments, in the shapes Entra sends them. A create
// carries each role as `{ primary, type, display, value }`. An update is a PATCH `Add` of `roles`:
// in the default dialect each role is the JSON string `{"id","value","displayName"}` in `value`;
// with the aadOptscim062020 flag, roles keep the create's shape. AssertiveAppRoleAssignmentsComplex
// replaces the roles, in the create's shape.
// https://learn.microsoft.com/en-us/entra/identity/app-provisioning/customize-application-attributes#provisioning-a-role-to-a-scim-app
import { compileExpression } from '@scim/mapping';
import type { ObjectMapping } from './config.ts';
import type { ScimDialect, TargetAttributeChange } from './dialect.ts';
import { diffTarget, sameValue } from './values.ts';

type Role = Record<string, unknown>;

/** @internal What the roles of a user's update are compared with and computed from. */
export interface RoleContext {
  /** The `roles` the app returned for the user. */
  readonly held: unknown;
  /** The user's source attributes (`appRoleAssignments`, for SingleAppRoleAssignment's role id). */
  readonly source: Readonly<Record<string, unknown>>;
}

const SINGLE_TARGET = /^roles\[primary eq "true"\]\.value$/i;

/** The app-role function at the top of a target's mapping, when the engine shapes its updates. */
function roleFunction(users: ObjectMapping, target: string): 'complex' | 'single' | null {
  const mapping = users.table.mappings.find((m) => m.target === target && m.type === 'Expression');
  const source = mapping?.source ?? '';
  if (/^\s*AppRoleAssignmentsComplex\s*\(/i.test(source)) return 'complex';
  if (/^\s*SingleAppRoleAssignment\s*\(/i.test(source) && SINGLE_TARGET.test(target)) return 'single';
  return null;
}

const isRole = (r: unknown): r is Role => r !== null && typeof r === 'object' && !Array.isArray(r);

/**
 * @internal A list of roles without the app role ids the mapping language carries: the shape of a
 * create (Microsoft's POST examples have no `id`), and what an app returns. Anything else unchanged.
 */
export function withoutRoleIds(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((r) => {
    if (!isRole(r) || !('id' in r)) return r;
    const { id: _, ...rest } = r;
    return rest;
  });
}

/** Each role as the default dialect's PATCH carries it: `{ "value": "{\"id\",\"value\",\"displayName\"}" }`. */
function asJsonStrings(roles: readonly unknown[]): { value: string }[] {
  return roles
    .filter(isRole)
    .map((r) => ({ value: JSON.stringify({ id: r.id, value: r.value, displayName: r.display }) }));
}

/** Whether every value is among the roles the app returns. */
function holdsEvery(held: unknown, values: readonly unknown[]): boolean {
  const have = Array.isArray(held) ? held.filter(isRole).map((r) => r.value) : [];
  return values.every((value) => have.some((v) => sameValue(v, value)));
}

/**
 * SingleAppRoleAssignment's role with its id and name: the first role AppRoleAssignmentsComplex
 * computes from the same arguments.
 */
function singleRole(users: ObjectMapping, target: string, source: RoleContext['source']): unknown {
  const mapping = users.table.mappings.find((m) => m.target === target && m.type === 'Expression')!;
  const text = mapping.source!.replace(/^\s*SingleAppRoleAssignment/i, 'AppRoleAssignmentsComplex');
  const roles = compileExpression(text).evaluate(source);
  return Array.isArray(roles) ? roles[0] : undefined;
}

/**
 * @internal The changes that bring a user's targets to the mapped values, with app roles as Entra
 * sends them. AppRoleAssignmentsComplex's roles, and SingleAppRoleAssignment's role at
 * `roles[primary eq "True"].value`, are sent when one of their values is missing from the roles the
 * app returns (Microsoft does not document how Entra compares them), as an `add` of `roles` (the
 * function "does PATCH add only"): JSON strings with the app role id in the legacy dialect, the
 * create's shape with the flag. Other targets, AssertiveAppRoleAssignmentsComplex's included, as
 * `diffTarget` computes them, roles without ids.
 */
export function userChanges(
  users: ObjectMapping,
  dialect: ScimDialect,
  current: Map<string, unknown>,
  mapped: Map<string, unknown>,
  roles: RoleContext,
): TargetAttributeChange[] {
  const plain = new Map([...mapped].map(([target, value]) => [target, withoutRoleIds(value)]));
  return diffTarget(current, plain, users.targets, users.rules).flatMap((change): TargetAttributeChange[] => {
    const fn = roleFunction(users, change.path);
    const value = mapped.get(change.path);
    if (fn === 'complex' && Array.isArray(value)) {
      const values = value.filter(isRole).map((r) => r.value);
      if (holdsEvery(roles.held, values)) return [];
      const sent = dialect === 'legacy' ? asJsonStrings(value) : plain.get(change.path);
      return [{ op: 'add', path: change.path, value: sent }];
    }
    if (fn === 'single' && value !== undefined) {
      if (holdsEvery(roles.held, [value])) return [];
      return [{ op: 'add', path: 'roles', value: singleSent(users, dialect, change.path, value, roles) }];
    }
    return [change];
  });
}

/** SingleAppRoleAssignment's role in an `add` of `roles`: a JSON string (legacy), else the create's shape. */
function singleSent(
  users: ObjectMapping,
  dialect: ScimDialect,
  target: string,
  value: unknown,
  roles: RoleContext,
): unknown[] {
  if (dialect === 'legacy') return asJsonStrings([singleRole(users, target, roles.source)]);
  return [{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value }];
}
