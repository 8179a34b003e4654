import { applyPatch, compileValueFilter, jsonEqual, parsePath } from '@scim/protocol';
import { type ResourceSchema, ScimError } from '@scim/schemas';
import type { ScimPolicies } from '../options.ts';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function getCi(object: Json, name: string): unknown {
  if (name in object) return object[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) if (key.toLowerCase() === lower) return object[key];
  return undefined;
}

/** A compiled attribute path of a policy: how to read it from a resource body. @internal */
interface PolicyPath {
  readonly text: string;
  read(resource: Json): unknown;
}

function compilePath(text: string, schema: ResourceSchema, what: string): PolicyPath {
  let parsed: ReturnType<typeof parsePath>;
  try {
    parsed = parsePath(text);
  } catch (error) {
    throw new ScimError('invalidPath', `policies.${what}: "${text}" is not an attribute path`, {
      cause: error,
    });
  }
  const top = schema.attribute(parsed.attribute, parsed.urn);
  if (top === undefined) {
    throw new ScimError(
      'invalidPath',
      `policies.${what}: "${text}" names no attribute of ${schema.resourceType.name}; check it against the schemas`,
    );
  }
  const sub = parsed.subAttribute === undefined ? undefined : schema.subAttribute(top, parsed.subAttribute);
  if (parsed.subAttribute !== undefined && sub === undefined) {
    throw new ScimError(
      'invalidPath',
      `policies.${what}: "${text}" names no sub-attribute of ${top.path}; check it against the schemas`,
    );
  }
  const filter =
    parsed.filter === undefined
      ? undefined
      : compileValueFilter(
          parsed.urn === undefined
            ? { attribute: parsed.attribute }
            : { urn: parsed.urn, attribute: parsed.attribute },
          parsed.filter,
          schema,
        );
  return {
    text,
    read(resource) {
      const holder =
        top.inExtension && top.schemaUrn !== undefined ? getCi(resource, top.schemaUrn) : resource;
      if (!isObject(holder)) return undefined;
      let value = getCi(holder, top.definition.name);
      if (filter !== undefined) value = Array.isArray(value) ? value.find((v) => filter(v)) : undefined;
      if (sub === undefined) return value;
      if (Array.isArray(value)) {
        const out = value.map((v) => (isObject(v) ? getCi(v, sub.definition.name) : undefined));
        return out.every((v) => v === undefined) ? undefined : out;
      }
      return isObject(value) ? getCi(value, sub.definition.name) : undefined;
    },
  };
}

/** Writes (or removes, for `undefined`) the value at a policy path, through the PATCH engine. */
function writePath(resource: Json, schema: ResourceSchema, path: string, value: unknown): Json {
  const op = value === undefined ? { op: 'remove', path } : { op: 'replace', path, value };
  return applyPatch(resource, { Operations: [op] }, schema, { profile: 'entra' }).resource;
}

/**
 * The vendor policies of one resource type, compiled against its schema: what the handler runs on
 * every create and update.
 * @internal
 */
export interface CompiledPolicies {
  /** Applies the policies to a resource body (without `id` / `meta`) about to be created. */
  onCreate(next: Json): Json;
  /** Applies the policies to a resource body about to replace `previous`. */
  onUpdate(previous: Json, next: Json): Json;
}

/**
 * Compiles {@link ScimPolicies} for one resource type: read-only attributes, attribute
 * allow-lists and linked attributes. The paths are checked against the schema once, here.
 *
 * @param policies - the policies, or `undefined` for none
 * @param schema - the resource type's schema
 * @param profile - `entra` drops what a policy forbids, `strict` rejects it
 * @returns the compiled policies
 * @throws ScimError `invalidPath` when a policy names an attribute the schema lacks
 * @internal
 */
