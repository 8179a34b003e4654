// The synchronization schema's tools in Graph's terms: the functions of the expression language,
// the scoping filter operators, and parseExpression (backed by @scim/mapping), plus the `scim`
// template. Pure functions; internal to the package.
import {
  type EvaluateOptions,
  type ExpressionValue,
  expressionFunctions,
  isMappingError,
  type MappingError,
  type ParameterType,
  safeCompileExpression,
  toGraphParseTree,
} from '@scim/mapping';
import { SCOPING_OPERATORS, type ScopingOperator } from '../engine/scoping.ts';
import type { EntraServicePrincipal } from '../tenant/types.ts';
import { badRequest } from './context.ts';
import type { components } from './openapi.generated.ts';
import { defaultSchemaState, graphSchema } from './sync-schema.ts';

type Schemas = components['schemas'];
type AttributeType = Schemas['attributeMappingParameterSchema']['type'];

/** The template every application offers: Entra's non-gallery SCIM template. @internal */
export const SCIM_TEMPLATE_ID = 'scim';

/**
 * The application's `scim` template: Entra's default mappings and no scoping filters, the schema a
 * new job starts from. `factoryTag` is `CustomSCIM`, as in the Graph reference's template samples.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/resources/synchronization-synchronizationtemplate
 * @internal
 */
export function scimTemplateJson(
  sp: EntraServicePrincipal,
  ruleId: string,
): Schemas['synchronizationTemplate'] {
  return {
    id: SCIM_TEMPLATE_ID,
    applicationId: sp.appId,
    default: true,
    description: 'Provisioning to an application that supports SCIM 2.0 (non-gallery application).',
    discoverable: true,
    factoryTag: 'CustomSCIM',
    metadata: [],
    schema: graphSchema({ id: SCIM_TEMPLATE_ID, ruleId, schema: defaultSchemaState() }),
  };
}

/** Graph's `attributeType` of a function parameter: numbers are `Integer`, the rest text. */
function attributeType(type: ParameterType): AttributeType {
  if (type === 'Number') return 'Integer';
  if (type === 'Boolean' || type === 'DateTime') return type;
  return 'String';
}

/**
 * Every function of the expression language as Graph's `attributeMappingFunctionSchema`, from
 * @scim/mapping's function table.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationschema-functions
 * @internal
 */
export function functionsJson(): Schemas['attributeMappingFunctionSchema'][] {
  return expressionFunctions.map((f) => ({
    name: f.name,
    parameters: f.parameters.map((p) => ({
      allowMultipleOccurrences: p.repeating === true,
      name: p.name,
      required: p.required,
      type: attributeType(p.type),
    })),
  }));
}

type OperatorShape = Pick<Schemas['filterOperatorSchema'], 'arity' | 'supportedAttributeTypes'>;

/**
 * Arity and attribute types of each scoping operator, as the Scoping filters page describes them
 * (`IS TRUE`/`IS FALSE` on booleans, `Greater_Than` on integers, `IS NULL` on any type); `EQUALS`
 * as the Graph sample shows it (`String`, `Integer`).
 */
const OPERATORS: Record<ScopingOperator, OperatorShape> = {
  '&': { arity: 'Binary', supportedAttributeTypes: ['String'] },
  '!&': { arity: 'Binary', supportedAttributeTypes: ['String'] },
  ENDS_WITH: { arity: 'Binary', supportedAttributeTypes: ['String'] },
  EQUALS: { arity: 'Binary', supportedAttributeTypes: ['String', 'Integer'] },
  Greater_Than: { arity: 'Binary', supportedAttributeTypes: ['Integer'] },
  Greater_Than_OR_EQUALS: { arity: 'Binary', supportedAttributeTypes: ['Integer'] },
  Includes: { arity: 'Binary', supportedAttributeTypes: ['String'] },
  'IS FALSE': { arity: 'Unary', supportedAttributeTypes: ['Boolean'] },
  'IS NOT NULL': {
    arity: 'Unary',
    supportedAttributeTypes: ['String', 'Integer', 'Boolean', 'Reference', 'Binary'],
  },
  'IS NULL': {
    arity: 'Unary',
    supportedAttributeTypes: ['String', 'Integer', 'Boolean', 'Reference', 'Binary'],
  },
  'IS TRUE': { arity: 'Unary', supportedAttributeTypes: ['Boolean'] },
  'NOT EQUALS': { arity: 'Binary', supportedAttributeTypes: ['String', 'Integer'] },
  'NOT REGEX MATCH': { arity: 'Binary', supportedAttributeTypes: ['String'] },
  'REGEX MATCH': { arity: 'Binary', supportedAttributeTypes: ['String'] },
};

