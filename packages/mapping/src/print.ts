import type { ExpressionNode } from './ast.ts';
import { FUNCTIONS, parametersFor } from './functions.ts';

const quote = (s: string): string => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/**
 * Prints a syntax tree back to expression text in a canonical form (`, ` between arguments, empty
 * omitted arguments), which parses back to the same tree.
 *
 * @param node - the root node
 * @returns the expression text
 * @throws never
 * @example
 * ```ts
 * printExpression(parseExpression('Join(" ",[givenName],[surname])')); // 'Join(" ", [givenName], [surname])'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data#syntax-overview
 */
export function printExpression(node: ExpressionNode): string {
  switch (node.kind) {
    case 'attribute':
      return `[${node.name}]`;
    case 'string':
      return quote(node.value);
    case 'number':
      return node.raw;
    case 'identifier':
      return node.name;
    case 'omitted':
      return '';
    case 'comparison':
      return `${printExpression(node.left)} ${node.operator} ${printExpression(node.right)}`;
    case 'call':
      return `${node.name}(${node.args.map(printExpression).join(', ').replace(/ +$/, '')})`;
  }
}

/**
 * One node of the tree Microsoft Graph's `synchronizationSchema: parseExpression` returns (an `attributeMappingSource`).
 *
 * @example
 * ```ts
 * const tree: GraphAttributeMappingSource = toGraphParseTree(parseExpression('ToLower([mail])'));
 * // { expression: 'ToLower([mail])', name: 'ToLower', type: 'Function',
 * //   parameters: [{ key: 'source', value: { expression: '[mail]', name: 'mail', type: 'Attribute', parameters: [] } }] }
 * ```
 * @see https://learn.microsoft.com/graph/api/synchronization-synchronizationschema-parseexpression
 */
export interface GraphAttributeMappingSource {
  /** The node's expression text. */
  readonly expression: string;
  /** The function name, the attribute name, or the constant's value. */
  readonly name: string;
  /** What the node is. */
  readonly type: 'Function' | 'Attribute' | 'Constant';
  /** The function's arguments keyed by parameter name (empty for attributes and constants). */
  readonly parameters: readonly GraphStringKeyAttributeMappingSourceValuePair[];
}

/**
 * A named argument in a {@link GraphAttributeMappingSource}.
 *
 * @example
 * ```ts
 * import { type GraphStringKeyAttributeMappingSourceValuePair, parseExpression, toGraphParseTree } from '@scim/mapping';
 * const args: readonly GraphStringKeyAttributeMappingSourceValuePair[] = toGraphParseTree(
 *   parseExpression('Append([mail], ".test")'),
 * ).parameters;
 * args.map((a) => a.key); // ['source', 'suffix']
 * ```
 * @see https://learn.microsoft.com/graph/api/resources/synchronization-stringkeyattributemappingsourcevaluepair
 */
export interface GraphStringKeyAttributeMappingSourceValuePair {
  /** The parameter's name from the function table (`source`, `separator`...). */
  readonly key: string;
  /** The argument. */
  readonly value: GraphAttributeMappingSource;
}

/**
 * Converts a syntax tree to the shape Microsoft Graph's `parseExpression` returns, so tools written
 * against Graph can read our trees. Omitted arguments are left out; comparisons become a `Function`
 * node named after the operator.
 *
 * @param node - the root node
 * @returns the Graph-shaped tree
 * @throws never
 * @example
 * ```ts
 * toGraphParseTree(parseExpression('Append([mail], ".test")')).parameters[0]?.key; // 'source'
 * ```
 * @see https://learn.microsoft.com/graph/api/synchronization-synchronizationschema-parseexpression
 */
export function toGraphParseTree(node: ExpressionNode): GraphAttributeMappingSource {
  const expression = printExpression(node);
  switch (node.kind) {
    case 'attribute':
      return { expression, name: node.name, type: 'Attribute', parameters: [] };
    case 'string':
      return { expression, name: node.value, type: 'Constant', parameters: [] };
    case 'number':
      return { expression, name: String(node.value), type: 'Constant', parameters: [] };
    case 'identifier':
      return { expression, name: node.name, type: 'Constant', parameters: [] };
    case 'omitted':
      return { expression, name: '', type: 'Constant', parameters: [] };
    case 'comparison':
      return {
        expression,
        name: node.operator,
        type: 'Function',
        parameters: [
          { key: 'left', value: toGraphParseTree(node.left) },
          { key: 'right', value: toGraphParseTree(node.right) },
        ],
      };
    case 'call': {
      const fn = FUNCTIONS.get(node.name);
      const params = fn ? parametersFor(fn, node.args.length) : [];
      const parameters: GraphStringKeyAttributeMappingSourceValuePair[] = [];
      node.args.forEach((a, i) => {
        if (a.kind === 'omitted') return;
        const repeating = params.find((p) => p.repeating);
        let key = params[i]?.name ?? `arg${i + 1}`;
        if (node.name === 'Switch' && i >= 2) key = i % 2 === 0 ? 'key' : 'value';
        else if (repeating && i >= params.indexOf(repeating)) key = repeating.name;
        parameters.push({ key, value: toGraphParseTree(a) });
      });
      return { expression, name: node.name, type: 'Function', parameters };
    }
  }
}
