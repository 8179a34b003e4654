import {
  type AttributeDefinition,
  createResourceSchema,
  type ResourceTypeDefinition,
  type SchemaDefinition,
} from '@scim/schemas';
import { describe, expect, it } from 'vitest';
import { projectResource } from './index.ts';

const attr = (name: string, returned: AttributeDefinition['returned']): AttributeDefinition => ({
  name,
  type: 'string',
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned,
  uniqueness: 'none',
});
const core: SchemaDefinition = {
  id: 'urn:example:Thing',
  name: 'Thing',
  attributes: [
    attr('a', 'default'),
    attr('secretish', 'request'),
    attr('hidden', 'never'),
    attr('key', 'always'),
  ],
};
const type: ResourceTypeDefinition = {
  id: 'Thing',
  name: 'Thing',
  endpoint: '/Things',
  schema: core.id,
  schemaExtensions: [],
};
const schema = createResourceSchema(type, [core]);
const thing = { id: '1', a: 'A', secretish: 'S', hidden: 'H', key: 'K' };

describe('projection returned semantics', () => {
  it('returns request attributes only when asked, never ones never, always ones always', () => {
    expect(projectResource(thing, schema)).toEqual({ id: '1', a: 'A', key: 'K' });
    expect(projectResource(thing, schema, { attributes: 'secretish' })).toEqual({
      id: '1',
      secretish: 'S',
      key: 'K',
    });
    expect(projectResource(thing, schema, { attributes: ['hidden'] })).toEqual({ id: '1', key: 'K' });
    expect(projectResource(thing, schema, { excludedAttributes: 'key,a' })).toEqual({ id: '1', key: 'K' });
  });
});
