import { describe, expectTypeOf, it } from 'vitest';
import type { ExpressionNode } from './ast.ts';
import type { MappingError } from './errors.ts';
import type {
  ComparisonOperator,
  DirectoryObject,
  ExpressionComparisonOperator,
  SafeMappingResult,
  SafeResult,
  SourceObject,
} from './index.ts';

// The renamed exports keep their old names as deprecated aliases of the same types (checked by tsc).
describe('deprecated names', () => {
  it('are the renamed types', () => {
    expectTypeOf<ComparisonOperator>().toEqualTypeOf<ExpressionComparisonOperator>();
    expectTypeOf<DirectoryObject>().toEqualTypeOf<SourceObject>();
    expectTypeOf<SafeResult<ExpressionNode>>().toEqualTypeOf<SafeMappingResult<ExpressionNode>>();
    expectTypeOf<
      Extract<SafeMappingResult<number>, { success: false }>['error']
    >().toEqualTypeOf<MappingError>();
  });
});
