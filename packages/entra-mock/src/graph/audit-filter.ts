// `$filter` of `GET /auditLogs/provisioning`: the operators and properties Microsoft documents for
// provisioning logs (`eq`, `contains`, `gt`, `lt`, joined by `and`), case-sensitive. Internal to the
// package.
import type { ProvisioningObjectSummary } from '../logs/types.ts';
import { GraphQueryError } from './odata.ts';

/** An operator of the provisioning-log filter. @internal */
export type AuditFilterOperator = 'eq' | 'contains' | 'gt' | 'lt';

/** One comparison: a property path, an operator and a literal. @internal */
export interface AuditFilterClause {
  readonly path: string;
  readonly operator: AuditFilterOperator;
  readonly value: string | number;
}

type Kind = 'string' | 'dateTime' | 'number';

/**
 * The properties Microsoft documents as filterable on provisioningObjectSummary and the types it
 * uses (provisionedIdentity, provisioningSystem, provisioningStatusInfo, initiator,
 * provisioningServicePrincipal), with their operators. The v1.0 pages lag the beta ones for a few
 * properties (`durationInMilliseconds`, `provisioningStatusInfo/status`, the systems' names); both
 * versions accept the union.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/resources/provisioningobjectsummary
 * @see https://learn.microsoft.com/en-us/graph/api/resources/provisioningobjectsummary?view=graph-rest-beta
 */
const FILTERABLE: ReadonlyMap<string, { kind: Kind; operators: readonly AuditFilterOperator[] }> = new Map([
  ['activityDateTime', { kind: 'dateTime', operators: ['eq', 'gt', 'lt'] }],
  ['durationInMilliseconds', { kind: 'number', operators: ['eq', 'gt', 'lt'] }],
  ...(
    [
      'id',
      'changeId',
      'cycleId',
      'jobId',
      'provisioningAction',
      'provisioningStatusInfo/status',
      'initiatedBy/id',
      'initiatedBy/displayName',
      'initiatedBy/initiatorType',
      'sourceIdentity/id',
      'sourceIdentity/displayName',
      'sourceIdentity/identityType',
      'targetIdentity/id',
      'targetIdentity/displayName',
      'targetIdentity/identityType',
      'sourceSystem/displayName',
      'targetSystem/displayName',
    ] as const
  ).map(
    (path) =>
      [path, { kind: 'string' as Kind, operators: ['eq', 'contains'] as AuditFilterOperator[] }] as const,
  ),
  ['servicePrincipal/id', { kind: 'string', operators: ['eq'] }],
  ['servicePrincipal/displayName', { kind: 'string', operators: ['eq'] }],
]);

/**
 * The error Graph's reporting API answers for a filter it does not support: `400 BadRequest`,
 * "Invalid filter clause" (observed, reported in microsoftgraph/microsoft-graph-docs-contrib issue
 * 6620); the simulator adds what to fix.
 */
function invalid(why: string): GraphQueryError {
  return new GraphQueryError(400, 'BadRequest', `Invalid filter clause: ${why}`);
}

const TOKEN = /\s*('(?:[^']|'')*'?|\(|\)|,|[^\s(),']+)/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) {
      if (text.slice(start).trim() === '') break;
      throw invalid(`unexpected text at offset ${start}.`);
    }
    tokens.push(match[1]!);
  }
  return tokens;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** A literal of the property's type: a quoted string, an unquoted date-time, or an integer. */
function literal(token: string | undefined, path: string, kind: Kind): string | number {
  if (token === undefined) throw invalid(`expected a value for '${path}'.`);
  if (kind === 'string') {
    if (token.length < 2 || !token.startsWith("'") || !token.endsWith("'")) {
      throw invalid(`'${path}' takes a string in single quotes, not ${token}.`);
    }
    return token.slice(1, -1).replace(/''/g, "'");
  }
  if (kind === 'dateTime') {
    if (!DATE_TIME.test(token) || Number.isNaN(Date.parse(token))) {
      throw invalid(`'${path}' takes an unquoted date-time such as 2024-05-01T00:00:00Z, not ${token}.`);
    }
    return Date.parse(token);
  }
  if (!/^-?\d+$/.test(token)) throw invalid(`'${path}' takes an integer, not ${token}.`);
  return Number(token);
}

