// Graph's directory routes: users (with manager, direct reports, memberOf), groups (with members),
// deleted items, and app role assignments. Internal to the package.
import type { GroupInput, UserInput } from '../../tenant/types.ts';
import { json, noContent, notFound, page, type Route, readJson } from '../context.ts';
import {
  checkProperties,
  filtered,
  GROUP_PROPERTIES,
  GROUP_READ_ONLY,
  groupJson,
  objectById,
  objectJson,
  objectSelect,
  referenceId,
  requireProperties,
  select,
  USER_PROPERTIES,
  USER_READ_ONLY,
  userById,
  userJson,
} from '../directory-objects.ts';
import { GraphQueryError } from '../odata.ts';
import type { components } from '../openapi.generated.ts';
import { servicePrincipalByKey } from './applications.ts';

type Schemas = components['schemas'];

/** `users`, `users/{id}`, and the user's manager, direct reports and groups. */
const userRoutes: Route[] = [
  {
    method: 'GET',
    pattern: ['users'],
    run: (ctx) => {
      const names = select(ctx, USER_PROPERTIES, 'user');
      const users = filtered(ctx, ctx.tenant.listUsers(), USER_PROPERTIES, 'User');
      const context = names ? `users(${names.join(',')})` : 'users';
      const body: Schemas['userCollection'] = page(
        ctx,
        context,
        users.map((u) => userJson(u, names)),
      );
      return json(ctx, 200, body);
    },
  },
  {
    method: 'POST',
    pattern: ['users'],
    run: async (ctx) => {
      const body = await readJson(ctx);
      checkProperties(body, USER_PROPERTIES, USER_READ_ONLY, ['passwordProfile'], 'user');
      requireProperties(
        body,
        ['accountEnabled', 'displayName', 'mailNickname', 'passwordProfile', 'userPrincipalName'],
        'User',
      );
      const { passwordProfile: _password, ...input } = body as Schemas['userCreate'];
      const user = ctx.tenant.createUser(input as UserInput & Schemas['userCreate']);
      return json(ctx, 201, { '@odata.context': `${ctx.base}/$metadata#users/$entity`, ...userJson(user) });
    },
  },
  {
    method: 'GET',
    pattern: ['users', ':id'],
    run: (ctx, { id }) => {
      const names = select(ctx, USER_PROPERTIES, 'user');
      const context = names ? `users(${names.join(',')})/$entity` : 'users/$entity';
      return json(ctx, 200, {
        '@odata.context': `${ctx.base}/$metadata#${context}`,
        ...userJson(userById(ctx.tenant, id!), names),
      });
    },
  },
  {
    method: 'PATCH',
    pattern: ['users', ':id'],
    run: async (ctx, { id }) => {
      const user = userById(ctx.tenant, id!);
      const body = await readJson(ctx);
      checkProperties(body, USER_PROPERTIES, USER_READ_ONLY, ['passwordProfile'], 'user');
      const { passwordProfile: _password, ...input } = body as Schemas['userUpdate'];
      ctx.tenant.updateUser(user.id, input as UserInput);
      return noContent(ctx);
    },
  },
  {
    method: 'DELETE',
    pattern: ['users', ':id'],
    run: (ctx, { id }) => {
      ctx.tenant.deleteUser(userById(ctx.tenant, id!).id);
      return noContent(ctx);
    },
  },
  {
    method: 'GET',
    pattern: ['users', ':id', 'manager'],
    run: (ctx, { id }) => {
      const manager = ctx.tenant.getManager(userById(ctx.tenant, id!).id);
      if (!manager) throw notFound('manager');
      return json(ctx, 200, {
        '@odata.context': `${ctx.base}/$metadata#directoryObjects/$entity`,
        ...objectJson({ type: 'user', object: manager }, objectSelect(ctx)),
      });
    },
  },
  {
    method: 'PUT',
    pattern: ['users', ':id', 'manager', '$ref'],
    run: async (ctx, { id }) => {
      const user = userById(ctx.tenant, id!);
      const managerId = referenceId(ctx, await readJson(ctx));
      ctx.tenant.setManager(user.id, userById(ctx.tenant, managerId).id);
      return noContent(ctx);
    },
  },
  {
    method: 'DELETE',
    pattern: ['users', ':id', 'manager', '$ref'],
    run: (ctx, { id }) => {
      const user = userById(ctx.tenant, id!);
      if (!ctx.tenant.getManager(user.id)) throw notFound('manager');
      ctx.tenant.setManager(user.id, null);
      return noContent(ctx);
    },
  },
  {
    method: 'GET',
    pattern: ['users', ':id', 'directReports'],
    run: (ctx, { id }) => {
      const names = objectSelect(ctx);
      const reports = ctx.tenant.listDirectReports(userById(ctx.tenant, id!).id);
      const items = reports.map((u) => objectJson({ type: 'user', object: u }, names));
      return json(ctx, 200, page(ctx, 'directoryObjects', items));
    },
  },
  {
    method: 'GET',
    pattern: ['users', ':id', 'memberOf'],
    run: (ctx, { id }) => {
      const names = objectSelect(ctx);
      const groups = ctx.tenant.listMemberOf(userById(ctx.tenant, id!).id);
      const items = groups.map((g) => objectJson({ type: 'group', object: g }, names));
      return json(ctx, 200, page(ctx, 'directoryObjects', items));
    },
  },
];

