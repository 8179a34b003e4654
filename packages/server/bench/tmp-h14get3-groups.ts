import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { RESOURCE_SQL, RESOURCE_WITH_GROUPS_SQL } from '../src/store/sqlite-read.ts';

const db = new DatabaseSync(join(import.meta.dirname, '..', '.cache', 'bench-100000.db'), { readOnly: true });
const id = (
  db.prepare("SELECT id FROM resources WHERE resource_type = 'User' LIMIT 1 OFFSET 33333").get() as any
).id;
const inGroup = (db.prepare('SELECT member_id FROM members LIMIT 1').get() as any).member_id;
console.log(db.prepare('select count(*) n from members where tenant=? and member_id=?').get('default', id));
const GROUP_LABEL = "COALESCE(json_extract(g.data, '$.displayName'), json_extract(g.data, '$.userName'))";
const guarded = `SELECT r.id, r.resource_type, r.version, r.created, r.last_modified, r.data, r.rendered,
  CASE WHEN EXISTS (SELECT 1 FROM members AS e WHERE e.tenant = r.tenant AND e.member_id = r.id) THEN
  (SELECT json_group_array(json_array(g.id, g.resource_type, ${GROUP_LABEL}) ORDER BY g.seq)
     FROM members AS m JOIN resources AS g ON g.tenant = m.tenant AND g.id = m.group_id
     WHERE m.tenant = r.tenant AND m.member_id = r.id) END AS groups
  FROM resources AS r WHERE r.tenant = ? AND r.id = ? AND r.resource_type = ?`;
const s = {
  plain: db.prepare(RESOURCE_SQL),
  current: db.prepare(RESOURCE_WITH_GROUPS_SQL),
  guarded: db.prepare(guarded),
};
for (const [k, st] of Object.entries(s)) {
  console.log(k, JSON.stringify(st.get('default', inGroup, 'User')).slice(-200));
}
const OPS = 20000;
const res: Record<string, number[]> = {};
for (let round = 0; round < 7; round++)
  for (const who of ['none', 'grp'])
    for (const [k, st] of Object.entries(s)) {
      const x = who === 'none' ? id : inGroup;
      const t = process.cpuUsage();
      for (let i = 0; i < OPS; i++) st.get('default', x, 'User');
      const u = process.cpuUsage(t);
      (res[`${who} ${k}`] ??= []).push((u.user + u.system) / OPS);
    }
for (const [k, xs] of Object.entries(res)) console.log(k.padEnd(20), xs.sort((a, b) => a - b)[3]!.toFixed(2));
