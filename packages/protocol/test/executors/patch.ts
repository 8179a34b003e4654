// Executor of the patch case group: test/cases/patch/*.json.
import {
  groupResourceSchema,
  isScimError,
  type ResourceSchema,
  URN,
  userResourceSchema,
} from '@scim/schemas';
import { expect } from 'vitest';
import { applyPatch, type CompatibilityProfile, entraProfile, strictProfile } from '../../src/index.ts';
import type { CaseFile, TestCase } from './index.ts';

const SCHEMAS: Readonly<Record<string, ResourceSchema>> = {
  User: userResourceSchema,
  Group: groupResourceSchema,
};

/** `'entra'`, `'strict'`, or `{ base: 'strict', <switch>: true }`. */
export function caseProfile(value: unknown): CompatibilityProfile {
  if (value === undefined || value === 'entra') return entraProfile;
  if (value === 'strict') return strictProfile;
  const { base, ...switches } = value as { base?: string } & Record<string, unknown>;
  return { ...(base === 'strict' ? strictProfile : entraProfile), ...switches } as CompatibilityProfile;
}

/**
 * patch: `{ name, schema?, resource?, patch? | operations?, profile?, expected? , changes?,
 * references?, deferred?, maxOperations?, error? }`; `schema` and `resource` default to the file's.
 * `operations` is a shorthand for a PatchOp body. A case with `error` expects a ScimError with that
 * `scimType` (and `status`, and every text of `message` in its message, when given).
 */
export function patch(testCase: TestCase, file: CaseFile): void {
  const schema = SCHEMAS[(testCase.schema ?? file.schema ?? 'User') as string] as ResourceSchema;
  const resource = (testCase.resource ?? file.resource ?? {}) as Record<string, unknown>;
  const body = testCase.patch ?? { schemas: [URN.PatchOp], Operations: testCase.operations };
  const before = structuredClone(resource);
  const profile = caseProfile(testCase.profile ?? file.profile);
  const deferred = (testCase.deferred ?? file.deferred) as string[] | undefined;
  const maxOperations = testCase.maxOperations as number | undefined;
  const options = {
    profile,
    ...(deferred === undefined ? {} : { deferred }),
    ...(maxOperations === undefined ? {} : { maxOperations }),
  };
  if (testCase.error !== undefined) {
    let thrown: unknown;
    try {
      applyPatch(resource, body, schema, options);
    } catch (error) {
      thrown = error;
    }
    expect(isScimError(thrown), `expected a ScimError, got ${String(thrown)}`).toBe(true);
    const error = testCase.error as { scimType?: string; status?: number; message?: readonly string[] };
    if (isScimError(thrown) && error.scimType !== undefined) expect(thrown.scimType).toBe(error.scimType);
    if (isScimError(thrown) && error.status !== undefined) expect(thrown.status).toBe(error.status);
    for (const part of error.message ?? []) expect(isScimError(thrown) && thrown.message).toContain(part);
    expect(resource).toEqual(before);
    return;
  }
  const result = applyPatch(resource, body, schema, options);
  expect(resource, 'the input must not be mutated').toEqual(before);
  if (testCase.expected !== undefined) expect(result.resource).toEqual(testCase.expected);
  if (testCase.changes !== undefined) expect(result.changes).toEqual(testCase.changes);
  if (testCase.changed !== undefined) expect(result.changed).toBe(testCase.changed);
  if (testCase.references !== undefined) expect(result.references).toEqual(testCase.references);
}
