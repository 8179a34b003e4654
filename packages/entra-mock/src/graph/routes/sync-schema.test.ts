import { describe, expect, it } from 'vitest';
import { configureJob, useGraphSyncWorld } from '../../../test/graph-sync-setup.ts';

const { fresh, graph } = useGraphSyncWorld();

describe('synchronization schema', () => {
  it("resets the job's schema to the template's default on DELETE schema", async () => {
    const world = fresh();
    const { job } = await configureJob(graph, world);
    const { body: schema } = await graph('GET', `${job}/schema`);
    schema.synchronizationRules[0].objectMappings[0].attributeMappings.push({
      targetAttributeName: 'nickName',
      source: { expression: '[mailNickname]', name: 'mailNickname', type: 'Attribute', parameters: [] },
      flowType: 'Always',
      matchingPriority: 0,
      defaultValue: null,
    });
    expect((await graph('PUT', `${job}/schema`, schema)).status).toBe(204);
    const customized = await graph('GET', `${job}/schema`);
    const names = (s: {
      synchronizationRules: { objectMappings: { attributeMappings: { targetAttributeName: string }[] }[] }[];
    }) => s.synchronizationRules[0]!.objectMappings[0]!.attributeMappings.map((m) => m.targetAttributeName);
    expect(names(customized.body)).toContain('nickName');
    expect((await graph('DELETE', `${job}/schema`)).status).toBe(204);
    const reset = await graph('GET', `${job}/schema`);
    expect(names(reset.body)).not.toContain('nickName');
    const template = await graph(
      'GET',
      `/servicePrincipals/${world.app.id}/synchronization/templates/scim/schema`,
    );
    expect(names(reset.body)).toEqual(names(template.body));
    expect(Number(reset.body.version)).toBeGreaterThan(Number(customized.body.version));
  });

  it('lists the functions and the scoping filter operators under a job and under a template', async () => {
    const world = fresh();
    const { job } = await configureJob(graph, world);
    for (const base of [
      `${job}/schema`,
      `/servicePrincipals/${world.app.id}/synchronization/templates/scim/schema`,
    ]) {
      const functions = await graph('GET', `${base}/functions`);
      expect(functions.body['@odata.context']).toBe('https://graph.microsoft.com/v1.0/$metadata#functions');
      expect(functions.body.value.find((f: { name: string }) => f.name === 'Append')).toMatchObject({
        parameters: [
          { name: 'source', required: true, allowMultipleOccurrences: false, type: 'String' },
          { name: 'suffix', required: true, allowMultipleOccurrences: false, type: 'String' },
        ],
      });
      const operators = await graph('GET', `${base}/filterOperators`, undefined, 'beta');
      expect(operators.body.value.find((o: { name: string }) => o.name === 'EQUALS')).toEqual({
        name: 'EQUALS',
        arity: 'Binary',
        multivaluedComparisonType: 'All',
        supportedAttributeTypes: ['String', 'Integer'],
      });
    }
  });

  it("answers parseExpression with the Graph reference's response shape, backed by @scim/mapping", async () => {
    const world = fresh();
    const { job } = await configureJob(graph, world);
    const answer = await graph('POST', `${job}/schema/parseExpression`, {
      expression: 'Replace([preferredLanguage], "-", , , "_", ,  )',
      targetAttributeDefinition: null,
      testInputObject: { definition: null, properties: [{ key: 'preferredLanguage', value: 'EN-US' }] },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      error: null,
      evaluationSucceeded: true,
      evaluationResult: ['EN_US'],
      parsingSucceeded: true,
      parsedExpression: { name: 'Replace', type: 'Function' },
    });
    const bad = await graph('POST', `${job}/schema/parseExpression`, { expression: 'Join(" ", [givenName]' });
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({
      parsingSucceeded: false,
      parsedExpression: null,
      error: { code: expect.any(String) },
    });
    expect((await graph('POST', `${job}/schema/parseExpression`, {})).status).toBe(400);
  });
});
