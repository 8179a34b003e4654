/**
 * Benchmark of `generateDirectory` at the sizes of issue 14: the CPU time it takes and a digest of
 * what it generates (SHA-256 of its JSON), so that a run before and after a change to the generator
 * shows both the cost and that a seed still gives the same directory.
 *
 *   node --conditions=@scim/source --no-warnings packages/entra-mock/bench/generate.ts
 *   BENCH_SCALES=10000x200,100000x1000 node --conditions=@scim/source --no-warnings packages/entra-mock/bench/generate.ts
 *
 * Prints a Markdown table: users, groups (100 members each, seed 1), CPU seconds, the ratio of CPU
 * per user to the smallest size's (near 1 when the cost is linear in the tenant), and the digest.
 */
import { createHash } from 'node:crypto';
import { generateDirectory } from '../src/index.ts';

const scales = (process.env.BENCH_SCALES ?? '10000x200,100000x1000')
  .split(',')
  .map((s) => s.split('x').map(Number) as [number, number]);

const rows: { users: number; groups: number; cpuMs: number; digest: string }[] = [];
for (const [users, groups] of scales) {
  const before = process.cpuUsage();
  const directory = generateDirectory({ seed: 1, users, groups, membersPerGroup: 100 });
  const cpu = process.cpuUsage(before);
  const digest = createHash('sha256').update(JSON.stringify(directory)).digest('hex').slice(0, 16);
  rows.push({ users, groups, cpuMs: (cpu.user + cpu.system) / 1000, digest });
}
const smallest = rows[0]!;
console.log('| users | groups | CPU (s) | CPU per user x smallest | digest (SHA-256, first 16) |');
console.log('| ---: | ---: | ---: | ---: | --- |');
for (const r of rows) {
  const ratio = r.cpuMs / r.users / (smallest.cpuMs / smallest.users);
  console.log(
    `| ${r.users} | ${r.groups} | ${(r.cpuMs / 1000).toFixed(2)} | ${ratio.toFixed(2)}x | ${r.digest} |`,
  );
}
