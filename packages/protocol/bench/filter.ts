// Filter benchmark: parse, evaluate, and parse + evaluate the same filters over the same users,
// side by side with scim2-parse-filter and SCIMMY (SCIMMY.Types.Filter), in one run.
// Run: pnpm --filter @scim/protocol bench   (or: node --conditions=@scim/source bench/filter.ts)
import { URN, userResourceSchema } from '@scim/schemas';
import { filter as s2pfFilter, parse as s2pfParse } from 'scim2-parse-filter';
import SCIMMY from 'scimmy';
import { compileFilter, parseFilter } from '../src/index.ts';

/** The filters: what Entra ID sends, and the RFC's richer examples. */
export const FILTERS: readonly string[] = [
  'userName eq "user0042@example.com"',
  'externalId eq "ext-00042"',
  'name.familyName co "son" and active eq true',
  'emails[type eq "work" and value co "@example.com"]',
  'title pr and (userType eq "Employee" or userType eq "Intern") and not (active eq false)',
  'meta.created gt "2020-06-01T00:00:00Z"',
  `${URN.EnterpriseUser}:department eq "Sales" or ${URN.EnterpriseUser}:department eq "Marketing"`,
];

/** A deterministic pseudo-random generator (mulberry32), so every run sees the same users. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` users shaped like RFC 7643 section 8.3's, in lower case so that case rules do not change results. */
export function makeUsers(count: number): Record<string, unknown>[] {
  const r = rng(7643);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const families = ['jensen', 'johnson', 'smith', 'anderson', 'garcia', 'nguyen', 'pepperidge'];
  const users: Record<string, unknown>[] = [];
  for (let k = 0; k < count; k++) {
    const id = String(k).padStart(4, '0');
    const user: Record<string, unknown> = {
      schemas: [URN.User, URN.EnterpriseUser],
      id: `2819c223-7f76-453a-919d-41386190${id}`,
      externalId: `ext-0${id}`,
      userName: `user${id}@example.com`,
      name: { familyName: pick(families), givenName: pick(['barbara', 'mandy', 'john', 'ana']) },
      active: r() < 0.8,
      userType: pick(['Employee', 'Intern', 'Contractor']),
      emails: [
        { value: `user${id}@${pick(['example.com', 'example.org'])}`, type: 'work', primary: true },
        { value: `u${id}@home.example.net`, type: 'home' },
      ],
      meta: {
        resourceType: 'User',
        created: new Date(Date.UTC(2019, 0, 1) + Math.floor(r() * 3 * 365 * 86_400_000)).toISOString(),
      },
      [URN.EnterpriseUser]: { department: pick(['Sales', 'Marketing', 'Engineering', 'Support']) },
    };
    if (r() < 0.5) user.title = pick(['Tour Guide', 'Engineer', 'Manager']);
    users.push(user);
  }
  return users;
}

/** Operations per second of `fn`: after a warm-up, the median of `rounds` timed runs of about `ms` each. */
export function opsPerSecond(fn: () => unknown, ms = 100, rounds = 5): number {
  // Warm up first, so that every contender is measured after the JIT has compiled it.
  const warm = performance.now();
  while (performance.now() - warm < ms / 2) fn();
  let batch = 1;
  for (;;) {
    const t0 = performance.now();
    for (let k = 0; k < batch; k++) fn();
    if (performance.now() - t0 > 10) break;
    batch *= 2;
  }
  const results: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < ms) {
      for (let k = 0; k < batch; k++) fn();
      n += batch;
      t = performance.now();
    }
    results.push((n * 1000) / (t - t0));
  }
  results.sort((a, b) => a - b);
  return results[Math.floor(rounds / 2)] as number;
}

/** One line of a comparison: ours, each peer, and our ratio to the fastest peer. */
export interface Row {
  readonly name: string;
  readonly ours: number;
  readonly peers: Readonly<Record<string, number>>;
}

