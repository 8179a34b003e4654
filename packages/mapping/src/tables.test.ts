import { describe, expect, it } from 'vitest';
import { entraDefaultGroupMappings, entraDefaultUserMappings } from './defaults.ts';
import { isMappingError } from './errors.ts';
import {
  compileMappingTable,
  diffResources,
  evaluateMappingTable,
  fromGraphAttributeMappings,
  type MappingTable,
  matchingQueries,
  parseMappingTable,
  safeParseMappingTable,
  stringifyMappingTable,
  toGraphAttributeMappings,
} from './tables.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const barbara = {
  userPrincipalName: 'bjensen@contoso.com',
  givenName: 'Barbara',
  surname: 'Jensen',
  displayName: 'Barbara Jensen',
  IsSoftDeleted: false,
  mail: 'bjensen@contoso.com',
  proxyAddresses: ['SMTP:bjensen@contoso.com', 'smtp:babs@contoso.com'],
  city: 'Oslo',
  country: 'NO',
  mobile: '+47 555',
  department: 'R&D',
  employeeId: '701984',
  manager: 'entra-manager-id',
  mailNickname: 'bjensen',
  jobTitle: null,
};

describe('evaluateMappingTable with the default user mappings', () => {
  const resource = evaluateMappingTable(entraDefaultUserMappings, barbara, {
    resolveReference: ({ value }) => `app-${value}`,
  });

  it('builds top-level, nested and typed multi-valued attributes from target paths', () => {
    expect(resource.userName).toBe('bjensen@contoso.com');
    expect(resource.externalId).toBe('bjensen');
    expect(resource.name).toEqual({
      givenName: 'Barbara',
      familyName: 'Jensen',
      formatted: 'Barbara Jensen',
    });
    expect(resource.addresses).toEqual([{ type: 'work', locality: 'Oslo', country: 'NO' }]);
    expect(resource.phoneNumbers).toEqual([{ type: 'mobile', value: '+47 555' }]);
  });

  it('sends active as a boolean computed from IsSoftDeleted', () => {
    expect(resource.active).toBe(true);
    expect(evaluateMappingTable(entraDefaultUserMappings, { ...barbara, IsSoftDeleted: true }).active).toBe(
      false,
    );
  });

  it('sends a number computed into a string attribute as a string, as Entra does', () => {
    const table: MappingTable = {
      objectType: 'User',
      mappings: [
        { target: 'userName', type: 'Direct', source: 'userPrincipalName' },
        { target: 'title', type: 'Expression', source: 'Count([proxyAddresses])' },
        { target: 'nickName', type: 'Expression', source: 'BitAnd([flags], &HF)' },
        {
          target: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter',
          type: 'Expression',
          source: 'DateDiff("d", "2021-08-18", "2021-08-31")',
        },
        { target: 'phoneNumbers[type eq "work"].value', type: 'Direct', source: 'extension' },
        { target: 'emails[type eq "other"].value', type: 'Direct', source: 'codes' },
        { target: 'profileUrl', type: 'Expression', source: 'InStr([userPrincipalName], "@")' },
        { target: 'displayName', type: 'Direct', source: 'ratio' },
      ],
    };
    const body = evaluateMappingTable(table, {
      ...barbara,
      flags: 0x2d,
      extension: 4711,
      codes: [1, 2],
      ratio: 0.00001,
    });
    expect(body.title).toBe('2');
    expect(body.nickName).toBe('13');
    expect((body[ENTERPRISE] as Record<string, unknown>).costCenter).toBe('13');
    expect(body.phoneNumbers).toEqual([{ type: 'work', value: '4711' }]);
    expect(body.emails).toEqual([
      { type: 'other', value: '1' },
      { type: 'other', value: '2' },
    ]);
    expect(body.profileUrl).toBe('8');
    expect(body.displayName).toBe('1E-05'); // .NET's Double.ToString(), not JavaScript's 0.00001
  });

  it('lists the targets whose expression calls Redact, whose values still flow', () => {
    const table: MappingTable = {
      objectType: 'User',
      mappings: [
        { target: 'userName', type: 'Direct', source: 'userPrincipalName', matchingPrecedence: 1 },
        { target: 'externalId', type: 'Expression', source: 'Redact([employeeId])' },
      ],
    };
    const compiled = compileMappingTable(table);
    expect(compiled.redactedTargets).toEqual(['externalId']);
    expect(compiled.evaluate({ userPrincipalName: 'a@b.c', employeeId: '42' }).externalId).toBe('42');
    expect(compileMappingTable(entraDefaultUserMappings).redactedTargets).toEqual([]);
  });

  it('maps the 22 default targets of the SCIM template, userName matching first', () => {
    expect(entraDefaultUserMappings.mappings).toHaveLength(22);
    expect(entraDefaultUserMappings.mappings.filter((m) => m.matchingPrecedence !== undefined)).toEqual([
      { target: 'userName', type: 'Direct', source: 'userPrincipalName', matchingPrecedence: 1 },
    ]);
    expect(resource.emails).toEqual([{ type: 'work', value: 'bjensen@contoso.com' }]);
  });

  it('expands a multi-valued source into one element per value', () => {
    const table: MappingTable = {
      objectType: 'User',
      mappings: [
        { target: 'emails[type eq "work"].value', type: 'Direct', source: 'mail' },
        { target: 'emails[type eq "other"].value', type: 'Direct', source: 'proxyAddresses' },
      ],
    };
    expect(evaluateMappingTable(table, barbara).emails).toEqual([
      { type: 'work', value: 'bjensen@contoso.com' },
      { type: 'other', value: 'SMTP:bjensen@contoso.com' },
      { type: 'other', value: 'smtp:babs@contoso.com' },
    ]);
  });

  it('puts extension attributes under their schema URN and lists the schema', () => {
    expect(resource.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE]);
    expect(resource[ENTERPRISE]).toEqual({
      department: 'R&D',
      employeeNumber: '701984',
      manager: { value: 'app-entra-manager-id' },
    });
  });

  it('drops null values: Entra never sends nulls', () => {
    expect('title' in resource).toBe(false);
    expect(JSON.stringify(resource)).not.toContain('null');
  });

  it('drops a reference the callback cannot resolve', () => {
    const r = evaluateMappingTable(entraDefaultUserMappings, barbara, { resolveReference: () => null });
    expect(r[ENTERPRISE]).toEqual({ department: 'R&D', employeeNumber: '701984' });
  });
});

