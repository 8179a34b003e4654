import {
  type AttributeDefinition,
  MICROSOFT_GROUP_URN,
  type ResolvedAttribute,
  type ResourceSchema,
  ScimError,
  URN,
} from '@scim/schemas';
import type { Filter } from '../filter/ast.ts';
import { compileValueFilter, type FilterPredicate } from '../filter/evaluate.ts';
import type { FilterOptions } from '../filter/options.ts';
import { type PatchPath, parsePath } from '../path/index.ts';
import { type CompatibilityProfile, resolveProfile } from '../profile.ts';
import {
  cloneJson,
  coerceAttribute,
  coerceSingle,
  deleteCi,
  findKey,
  getCi,
  indexOfSame,
  isEmptyValue,
  isObject,
  type JsonObject,
  jsonEqual,
  sameValue,
  scalarEqual,
  setCi,
} from './values.ts';

/**
 * One operation of a PATCH request (RFC 7644 section 3.5.2). `op` is `add`, `remove` or
 * `replace` (any case under the `entra` profile).
 *
 * @example
 * ```ts
 * const op: PatchOperation = { op: 'replace', path: 'active', value: false };
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export interface PatchOperation {
  /** `add`, `remove` or `replace`. */
  readonly op: string;
  /** The attribute path (RFC 7644 section 3.5.2 `PATH`); absent for a path-less add / replace. */
  readonly path?: string;
  /** The value to add or replace with (or, under `removeByValueList`, the values to remove). */
  readonly value?: unknown;
}

/**
 * A PATCH request body (`urn:ietf:params:scim:api:messages:2.0:PatchOp`).
 *
 * @example
 * ```ts
 * const body: PatchRequest = {
 *   schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
 *   Operations: [{ op: 'remove', path: 'members[value eq "2819c223"]' }],
 * };
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export interface PatchRequest {
  /** Must hold the PatchOp URN (not checked under `ignoreExtraneous`). */
  readonly schemas?: readonly string[];
  /** The operations, applied in order. */
  readonly Operations: readonly PatchOperation[];
}

/**
 * Options of {@link applyPatch}.
 *
 * @example
 * ```ts
 * const options: ApplyPatchOptions = { profile: 'strict' };
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
}

/**
 * One top-level attribute a PATCH changed, with its value before and after (`undefined` when
 * unassigned).
 *
 * @example
 * ```ts
 * const change: AttributeChange = { path: 'name', oldValue: { givenName: 'Barbara' }, newValue: { givenName: 'Babs' } };
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
 * const delta: ReferenceChange = { path: 'members', added: ['2819c223'], removed: [] };
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

type OpName = 'add' | 'replace' | 'remove';

const MICROSOFT_GROUP_URN_LOWER = MICROSOFT_GROUP_URN.toLowerCase();

interface Target {
  readonly attr: ResolvedAttribute;
  readonly sub: ResolvedAttribute | undefined;
  readonly filter: Filter | undefined;
  readonly path: PatchPath;
  readonly text: string;
  /** Resolved to an extension attribute from a path without its URN (`unprefixedExtensionPaths`). */
  readonly unprefixed?: true;
}

/** The error for a path naming no attribute of the resource type. */
function noAttribute(schema: ResourceSchema, text: string, path: PatchPath): ScimError {
  return new ScimError(
    'invalidPath',
    `path "${text}": the ${schema.resourceType.name} schema has no attribute "${path.urn === undefined ? '' : `${path.urn}:`}${path.attribute}"`,
    { token: path.attribute },
  );
}

/** The one extension attribute called `name`, when no core attribute is and exactly one extension has it. */
function uniqueExtensionAttribute(schema: ResourceSchema, name: string): ResolvedAttribute | undefined {
  const found = schema.extensions
    .map((e) => schema.attribute(name, e.schema.id))
    .filter((a): a is ResolvedAttribute => a !== undefined);
  return found.length === 1 ? found[0] : undefined;
}

/** The value of `attr` in `resource` (in its extension object for an extension attribute). */
function readAttribute(resource: JsonObject, attr: ResolvedAttribute): unknown {
  const c = attr.inExtension && attr.schemaUrn !== undefined ? getCi(resource, attr.schemaUrn) : resource;
  return isObject(c) ? getCi(c, attr.definition.name) : undefined;
}

