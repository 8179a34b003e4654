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
export type {
  AttributeNode,
  CallNode,
  ComparisonNode,
  ComparisonOperator,
  ExpressionComparisonOperator,
  ExpressionNode,
  IdentifierNode,
  NumberNode,
  OmittedNode,
  Span,
  StringNode,
} from './ast.ts';
export {
  type CompiledExpression,
  compileExpression,
  evaluateExpression,
  safeCompileExpression,
  validateExpression,
} from './compile.ts';
export { entraDefaultGroupMappings, entraDefaultUserMappings } from './defaults.ts';
export {
  isMappingError,
  MappingError,
  type MappingErrorJSON,
  type MappingErrorStage,
  type SafeFailure,
  type SafeMappingResult,
  type SafeResult,
  type SafeSuccess,
  type SourcePosition,
} from './errors.ts';
export {
  type EvaluateOptions,
  expressionFunctions,
  type FunctionParameter,
  type FunctionSignature,
  type ParameterType,
} from './functions.ts';
export { MAX_EXPRESSION_LENGTH } from './lexer.ts';
export { parseExpression, safeParseExpression } from './parser.ts';
export {
  type GraphAttributeMappingSource,
  type GraphStringKeyAttributeMappingSourceValuePair,
  printExpression,
  toGraphParseTree,
} from './print.ts';
export {
  type AttributeMapping,
  type CompiledMappingTable,
  compileMappingTable,
  diffResources,
  type EvaluateMappingOptions,
  evaluateMappingTable,
  fromGraphAttributeMappings,
  type GraphAttributeMapping,
  type MappingApply,
  type MappingTable,
  type MappingType,
  type MatchingQuery,
  matchingQueries,
  parseMappingTable,
  type ResourceChange,
  safeParseMappingTable,
  stringifyMappingTable,
  toGraphAttributeMappings,
} from './tables.ts';
export type { DirectoryObject, ExpressionObject, ExpressionValue, SourceObject } from './values.ts';
