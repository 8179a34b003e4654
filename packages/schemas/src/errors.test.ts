import { describe, expect, it } from 'vitest';
import { isScimError, ScimError, scimErrorCatalog } from './errors.ts';

describe('ScimError', () => {
  it('serializes to the RFC 7644 error envelope with status as a string', () => {
    const error = new ScimError('invalidFilter', 'filter: expected a value at column 13');
    expect(error.toJSON()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidFilter',
      detail: 'filter: expected a value at column 13',
    });
  });

  it('omits scimType where the RFC defines none', () => {
    expect(new ScimError('notFound', 'User 1 not found').toJSON()).not.toHaveProperty('scimType');
  });

  it('turns into a response with its status, headers and media type', async () => {
    const response = new ScimError('unauthorized', 'no token', {
      headers: { 'www-authenticate': 'Bearer' },
    }).toResponse();
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toMatchObject({ status: '401', detail: 'no token' });
  });

  it('is recognized by its brand, not by instanceof', () => {
    const error = new ScimError('uniqueness');
    const lookalike = Object.assign(new Error('x'), { status: 409 });
    expect(isScimError(error)).toBe(true);
    expect(isScimError(lookalike)).toBe(false);
    expect(isScimError(null)).toBe(false);
  });

  it('hides the message of anything unknown behind a 500', () => {
    const wrapped = ScimError.from(new Error('password=hunter2 in a stack trace'));
    expect(wrapped.status).toBe(500);
    expect(JSON.stringify(wrapped.toJSON())).not.toContain('hunter2');
    expect(ScimError.from(wrapped)).toBe(wrapped);
  });

  it('gives every scimType the status RFC 7644 section 3.12 gives it', () => {
    const statuses = Object.values(scimErrorCatalog)
      .filter((e) => 'scimType' in e)
      .map((e) => [e.scimType, e.status]);
    expect(Object.fromEntries(statuses)).toEqual({
      invalidFilter: 400,
      tooMany: 400,
      uniqueness: 409,
      mutability: 400,
      invalidSyntax: 400,
      invalidPath: 400,
      noTarget: 400,
      invalidValue: 400,
      invalidVers: 400,
      invalidCursor: 400,
      expiredCursor: 400,
      invalidCount: 400,
      sensitive: 400,
    });
  });
});