/** Formats ops/s for a table: thousands separators, one decimal below 100. */
export function format(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

/** Prints rows as a Markdown table, with the ratio to the fastest peer. */
export function printTable(title: string, peers: readonly string[], rows: readonly Row[]): void {
  console.log(`\n### ${title}\n`);
  console.log(`| case | @scim/protocol | ${peers.join(' | ')} | vs fastest peer |`);
  console.log(`|---|---:|${peers.map(() => '---:').join('|')}|---:|`);
  for (const row of rows) {
    const best = Math.max(...peers.map((p) => row.peers[p] ?? 0));
    console.log(
      `| ${row.name} | ${format(row.ours)} | ${peers.map((p) => format(row.peers[p] ?? 0)).join(' | ')} | ${(row.ours / best).toFixed(2)}x |`,
    );
  }
}

function geomean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

export function run(): void {
  const users = makeUsers(1000);
  const schema = userResourceSchema;
  const Filter = SCIMMY.Types.Filter;
  const PEERS = ['scim2-parse-filter', 'SCIMMY'];

  console.log(`## Filters: ${FILTERS.length} filters, ${users.length} users, Node ${process.version}`);
  console.log('\nMatches per filter (ours / scim2-parse-filter / SCIMMY):');
  for (const f of FILTERS) {
    const ours = users.filter(compileFilter(parseFilter(f), schema)).length;
    const s2pf = users.filter(s2pfFilter(s2pfParse(f))).length;
    let scimmy: number | string;
    try {
      scimmy = new Filter(f).match(users).length;
    } catch (error) {
      scimmy = `error: ${(error as Error).message}`;
    }
    console.log(`- \`${f}\`: ${ours} / ${s2pf} / ${scimmy}`);
  }

  const parseRows: Row[] = [];
  const evalRows: Row[] = [];
  const bothRows: Row[] = [];
  for (const f of FILTERS) {
    const label = `\`${f.length > 48 ? `${f.slice(0, 45)}...` : f}\``;
    parseRows.push({
      name: label,
      ours: opsPerSecond(() => parseFilter(f)),
      peers: {
        'scim2-parse-filter': opsPerSecond(() => s2pfParse(f)),
        SCIMMY: opsPerSecond(() => new Filter(f)),
      },
    });
    const ours = compileFilter(parseFilter(f), schema);
    const s2pf = s2pfFilter(s2pfParse(f));
    const scimmy = new Filter(f);
    evalRows.push({
      name: label,
      ours: opsPerSecond(() => users.filter(ours)),
      peers: {
        'scim2-parse-filter': opsPerSecond(() => users.filter(s2pf)),
        SCIMMY: opsPerSecond(() => scimmy.match(users)),
      },
    });
    bothRows.push({
      name: label,
      ours: opsPerSecond(() => users.filter(compileFilter(parseFilter(f), schema))),
      peers: {
        'scim2-parse-filter': opsPerSecond(() => users.filter(s2pfFilter(s2pfParse(f)))),
        SCIMMY: opsPerSecond(() => new Filter(f).match(users)),
      },
    });
  }
  printTable('Parse (ops/s: one filter parsed)', PEERS, parseRows);
  printTable(`Evaluate (ops/s: one filter, already parsed, over ${users.length} users)`, PEERS, evalRows);
  printTable(`Parse + evaluate (ops/s: parse, then filter ${users.length} users)`, PEERS, bothRows);
  console.log('\nGeometric mean of the ratio to the fastest peer:');
  for (const [title, rows] of [
    ['parse', parseRows],
    ['evaluate', evalRows],
    ['parse + evaluate', bothRows],
  ] as const) {
    const ratios = rows.map((row) => row.ours / Math.max(...PEERS.map((p) => row.peers[p] ?? 0)));
    console.log(`- ${title}: ${geomean(ratios).toFixed(2)}x (min ${Math.min(...ratios).toFixed(2)}x)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) run();