class Patcher {
  readonly touched = new Map<string, ResolvedAttribute>();
  /** The deltas of the `deferred` attributes, by lower-case path. */
  readonly deferred = new Map<string, Delta>();
  /** Extension objects already copied from the input (safe to write). */
  readonly copied = new Set<unknown>();
  readonly resource: JsonObject;
  readonly schema: ResourceSchema;
  readonly profile: CompatibilityProfile;
  constructor(resource: JsonObject, schema: ResourceSchema, profile: CompatibilityProfile) {
    this.resource = resource;
    this.schema = schema;
    this.profile = profile;
  }

  /** The object holding `attr`: the resource or its extension object. */
  container(attr: ResolvedAttribute, create: boolean): JsonObject | undefined {
    if (!attr.inExtension || attr.schemaUrn === undefined) return this.resource;
    const urn = attr.schemaUrn;
    const found = getCi(this.resource, urn);
    if (isObject(found)) {
      if (this.copied.has(found)) return found;
      // Copy on first write, so the input's extension object is never mutated.
      const copy = { ...found };
      this.copied.add(copy);
      setCi(this.resource, urn, copy);
      return copy;
    }
    if (!create) return undefined;
    const made: JsonObject = {};
    this.copied.add(made);
    setCi(this.resource, urn, made);
    const schemas = this.resource.schemas;
    if (
      Array.isArray(schemas) &&
      !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === urn.toLowerCase())
    ) {
      this.resource.schemas = [...schemas, urn];
    }
    return made;
  }

  read(attr: ResolvedAttribute): unknown {
    return readAttribute(this.resource, attr);
  }

  write(attr: ResolvedAttribute, value: unknown): void {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) {
      const c = this.container(attr, false);
      if (c === undefined) return;
      deleteCi(c, attr.definition.name);
      if (c !== this.resource && Object.keys(c).length === 0 && attr.schemaUrn !== undefined) {
        deleteCi(this.resource, attr.schemaUrn);
      }
      return;
    }
    const c = this.container(attr, true) as JsonObject;
    setCi(c, attr.definition.name, value);
  }

  apply(raw: unknown, index: number): void {
    if (!isObject(raw))
      throw new ScimError('invalidSyntax', `Operations[${index}]: expected an object with "op"`);
    const opRaw = getCi(raw, 'op');
    if (typeof opRaw !== 'string') {
      throw new ScimError('invalidSyntax', `Operations[${index}]: "op" must be "add", "remove" or "replace"`);
    }
    const op = (this.profile.opCaseInsensitive ? opRaw.toLowerCase() : opRaw) as OpName;
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw new ScimError(
        'invalidSyntax',
        `Operations[${index}]: unknown op "${opRaw}"; use "add", "remove" or "replace"${this.profile.opCaseInsensitive ? '' : ' (lower case)'}`,
        { token: opRaw },
      );
    }
    const path = getCi(raw, 'path');
    const hasValue = findKey(raw, 'value') !== undefined;
    const value = getCi(raw, 'value');
    if (path === undefined || path === null || path === '') {
      if (op === 'remove') {
        throw new ScimError(
          'noTarget',
          `Operations[${index}]: "remove" needs a "path" naming what to remove`,
        );
      }
      this.pathless(op, value, undefined);
      return;
    }
    if (typeof path !== 'string')
      throw new ScimError('invalidPath', `Operations[${index}]: "path" must be a string`);
    if (op !== 'remove' && !hasValue) {
      throw new ScimError('invalidValue', `Operations[${index}]: "${op}" on "${path}" needs a "value"`);
    }
    // Only a URN (it has colons) can name a whole schema: skip the lookup for plain paths.
    const urnOnly = path.includes(':') ? this.schema.schema(path) : undefined;
    if (urnOnly !== undefined && urnOnly.id !== this.schema.core.id) {
      if (op === 'remove') {
        const extension = findKey(this.resource, urnOnly.id);
        if (extension !== undefined) {
          for (const def of urnOnly.attributes) {
            const attr = this.schema.attribute(def.name, urnOnly.id);
            if (attr !== undefined) this.target(op, this.simpleTarget(attr, path), undefined, false);
          }
        }
        return;
      }
      this.pathless(op, value, urnOnly.id);
      return;
    }
    const parsed = cachedPath(path, this.profile.filter);
    let bySchema = targetCache.get(parsed);
    let resolved = bySchema?.get(this.schema);
    if (resolved === undefined) {
      resolved = this.resolve(parsed, path);
      if (bySchema === undefined) {
        bySchema = new WeakMap();
        targetCache.set(parsed, bySchema);
      }
      bySchema.set(this.schema, resolved);
    }
    // Resolved targets are cached across profiles: the switch is checked on every use.
    if (resolved.unprefixed && !this.profile.unprefixedExtensionPaths)
      throw noAttribute(this.schema, path, parsed);
    this.target(op, resolved, value, hasValue);
  }

  simpleTarget(attr: ResolvedAttribute, text: string): Target {
    return { attr, sub: undefined, filter: undefined, path: { attribute: attr.definition.name }, text };
  }

  resolve(path: PatchPath, text: string, known?: ResolvedAttribute): Target {
    let attr = known ?? this.schema.attribute(path.attribute, path.urn);
    let unprefixed = false;
    if (attr === undefined && path.urn === undefined) {
      // Microsoft's "Example 5" names the enterprise manager `manager`, without its URN.
      attr = uniqueExtensionAttribute(this.schema, path.attribute);
      unprefixed = attr !== undefined;
    }
    if (attr === undefined) throw noAttribute(this.schema, text, path);
    let sub: ResolvedAttribute | undefined;
    if (path.subAttribute !== undefined) {
      sub =
        attr.definition.type === 'complex' ? this.schema.subAttribute(attr, path.subAttribute) : undefined;
      if (sub === undefined) {
        throw new ScimError(
          'invalidPath',
          `path "${text}": "${attr.definition.name}" has no sub-attribute "${path.subAttribute}"`,
          {
            token: path.subAttribute,
          },
        );
      }
    }
    // A single-valued complex attribute may carry a value filter in a remove under complexShorthands
    // (Entra removes the manager with `manager[value eq "<id>"]`): target() decides, since resolved
    // targets are cached across profiles.
    if (path.filter !== undefined && !attr.definition.multiValued && attr.definition.type !== 'complex') {
      throw new ScimError(
        'invalidPath',
        `path "${text}": a value filter needs a multi-valued attribute; "${attr.definition.name}" is single-valued`,
      );
    }
    return unprefixed
      ? { attr, sub, filter: path.filter, path, text, unprefixed: true }
      : { attr, sub, filter: path.filter, path, text };
  }

  pathless(op: OpName, value: unknown, scopeUrn: string | undefined): void {
    if (!isObject(value)) {
      throw new ScimError('invalidValue', `a path-less "${op}" needs an object of attributes as its value`);
    }
    const profile = this.profile;
    for (const key of Object.keys(value)) {
      const v = value[key];
      const lower = key.toLowerCase();
      if (scopeUrn === undefined) {
        if (lower === 'schemas') {
          if (profile.ignoreExtraneous) continue;
          throw new ScimError('invalidValue', '"schemas" cannot be patched; the server maintains it');
        }
        if (lower === 'meta' && profile.ignoreExtraneous) continue;
        if (lower === MICROSOFT_GROUP_URN_LOWER && profile.ignoreExtraneous) continue;
        // Only a key with colons can be a schema URN.
        const extension = key.includes(':') ? this.schema.schema(key) : undefined;
        if (extension !== undefined && extension.id !== this.schema.core.id && isObject(v)) {
          this.pathless(op, v, extension.id);
          continue;
        }
        if (extension !== undefined && extension.id === this.schema.core.id && isObject(v)) {
          this.pathless(op, v, undefined);
          continue;
        }
      }
      let path: PatchPath | undefined;
      if (profile.pathKeys && (key.includes('.') || key.includes(':'))) {
        let urn = scopeUrn;
        let rest = key;
        if (scopeUrn === undefined) {
          const split = this.schema.splitUrn(key);
          if (split !== undefined) {
            urn = split.urn;
            rest = split.rest;
          }
        }
        const parts = rest.split('.');
        if (parts.length <= 2 && parts[0] !== undefined && parts[0] !== '') {
          path = { attribute: parts[0] };
          if (urn !== undefined) path = { ...path, urn };
          if (parts[1] !== undefined) path = { ...path, subAttribute: parts[1] };
        }
      }
      path ??= scopeUrn === undefined ? { attribute: key } : { urn: scopeUrn, attribute: key };
      const attr = this.schema.attribute(path.attribute, path.urn);
      if (attr === undefined && profile.ignoreExtraneous && isEmptyValue(v)) continue;
      this.target(op, this.resolve(path, key, attr), v, true);
    }
  }

  predicate(t: Target): FilterPredicate {
    const filter = t.filter as Filter;
    // Parsed paths are cached (cachedPath), so the same filter object comes back for the same
    // path text and options: compile its predicate once per filter and schema.
    let bySchema = predicateCache.get(filter);
    const cached = bySchema?.get(this.schema);
    if (cached !== undefined && cached.options === this.profile.filter) return cached.predicate;
    const at =
      t.path.urn === undefined
        ? { attribute: t.path.attribute }
        : { urn: t.path.urn, attribute: t.path.attribute };
    const predicate = compileValueFilter(at, filter, this.schema, this.profile.filter);
    if (bySchema === undefined) {
      bySchema = new WeakMap();
      predicateCache.set(filter, bySchema);
    }
    bySchema.set(this.schema, { options: this.profile.filter, predicate });
    return predicate;
  }

  target(op: OpName, t: Target, value: unknown, hasValue: boolean): void {
    const { attr, sub } = t;
    const def = attr.definition;
    if (def.mutability === 'readOnly' || sub?.definition.mutability === 'readOnly') {
      throw new ScimError('mutability', `"${t.text}" is read-only; it cannot be modified with PATCH`, {
        token: t.text,
      });
    }
    const delta = this.deferred.size === 0 ? undefined : this.deferred.get(attr.path.toLowerCase());
    if (delta !== undefined) {
      this.defer(op, t, value, hasValue, delta);
      return;
    }
    if (t.filter !== undefined && !def.multiValued && (op !== 'remove' || !this.profile.complexShorthands)) {
      throw new ScimError(
        'invalidPath',
        `path "${t.text}": a value filter needs a multi-valued attribute; "${def.name}" is single-valued`,
      );
    }
    this.touched.set(attr.path, attr);
    if (op === 'remove') {
      this.remove(t, value, hasValue);
      return;
    }
    const current = this.read(attr);
    if (t.filter === undefined) {
      if (sub === undefined) {
        this.setWhole(op, t, value, current);
        return;
      }
      if (def.multiValued) {
        const list = Array.isArray(current) ? current : [];
        if (list.length === 0)
          throw new ScimError(
            'noTarget',
            `"${t.text}": ${def.name} has no values to set ${sub.definition.name} on`,
          );
        const next = list.map((el) => this.withSub(el, sub, value, t));
        this.write(attr, next);
        return;
      }
      this.write(attr, this.withSub(current, sub, value, t));
      return;
    }
    const matches = this.predicate(t);
    const list = Array.isArray(current) ? [...current] : [];
    const hits: number[] = [];
    for (let i = 0; i < list.length; i++) if (matches(list[i])) hits.push(i);
    if (hits.length === 0) {
      const seed = this.profile.createOnValuePathMiss ? seedFromFilter(t.filter, def) : undefined;
      if (seed === undefined) {
        throw new ScimError('noTarget', `"${t.text}": no value of ${def.name} matches the filter`, {
          token: t.text,
        });
      }
      const made =
        sub === undefined ? mergeInto(seed, this.coerceElement(value, t)) : this.withSub(seed, sub, value, t);
      if (isObject(made) && Object.keys(made).length > 0) {
        list.push(made);
        this.write(attr, fixPrimary(list, list.length - 1));
      }
      return;
    }
    let last = -1;
    for (const i of hits) {
      const el = list[i];
      if (sub !== undefined) list[i] = this.withSub(el, sub, value, t);
      else if (op === 'replace') list[i] = this.coerceElement(value, t);
      else {
        const incoming = this.coerceElement(value, t);
        checkImmutableSubs(el, incoming, def, t.text);
        list[i] = mergeInto(isObject(el) ? { ...el } : {}, incoming);
      }
      last = i;
    }
    const kept = list.filter((el) => el !== undefined && !(isObject(el) && Object.keys(el).length === 0));
    const lastEl = list[last];
    this.write(attr, fixPrimary(kept, kept.indexOf(lastEl)));
  }

  defer(op: OpName, t: Target, value: unknown, hasValue: boolean, delta: Delta): void {
    const def = t.attr.definition;
    if (t.sub !== undefined) {
      throw new ScimError(
        'invalidPath',
        `"${t.text}": ${def.name} is not loaded; its sub-attributes cannot be patched`,
      );
    }
    const removeIds = (list: readonly string[]): void => {
      for (const id of list) {
        delta.added.delete(id);
        delta.display.delete(id);
        delta.removed.add(id);
      }
    };
    if (op === 'remove') {
      if (t.filter !== undefined) {
        const named = idsOfFilter(t.filter);
        if (named === undefined) {
          throw new ScimError(
            'invalidPath',
            `"${t.text}": ${def.name} is not loaded; a remove must name ids (value eq "id", joined with or)`,
          );
        }
        removeIds(named);
      } else if (hasValue && !isEmptyValue(value) && this.profile.removeByValueList) {
        removeIds(ids(coerceAttribute(value, def, t.text, this.profile)));
      } else if (hasValue && !isEmptyValue(value)) {
        throw new ScimError(
          'invalidValue',
          `"remove" on "${t.text}" takes no value; use a filter: ${def.name}[value eq "..."]`,
        );
      } else {
        delta.added.clear();
        delta.display.clear();
        delta.removed.clear();
        delta.removedAll = true;
      }
      return;
    }
    if (t.filter !== undefined) {
      throw new ScimError(
        'invalidPath',
        `"${t.text}": ${def.name} is not loaded; add or replace it without a filter`,
      );
    }
    if (op === 'replace') {
      delta.added.clear();
      delta.display.clear();
      delta.removed.clear();
      delta.removedAll = true;
    }
    for (const id of ids(coerceAttribute(value, def, t.text, this.profile))) {
      delta.removed.delete(id);
      delta.added.add(id);
    }
    for (const el of Array.isArray(value) ? value : [value]) {
      if (!isObject(el) || typeof el.value !== 'string' || !delta.added.has(el.value)) continue;
      const label =
        typeof el.display === 'string'
          ? el.display
          : this.profile.ignoreExtraneous && typeof el.displayName === 'string'
            ? el.displayName
            : undefined;
      if (label !== undefined && label !== '') delta.display.set(el.value, label);
    }
  }

  coerceElement(value: unknown, t: Target): JsonObject | undefined {
    const coerced = coerceSingle(value, t.attr.definition, t.text, this.profile);
    return coerced === undefined ? undefined : (coerced as JsonObject);
  }

  /** Returns `element` (an object or nothing) with `sub` set to `value` (or removed). */
  withSub(element: unknown, sub: ResolvedAttribute, value: unknown, t: Target): JsonObject | undefined {
    const out: JsonObject = isObject(element) ? { ...element } : {};
    const coerced = sub.definition.multiValued
      ? coerceAttribute(value, sub.definition, t.text, this.profile)
      : coerceSingle(value, sub.definition, t.text, this.profile);
    const before = getCi(out, sub.definition.name);
    if (sub.definition.mutability === 'immutable' && before !== undefined && !jsonEqual(before, coerced)) {
      throw new ScimError('mutability', `"${t.text}" is immutable and already set; it cannot be changed`, {
        token: t.text,
      });
    }
    if (coerced === undefined) deleteCi(out, sub.definition.name);
    else setCi(out, sub.definition.name, coerced);
    return Object.keys(out).length === 0 ? undefined : out;
  }

  setWhole(op: OpName, t: Target, value: unknown, current: unknown): void {
    const def = t.attr.definition;
    const coerced = coerceAttribute(value, def, t.text, this.profile);
    if (coerced === undefined) {
      if (op === 'add' && Array.isArray(value)) return;
      this.write(t.attr, undefined);
      return;
    }
    if (def.multiValued) {
      const incoming = coerced as unknown[];
      if (op === 'replace') {
        if (countPrimary(incoming) > 1) {
          throw new ScimError('invalidValue', `"${t.text}": at most one value may have "primary": true`);
        }
        this.write(t.attr, incoming);
        return;
      }
      const list = Array.isArray(current) ? [...current] : [];
      let lastPrimary = -1;
      for (const item of incoming) {
        let at = indexOfSame(list, item, def);
        if (at < 0) {
          list.push(item);
          at = list.length - 1;
        } else if (isObject(item) && isObject(list[at])) {
          checkImmutableSubs(list[at], item, def, t.text);
          list[at] = { ...(list[at] as JsonObject), ...item };
        }
        if (isObject(item) && item.primary === true) lastPrimary = at;
      }
      this.write(t.attr, fixPrimary(list, lastPrimary));
      return;
    }
    if (def.type === 'complex' && isObject(current) && isObject(coerced)) {
      checkImmutableSubs(current, coerced, def, t.text);
      this.write(t.attr, { ...current, ...coerced });
      return;
    }
    if (def.mutability === 'immutable' && current !== undefined && !jsonEqual(current, coerced)) {
      throw new ScimError('mutability', `"${t.text}" is immutable and already set; it cannot be changed`, {
        token: t.text,
      });
    }
    this.write(t.attr, coerced);
  }

  remove(t: Target, value: unknown, hasValue: boolean): void {
    const { attr, sub } = t;
    const def = attr.definition;
    const current = this.read(attr);
    if (t.filter === undefined && sub === undefined) {
      if (def.multiValued && hasValue && !isEmptyValue(value)) {
        if (!this.profile.removeByValueList) {
          throw new ScimError(
            'invalidValue',
            `"remove" on "${t.text}" takes no value; to remove some values use a filter: ${def.name}[value eq "..."]`,
          );
        }
        const listed = Array.isArray(value) ? value : [value];
        const list = Array.isArray(current) ? current : [];
        const kept = list.filter(
          (el) =>
            !listed.some((v) => sameValue(el, isObject(v) || def.type !== 'complex' ? v : { value: v }, def)),
        );
        if (kept.length === list.length && !this.profile.idempotentRemove) {
          throw new ScimError('noTarget', `"${t.text}": none of the listed values is present`);
        }
        this.write(attr, kept);
        return;
      }
      if (def.required) {
        throw new ScimError(
          'invalidValue',
          `"${t.text}" is required; it cannot be removed (replace it instead)`,
        );
      }
      if (def.mutability === 'immutable' && current !== undefined) {
        throw new ScimError('mutability', `"${t.text}" is immutable and already set; it cannot be removed`);
      }
      this.write(attr, undefined);
      return;
    }
    if (t.filter === undefined && sub !== undefined) {
      if (def.multiValued) {
        const list = Array.isArray(current) ? current : [];
        this.write(
          attr,
          list.map((el) => stripSub(el, sub.definition)).filter((el) => el !== undefined),
        );
      } else {
        this.write(attr, stripSub(current, sub.definition));
      }
      return;
    }
    const matches = this.predicate(t);
    if (!def.multiValued) {
      // A single-valued complex attribute removed by a value filter (the complexShorthands form
      // `manager[value eq "<id>"]`): removed when its value matches.
      if (current !== undefined && matches(current)) {
        this.write(attr, sub === undefined ? undefined : stripSub(current, sub.definition));
        return;
      }
      if (this.profile.idempotentRemove) return;
      throw new ScimError('noTarget', `"${t.text}": the value of ${def.name} does not match the filter`, {
        token: t.text,
      });
    }
    const list = Array.isArray(current) ? current : [];
    let hit = false;
    const next: unknown[] = [];
    for (const el of list) {
      if (!matches(el)) {
        next.push(el);
        continue;
      }
      hit = true;
      if (sub !== undefined) {
        const stripped = stripSub(el, sub.definition);
        if (stripped !== undefined) next.push(stripped);
      }
    }
    if (!hit) {
      if (this.profile.idempotentRemove) return;
      throw new ScimError('noTarget', `"${t.text}": no value of ${def.name} matches the filter`, {
        token: t.text,
      });
    }
    this.write(attr, next);
  }
}

