/**
 * A span of the expression text: start offset (inclusive) and end offset (exclusive).
 *
 * @example
 * ```ts
 * import { type CallNode, parseExpression, type Span } from '@scim/mapping';
 * const text = 'Join(" ", [givenName], [surname])';
 * const span: Span | undefined = (parseExpression(text) as CallNode).args[1];
 * span && text.slice(span.start, span.end); // '[givenName]'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export interface Span {
  /** 0-based start offset. */
  readonly start: number;
  /** 0-based end offset (exclusive). */
  readonly end: number;
}

/**
 * An attribute reference such as `[givenName]` or `[extension_<appId>_costCenter]`.
 *
 * @example
 * ```ts
 * const node = parseExpression('[givenName]'); // { kind: 'attribute', name: 'givenName', start: 0, end: 11 }
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export interface AttributeNode extends Span {
  /** Discriminator. */
  readonly kind: 'attribute';
  /** The attribute name between the brackets. */
  readonly name: string;
}

/**
 * A double-quoted string constant with its escapes resolved.
 *
 * @example
 * ```ts
 * const node = parseExpression('"Contoso"'); // { kind: 'string', value: 'Contoso', start: 0, end: 9 }
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export interface StringNode extends Span {
  /** Discriminator. */
  readonly kind: 'string';
  /** The string value. */
  readonly value: string;
}

/**
 * A number constant (decimal, or `&H` hexadecimal).
 *
 * @example
 * ```ts
 * const node = parseExpression('&HF7'); // { kind: 'number', value: 247, raw: '&HF7', start: 0, end: 4 }
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export interface NumberNode extends Span {
  /** Discriminator. */
  readonly kind: 'number';
  /** The numeric value. */
  readonly value: number;
  /** The text as written (`&HF7`, `-10`). */
  readonly raw: string;
}

/**
 * One of the identifiers `vbBinaryCompare` or `vbTextCompare`.
 *
 * @example
 * ```ts
 * const call = parseExpression('InStr([mail], "@", , vbTextCompare)') as CallNode;
 * call.args[3]; // { kind: 'identifier', name: 'vbTextCompare', ... }
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export interface IdentifierNode extends Span {
  /** Discriminator. */
  readonly kind: 'identifier';
  /** The identifier. */
  readonly name: 'vbBinaryCompare' | 'vbTextCompare';
}

/**
 * An argument left out, as in `Replace([x], , "re", , "", , )`.
 *
 * @example
 * ```ts
 * const call = parseExpression('Replace([x], , "re", , "", , )') as CallNode;
 * call.args[1]?.kind; // 'omitted'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export interface OmittedNode extends Span {
  /** Discriminator. */
  readonly kind: 'omitted';
}

/**
 * A function call such as `Join(" ", [givenName], [surname])`.
 *
 * @example
 * ```ts
 * const call = parseExpression('Join(" ", [givenName], [surname])') as CallNode;
 * call.name; // 'Join'
 * call.args.length; // 3
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export interface CallNode extends Span {
  /** Discriminator. */
  readonly kind: 'call';
  /** The function's name as written (case-sensitive). */
  readonly name: string;
  /** The arguments, omitted ones included. */
  readonly args: readonly ExpressionNode[];
}

/**
 * The comparison operators of the expression language, allowed in `IIF` conditions (a SCIM
 * filter's `eq`, `ne`, ... are `ComparisonOperator` in @scim/protocol).
 *
 * @example
 * ```ts
 * import { parseExpression } from '@scim/mapping';
 *
 * const iif = parseExpression('IIF([country]<>"US", "intl", "us")');
 * if (iif.kind === 'call' && iif.args[0]?.kind === 'comparison') iif.args[0].operator; // '<>'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data#iif
 */
export type ExpressionComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';

/**
 * The comparison operators allowed in `IIF` conditions.
 *
 * @deprecated Use {@link ExpressionComparisonOperator}: this name is also @scim/protocol's SCIM
 * filter operators (`eq`, `ne`, ...), a different thing.
 * @example
 * ```ts
 * import { type CallNode, type ComparisonOperator, parseExpression } from '@scim/mapping';
 * const condition = (parseExpression('IIF([country]<>"USA", "intl", "domestic")') as CallNode).args[0];
 * const operator: ComparisonOperator | undefined = condition?.kind === 'comparison' ? condition.operator : undefined; // '<>'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data#iif
 */
export type ComparisonOperator = ExpressionComparisonOperator;

/**
 * A comparison such as `[country]="USA"`, valued `"True"` or `"False"`.
 *
 * @example
 * ```ts
 * const call = parseExpression('IIF([country]="USA", [country], [department])') as CallNode;
 * call.args[0]; // { kind: 'comparison', operator: '=', left: {...}, right: {...} }
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data#iif
 */
export interface ComparisonNode extends Span {
  /** Discriminator. */
  readonly kind: 'comparison';
  /** The operator. */
  readonly operator: ExpressionComparisonOperator;
  /** Left operand. */
  readonly left: ExpressionNode;
  /** Right operand. */
  readonly right: ExpressionNode;
}

/**
 * Any node of an expression's syntax tree.
 *
 * @example
 * ```ts
 * const node: ExpressionNode = parseExpression('ToLower([mail])');
 * if (node.kind === 'call') node.name; // 'ToLower'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export type ExpressionNode =
  | AttributeNode
  | StringNode
  | NumberNode
  | IdentifierNode
  | OmittedNode
  | CallNode
  | ComparisonNode;
