/**
 * Input limits the handler enforces before anything reaches a store, identically for every store:
 * text no database keeps (U+0000, unpaired surrogates), the values of a multi-valued attribute,
 * and the length of indexed attributes.
 *
 * @internal
 * @packageDocumentation
 */
import type { QueryFilter } from '@scim/protocol';
import { ScimError } from '@scim/schemas';
import type { ServedType } from './config.ts';

/** What {@link checkWritable} needs of the configuration. @internal */
export interface WriteLimits {
  readonly maxValuesPerAttribute: number;
  readonly maxIndexedValueLength: number;
}

/** Attributes the SQL stores index by value, besides every unique attribute. */
const INDEXED = ['userName', 'externalId', 'displayName'];

const isWellFormed = (text: string): boolean =>
  (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Why a string cannot be stored, or undefined when it can. @internal */
export function unstorable(text: string): string | undefined {
  if (text.includes('\u0000')) return 'holds U+0000 (NUL)';
  if (!isWellFormed(text)) return 'holds an unpaired surrogate (a lone half of a UTF-16 pair)';
  return undefined;
}

/** A JSON path for messages: `emails[0].value`, `name.givenName`. */
function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Rejects a body holding a string (or a key) that no store keeps as it was sent: U+0000, which
 * PostgreSQL refuses in text and JSONB, and unpaired surrogates, which cannot be encoded as UTF-8
 * (SQLite writes U+FFFD instead, so two different names would become one).
 *
 * @throws ScimError `invalidValue` naming where the string is
 * @internal
 */
export function checkText(body: unknown, path = ''): void {
  if (typeof body === 'string') {
    const why = unstorable(body);
    if (why !== undefined) {
      throw new ScimError(
        'invalidValue',
        `${path === '' ? 'the body' : `"${path}"`} ${why}, which SCIM strings cannot carry; remove it and send the request again`,
        { token: path },
      );
    }
    return;
  }
  if (Array.isArray(body)) {
    for (let i = 0; i < body.length; i++) checkText(body[i], join(path, i));
    return;
  }
  if (typeof body !== 'object' || body === null) return;
  for (const [key, value] of Object.entries(body)) {
    const why = unstorable(key);
    if (why !== undefined) {
      throw new ScimError('invalidValue', `an attribute name in the body ${why}; remove it`, {
        token: JSON.stringify(key),
      });
    }
    checkText(value, join(path, key));
  }
}

/**
 * Rejects a filter comparing with a string no store keeps (as {@link checkText}).
 *
 * @throws ScimError `invalidFilter` naming the comparison
 * @internal
 */
export function checkFilterText(filter: QueryFilter): void {
  switch (filter.kind) {
    case 'and':
    case 'or':
      for (const f of filter.filters) checkFilterText(f);
      return;
    case 'not':
      checkFilterText(filter.filter);
      return;
    case 'valuePath':
      checkFilterText(filter.filter);
      return;
    case 'compare': {
      if (typeof filter.value !== 'string') return;
      const why = unstorable(filter.value);
      if (why === undefined) return;
      const p = filter.path;
      const name = `${p.urn === undefined ? '' : `${p.urn}:`}${p.attribute}${p.subAttribute === undefined ? '' : `.${p.subAttribute}`}`;
      throw new ScimError(
        'invalidFilter',
        `filter: the value compared with ${name} ${why}, which no stored value holds; remove it`,
        { token: name },
      );
    }
    default:
      return;
  }
}

/** Length in code points, counted only as far as needed. */
function longerThan(text: string, max: number): number | undefined {
  if (text.length <= max) return undefined;
  const n = [...text].length;
  return n > max ? n : undefined;
}

/** Checks the values of every multi-valued attribute (nested ones too). */
function checkValues(value: unknown, path: string, max: number): void {
  if (Array.isArray(value)) {
    if (value.length > max) {
      throw new ScimError(
        'invalidValue',
        `"${path}" has ${value.length} values, more than the ${max} this service provider keeps in one attribute (limits.maxValuesPerAttribute); send at most ${max}`,
        { token: path },
      );
    }
    for (const v of value) if (typeof v === 'object' && v !== null) checkValues(v, path, max);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'object' && v !== null) checkValues(v, path === '' ? k : `${path}.${k}`, max);
  }
}

/** The string an indexed attribute holds in `data` (`urn` for an extension attribute). */
function valueAt(data: Readonly<Record<string, unknown>>, name: string, urn: string | undefined): unknown {
  const holder = urn === undefined ? data : data[urn];
  return typeof holder === 'object' && holder !== null
    ? (holder as Record<string, unknown>)[name]
    : undefined;
}

/**
 * Checks the data a write would store against the limits: no multi-valued attribute holds more
 * than `maxValuesPerAttribute` values (a type's reference attribute, `members`, is kept apart and
 * not counted), and no indexed attribute (`userName`, `externalId`, `displayName`, and every
 * attribute with `uniqueness: server|global`) is longer than `maxIndexedValueLength` characters.
 *
 * @throws ScimError `invalidValue` naming the attribute and the limit
 * @internal
 */
export function checkWritable(
  limits: WriteLimits,
  type: ServedType,
  data: Readonly<Record<string, unknown>>,
): void {
  for (const [key, value] of Object.entries(data)) {
    if (key === type.referenceAttribute || typeof value !== 'object' || value === null) continue;
    if (key.startsWith('urn:') && !Array.isArray(value)) {
      // An extension's attributes, named with their URN.
      for (const [k, v] of Object.entries(value)) checkValues(v, `${key}:${k}`, limits.maxValuesPerAttribute);
    } else checkValues(value, key, limits.maxValuesPerAttribute);
  }
  const max = limits.maxIndexedValueLength;
  const indexed = [
    ...INDEXED.map((name) => ({ path: name, name, urn: undefined as string | undefined })),
    ...type.unique.map((u) => ({ path: u.path, name: u.definition.name, urn: u.urn })),
  ];
  for (const { path, name, urn } of indexed) {
    const value = valueAt(data, name, urn);
    if (typeof value !== 'string') continue;
    const length = longerThan(value, max);
    if (length === undefined) continue;
    throw new ScimError(
      'invalidValue',
      `${path} is ${length} characters long, more than the ${max} this service provider accepts for an indexed attribute (limits.maxIndexedValueLength); shorten it`,
      { token: path },
    );
  }
}
