import { isScimError } from '@scim/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock.ts';
import { createEntraTenant, type EntraTenant } from './tenant.ts';
import type { DirectoryChange } from './types.ts';

const DOMAIN = 'contoso.onmicrosoft.com';
const DAY = 24 * 60 * 60 * 1000;

// Operations name objects by small indexes into the objects created so far, so random sequences
// hit the same objects again and again (and also ids that were deleted or purged).
type Op =
  | { op: 'createUser'; name: number }
  | { op: 'updateUser'; user: number; jobTitle: string | null }
  | { op: 'disable' | 'enable' | 'softDelete' | 'hardDelete' | 'restore' | 'purge'; user: number }
  | { op: 'setManager'; user: number; manager: number | null }
  | { op: 'createGroup' }
  | { op: 'deleteGroup' | 'restoreGroup'; group: number }
  | { op: 'addMember' | 'removeMember'; group: number; user: number }
  | { op: 'assign'; user: number; role: number }
  | { op: 'unassign'; assignment: number }
  | { op: 'advance'; days: number };

const index = fc.nat({ max: 7 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('createUser' as const), name: fc.nat({ max: 9 }) }), weight: 3 },
  fc.record({
    op: fc.constant('updateUser' as const),
    user: index,
    jobTitle: fc.option(fc.constantFrom('Engineer', 'Manager'), { nil: null }),
  }),
  {
    arbitrary: fc.record({
      op: fc.constantFrom(
        'disable',
        'enable',
        'softDelete',
        'hardDelete',
        'restore',
        'restore',
        'purge',
      ) as fc.Arbitrary<'disable' | 'enable' | 'softDelete' | 'hardDelete' | 'restore' | 'purge'>,
      user: index,
    }),
    weight: 2,
  },
  fc.record({
    op: fc.constant('setManager' as const),
    user: index,
    manager: fc.option(index, { nil: null }),
  }),
  fc.record({ op: fc.constant('createGroup' as const) }),
  fc.record({
    op: fc.constantFrom('deleteGroup', 'restoreGroup') as fc.Arbitrary<'deleteGroup' | 'restoreGroup'>,
    group: fc.nat({ max: 3 }),
  }),
  fc.record({
    op: fc.constantFrom('addMember', 'removeMember') as fc.Arbitrary<'addMember' | 'removeMember'>,
    group: fc.nat({ max: 3 }),
    user: index,
  }),
  fc.record({ op: fc.constant('assign' as const), user: index, role: fc.nat({ max: 2 }) }),
  fc.record({ op: fc.constant('unassign' as const), assignment: index }),
  fc.record({ op: fc.constant('advance' as const), days: fc.integer({ min: 0, max: 20 }) }),
);

function run(tenant: EntraTenant, clock: ReturnType<typeof createManualClock>, ops: Op[]) {
  const app = tenant.createServicePrincipal({ displayName: 'App' });
  const roles = [undefined, app.appRoles[0]!.id, app.appRoles[1]!.id];
  const users: string[] = [];
  const groups: string[] = [];
  const assignments: string[] = [];
  const pick = (list: string[], i: number) => list[i % Math.max(list.length, 1)] ?? 'missing';
  for (const step of ops) {
    const before = tenant.sequence;
    try {
      switch (step.op) {
        case 'createUser':
          users.push(
            tenant.createUser({
              userPrincipalName: `user${step.name}@${DOMAIN}`,
              displayName: `User ${step.name}`,
              mailNickname: `user${step.name}`,
            }).id,
          );
          break;
        case 'updateUser':
          tenant.updateUser(pick(users, step.user), { jobTitle: step.jobTitle });
          break;
        case 'disable':
          tenant.disableUser(pick(users, step.user));
          break;
        case 'enable':
          tenant.enableUser(pick(users, step.user));
          break;
        case 'softDelete':
          tenant.deleteUser(pick(users, step.user));
          break;
        case 'hardDelete':
          tenant.deleteUser(pick(users, step.user), { permanently: true });
          break;
        case 'restore':
          tenant.restoreDeletedItem(pick(users, step.user));
          break;
        case 'purge':
          tenant.permanentlyDeleteItem(pick(users, step.user));
          break;
        case 'setManager':
          tenant.setManager(pick(users, step.user), step.manager === null ? null : pick(users, step.manager));
          break;
        case 'createGroup':
          groups.push(
            tenant.createGroup({ displayName: `G${groups.length}`, mailNickname: `g${groups.length}` }).id,
          );
          break;
        case 'deleteGroup':
          tenant.deleteGroup(pick(groups, step.group));
          break;
        case 'restoreGroup':
          tenant.restoreDeletedItem(pick(groups, step.group));
          break;
        case 'addMember':
          tenant.addMember(pick(groups, step.group), pick(users, step.user));
          break;
        case 'removeMember':
          tenant.removeMember(pick(groups, step.group), pick(users, step.user));
          break;
        case 'assign':
          assignments.push(tenant.assign(app.id, pick(users, step.user), roles[step.role]).id);
          break;
        case 'unassign':
          tenant.unassign(pick(assignments, step.assignment));
          break;
        case 'advance':
          clock.advance(step.days * DAY);
          break;
      }
    } catch (error) {
      if (!isScimError(error)) throw error;
      // A refused mutation changes nothing.
      expect(tenant.sequence).toBe(before);
    }
  }
  return { app };
}

