// Benchmark: compile once, evaluate three expressions over 1,000,000 inputs each, side by side with
// a bare String.prototype.replace of the regex case's pattern (the floor).
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

/** The floor of the regex case: the same regex and replacement with `String.prototype.replace`. */
const floorRegex = /\+(?<isdCode>\d* )(?<phoneNumber>\d{10})/;
const floor = {
  name: 'floor: String.prototype.replace, same regex',
  evaluate: (input: (typeof inputs)[number]) => input.telephoneNumber.replace(floorRegex, '$<phoneNumber>'),
};

const ROUNDS = 5;
const PER_ROUND = N / ROUNDS;
const results: { name: string; perSecond: number }[] = [];
let sink = 0;
const runners = [
  ...cases.map((c) => {
    const compiled = compileExpression(c.expression);
    return { name: c.name, evaluate: (input: (typeof inputs)[number]) => compiled.evaluate(input) };
  }),
  floor,
];
for (const r of runners) {
  for (let i = 0; i < 50_000; i++) sink += String(r.evaluate(inputs[i & (DISTINCT - 1)]!)).length; // warm-up
}
// Rounds interleave the cases, so a slow moment of the shared machine hits all of them alike; the
// median round of each case is reported.
const rounds = new Map<string, number[]>(runners.map((r) => [r.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const r of runners) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < PER_ROUND; i++) sink += String(r.evaluate(inputs[i & (DISTINCT - 1)]!)).length;
    rounds.get(r.name)!.push(PER_ROUND / (Number(process.hrtime.bigint() - start) / 1e9));
  }
}
for (const r of runners) {
  const sorted = rounds.get(r.name)!.sort((a, b) => a - b);
  results.push({ name: r.name, perSecond: sorted[Math.floor(ROUNDS / 2)]! });
}

const fastest = Math.max(...results.map((r) => r.perSecond));
console.log(
  `@scim/mapping: ${N.toLocaleString('en-US')} evaluations per expression in ${ROUNDS} interleaved rounds (median round), compiled once (node ${process.version})`,
);
console.log('| expression | evaluations/s | vs fastest |');
console.log('| --- | ---: | ---: |');
for (const r of results) {
  console.log(
    `| ${r.name} | ${Math.round(r.perSecond).toLocaleString('en-US')} | ${(r.perSecond / fastest).toFixed(2)}x |`,
  );
}
const replace = results.find((r) => r.name === 'Replace (regex)')!;
console.log(
  `\nReplace runs at ${(replace.perSecond / results.at(-1)!.perSecond).toFixed(2)}x the floor of its regex engine.`,
);
if (sink === 0) console.log('(unreachable)');
