import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEntraTenant } from '../tenant/tenant.ts';
import { DEFAULT_ACCESS_APP_ROLE_ID } from '../tenant/types.ts';
import { exportDirectory, generateDirectory, importDirectory } from './directory.ts';

describe('generateDirectory', () => {
  it('is deterministic for a seed', () => {
    expect(generateDirectory({ seed: 3, users: 60, groups: 25 })).toEqual(
      generateDirectory({ seed: 3, users: 60, groups: 25 }),
    );
    expect(generateDirectory({ seed: 3, users: 60 })).not.toEqual(generateDirectory({ seed: 4, users: 60 }));
  });

  it('makes unique names, one management tree under the chief executive, and valid references', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 150 }),
        fc.integer({ min: 0, max: 30 }),
        (seed, users, groups) => {
          const d = generateDirectory({ seed, users, groups });
          const upns = new Set(d.users.map((u) => u.userPrincipalName));
          const nicknames = new Set(d.groups.map((g) => g.mailNickname));
          expect(upns.size).toBe(users);
          expect(nicknames.size).toBe(groups);
          const managerOf = new Map(d.users.map((u) => [u.userPrincipalName, u.manager]));
          const roots = d.users.filter((u) => u.manager === undefined);
          expect(roots.map((u) => u.jobTitle)).toEqual(['Chief Executive Officer']);
          for (const upn of upns) {
            // Walking up from anyone reaches the root in fewer steps than there are users: no cycles.
            let at: string | undefined = upn;
            let steps = 0;
            while (at !== undefined) {
              at = managerOf.get(at);
              expect(at === undefined || upns.has(at)).toBe(true);
              steps++;
              expect(steps).toBeLessThanOrEqual(users);
            }
          }
          for (const g of d.groups) for (const m of g.members ?? []) expect(upns.has(m)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('gives every group exactly membersPerGroup members when asked', () => {
    const d = generateDirectory({ seed: 1, users: 300, groups: 30, membersPerGroup: 100 });
    expect(d.groups.map((g) => new Set(g.members).size)).toEqual(Array(30).fill(100));
  });

  it('generates, for a seed, the directory it always has (a change to what a seed gives is caught)', () => {
    // Digests of JSON.stringify(generateDirectory(...)), taken before the group members were drawn
    // without copying every user name per group (issue 14): the same seed keeps the same tenant.
    const digest = (options: Parameters<typeof generateDirectory>[0]) =>
      createHash('sha256')
        .update(JSON.stringify(generateDirectory(options)))
        .digest('hex');
    expect(digest({ seed: 4, users: 1000, groups: 40, membersPerGroup: 100 })).toBe(
      'dbd8c391bcbc7b3745b57628fb6af5ee51e73833d0fb46b7097c75f854d60c65',
    );
    expect(digest({ seed: 7, users: 300, groups: 30, membersPerGroup: 20 })).toBe(
      '9486a10d1a7e6c521f1fb49f7919eccf7a33f6c3fedba7b9176cbb2bf5c272c2',
    );
    expect(digest({ seed: 3, users: 60, groups: 25 })).toBe(
      '7f6b4b08c90b4759b95031c6c1c5bafced54fafcc00199adb2f8f5d22bc7b64f',
    );
  });

  it('fills a small group from users outside it, each once', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 40 }), (seed, wanted) => {
        const d = generateDirectory({ seed, users: 40, groups: 25, membersPerGroup: wanted });
        const upns = new Set(d.users.map((u) => u.userPrincipalName));
        for (const group of d.groups) {
          expect(new Set(group.members).size).toBe(wanted);
          for (const member of group.members ?? []) expect(upns.has(member)).toBe(true);
        }
      }),
      { numRuns: 10 },
    );
  });

  it('rejects impossible sizes', () => {
    expect(() => generateDirectory({ seed: 1, users: 0 })).toThrow(/users must be/);
    expect(() => generateDirectory({ seed: 1, users: 5, disabledRatio: 2 })).toThrow(/disabledRatio/);
  });
});

