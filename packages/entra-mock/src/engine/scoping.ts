// Scoping filters: Entra's attribute-based rules that decide which users and groups are provisioned.
import { ScimError } from '@scim/schemas';

/**
 * A scoping filter operator, as the Entra admin center and Graph's `filterClause.operatorName` spell it.
 *
 * @example
 * ```ts
 * // Greater_Than compares integers, so the value is a whole number.
 * evaluateScopingClause({ attribute: 'employeeId', operator: 'Greater_Than', value: '1000' }, { employeeId: '1042' }); // true
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/define-conditional-rules-for-provisioning-user-accounts
 */
export type ScopingOperator =
  | '&'
  | '!&'
  | 'ENDS_WITH'
  | 'EQUALS'
  | 'Greater_Than'
  | 'Greater_Than_OR_EQUALS'
  | 'Includes'
  | 'IS FALSE'
  | 'IS NOT NULL'
  | 'IS NULL'
  | 'IS TRUE'
  | 'NOT EQUALS'
  | 'NOT REGEX MATCH'
  | 'REGEX MATCH';

/**
 * Every operator Microsoft documents for scoping filters.
 *
 * @example
 * ```ts
 * SCOPING_OPERATORS.includes('EQUALS'); // true
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/define-conditional-rules-for-provisioning-user-accounts
 */
export const SCOPING_OPERATORS: readonly ScopingOperator[] = [
  '&',
  '!&',
  'ENDS_WITH',
  'EQUALS',
  'Greater_Than',
  'Greater_Than_OR_EQUALS',
  'Includes',
  'IS FALSE',
  'IS NOT NULL',
  'IS NULL',
  'IS TRUE',
  'NOT EQUALS',
  'NOT REGEX MATCH',
  'REGEX MATCH',
];

/**
 * One clause of a scoping filter: a source attribute, an operator and a value.
 *
 * @example
 * ```ts
 * evaluateScopingClause({ attribute: 'department', operator: 'EQUALS', value: 'Sales' }, { department: 'sales' }); // false: case-sensitive
 * evaluateScopingClause({ attribute: 'department', operator: 'IS NULL' }, { department: '' }); // true: empty is null
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/define-conditional-rules-for-provisioning-user-accounts
 */
export interface ScopingClause {
  /** The source attribute, as in the mapping language (`department`, `extensionAttribute1`, `accountEnabled`). */
  attribute: string;
  /** The operator. */
  operator: ScopingOperator;
  /** The value to compare with; unused by `IS TRUE`, `IS FALSE`, `IS NULL` and `IS NOT NULL`. */
  value?: string;
}

/**
 * A scoping filter: its clauses are ANDed; several filters on one object type are ORed.
 *
 * @example
 * ```ts
 * // Sales staff in New York, or anyone in Contractors: the job restarts and re-evaluates every user.
 * job.setUserScopingFilters([
 *   { title: 'Sales in New York', clauses: [
 *     { attribute: 'department', operator: 'EQUALS', value: 'Sales' },
 *     { attribute: 'city', operator: 'EQUALS', value: 'New York' },
 *   ] },
 *   { title: 'Contractors', clauses: [{ attribute: 'employeeType', operator: 'EQUALS', value: 'Contractor' }] },
 * ]);
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/define-conditional-rules-for-provisioning-user-accounts
 */
export interface ScopingFilter {
  /** The filter's title. */
  title?: string;
  /** The clauses, all of which must hold. */
  clauses: ScopingClause[];
}

function read(object: Readonly<Record<string, unknown>>, name: string): unknown {
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) if (key.toLowerCase() === lower) return object[key];
  return undefined;
}

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return null; // filtering is not supported for multi-valued attributes
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  const s = String(value);
  return s === '' ? null : s;
}

function integer(value: string | undefined | null): number | null {
  if (value === undefined || value === null || !/^\s*-?\d+\s*$/.test(value)) return null;
  return Number(value);
}

/**
 * Evaluates one clause against a source object. As Microsoft documents, a null or empty attribute
 * makes every clause false except `IS NULL`; `Greater_Than` and the like need integers on both sides;
 * string comparisons are case-sensitive.
 *
 * @param clause - the clause
 * @param object - the source object (a user or group as the mapping language reads it)
 * @returns whether the clause holds
 * @example
 * ```ts
 * evaluateScopingClause({ attribute: 'department', operator: 'EQUALS', value: 'Sales' }, { department: 'Sales' }); // true
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/define-conditional-rules-for-provisioning-user-accounts
 */
