// Large PATCH benchmark: many operations on a multi-valued attribute of many values (issue 11:
// 12,000 value-filtered replaces on a user with 15,000 emails held an instance for 15 s). It times
// one PATCH applied with this engine, with its value index turned off (every value tested), and,
// when PATCH_BASELINE names a git revision, with the engine of that revision (extracted with
// `git archive` into .cache/patch-baseline-<rev>/ of this package, git-ignored), side by side in one run.
// Run: PATCH_BASELINE=c03ed28 pnpm --filter @scim/protocol bench patch-large
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { URN, userResourceSchema } from '@scim/schemas';
import { applyPatch } from '../src/index.ts';
import { useValueIndex } from '../src/patch/working-list.ts';

type Apply = typeof applyPatch;

const EMAILS = 15_000;

function user(): Record<string, unknown> {
  return {
    schemas: [URN.User],
    id: '2819c223-7f76-453a-919d-413861904646',
    userName: 'bjensen@example.com',
    emails: Array.from({ length: EMAILS }, (_, k) => ({
      value: `user${k}@example.com`,
      type: k === 0 ? 'work' : 'other',
      ...(k === 0 ? { primary: true } : {}),
    })),
  };
}

interface Case {
  readonly name: string;
  readonly ops: readonly unknown[];
  /** Rounds per engine (the slow ones get fewer). */
  readonly rounds: number;
}

/** Spreads `n` operations over the list, so none hits the front only. */
const spread = (n: number, k: number) => Math.floor((k * EMAILS) / n);

const CASES: readonly Case[] = [
  {
    name: '1,000 replaces of emails[value eq "…"].display (the default maxPatchOperations)',
    ops: Array.from({ length: 1000 }, (_, k) => ({
      op: 'replace',
      path: `emails[value eq "user${spread(1000, k)}@example.com"].display`,
      value: `Mail ${k}`,
    })),
    rounds: 5,
  },
  {
    name: '12,000 replaces of emails[value eq "…"].display (issue 11)',
    ops: Array.from({ length: 12_000 }, (_, k) => ({
      op: 'replace',
      path: `emails[value eq "user${spread(12_000, k)}@example.com"].display`,
      value: `Mail ${k}`,
    })),
    rounds: 1,
  },
  {
    name: '1,000 replaces of emails[value co "…"].display (co: no index, every value tested)',
    ops: Array.from({ length: 1000 }, (_, k) => ({
      op: 'replace',
      path: `emails[value co "user${spread(1000, k)}@"].display`,
      value: `Mail ${k}`,
    })),
    rounds: 1,
  },
  {
    name: '1,000 removes by value list ({"op":"Remove","path":"emails","value":[…]})',
    ops: Array.from({ length: 1000 }, (_, k) => ({
      op: 'Remove',
      path: 'emails',
      value: [{ value: `user${spread(1000, k)}@example.com` }],
    })),
    rounds: 5,
  },
  {
    name: '1,000 adds of one email each',
    ops: Array.from({ length: 1000 }, (_, k) => ({
      op: 'add',
      path: 'emails',
      value: [{ value: `new${k}@example.com`, type: 'other' }],
    })),
    rounds: 5,
  },
];

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Milliseconds one PATCH takes, median of `rounds`, the engines interleaved round by round. */
function timeAll(engines: readonly (() => unknown)[], rounds: number): number[] {
  const times: number[][] = engines.map(() => []);
  for (let r = 0; r < rounds; r++) {
    engines.forEach((run, i) => {
      const t0 = performance.now();
      run();
      times[i]?.push(performance.now() - t0);
    });
  }
  return times.map(median);
}

/** The `applyPatch` of a git revision, extracted under this package so that its imports resolve. */
async function baseline(rev: string): Promise<Apply> {
  const dir = new URL(`../.cache/patch-baseline-${rev}/`, import.meta.url);
  if (!existsSync(new URL('packages/protocol/src/index.ts', dir))) {
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', '--format=tar', rev, 'packages/protocol/src'], {
      cwd: new URL('../../../', import.meta.url).pathname,
      maxBuffer: 64 * 1024 * 1024,
    });
    execFileSync('tar', ['-x', '-C', dir.pathname], { input: tar });
  }
  const mod = (await import(new URL('packages/protocol/src/index.ts', dir).href)) as { applyPatch: Apply };
  return mod.applyPatch;
}

const ms = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));

export async function run(): Promise<void> {
  const rev = process.env.PATCH_BASELINE;
  const old = rev === undefined || rev === '' ? undefined : await baseline(rev);
  const resource = user();
  console.log(`\n### Large PATCH on a user with ${EMAILS.toLocaleString('en-US')} emails (ms per PATCH)\n`);
  console.log(
    `| case | ${old === undefined ? '' : `before (${rev}) | `}index off | @scim/protocol | ${old === undefined ? 'vs index off' : 'vs before'} |`,
  );
  console.log(`|---|${old === undefined ? '' : '---:|'}---:|---:|---:|`);
  for (const c of CASES) {
    const body = { schemas: [URN.PatchOp], Operations: c.ops };
    const scan = () => {
      useValueIndex(false);
      try {
        return applyPatch(resource, body, userResourceSchema);
      } finally {
        useValueIndex(true);
      }
    };
    const ours = () => applyPatch(resource, body, userResourceSchema);
    const engines =
      old === undefined ? [scan, ours] : [() => old(resource, body, userResourceSchema), scan, ours];
    const times = timeAll(engines, c.rounds);
    const now = times.at(-1) as number;
    const ratio = (times[0] as number) / now;
    console.log(`| ${c.name} | ${times.map(ms).join(' | ')} | ${ratio.toFixed(0)}x |`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
