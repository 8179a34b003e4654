/**
 * The mixed load of the memory benchmarks (bench/memory.ts, bench/memory-breakdown.ts): six
 * requests in rotation, GET by id, a `userName eq` filter, a `count=100` list,
 * `/ServiceProviderConfig`, a POST of a new user and a title PATCH.
 */
import type autocannon from 'autocannon';

/**
 * The requests, for autocannon's `requests` option: `ids` are two user ids (the GET's and the
 * PATCH's), `prefix` starts each posted userName (unique per server).
 */
export function mixedRequests(ids: readonly string[], prefix: string): autocannon.Request[] {
  let posted = 0;
  let patched = 0;
  return [
    { method: 'GET', path: `/scim/Users/${ids[0]}` },
    {
      method: 'GET',
      path: `/scim/Users?filter=${encodeURIComponent('userName eq "user050000@example.com"')}`,
    },
    { method: 'GET', path: '/scim/Users?count=100' },
    { method: 'GET', path: '/scim/ServiceProviderConfig' },
    {
      method: 'POST',
      path: '/scim/Users',
      setupRequest: (r: autocannon.Request) => ({
        ...r,
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: `${prefix}-${posted++}@example.com`,
          emails: [{ value: `${prefix}-${posted}@example.com`, type: 'work', primary: true }],
        }),
      }),
    },
    {
      method: 'PATCH',
      path: `/scim/Users/${ids[1]}`,
      setupRequest: (r: autocannon.Request) => ({
        ...r,
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'title', value: `Title ${patched++}` }],
        }),
      }),
    },
  ];
}
