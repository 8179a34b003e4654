// The public types of the PATCH engine: the request, the options and the result.
import type { CompatibilityProfile } from '../profile.ts';

/**
 * Options of {@link applyPatch}.
 *
 * @example
 * ```ts
 * import { type ApplyPatchOptions, applyPatch } from '@scim/protocol';
 * import { userResourceSchema } from '@scim/schemas';
 * const options: ApplyPatchOptions = { profile: 'strict', maxOperations: 100 };
 * const { resource } = applyPatch(user, await request.json(), userResourceSchema, options);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export interface ApplyPatchOptions {
  /** The compatibility profile: `'entra'` (default), `'strict'`, or a profile object. */
  readonly profile?: CompatibilityProfile | 'entra' | 'strict';
  /**
   * Multi-valued reference attributes (for example `['members']`) whose values the resource does
   * not hold, because the store keeps them elsewhere and did not load them. Operations on them
   * are not applied to the resource but reported in `references` (ids to add, ids to remove, or
   * `removedAll`); removals must name their ids (`members[value eq "id"]`, `or` of those, or a
   * value list). The store applies the delta idempotently.
   */
  readonly deferred?: readonly string[];
  /**
   * The most operations one PATCH may hold; a longer `Operations` array is refused with 413
   * (`payloadTooLarge`) before any is applied. No limit when omitted (`@scim/server` sets 1,000).
   */
  readonly maxOperations?: number;
}

/**
 * One top-level attribute a PATCH changed, with its value before and after (`undefined` when
 * unassigned).
 *
 * @example
 * ```ts
 * import { type AttributeChange, applyPatch } from '@scim/protocol';
 * import { userResourceSchema } from '@scim/schemas';
 * const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] };
 * const changes: readonly AttributeChange[] = applyPatch(user, body, userResourceSchema).changes;
 * // [{ path: 'active', oldValue: true, newValue: false }] for an active user
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export interface AttributeChange {
  /** The attribute's canonical path: `name`, `emails`, `urn:...:enterprise:2.0:User:manager`. */
  readonly path: string;
  /** The value before the PATCH. */
  readonly oldValue: unknown;
  /** The value after the PATCH. */
  readonly newValue: unknown;
}

/**
 * The values of a multi-valued reference attribute (a group's `members`) that a PATCH added and
 * removed, by their `value` (the referenced id), so a store can update membership rows without
 * rewriting the others.
 *
 * @example
 * ```ts
 * import { applyPatch, type ReferenceChange } from '@scim/protocol';
 * import { groupResourceSchema } from '@scim/schemas';
 * const { references } = applyPatch(group, await request.json(), groupResourceSchema, { deferred: ['members'] });
 * const members: ReferenceChange | undefined = references.find((r) => r.path === 'members');
 * // { path: 'members', added: ['2819c223'], removed: [] }: insert (and delete) those membership rows only
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2.1
 */
export interface ReferenceChange {
  /** The attribute's canonical path, for example `members`. */
  readonly path: string;
  /** The ids added, in order. */
  readonly added: readonly string[];
  /** The ids removed, in order. */
  readonly removed: readonly string[];
  /**
   * Only for a `deferred` attribute: every existing value is removed first (a `remove` without a
   * filter, or a `replace`), then `added` is added.
   */
  readonly removedAll?: boolean;
  /**
   * Only for a `deferred` attribute: the display labels the client sent with added values, by id
   * (`display`, RFC 7643 section 2.4, where it is immutable: set with the value; and, where the
   * profile ignores extraneous sub-attributes, Microsoft's `displayName`). Absent when none was sent.
   */
  readonly display?: Readonly<Record<string, string>>;
}

/**
 * What {@link applyPatch} returns: the new resource and what changed.
 *
 * @example
 * ```ts
 * import { groupResourceSchema } from '@scim/schemas';
 * const { resource, changes, references } = applyPatch(group, body, groupResourceSchema);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export interface PatchResult<T extends object = Record<string, unknown>> {
  /** The patched resource: a new object; the input is never mutated. */
  readonly resource: T;
  /** Whether anything changed (false for a PATCH that is a no-op). */
  readonly changed: boolean;
  /** The top-level attributes that changed, with old and new values, in the order the operations first touched them. */
  readonly changes: readonly AttributeChange[];
  /** For multi-valued reference attributes (`members`): the ids added and removed. */
  readonly references: readonly ReferenceChange[];
}
