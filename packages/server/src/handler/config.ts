import { type CompatibilityProfile, resolveProfile } from '@scim/protocol';
import {
  type AttributeDefinition,
  createResourceParser,
  groupResourceSchema,
  type ResourceParser,
  type ResourceSchema,
  ScimError,
  userResourceSchema,
} from '@scim/schemas';
import type { ResourceTypeOptions, ScimServerOptions } from '../options.ts';
import { type CompiledPolicies, compilePolicies } from '../policies/index.ts';
import type { ResourceTypeStorage } from '../store/types.ts';
import { cursorKey } from './cursor.ts';

/** One served resource type, with everything the handler derives from its options. @internal */
export interface ServedType {
  readonly kind: 'user' | 'group' | 'custom';
  readonly name: string;
  /** The endpoint segment, without the slash: `Users`. */
  readonly segment: string;
  readonly schema: ResourceSchema;
  readonly createParser: ResourceParser<Record<string, unknown>>;
  readonly replaceParser: ResourceParser<Record<string, unknown>>;
  /** Required attribute paths beyond the schema's own (checked after PATCH too). */
  readonly required: readonly string[];
  /**
   * The paths a filter may name, keyed by their lower-cased form, each mapped to its name as the
   * schema spells it (`userName`), or undefined for all.
   */
  readonly filterable: ReadonlyMap<string, string> | undefined;
  /** The multi-valued reference attribute kept by the store (`members`). */
  readonly referenceAttribute: string | undefined;
  /** Top-level attributes with `uniqueness: server|global` (not `id`). */
  readonly unique: readonly {
    readonly path: string;
    readonly definition: AttributeDefinition;
    readonly urn: string | undefined;
  }[];
  readonly policies: CompiledPolicies;
}

/** The handler's options with every default decided. @internal */
export interface ResolvedConfig {
  readonly options: ScimServerOptions;
  readonly profile: CompatibilityProfile;
  readonly profileName: 'entra' | 'strict';
  readonly types: readonly ServedType[];
  readonly bySegment: ReadonlyMap<string, ServedType>;
  readonly users: ServedType;
  readonly groups: ServedType | undefined;
  /** Base path split around `{tenant}`: prefix (no trailing slash) and whether a tenant segment follows. */
  readonly basePrefix: string;
  readonly tenantInPath: boolean;
  readonly baseSuffix: string;
  readonly fixedTenant: string;
  readonly maxBodyBytes: number;
  readonly maxDepth: number;
  readonly maxPageSize: number;
  readonly defaultPageSize: number;
  /** The key cursors are sealed with, and how long they last (seconds). */
  readonly cursorKey: Buffer;
  readonly cursorTimeout: number;
  readonly maxPatchOperations: number;
  readonly maxValuesPerAttribute: number;
  readonly maxIndexedValueLength: number;
  readonly maxFilterTerms: number;
  readonly bulk: { readonly maxOperations: number; readonly maxPayloadSize: number } | undefined;
  readonly rateLimit: { readonly requests: number; readonly windowSeconds: number } | undefined;
  readonly userPatchStatus: 200 | 204;
  readonly deleteMode: 'hard' | 'disable';
  readonly unknownMembers: 'skip' | 'reject';
}

function isReferenceList(def: AttributeDefinition): boolean {
  return (
    def.multiValued &&
    def.type === 'complex' &&
    (def.subAttributes ?? []).some((s) => s.name === 'value') &&
    (def.subAttributes ?? []).some((s) => s.name === '$ref')
  );
}

function serve(
  kind: ServedType['kind'],
  schema: ResourceSchema,
  options: ResourceTypeOptions,
  profileName: 'entra' | 'strict',
  all: ScimServerOptions,
): ServedType {
  const unknownAttributes = profileName === 'strict' ? 'reject' : 'ignore';
  const segment = schema.resourceType.endpoint.replace(/^\/+/, '');
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(segment)) {
    throw new ScimError(
      'invalidValue',
      `resource type ${schema.resourceType.name}: endpoint "${schema.resourceType.endpoint}" must be one path segment such as /Devices`,
    );
  }
  const check = (path: string, what: string) => {
    if (schema.resolvePath(path) === undefined) {
      throw new ScimError(
        'invalidPath',
        `${what}: "${path}" is not an attribute of ${schema.resourceType.name}; check the name against its schemas`,
      );
    }
  };
  for (const p of options.required ?? []) check(p, 'required');
  let filterable: Map<string, string> | undefined;
  if (options.filterable !== undefined) {
    filterable = new Map();
    for (const p of options.filterable) {
      check(p, 'filterable');
      const found = schema.resolvePath(p);
      if (found) filterable.set(found.path.toLowerCase(), found.path);
    }
  }
  const members = kind === 'group' ? schema.attribute('members') : undefined;
  const unique: ServedType['unique'][number][] = [];
  const collect = (attrs: readonly AttributeDefinition[], urn: string | undefined) => {
    for (const a of attrs) {
      if (a.name === 'id' || a.multiValued || a.type === 'complex') continue;
      if (a.uniqueness === 'server' || a.uniqueness === 'global') {
        unique.push({ path: urn === undefined ? a.name : `${urn}:${a.name}`, definition: a, urn });
      }
    }
  };
  collect(schema.core.attributes, undefined);
  for (const e of schema.extensions) collect(e.schema.attributes, e.schema.id);
  return {
    kind,
    name: schema.resourceType.name,
    segment,
    schema,
    createParser: createResourceParser(schema, { context: 'create', unknownAttributes }),
    replaceParser: createResourceParser(schema, { context: 'replace', unknownAttributes }),
    required: options.required ?? [],
    filterable,
    referenceAttribute:
      members !== undefined && isReferenceList(members.definition) ? members.definition.name : undefined,
    unique,
    policies: compilePolicies(kind === 'user' ? all.policies : undefined, schema, profileName),
  };
}

