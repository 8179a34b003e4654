import type { AttributeDefinition, ResolvedAttribute, ResourceSchema } from '@scim/schemas';
import { findKey, isObject, type JsonObject } from '../patch/values.ts';

/**
 * The `attributes` / `excludedAttributes` parameters of a query (RFC 7644 section 3.4.2.5), as
 * comma-separated strings (as in a query string) or lists of attribute paths.
 *
 * @example
 * ```ts
 * import { type ProjectionParams, projectResource } from '@scim/protocol';
 * import { userResourceSchema } from '@scim/schemas';
 * const query = new URL(request.url).searchParams;
 * const params: ProjectionParams = {
 *   attributes: query.get('attributes') ?? undefined,
 *   excludedAttributes: query.get('excludedAttributes') ?? undefined,
 * };
 * return Response.json(projectResource(user, userResourceSchema, params));
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.5
 */
export interface ProjectionParams {
  /** Return only these attributes (plus those `returned: always`). */
  readonly attributes?: string | readonly string[] | undefined;
  /** Return the default attributes except these. Ignored when `attributes` is given. */
  readonly excludedAttributes?: string | readonly string[] | undefined;
}

type Selection = Map<AttributeDefinition, Set<AttributeDefinition> | 'all'>;

/** Lower-cased attribute names, computed once per definition. */
const lowerNames = new WeakMap<AttributeDefinition, string>();
function lowerName(def: AttributeDefinition): string {
  let name = lowerNames.get(def);
  if (name === undefined) {
    name = def.name.toLowerCase();
    lowerNames.set(def, name);
  }
  return name;
}

/**
 * A complex attribute's sub-attributes by lower-cased name (the first of each name), and by each
 * sub-attribute's own spelling (mapped to the same definition), which spares lower-casing the keys
 * a server wrote itself.
 */
interface SubIndex {
  readonly lower: Map<string, AttributeDefinition>;
  readonly exact: Map<string, AttributeDefinition>;
}
const subIndexes = new WeakMap<AttributeDefinition, SubIndex>();
function subAttribute(def: AttributeDefinition, key: string): AttributeDefinition | undefined {
  let index = subIndexes.get(def);
  if (index === undefined) {
    const lower = new Map<string, AttributeDefinition>();
    for (const sub of def.subAttributes ?? []) {
      const name = lowerName(sub);
      if (!lower.has(name)) lower.set(name, sub);
    }
    const exact = new Map<string, AttributeDefinition>();
    for (const sub of def.subAttributes ?? []) exact.set(sub.name, lower.get(lowerName(sub))!);
    index = { lower, exact };
    subIndexes.set(def, index);
  }
  return index.exact.get(key) ?? index.lower.get(key.toLowerCase());
}

/**
 * The keys of an object by lower-cased form (the first key of each form, in key order), so that
 * looking up every attribute of a schema costs one pass over the object, not one per attribute.
 */
function keyIndex(object: JsonObject): Map<string, string> {
  const index = new Map<string, string>();
  for (const key of Object.keys(object)) {
    const lower = key.toLowerCase();
    if (!index.has(lower)) index.set(lower, key);
  }
  return index;
}

/** The names of a list of attributes: as spelled, and lower-cased. */
interface Names {
  readonly exact: Set<string>;
  readonly lower: Set<string>;
}
const namesOfLists = new WeakMap<readonly AttributeDefinition[], Names>();
function namesOf(attributes: readonly AttributeDefinition[]): Names {
  let names = namesOfLists.get(attributes);
  if (names === undefined) {
    names = { exact: new Set(attributes.map((d) => d.name)), lower: new Set(attributes.map(lowerName)) };
    namesOfLists.set(attributes, names);
  }
  return names;
}

/**
 * The {@link keyIndex} of `object` when one of its keys names one of `attributes` in another case
 * (`USERNAME`), else `undefined`: every attribute's key is then its own name or absent. A resource
 * a server stored itself has its keys as the schema spells them, so this is one set lookup per key.
 */
function caseIndex(
  object: JsonObject,
  attributes: readonly AttributeDefinition[],
): Map<string, string> | undefined {
  const names = namesOf(attributes);
  // Two attributes whose names differ only in case: only the index finds the first of each.
  if (names.lower.size !== names.exact.size) return keyIndex(object);
  for (const key of Object.keys(object)) {
    if (!names.exact.has(key) && names.lower.has(key.toLowerCase())) return keyIndex(object);
  }
  return undefined;
}