/** The property's type after checking that Microsoft documents the operator on it. */
function supported(path: string, operator: AuditFilterOperator): Kind {
  const property = FILTERABLE.get(path);
  if (!property) {
    throw invalid(
      `'${path}' cannot be filtered on; filter on ${[...FILTERABLE.keys()].join(', ')} (names are case-sensitive).`,
    );
  }
  if (!property.operators.includes(operator)) {
    throw invalid(`'${operator}' is not supported on '${path}'; use ${property.operators.join(' or ')}.`);
  }
  return property.kind;
}

/** One clause at `tokens[i]`: `path op literal` or `contains(path, 'text')`. */
function clause(tokens: readonly string[], i: number): { clause: AuditFilterClause; next: number } {
  const head = tokens[i]!;
  if (head === 'contains' && tokens[i + 1] === '(') {
    const path = tokens[i + 2] ?? '';
    if (tokens[i + 3] !== ',') throw invalid("write contains(property, 'text').");
    const value = literal(tokens[i + 4], path, supported(path, 'contains'));
    if (tokens[i + 5] !== ')') throw invalid("write contains(property, 'text').");
    return { clause: { path, operator: 'contains', value }, next: i + 6 };
  }
  if (head === '(' || head.startsWith("'")) throw invalid('grouping with parentheses is not supported.');
  const op = tokens[i + 1];
  if (op === undefined) throw invalid(`expected an operator after '${head}'.`);
  if (op !== 'eq' && op !== 'gt' && op !== 'lt') {
    throw invalid(`'${op}' is not supported; the operators are eq, gt, lt and contains(), joined by and.`);
  }
  const kind = supported(head, op);
  return { clause: { path: head, operator: op, value: literal(tokens[i + 2], head, kind) }, next: i + 3 };
}

/**
 * Parses a provisioning-log `$filter`: comparisons with `eq`, `gt`, `lt` and `contains(…)` on the
 * documented properties, joined by `and`. Strings are single-quoted (`''` escapes a quote), dates
 * unquoted.
 *
 * @param text - the `$filter` value
 * @returns the clauses
 * @throws GraphQueryError 400 `BadRequest` "Invalid filter clause: …" for anything else
 * @see https://learn.microsoft.com/en-us/graph/api/provisioningobjectsummary-list
 * @internal
 */
export function parseAuditFilter(text: string): AuditFilterClause[] {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw invalid('the filter is empty.');
  const clauses: AuditFilterClause[] = [];
  let i = 0;
  for (;;) {
    const parsed = clause(tokens, i);
    clauses.push(parsed.clause);
    i = parsed.next;
    if (i >= tokens.length) return clauses;
    if (tokens[i] !== 'and')
      throw invalid(`expected 'and' before '${tokens[i]}'; only and joins comparisons.`);
    i++;
    if (i >= tokens.length) throw invalid("expected a comparison after 'and'.");
  }
}

function read(entry: ProvisioningObjectSummary, path: string): unknown {
  let value: unknown = entry;
  for (const part of path.split('/')) {
    value =
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

/**
 * Whether a log entry satisfies every clause. String comparisons are case-sensitive, as Microsoft
 * documents for this API ("The filters are all case sensitive").
 *
 * @see https://learn.microsoft.com/en-us/graph/api/provisioningobjectsummary-list
 * @internal
 */
export function matchesAuditFilter(
  entry: ProvisioningObjectSummary,
  clauses: readonly AuditFilterClause[],
): boolean {
  return clauses.every(({ path, operator, value }) => {
    const raw = read(entry, path);
    const actual = path === 'activityDateTime' && typeof raw === 'string' ? Date.parse(raw) : raw;
    if (operator === 'eq') return actual === value;
    if (operator === 'contains') return typeof actual === 'string' && actual.includes(String(value));
    if (typeof actual !== 'number') return false;
    return operator === 'gt' ? actual > (value as number) : actual < (value as number);
  });
}
