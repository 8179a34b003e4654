// Executors of the filter case groups: filter-parse and filter-evaluate.

import {
  createResourceSchema,
  groupResourceSchema,
  isScimError,
  type ResourceSchema,
  type ResourceTypeDefinition,
  type SchemaDefinition,
  userResourceSchema,
} from '@scim/schemas';
import { expect } from 'vitest';
import {
  compileFilter,
  evaluateFilter,
  type FilterOptions,
  normalizeFilter,
  parseFilter,
  safeParseFilter,
  stringifyFilter,
} from '../../src/index.ts';
import type { CaseFile, TestCase } from './index.ts';

/** What a failing case expects of the error: each given field must match. */
interface ExpectedError {
  readonly scimType?: string;
  readonly status?: number;
  readonly offset?: number;
  readonly line?: number;
  readonly column?: number;
  readonly token?: string;
  /** Substrings the message must contain. */
  readonly message?: readonly string[];
}

function checkError(error: unknown, expected: ExpectedError): void {
  expect(isScimError(error), `expected a ScimError, got ${String(error)}`).toBe(true);
  if (!isScimError(error)) return;
  if (expected.scimType !== undefined) expect(error.scimType).toBe(expected.scimType);
  if (expected.status !== undefined) expect(error.status).toBe(expected.status);
  if (expected.offset !== undefined) expect(error.position?.offset).toBe(expected.offset);
  if (expected.line !== undefined) expect(error.position?.line).toBe(expected.line);
  if (expected.column !== undefined) expect(error.position?.column).toBe(expected.column);
  if (expected.token !== undefined) expect(error.token).toBe(expected.token);
  for (const part of expected.message ?? []) expect(error.message).toContain(part);
}

/**
 * filter-parse: `{ name, filter, options?, ast?, text?, error? }`. A case without `error` must
 * parse (to `ast` when given), stringify to `text` when given, and survive a round trip through
 * `stringifyFilter` and a strict parse.
 */
export function filterParse(testCase: TestCase): void {
  const text = testCase.filter as string;
  const options = testCase.options as FilterOptions | undefined;
  const result = safeParseFilter(text, options);
  if (testCase.error !== undefined) {
    expect(result.success, 'the filter should not parse').toBe(false);
    if (!result.success) checkError(result.error, testCase.error as ExpectedError);
    return;
  }
  if (!result.success) throw result.error;
  const ast = result.value;
  if (testCase.ast !== undefined) expect(ast).toEqual(testCase.ast);
  const written = stringifyFilter(ast);
  if (testCase.text !== undefined) expect(written).toBe(testCase.text);
  expect(parseFilter(written, { profile: 'strict' })).toEqual(ast);
}

const SCHEMAS: Readonly<Record<string, ResourceSchema>> = {
  User: userResourceSchema,
  Group: groupResourceSchema,
};

/**
 * filter-evaluate: the file has `schema` (`User` or `Group`), or its own `resourceType` and
 * `schemas` (definitions, RFC 7643 section 6 and 7), and `resources` (by name); each case is
 * `{ name, filter, options?, matches?, error? }`: `matches` lists, in file order, the names of the
 * resources the filter matches. The compiled predicate, `evaluateFilter` and the compiled query
 * form must agree.
 */
export function filterEvaluate(testCase: TestCase, file: CaseFile): void {
  const schema =
    file.resourceType === undefined
      ? SCHEMAS[file.schema as string]
      : createResourceSchema(file.resourceType as ResourceTypeDefinition, file.schemas as SchemaDefinition[]);
  if (schema === undefined)
    throw new Error(`case file schema must be User or Group, not ${String(file.schema)}`);
  const resources = Object.entries(file.resources as Record<string, unknown>);
  const options = testCase.options as FilterOptions | undefined;
  const text = testCase.filter as string;
  if (testCase.error !== undefined) {
    let thrown: unknown;
    try {
      compileFilter(parseFilter(text, options), schema, options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown, 'the filter should be rejected').toBeDefined();
    checkError(thrown, testCase.error as ExpectedError);
    return;
  }
  const ast = parseFilter(text, options);
  const predicate = compileFilter(ast, schema, options);
  const matched = resources.filter(([, r]) => predicate(r)).map(([name]) => name);
  expect(matched).toEqual(testCase.matches);
  const one = resources.filter(([, r]) => evaluateFilter(ast, r, schema, options)).map(([name]) => name);
  expect(one).toEqual(matched);
  const query = compileFilter(normalizeFilter(ast, schema, options), schema, options);
  expect(resources.filter(([, r]) => query(r)).map(([name]) => name)).toEqual(matched);
}
