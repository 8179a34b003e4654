import { query } from '../src/store/contract.ts';
import { PageMarks } from '../src/store/sql/page-marks.ts';
import { listPlan } from '../src/store/sqlite-list.ts';

const marks = new PageMarks();
const ctx = { tenant: 'default', storage: { name: 'User' }, memberships: true } as never;
const f = query('userName eq "user033333@example.com"');
const p = listPlan(ctx, { resourceType: 'User', filter: f, startIndex: 1, count: 100 } as never, marks);
console.log(p.job.page.sql.length, p.job.page.sql, p.job.count.sql.length, p.job.page.values);
const m = new Map<string, number>([[p.job.page.sql.slice(0) + '', 1]]);
const OPS = 100000;
for (let r = 0; r < 5; r++) {
  let t = process.cpuUsage();
  let s = 0;
  for (let i = 0; i < OPS; i++) {
    const q = listPlan(ctx, { resourceType: 'User', filter: f, startIndex: 1, count: 100 } as never, marks);
    s += q.lead;
  }
  let u = process.cpuUsage(t);
  const planUs = (u.user + u.system) / OPS;
  t = process.cpuUsage();
  for (let i = 0; i < OPS; i++) {
    const q = listPlan(ctx, { resourceType: 'User', filter: f, startIndex: 1, count: 100 } as never, marks);
    s += m.get(q.job.page.sql)!;
  }
  u = process.cpuUsage(t);
  const both = (u.user + u.system) / OPS;
  t = process.cpuUsage();
  for (let i = 0; i < OPS; i++) {
    const q = query('userName eq "user033333@example.com"');
    s += q ? 1 : 0;
  }
  u = process.cpuUsage(t);
  const parse = (u.user + u.system) / OPS;
  console.log('listPlan', planUs.toFixed(2), 'plan+map lookup', both.toFixed(2), 'parse', parse.toFixed(2));
}
