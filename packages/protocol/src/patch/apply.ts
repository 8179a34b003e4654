import { type PatchOp, type ResourceSchema, ScimError, URN } from '@scim/schemas';
import { resolveProfile } from '../profile.ts';
import { cloneJson, getCi, isObject, type JsonObject, jsonEqual } from './json.ts';
import { Patcher, readAttribute } from './patcher.ts';
import { isReferenceList, referenceDelta } from './references.ts';
import type { ApplyPatchOptions, AttributeChange, PatchResult, ReferenceChange } from './types.ts';

/** The `Operations` of a PATCH body, checked: a non-empty array, within `maxOperations`. */
function operationsOf(patch: JsonObject, max: number | undefined): unknown[] {
  const operations = getCi(patch, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw new ScimError('invalidSyntax', 'PATCH body: "Operations" must be a non-empty array');
  }
  if (max !== undefined && operations.length > max) {
    throw new ScimError(
      'payloadTooLarge',
      `PATCH body has ${operations.length} operations; this service provider accepts at most ${max} in one PATCH; split them into several PATCH requests`,
    );
  }
  return operations;
}

function deferredDeltas(patcher: Patcher, names: readonly string[], schema: ResourceSchema): void {
  for (const name of names) {
    const attr = schema.resolvePath(name);
    if (attr === undefined || attr.parent !== undefined || !isReferenceList(attr.definition)) {
      throw new ScimError(
        'invalidValue',
        `applyPatch: deferred "${name}" is not a multi-valued reference attribute of ${schema.resourceType.name}`,
      );
    }
    patcher.deferred.set(attr.path.toLowerCase(), {
      path: attr.path,
      added: new Set(),
      removed: new Set(),
      display: new Map(),
      removedAll: false,
    });
  }
}

/**
 * Applies a PATCH request (RFC 7644 section 3.5.2) to a resource, with the semantics of the
 * resource type's schema: case-insensitive names, value types (and coercions the profile allows),
 * mutability, multi-valued attributes without duplicates and with at most one `primary`, value
 * paths, and every shape Microsoft Entra ID sends under the `entra` profile. The operations apply
 * in order and atomically: if one fails, the error is thrown and nothing is returned. Each
 * operation costs what it touches: a multi-valued attribute is copied once per PATCH, and value
 * paths that compare a sub-attribute with `eq` (`emails[value eq "x"]`) find their values through
 * an index instead of scanning the list.
 *
 * A `remove` clears an attribute only when it has no `value` (RFC 7644 section 3.5.2.2): with a
 * `value` it removes the listed values (`removeByValueList`, each must name one), nothing when the
 * list is empty, or is `invalidValue` (`strict`).
 *
 * @param resource - the current resource, as JSON; never mutated
 * @param patch - the PATCH body, a `PatchOp` of @scim/schemas (`{ schemas, Operations: [{ op, path?,
 *   value? }] }`); any JSON is accepted and checked, and under `entra` `op` may be in any case
 * @param schema - the resource type's schema, for example `userResourceSchema`
 * @param options - the compatibility profile (default `entra`), `deferred` reference lists and
 *   `maxOperations`
 * @returns the new resource, whether it changed, the changed attributes with old and new values,
 *   and for reference lists (`members`) the ids added and removed
 * @throws ScimError `invalidSyntax` (malformed body or op), `invalidPath` (bad or unknown path),
 *   `invalidValue` (wrong value type, missing value, a remove value naming nothing), `noTarget`
 *   (a filter matched nothing, or a path-less remove), `mutability` (readOnly attribute set to
 *   another value, or immutable one already set); 413 `payloadTooLarge` above `maxOperations`
 * @example
 * ```ts
 * import { applyPatch } from '@scim/protocol';
 * import { groupResourceSchema } from '@scim/schemas';
 * const { resource, references } = applyPatch(group, {
 *   schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
 *   Operations: [{ op: 'Remove', path: 'members', value: [{ value: 'u1091' }] }],
 * }, groupResourceSchema);
 * references; // [{ path: 'members', added: [], removed: ['u1091'] }]
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export function applyPatch<T extends object>(
  resource: T,
  patch: PatchOp | unknown,
  schema: ResourceSchema,
  options?: ApplyPatchOptions,
): PatchResult<T> {
  const profile = resolveProfile(options?.profile);
  if (!isObject(resource))
    throw new ScimError('invalidValue', 'applyPatch: the resource must be a JSON object');
  if (!isObject(patch))
    throw new ScimError('invalidSyntax', 'PATCH body: expected a JSON object with "Operations"');
  if (!profile.ignoreExtraneous) {
    const schemas = patch.schemas;
    if (!Array.isArray(schemas) || !schemas.includes(URN.PatchOp)) {
      throw new ScimError('invalidSyntax', `PATCH body: "schemas" must contain "${URN.PatchOp}"`);
    }
  }
  const operations = operationsOf(patch, options?.maxOperations);
  const original = resource as JsonObject;
  // A shallow copy: every write below replaces the values it changes (copy on write), so the
  // input is never mutated and untouched attributes (a group's other members) are not copied.
  const patcher = new Patcher({ ...original }, schema, profile);
  deferredDeltas(patcher, options?.deferred ?? [], schema);
  for (let i = 0; i < operations.length; i++) patcher.apply(operations[i], i);
  patcher.flush();
  const changes: AttributeChange[] = [];
  const references: ReferenceChange[] = [];
  for (const [path, attr] of patcher.touched) {
    const oldValue = readAttribute(original, attr);
    const newValue = patcher.read(attr);
    if (jsonEqual(oldValue, newValue)) continue;
    if (
      attr.definition.mutability === 'immutable' &&
      oldValue !== undefined &&
      !attr.definition.multiValued
    ) {
      throw new ScimError('mutability', `"${path}" is immutable and already set; it cannot be changed`);
    }
    changes.push({ path, oldValue, newValue });
    if (isReferenceList(attr.definition)) references.push({ path, ...referenceDelta(oldValue, newValue) });
  }
  let deferredChange = false;
  for (const delta of patcher.deferred.values()) {
    if (delta.added.size === 0 && delta.removed.size === 0 && !delta.removedAll) continue;
    deferredChange = true;
    references.push({
      path: delta.path,
      added: [...delta.added],
      removed: [...delta.removed],
      ...(delta.removedAll ? { removedAll: true } : {}),
      ...(delta.display.size > 0 ? { display: Object.fromEntries(delta.display) } : {}),
    });
  }
  return {
    resource: (changes.length === 0 ? cloneJson(original) : patcher.resource) as T,
    changed: changes.length > 0 || deferredChange,
    changes,
    references,
  };
}
