// The PATCH engine's state while it applies the operations of one request: the resource (copied
// on write), the attributes touched, the working lists of multi-valued attributes, and the deltas
// of deferred reference lists.
import { MICROSOFT_GROUP_URN, type ResolvedAttribute, type ResourceSchema, ScimError } from '@scim/schemas';
import type { Filter } from '../filter/ast.ts';
import type { PatchPath } from '../path/index.ts';
import type { CompatibilityProfile } from '../profile.ts';
import { countPrimary, stripSub } from './elements.ts';
import {
  deleteCi,
  findKey,
  getCi,
  isEmptyValue,
  isObject,
  type JsonObject,
  jsonEqual,
  setCi,
} from './json.ts';
import { checkReferenceValues, listedValues } from './listed.ts';
import { addValues, removeFiltered, removeListed, setFiltered } from './multi-valued.ts';
import type { OpName, PatchState, Target } from './patcher-types.ts';
import { ADMISSIONS_PER_PATCH, cachedTarget, type FilterPlan, filterPlan } from './plan.ts';
import {
  addToDelta,
  clearDelta,
  type Delta,
  ids as idsOf,
  idsOfFilter,
  isReferenceList,
  removeFromDelta,
} from './references.ts';
import { namesCurrent, setComplex } from './singular.ts';
import { coerceAttribute, coerceSingle, scalarEqual } from './values.ts';
import { WorkingList } from './working-list.ts';

const MICROSOFT_GROUP_URN_LOWER = MICROSOFT_GROUP_URN.toLowerCase();

/** @internal The value of `attr` in `resource` (in its extension object for an extension attribute). */
export function readAttribute(resource: JsonObject, attr: ResolvedAttribute): unknown {
  const c = attr.inExtension && attr.schemaUrn !== undefined ? getCi(resource, attr.schemaUrn) : resource;
  return isObject(c) ? getCi(c, attr.definition.name) : undefined;
}

