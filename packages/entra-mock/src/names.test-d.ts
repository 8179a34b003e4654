import { describe, expectTypeOf, it } from 'vitest';
import type { AttributeChange, TargetAttributeChange } from './index.ts';

// The renamed export keeps its old name as a deprecated alias of the same type (checked by tsc).
describe('deprecated names', () => {
  it('AttributeChange is TargetAttributeChange', () => {
    expectTypeOf<AttributeChange>().toEqualTypeOf<TargetAttributeChange>();
    expectTypeOf<TargetAttributeChange['op']>().toEqualTypeOf<'add' | 'replace' | 'remove'>();
  });
});
