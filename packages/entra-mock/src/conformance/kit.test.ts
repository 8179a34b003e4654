import { entraDefaultUserMappings } from '@scim/mapping';
import { bearerTokens, createScimHandler, issueToken, memoryStore } from '@scim/server';
import { describe, expect, it } from 'vitest';
import { createStrictScimApp } from '../../test/strict-scim-app.ts';
import {
  type ConformanceConnector,
  ConformanceFailure,
  conformanceScenarios,
  runConformance,
  runConformanceScenario,
} from './kit.ts';

const BASE = 'https://scim.example.test/scim/v2';
const BASE_CONNECTOR = { tenantUrl: BASE, secretToken: 't' };
/** Entra's default user mappings and roles from AppRoleAssignmentsComplex. */
const withRoles = {
  ...entraDefaultUserMappings,
  mappings: [
    ...entraDefaultUserMappings.mappings,
    {
      target: 'roles',
      type: 'Expression' as const,
      source: 'AppRoleAssignmentsComplex([appRoleAssignments])',
    },
  ],
};

/** @scim/server in memory, with a hook to bend its answers. */
async function server(
  bend?: (request: Request, next: (r: Request) => Promise<Response>) => Promise<Response>,
  profile: 'entra' | 'strict' = 'entra',
): Promise<ConformanceConnector> {
  const store = memoryStore();
  const { token } = await issueToken(store.tokens, 'default');
  const handler = createScimHandler({
    store,
    authenticate: bearerTokens({ tokens: store.tokens }),
    basePath: '/scim/v2',
    profile,
  });
  return { tenantUrl: BASE, secretToken: token, fetch: bend ? (r) => bend(r, handler) : handler };
}

async function failureOf(promise: Promise<void>): Promise<ConformanceFailure> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConformanceFailure);
  return error as ConformanceFailure;
}