describe('importDirectory', () => {
  it('loads a generated directory into a tenant with managers, members and assignments', () => {
    const tenant = createEntraTenant({ seed: 2 });
    const description = generateDirectory({ seed: 2, users: 40, groups: 12 });
    const ids = importDirectory(tenant, description);
    expect(tenant.listUsers()).toHaveLength(40);
    expect(tenant.listGroups()).toHaveLength(12);
    const someone = description.users[15]!;
    const id = ids.users[someone.userPrincipalName]!;
    expect(tenant.getUser(id)).toMatchObject({ jobTitle: someone.jobTitle, city: someone.city });
    expect(tenant.getManager(id)?.userPrincipalName).toBe(someone.manager);
    const group = description.groups[0]!;
    expect(tenant.listMembers(ids.groups[group.mailNickname]!)).toHaveLength(group.members!.length);
    const app = ids.applications['Contoso SCIM app']!;
    expect(tenant.listAssignments(app)).toHaveLength(40);
  });

  it('assigns the Default Access role when no role is given and rejects unknown references', () => {
    const tenant = createEntraTenant();
    const ids = importDirectory(tenant, {
      users: [{ userPrincipalName: 'a@contoso.onmicrosoft.com', displayName: 'A', mailNickname: 'a' }],
      groups: [{ displayName: 'G', mailNickname: 'g', members: ['a@contoso.onmicrosoft.com'] }],
      applications: [{ displayName: 'App', assignments: [{ principal: 'g' }] }],
    });
    expect(tenant.listAssignments(ids.applications.App!)).toMatchObject([
      { principalType: 'Group', appRoleId: DEFAULT_ACCESS_APP_ROLE_ID },
    ]);
    expect(() =>
      importDirectory(createEntraTenant(), {
        users: [
          {
            userPrincipalName: 'b@contoso.onmicrosoft.com',
            displayName: 'B',
            mailNickname: 'b',
            manager: 'nobody',
          },
        ],
        groups: [],
      }),
    ).toThrow(/manager "nobody"/);
  });
});

describe('exportDirectory', () => {
  it('round-trips: importing an export gives a tenant with the same export', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 15 }),
        (seed, users, groups) => {
          const description = generateDirectory({ seed, users, groups, application: { assign: 'groups' } });
          const a = createEntraTenant({ seed });
          importDirectory(a, description);
          const exported = exportDirectory(a);
          const b = createEntraTenant({ seed: seed + 1 });
          importDirectory(b, JSON.parse(JSON.stringify(exported)));
          expect(exportDirectory(b)).toEqual(exported);
          // And it says what the generator said, up to the properties left empty.
          for (const [i, user] of exported.users.entries()) {
            const original = description.users[i]!;
            expect(user.userPrincipalName).toBe(original.userPrincipalName);
            expect(user.manager).toBe(original.manager);
            expect(user.jobTitle).toBe(original.jobTitle);
            expect(user.accountEnabled).toBe(original.accountEnabled);
          }
          expect(exported.groups.map((g) => g.members)).toEqual(description.groups.map((g) => g.members));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('leaves deleted users out and refuses ambiguous group names', () => {
    const tenant = createEntraTenant();
    const ids = importDirectory(tenant, generateDirectory({ seed: 1, users: 5, groups: 0 }));
    const [first] = Object.values(ids.users);
    tenant.deleteUser(first!);
    expect(exportDirectory(tenant).users).toHaveLength(4);
    tenant.createGroup({ displayName: 'A', mailNickname: 'same' });
    tenant.createGroup({ displayName: 'B', mailNickname: 'same' });
    expect(() => exportDirectory(tenant)).toThrow(/two groups have the mailNickname "same"/);
  });
});

describe('generateDirectory group names', () => {
  it('gives every group its own displayName, which Entra matches groups on', () => {
    const { groups } = generateDirectory({ seed: 1, users: 300, groups: 200, membersPerGroup: 10 });
    expect(new Set(groups.map((g) => g.displayName.toLowerCase())).size).toBe(200);
    expect(groups.some((g) => / \d+$/.test(g.displayName))).toBe(true); // repeated project words get a number
  });
});
