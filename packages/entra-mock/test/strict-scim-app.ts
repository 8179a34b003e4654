// A small, strict SCIM 2.0 app for the engine's tests: it records every request, answers like a
// well-behaved connector, and rejects (400) any request whose shape Entra would not send in the
// configured dialect, so a wrong shape fails the test that produced it.

export interface RecordedRequest {
  method: string;
  /** Path under the base, e.g. `/Users/abc`. */
  path: string;
  /** The decoded query parameters, in order. */
  query: [string, string][];
  body: unknown;
  authorization: string | null;
  contentType: string | null;
}

export interface StrictScimApp {
  readonly fetch: (request: Request) => Promise<Response>;
  readonly requests: RecordedRequest[];
  readonly users: Map<string, Record<string, unknown>>;
  readonly groups: Map<string, Record<string, unknown>>;
  /** Problems found in requests (each also answered 400). */
  readonly violations: string[];
  /** The next `count` requests with `method` (`*` for any) answer `status` (with optional headers) before any processing. */
  failNext(count: number, status: number, headers?: Record<string, string>, method?: string): void;
  /** Changes the accepted token. */
  setToken(token: string): void;
  /** Puts a user in the app directly (not through a request). */
  seedUser(resource: Record<string, unknown>): string;
  /** Puts a group (with no members) in the app directly. */
  seedGroup(resource: Record<string, unknown>): string;
  /** Forgets the recorded requests. */
  clear(): void;
}

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const PATH =
  /^([A-Za-z_$][\w$-]*)(?:\[\s*([A-Za-z_$][\w$-]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*\])?(?:\.([A-Za-z_$][\w$-]*))?$/;

class Reject extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function hasNull(value: unknown): boolean {
  if (value === null) return true;
  if (Array.isArray(value)) return value.some(hasNull);
  if (value && typeof value === 'object')
    return Object.entries(value).some(([k, v]) => k !== '$ref' && hasNull(v));
  return false;
}

export function createStrictScimApp(options: {
  baseUrl: string;
  token: string;
  dialect: 'legacy' | 'compliant';
}): StrictScimApp {
  const base = new URL(options.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  let token = options.token;
  const requests: RecordedRequest[] = [];
  const users = new Map<string, Record<string, unknown>>();
  const groups = new Map<string, Record<string, unknown>>();
  const violations: string[] = [];
  const faults: { status: number; headers: Record<string, string>; method: string }[] = [];
  let nextId = 1;
  const newId = (prefix: string) => `${prefix}${String(nextId++).padStart(4, '0')}`;

  const json = (status: number, body: unknown) =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/scim+json' },
    });
  const error = (status: number, detail: string) =>
    json(status, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: String(status),
      detail,
    });
  const reject = (message: string): never => {
    violations.push(message);
    throw new Reject(400, message);
  };

  const resolvePath = (resource: Record<string, unknown>, path: string, isGroup: boolean) => {
    let container = resource;
    let rest = path;
    if (!isGroup && /^manager(\[|$)/.test(path)) {
      // The SCIM tutorial's "Example 5" names the enterprise manager without its URN.
      if (resource[ENTERPRISE] === undefined) resource[ENTERPRISE] = {};
      container = resource[ENTERPRISE] as Record<string, unknown>;
      const schemas = resource.schemas as string[];
      if (!schemas.includes(ENTERPRISE)) schemas.push(ENTERPRISE);
    } else if (path.startsWith('urn:')) {
      const colon = path.split('[')[0]!.lastIndexOf(':');
      const urn = path.slice(0, colon);
      rest = path.slice(colon + 1);
      if (urn !== USER && urn !== GROUP) {
        if (urn !== ENTERPRISE) reject(`unknown schema URN in path ${path}`);
        if (resource[urn] === undefined) resource[urn] = {};
        container = resource[urn] as Record<string, unknown>;
        const schemas = resource.schemas as string[];
        if (!schemas.includes(urn)) schemas.push(urn);
      }
    }
    const m = PATH.exec(rest);
    if (!m) return reject(`invalid PATCH path ${JSON.stringify(path)}`);
    return { container, attr: m[1]!, filterKey: m[2], filterValue: m[3], sub: m[4] };
  };

  const applyOp = (
    resource: Record<string, unknown>,
    op: string,
    path: string,
    value: unknown,
    isGroup: boolean,
  ) => {
    if (isGroup && (path === 'members' || path.startsWith('members['))) {
      const members = ((resource.members as { value: string }[] | undefined) ?? []).slice();
      if (path.startsWith('members[')) {
        const m = /^members\[value eq "([^"]+)"\]$/.exec(path);
        if (!m || op !== 'remove' || value !== undefined) reject(`bad member path operation ${op} ${path}`);
        resource.members = members.filter((x) => x.value !== m![1]);
        return;
      }
      if (!Array.isArray(value) || value.length === 0)
        reject('members operations need a non-empty value list');
      for (const v of value as Record<string, unknown>[]) {
        const keys = Object.keys(v).sort().join(',');
        // Add: the SCIM tutorial's { "$ref": null, "value" }. Remove: the compliance page's { "value" },
        // or the tutorial's { "$ref": null, "value" }.
        const expected = op === 'Add' ? ['$ref,value'] : ['value', '$ref,value'];
        if (!expected.includes(keys) || (v.$ref !== undefined && v.$ref !== null))
          reject(`member element keys ${keys}, expected ${expected.join(' or ')} for ${op}`);
        if (typeof v.value !== 'string' || !users.has(v.value))
          reject(`member ${String(v.value)} is not a user here`);
      }
      const ids = (value as { value: string }[]).map((v) => v.value);
      if (/^add$/i.test(op)) {
        // RFC 7644 3.5.2.1: adding a value that is already there changes nothing.
        for (const id of ids) if (!members.some((x) => x.value === id)) members.push({ value: id });
        resource.members = members;
      } else if (/^remove$/i.test(op)) {
        if (options.dialect === 'compliant')
          reject('compliant dialect removes members with a members[value eq] path');
        resource.members = members.filter((x) => !ids.includes(x.value));
      } else reject(`op ${op} on members`);
      return;
    }
    const target = resolvePath(resource, path, isGroup);
    const lower = op.toLowerCase();
    if (target.attr === 'manager' && target.container !== resource) {
      // The enterprise manager in every form Entra has been seen sending: { value }, a bare id, a
      // list of { $ref, value }, and removal by manager[value eq "<id>"].
      const current = target.container.manager as { value?: string } | undefined;
      if (lower === 'remove') {
        if (target.filterKey === undefined || current?.value === target.filterValue)
          delete target.container.manager;
        return;
      }
      const first = Array.isArray(value) ? (value[0] as unknown) : value;
      const id = typeof first === 'string' ? first : (first as { value?: unknown } | null)?.value;
      if (typeof id !== 'string' || target.filterKey !== undefined)
        reject(`bad manager operation ${op} ${path}`);
      target.container.manager = { value: id };
      return;
    }
    if (target.attr === 'active' && lower !== 'remove') {
      // Legacy: the SCIM compliance page's "True"/"False", or the SCIM tutorial's boolean.
      if (options.dialect === 'legacy' && value !== 'True' && value !== 'False' && typeof value !== 'boolean')
        reject(`legacy dialect sends active as "True"/"False" or a boolean, got ${JSON.stringify(value)}`);
      if (options.dialect === 'compliant' && typeof value !== 'boolean')
        reject(`compliant dialect sends active as a boolean, got ${JSON.stringify(value)}`);
      value = value === true || value === 'True';
    }
    if (lower !== 'remove' && (value === null || value === undefined))
      reject(`${op} ${path} without a value`);
    if (target.filterKey) {
      const list = ((target.container[target.attr] as Record<string, unknown>[] | undefined) ?? []).slice();
      let element = list.find((e) => e[target.filterKey!] === target.filterValue);
      if (lower === 'remove') {
        if (element) delete element[target.sub ?? 'value'];
      } else {
        if (!element) {
          element = { [target.filterKey]: target.filterValue };
          list.push(element);
        }
        element[target.sub ?? 'value'] = value;
      }
      target.container[target.attr] = list.filter((e) => Object.keys(e).length > 1);
      return;
    }
    if (target.sub) {
      if (target.container[target.attr] === undefined) target.container[target.attr] = {};
      const obj = target.container[target.attr] as Record<string, unknown>;
      if (lower === 'remove') delete obj[target.sub];
      else obj[target.sub] = value;
      return;
    }
    if (lower === 'remove') delete target.container[target.attr];
    else target.container[target.attr] = value;
  };

  const patch = (resource: Record<string, unknown>, body: unknown, isGroup: boolean) => {
    const b = body as { schemas?: unknown; Operations?: unknown };
    if (JSON.stringify(b?.schemas) !== JSON.stringify([PATCH])) reject('PATCH schemas must be [PatchOp]');
    if (!Array.isArray(b.Operations) || b.Operations.length === 0) reject('PATCH needs Operations');
    const allowed =
      options.dialect === 'legacy' ? ['Add', 'Replace', 'Remove'] : ['add', 'replace', 'remove'];
    for (const raw of b.Operations as Record<string, unknown>[]) {
      const op = raw.op as string;
      if (!allowed.includes(op))
        reject(`op ${JSON.stringify(op)} is not what the ${options.dialect} dialect sends`);
      const extra = Object.keys(raw).filter((k) => !['op', 'path', 'value'].includes(k));
      if (extra.length > 0) reject(`unexpected operation keys ${extra.join(',')}`);
      if (raw.path === undefined) {
        if (options.dialect === 'legacy') reject('the legacy dialect always sends a path');
        if (op !== 'replace' || !raw.value || typeof raw.value !== 'object' || Array.isArray(raw.value))
          reject('a path-less operation must be a replace with an object value');
        for (const [path, value] of Object.entries(raw.value as Record<string, unknown>))
          applyOp(resource, op, path, value, isGroup);
      } else {
        if (typeof raw.path !== 'string') reject('path must be a string');
        applyOp(resource, op, raw.path as string, raw.value, isGroup);
      }
    }
  };

  const filterMatch = (resource: Record<string, unknown>, filter: string): boolean => {
    const m = /^(\S+) eq "((?:[^"\\]|\\.)*)"$/.exec(filter);
    if (!m) return reject(`unsupported filter ${filter}`);
    const [, attr, raw] = m;
    const value = raw!.replace(/\\(.)/g, '$1');
    if (attr === 'userName' || attr === 'displayName' || attr === 'externalId')
      return String(resource[attr] ?? '').toLowerCase() === value.toLowerCase();
    if (attr === 'emails[type eq "work"].value')
      return ((resource.emails as Record<string, unknown>[] | undefined) ?? []).some(
        (e) => e.type === 'work' && e.value === value,
      );
    return reject(`filter on ${attr} is not supported by this app`);
  };

  const handle = async (recorded: RecordedRequest): Promise<Response> => {
    const { method, path, body } = recorded;
    const query = recorded.query.filter(([k]) => k !== 'aadOptscim062020');
    if (recorded.authorization !== `Bearer ${token}`) return error(401, 'invalid token');
    const params = new Map(query);
    const segments = path.split('/').filter(Boolean);
    const [type, id] = segments;
    if ((type !== 'Users' && type !== 'Groups') || segments.length > 2) return error(404, `no ${path}`);
    const store = type === 'Users' ? users : groups;
    const isGroup = type === 'Groups';
    if (body !== undefined && recorded.contentType !== 'application/scim+json')
      reject(`content-type ${recorded.contentType}`);
    if (method === 'GET' && id === undefined) {
      if (isGroup && query[0]?.[0] !== 'excludedAttributes')
        reject('group queries start with excludedAttributes=members');
      if (isGroup && params.get('excludedAttributes') !== 'members') reject('group queries exclude members');
      const filter = params.get('filter');
      if (filter === undefined) return reject('queries carry a filter');
      const found = [...store.values()].filter((r) => filterMatch(r, filter));
      return json(200, {
        schemas: [LIST],
        totalResults: found.length,
        Resources: found.map((r) => (isGroup ? { ...r, members: undefined } : r)),
        startIndex: 1,
        itemsPerPage: 20,
      });
    }
    if (method === 'POST' && id === undefined) {
      const b = body as Record<string, unknown>;
      if (!b || typeof b !== 'object') reject('POST needs a JSON body');
      if (hasNull(b)) reject('Entra never sends null values');
      const meta = b.meta as { resourceType?: unknown } | undefined;
      if (meta?.resourceType !== (isGroup ? 'Group' : 'User') || Object.keys(meta).length !== 1)
        reject(`POST meta must be { resourceType: "${isGroup ? 'Group' : 'User'}" }`);
      if (!Array.isArray(b.schemas) || !b.schemas.includes(isGroup ? GROUP : USER))
        reject('POST schemas lack the core schema');
      if (isGroup) {
        if ('members' in b) reject('groups are created with no members');
        if (
          !(b.schemas as string[]).includes(
            'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
          )
        )
          reject('group POST carries the ADSCIM group schema');
        if (typeof b.displayName !== 'string') reject('group POST needs displayName');
      } else {
        if (typeof b.userName !== 'string') reject('user POST needs userName');
        if ('active' in b && typeof b.active !== 'boolean')
          reject('user POST sends active as a JSON boolean');
        const ext = b[ENTERPRISE] as Record<string, unknown> | undefined;
        if (ext && 'manager' in ext) reject('the manager is set in a follow-up PATCH, not in POST');
        if (ext && !(b.schemas as string[]).includes(ENTERPRISE))
          reject('enterprise data without its schema');
        if (
          [...users.values()].some(
            (u) => String(u.userName).toLowerCase() === String(b.userName).toLowerCase(),
          )
        )
          return json(409, {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
            status: '409',
            scimType: 'uniqueness',
            detail: 'userName taken',
          });
      }
      const newIdValue = newId(isGroup ? 'g' : 'u');
      const { meta: _meta, ...rest } = b;
      const stored = { ...structuredClone(rest), id: newIdValue, ...(isGroup ? { members: [] } : {}) };
      store.set(newIdValue, stored);
      return json(201, { ...stored, meta: { resourceType: isGroup ? 'Group' : 'User' } });
    }
    if (id === undefined) return error(405, 'method');
    const existing = store.get(id);
    if (!existing) return error(404, `${type}/${id} not found`);
    if (method === 'GET') {
      if (!isGroup) return json(200, existing);
      // Entra reads a group with GET /Groups/{id}?excludedAttributes=members (tests check the
      // request line); other readers (the conformance kit's checks) get the members.
      if (params.get('excludedAttributes') !== 'members') return json(200, existing);
      const { members: _members, ...rest } = existing;
      return json(200, rest);
    }
    if (method === 'DELETE') {
      store.delete(id);
      if (!isGroup)
        for (const g of groups.values())
          g.members = (g.members as { value: string }[]).filter((m) => m.value !== id);
      return new Response(null, { status: 204 });
    }
    if (method === 'PATCH') {
      const copy = structuredClone(existing);
      patch(copy, body, isGroup);
      store.set(id, copy);
      return isGroup ? new Response(null, { status: 204 }) : json(200, copy);
    }
    return error(405, 'method');
  };

  return {
    requests,
    users,
    groups,
    violations,
    async fetch(request) {
      const url = new URL(request.url);
      const text = request.method === 'GET' || request.method === 'DELETE' ? '' : await request.text();
      const query = [...url.searchParams.entries()];
      const recorded: RecordedRequest = {
        method: request.method,
        path: url.pathname.slice(basePath.length),
        query,
        body: text === '' ? undefined : JSON.parse(text),
        authorization: request.headers.get('authorization'),
        contentType: request.headers.get('content-type'),
      };
      requests.push(recorded);
      const index = faults.findIndex((f) => f.method === '*' || f.method === request.method);
      const fault = index === -1 ? undefined : faults.splice(index, 1)[0];
      if (fault) return new Response(null, { status: fault.status, headers: fault.headers });
      try {
        return await handle(recorded);
      } catch (e) {
        if (e instanceof Reject) return error(e.status, e.message);
        throw e;
      }
    },
    failNext(count, status, headers = {}, method = '*') {
      for (let i = 0; i < count; i++) faults.push({ status, headers, method });
    },
    setToken(t) {
      token = t;
    },
    seedUser(resource) {
      const id = newId('u');
      users.set(id, { schemas: [USER], ...structuredClone(resource), id });
      return id;
    },
    seedGroup(resource) {
      const id = newId('g');
      groups.set(id, { schemas: [GROUP], ...structuredClone(resource), id, members: [] });
      return id;
    },
    clear() {
      requests.length = 0;
    },
  };
}
