import { type CompiledExpression, compileExpression } from './compile.ts';
import { isMappingError, MappingError, type SafeMappingResult } from './errors.ts';
import type { EvaluateOptions } from './functions.ts';
import { type GraphAttributeMappingSource, toGraphParseTree } from './print.ts';
import { type ExpressionValue, formatNumber, fromAttribute, type SourceObject } from './values.ts';

/**
 * How a target attribute gets its value.
 *
 * @example
 * ```ts
 * import { evaluateMappingTable, type MappingType } from '@scim/mapping';
 * const type: MappingType = 'Constant';
 * evaluateMappingTable({ objectType: 'User', mappings: [{ target: 'userType', type, source: 'Employee' }] }, {});
 * // { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userType: 'Employee' }
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes
 */
export type MappingType = 'Direct' | 'Constant' | 'Expression' | 'None';

/**
 * When a mapping applies: on every sync, or only when the object is created in the app.
 *
 * @example
 * ```ts
 * import { evaluateMappingTable, type MappingApply } from '@scim/mapping';
 * const apply: MappingApply = 'OnObjectCreationOnly';
 * const table = { objectType: 'User', mappings: [{ target: 'externalId', type: 'Direct', source: 'objectId', apply }] } as const;
 * evaluateMappingTable(table, { objectId: 'b1a2' }).externalId; // 'b1a2'
 * evaluateMappingTable(table, { objectId: 'b1a2' }, { operation: 'update' }).externalId; // undefined
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes
 */
export type MappingApply = 'Always' | 'OnObjectCreationOnly';

/**
 * One attribute mapping, as in the Entra admin center's "Edit attribute" pane.
 *
 * @example
 * ```ts
 * import { type AttributeMapping, evaluateMappingTable } from '@scim/mapping';
 * const workEmail: AttributeMapping = { target: 'emails[type eq "work"].value', type: 'Direct', source: 'mail' };
 * evaluateMappingTable({ objectType: 'User', mappings: [workEmail] }, { mail: 'b@contoso.com' });
 * // { schemas: [...], emails: [{ type: 'work', value: 'b@contoso.com' }] }
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes
 */
export interface AttributeMapping {
  /** The target SCIM attribute path: `userName`, `name.givenName`, `emails[type eq "work"].value`, or a URN-prefixed extension attribute. */
  readonly target: string;
  /** Direct (a source attribute), Constant, Expression, or None (only the default value). */
  readonly type: MappingType;
  /** The source attribute name (Direct), the constant (Constant) or the expression text (Expression). */
  readonly source?: string;
  /** The value used when the source is null; Entra applies it on creation only. */
  readonly defaultValue?: string;
  /** Set when the attribute is used to match objects; lower is tried first (1 = first). */
  readonly matchingPrecedence?: number;
  /** When the mapping applies (default `Always`). */
  readonly apply?: MappingApply;
}

/**
 * The attribute mappings of one object type (users or groups) of a provisioning app.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { compileMappingTable, type MappingTable, parseMappingTable } from '@scim/mapping';
 * const table: MappingTable = parseMappingTable(readFileSync('mappings/users.json', 'utf8'));
 * const users = compileMappingTable(table);
 * users.evaluate({ userPrincipalName: 'b@contoso.com', IsSoftDeleted: false });
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes
 */
export interface MappingTable {
  /** The SCIM resource type Entra creates: `User` or `Group`. */
  readonly objectType: 'User' | 'Group';
  /** The mappings in order. */
  readonly mappings: readonly AttributeMapping[];
}

/**
 * Options of {@link evaluateMappingTable}: the operation, reference resolution, coercion and expression options.
 *
 * @example
 * ```ts
 * import { entraDefaultUserMappings, type EvaluateMappingOptions, evaluateMappingTable } from '@scim/mapping';
 * const options: EvaluateMappingOptions = {
 *   operation: 'update', // skips OnObjectCreationOnly mappings and default values
 *   resolveReference: ({ value }) => idInYourApp(value),
 * };
 * evaluateMappingTable(entraDefaultUserMappings, { userPrincipalName: 'b@contoso.com', IsSoftDeleted: false }, options);
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes
 */