describe('the conformance kit', () => {
  it('lists the lifecycle scenarios of the issue, each with a unique name', () => {
    const names = conformanceScenarios.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        'test-connection',
        'wrong-token',
        'group-lifecycle',
        'rate-limit-storm',
        'hard-delete',
      ]),
    );
  });

  it('passes against the strict Entra-shaped app in the dialect it enforces', async () => {
    for (const dialect of ['legacy', 'compliant'] as const) {
      const results = await runConformance({
        connector: () => {
          const app = createStrictScimApp({ baseUrl: BASE, token: 't', dialect });
          return { tenantUrl: BASE, secretToken: 't', fetch: app.fetch };
        },
        dialects: [dialect],
      });
      expect(results.filter((r) => !r.passed).map((r) => `${r.scenario}: ${r.error?.message}`)).toEqual([]);
      expect(results).toHaveLength(
        conformanceScenarios.filter((sc) => sc.applies({ connector: BASE_CONNECTOR })).length,
      );
    }
  });

  it('fails in the other dialect, naming the request the strict app rejected', async () => {
    const failure = await failureOf(
      runConformanceScenario('update-user', 'compliant', {
        connector: () => {
          const app = createStrictScimApp({ baseUrl: BASE, token: 't', dialect: 'legacy' });
          return { tenantUrl: BASE, secretToken: 't', fetch: app.fetch };
        },
      }),
    );
    expect(failure.dialect).toBe('compliant');
    expect(failure.message).toContain('update-user (compliant dialect)');
    expect(failure.message).toMatch(
      /Entra sent: PATCH https:\/\/scim\.example\.test\/scim\/v2\/Users\/\S+\?aadOptscim062020/,
    );
    expect(failure.message).toContain('the connector answered: 400');
  });

  it('catches a connector that ignores active in PATCH', async () => {
    const connector = await server(async (request, next) => {
      if (request.method !== 'PATCH') return next(request);
      const body = (await request.json()) as { Operations: { path?: string; value?: unknown }[] };
      body.Operations = body.Operations.filter((op) => op.path?.toLowerCase() !== 'active');
      if (body.Operations.length === 0) return new Response(null, { status: 204 });
      return next(new Request(request, { body: JSON.stringify(body) }));
    });
    const failure = await failureOf(
      runConformanceScenario('disable-by-account-enabled', 'legacy', { connector }),
    );
    expect(failure.message).toContain('active is true; expected false');
    expect(failure.message).toContain('last requests');
    expect(failure.exchanges.some((e) => e.method === 'PATCH' && e.requestBody?.includes('"False"'))).toBe(
      true,
    );
  });

  it('reports the failed events of a cycle with their error codes', async () => {
    const connector = await server(async (request, next) =>
      request.method === 'POST' && request.url.includes('/Groups')
        ? new Response(
            JSON.stringify({
              schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
              status: '409',
              scimType: 'uniqueness',
            }),
            {
              status: 409,
              headers: { 'content-type': 'application/scim+json' },
            },
          )
        : next(request),
    );
    const failure = await failureOf(runConformanceScenario('group-lifecycle', 'compliant', { connector }));
    expect(failure.message).toContain('EntryConflict');
    expect(failure.message).toContain(
      'Entra sent: POST https://scim.example.test/scim/v2/Groups?aadOptscim062020',
    );
    expect(failure.message).toContain('the connector answered: 409');
  });

  it('catches a connector that accepts any token', async () => {
    const connector = await server();
    const open = {
      ...connector,
      fetch: (r: Request) =>
        connector.fetch!(
          new Request(r, {
            headers: { ...Object.fromEntries(r.headers), authorization: `Bearer ${connector.secretToken}` },
          }),
        ),
    };
    const failure = await failureOf(runConformanceScenario('wrong-token', 'legacy', { connector: open }));
    expect(failure.message).toContain('Test Connection succeeded with a wrong Secret Token');
  });

  it('compares only the attributes asked for, and skips scenarios that do not apply', async () => {
    const withoutManager = {
      ...entraDefaultUserMappings,
      mappings: entraDefaultUserMappings.mappings.filter((m) => m.source !== 'manager'),
    };
    const results = await runConformance({
      connector: () => server(),
      userMappings: withoutManager,
      provisionGroups: false,
      attributes: ['userName', 'displayName'],
      dialects: ['legacy'],
      scenarios: ['create-user', 'manager-set-change-remove', 'group-lifecycle'],
    });
    expect(results.map((r) => [r.scenario, r.passed])).toEqual([['create-user', true]]);
  });

  it('skips the scenarios asked to, out of those asked for or of all that apply', async () => {
    const results = await runConformance({
      connector: () => server(),
      dialects: ['legacy'],
      scenarios: ['test-connection', 'create-user', 'hard-delete'],
      skip: ['hard-delete'],
    });
    expect(results.map((r) => [r.scenario, r.passed])).toEqual([
      ['test-connection', true],
      ['create-user', true],
    ]);
    const all = await runConformance({
      connector: () => server(),
      dialects: ['legacy'],
      provisionGroups: false,
      skip: ['rate-limit-storm', 'hard-delete'],
      scenarios: ['hard-delete', 'rate-limit-storm', 'wrong-token'],
    });
    expect(all.map((r) => r.scenario)).toEqual(['wrong-token']);
  });

  it('gives every user the directory attributes an app requires', async () => {
    const strict = async (): Promise<ConformanceConnector> => {
      const store = memoryStore();
      const { token } = await issueToken(store.tokens, 'default');
      const handler = createScimHandler({
        store,
        authenticate: bearerTokens({ tokens: store.tokens }),
        basePath: '/scim/v2',
        users: { required: ['userName', 'title'] },
      });
      return { tenantUrl: BASE, secretToken: token, fetch: handler };
    };
    const failure = await failureOf(runConformanceScenario('rename-user', 'legacy', { connector: strict }));
    expect(failure.message).toContain('the initial cycle had 1 failed event(s)');
    await runConformanceScenario('rename-user', 'legacy', {
      connector: strict,
      userAttributes: { jobTitle: 'Analyst' },
    });
    // A scenario's own values win: update-user changes the title it set.
    await runConformanceScenario('update-user', 'compliant', {
      connector: strict,
      userAttributes: { jobTitle: 'Analyst' },
    });
  });

  it('checks a hard delete as the app documents it: gone, or kept disabled', async () => {
    const disabling = async (): Promise<ConformanceConnector> => {
      const store = memoryStore();
      const { token } = await issueToken(store.tokens, 'default');
      const handler = createScimHandler({
        store,
        authenticate: bearerTokens({ tokens: store.tokens }),
        basePath: '/scim/v2',
        policies: { deleteMode: 'disable' },
      });
      return { tenantUrl: BASE, secretToken: token, fetch: handler };
    };
    const kept = await failureOf(runConformanceScenario('hard-delete', 'legacy', { connector: disabling }));
    expect(kept.message).toContain('still answers the user after DELETE; expected 404');
    await runConformanceScenario('hard-delete', 'compliant', {
      connector: disabling,
      userDeleteMode: 'disable',
    });
    const gone = await failureOf(
      runConformanceScenario('hard-delete', 'legacy', {
        connector: () => server(),
        userDeleteMode: 'disable',
      }),
    );
    expect(gone.message).toContain('answered 404 after DELETE; the app keeps the user disabled');
  });

  it('runs every user scenario with Default Access left out of provisioning', async () => {
    const results = await runConformance({
      connector: () => server(),
      dialects: ['compliant'],
      provisionGroups: false,
      skipDefaultAccessRole: true,
      scenarios: ['create-user', 'disable-by-unassignment'],
    });
    expect(results.map((r) => [r.scenario, r.passed, r.error?.message])).toEqual([
      ['create-user', true, undefined],
      ['disable-by-unassignment', true, undefined],
    ]);
  });

  it('catches a connector that does not store values as sent (Entra would re-send the update every time)', async () => {
    const connector = await server(async (request, next) => {
      const response = await next(request);
      if (request.method !== 'GET' || !/\/Users\/[^/?]+/.test(new URL(request.url).pathname)) return response;
      const user = (await response.json()) as Record<string, unknown>;
      user.displayName = String(user.displayName).toUpperCase(); // a connector that reformats values
      return new Response(JSON.stringify(user), { status: 200, headers: response.headers });
    });
    const failure = await failureOf(runConformanceScenario('values-stored-as-sent', 'legacy', { connector }));
    expect(failure.message).toContain('Entra read the user back and still sent 1 write(s)');
  });

  it('catches a connector that does not read + as a space in a filter', async () => {
    const connector = await server((request, next) =>
      new URL(request.url).search.includes('+eq+')
        ? Promise.resolve(
            new Response(
              JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400' }),
              {
                status: 400,
              },
            ),
          )
        : next(request),
    );
    const failure = await failureOf(
      runConformanceScenario('filter-plus-encoding', 'compliant', { connector }),
    );
    expect(failure.message).toContain('decode + in the query string as a space');
  });

  it('catches a connector that accepts the manager only as { value }', async () => {
    const connector = await server(async (request, next) => {
      if (request.method !== 'PATCH') return next(request);
      const text = await request.text();
      if (text.includes(':manager') && !text.includes('"value":{"value"') && !text.includes(':manager"}'))
        return new Response(
          JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400' }),
          {
            status: 400,
          },
        );
      return next(new Request(request, { body: text }));
    });
    const failure = await failureOf(
      runConformanceScenario('manager-reference-forms', 'legacy', { connector }),
    );
    expect(failure.message).toContain('with the manager as a bare id ("value": "<id>") answered 400');
  });

  it("catches a connector that does not accept the manager as the tutorial's Example 5 sends it (path manager, a list of { $ref, value })", async () => {
    const connector = await server(async (request, next) => {
      if (request.method !== 'PATCH') return next(request);
      const text = await request.text();
      if (text.includes('"path":"manager"'))
        return new Response(
          JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400' }),
          { status: 400 },
        );
      return next(new Request(request, { body: text }));
    });
    const failure = await failureOf(
      runConformanceScenario('manager-set-change-remove', 'legacy', { connector }),
    );
    expect(failure.message).toContain('the initial cycle had 1 failed event(s)');
    expect(failure.message).toContain('"op":"Add","path":"manager","value":[{"$ref":');
  });

  it('catches a connector that takes active only as the string "False", not the boolean the SCIM tutorial sends', async () => {
    const connector = await server(async (request, next) => {
      if (request.method !== 'PATCH') return next(request);
      const text = await request.text();
      if (/"path":"active","value":(true|false)/.test(text))
        return new Response(
          JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400' }),
          { status: 400 },
        );
      return next(new Request(request, { body: text }));
    });
    const failure = await failureOf(runConformanceScenario('disable-value-forms', 'legacy', { connector }));
    expect(failure.message).toContain(
      `"op": "Replace", "value": false (the SCIM tutorial's Disable User) answered 400`,
    );
  });

  it('catches a connector that cannot remove a member sent as the SCIM tutorial\'s { "$ref": null, "value" }', async () => {
    const connector = await server(async (request, next) => {
      if (request.method !== 'PATCH') return next(request);
      const text = await request.text();
      if (text.includes('"op":"Remove","path":"members","value":[{"$ref":null'))
        return new Response(
          JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400' }),
          { status: 400 },
        );
      return next(new Request(request, { body: text }));
    });
    const failure = await failureOf(
      runConformanceScenario('member-reference-forms', 'legacy', { connector }),
    );
    expect(failure.message).toContain('removing a member as { "$ref": null, "value" } answered 400');
  });

  it('checks roles mapped with AppRoleAssignmentsComplex in both dialects, and catches a connector that keeps the JSON string as the role', async () => {
    const options = { userMappings: withRoles, scenarios: ['app-role-assignments'] as const };
    const passing = await runConformance({ ...options, connector: () => server() });
    expect(passing.map((r) => `${r.dialect}: ${r.error?.message ?? 'passed'}`)).toEqual([
      'legacy: passed',
      'compliant: passed',
    ]);
    const failure = await failureOf(
      runConformanceScenario('app-role-assignments', 'legacy', {
        ...options,
        // An RFC-only connector (ops case-insensitive): the JSON string is the role's value.
        connector: () =>
          server(async (request, next) => {
            const text = await request.text();
            const body = text.replace(
              /"op":"(Add|Replace|Remove)"/g,
              (_, op: string) => `"op":"${op.toLowerCase()}"`,
            );
            return next(new Request(request, { body: request.method === 'GET' ? null : body }));
          }, 'strict'),
      }),
    );
    expect(failure.message).toContain('Entra sends each role as a JSON string in "value"');
    expect(failure.message).toContain('"op":"Add","path":"roles","value":[{"value":"{\\"id\\":');
    expect(
      conformanceScenarios
        .find((sc) => sc.name === 'app-role-assignments')!
        .applies({ connector: BASE_CONNECTOR }),
    ).toBe(false);
  });

  it('rejects an unknown scenario', async () => {
    await expect(
      runConformanceScenario('nope' as never, 'legacy', { connector: { tenantUrl: BASE, secretToken: 't' } }),
    ).rejects.toThrow(/unknown scenario "nope"/);
  });
});
