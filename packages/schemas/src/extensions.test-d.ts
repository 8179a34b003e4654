import { describe, expectTypeOf, it } from 'vitest';
import { attr, defineSchema, type ExtensionOf } from './extensions.ts';
import type { SchemaAttributes, User } from './model.ts';

const hoxhunt = defineSchema({
  id: 'urn:ietf:params:scim:schemas:extension:Hoxhunt:1.0:User',
  name: 'HoxhuntUser',
  attributes: [
    attr.string('badgeId', { required: true }),
    attr.boolean('trainingEnabled'),
    attr.complex('office', [attr.string('building'), attr.integer('floor')], { multiValued: true }),
  ],
});

describe('types inferred from a custom schema', () => {
  it('infers attribute types, required and multiValued', () => {
    type Hox = SchemaAttributes<typeof hoxhunt>;
    expectTypeOf<Hox['badgeId']>().toEqualTypeOf<string>();
    expectTypeOf<Hox['trainingEnabled']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<Hox['office']>().toEqualTypeOf<{ building?: string; floor?: number }[] | undefined>();
    type HoxUser = User & ExtensionOf<typeof hoxhunt, true>;
    expectTypeOf<HoxUser['urn:ietf:params:scim:schemas:extension:Hoxhunt:1.0:User']>().toEqualTypeOf<Hox>();
  });
});
