// PATCH benchmark: the same PATCH bodies applied to the same resources, side by side with the
// `scim-patch` npm package, in one run. Neither side mutates its input (scim-patch gets
// `mutateDocument: false`), so both copy the resource, as a server must.
// Run: pnpm --filter @scim/protocol bench patch   (or: node --conditions=@scim/source bench/patch.ts)
import { groupResourceSchema, type ResourceSchema, URN, userResourceSchema } from '@scim/schemas';
import { type ScimPatchOperation, type ScimResource, scimPatch } from 'scim-patch';
import { applyPatch } from '../src/index.ts';
import { format } from './filter.ts';

const ENT = URN.EnterpriseUser;
const meta = { resourceType: 'User', created: '2024-01-01T00:00:00Z', lastModified: '2024-01-01T00:00:00Z' };
const user = {
  schemas: [URN.User, ENT],
  id: '2819c223-7f76-453a-919d-413861904646',
  userName: 'bjensen@example.com',
  active: true,
  displayName: 'Babs Jensen',
  name: { givenName: 'Barbara', familyName: 'Jensen', formatted: 'Ms. Barbara J Jensen' },
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  addresses: [
    {
      type: 'work',
      streetAddress: '100 Universal City Plaza',
      locality: 'Hollywood',
      region: 'CA',
      country: 'USA',
      primary: true,
    },
  ],
  phoneNumbers: [{ value: '555-555-5555', type: 'work' }],
  [ENT]: {
    employeeNumber: '701984',
    department: 'Tour Operations',
    manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' },
  },
  meta,
};
const group = (n: number) => ({
  schemas: [URN.Group],
  id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
  displayName: 'Tour Guides',
  members: Array.from({ length: n }, (_, k) => ({
    value: `member-${String(k).padStart(5, '0')}`,
    display: `Member ${k}`,
  })),
  meta: { ...meta, resourceType: 'Group' },
});

interface Scenario {
  readonly name: string;
  readonly resource: object;
  readonly schema: ResourceSchema;
  readonly ops: ScimPatchOperation[];
}

/** RFC-style operations both libraries accept (so the comparison is on the same work). */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'replace active (Entra disable)',
    resource: user,
    schema: userResourceSchema,
    ops: [{ op: 'replace', path: 'active', value: false }],
  },
  {
    name: 'Entra user update (5 replaces)',
    resource: user,
    schema: userResourceSchema,
    ops: [
      { op: 'replace', path: 'displayName', value: 'Pvlo' },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'pvlo@example.com' },
      { op: 'replace', path: 'name.givenName', value: 'Gtfd' },
      { op: 'replace', path: 'name.familyName', value: 'Pkqf' },
      { op: 'replace', path: `${ENT}:employeeNumber`, value: 'Eqpj' },
    ],
  },
  {
    name: 'path-less add (RFC 3.5.2.1)',
    resource: user,
    schema: userResourceSchema,
    ops: [{ op: 'add', value: { emails: [{ value: 'babs@example.org', type: 'other' }], nickName: 'Babs' } }],
  },
  {
    name: 'replace work address (RFC 3.5.2.3)',
    resource: user,
    schema: userResourceSchema,
    ops: [{ op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1010 Broadway Ave' }],
  },
  {
    name: 'remove 1 member of 1,000',
    resource: group(1000),
    schema: groupResourceSchema,
    ops: [{ op: 'remove', path: 'members[value eq "member-00500"]' }],
  },
  {
    name: 'add 1 member to 1,000',
    resource: group(1000),
    schema: groupResourceSchema,
    ops: [{ op: 'add', path: 'members', value: [{ value: 'member-new', display: 'New' }] }],
  },
];

/** Calls `fn` in batches long enough (about 10 ms) for the clock to time them. */
function batchSize(fn: () => unknown): number {
  let batch = 1;
  for (;;) {
    const t0 = performance.now();
    for (let k = 0; k < batch; k++) fn();
    if (performance.now() - t0 > 10) return batch;
    batch *= 2;
  }
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * Ops/s of ours and of the peer, timed in alternating rounds of about `ms` each, so that a change
 * of load on a shared machine hits both alike; the ratio is the median of the rounds' ratios.
 */
function sideBySide(
  ours: () => unknown,
  peer: () => unknown,
  ms = 100,
  rounds = 9,
): { ours: number; peer: number; ratio: number } {
  const warm = performance.now();
  while (performance.now() - warm < ms) {
    ours();
    peer();
  }
  const batches = [batchSize(ours), batchSize(peer)] as const;
  const time = (fn: () => unknown, batch: number) => {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < ms) {
      for (let k = 0; k < batch; k++) fn();
      n += batch;
      t = performance.now();
    }
    return (n * 1000) / (t - t0);
  };
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < rounds; round++) {
    a.push(time(ours, batches[0]));
    b.push(time(peer, batches[1]));
  }
  return { ours: median(a), peer: median(b), ratio: median(a.map((x, i) => x / (b[i] as number))) };
}

export function run(): void {
  console.log('\n### PATCH application (ops/s: one PATCH body applied to one resource, input not mutated)\n');
  console.log('| case | @scim/protocol | scim-patch | vs scim-patch |');
  console.log('|---|---:|---:|---:|');
  for (const s of SCENARIOS) {
    const body = { schemas: [URN.PatchOp], Operations: s.ops };
    const resource = s.resource as ScimResource;
    const r = sideBySide(
      () => applyPatch(s.resource, body, s.schema),
      () => scimPatch(resource, s.ops, { mutateDocument: false }),
    );
    console.log(`| ${s.name} | ${format(r.ours)} | ${format(r.peer)} | ${r.ratio.toFixed(2)}x |`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) run();
