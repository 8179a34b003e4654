import { URN } from '@scim/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexPage } from './list.ts';

/** The ListResponse as JSON.stringify writes the whole object. */
function stringified(totalResults: number, startIndex: number, resources: readonly unknown[]): string {
  return JSON.stringify({
    schemas: [URN.ListResponse],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  });
}

describe('indexPage', () => {
  it('writes the text JSON.stringify writes of the whole ListResponse, for any numbers and resources', () => {
    const count = fc.oneof(
      fc.nat(),
      fc.integer(),
      fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER, 2 ** 53, 1.5, Number.NaN, Number.POSITIVE_INFINITY),
      fc.double(),
    );
    fc.assert(
      fc.property(count, count, fc.array(fc.jsonValue(), { maxLength: 4 }), (total, start, resources) => {
        const reply = indexPage(
          total,
          start,
          resources.map((r) => JSON.stringify(r)),
        );
        expect(reply).toMatchObject({ status: 200 });
        expect((reply as { body: unknown }).body).toBe(stringified(total, start, resources));
      }),
      { numRuns: 1000 },
    );
  });

  it('writes a lookup of one user as the members of a ListResponse, in their order', () => {
    const user = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"a"}';
    expect((indexPage(1, 1, [user]) as { body: unknown }).body).toBe(
      `{"schemas":["${URN.ListResponse}"],"totalResults":1,"startIndex":1,"itemsPerPage":1,"Resources":[${user}]}`,
    );
  });
});
