import { expressionFunctions } from '@scim/mapping';
import { describe, expect, it } from 'vitest';
import { SCOPING_OPERATORS } from '../engine/scoping.ts';
import { GraphQueryError } from './odata.ts';
import { filterOperatorsJson, functionsJson, parseExpressionJson } from './schema-tools.ts';

const NOW = { now: () => new Date('2026-03-02T08:00:00Z'), defaultDomain: 'contoso.com' };

// The request of the Graph reference's parseExpression example (its test object shortened).
const SAMPLE = {
  expression: 'Replace([preferredLanguage], "-", , , "_", ,  )',
  targetAttributeDefinition: null,
  testInputObject: {
    definition: null,
    properties: [
      { key: 'objectId', value: '66E4A8CC-1B7B-435E-95F8-F06CEA133828' },
      { key: 'displayName', value: 'John Smith' },
      { key: 'preferredLanguage', value: 'EN-US' },
      { key: 'appRoleAssignments', 'value@odata.type': '#Collection(String)', value: ['Default Assignment'] },
    ],
  },
};

describe('parseExpressionJson', () => {
  it("parses and evaluates the Graph reference's example: EN-US becomes EN_US", () => {
    const answer = parseExpressionJson(SAMPLE, NOW);
    expect(answer).toMatchObject({
      error: null,
      evaluationSucceeded: true,
      evaluationResult: ['EN_US'],
      parsingSucceeded: true,
      parsedExpression: { name: 'Replace', type: 'Function' },
    });
    expect(answer.parsedExpression?.parameters[0]).toEqual({
      key: 'source',
      value: {
        expression: '[preferredLanguage]',
        name: 'preferredLanguage',
        parameters: [],
        type: 'Attribute',
      },
    });
  });

  it('parses without evaluating when no test object is given', () => {
    expect(parseExpressionJson({ expression: 'ToLower([mail])' }, NOW)).toMatchObject({
      parsingSucceeded: true,
      evaluationSucceeded: false,
      evaluationResult: null,
      error: null,
    });
  });

  it('answers parsingSucceeded false with the mapping error for an expression that does not parse', () => {
    const answer = parseExpressionJson({ expression: 'Joinn(" ", [givenName])' }, NOW);
    expect(answer).toMatchObject({
      parsingSucceeded: false,
      evaluationSucceeded: false,
      parsedExpression: null,
    });
    expect(answer.error).toMatchObject({ code: expect.any(String), target: 'Joinn' });
    expect(answer.error?.message).toMatch(/Joinn/);
  });

  it('answers evaluationSucceeded false with the error when the test object makes evaluation fail', () => {
    const answer = parseExpressionJson(
      {
        expression: 'Replace([mail], , "(", , "x", , )',
        testInputObject: { properties: [{ key: 'mail', value: 'a@contoso.com' }] },
      },
      NOW,
    );
    expect(answer).toMatchObject({
      parsingSucceeded: true,
      evaluationSucceeded: false,
      evaluationResult: null,
      error: { code: 'invalidRegex' },
    });
  });

  it('returns one string per value of a multi-valued result', () => {
    const answer = parseExpressionJson(
      {
        expression: 'Split([proxyAddresses], ",")',
        testInputObject: { properties: [{ key: 'proxyAddresses', value: 'a,b' }] },
      },
      NOW,
    );
    expect(answer.evaluationResult).toEqual(['a', 'b']);
  });

  it('rejects a request without an expression, or with a malformed test object, with a 400', () => {
    expect(() => parseExpressionJson({}, NOW)).toThrow(GraphQueryError);
    expect(() =>
      parseExpressionJson({ expression: '[a]', testInputObject: { properties: 'x' } }, NOW),
    ).toThrow(/testInputObject.properties/);
  });
});

describe('functionsJson', () => {
  it("lists every function of @scim/mapping's table as attributeMappingFunctionSchema", () => {
    const functions = functionsJson();
    expect(functions.map((f) => f.name)).toEqual(expressionFunctions.map((f) => f.name));
    const join = functions.find((f) => f.name === 'Join')!;
    expect(join.parameters.some((p) => p.allowMultipleOccurrences)).toBe(true);
    for (const p of functions.flatMap((f) => f.parameters)) {
      expect(['String', 'Integer', 'Reference', 'Binary', 'Boolean', 'DateTime']).toContain(p.type);
    }
  });
});

describe('filterOperatorsJson', () => {
  it('lists every scoping operator with its arity and attribute types', () => {
    const operators = filterOperatorsJson();
    expect(operators.map((o) => o.name)).toEqual([...SCOPING_OPERATORS]);
    expect(operators.find((o) => o.name === 'EQUALS')).toEqual({
      name: 'EQUALS',
      arity: 'Binary',
      multivaluedComparisonType: 'All',
      supportedAttributeTypes: ['String', 'Integer'],
    });
    expect(operators.find((o) => o.name === 'IS TRUE')).toMatchObject({
      arity: 'Unary',
      supportedAttributeTypes: ['Boolean'],
    });
    expect(operators.find((o) => o.name === 'Greater_Than')?.supportedAttributeTypes).toEqual(['Integer']);
  });
});
