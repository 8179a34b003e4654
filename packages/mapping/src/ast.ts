/** A span of the expression text: start offset (inclusive) and end offset (exclusive). */
export interface Span {
  /** 0-based start offset. */
  readonly start: number;
  /** 0-based end offset (exclusive). */
  readonly end: number;
}

/** An attribute reference such as `[givenName]` or `[extension_<appId>_costCenter]`. */
export interface AttributeNode extends Span {
  /** Discriminator. */
  readonly kind: 'attribute';
  /** The attribute name between the brackets. */
  readonly name: string;
}

/** A double-quoted string constant with its escapes resolved. */
export interface StringNode extends Span {
  /** Discriminator. */
  readonly kind: 'string';
  /** The string value. */
  readonly value: string;
}

/** A number constant (decimal, or `&H` hexadecimal). */
export interface NumberNode extends Span {
  /** Discriminator. */
  readonly kind: 'number';
  /** The numeric value. */
  readonly value: number;
  /** The text as written (`&HF7`, `-10`). */
  readonly raw: string;
}

/** One of the identifiers `vbBinaryCompare` or `vbTextCompare`. */
export interface IdentifierNode extends Span {
  /** Discriminator. */
  readonly kind: 'identifier';
  /** The identifier. */
  readonly name: 'vbBinaryCompare' | 'vbTextCompare';
}

/** An argument left out, as in `Replace([x], , "re", , "", , )`. */
export interface OmittedNode extends Span {
  /** Discriminator. */
  readonly kind: 'omitted';
}

/** A function call such as `Join(" ", [givenName], [surname])`. */
export interface CallNode extends Span {
  /** Discriminator. */
  readonly kind: 'call';
  /** The function's name as written (case-sensitive). */
  readonly name: string;
  /** The arguments, omitted ones included. */
  readonly args: readonly ExpressionNode[];
}

/** The comparison operators allowed in `IIF` conditions. */
export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** A comparison such as `[country]="USA"`, valued `"True"` or `"False"`. */
export interface ComparisonNode extends Span {
  /** Discriminator. */
  readonly kind: 'comparison';
  /** The operator. */
  readonly operator: ComparisonOperator;
  /** Left operand. */
  readonly left: ExpressionNode;
  /** Right operand. */
  readonly right: ExpressionNode;
}

/** Any node of an expression's syntax tree. */
export type ExpressionNode =
  | AttributeNode
  | StringNode
  | NumberNode
  | IdentifierNode
  | OmittedNode
  | CallNode
  | ComparisonNode;