export interface EvaluateMappingOptions extends EvaluateOptions {
  /** `create` applies OnObjectCreationOnly mappings and default values; `update` does not (default `create`). */
  readonly operation?: 'create' | 'update';
  /**
   * Resolves a reference (manager, members) from the directory object id to the id in the app; return
   * `null` when the referenced object is not provisioned (the attribute is then dropped).
   */
  readonly resolveReference?: (reference: { target: string; value: string }) => string | null;
}

/** The SCIM core schema URNs of the two object types. */
const CORE: Record<MappingTable['objectType'], string> = {
  User: 'urn:ietf:params:scim:schemas:core:2.0:User',
  Group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
};

/** A parsed target path. */
interface TargetPath {
  readonly urn: string | null;
  readonly attribute: string;
  readonly filter: { readonly key: string; readonly value: string } | null;
  readonly sub: string | null;
}

const PATH =
  /^([A-Za-z_$][\w$-]*)(?:\[\s*([A-Za-z_$][\w$-]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*\])?(?:\.([A-Za-z_$][\w$-]*))?$/i;

function parseTarget(target: string): TargetPath | null {
  let urn: string | null = null;
  let rest = target.trim();
  if (/^urn:/i.test(rest)) {
    const bracket = rest.indexOf('[');
    const head = bracket === -1 ? rest : rest.slice(0, bracket);
    const colon = head.lastIndexOf(':');
    urn = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
  }
  const m = PATH.exec(rest);
  if (!m) return null;
  return {
    urn,
    attribute: m[1]!,
    filter: m[2] ? { key: m[2], value: m[3]!.replace(/\\(.)/g, '$1') } : null,
    sub: m[4] ?? null,
  };
}

const REFERENCE_TARGETS = /(^|:)(manager|members)(\.value)?$/i;

/**
 * The value as the target attribute's type wants it. `active` and `primary` are SCIM booleans: the
 * language's "True"/"False" become JSON booleans. Every other attribute of the SCIM core User, Group
 * and enterprise extension schemas (RFC 7643 sections 4 and 4.3) is a string, a reference or a complex
 * attribute, none an integer: a number is sent as its string, as Entra sends a value of a String
 * target attribute (https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes,
 * "Type" of the target attribute list). The numbers come from the functions Microsoft's page gives a
 * numeric result (Count "returns the number of elements", BitAnd "returns 7", DateDiff "return[s] a
 * number", InStr "Evaluates to 5": functions-for-customizing-application-data) and from numeric
 * directory attributes.
 */
function coerce(name: string, value: unknown): unknown {
  if (typeof value === 'number') return formatNumber(value);
  if ((name === 'active' || name === 'primary') && (value === 'True' || value === 'False'))
    return value === 'True';
  if (Array.isArray(value) && value.some((v) => typeof v === 'number'))
    return value.map((v) => coerce(name, v));
  return value;
}

function findKey(o: Record<string, unknown>, name: string): string {
  const lower = name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return k;
  return name;
}

function child<T>(o: Record<string, unknown>, key: string, make: () => T): T {
  if (o[key] === undefined) o[key] = make();
  return o[key] as T;
}

function place(resource: Record<string, unknown>, path: TargetPath, value: unknown): void {
  let container = resource;
  if (path.urn) {
    const key = findKey(resource, path.urn);
    container = child(resource, key, () => ({}) as Record<string, unknown>);
  }
  const attr = findKey(container, path.attribute);
  if (path.filter) {
    const list = child(container, attr, () => [] as Record<string, unknown>[]);
    const filterValue = coerce(path.filter.key, path.filter.value);
    const values = Array.isArray(value) ? value : [value];
    const sub = path.sub ?? 'value';
    for (const v of values) {
      let element = Array.isArray(value)
        ? undefined
        : list.find((e) => e[findKey(e, path.filter!.key)] === filterValue);
      if (!element) {
        element = { [path.filter.key]: filterValue };
        list.push(element);
      }
      element[findKey(element, sub)] = coerce(sub, v);
    }
    return;
  }
  if (path.sub) {
    const obj = child(container, attr, () => ({}) as Record<string, unknown>);
    obj[findKey(obj, path.sub)] = coerce(path.sub, value);
    return;
  }
  container[attr] = coerce(path.attribute, value);
}

/**
 * A mapping table compiled once: expressions parsed, targets checked.
 *
 * @example
 * ```ts
 * const users: CompiledMappingTable = compileMappingTable(entraDefaultUserMappings);
 * users.evaluate({ userPrincipalName: 'bjensen@contoso.com', IsSoftDeleted: false }).userName; // 'bjensen@contoso.com'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes
 */
export interface CompiledMappingTable {
  /** The table. */
  readonly table: MappingTable;
  /**
   * The targets whose expression calls `Redact`: their values flow to the app as computed, but
   * Entra's provisioning logs show `[Redact]` for them.
   */
  readonly redactedTargets: readonly string[];
  /**
   * Builds the SCIM resource Entra would send for a directory object.
   *
   * @param object - the directory object (for users: `userPrincipalName`, `IsSoftDeleted`...)
   * @param options - operation, reference resolution and expression options
   * @returns the SCIM resource, without null values; `active` and `primary` as booleans, numbers as
   * strings (every other SCIM core attribute is a string, and Entra sends a value as its target's type)
   * @throws {@link MappingError} with stage `evaluate` when an expression fails
   */
  evaluate(object: SourceObject, options?: EvaluateMappingOptions): Record<string, unknown>;
}

function tableError(code: string, message: string): MappingError {
  return new MappingError('table', code, message);
}

/**
 * Compiles a mapping table: checks every target path and compiles every expression once.
 *
 * @param table - the mapping table
 * @returns the compiled table
 * @throws {@link MappingError} with stage `table` for a bad target or mapping, or `lex` / `parse` for a bad expression (the message names the mapping)
 * @example
 * ```ts
 * const users = compileMappingTable(entraDefaultUserMappings);
 * users.evaluate({ userPrincipalName: 'b@contoso.com', IsSoftDeleted: false }).userName; // 'b@contoso.com'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes
 */
export function compileMappingTable(table: MappingTable): CompiledMappingTable {
  const steps = table.mappings.map((m, index) => {
    const path = parseTarget(m.target);
    if (!path) {
      throw tableError(
        'invalidTarget',
        `mappings[${index}]: target "${m.target}" is not a SCIM attribute path; write attr, attr.sub, attr[type eq "work"].sub or urn:...:attr`,
      );
    }
    let expression: CompiledExpression | null = null;
    if (m.type === 'Expression') {
      try {
        expression = compileExpression(m.source ?? '');
      } catch (error) {
        if (isMappingError(error)) {
          throw new MappingError(
            error.stage,
            error.code,
            `mappings[${index}] (${m.target}): ${error.message}`,
            error.position,
            error.token,
          );
        }
        throw error;
      }
    } else if ((m.type === 'Direct' || m.type === 'Constant') && m.source === undefined) {
      throw tableError(
        'missingSource',
        `mappings[${index}] (${m.target}): a ${m.type} mapping needs a source`,
      );
    }
    return { mapping: m, path, expression, reference: REFERENCE_TARGETS.test(m.target) };
  });
  return {
    table,
    redactedTargets: steps.filter((s) => s.expression?.redacted === true).map((s) => s.mapping.target),
    evaluate(object: SourceObject, options: EvaluateMappingOptions = {}): Record<string, unknown> {
      const creating = (options.operation ?? 'create') === 'create';
      const resource: Record<string, unknown> = { schemas: [CORE[table.objectType]] };
      for (const { mapping, path, expression, reference } of steps) {
        if (!creating && mapping.apply === 'OnObjectCreationOnly') continue;
        let value: ExpressionValue;
        if (mapping.type === 'Direct') {
          const name = mapping.source!;
          const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
          value = fromAttribute(key === undefined ? undefined : object[key]);
        } else if (mapping.type === 'Constant') value = mapping.source!;
        else if (mapping.type === 'Expression') value = expression!.evaluate(object, options);
        else value = null;
        if ((value === null || value === '') && creating && mapping.defaultValue !== undefined)
          value = mapping.defaultValue;
        if (reference && value !== null) {
          const resolve = options.resolveReference ?? (({ value: v }: { value: string }) => v);
          const ids = (Array.isArray(value) ? value : [value])
            .map((v) =>
              v && typeof v === 'object'
                ? ((v as { value?: unknown; id?: unknown }).value ?? (v as { id?: unknown }).id)
                : v,
            )
            .filter((v) => v !== null && v !== undefined && v !== '')
            .map((v) => resolve({ target: mapping.target, value: String(v) }))
            .filter((v): v is string => v !== null);
          if (/manager(\.value)?$/i.test(mapping.target)) {
            value =
              ids[0] === undefined ? null : /\.value$/i.test(mapping.target) ? ids[0] : { value: ids[0] };
          } else value = ids.map((id) => ({ value: id }));
        }
        if (
          value === null ||
          (Array.isArray(value) && value.length === 0 && !/^Assertive/.test(mapping.source ?? ''))
        )
          continue;
        place(resource, path, value);
        if (path.urn && path.urn.toLowerCase() !== CORE[table.objectType].toLowerCase()) {
          const schemas = resource.schemas as string[];
          if (!schemas.includes(path.urn)) schemas.push(path.urn);
        }
      }
      const core = Object.keys(resource).find(
        (k) => k.toLowerCase() === CORE[table.objectType].toLowerCase(),
      );
      if (core) {
        const fields = resource[core] as Record<string, unknown>;
        delete resource[core];
        Object.assign(resource, fields);
      }
      return resource;
    },
  };
}

/**
 * Builds the SCIM resource Entra would send for a directory object under a mapping table (compile once
 * with {@link compileMappingTable} for many objects).
 *
 * @param table - the mapping table
 * @param object - the directory object
 * @param options - operation, reference resolution and expression options
 * @returns the SCIM resource, nested and multi-valued structures built from target paths, nulls
 * dropped, numbers sent as strings (`Count([proxyAddresses])` into `title` gives `"2"`); roles from
 * `AppRoleAssignmentsComplex` keep the app role's `id`, which Entra leaves out of a POST and sends
 * in its default dialect's PATCH
 * @throws {@link MappingError} with stage `table`, `lex`, `parse` or `evaluate`
 * @example
 * ```ts
 * evaluateMappingTable(entraDefaultUserMappings, { userPrincipalName: 'b@contoso.com', givenName: 'Barbara', IsSoftDeleted: false });
 * // { schemas: [...], userName: 'b@contoso.com', active: true, name: { givenName: 'Barbara', formatted: 'Barbara' } }
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes
 */
export function evaluateMappingTable(
  table: MappingTable,
  object: SourceObject,
  options?: EvaluateMappingOptions,
): Record<string, unknown> {
  return compileMappingTable(table).evaluate(object, options);
}

/**
 * One changed attribute between two resources, as a SCIM PATCH operation Entra would send.
 *
 * @example
 * ```ts
 * import { diffResources, entraDefaultUserMappings, evaluateMappingTable, type ResourceChange } from '@scim/mapping';
 * const adele = { userPrincipalName: 'adele@contoso.com', IsSoftDeleted: false, city: 'Bergen' };
 * const before = evaluateMappingTable(entraDefaultUserMappings, adele);
 * const after = evaluateMappingTable(entraDefaultUserMappings, { ...adele, city: 'Oslo' });
 * const changes: ResourceChange[] = diffResources(before, after);
 * // [{ op: 'replace', path: 'addresses[type eq "work"].locality', value: 'Oslo', previous: 'Bergen' }]
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes
 */
export interface ResourceChange {
  /** `add` (new attribute), `replace` (changed) or `remove` (gone). */
  readonly op: 'add' | 'replace' | 'remove';
  /** The attribute path, in the same form as mapping targets. */
  readonly path: string;
  /** The new value (absent for `remove`). */
  readonly value?: unknown;
  /** The previous value (absent for `add`). */
  readonly previous?: unknown;
}

function flatten(
  resource: Record<string, unknown>,
  prefix: string,
  out: Map<string, unknown>,
  urnRoot = false,
): void {
  for (const [key, value] of Object.entries(resource)) {
    if (prefix === '' && (key === 'schemas' || key === 'meta' || key === 'id')) continue;
    const path = prefix === '' ? key : urnRoot ? `${prefix}:${key}` : `${prefix}.${key}`;
    if (
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((v) => v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string')
    ) {
      const grouped = new Map<string, unknown[]>();
      for (const element of value as Record<string, unknown>[]) {
        const { type, ...rest } = element;
        for (const [sub, v] of Object.entries(rest)) {
          const p = `${path}[type eq "${String(type)}"].${sub}`;
          grouped.set(p, [...(grouped.get(p) ?? []), v]);
        }
      }
      for (const [p, vs] of grouped) out.set(p, vs.length === 1 ? vs[0] : vs);
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      flatten(value as Record<string, unknown>, path, out, prefix === '' && /^urn:/i.test(key));
    } else out.set(path, value);
  }
}

/**
 * Compares two SCIM resources (for example the one built before and after a directory change) and
 * returns the attributes that changed, as PATCH-style operations. `schemas`, `meta` and `id` are ignored;
 * typed multi-valued attributes are compared per type (`emails[type eq "work"].value`).
 *
 * @param before - the previous resource
 * @param after - the new resource
 * @returns the changes, sorted by path
 * @throws never
 * @example
 * ```ts
 * diffResources({ displayName: 'A' }, { displayName: 'B' }); // [{ op: 'replace', path: 'displayName', value: 'B', previous: 'A' }]
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export function diffResources(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): ResourceChange[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  flatten(before, '', a);
  flatten(after, '', b);
  const changes: ResourceChange[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const has = a.has(path);
    const now = b.has(path);
    if (has && !now) changes.push({ op: 'remove', path, previous: a.get(path) });
    else if (!has && now) changes.push({ op: 'add', path, value: b.get(path) });
    else if (JSON.stringify(a.get(path)) !== JSON.stringify(b.get(path))) {
      changes.push({ op: 'replace', path, value: b.get(path), previous: a.get(path) });
    }
  }
  return changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

/**
 * A query Entra sends to find an existing object by one matching attribute.
 *
 * @example
 * ```ts
 * const [first] = matchingQueries(entraDefaultUserMappings, { userPrincipalName: 'bjensen@contoso.com' });
 * first; // { target: 'userName', value: 'bjensen@contoso.com', filter: 'userName eq "bjensen@contoso.com"' }
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes#matching-attributes
 */
export interface MatchingQuery {
  /** The matching attribute's target path. */
  target: string;
  /** The value computed for the directory object. */
  value: string;
  /** The SCIM filter, for example `userName eq "bjensen@contoso.com"`. */
  filter: string;
}

/**
 * The matching attributes of a table in precedence order, with the SCIM filter Entra sends to find an
 * existing object for a directory object (`GET /Users?filter=userName eq "..."`).
 *
 * @param table - the mapping table
 * @param object - the directory object
 * @param options - expression options
 * @returns one query per matching attribute that has a value, first precedence first
 * @throws {@link MappingError} when an expression fails
 * @example
 * ```ts
 * matchingQueries(entraDefaultUserMappings, { userPrincipalName: 'b@contoso.com' })[0]?.filter; // 'userName eq "b@contoso.com"'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes#matching-users-in-the-source-and-target--systems
 */
export function matchingQueries(
  table: MappingTable,
  object: SourceObject,
  options?: EvaluateOptions,
): MatchingQuery[] {
  const out: { target: string; value: string; filter: string; precedence: number }[] = [];
  for (const m of table.mappings) {
    if (m.matchingPrecedence === undefined) continue;
    const single = compileMappingTable({
      objectType: table.objectType,
      mappings: [{ ...m, apply: 'Always' }],
    });
    const flat = new Map<string, unknown>();
    flatten(single.evaluate(object, { ...options, operation: 'update' }), '', flat);
    const value = [...flat.values()][0];
    if (value === undefined || value === null) continue;
    const s = String(value);
    out.push({
      target: m.target,
      value: s,
      filter: `${m.target.replace(/\.value$/i, '.value')} eq "${s.replace(/[\\"]/g, '\\$&')}"`,
      precedence: m.matchingPrecedence,
    });
  }
  return out.sort((x, y) => x.precedence - y.precedence).map(({ precedence: _p, ...q }) => q);
}

const TYPES: readonly MappingType[] = ['Direct', 'Constant', 'Expression', 'None'];

function validateTable(input: unknown): MappingTable {
  if (!input || typeof input !== 'object')
    throw tableError('invalidTable', 'a mapping table must be an object { objectType, mappings }');
  const t = input as Record<string, unknown>;
  if (t.objectType !== 'User' && t.objectType !== 'Group') {
    throw tableError(
      'invalidTable',
      `objectType must be "User" or "Group", got ${JSON.stringify(t.objectType)}`,
    );
  }
  if (!Array.isArray(t.mappings))
    throw tableError('invalidTable', 'mappings must be an array of attribute mappings');
  const mappings = t.mappings.map((raw, i): AttributeMapping => {
    if (!raw || typeof raw !== 'object')
      throw tableError('invalidMapping', `mappings[${i}] must be an object`);
    const m = raw as Record<string, unknown>;
    if (typeof m.target !== 'string' || !parseTarget(m.target)) {
      throw tableError(
        'invalidMapping',
        `mappings[${i}].target must be a SCIM attribute path such as "name.givenName"`,
      );
    }
    if (!TYPES.includes(m.type as MappingType)) {
      throw tableError(
        'invalidMapping',
        `mappings[${i}].type must be one of ${TYPES.join(', ')}, got ${JSON.stringify(m.type)}`,
      );
    }
    for (const key of ['source', 'defaultValue'] as const) {
      if (m[key] !== undefined && typeof m[key] !== 'string')
        throw tableError('invalidMapping', `mappings[${i}].${key} must be a string`);
    }
    if (
      m.matchingPrecedence !== undefined &&
      (!Number.isInteger(m.matchingPrecedence) || (m.matchingPrecedence as number) < 1)
    ) {
      throw tableError('invalidMapping', `mappings[${i}].matchingPrecedence must be a positive integer`);
    }
    if (m.apply !== undefined && m.apply !== 'Always' && m.apply !== 'OnObjectCreationOnly') {
      throw tableError('invalidMapping', `mappings[${i}].apply must be "Always" or "OnObjectCreationOnly"`);
    }
    const out: { -readonly [K in keyof AttributeMapping]: AttributeMapping[K] } = {
      target: m.target,
      type: m.type as MappingType,
    };
    if (m.source !== undefined) out.source = m.source as string;
    if (m.defaultValue !== undefined) out.defaultValue = m.defaultValue as string;
    if (m.matchingPrecedence !== undefined) out.matchingPrecedence = m.matchingPrecedence as number;
    if (m.apply !== undefined) out.apply = m.apply as MappingApply;
    return out;
  });
  const table: MappingTable = { objectType: t.objectType, mappings };
  compileMappingTable(table);
  return table;
}

/**
 * Parses a mapping table from JSON text (or an already parsed value) and checks it, expressions included.
 *
 * @param json - JSON text or a parsed value
 * @returns the mapping table
 * @throws {@link MappingError} with stage `table` (shape), or `lex` / `parse` (an expression)
 * @example
 * ```ts
 * const table = parseMappingTable(stringifyMappingTable(entraDefaultUserMappings));
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes
 */
export function parseMappingTable(json: string | unknown): MappingTable {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw tableError('invalidJson', `mapping table is not valid JSON (${(e as Error).message})`);
    }
  }
  return validateTable(value);
}