const pathCache = new WeakMap<FilterOptions, Map<string, PatchPath>>();

/** Resolved targets of cached paths, by parsed path and schema (a cached path's text is fixed). */
const targetCache = new WeakMap<PatchPath, WeakMap<ResourceSchema, Target>>();

/** Compiled value filters, by filter object and schema (with the options they were compiled with). */
const predicateCache = new WeakMap<
  Filter,
  WeakMap<ResourceSchema, { readonly options: FilterOptions; readonly predicate: FilterPredicate }>
>();

/** Parsed paths by filter options and text: Entra sends the same few paths again and again. */
function cachedPath(text: string, options: FilterOptions): PatchPath {
  let byText = pathCache.get(options);
  if (byText === undefined) {
    byText = new Map();
    pathCache.set(options, byText);
  }
  let parsed = byText.get(text);
  if (parsed === undefined) {
    parsed = parsePath(text, options);
    if (byText.size >= 512) byText.clear();
    byText.set(text, parsed);
  }
  return parsed;
}

interface Delta {
  readonly path: string;
  readonly added: Set<string>;
  readonly removed: Set<string>;
  readonly display: Map<string, string>;
  removedAll: boolean;
}

/** The ids a filter names: `value eq "a"`, or several joined with `or`; else `undefined`. */
function idsOfFilter(filter: Filter): string[] | undefined {
  if (filter.kind === 'or') {
    const out: string[] = [];
    for (const f of filter.filters) {
      const found = idsOfFilter(f);
      if (found === undefined) return undefined;
      out.push(...found);
    }
    return out;
  }
  if (
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    filter.path.attribute.toLowerCase() === 'value' &&
    filter.path.subAttribute === undefined &&
    typeof filter.value === 'string'
  ) {
    return [filter.value];
  }
  return undefined;
}

