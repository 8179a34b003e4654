import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applicable, compareFailures, type ExpectedFailure, readExpectedFailures } from './expected.ts';

const patch = (request: string): ExpectedFailure => ({
  folder: 'User tests with garbage',
  request,
  assertion: 'Status code is 204',
  why: 'test',
  unless: { USER_PATCH_RESPONSE: '204' },
});
const failure = (request: string, assertion = 'Status code is 204') => ({
  folder: 'User tests with garbage',
  request,
  assertion,
  message: 'expected 204 but got 200',
});

describe('the expected failures kept with the collection', () => {
  it('are the two /serviceConfiguration assertions and, unless USER_PATCH_RESPONSE=204, the two user PATCH ones', () => {
    const all = readExpectedFailures();
    expect(all.map((e) => `${e.request} / ${e.assertion}`)).toEqual([
      'Get ServiceProviderConfig / Status code is 200',
      'Get ServiceProviderConfig / Pach supported is true',
      'Patch user omalley new username / Status code is 204',
      'patch user omalley active with boolean / Status code is 204',
    ]);
    expect(applicable(all, {})).toHaveLength(4);
    expect(applicable(all, { USER_PATCH_RESPONSE: '200' })).toHaveLength(4);
    expect(applicable(all, { USER_PATCH_RESPONSE: '204' }).map((e) => e.request)).toEqual([
      'Get ServiceProviderConfig',
      'Get ServiceProviderConfig',
    ]);
  });

  it('refuses a file whose entries lack a field, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scim-conformance-'));
    try {
      const file = join(dir, 'x.json');
      writeFileSync(file, JSON.stringify({ failures: [{ folder: 'a', request: 'b', assertion: 'c' }] }));
      expect(() => readExpectedFailures(file)).toThrow('failures[0].why must be a string');
      writeFileSync(file, '[]');
      expect(() => readExpectedFailures(file)).toThrow('expected { "failures": [...] }');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('compareFailures', () => {
  it('matches failures one for one with the expected ones', () => {
    const result = compareFailures([failure('a'), failure('b')], [patch('a'), patch('b')]);
    expect(result.unexpected).toEqual([]);
    expect(result.fixed).toEqual([]);
    expect(result.expected).toHaveLength(2);
  });

  it('reports a failure the list does not name, and an expected one that passed', () => {
    const result = compareFailures([failure('a'), failure('c', 'Total results')], [patch('a'), patch('b')]);
    expect(result.unexpected).toEqual([failure('c', 'Total results')]);
    expect(result.fixed).toEqual([patch('b')]);
  });

  it('counts a repeated request: one expected entry covers one failure', () => {
    const result = compareFailures([failure('a'), failure('a')], [patch('a')]);
    expect(result.expected).toHaveLength(1);
    expect(result.unexpected).toEqual([failure('a')]);
  });
});