/**
 * Parses a mapping table, returning the error instead of throwing it.
 *
 * @param json - JSON text or a parsed value
 * @returns `{ success: true, value }` or `{ success: false, error }`
 * @throws never for a bad table: the error is returned
 * @example
 * ```ts
 * safeParseMappingTable('{"objectType":"User","mappings":[]}').success; // true
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes
 */
export function safeParseMappingTable(json: string | unknown): SafeMappingResult<MappingTable> {
  try {
    return { success: true, value: parseMappingTable(json) };
  } catch (error) {
    if (isMappingError(error)) return { success: false, error };
    throw error;
  }
}

/**
 * Prints a mapping table as JSON (two-space indented), the form {@link parseMappingTable} reads.
 *
 * @param table - the mapping table
 * @returns JSON text
 * @throws never
 * @example
 * ```ts
 * stringifyMappingTable(entraDefaultGroupMappings).includes('"displayName"'); // true
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes
 */
export function stringifyMappingTable(table: MappingTable): string {
  return `${JSON.stringify(table, null, 2)}\n`;
}

/**
 * An attribute mapping in Microsoft Graph's synchronization schema shape (`attributeMapping`).
 *
 * @example
 * ```ts
 * const [mapping] = toGraphAttributeMappings(entraDefaultGroupMappings);
 * mapping; // { targetAttributeName: 'displayName', source: {...}, flowType: 'Always', matchingPriority: 1, defaultValue: null }
 * ```
 * @see https://learn.microsoft.com/graph/api/resources/synchronization-attributemapping
 */
