// The two SCIM dialects Entra speaks: the default (legacy) one and the compliant one that the
// `aadOptscim062020` flag in the Tenant URL turns on.
import { URN } from '@scim/schemas';

/**
 * Which SCIM dialect a job speaks. `legacy` is Entra's default for a `scim` job: `op` capitalised
 * (`Add`, `Replace`, `Remove`), booleans as the strings `"True"` / `"False"`, one operation per
 * attribute, members removed with a `value` list. `compliant` (the `aadOptscim062020` flag): lower-case
 * `op`, JSON booleans, several replaced attributes in one path-less operation, and members removed with
 * a `members[value eq "id"]` path.
 *
 * @example
 * ```ts
 * const dialect: ScimDialect = dialectOf('https://app.example.com/scim?aadOptscim062020'); // 'compliant'
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility
 */
export type ScimDialect = 'legacy' | 'compliant';

/**
 * The dialect a Tenant URL selects: `compliant` when its query string carries the
 * `aadOptscim062020` flag, `legacy` otherwise.
 *
 * @param tenantUrl - the Tenant URL as an admin types it
 * @returns the dialect
 * @throws TypeError when the URL is not absolute
 * @example
 * ```ts
 * dialectOf('https://app.example.com/scim'); // 'legacy'
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility#flags-to-alter-the-scim-behavior
 */
export function dialectOf(tenantUrl: string): ScimDialect {
  const url = new URL(tenantUrl);
  return [...url.searchParams.keys()].some((k) => k.toLowerCase() === 'aadoptscim062020')
    ? 'compliant'
    : 'legacy';
}

/**
 * One change to a target (SCIM) attribute that the provisioning engine is to send, before the
 * dialect shapes it into PATCH operations (what a service provider's PATCH changed, before and
 * after, is `AttributeChange` in @scim/protocol).
 *
 * @example
 * ```ts
 * buildUserPatch('compliant', [
 *   { op: 'replace', path: 'displayName', value: 'Adele V.' },
 *   { op: 'remove', path: 'title' },
 * ]).Operations; // [{ op: 'replace', path: 'displayName', value: 'Adele V.' }, { op: 'remove', path: 'title' }]
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export interface TargetAttributeChange {
  /** `add` when the target had no value, `replace` when it changes, `remove` when it is gone. */
  op: 'add' | 'replace' | 'remove';
  /** The target path, as in the mapping table (`name.givenName`, `emails[type eq "work"].value`). */
  path: string;
  /** The new value (absent for `remove`). */
  value?: unknown;
}

/**
 * One attribute change to send, before the dialect shapes it into PATCH operations.
 *
 * @deprecated Use {@link TargetAttributeChange}: this name is also @scim/protocol's record of what a
 * PATCH changed (`path`, `oldValue`, `newValue`), a different thing.
 * @example
 * ```ts
 * // Old code that names the changes so still compiles; write TargetAttributeChange instead.
 * const patchFor = (changes: AttributeChange[]) => buildUserPatch('legacy', changes);
 * patchFor([{ op: 'remove', path: 'title' }]).Operations; // [{ op: 'Remove', path: 'title' }]
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export type AttributeChange = TargetAttributeChange;

/**
 * A SCIM PATCH operation in the shape Entra sends it on the wire: in the legacy dialect `op` is
 * capitalised (`Replace`) and booleans are the strings `"True"` / `"False"`. The RFC 7644 shape, as
 * a service provider reads it, is `PatchOperation` in @scim/schemas.
 *
 * @example
 * ```ts
 * const [op]: EntraPatchOperation[] = buildUserPatch('legacy', [{ op: 'replace', path: 'active', value: false }]).Operations;
 * op; // { op: 'Replace', path: 'active', value: 'False' }: an endpoint Entra calls compares `op` ignoring case
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility
 */
export interface EntraPatchOperation {
  /** The operation, capitalised in the legacy dialect. */
  op: string;
  /** The path; absent in the compliant dialect's merged replace. */
  path?: string;
  /** The value. */
  value?: unknown;
}

/**
 * A SCIM PATCH request body in the shape Entra sends it (its operations are
 * {@link EntraPatchOperation}s). The RFC 7644 shape is `PatchOp` in @scim/schemas.
 *
 * @example
 * ```ts
 * const body: EntraPatchBody = buildUserPatch('legacy', [{ op: 'replace', path: 'active', value: false }]);
 * body.Operations[0]; // { op: 'Replace', path: 'active', value: 'False' }
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export interface EntraPatchBody {
  /** Always the PatchOp message URN, `URN.PatchOp`. */
  schemas: [typeof URN.PatchOp];
  /** The operations. */
  Operations: EntraPatchOperation[];
}

