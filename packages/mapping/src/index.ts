/**
 * Microsoft Entra ID's attribute-mapping expression language, compiled in stages (lexer, parser,
 * checker, evaluator) with every documented function and Entra's semantics, and attribute mapping
 * tables that compute the SCIM resource Entra sends to an app. Needs nothing from the SCIM packages.
 *
 * @example
 * ```ts
 * import { compileExpression, evaluateMappingTable, entraDefaultUserMappings } from '@scim/mapping';
 * compileExpression('Join(" ", [givenName], [surname])').evaluate({ givenName: 'John', surname: 'Doe' });
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 * @packageDocumentation
 */
export type * from './ast.ts';
export * from './compile.ts';
export * from './defaults.ts';
export * from './errors.ts';
export {
  type EvaluateOptions,
  expressionFunctions,
  type FunctionParameter,
  type FunctionSignature,
  type ParameterType,
} from './functions.ts';
export { MAX_EXPRESSION_LENGTH } from './lexer.ts';
export { parseExpression } from './parser.ts';
export * from './print.ts';
export * from './tables.ts';
export type { DirectoryObject, ExpressionObject, ExpressionValue } from './values.ts';