describe('evaluateMappingTable options', () => {
  const table: MappingTable = {
    objectType: 'User',
    mappings: [
      { target: 'userName', type: 'Direct', source: 'userPrincipalName' },
      { target: 'nickName', type: 'Direct', source: 'nick', defaultValue: 'none' },
      { target: 'title', type: 'Constant', source: 'Employee', apply: 'OnObjectCreationOnly' },
      { target: 'locale', type: 'None', defaultValue: 'en-US' },
    ],
  };

  it('applies OnObjectCreationOnly mappings and default values on creation only', () => {
    expect(evaluateMappingTable(table, { userPrincipalName: 'a@b.c' })).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'a@b.c',
      nickName: 'none',
      title: 'Employee',
      locale: 'en-US',
    });
    expect(evaluateMappingTable(table, { userPrincipalName: 'a@b.c' }, { operation: 'update' })).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'a@b.c',
    });
  });

  it('resolves group members through the callback', () => {
    const r = evaluateMappingTable(
      entraDefaultGroupMappings,
      { displayName: 'Sales', objectId: 'g1', members: ['u1', 'u2'] },
      { resolveReference: ({ value }) => (value === 'u2' ? null : `app-${value}`) },
    );
    expect(r).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Sales',
      externalId: 'g1',
      members: [{ value: 'app-u1' }],
    });
  });

  it('names the failing mapping when an expression does not compile', () => {
    let caught: unknown;
    try {
      compileMappingTable({
        objectType: 'User',
        mappings: [{ target: 'x', type: 'Expression', source: 'Joinn([a])' }],
      });
    } catch (e) {
      caught = e;
    }
    expect(isMappingError(caught) && caught.message.startsWith('mappings[0] (x):')).toBe(true);
  });

  it('rejects a target that is not a SCIM path', () => {
    expect(() =>
      compileMappingTable({
        objectType: 'User',
        mappings: [{ target: 'a b', type: 'Constant', source: 'x' }],
      }),
    ).toThrow(/not a SCIM attribute path/);
  });
});