/** `groups`, `groups/{id}`, and the group's members. */
const groupRoutes: Route[] = [
  {
    method: 'GET',
    pattern: ['groups'],
    run: (ctx) => {
      const names = select(ctx, GROUP_PROPERTIES, 'group');
      const groups = filtered(ctx, ctx.tenant.listGroups(), GROUP_PROPERTIES, 'Group');
      const context = names ? `groups(${names.join(',')})` : 'groups';
      const body: Schemas['groupCollection'] = page(
        ctx,
        context,
        groups.map((g) => groupJson(g, names)),
      );
      return json(ctx, 200, body);
    },
  },
  {
    method: 'POST',
    pattern: ['groups'],
    run: async (ctx) => {
      const body = await readJson(ctx);
      checkProperties(body, GROUP_PROPERTIES, GROUP_READ_ONLY, ['members@odata.bind'], 'group');
      requireProperties(body, ['displayName', 'mailEnabled', 'mailNickname', 'securityEnabled'], 'Group');
      const { 'members@odata.bind': bind, ...input } = body as Schemas['groupCreate'];
      const memberIds = (bind ?? []).map((ref) => referenceId(ctx, { '@odata.id': ref }));
      for (const memberId of memberIds) objectById(ctx.tenant, memberId);
      const group = ctx.tenant.createGroup(input as GroupInput & Schemas['groupCreate']);
      for (const memberId of memberIds) ctx.tenant.addMember(group.id, memberId);
      return json(ctx, 201, {
        '@odata.context': `${ctx.base}/$metadata#groups/$entity`,
        ...groupJson(group),
      });
    },
  },
  {
    method: 'GET',
    pattern: ['groups', ':id'],
    run: (ctx, { id }) => {
      const names = select(ctx, GROUP_PROPERTIES, 'group');
      const group = ctx.tenant.findGroup(id!);
      if (!group) throw notFound(id!);
      return json(ctx, 200, {
        '@odata.context': `${ctx.base}/$metadata#groups/$entity`,
        ...groupJson(group, names),
      });
    },
  },
  {
    method: 'PATCH',
    pattern: ['groups', ':id'],
    run: async (ctx, { id }) => {
      if (!ctx.tenant.findGroup(id!)) throw notFound(id!);
      const body = await readJson(ctx);
      checkProperties(body, GROUP_PROPERTIES, GROUP_READ_ONLY, [], 'group');
      ctx.tenant.updateGroup(id!, body as GroupInput);
      return noContent(ctx);
    },
  },
  {
    method: 'DELETE',
    pattern: ['groups', ':id'],
    run: (ctx, { id }) => {
      if (!ctx.tenant.findGroup(id!)) throw notFound(id!);
      ctx.tenant.deleteGroup(id!);
      return noContent(ctx);
    },
  },
  {
    method: 'GET',
    pattern: ['groups', ':id', 'members'],
    run: (ctx, { id }) => {
      if (!ctx.tenant.findGroup(id!)) throw notFound(id!);
      const names = objectSelect(ctx);
      const members = ctx.tenant.listMembers(id!).map((m) => objectJson(m, names));
      const body: Schemas['directoryObjectCollection'] = page(ctx, 'directoryObjects', members);
      return json(ctx, 200, body);
    },
  },
  {
    method: 'POST',
    pattern: ['groups', ':id', 'members', '$ref'],
    run: async (ctx, { id }) => {
      if (!ctx.tenant.findGroup(id!)) throw notFound(id!);
      const memberId = referenceId(ctx, await readJson(ctx));
      ctx.tenant.addMember(id!, objectById(ctx.tenant, memberId).object.id);
      return noContent(ctx);
    },
  },
  {
    method: 'DELETE',
    pattern: ['groups', ':id', 'members', ':memberId', '$ref'],
    run: (ctx, { id, memberId }) => {
      if (!ctx.tenant.findGroup(id!)) throw notFound(id!);
      ctx.tenant.removeMember(id!, memberId!);
      return noContent(ctx);
    },
  },
];