export interface GraphAttributeMapping {
  /** The target attribute. */
  readonly targetAttributeName: string;
  /** The source as a parse tree. */
  readonly source: GraphAttributeMappingSource;
  /** `Always` or `ObjectAddOnly`. */
  readonly flowType: 'Always' | 'ObjectAddOnly';
  /** 0 when not used for matching, else the precedence. */
  readonly matchingPriority: number;
  /** The default value, or null. */
  readonly defaultValue: string | null;
}

/**
 * Converts a mapping table to the `attributeMappings` of Graph's synchronization schema.
 *
 * @param table - the mapping table
 * @returns the Graph attribute mappings (None mappings become a Constant source with an empty name)
 * @throws {@link MappingError} when an expression does not parse
 * @example
 * ```ts
 * toGraphAttributeMappings(entraDefaultGroupMappings)[0]?.matchingPriority; // 1
 * ```
 * @see https://learn.microsoft.com/graph/api/resources/synchronization-attributemapping
 */
export function toGraphAttributeMappings(table: MappingTable): GraphAttributeMapping[] {
  return table.mappings.map((m) => {
    let source: GraphAttributeMappingSource;
    if (m.type === 'Expression') source = toGraphParseTree(compileExpression(m.source ?? '').ast);
    else if (m.type === 'Direct')
      source = { expression: `[${m.source}]`, name: m.source ?? '', type: 'Attribute', parameters: [] };
    else
      source = {
        expression: JSON.stringify(m.source ?? ''),
        name: m.source ?? '',
        type: 'Constant',
        parameters: [],
      };
    return {
      targetAttributeName: m.target,
      source,
      flowType: m.apply === 'OnObjectCreationOnly' ? 'ObjectAddOnly' : 'Always',
      matchingPriority: m.matchingPrecedence ?? 0,
      defaultValue: m.defaultValue ?? null,
    };
  });
}

