import { formatEntraDate, instantOf } from './dates/instant.ts';

/**
 * An object value, such as one app role assignment or one role built by AppRoleAssignmentsComplex.
 *
 * @example
 * ```ts
 * import { compileExpression, type ExpressionObject } from '@scim/mapping';
 * const roles = compileExpression('AppRoleAssignmentsComplex([appRoleAssignments])').evaluate({
 *   appRoleAssignments: [{ id: 'role-id', displayName: 'Admin', value: 'admin' }],
 * }) as readonly ExpressionObject[];
 * roles[0]; // { id: 'role-id', primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'Admin', value: 'admin' }
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data#approleassignmentscomplex
 */
export interface ExpressionObject {
  readonly [key: string]: unknown;
}

/**
 * A value in the expression language: a string (booleans are the strings `"True"` / `"False"` as in
 * Entra), a number, `null` (an absent attribute), a multi-valued list, or an object.
 *
 * @example
 * ```ts
 * const value: ExpressionValue = compileExpression('Split([proxyAddresses], ",")').evaluate({ proxyAddresses: 'a,b' }); // ['a', 'b']
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export type ExpressionValue = string | number | null | readonly ExpressionValue[] | ExpressionObject;

/**
 * The source object an expression or a mapping table reads: a directory object's attributes, name
 * to value (names match case-insensitively). @scim/entra-mock's `DirectoryObject` is another
 * thing: a tenant's user or group, tagged with its type.
 *
 * @example
 * ```ts
 * import { compileExpression, type SourceObject } from '@scim/mapping';
 * const barbara: SourceObject = { givenName: 'Barbara', surname: 'Jensen', IsSoftDeleted: false };
 * compileExpression('Join(" ", [givenName], [surname])').evaluate(barbara); // 'Barbara Jensen'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes
 */
export type SourceObject = Readonly<Record<string, unknown>>;

/**
 * A directory object as the expression reads it: attribute name to value.
 *
 * @deprecated Use {@link SourceObject}: this name is also @scim/entra-mock's tenant user or group.
 * @example
 * ```ts
 * import { compileExpression, type DirectoryObject } from '@scim/mapping';
 * const barbara: DirectoryObject = { givenName: 'Barbara', surname: 'Jensen', IsSoftDeleted: false };
 * compileExpression('Join(" ", [givenName], [surname])').evaluate(barbara); // 'Barbara Jensen'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes
 */
export type DirectoryObject = SourceObject;

/** @internal Normalizes an attribute value read from a directory object. */
export function fromAttribute(value: unknown): ExpressionValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return formatEntraDate(instantOf(value));
  if (Array.isArray(value)) return value.map(fromAttribute);
  if (typeof value === 'object') return value as ExpressionObject;
  return String(value);
}

/**
 * @internal A number as .NET's invariant `ToString()` writes it: integers in plain digits (as `Int64`
 * does), other values as the shortest round-trip string, in scientific notation below 1E-04 (`1E-05`),
 * as `Double.ToString()` does since .NET Core 3.0.
 * @see https://learn.microsoft.com/dotnet/standard/base-types/standard-numeric-format-strings#general-format-specifier-g
 */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
  if (!Number.isFinite(n) || Math.abs(n) >= 1e-4) return String(n); // NaN, Infinity as .NET's invariant symbols
  const [mantissa, exponent = '0'] = n.toExponential().split('e');
  const e = Number(exponent);
  return `${mantissa}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** @internal A value as a string (first element of a list), or null. */
export function asString(value: ExpressionValue): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (Array.isArray(value)) return value.length === 0 ? null : asString(value[0] as ExpressionValue);
  const o = value as ExpressionObject;
  for (const key of ['value', 'id', 'displayName']) if (typeof o[key] === 'string') return o[key] as string;
  return JSON.stringify(o);
}

/** @internal Whether a value means "true" (the string True, or a non-zero number). */
export function isTruthy(value: ExpressionValue): boolean {
  const s = asString(value);
  if (s === null) return false;
  if (/^true$/i.test(s.trim())) return true;
  const n = Number(s);
  return s.trim() !== '' && !Number.isNaN(n) && n !== 0;
}

/** @internal Entra's boolean strings. */
export const bool = (b: boolean): string => (b ? 'True' : 'False');

/** @internal Whether the value is null, an empty string, or an empty list. */
export function isNullOrEmpty(value: ExpressionValue): boolean {
  return value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** @internal Every value of a possibly multi-valued value. */
export function asList(value: ExpressionValue): readonly ExpressionValue[] {
  if (value === null) return [];
  return Array.isArray(value) ? (value as readonly ExpressionValue[]) : [value];
}
