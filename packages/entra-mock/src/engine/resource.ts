// Reading mapped SCIM resources by target path, and Entra's source objects for the mapping language.

import { URN } from '@scim/schemas';
import type { EntraGroup, EntraUser } from '../tenant/types.ts';

const TARGET =
  /^([A-Za-z_$][\w$-]*)(?:\[\s*([A-Za-z_$][\w$-]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*\])?(?:\.([A-Za-z_$][\w$-]*))?$/i;

/** @internal The SCIM core schema URNs (`URN.*` of @scim/schemas), short for the engine. */
export const CORE_USER = URN.User;
/** @internal */
export const CORE_GROUP = URN.Group;
/** @internal The enterprise user extension's URN. */
export const ENTERPRISE_USER = URN.EnterpriseUser;

const lowerKeys = new WeakMap<object, Map<string, string>>();

function getCI(object: unknown, name: string): unknown {
  if (!object || typeof object !== 'object' || Array.isArray(object)) return undefined;
  const record = object as Record<string, unknown>;
  if (name in record) return record[name];
  let keys = lowerKeys.get(record);
  if (!keys) {
    keys = new Map(Object.keys(record).map((k) => [k.toLowerCase(), k]));
    lowerKeys.set(record, keys);
  }
  const key = keys.get(name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

/** @internal The value at a mapping target path in a SCIM resource, or undefined. */
export function readTarget(resource: Record<string, unknown>, target: string, core: string): unknown {
  let container: unknown = resource;
  let rest = target;
  if (/^urn:/i.test(target)) {
    const head = target.split('[')[0]!;
    const colon = head.lastIndexOf(':');
    const urn = target.slice(0, colon);
    rest = target.slice(colon + 1);
    if (urn.toLowerCase() !== core.toLowerCase()) container = getCI(resource, urn);
  }
  const m = TARGET.exec(rest);
  if (!m || container === undefined) return undefined;
  const value = getCI(container, m[1]!);
  if (m[2] !== undefined) {
    if (!Array.isArray(value)) return undefined;
    const expected = m[3]!.replace(/\\(.)/g, '$1');
    // A boolean matches its name in any case: `roles[primary eq "True"]` finds `"primary": true`.
    const matches = (v: unknown) =>
      typeof v === 'boolean' ? String(v) === expected.toLowerCase() : String(v) === expected;
    const found = value
      .filter((e) => e && typeof e === 'object' && matches(getCI(e, m[2]!)))
      .map((e) => getCI(e, m[4] ?? 'value'))
      .filter((v) => v !== undefined && v !== null);
    return found.length === 0 ? undefined : found.length === 1 ? found[0] : found;
  }
  if (m[4] !== undefined) return getCI(value, m[4]);
  return value === null ? undefined : value;
}

/** @internal Removes the value at a target path from a resource (used to hold references back). */
export function deleteTarget(resource: Record<string, unknown>, target: string, core: string): void {
  if (/^urn:/i.test(target)) {
    const colon = target.split('[')[0]!.lastIndexOf(':');
    const urn = target.slice(0, colon);
    const name = target.slice(colon + 1).split('.')[0]!;
    if (urn.toLowerCase() === core.toLowerCase()) {
      delete resource[name];
      return;
    }
    const key = Object.keys(resource).find((k) => k.toLowerCase() === urn.toLowerCase());
    if (!key) return;
    const extension = resource[key] as Record<string, unknown>;
    delete extension[name];
    if (Object.keys(extension).length === 0) {
      delete resource[key];
      const schemas = resource.schemas;
      if (Array.isArray(schemas)) resource.schemas = schemas.filter((s) => s !== key);
    }
    return;
  }
  delete resource[target.split(/[.[]/)[0]!];
}

/** @internal A user as the mapping language and scoping filters read it (Graph names plus Entra's computed attributes). */
export function userSource(
  user: EntraUser,
  extra: { managerId: string | null; appRoleAssignments: readonly Record<string, unknown>[] },
): Record<string, unknown> {
  const { onPremisesExtensionAttributes, ...rest } = user;
  // Known issues: "The attributes SamAccountName and userType aren't available as source attributes."
  const available: Record<string, unknown> = { ...rest };
  delete available.userType;
  return {
    ...available,
    userPrincipalName: externalPrincipalName(user.userPrincipalName),
    originalUserPrincipalName: user.userPrincipalName,
    ...onPremisesExtensionAttributes,
    objectId: user.id,
    IsSoftDeleted: !user.accountEnabled,
    manager: extra.managerId,
    physicalDeliveryOfficeName: user.officeLocation,
    telephoneNumber: user.businessPhones[0] ?? null,
    mobile: user.mobilePhone,
    appRoleAssignments: extra.appRoleAssignments,
  };
}

/**
 * @internal A B2B user's userPrincipalName as provisioning reads it: Microsoft, "the #EXT# and your
 * domain is stripped from the userPrincipalName, so only their original alias@theirdomain is used
 * for matching or provisioning" (`alias_theirdomain#EXT#@yourdomain` → `alias@theirdomain`);
 * `originalUserPrincipalName` keeps the whole one. Any other userPrincipalName is unchanged.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works#b2b-guest-users
 */
export function externalPrincipalName(userPrincipalName: string): string {
  const match = /^(.+)_([^_@]+)#EXT#@[^@]+$/i.exec(userPrincipalName);
  return match ? `${match[1]}@${match[2]}` : userPrincipalName;
}

/** @internal A group as the mapping language and scoping filters read it. */
export function groupSource(group: EntraGroup): Record<string, unknown> {
  return { ...group, objectId: group.id };
}
