/**
 * How long the `scim-server` bin takes to start: `--version` until it exits, and `start` (an empty
 * SQLite file, PORT 0) until it prints that it listens, with the CPU time (user + system, from
 * `/usr/bin/time`) each process used, `start` counted until its shutdown. Two or more builds of the
 * bin run interleaved, round after round (each round in the other order), so a machine shared with
 * other work loads them alike; the medians and their ratios to the first build are printed.
 *
 *   pnpm --filter @scim/server exec node bench/startup.ts 20 before=/tmp/before/dist/cli.js after=dist/cli.js
 *
 * A build of another commit: `git worktree add /tmp/before <commit>`, `pnpm install` and
 * `pnpm --filter @scim/server build` there. Linux only (`/proc`, GNU time).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

interface Sample {
  /** Wall time in ms until it exited (`--version`) or printed that it listens (`start`). */
  readonly wall: number;
  /** CPU time in ms, user + system, of the whole process. */
  readonly cpu: number;
}

const [rounds = '20', ...specs] = process.argv.slice(2);
const builds = specs.map((spec) => {
  const [label = '', bin = ''] = spec.split('=');
  return { label, bin: resolve(bin) };
});
if (builds.length === 0)
  throw new Error('name the builds: node bench/startup.ts 20 label=path/to/cli.js ...');
const dir = mkdtempSync(join(tmpdir(), 'scim-startup-'));

/** Runs the bin once under GNU time; for `start`, stops it with SIGTERM 100 ms after it listens. */
function run(bin: string, command: '--version' | 'start'): Promise<Sample> {
  const timeFile = join(dir, 'time.txt');
  const t0 = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, process.execPath, bin, command], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: join(dir, 'scim.db'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((done, fail) => {
    let listening: number | undefined;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (command === 'start' && listening === undefined && stderr.includes('listening on')) {
        listening = performance.now() - t0;
        // The bin is the child of GNU time (the same process id across its restart).
        const node = Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim());
        setTimeout(() => process.kill(node, 'SIGTERM'), 100);
      }
    });
    child.once('exit', (code) => {
      if (code !== 0) return fail(new Error(`${bin} ${command} exited with ${code}: ${stderr}`));
      const [user = 0, system = 0] = readFileSync(timeFile, 'utf8')
        .trim()
        .split('\n')
        .at(-1)!
        .split(' ')
        .map(Number);
      done({ wall: listening ?? performance.now() - t0, cpu: (user + system) * 1000 });
    });
  });
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const samples = new Map<string, Sample[]>();
const load = [loadavg()[0]!];
try {
  for (let round = 0; round < Number(rounds); round++) {
    for (const build of round % 2 === 0 ? builds : [...builds].reverse()) {
      for (const command of ['--version', 'start'] as const) {
        const key = `${build.label} ${command}`;
        samples.set(key, [...(samples.get(key) ?? []), await run(build.bin, command)]);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
load.push(loadavg()[0]!);

console.log(
  `${rounds} rounds, Node ${process.version}, load average ${load.map((l) => l.toFixed(1)).join(' -> ')}`,
);
console.log('| build | command | wall median ms | min..max | CPU median ms | wall / first | CPU / first |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const command of ['--version', 'start'] as const) {
  const first = samples.get(`${builds[0]!.label} ${command}`)!;
  for (const build of builds) {
    const mine = samples.get(`${build.label} ${command}`)!;
    const wall = median(mine.map((s) => s.wall));
    const cpu = median(mine.map((s) => s.cpu));
    const walls = mine.map((s) => s.wall);
    console.log(
      `| ${build.label} | ${command} | ${wall.toFixed(0)} | ${Math.min(...walls).toFixed(0)}..${Math.max(...walls).toFixed(0)} | ${cpu.toFixed(0)} | ${(wall / median(first.map((s) => s.wall))).toFixed(2)}x | ${(cpu / median(first.map((s) => s.cpu))).toFixed(2)}x |`,
    );
  }
}
