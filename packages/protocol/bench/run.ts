// Runs every benchmark in this folder, one after the other, in one process: `pnpm bench`.
// A benchmark is a bench/<name>.ts module that exports `run()` (sync or async); modules without
// one run when imported. Pass names to run only some: `pnpm bench filter`.
import { readdirSync } from 'node:fs';

const only = process.argv.slice(2);
const files = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.ts$/, '')))
  .sort();

for (const file of files) {
  console.log(`\n# bench/${file}`);
  const mod = (await import(new URL(file, import.meta.url).href)) as { run?: () => unknown };
  if (typeof mod.run === 'function') await mod.run();
}