/** @internal Applies operations to a resource; see `applyPatch`. */
export class Patcher implements PatchState {
  readonly touched = new Map<string, ResolvedAttribute>();
  /** The deltas of the `deferred` attributes, by lower-case path. */
  readonly deferred = new Map<string, Delta>();
  /** Extension objects already copied from the input (safe to write). */
  readonly copied = new Set<unknown>();
  /** New paths this PATCH may still add to the path cache. */
  readonly admissions = { left: ADMISSIONS_PER_PATCH };
  /** Multi-valued attributes being worked on, by path: written back on the next read, or at the end. */
  private lists: Map<string, { readonly attr: ResolvedAttribute; readonly list: WorkingList }> | undefined;
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
    this.flush(attr);
    return readAttribute(this.resource, attr);
  }

  write(attr: ResolvedAttribute, value: unknown): void {
    this.lists?.delete(attr.path);
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

  /** The working list of a multi-valued attribute: its values, copied once per PATCH. */
  working(attr: ResolvedAttribute): WorkingList {
    this.lists ??= new Map();
    const lists = this.lists;
    const found = lists.get(attr.path);
    if (found !== undefined) return found.list;
    const current = readAttribute(this.resource, attr);
    const list = new WorkingList(Array.isArray(current) ? current : []);
    lists.set(attr.path, { attr, list });
    return list;
  }

  /** Writes the working list of `attr` (or of every attribute) back into the resource. */
  flush(attr?: ResolvedAttribute): void {
    const lists = this.lists;
    if (lists === undefined || lists.size === 0) return;
    const entries = attr === undefined ? [...lists.values()] : [lists.get(attr.path)];
    for (const entry of entries) if (entry !== undefined) this.write(entry.attr, entry.list.values());
  }

  apply(raw: unknown, index: number): void {
    if (!isObject(raw))
      throw new ScimError('invalidSyntax', `Operations[${index}]: expected an object with "op"`);
    const op = this.opOf(raw, index);
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
        if (hasValue) {
          // An empty value removes nothing (entra); any other value is refused, never read as "all".
          if (this.profile.removeByValueList && isEmptyValue(value)) return;
          throw new ScimError(
            'invalidValue',
            `"remove" on the extension "${path}" takes no "value"; leave "value" out to remove its attributes`,
          );
        }
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
    const resolved = cachedTarget(path, this.schema, this.profile.filter, this.admissions, (parsed) =>
      this.resolve(parsed, path),
    );
    this.target(op, resolved, value, hasValue);
  }

  opOf(raw: JsonObject, index: number): OpName {
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
    return op;
  }

  /**
   * For a `remove` with a `value` on a whole extension or a multi-valued attribute: `true` when
   * the value is empty and the remove does nothing (`entra`); `invalidValue` when the profile
   * takes no value there (`strict`). Only a remove without `value` clears (RFC 7644 section 3.5.2.2).
   */
  valueNamesNothing(text: string, value: unknown, name: string): boolean {
    if (!this.profile.removeByValueList) {
      throw new ScimError(
        'invalidValue',
        `"remove" on "${text}" takes no "value" (RFC 7644 section 3.5.2.2): to remove some values use a filter, ${name}[value eq "..."]; leave "value" out only to remove them all`,
      );
    }
    return isEmptyValue(value);
  }

  simpleTarget(attr: ResolvedAttribute, text: string): Target {
    return {
      attr,
      sub: undefined,
      filter: undefined,
      path: { attribute: attr.definition.name },
      text,
      unqualified: false,
    };
  }

  /** The one extension attribute named `name`, when exactly one extension schema has it. */
  extensionAttribute(name: string): ResolvedAttribute | undefined {
    let found: ResolvedAttribute | undefined;
    for (const e of this.schema.extensions) {
      const attr = this.schema.attribute(name, e.schema.id);
      if (attr === undefined) continue;
      if (found !== undefined) return undefined;
      found = attr;
    }
    return found;
  }

  resolve(path: PatchPath, text: string, known?: ResolvedAttribute): Target {
    let attr = known ?? this.schema.attribute(path.attribute, path.urn);
    let unqualified = false;
    if (attr === undefined && path.urn === undefined) {
      attr = this.extensionAttribute(path.attribute);
      unqualified = attr !== undefined;
    }
    if (attr === undefined) throw this.noAttribute(path, text);
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
    if (path.filter !== undefined && !attr.definition.multiValued && attr.definition.type !== 'complex') {
      throw this.filterOnSingleValue(text, attr);
    }
    return { attr, sub, filter: path.filter, path, text, unqualified };
  }

  noAttribute(path: PatchPath, text: string): ScimError {
    return new ScimError(
      'invalidPath',
      `path "${text}": the ${this.schema.resourceType.name} schema has no attribute "${path.urn === undefined ? '' : `${path.urn}:`}${path.attribute}"`,
      {
        token: path.attribute,
      },
    );
  }

  filterOnSingleValue(text: string, attr: ResolvedAttribute): ScimError {
    return new ScimError(
      'invalidPath',
      `path "${text}": a value filter needs a multi-valued attribute; "${attr.definition.name}" is single-valued`,
    );
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
      const path = this.keyPath(key, scopeUrn);
      const attr = this.schema.attribute(path.attribute, path.urn);
      if (attr === undefined && profile.ignoreExtraneous && isEmptyValue(v)) continue;
      this.target(op, this.resolve(path, key, attr), v, true);
    }
  }

  /** The path a key of a path-less value names (dotted and URN-prefixed under `pathKeys`). */
  keyPath(key: string, scopeUrn: string | undefined): PatchPath {
    if (this.profile.pathKeys && (key.includes('.') || key.includes(':'))) {
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
        let path: PatchPath = { attribute: parts[0] };
        if (urn !== undefined) path = { ...path, urn };
        if (parts[1] !== undefined) path = { ...path, subAttribute: parts[1] };
        return path;
      }
    }
    return scopeUrn === undefined ? { attribute: key } : { urn: scopeUrn, attribute: key };
  }

  plan(t: Target): FilterPlan {
    t.plan ??= filterPlan(t.attr, t.filter as Filter, this.schema, this.profile.filter);
    return t.plan;
  }

  target(op: OpName, t: Target, value: unknown, hasValue: boolean): void {
    const { attr, sub } = t;
    const def = attr.definition;
    if (t.unqualified && !this.profile.unqualifiedExtensionPaths) {
      throw new ScimError(
        'invalidPath',
        `path "${t.text}": the ${this.schema.resourceType.name} core schema has no attribute "${t.path.attribute}"; name the extension attribute with its schema URN: ${attr.schemaUrn}:${def.name}`,
        { token: t.path.attribute },
      );
    }
    if (def.mutability === 'readOnly' || sub?.definition.mutability === 'readOnly') {
      // Setting a read-only attribute to the value it has changes nothing (Okta renames a group
      // with a path-less replace that repeats its id).
      if (op !== 'remove' && this.holds(t, value)) return;
      throw new ScimError('mutability', `"${t.text}" is read-only; it cannot be modified with PATCH`, {
        token: t.text,
      });
    }
    if (t.filter !== undefined && !def.multiValued) {
      if (op !== 'remove' || !this.profile.singleValueFilters) throw this.filterOnSingleValue(t.text, attr);
      this.touched.set(attr.path, attr);
      this.removeFilteredSingle(t);
      return;
    }
    const delta = this.deferred.size === 0 ? undefined : this.deferred.get(attr.path.toLowerCase());
    if (delta !== undefined) {
      this.defer(op, t, value, hasValue, delta);
      return;
    }
    this.touched.set(attr.path, attr);
    if (op === 'remove') {
      this.remove(t, value, hasValue);
      return;
    }
    if (t.filter !== undefined) {
      setFiltered(this, op, t, value);
      return;
    }
    if (sub === undefined) {
      this.setWhole(op, t, value);
      return;
    }
    const current = this.read(attr);
    if (def.multiValued) {
      const list = Array.isArray(current) ? current : [];
      if (list.length === 0)
        throw new ScimError(
          'noTarget',
          `"${t.text}": ${def.name} has no values to set ${sub.definition.name} on`,
        );
      this.write(
        attr,
        list.map((el) => this.withSub(el, sub, value, t)),
      );
      return;
    }
    this.write(attr, this.withSub(current, sub, value, t));
  }

  /** Whether a read-only target (no filter) already has `value`. */
  holds(t: Target, value: unknown): boolean {
    if (t.filter !== undefined) return false;
    const current = this.read(t.attr);
    let have = current;
    let def = t.attr.definition;
    if (t.sub !== undefined) {
      if (def.multiValued || !isObject(current)) return false;
      have = getCi(current, t.sub.definition.name);
      def = t.sub.definition;
    }
    if (have === undefined) return false;
    let given: unknown;
    try {
      given = coerceAttribute(value, def, t.text, this.profile);
    } catch {
      return false;
    }
    return typeof have === 'string' ? scalarEqual(have, given, def.caseExact) : jsonEqual(have, given);
  }

  /** An operation on a `deferred` reference list: recorded in its delta of ids. */
  defer(op: OpName, t: Target, value: unknown, hasValue: boolean, delta: Delta): void {
    const def = t.attr.definition;
    if (t.sub !== undefined) {
      throw new ScimError(
        'invalidPath',
        `"${t.text}": the sub-attributes of ${def.name} cannot be patched one by one here; remove the value (${def.name}[value eq "<id>"]) and add it again with the sub-attributes it should have`,
      );
    }
    if (op === 'remove') {
      if (t.filter !== undefined) {
        const named = idsOfFilter(t.filter);
        if (named === undefined) {
          throw new ScimError(
            'invalidPath',
            `"${t.text}": remove ${def.name} by id: ${def.name}[value eq "<id>"] (several ids joined with or), or list them in "value" ([{"value": "<id>"}]); a filter on ${def.name}' other sub-attributes is not supported here`,
          );
        }
        removeFromDelta(delta, named);
      } else if (!hasValue) {
        clearDelta(delta);
      } else if (!this.valueNamesNothing(t.text, value, def.name)) {
        const listed = listedValues(t.text, value, def, this.profile);
        removeFromDelta(
          delta,
          listed.map((v) => String((v as JsonObject).value)),
        );
      }
      return;
    }
    if (t.filter !== undefined) {
      throw new ScimError(
        'invalidPath',
        `"${t.text}": add or replace ${def.name} without a filter, listing the values: {"op": "add", "path": "${def.name}", "value": [{"value": "<id>"}]}`,
      );
    }
    checkReferenceValues(t.text, value, def);
    const added = idsOf(coerceAttribute(value, def, t.text, this.profile));
    if (op === 'replace') clearDelta(delta);
    addToDelta(delta, added, value, this.profile.ignoreExtraneous);
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

  /** `add` / `replace` of a whole attribute (no filter, no sub-attribute). */
  setWhole(op: OpName, t: Target, value: unknown): void {
    const def = t.attr.definition;
    if (!def.multiValued && def.type === 'complex') {
      setComplex(this, op, t, value);
      return;
    }
    if (def.multiValued && isReferenceList(def)) checkReferenceValues(t.text, value, def);
    // An add of nothing (null, [], "", {}) adds nothing; a replace clears only with null or [].
    if (op === 'add' && def.multiValued && isEmptyValue(value)) {
      if (value !== '' || this.profile.emptyStringClears) return;
    }
    const coerced = coerceAttribute(value, def, t.text, this.profile);
    if (coerced === undefined) {
      // An add of nothing adds nothing; a replace with nothing (null, []) unassigns.
      if (op === 'add' && def.multiValued) return;
      this.write(t.attr, undefined);
      return;
    }
    if (!def.multiValued) {
      const current = this.read(t.attr);
      if (def.mutability === 'immutable' && current !== undefined && !jsonEqual(current, coerced)) {
        throw new ScimError('mutability', `"${t.text}" is immutable and already set; it cannot be changed`, {
          token: t.text,
        });
      }
      this.write(t.attr, coerced);
      return;
    }
    const incoming = coerced as unknown[];
    if (op === 'replace') {
      if (countPrimary(incoming) > 1) {
        throw new ScimError('invalidValue', `"${t.text}": at most one value may have "primary": true`);
      }
      this.write(t.attr, incoming);
      return;
    }
    addValues(this, t, incoming);
  }

  remove(t: Target, value: unknown, hasValue: boolean): void {
    const { attr, sub } = t;
    const def = attr.definition;
    if (t.filter !== undefined) {
      removeFiltered(this, t);
      return;
    }
    if (def.multiValued && hasValue) {
      if (this.valueNamesNothing(t.text, value, def.name)) return;
      if (sub !== undefined) {
        throw new ScimError(
          'invalidValue',
          `"remove" on "${t.text}" takes no "value"; to remove ${sub.definition.name} from some values use a filter, for example ${def.name}[value eq "..."].${sub.definition.name}`,
        );
      }
      removeListed(this, t, value);
      return;
    }
    // A value on a single-valued attribute removes it only when it names the current one.
    if (hasValue && !namesCurrent(this, t, value)) return;
    if (sub !== undefined) {
      const current = this.read(attr);
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
    if (def.required) {
      throw new ScimError(
        'invalidValue',
        `"${t.text}" is required; it cannot be removed (replace it instead)`,
      );
    }
    const current = this.read(attr);
    if (def.mutability === 'immutable' && current !== undefined) {
      throw new ScimError('mutability', `"${t.text}" is immutable and already set; it cannot be removed`);
    }
    this.write(attr, undefined);
  }

  /** `remove` of `manager[value eq "id"]`: clears the attribute when its value matches. */
  removeFilteredSingle(t: Target): void {
    const current = this.read(t.attr);
    if (!isObject(current) || !this.plan(t).predicate(current)) {
      if (this.profile.idempotentRemove) return;
      throw new ScimError(
        'noTarget',
        `"${t.text}": the value of ${t.attr.definition.name} does not match the filter`,
        {
          token: t.text,
        },
      );
    }
    if (t.sub !== undefined) {
      this.write(t.attr, stripSub(current, t.sub.definition));
      return;
    }
    if (t.attr.definition.required) {
      throw new ScimError(
        'invalidValue',
        `"${t.text}" is required; it cannot be removed (replace it instead)`,
      );
    }
    if (t.attr.definition.mutability === 'immutable') {
      throw new ScimError('mutability', `"${t.text}" is immutable and already set; it cannot be removed`);
    }
    this.write(t.attr, undefined);
  }
}