export function compilePolicies(
  policies: ScimPolicies | undefined,
  schema: ResourceSchema,
  profile: 'entra' | 'strict',
): CompiledPolicies {
  const readOnly = (policies?.readOnlyAttributes ?? []).map((p) =>
    compilePath(p, schema, 'readOnlyAttributes'),
  );
  const linked = (policies?.linkedAttributes ?? []).map(
    ([a, b]) =>
      [compilePath(a, schema, 'linkedAttributes'), compilePath(b, schema, 'linkedAttributes')] as const,
  );
  const allowed =
    policies?.allowedAttributes === undefined
      ? undefined
      : compileAllowList(policies.allowedAttributes, schema, profile);

  const link = (previous: Json, next: Json): Json => {
    let out = next;
    for (const [a, b] of linked) {
      // An empty string is no value (Entra sends "" to clear an attribute).
      const read = (p: PolicyPath, r: Json) => {
        const v = p.read(r);
        return v === '' || v === null ? undefined : v;
      };
      const na = read(a, out);
      const nb = read(b, out);
      if (jsonEqual(na, nb)) continue;
      const aChanged = !jsonEqual(read(a, previous), na);
      const bChanged = !jsonEqual(read(b, previous), nb);
      if (aChanged || (!bChanged && na !== undefined)) out = writePath(out, schema, b.text, na);
      else out = writePath(out, schema, a.text, nb);
    }
    return out;
  };

  return {
    onCreate(next) {
      let out = next;
      for (const p of readOnly)
        if (p.read(out) !== undefined) out = writePath(out, schema, p.text, undefined);
      if (allowed) out = allowed(out);
      return link({}, out);
    },
    onUpdate(previous, next) {
      let out = next;
      for (const p of readOnly) {
        const before = p.read(previous);
        if (jsonEqual(before, p.read(out))) continue;
        if (profile === 'strict') {
          throw new ScimError(
            'mutability',
            `"${p.text}" is read-only in this service provider; leave it out of the request`,
          );
        }
        out = writePath(out, schema, p.text, before);
      }
      if (allowed) out = allowed(out);
      return link(previous, out);
    },
  };
}

const ALWAYS = new Set(['schemas', 'id', 'externalid', 'meta', 'members']);

function compileAllowList(
  paths: readonly string[],
  schema: ResourceSchema,
  profile: 'entra' | 'strict',
): (resource: Json) => Json {
  const whole = new Set<string>();
  const subs = new Map<string, Set<string>>();
  for (const text of paths) {
    const found = schema.resolvePath(text);
    if (found === undefined) {
      throw new ScimError(
        'invalidPath',
        `policies.allowedAttributes: "${text}" names no attribute of ${schema.resourceType.name}; check it against the schemas`,
      );
    }
    if (found.parent === undefined) whole.add(found.path.toLowerCase());
    else {
      const key = found.parent.path.toLowerCase();
      const set = subs.get(key) ?? new Set<string>();
      set.add(found.definition.name.toLowerCase());
      subs.set(key, set);
    }
  }
  const requiredTop = (attrs: readonly { name: string; required: boolean }[], urn: string | undefined) => {
    for (const a of attrs)
      if (a.required) whole.add((urn === undefined ? a.name : `${urn}:${a.name}`).toLowerCase());
  };
  requiredTop(schema.core.attributes, undefined);
  for (const e of schema.extensions) requiredTop(e.schema.attributes, e.schema.id);

  const prune = (object: Json, urn: string | undefined, dropped: string[]): Json => {
    const out: Json = {};
    for (const [key, value] of Object.entries(object)) {
      const path = (urn === undefined ? key : `${urn}:${key}`).toLowerCase();
      if ((urn === undefined && ALWAYS.has(key.toLowerCase())) || whole.has(path)) {
        out[key] = value;
        continue;
      }
      const allowedSubs = subs.get(path);
      if (allowedSubs === undefined) {
        dropped.push(urn === undefined ? key : `${urn}:${key}`);
        continue;
      }
      const keep = (v: unknown) => {
        if (!isObject(v)) return v;
        const o: Json = {};
        for (const [k, x] of Object.entries(v)) {
          if (allowedSubs.has(k.toLowerCase())) o[k] = x;
          else dropped.push(`${urn === undefined ? key : `${urn}:${key}`}.${k}`);
        }
        return o;
      };
      out[key] = Array.isArray(value) ? value.map(keep) : keep(value);
    }
    return out;
  };

  return (resource) => {
    const dropped: string[] = [];
    const out: Json = {};
    for (const [key, value] of Object.entries(resource)) {
      const ext = key.toLowerCase().startsWith('urn:') ? schema.schema(key) : undefined;
      if (ext !== undefined && ext !== schema.core && isObject(value)) {
        const inner = prune(value, ext.id, dropped);
        if (Object.keys(inner).length > 0) out[key] = inner;
        continue;
      }
      Object.assign(out, prune({ [key]: value }, undefined, dropped));
    }
    if (dropped.length > 0 && profile === 'strict') {
      throw new ScimError(
        'invalidValue',
        `this service provider does not keep ${dropped.join(', ')}; leave ${dropped.length > 1 ? 'them' : 'it'} out of the request`,
      );
    }
    return out;
  };
}