describe('diffResources', () => {
  it('reports replaced, added and removed attributes as PATCH-style operations', () => {
    const before = evaluateMappingTable(entraDefaultUserMappings, barbara);
    const after = evaluateMappingTable(entraDefaultUserMappings, {
      ...barbara,
      city: 'Bergen',
      mobile: undefined,
      jobTitle: 'Engineer',
      IsSoftDeleted: true,
    });
    expect(diffResources(before, after)).toEqual([
      { op: 'replace', path: 'active', value: false, previous: true },
      { op: 'replace', path: 'addresses[type eq "work"].locality', value: 'Bergen', previous: 'Oslo' },
      { op: 'remove', path: 'phoneNumbers[type eq "mobile"].value', previous: '+47 555' },
      { op: 'add', path: 'title', value: 'Engineer' },
    ]);
  });

  it('finds no change between equal resources', () => {
    const r = evaluateMappingTable(entraDefaultUserMappings, barbara);
    expect(diffResources(r, structuredClone(r))).toEqual([]);
  });
});

describe('matchingQueries', () => {
  it('builds the filter Entra sends to find an existing user', () => {
    expect(matchingQueries(entraDefaultUserMappings, barbara)).toEqual([
      { target: 'userName', value: 'bjensen@contoso.com', filter: 'userName eq "bjensen@contoso.com"' },
    ]);
  });

  it('orders by precedence and skips attributes without a value', () => {
    const table: MappingTable = {
      objectType: 'User',
      mappings: [
        { target: 'emails[type eq "work"].value', type: 'Direct', source: 'mail', matchingPrecedence: 2 },
        { target: 'externalId', type: 'Direct', source: 'objectId', matchingPrecedence: 1 },
        { target: 'userName', type: 'Direct', source: 'upn', matchingPrecedence: 3 },
      ],
    };
    expect(matchingQueries(table, { mail: 'a@b.c', objectId: 'o1' }).map((q) => q.filter)).toEqual([
      'externalId eq "o1"',
      'emails[type eq "work"].value eq "a@b.c"',
    ]);
  });
});

describe('JSON and Graph forms', () => {
  it('round-trips the default tables through JSON', () => {
    for (const t of [entraDefaultUserMappings, entraDefaultGroupMappings]) {
      expect(parseMappingTable(stringifyMappingTable(t))).toEqual(t);
    }
  });

  it('round-trips the default tables through Graph attributeMappings', () => {
    expect(fromGraphAttributeMappings('User', toGraphAttributeMappings(entraDefaultUserMappings))).toEqual(
      entraDefaultUserMappings,
    );
    const active = toGraphAttributeMappings(entraDefaultUserMappings).find(
      (m) => m.targetAttributeName === 'active',
    );
    expect(active?.source.type).toBe('Function');
    expect(active?.source.name).toBe('Switch');
    expect(active?.matchingPriority).toBe(0);
  });

  it('reports shape errors with the table stage', () => {
    const bad = [
      'not json',
      { objectType: 'Device', mappings: [] },
      { objectType: 'User', mappings: [{ target: 'x', type: 'Magic' }] },
      { objectType: 'User', mappings: [{ target: 'x', type: 'Direct', source: 'a', matchingPrecedence: 0 }] },
    ];
    for (const input of bad) {
      const r = safeParseMappingTable(input);
      expect(r.success).toBe(false);
      if (!r.success) expect(r.error.stage).toBe('table');
    }
  });

  it('reports expression errors inside a table with their own stage', () => {
    const r = safeParseMappingTable({
      objectType: 'User',
      mappings: [{ target: 'x', type: 'Expression', source: 'Join(' }],
    });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.stage).toBe('parse');
  });
});