function stripSub(element: unknown, sub: AttributeDefinition): JsonObject | undefined {
  if (!isObject(element)) return undefined;
  const out = { ...element };
  deleteCi(out, sub.name);
  return Object.keys(out).length === 0 ? undefined : out;
}

function mergeInto(base: JsonObject, incoming: JsonObject | undefined): JsonObject {
  return incoming === undefined ? base : Object.assign(base, incoming);
}

function checkImmutableSubs(
  existing: unknown,
  incoming: unknown,
  def: AttributeDefinition,
  text: string,
): void {
  if (!isObject(existing) || !isObject(incoming)) return;
  for (const sub of def.subAttributes ?? []) {
    if (sub.mutability !== 'immutable') continue;
    const before = existing[sub.name];
    const after = incoming[sub.name];
    if (before !== undefined && after !== undefined && !scalarEqual(before, after, sub.caseExact)) {
      throw new ScimError('mutability', `"${text}": ${def.name}.${sub.name} is immutable and already set`);
    }
  }
}

function countPrimary(list: readonly unknown[]): number {
  let n = 0;
  for (const el of list) if (isObject(el) && el.primary === true) n++;
  return n;
}

/** Keeps at most one `primary: true`: the one at `keep` when it is primary. */
function fixPrimary(list: unknown[], keep: number): unknown[] {
  const chosen = list[keep];
  if (keep < 0 || !isObject(chosen) || chosen.primary !== true) {
    if (countPrimary(list) <= 1) return list;
    let seen = false;
    return list.map((el) => {
      if (!isObject(el) || el.primary !== true) return el;
      if (!seen) {
        seen = true;
        return el;
      }
      return { ...el, primary: false };
    });
  }
  return list.map((el, i) =>
    i !== keep && isObject(el) && el.primary === true ? { ...el, primary: false } : el,
  );
}

