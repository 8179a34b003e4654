// Benchmark: compile once, evaluate three expressions over 1,000,000 inputs each, side by side.
// Run with `pnpm --filter @scim/mapping bench` (node --conditions=@scim/source bench/run.ts).
import { compileExpression } from '@scim/mapping';

const N = 1_000_000;
const DISTINCT = 1024;
const inputs = Array.from({ length: DISTINCT }, (_, i) => ({
  givenName: `Given${i}`,
  surname: `Surname${i}`,
  IsSoftDeleted: i % 3 === 0 ? 'True' : 'False',
  telephoneNumber: `+${i % 90} ${String(1_000_000_000 + i).slice(0, 10)}`,
}));

const cases = [
  { name: 'Join', expression: 'Join(" ", [givenName], [surname])' },
  { name: 'Switch', expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' },
  {
    name: 'Replace (regex)',
    expression: String.raw`Replace([telephoneNumber], , "\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})", , "${'$'}{phoneNumber}", , )`,
  },
];

const results: { name: string; perSecond: number }[] = [];
let sink = 0;
for (const c of cases) {
  const compiled = compileExpression(c.expression);
  for (let i = 0; i < 50_000; i++) sink += String(compiled.evaluate(inputs[i & (DISTINCT - 1)]!)).length; // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) sink += String(compiled.evaluate(inputs[i & (DISTINCT - 1)]!)).length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  results.push({ name: c.name, perSecond: N / seconds });
}

const fastest = Math.max(...results.map((r) => r.perSecond));
console.log(
  `@scim/mapping: ${N.toLocaleString('en-US')} evaluations per expression, compiled once (node ${process.version})`,
);
console.log('| expression | evaluations/s | vs fastest |');
console.log('| --- | ---: | ---: |');
for (const r of results) {
  console.log(
    `| ${r.name} | ${Math.round(r.perSecond).toLocaleString('en-US')} | ${(r.perSecond / fastest).toFixed(2)}x |`,
  );
}
if (sink === 0) console.log('(unreachable)');
