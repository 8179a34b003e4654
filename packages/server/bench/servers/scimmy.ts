/**
 * The peer: SCIMMY 1.x with scimmy-routers on express 4, with a minimal in-memory store written for
 * the benchmark (SCIMMY leaves storage to its user: these are the handlers its README asks for).
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';
import { benchUser, LARGE_GROUP, ready, SMALL_GROUP, TOKEN, USERS } from './common.ts';

type Json = Record<string, unknown> & { id: string };
const users = new Map<string, Json>();
const groups = new Map<string, Json>();

/** SCIMMY's errors take `null` for "no scimType" at run time, though its types ask for a string. */
const NO_SCIM_TYPE = null as unknown as string;

function handlers(map: Map<string, Json>, type: string) {
  return {
    ingress: (resource: { id?: string }, data: Record<string, unknown>) => {
      const now = new Date().toISOString();
      const previous = resource.id === undefined ? undefined : map.get(resource.id);
      if (resource.id !== undefined && previous === undefined) {
        throw new SCIMMY.Types.Error(404, NO_SCIM_TYPE, `${type} ${resource.id} not found`);
      }
      if (type === 'User') {
        const name = String(data.userName).toLowerCase();
        for (const other of map.values()) {
          if (other.id !== resource.id && String(other.userName).toLowerCase() === name) {
            throw new SCIMMY.Types.Error(409, 'uniqueness', 'userName is taken');
          }
        }
      }
      const id = resource.id ?? randomUUID();
      const meta = previous?.meta as { created?: string } | undefined;
      const stored: Json = {
        ...data,
        id,
        meta: { resourceType: type, created: meta?.created ?? now, lastModified: now },
      };
      map.set(id, stored);
      return stored;
    },
    egress: (resource: { id?: string; filter?: { match(values: unknown[]): unknown[] } }) => {
      if (resource.id !== undefined) {
        const found = map.get(resource.id);
        if (found === undefined)
          throw new SCIMMY.Types.Error(404, NO_SCIM_TYPE, `${type} ${resource.id} not found`);
        return found;
      }
      const all = [...map.values()];
      return resource.filter === undefined ? all : resource.filter.match(all);
    },
    degress: (resource: { id?: string }) => {
      if (resource.id === undefined || !map.delete(resource.id)) {
        throw new SCIMMY.Types.Error(404, NO_SCIM_TYPE, `${type} ${resource.id} not found`);
      }
    },
  };
}

const u = handlers(users, 'User');
const g = handlers(groups, 'Group');
// biome-ignore lint/suspicious/noExplicitAny: SCIMMY's handler generics do not fit a shared helper
const declare = (resource: any, h: typeof u) =>
  SCIMMY.Resources.declare(resource).ingress(h.ingress).egress(h.egress).degress(h.degress);
declare(SCIMMY.Resources.User, u);
declare(SCIMMY.Resources.Group, g);

const started = performance.now();
const ids: string[] = [];
for (let i = 0; i < USERS; i++) {
  const id = randomUUID();
  const now = new Date().toISOString();
  users.set(id, { ...benchUser(i), id, meta: { resourceType: 'User', created: now, lastModified: now } });
  ids.push(id);
}
function group(name: string, members: readonly string[]): string {
  const id = randomUUID();
  const now = new Date().toISOString();
  groups.set(id, {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    id,
    displayName: name,
    members: members.map((value) => ({ value, type: 'User' })),
    meta: { resourceType: 'Group', created: now, lastModified: now },
  });
  return id;
}
const smallGroupId = group('small', ids.slice(0, SMALL_GROUP));
const largeGroupId = group('large', ids.slice(0, LARGE_GROUP));

const app = express();
app.use(
  '/scim',
  new SCIMMYRouters({
    type: 'bearer',
    docUri: 'https://example.com/bench',
    handler: (request: { header(name: string): string | undefined }) => {
      if (request.header('Authorization') !== `Bearer ${TOKEN}`) throw new Error('Unauthorized');
      return 'bench';
    },
  }),
);
const server = app.listen(0, '127.0.0.1', () => {
  ready({
    port: (server.address() as AddressInfo).port,
    loadMs: performance.now() - started,
    userId: ids[Math.floor(USERS / 2)]!,
    spareUserIds: ids.slice(LARGE_GROUP, LARGE_GROUP + 5_000),
    smallGroupId,
    largeGroupId,
  });
});
