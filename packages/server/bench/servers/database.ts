/**
 * The HTTP benchmark's SQLite file of `USERS` users (`.cache/bench-<users>.db`), built once by the
 * benchmark's own server (servers/ours.ts) when it is not there yet; bench/memory.ts and
 * bench/young-generation.ts start `scim-server start` on it.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ReadyMessage, USERS } from './common.ts';

/** The file's path. */
export const benchDatabase = join(import.meta.dirname, '..', '..', '.cache', `bench-${USERS}.db`);

/** Builds {@link benchDatabase} with the HTTP benchmark's own server, when it is not there yet. */
export async function ensureDatabase(): Promise<void> {
  if (existsSync(`${benchDatabase}.complete`)) return;
  process.stderr.write(`building ${benchDatabase} (${USERS} users; once)\n`);
  const child = fork(join(import.meta.dirname, 'ours.ts'), [], {
    execArgv: ['--conditions=@scim/source', '--expose-gc', '--no-warnings'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the loader exited with ${code}`)));
    child.on('message', (m: ReadyMessage) => m.ready && resolve());
  });
  child.removeAllListeners('exit');
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}
