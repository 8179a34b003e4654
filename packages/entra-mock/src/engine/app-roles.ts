// Roles computed from a user's app role assignments, in the shapes Entra sends them. A create
// carries each role as `{ primary, type, display, value }`. An update of AppRoleAssignmentsComplex
// is a PATCH `Add` of the user's roles: in the default dialect each role is the JSON string
// `{"id","value","displayName"}` in `value`; with the aadOptscim062020 flag, roles keep the create's
// shape. AssertiveAppRoleAssignmentsComplex replaces the roles, in the create's shape.
// https://learn.microsoft.com/en-us/entra/identity/app-provisioning/customize-application-attributes#provisioning-a-role-to-a-scim-app
import type { ObjectMapping } from './config.ts';
import type { AttributeChange, ScimDialect } from './dialect.ts';
import { diffTarget, sameValue } from './values.ts';

type Role = Record<string, unknown>;

/** Whether the target's mapping is `AppRoleAssignmentsComplex(...)` (not the assertive variant). */
function addsRoles(users: ObjectMapping, target: string): boolean {
  const mapping = users.table.mappings.find((m) => m.target === target && m.type === 'Expression');
  return /^\s*AppRoleAssignmentsComplex\s*\(/i.test(mapping?.source ?? '');
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

/** Whether every mapped role's value is among the roles the app returns. */
function hasEveryRole(current: unknown, mapped: readonly unknown[]): boolean {
  const held = Array.isArray(current) ? current.filter(isRole).map((r) => r.value) : [];
  return mapped.filter(isRole).every((r) => held.some((v) => sameValue(v, r.value)));
}

/**
 * @internal The changes that bring a user's targets to the mapped values, with the roles of
 * AppRoleAssignmentsComplex as Entra sends them: compared without their ids, sent with `add` (the
 * function "does PATCH add only") when a mapped role's value is missing from what the app returns
 * (Microsoft does not document how Entra compares roles), the whole mapped list, as JSON strings in
 * the legacy dialect. Other targets, AssertiveAppRoleAssignmentsComplex's included, as `diffTarget`
 * computes them, their roles without ids.
 */
export function userChanges(
  users: ObjectMapping,
  dialect: ScimDialect,
  current: Map<string, unknown>,
  mapped: Map<string, unknown>,
): AttributeChange[] {
  const plain = new Map([...mapped].map(([target, value]) => [target, withoutRoleIds(value)]));
  return diffTarget(current, plain, users.targets, users.rules).flatMap((change) => {
    const roles = mapped.get(change.path);
    if (!Array.isArray(roles) || !addsRoles(users, change.path)) return [change];
    if (hasEveryRole(current.get(change.path), roles)) return [];
    const value = dialect === 'legacy' ? asJsonStrings(roles) : plain.get(change.path);
    return [{ op: 'add', path: change.path, value }];
  });
}
