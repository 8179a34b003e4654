import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceProviderConfigSchema } from './definitions/rfc7643.ts';
import { serviceProviderConfigParser } from './discovery.ts';

// RFC 9865 section 4's `pagination`, on RFC 7643 section 8.5's ServiceProviderConfig (RFC 9865
// prints its example with the rest of the document elided).
const rfc7643 = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '../test/data/rfc-samples/rfc7643-8.5-service_provider_configuration.json'),
    'utf8',
  ),
);
const pagination = {
  cursor: true,
  index: true,
  defaultPaginationMethod: 'cursor',
  defaultPageSize: 100,
  maxPageSize: 250,
  cursorTimeout: 3600,
};

describe('ServiceProviderConfig pagination (RFC 9865 section 4)', () => {
  it('parses and keeps the pagination of the RFC example', () => {
    const result = serviceProviderConfigParser.parse({ ...rfc7643, pagination });
    expect(result.unknownAttributes).toEqual([]);
    expect(result.value.pagination).toEqual(pagination);
  });

  it('defines the sub-attributes with the RFC types: cursor and index required', () => {
    const attribute = serviceProviderConfigSchema.attributes.find((a) => a.name === 'pagination');
    expect(attribute?.required).toBe(false);
    const subs = Object.fromEntries(
      (attribute?.subAttributes ?? []).map((s) => [s.name, [s.type, s.required, s.mutability]]),
    );
    expect(subs).toEqual({
      cursor: ['boolean', true, 'readOnly'],
      index: ['boolean', true, 'readOnly'],
      defaultPaginationMethod: ['string', false, 'readOnly'],
      defaultPageSize: ['integer', false, 'readOnly'],
      maxPageSize: ['integer', false, 'readOnly'],
      cursorTimeout: ['integer', false, 'readOnly'],
    });
  });
});