/** The key of `object` for an attribute, ignoring case, as `findKey` finds it. */
function keyOf(
  object: JsonObject,
  index: Map<string, string> | undefined,
  def: AttributeDefinition,
): string | undefined {
  return Object.hasOwn(object, def.name) ? def.name : index?.get(lowerName(def));
}

function list(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const items = typeof value === 'string' ? value.split(',') : value;
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

function select(
  schema: ResourceSchema,
  paths: readonly string[],
): { selection: Selection; urns: Set<string> } {
  const selection: Selection = new Map();
  const urns = new Set<string>();
  for (const path of paths) {
    const whole = schema.schema(path);
    if (whole !== undefined && whole.id.toLowerCase() === path.toLowerCase()) {
      urns.add(whole.id);
      continue;
    }
    const found: ResolvedAttribute | undefined = schema.resolvePath(path);
    if (found === undefined) continue;
    if (found.parent === undefined) {
      selection.set(found.definition, 'all');
      continue;
    }
    const current = selection.get(found.parent.definition);
    if (current === 'all') continue;
    const subs = current ?? new Set<AttributeDefinition>();
    subs.add(found.definition);
    selection.set(found.parent.definition, subs);
  }
  return { selection, urns };
}

function projectValue(
  value: unknown,
  def: AttributeDefinition,
  keep: (sub: AttributeDefinition) => boolean,
): unknown {
  if (def.type !== 'complex' || def.subAttributes === undefined) return value;
  const one = (v: unknown): unknown => {
    if (!isObject(v)) return v;
    const out: JsonObject = {};
    for (const key of Object.keys(v)) {
      const sub = subAttribute(def, key);
      if (sub === undefined ? keep({ ...def, name: key, returned: 'default', type: 'string' }) : keep(sub))
        out[key] = v[key];
    }
    return Object.keys(out).length === 0 ? undefined : out;
  };
  if (Array.isArray(value)) {
    const out = value.map(one).filter((v) => v !== undefined);
    return out.length === 0 ? undefined : out;
  }
  return one(value);
}

function projectObject(
  object: JsonObject,
  attributes: readonly AttributeDefinition[],
  sel: { selection: Selection; urns: Set<string> },
  mode: 'include' | 'exclude' | 'default',
  wholeSchema: boolean,
): JsonObject {
  const out: JsonObject = {};
  const index = caseIndex(object, attributes);
  for (const def of attributes) {
    const key = keyOf(object, index, def);
    if (key === undefined) continue;
    const chosen = sel.selection.get(def);
    let value: unknown;
    if (def.returned === 'never') continue;
    if (def.returned === 'always') value = projectValue(object[key], def, (s) => s.returned !== 'never');
    else if (mode === 'include') {
      if (chosen === undefined && !wholeSchema) continue;
      if (chosen === undefined || chosen === 'all') {
        value = projectValue(object[key], def, (s) => s.returned !== 'never' && s.returned !== 'request');
      } else {
        const subs: Set<AttributeDefinition> = chosen;
        value = projectValue(object[key], def, (s) => s.returned === 'always' || subs.has(s));
      }
    } else {
      if (def.returned === 'request') continue;
      if (mode === 'exclude' && chosen === 'all') continue;
      const excluded: Set<AttributeDefinition> =
        chosen instanceof Set ? chosen : new Set<AttributeDefinition>();
      value = projectValue(
        object[key],
        def,
        (s) =>
          s.returned === 'always' || (s.returned !== 'never' && s.returned !== 'request' && !excluded.has(s)),
      );
    }
    if (value !== undefined) out[def.name] = value;
  }
  return out;
}

/** What a projection needs besides the resource: worked out once per schema and parameters. */
interface Prepared {
  readonly sel: { selection: Selection; urns: Set<string> };
  readonly mode: 'include' | 'exclude' | 'default';
  /** `id`, `externalId`, `meta` and the core schema's attributes, in that order. */
  readonly attributes: readonly AttributeDefinition[];
}

/**
 * Prepared projections by schema and parameters. A `ResourceSchema` is immutable, so a
 * preparation holds as long as the schema does; at most 256 parameter sets, of at most
 * {@link MAX_PREPARED_KEY} characters each, are kept per schema.
 */
const preparedBySchema = new WeakMap<ResourceSchema, Map<string, Prepared>>();
/** The longest parameter list (as JSON) that is kept: a few dozen attribute paths. */
const MAX_PREPARED_KEY = 2048;

function prepare(schema: ResourceSchema, params: ProjectionParams): Prepared {
  const include = list(params.attributes);
  const exclude = include.length > 0 ? [] : list(params.excludedAttributes);
  // JSON of the list, so that no name (a comma, a NUL, anything) can make two lists one key.
  const key = JSON.stringify(include.length > 0 ? ['+', ...include] : ['-', ...exclude]);
  let cache = preparedBySchema.get(schema);
  if (cache === undefined) {
    cache = new Map();
    preparedBySchema.set(schema, cache);
  }
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const mode = include.length > 0 ? 'include' : exclude.length > 0 ? 'exclude' : 'default';
  const sel = select(schema, mode === 'include' ? include : exclude);
  const attributes: AttributeDefinition[] = [];
  for (const name of ['id', 'externalId', 'meta']) {
    const found = schema.attribute(name);
    if (found !== undefined && found.schemaUrn === undefined) attributes.push(found.definition);
  }
  attributes.push(...schema.core.attributes);
  const prepared: Prepared = { sel, mode, attributes };
  // Parameter lists as long as a request body are worked out each time rather than kept.
  if (key.length > MAX_PREPARED_KEY) return prepared;
  if (cache.size >= 256) cache.clear();
  cache.set(key, prepared);
  return prepared;
}

/**
 * Applies `attributes` / `excludedAttributes` to one resource with the `returned` semantics of
 * RFC 7643 section 7: `always` attributes are always returned, `never` ones never, `request`
 * ones only when named in `attributes`, `default` ones unless `attributes` names others or
 * `excludedAttributes` names them. Paths may name sub-attributes (`name.givenName`,
 * `emails.value`), carry a schema URN prefix, or be a whole extension schema URN. `schemas` is
 * always kept; names the schema lacks are ignored; keys the schema does not define are dropped.
 *
 * @param resource - the resource, as JSON; not mutated
 * @param schema - the resource type's schema
 * @param params - the `attributes` / `excludedAttributes` parameters
 * @returns a new object with the selected attributes
 * @throws never
 * @example
 * ```ts
 * import { groupResourceSchema, userResourceSchema } from '@scim/schemas';
 * projectResource(user, userResourceSchema, { attributes: 'userName,name.givenName' });
 * // { schemas: [...], id: '2819c223', userName: 'bjensen', name: { givenName: 'Barbara' } }
 * projectResource(group, groupResourceSchema, { excludedAttributes: 'members' });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.5
 */
export function projectResource<T extends object>(
  resource: T,
  schema: ResourceSchema,
  params: ProjectionParams = {},
): T {
  const source = resource as unknown as JsonObject;
  const { sel, mode, attributes } = prepare(schema, params);
  const out: JsonObject = {};
  const schemasKey = findKey(source, 'schemas');
  if (schemasKey !== undefined) out.schemas = source[schemasKey];
  Object.assign(out, projectObject(source, attributes, sel, mode, false));
  for (const { schema: ext } of schema.extensions) {
    const key = findKey(source, ext.id);
    if (key === undefined) continue;
    const value = source[key];
    if (!isObject(value)) continue;
    if (mode === 'exclude' && sel.urns.has(ext.id)) continue;
    const projected = projectObject(value, ext.attributes, sel, mode, sel.urns.has(ext.id));
    if (Object.keys(projected).length > 0) out[ext.id] = projected;
  }
  return out as T;
}

/**
 * Applies `attributes` / `excludedAttributes` to every resource of a list, as for a
 * ListResponse (see {@link projectResource}).
 *
 * @param resources - the resources
 * @param schema - the resource type's schema
 * @param params - the `attributes` / `excludedAttributes` parameters
 * @returns the projected resources, in order
 * @throws never
 * @example
 * ```ts
 * import { groupResourceSchema } from '@scim/schemas';
 * projectResources(groups, groupResourceSchema, { excludedAttributes: 'members' });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.9
 */
export function projectResources<T extends object>(
  resources: readonly T[],
  schema: ResourceSchema,
  params: ProjectionParams = {},
): T[] {
  return resources.map((r) => projectResource(r, schema, params));
}
