import type { AttributeDefinition, ResolvedAttribute, ResourceSchema } from '@scim/schemas';
import { findKey, isObject, type JsonObject } from '../patch/values.ts';

/**
 * The `attributes` / `excludedAttributes` parameters of a query (RFC 7644 section 3.4.2.5), as
 * comma-separated strings (as in a query string) or lists of attribute paths.
 *
 * @example
 * ```ts
 * const p: ProjectionParams = { attributes: 'userName,name.givenName' };
 * const q: ProjectionParams = { excludedAttributes: ['members'] };
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
      const sub = def.subAttributes?.find((s) => s.name.toLowerCase() === key.toLowerCase());
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
  for (const def of attributes) {
    const key = findKey(object, def.name);
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
  const include = list(params.attributes);
  const exclude = include.length > 0 ? [] : list(params.excludedAttributes);
  const mode = include.length > 0 ? 'include' : exclude.length > 0 ? 'exclude' : 'default';
  const sel = select(schema, mode === 'include' ? include : exclude);
  const common: AttributeDefinition[] = [];
  for (const name of ['id', 'externalId', 'meta']) {
    const found = schema.attribute(name);
    if (found !== undefined && found.schemaUrn === undefined) common.push(found.definition);
  }
  const out: JsonObject = {};
  const schemasKey = findKey(source, 'schemas');
  if (schemasKey !== undefined) out.schemas = source[schemasKey];
  Object.assign(out, projectObject(source, [...common, ...schema.core.attributes], sel, mode, false));
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