/** `directory/deletedItems`: soft-deleted users and groups, restore and permanent delete. */
const deletedItemRoutes: Route[] = [
  {
    method: 'GET',
    pattern: ['directory', 'deletedItems', 'microsoft.graph.user'],
    run: (ctx) => {
      const names = objectSelect(ctx);
      const items = ctx.tenant.listDeletedItems('user').map((i) => objectJson(i, names));
      return json(ctx, 200, page(ctx, 'directoryObjects(microsoft.graph.user)', items));
    },
  },
  {
    method: 'GET',
    pattern: ['directory', 'deletedItems', 'microsoft.graph.group'],
    run: (ctx) => {
      const names = objectSelect(ctx);
      const items = ctx.tenant.listDeletedItems('group').map((i) => objectJson(i, names));
      return json(ctx, 200, page(ctx, 'directoryObjects(microsoft.graph.group)', items));
    },
  },
  {
    method: 'GET',
    pattern: ['directory', 'deletedItems', ':id'],
    run: (ctx, { id }) => {
      const item = ctx.tenant.listDeletedItems().find((i) => i.object.id === id);
      if (!item) throw notFound(id!);
      return json(ctx, 200, {
        '@odata.context': `${ctx.base}/$metadata#directory/deletedItems/$entity`,
        ...objectJson(item, objectSelect(ctx)),
      });
    },
  },
  {
    method: 'DELETE',
    pattern: ['directory', 'deletedItems', ':id'],
    run: (ctx, { id }) => {
      if (!ctx.tenant.listDeletedItems().some((i) => i.object.id === id)) throw notFound(id!);
      ctx.tenant.permanentlyDeleteItem(id!);
      return noContent(ctx);
    },
  },
  {
    method: 'POST',
    pattern: ['directory', 'deletedItems', ':id', 'restore'],
    run: (ctx, { id }) => {
      if (!ctx.tenant.listDeletedItems().some((i) => i.object.id === id)) throw notFound(id!);
      const restored = ctx.tenant.restoreDeletedItem(id!);
      return json(ctx, 200, {
        '@odata.context': `${ctx.base}/$metadata#directoryObjects/$entity`,
        ...objectJson(restored),
      });
    },
  },
];

/** `servicePrincipals/{id}/appRoleAssignedTo`: who is assigned to an application. */
const assignmentRoutes: Route[] = [
  {
    method: 'GET',
    pattern: ['servicePrincipals', ':id', 'appRoleAssignedTo'],
    run: (ctx, { id }) => {
      const sp = servicePrincipalByKey(ctx.tenant, id!);
      const assignments: Schemas['appRoleAssignment'][] = ctx.tenant.listAssignments(sp.id);
      return json(ctx, 200, page(ctx, `servicePrincipals('${sp.id}')/appRoleAssignedTo`, assignments));
    },
  },
  {
    method: 'POST',
    pattern: ['servicePrincipals', ':id', 'appRoleAssignedTo'],
    run: async (ctx, { id }) => {
      const sp = servicePrincipalByKey(ctx.tenant, id!);
      const body = await readJson(ctx);
      requireProperties(body, ['principalId', 'resourceId', 'appRoleId'], 'AppRoleAssignment');
      const input = body as Schemas['appRoleAssignmentCreate'];
      if (input.resourceId !== sp.id) {
        throw new GraphQueryError(
          400,
          'Request_BadRequest',
          `resourceId '${input.resourceId}' must be the service principal in the URL, '${sp.id}'.`,
        );
      }
      const principal = objectById(ctx.tenant, input.principalId);
      const assignment: Schemas['appRoleAssignment'] = ctx.tenant.assign(
        sp.id,
        principal.object.id,
        input.appRoleId,
      );
      return json(ctx, 201, {
        '@odata.context': `${ctx.base}/$metadata#servicePrincipals('${sp.id}')/appRoleAssignedTo/$entity`,
        ...assignment,
      });
    },
  },
  {
    method: 'DELETE',
    pattern: ['servicePrincipals', ':id', 'appRoleAssignedTo', ':assignmentId'],
    run: (ctx, { id, assignmentId }) => {
      const sp = servicePrincipalByKey(ctx.tenant, id!);
      if (!ctx.tenant.listAssignments(sp.id).some((a) => a.id === assignmentId))
        throw notFound(assignmentId!);
      ctx.tenant.unassign(assignmentId!);
      return noContent(ctx);
    },
  },
];

/**
 * The directory routes: users, groups, deleted items and app role assignments.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/resources/users
 * @see https://learn.microsoft.com/en-us/graph/api/resources/groups-overview
 * @internal
 */
export const directoryRoutes: readonly Route[] = [
  ...userRoutes,
  ...groupRoutes,
  ...assignmentRoutes,
  ...deletedItemRoutes,
];