/** @internal The PatchOp message URN (`URN.PatchOp` of @scim/schemas), short for the builders. */
export const PATCH_OP = URN.PatchOp;

const CAPITAL: Record<TargetAttributeChange['op'], string> = {
  add: 'Add',
  replace: 'Replace',
  remove: 'Remove',
};

function legacyValue(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return value;
}

/**
 * Shapes attribute changes into the PATCH body Entra sends in a dialect. Legacy: one operation per
 * attribute with a path, `op` capitalised, booleans as `"True"` / `"False"`. Compliant: lower-case
 * `op`, JSON booleans; when two or more attributes without a value filter are replaced, they go in
 * one path-less `replace` whose value has dotted keys, after the other operations.
 *
 * @param dialect - the job's dialect
 * @param changes - the changes, in mapping order
 * @returns the PATCH body
 * @example
 * ```ts
 * buildUserPatch('legacy', [{ op: 'replace', path: 'active', value: false }]);
 * // { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility
 */
export function buildUserPatch(
  dialect: ScimDialect,
  changes: readonly TargetAttributeChange[],
): EntraPatchBody {
  if (dialect === 'legacy') {
    return {
      schemas: [PATCH_OP],
      Operations: changes.map((c) =>
        c.op === 'remove'
          ? { op: CAPITAL.remove, path: c.path }
          : { op: CAPITAL[c.op], path: c.path, value: legacyValue(c.value) },
      ),
    };
  }
  const mergeable = changes.filter((c) => c.op === 'replace' && !c.path.includes('['));
  const merge = mergeable.length >= 2;
  const operations: EntraPatchOperation[] = [];
  for (const c of changes) {
    if (merge && mergeable.includes(c)) continue;
    operations.push(
      c.op === 'remove' ? { op: 'remove', path: c.path } : { op: c.op, path: c.path, value: c.value },
    );
  }
  if (merge) {
    const value: Record<string, unknown> = {};
    for (const c of mergeable) value[c.path] = c.value;
    operations.push({ op: 'replace', value });
  }
  return { schemas: [PATCH_OP], Operations: operations };
}

/**
 * The PATCH body that adds members to a group. Legacy, as Microsoft's example: `Add` with
 * `{ "$ref": null, value }` elements; compliant: `add` with `{ value }` elements.
 *
 * @param dialect - the job's dialect
 * @param memberIds - the members' ids in the target
 * @returns the PATCH body
 * @example
 * ```ts
 * buildAddMembersPatch('legacy', ['u1']).Operations[0]; // { op: 'Add', path: 'members', value: [{ $ref: null, value: 'u1' }] }
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups#update-group-add-members
 */
export function buildAddMembersPatch(dialect: ScimDialect, memberIds: readonly string[]): EntraPatchBody {
  return {
    schemas: [PATCH_OP],
    Operations: [
      dialect === 'legacy'
        ? { op: 'Add', path: 'members', value: memberIds.map((value) => ({ $ref: null, value })) }
        : { op: 'add', path: 'members', value: memberIds.map((value) => ({ value })) },
    ],
  };
}

/**
 * The PATCH body that removes members from a group: legacy, one `Remove` with a `value` list;
 * compliant, one `remove` per member with a `members[value eq "id"]` path and no value.
 *
 * @param dialect - the job's dialect
 * @param memberIds - the members' ids in the target
 * @returns the PATCH body
 * @example
 * ```ts
 * buildRemoveMembersPatch('compliant', ['u1']).Operations[0]; // { op: 'remove', path: 'members[value eq "u1"]' }
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility
 */
export function buildRemoveMembersPatch(dialect: ScimDialect, memberIds: readonly string[]): EntraPatchBody {
  return {
    schemas: [PATCH_OP],
    Operations:
      dialect === 'legacy'
        ? [{ op: 'Remove', path: 'members', value: memberIds.map((value) => ({ value })) }]
        : memberIds.map((id) => ({
            op: 'remove',
            path: `members[value eq "${id.replace(/["\\]/g, '\\$&')}"]`,
          })),
  };
}
