import type { FilterOptions } from './filter/options.ts';

/**
 * A compatibility profile: one named boolean switch per behaviour of Microsoft Entra ID's
 * provisioning service that departs from RFC 7644, plus the filter switches. Use the preset
 * {@link entraProfile} (the default) or {@link strictProfile} (RFC mode), or spread one and change
 * single switches: `{ ...strictProfile, stringBooleans: true }`.
 *
 * @example
 * ```ts
 * import { userResourceSchema } from '@scim/schemas';
 * import { applyPatch, strictProfile } from '@scim/protocol';
 * applyPatch(user, patch, userResourceSchema, { profile: { ...strictProfile, opCaseInsensitive: true } });
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility
 */
export interface CompatibilityProfile {
  /** The profile's name, for logs. */
  readonly name: string;
  /** Accept `op` in any case (`Add`, `Replace`, `Remove`); RFC 7644 spells them in lower case. */
  readonly opCaseInsensitive: boolean;
  /** Coerce the strings `"True"` / `"False"` (any case) to booleans for boolean attributes. */
  readonly stringBooleans: boolean;
  /**
   * In a path-less `add` / `replace`, read value keys that are attribute paths: dotted
   * (`"name.givenName"`) and URN-prefixed (`"urn:...:enterprise:2.0:User:employeeNumber"`).
   */
  readonly pathKeys: boolean;
  /**
   * `add` / `replace` on a value path that matches no value (`emails[type eq "work"].value`)
   * creates the value from the filter's `eq` comparisons instead of failing with `noTarget`.
   */
  readonly createOnValuePathMiss: boolean;
  /**
   * `remove` on a multi-valued attribute with a `value` list (`{"op":"Remove","path":"members",
   * "value":[{"value":"id"}]}`) removes only the listed values; each must name one (a value
   * without `value`, such as `{"display":"x"}`, is `invalidValue`), and an empty list (`[]`,
   * `null`, `""`, `{}`) removes nothing. Off, any `value` on such a remove is `invalidValue`.
   * Either way a remove with a `value` never clears the attribute: only one without `value` does
   * (RFC 7644 section 3.5.2.2).
   */
  readonly removeByValueList: boolean;
  /** A `remove` whose value filter matches nothing is a no-op instead of `noTarget`. */
  readonly idempotentRemove: boolean;
  /**
   * A single-valued complex attribute with a `value` sub-attribute (enterprise `manager`) is
   * accepted as a bare string id and as a one-element array (the legacy form), and stored as
   * `{ value }`.
   */
  readonly complexShorthands: boolean;
  /**
   * `""` as a value clears a single-valued attribute or sub-attribute (`null` always does, RFC 7643
   * section 2.5). A list is never cleared by `""`: an add of it adds nothing, a replace with it is
   * `invalidValue`.
   */
  readonly emptyStringClears: boolean;
  /**
   * A path may name an extension attribute without its schema URN (`"path": "manager"`, as in
   * Microsoft's SCIM tutorial) when the core schema has no attribute of that name and exactly one
   * extension schema has. Off, such a path is `invalidPath`.
   * See https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
   * (example 5, a request to update a user).
   */
  readonly unqualifiedExtensionPaths: boolean;
  /**
   * A `remove` may put a value filter on a single-valued complex attribute
   * (`manager[value eq "id"]`, with or without the enterprise URN): it clears the attribute when its
   * value matches the filter and does nothing otherwise. Off, such a path is `invalidPath`.
   * Reported from Entra traffic (no Microsoft page shows it):
   * https://github.com/thomaspoignant/scim-patch/issues/453
   */
  readonly singleValueFilters: boolean;
  /**
   * Values of `roles` are read as Entra sends app role assignments (`AppRoleAssignmentsComplex`,
   * `SingleAppRoleAssignment`): a `value` that is a JSON-encoded object is decoded, `displayName`
   * becomes `display` and the assignment `id` is dropped (see `decodeEntraRole`). Off, the string
   * is the role's value, and `displayName` is not a sub-attribute of `roles`.
   * See https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes#provisioning-a-role-to-a-scim-app
   */
  readonly appRoleStrings: boolean;
  /**
   * Ignore what does not belong in a PATCH value: `meta` and `schemas` keys, Microsoft's group
   * schema URN as a key, unknown attributes whose value is empty (`roles: []` on a group),
   * unknown sub-attributes and a PatchOp whose `schemas` lacks the PatchOp URN.
   */
  readonly ignoreExtraneous: boolean;
  /** The filter and path parser switches (unquoted values, `+` as space, ...). */
  readonly filter: FilterOptions;
}

/**
 * What Microsoft Entra ID sends, in both of its PATCH dialects (the default profile): every
 * switch on.
 *
 * @example
 * ```ts
 * import { userResourceSchema } from '@scim/schemas';
 * applyPatch(user, patch, userResourceSchema, { profile: entraProfile });
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 */
export const entraProfile: CompatibilityProfile = {
  name: 'entra',
  opCaseInsensitive: true,
  stringBooleans: true,
  pathKeys: true,
  createOnValuePathMiss: true,
  removeByValueList: true,
  idempotentRemove: true,
  complexShorthands: true,
  emptyStringClears: true,
  unqualifiedExtensionPaths: true,
  singleValueFilters: true,
  appRoleStrings: true,
  ignoreExtraneous: true,
  filter: { profile: 'entra' },
};

/**
 * RFC 7644 to the letter: every switch off.
 *
 * @example
 * ```ts
 * import { userResourceSchema } from '@scim/schemas';
 * applyPatch(user, patch, userResourceSchema, { profile: strictProfile });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export const strictProfile: CompatibilityProfile = {
  name: 'strict',
  opCaseInsensitive: false,
  stringBooleans: false,
  pathKeys: false,
  createOnValuePathMiss: false,
  removeByValueList: false,
  idempotentRemove: false,
  complexShorthands: false,
  emptyStringClears: false,
  unqualifiedExtensionPaths: false,
  singleValueFilters: false,
  appRoleStrings: false,
  ignoreExtraneous: false,
  filter: { profile: 'strict' },
};

/**
 * Picks a profile by name or returns the one given.
 *
 * @param profile - `'entra'`, `'strict'`, a profile object, or `undefined` for `entra`
 * @returns the profile
 * @throws never
 * @example
 * ```ts
 * resolveProfile('strict').stringBooleans; // false
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility
 */
export function resolveProfile(
  profile: CompatibilityProfile | 'entra' | 'strict' | undefined,
): CompatibilityProfile {
  if (profile === undefined || profile === 'entra') return entraProfile;
  if (profile === 'strict') return strictProfile;
  return profile;
}