function positive(value: number | undefined, fallback: number, name: string, group = 'limits'): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new ScimError('invalidValue', `${group}.${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** Decides every default of the options, and checks them. @internal */
export function resolveConfig(options: ScimServerOptions): ResolvedConfig {
  const profileName = options.profile ?? 'entra';
  const users = serve(
    'user',
    options.users?.schema ?? userResourceSchema,
    options.users ?? {},
    profileName,
    options,
  );
  const groups =
    options.groups === false
      ? undefined
      : serve(
          'group',
          options.groups?.schema ?? groupResourceSchema,
          options.groups ?? {},
          profileName,
          options,
        );
  const types = [
    users,
    ...(groups ? [groups] : []),
    ...(options.resourceTypes ?? []).map((t) => serve('custom', t.schema, t, profileName, options)),
  ];
  const bySegment = new Map<string, ServedType>();
  for (const t of types) {
    const key = t.segment.toLowerCase();
    if (bySegment.has(key)) {
      throw new ScimError(
        'invalidValue',
        `two resource types are served at /${t.segment}; give each its own endpoint`,
      );
    }
    bySegment.set(key, t);
  }
  const base = (options.basePath ?? '').replace(/\/+$/, '');
  const at = base.indexOf('{tenant}');
  const limits = options.limits ?? {};
  const maxPageSize = positive(limits.maxPageSize, 1000, 'maxPageSize');
  const bulk =
    limits.bulk === false
      ? undefined
      : {
          maxOperations: positive(limits.bulk?.maxOperations, 100, 'bulk.maxOperations'),
          maxPayloadSize: positive(limits.bulk?.maxPayloadSize, 1_048_576, 'bulk.maxPayloadSize'),
        };
  if (options.unknownMembers !== undefined && !['skip', 'reject'].includes(options.unknownMembers)) {
    throw new ScimError(
      'invalidValue',
      `unknownMembers must be 'skip' or 'reject', got ${JSON.stringify(options.unknownMembers)}`,
    );
  }
  if (limits.rateLimit !== undefined) {
    positive(limits.rateLimit.requests, 1, 'rateLimit.requests');
    positive(limits.rateLimit.windowSeconds, 1, 'rateLimit.windowSeconds');
  }
  return {
    options,
    profile: resolveProfile(profileName),
    profileName,
    types,
    bySegment,
    users,
    groups,
    basePrefix: at === -1 ? base : base.slice(0, at).replace(/\/+$/, ''),
    tenantInPath: at !== -1,
    baseSuffix: at === -1 ? '' : base.slice(at + '{tenant}'.length).replace(/\/+$/, ''),
    fixedTenant: options.tenant ?? 'default',
    maxBodyBytes: positive(limits.maxBodyBytes, 1_048_576, 'maxBodyBytes'),
    maxDepth: positive(limits.maxDepth, 32, 'maxDepth'),
    maxPageSize,
    defaultPageSize: Math.min(maxPageSize, positive(limits.defaultPageSize, 100, 'defaultPageSize')),
    cursorKey: cursorKey(options.cursors?.secret),
    cursorTimeout: positive(options.cursors?.timeoutSeconds, 3600, 'timeoutSeconds', 'cursors'),
    maxPatchOperations: positive(limits.maxPatchOperations, 1000, 'maxPatchOperations'),
    maxValuesPerAttribute: positive(limits.maxValuesPerAttribute, 1000, 'maxValuesPerAttribute'),
    maxIndexedValueLength: positive(limits.maxIndexedValueLength, 1024, 'maxIndexedValueLength'),
    maxFilterTerms: positive(limits.maxFilterTerms, 200, 'maxFilterTerms'),
    bulk,
    rateLimit: limits.rateLimit,
    userPatchStatus: options.userPatchResponse ?? 200,
    deleteMode: options.policies?.deleteMode ?? 'hard',
    unknownMembers: options.unknownMembers ?? (profileName === 'strict' ? 'reject' : 'skip'),
  };
}

/** The storage description the store's `open` receives. @internal */
export function storageOf(config: ResolvedConfig): ResourceTypeStorage[] {
  return config.types.map((t) =>
    t.referenceAttribute === undefined
      ? { name: t.name }
      : { name: t.name, referenceAttribute: t.referenceAttribute },
  );
}