/**
 * Converts Graph `attributeMappings` back to a mapping table.
 *
 * @param objectType - `User` or `Group`
 * @param mappings - the Graph attribute mappings
 * @returns the mapping table
 * @throws never; the expressions are not checked here: `compileMappingTable` checks them
 * @example
 * ```ts
 * fromGraphAttributeMappings('Group', toGraphAttributeMappings(entraDefaultGroupMappings));
 * ```
 * @see https://learn.microsoft.com/graph/api/resources/synchronization-attributemapping
 */
export function fromGraphAttributeMappings(
  objectType: 'User' | 'Group',
  mappings: readonly GraphAttributeMapping[],
): MappingTable {
  return {
    objectType,
    mappings: mappings.map((g) => {
      const out: { -readonly [K in keyof AttributeMapping]: AttributeMapping[K] } = {
        target: g.targetAttributeName,
        type:
          g.source.type === 'Function' ? 'Expression' : g.source.type === 'Attribute' ? 'Direct' : 'Constant',
        source: g.source.type === 'Function' ? g.source.expression : g.source.name,
      };
      if (g.defaultValue !== null) out.defaultValue = g.defaultValue;
      if (g.matchingPriority > 0) out.matchingPrecedence = g.matchingPriority;
      if (g.flowType === 'ObjectAddOnly') out.apply = 'OnObjectCreationOnly';
      return out;
    }),
  };
}