/** Rebuilds the visible state from the change log alone, as a provisioning engine would. */
function replay(changes: readonly DirectoryChange[]) {
  const active = new Set<string>();
  const managers = new Map<string, string | null>();
  const members = new Map<string, Set<string>>();
  const assignments = new Map<string, string>();
  const purged = new Set<string>();
  for (const c of changes) {
    switch (c.kind) {
      case 'userCreated':
      case 'userRestored':
        active.add(c.userId);
        break;
      case 'userSoftDeleted':
        active.delete(c.userId);
        break;
      case 'userHardDeleted':
        active.delete(c.userId);
        purged.add(c.userId);
        break;
      case 'groupCreated':
        members.set(c.groupId, new Set());
        active.add(c.groupId);
        break;
      case 'groupRestored':
        active.add(c.groupId);
        break;
      case 'groupSoftDeleted':
        active.delete(c.groupId);
        break;
      case 'groupHardDeleted':
        active.delete(c.groupId);
        members.delete(c.groupId);
        purged.add(c.groupId);
        break;
      case 'managerChanged':
        managers.set(c.userId, c.newManagerId);
        break;
      case 'memberAdded':
        members.get(c.groupId)!.add(c.memberId);
        break;
      case 'memberRemoved':
        members.get(c.groupId)?.delete(c.memberId);
        break;
      case 'appRoleAssigned':
        assignments.set(c.assignmentId, c.principalId);
        break;
      case 'appRoleUnassigned':
        assignments.delete(c.assignmentId);
        break;
      default:
        break;
    }
  }
  return { active, managers, members, assignments, purged };
}

describe('tenant (property-based)', () => {
  it('keeps a gap-free, time-ordered change log from which the visible state can be rebuilt', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 20, maxLength: 80 }), (ops) => {
        const clock = createManualClock('2026-01-01T00:00:00Z');
        const tenant = createEntraTenant({ clock, seed: 3 });
        const { app } = run(tenant, clock, ops);
        clock.advance(0);
        const changes = tenant.changesSince(0);
        expect(changes.map((c) => c.sequence)).toEqual(changes.map((_, i) => i + 1));
        const times = changes.map((c) => c.occurredDateTime);
        expect([...times].sort()).toEqual(times);

        const model = replay(changes);
        const users = tenant.listUsers();
        const activeUsers = new Set(users.map((u) => u.id));
        const activeGroups = new Set(tenant.listGroups().map((g) => g.id));
        expect(new Set([...model.active])).toEqual(new Set([...activeUsers, ...activeGroups]));
        for (const user of users) {
          const managerId = model.managers.get(user.id) ?? null;
          const expected = managerId !== null && model.active.has(managerId) ? managerId : null;
          expect(tenant.getManager(user.id)?.id ?? null).toBe(expected);
        }
        for (const groupId of activeGroups) {
          const expected = [...(model.members.get(groupId) ?? [])]
            .filter((id) => model.active.has(id))
            .sort();
          expect(
            tenant
              .listMembers(groupId)
              .map((m) => m.object.id)
              .sort(),
          ).toEqual(expected);
        }
        const expectedAssignments = [...model.assignments]
          .filter(([, p]) => model.active.has(p))
          .map(([id]) => id);
        expect(
          tenant
            .listAssignments(app.id)
            .map((a) => a.id)
            .sort(),
        ).toEqual(expectedAssignments.sort());
        // Purges are recorded with every link they remove: no link in the log outlives its object.
        for (const set of model.members.values())
          for (const id of set) expect(model.purged.has(id)).toBe(false);
        for (const [userId, managerId] of model.managers) {
          if (!model.purged.has(userId))
            expect(managerId !== null && model.purged.has(managerId)).toBe(false);
        }
        for (const principalId of model.assignments.values())
          expect(model.purged.has(principalId)).toBe(false);
        // userPrincipalName lookups agree with the list.
        for (const user of users) expect(tenant.findUser(user.userPrincipalName)?.id).toBe(user.id);
      }),
      { numRuns: 100 },
    );
  });
});