export function evaluateScopingClause(
  clause: ScopingClause,
  object: Readonly<Record<string, unknown>>,
): boolean {
  const actual = text(read(object, clause.attribute));
  if (clause.operator === 'IS NULL') return actual === null;
  if (actual === null) return false;
  const expected = clause.value ?? '';
  switch (clause.operator) {
    case 'IS NOT NULL':
      return true;
    case 'IS TRUE':
      return /^true$/i.test(actual);
    case 'IS FALSE':
      return /^false$/i.test(actual);
    case 'EQUALS':
      return actual === expected;
    case 'NOT EQUALS':
      return actual !== expected;
    case 'ENDS_WITH':
      return actual.endsWith(expected);
    case 'Includes':
      return actual.includes(expected);
    case '&':
      return expected.includes(actual);
    case '!&':
      return !expected.includes(actual);
    case 'REGEX MATCH':
      return new RegExp(expected).test(actual);
    case 'NOT REGEX MATCH':
      return !new RegExp(expected).test(actual);
    case 'Greater_Than':
    case 'Greater_Than_OR_EQUALS': {
      const a = integer(actual);
      const b = integer(expected);
      if (a === null || b === null) return false;
      return clause.operator === 'Greater_Than' ? a > b : a >= b;
    }
    default:
      throw unknownOperator(clause.operator);
  }
}

function unknownOperator(operator: unknown): ScimError {
  return new ScimError(
    'invalidFilter',
    `scoping filter: ${JSON.stringify(operator)} is not an operator Entra has; use one of ${SCOPING_OPERATORS.join(', ')}`,
  );
}

/**
 * Source attributes Microsoft documents as unsupported in scoping filters.
 *
 * @example
 * ```ts
 * UNSUPPORTED_SCOPING_ATTRIBUTES.includes('manager'); // true
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/known-issues#unsupported-scoping-filters
 */
export const UNSUPPORTED_SCOPING_ATTRIBUTES: readonly string[] = [
  'appRoleAssignments',
  'userType',
  'manager',
];

/**
 * Checks scoping filters as Entra does when they are saved: every operator must be one Entra has,
 * and no clause may read an attribute Microsoft documents as unsupported in scoping filters
 * (`appRoleAssignments`, `userType`, `manager`); `Greater_Than` and `Greater_Than_OR_EQUALS` need an
 * integer value. Entra rejects such filters instead of evaluating them to false, and so does the
 * simulator.
 *
 * @param filters - the filters to check
 * @returns the same filters
 * @throws ScimError `invalidFilter` naming the clause, the offending operator or attribute, and what to use instead
 * @example
 * ```ts
 * validateScopingFilters([{ clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Sales' }] }]);
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/define-conditional-rules-for-provisioning-user-accounts
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/known-issues#unsupported-scoping-filters
 */
export function validateScopingFilters(filters: readonly ScopingFilter[]): readonly ScopingFilter[] {
  filters.forEach((filter, f) => {
    filter.clauses.forEach((clause, c) => {
      const where = `scoping filter ${f + 1}${filter.title ? ` ("${filter.title}")` : ''}, clause ${c + 1}`;
      if (!SCOPING_OPERATORS.includes(clause.operator)) {
        throw new ScimError(
          'invalidFilter',
          `${where}: ${JSON.stringify(clause.operator)} is not an operator Entra has; use one of ${SCOPING_OPERATORS.join(', ')}`,
        );
      }
      // Provisioning on demand: "avoid using the Greater_Than operator with a noninteger value".
      if (
        (clause.operator === 'Greater_Than' || clause.operator === 'Greater_Than_OR_EQUALS') &&
        integer(clause.value ?? null) === null
      ) {
        throw new ScimError(
          'invalidFilter',
          `${where}: ${clause.operator} compares integers; ${JSON.stringify(clause.value ?? null)} is not an integer`,
        );
      }
      const unsupported = UNSUPPORTED_SCOPING_ATTRIBUTES.find(
        (a) => a.toLowerCase() === String(clause.attribute).toLowerCase(),
      );
      if (unsupported) {
        throw new ScimError(
          'invalidFilter',
          `${where}: Entra does not support ${unsupported} in scoping filters; use assignments, or map the value to another attribute`,
        );
      }
    });
  });
  return filters;
}

/**
 * Whether a source object is in scope: true when there are no filters, or when every clause of at
 * least one filter holds (clauses ANDed, filters ORed).
 *
 * @param filters - the scoping filters of the object type
 * @param object - the source object
 * @returns whether the object passes
 * @example
 * ```ts
 * isInScope([{ clauses: [{ attribute: 'jobTitle', operator: 'IS NOT NULL' }] }], { jobTitle: 'Engineer' }); // true
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/define-conditional-rules-for-provisioning-user-accounts
 */
export function isInScope(
  filters: readonly ScopingFilter[],
  object: Readonly<Record<string, unknown>>,
): boolean {
  if (filters.length === 0) return true;
  return filters.some((f) => f.clauses.every((c) => evaluateScopingClause(c, object)));
}
