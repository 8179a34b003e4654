import { URN } from '@scim/schemas';
import type { ScimHandler, ScimServerOptions } from '../options.ts';
import { memoryStore } from '../store/memory.ts';
import type { ScimStore } from '../store/types.ts';
import { resolveConfig } from './config.ts';
import type { RequestContext } from './context.ts';
import { createScimHandler } from './index.ts';

/** A response body as tests read it: loosely, field by field. @internal */
// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field and assert on them
export type Body = any;

/** A test harness: a handler over a memory store, and `call` to drive it. @internal */
export interface Harness {
  readonly store: ScimStore;
  readonly handler: ScimHandler;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: Body }>;
  createUser(userName: string, extra?: Record<string, unknown>): Promise<Body>;
  createGroup(displayName: string, members?: readonly string[]): Promise<Body>;
}

/** Builds a {@link Harness}; `token-<tenant>` opens each tenant. @internal */
export function harness(options: Partial<ScimServerOptions> = {}, store: ScimStore = memoryStore()): Harness {
  const handler = createScimHandler({
    store,
    authenticate: async (request, _tenant) => {
      const header = request.headers.get('authorization');
      const m = /^Bearer token-(.+)$/.exec(header ?? '');
      return m?.[1] === undefined ? undefined : { tenant: m[1], kind: 'bearer', id: `tok_${m[1]}` };
    },
    ...options,
  });
  const base = options.basePath?.replace('{tenant}', 'default') ?? '';
  const call: Harness['call'] = async (method, path, body, headers = {}) => {
    const res = await handler(
      new Request(path.startsWith('http') ? path : `http://scim.test${base}${path}`, {
        method,
        headers: {
          authorization: 'Bearer token-default',
          ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    );
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
  };
  return {
    store,
    handler,
    call,
    async createUser(userName, extra = {}) {
      const r = await call('POST', '/Users', { schemas: [URN.User], userName, ...extra });
      if (r.status !== 201) throw new Error(`createUser ${userName}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async createGroup(displayName, members = []) {
      const r = await call('POST', '/Groups', {
        schemas: [URN.Group],
        displayName,
        members: members.map((value) => ({ value })),
      });
      if (r.status !== 201)
        throw new Error(`createGroup ${displayName}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
  };
}

/**
 * A {@link RequestContext} for unit tests of the handler's modules: tenant `default`, base
 * `http://scim.test`, over a new memory store, or over a harness's store (opened by its handler)
 * for tests that read resources. @internal
 */
export function requestContext(
  options: Partial<ScimServerOptions> = {},
  store: ScimStore = memoryStore(),
): RequestContext {
  const config = resolveConfig({ store, authenticate: async () => undefined, ...options });
  return {
    config,
    store,
    tenant: 'default',
    principal: { tenant: 'default', kind: 'bearer', id: 'tok_default' },
    base: 'http://scim.test',
    requestId: 'req-1',
    logger: undefined,
  };
}