/** The value a filter describes, from its `eq` comparisons joined by `and` (`type eq "work"`). */
function seedFromFilter(filter: Filter, def: AttributeDefinition): JsonObject | undefined {
  const out: JsonObject = {};
  const visit = (f: Filter): boolean => {
    if (f.kind === 'and') return f.filters.every(visit);
    if (
      f.kind !== 'compare' ||
      f.op !== 'eq' ||
      f.path.urn !== undefined ||
      f.path.subAttribute !== undefined
    )
      return false;
    const sub = def.subAttributes?.find((s) => s.name.toLowerCase() === f.path.attribute.toLowerCase());
    if (sub === undefined || f.value === null) return false;
    out[sub.name] = f.value;
    return true;
  };
  return visit(filter) ? out : undefined;
}

function isReferenceList(def: AttributeDefinition): boolean {
  return (
    def.multiValued &&
    def.type === 'complex' &&
    (def.subAttributes ?? []).some((s) => s.name === 'value') &&
    (def.subAttributes ?? []).some((s) => s.name === '$ref' && s.type === 'reference')
  );
}

/**
 * The ids (`value`s) of `after` that `before` lacks (added) and of `before` that `after` lacks
 * (removed), each once, in order. The engine copies on write, so values a PATCH did not touch are
 * the same objects in both lists: only the window between their common prefix and common suffix
 * (by identity) can hold a changed id, and only its ids are looked up in the other list.
 */
