import { describe, expect, it } from 'vitest';
import {
  parseBulkRequest,
  parseErrorResponse,
  parseListResponse,
  parsePatchOp,
  parseSearchRequest,
  safeParseBulkResponse,
  safeParsePatchOp,
} from './messages.ts';
import { URN } from './urns.ts';

describe('parsePatchOp', () => {
  const entra = {
    schemas: [URN.PatchOp],
    Operations: [
      { op: 'Replace', path: 'active', value: 'False' },
      { op: 'Add', path: 'emails[type eq "work"].value', value: 'a@b' },
      { op: 'Remove', path: 'nickName' },
    ],
  };

  it("accepts Entra's capitalized op and returns it in lower case", () => {
    expect(parsePatchOp(entra).Operations.map((o) => o.op)).toEqual(['replace', 'add', 'remove']);
  });

  it('accepts only lower case with opCase exact', () => {
    const result = safeParsePatchOp(entra, { opCase: 'exact' });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error.scimType).toBe('invalidSyntax');
      expect(result.error.message).toContain('Operations.0.op');
    }
  });

  it('matches member names case-insensitively', () => {
    const patch = parsePatchOp({ Schemas: [URN.PatchOp], operations: [{ OP: 'remove', Path: 'nickName' }] });
    expect(patch).toEqual({ schemas: [URN.PatchOp], Operations: [{ op: 'remove', path: 'nickName' }] });
  });

  it('rejects a remove without path, an add without value, a wrong schema and no operations', () => {
    expect(safeParsePatchOp({ schemas: [URN.PatchOp], Operations: [{ op: 'remove' }] }).success).toBe(false);
    expect(safeParsePatchOp({ schemas: [URN.PatchOp], Operations: [{ op: 'add', path: 'x' }] }).success).toBe(
      false,
    );
    expect(safeParsePatchOp({ schemas: [URN.User], Operations: [{ op: 'remove', path: 'x' }] }).success).toBe(
      false,
    );
    expect(safeParsePatchOp({ schemas: [URN.PatchOp], Operations: [] }).success).toBe(false);
    expect(safeParsePatchOp([]).success).toBe(false);
  });
});

describe('the other messages', () => {
  it('parse list responses, search requests, bulk messages and errors', () => {
    expect(parseListResponse({ schemas: [URN.ListResponse], TotalResults: 0 })).toEqual({
      schemas: [URN.ListResponse],
      totalResults: 0,
    });
    expect(() => parseListResponse({ schemas: [URN.ListResponse], totalResults: -1 })).toThrow(
      /totalResults/,
    );
    expect(parseSearchRequest({ schemas: [URN.SearchRequest], SortOrder: 'descending' }).sortOrder).toBe(
      'descending',
    );
    expect(() => parseSearchRequest({ schemas: [URN.SearchRequest], sortOrder: 'up' })).toThrow(/sortOrder/);
    expect(
      parseBulkRequest({ schemas: [URN.BulkRequest], Operations: [{ Method: 'DELETE', path: '/Users/1' }] }),
    ).toEqual({
      schemas: [URN.BulkRequest],
      Operations: [{ method: 'DELETE', path: '/Users/1' }],
    });
    expect(
      safeParseBulkResponse({ schemas: [URN.BulkResponse], Operations: [{ method: 'GET', status: '200' }] })
        .success,
    ).toBe(false);
    expect(() => parseErrorResponse({ schemas: [URN.Error], status: 404 })).toThrow(/status/);
    expect(() => parseErrorResponse({ schemas: [URN.Error], status: '400', scimType: 'nope' })).toThrow(
      /scimType/,
    );
  });
});

describe('RFC 9865 cursor paging in the messages', () => {
  it('a ListResponse may carry nextCursor and previousCursor, and leave out totalResults', () => {
    const page = {
      schemas: [URN.ListResponse],
      itemsPerPage: 1,
      previousCursor: 'ze7L30kMiiLX6x',
      nextCursor: 'YkU3OF86Pz0rGv',
      Resources: [{ id: '1' }],
    };
    const { nextCursor, ...rest } = page;
    // Member names are case-insensitive: NextCursor is nextCursor.
    expect(parseListResponse({ ...rest, NextCursor: nextCursor })).toEqual(page);
    expect(() => parseListResponse({ schemas: [URN.ListResponse], nextCursor: 7 })).toThrow(/nextCursor/);
  });

  it('a SearchRequest may carry cursor, and a negative count (read as 0)', () => {
    expect(parseSearchRequest({ schemas: [URN.SearchRequest], Cursor: '', count: -1 })).toEqual({
      schemas: [URN.SearchRequest],
      cursor: '',
      count: -1,
    });
  });
});