/**
 * Every scoping filter operator as Graph's `filterOperatorSchema`; `multivaluedComparisonType` is
 * Graph's default, `All`.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationschema-filteroperators
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/define-conditional-rules-for-provisioning-user-accounts
 * @internal
 */
export function filterOperatorsJson(): Schemas['filterOperatorSchema'][] {
  return SCOPING_OPERATORS.map((name) => ({ name, multivaluedComparisonType: 'All', ...OPERATORS[name] }));
}

/** A mapping error as Graph's `publicError`: its code, message, and the offending token as target. */
function publicError(error: MappingError): Schemas['publicError'] {
  return {
    code: error.code,
    message: error.message,
    target: error.token === '' ? null : error.token,
    details: [],
    innerError: null,
  };
}

/** The test object of a parseExpression request: `{ properties: [{ key, value }] }`, or `null`. */
function testObject(input: unknown): Record<string, unknown> | null {
  if (input === undefined || input === null) return null;
  const properties = (input as { properties?: unknown }).properties;
  if (!Array.isArray(properties))
    throw badRequest('testInputObject.properties must be an array of { key, value }');
  const object: Record<string, unknown> = {};
  for (const [i, p] of properties.entries()) {
    const key = (p as { key?: unknown })?.key;
    if (typeof key !== 'string') throw badRequest(`testInputObject.properties[${i}].key must be a string`);
    object[key] = (p as { value?: unknown }).value ?? null;
  }
  return object;
}

/** An expression's value as Graph's `evaluationResult`: one string per value. */
function resultStrings(value: ExpressionValue): string[] {
  if (value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v: ExpressionValue) => resultStrings(v));
  if (typeof value === 'object') return [JSON.stringify(value)];
  return [String(value)];
}

/**
 * Answers `parseExpression`: parses the expression with @scim/mapping (lexing, syntax, function
 * names and argument counts), returns the parse tree as Graph's `attributeMappingSource`, and, when
 * a `testInputObject` is given, evaluates it against that object's properties.
 *
 * @param body - `{ expression, testInputObject?, targetAttributeDefinition? }`
 * @param options - the clock and the tenant's default domain for evaluation
 * @returns Graph's `parseExpressionResponse`
 * @throws GraphQueryError 400 when `expression` is not a string or the test object is malformed
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationschema-parseexpression
 * @internal
 */
export function parseExpressionJson(
  body: Record<string, unknown>,
  options: EvaluateOptions,
): Schemas['parseExpressionResponse'] {
  if (typeof body.expression !== 'string') throw badRequest('expression must be a string');
  const source = testObject(body.testInputObject);
  const compiled = safeCompileExpression(body.expression);
  if (!compiled.success) {
    return {
      error: publicError(compiled.error),
      evaluationResult: null,
      evaluationSucceeded: false,
      parsedExpression: null,
      parsingSucceeded: false,
    };
  }
  const parsed = toGraphParseTree(compiled.value.ast) as Schemas['attributeMappingSource'];
  const answer = (
    evaluation: Pick<
      Schemas['parseExpressionResponse'],
      'error' | 'evaluationResult' | 'evaluationSucceeded'
    >,
  ) => ({
    ...evaluation,
    parsedExpression: parsed,
    parsingSucceeded: true,
  });
  if (source === null) return answer({ error: null, evaluationResult: null, evaluationSucceeded: false });
  try {
    const value = compiled.value.evaluate(source, options);
    return answer({ error: null, evaluationResult: resultStrings(value), evaluationSucceeded: true });
  } catch (error) {
    if (!isMappingError(error)) throw error;
    return answer({ error: publicError(error), evaluationResult: null, evaluationSucceeded: false });
  }
}