function referenceDelta(before: unknown, after: unknown): { added: string[]; removed: string[] } {
  const a = Array.isArray(before) ? before : [];
  const b = Array.isArray(after) ? after : [];
  let start = 0;
  const shorter = Math.min(a.length, b.length);
  while (start < shorter && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  return { added: idsMissing(b, start, endB, a), removed: idsMissing(a, start, endA, b) };
}

/** The distinct ids of `list[from..to)` that no value of `other` has, in order. */
function idsMissing(list: readonly unknown[], from: number, to: number, other: readonly unknown[]): string[] {
  const window = ids(list.slice(from, to));
  if (window.length === 0) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  if (window.length <= 8) {
    for (const id of window) {
      if (seen.has(id)) continue;
      seen.add(id);
      let found = false;
      for (const el of other) {
        if (isObject(el) && el.value === id) {
          found = true;
          break;
        }
      }
      if (!found) out.push(id);
    }
    return out;
  }
  const present = new Set(ids(other));
  for (const id of window) {
    if (seen.has(id) || present.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

function ids(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const el of value) if (isObject(el) && typeof el.value === 'string') out.push(el.value);
  return out;
}

/**
 * Applies a PATCH request (RFC 7644 section 3.5.2) to a resource, with the semantics of the
 * resource type's schema: case-insensitive names, value types (and coercions the profile allows),
 * mutability, multi-valued attributes without duplicates and with at most one `primary`, value
 * paths, and every shape Microsoft Entra ID sends under the `entra` profile. The operations apply
 * in order and atomically: if one fails, the error is thrown and nothing is returned.
 *
 * @param resource - the current resource, as JSON; never mutated
 * @param patch - the PATCH body: `{ schemas, Operations: [{ op, path?, value? }] }`
 * @param schema - the resource type's schema, for example `userResourceSchema`
 * @param options - the compatibility profile (default `entra`)
 * @returns the new resource, whether it changed, the changed attributes with old and new values,
 *   and for reference lists (`members`) the ids added and removed
 * @throws ScimError `invalidSyntax` (malformed body or op), `invalidPath` (bad or unknown path),
 *   `invalidValue` (wrong value type, missing value), `noTarget` (a filter matched nothing, or a
 *   path-less remove), `mutability` (readOnly attribute, or immutable one already set)
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
  patch: PatchRequest | unknown,
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
  const operations = getCi(patch, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw new ScimError('invalidSyntax', 'PATCH body: "Operations" must be a non-empty array');
  }
  const original = resource as JsonObject;
  // A shallow copy: every write below replaces the values it changes (copy on write), so the
  // input is never mutated and untouched attributes (a group's other members) are not copied.
  const patcher = new Patcher({ ...original }, schema, profile);
  for (const name of options?.deferred ?? []) {
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
  for (let i = 0; i < operations.length; i++) patcher.apply(operations[i], i);
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
