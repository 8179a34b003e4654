/**
 * Discovery endpoints: our server against the cost of the fetch-standard Node adapter alone and a
 * bare node:http ceiling, each in its own process, autocannon from this one, the same bytes served.
 *
 *   ./dev pnpm --filter @scim/server exec node --conditions=@scim/source bench/discovery.ts
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { TOKEN } from './servers/common.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const paths = ['/scim/ServiceProviderConfig', '/scim/Schemas', '/scim/ResourceTypes'];

async function start(kind: string) {
  const child = fork(join(import.meta.dirname, 'servers', 'discovery.ts'), [kind], {
    execArgv: ['--conditions=@scim/source', '--no-warnings'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve) =>
    child.on('message', (m: { ready?: boolean; port?: number }) => m.ready && resolve(m.port!)),
  );
  return { kind, child, base: `http://127.0.0.1:${port}` };
}

const servers = [await start('ours'), await start('adapter'), await start('ceiling')];
const bodies: Record<string, string> = {};
for (const path of paths) {
  bodies[path] = await (
    await fetch(`${servers[0]!.base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })
  ).text();
}
for (const s of servers.slice(1)) {
  await new Promise<void>((resolve) => {
    s.child.once('message', () => resolve());
    s.child.send({ bodies });
  });
}

console.log(`\n${SECONDS} s per case, 10 connections, Node ${process.version}\n`);
console.log(
  '| endpoint | @scim/server req/s | fetch adapter alone req/s | node:http ceiling req/s | ceiling / ours | ceiling / adapter |',
);
console.log('|---|---:|---:|---:|---:|---:|');
for (const path of paths) {
  const rps: number[] = [];
  for (const s of servers) {
    // one second of warm-up, so the JIT has compiled the hot path before the timed run
    await autocannon({
      url: `${s.base}${path}`,
      connections: 10,
      duration: 1,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const r = await autocannon({
      url: `${s.base}${path}`,
      connections: 10,
      duration: SECONDS,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    if (r.non2xx + r.errors > 0)
      throw new Error(`${s.kind} ${path}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    rps.push(r.requests.average);
  }
  const [a, b, c] = rps as [number, number, number];
  const f = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(
    `| ${path.slice(5)} | ${f(a)} | ${f(b)} | ${f(c)} | ${(c / a).toFixed(2)}x | ${(c / b).toFixed(2)}x |`,
  );
}
for (const s of servers) s.child.kill();
