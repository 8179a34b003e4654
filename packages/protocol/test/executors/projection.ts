// Executors of the projection and sort-page case groups.
import { groupResourceSchema, isScimError, type ResourceSchema, userResourceSchema } from '@scim/schemas';
import { expect } from 'vitest';
import {
  type PageParams,
  pageResources,
  projectResource,
  projectResources,
  sortResources,
} from '../../src/index.ts';
import type { CaseFile, TestCase } from './index.ts';

const SCHEMAS: Readonly<Record<string, ResourceSchema>> = {
  User: userResourceSchema,
  Group: groupResourceSchema,
};
const schemaOf = (c: TestCase, f: CaseFile): ResourceSchema =>
  SCHEMAS[(c.schema ?? f.schema ?? 'User') as string] as ResourceSchema;

/**
 * projection: `{ name, schema?, resource? | resources?, attributes?, excludedAttributes?, expected }`;
 * `resource(s)` default to the file's.
 */
export function projection(testCase: TestCase, file: CaseFile): void {
  const schema = schemaOf(testCase, file);
  const params = {
    attributes: testCase.attributes as string | undefined,
    excludedAttributes: testCase.excludedAttributes as string | undefined,
  };
  const many = testCase.resources ?? file.resources;
  if (many !== undefined && testCase.resource === undefined) {
    expect(projectResources(many as object[], schema, params)).toEqual(testCase.expected);
    return;
  }
  const resource = (testCase.resource ?? file.resource) as object;
  const before = structuredClone(resource);
  expect(projectResource(resource, schema, params)).toEqual(testCase.expected);
  expect(resource).toEqual(before);
}

/**
 * sort-page: `{ name, schema?, resources?, sortBy?, sortOrder?, startIndex?, count?, maxCount?,
 * expectedIds?, totalResults?, startIndexOut?, itemsPerPage?, error? }`: sorts, then pages, and
 * compares the ids of the page.
 */
export function sortPage(testCase: TestCase, file: CaseFile): void {
  const schema = schemaOf(testCase, file);
  const resources = (testCase.resources ?? file.resources) as { id: string }[];
  const run = () => {
    const sorted = sortResources(resources, schema, {
      sortBy: testCase.sortBy as string | undefined,
      sortOrder: testCase.sortOrder as string | undefined,
    });
    const params: PageParams = {
      startIndex: testCase.startIndex as number | string | undefined,
      count: testCase.count as number | string | undefined,
    };
    const maxCount = testCase.maxCount as number | undefined;
    return pageResources(sorted, params, maxCount === undefined ? {} : { maxCount });
  };
  if (testCase.error !== undefined) {
    let thrown: unknown;
    try {
      run();
    } catch (error) {
      thrown = error;
    }
    expect(isScimError(thrown)).toBe(true);
    if (isScimError(thrown)) expect(thrown.scimType).toBe((testCase.error as { scimType: string }).scimType);
    return;
  }
  const page = run();
  if (testCase.expectedIds !== undefined)
    expect(page.Resources.map((r) => r.id)).toEqual(testCase.expectedIds);
  if (testCase.totalResults !== undefined) expect(page.totalResults).toBe(testCase.totalResults);
  if (testCase.startIndexOut !== undefined) expect(page.startIndex).toBe(testCase.startIndexOut);
  expect(page.itemsPerPage).toBe(page.Resources.length);
  if (testCase.itemsPerPage !== undefined) expect(page.itemsPerPage).toBe(testCase.itemsPerPage);
}
