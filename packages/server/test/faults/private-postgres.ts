// A private PostgreSQL server for the fault tests: initdb and pg_ctl from the machine's PostgreSQL
// binaries (/usr/lib/postgresql/<version>/bin), a free loopback port, a temporary directory,
// trust authentication. PostgreSQL refuses to run as root, so as root it runs as `nobody` (through
// runuser, or su); it is stopped in immediate mode (a crash, as far as PostgreSQL can tell: no
// checkpoint, WAL replay on the next start) and started again.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running (or stopped) private server. */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  /** Stops the server at once, as a crash would (`pg_ctl stop -m immediate`). */
  crash(): void;
  /** Starts it again and waits until it accepts connections. */
  start(): void;
  /** Stops it (if running) and deletes its directory. */
  remove(): void;
}

/** The newest PostgreSQL bin directory with initdb, or undefined. */
function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** How to run a PostgreSQL binary: as this user, or (as root) as `nobody`. */
function runner(): { run: (bin: string, args: string[]) => void; uid?: number } | { skip: string } {
  const quiet = { stdio: 'ignore' as const, timeout: 60_000 };
  if (process.getuid?.() !== 0) return { run: (bin, args) => execFileSync(bin, args, quiet) };
  // 65534 is `nobody` on Debian and most Linux systems.
  if (has('runuser')) {
    return {
      run: (bin, args) => execFileSync('runuser', ['-u', 'nobody', '--', bin, ...args], quiet),
      uid: 65534,
    };
  }
  if (has('su')) {
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    return {
      run: (bin, args) =>
        execFileSync('su', ['-s', '/bin/sh', 'nobody', '-c', [bin, ...args].map(quote).join(' ')], quiet),
      uid: 65534,
    };
  }
  return { skip: 'running as root without runuser or su: PostgreSQL refuses to run as root' };
}

/** Why no private server can be started here, or undefined when one can. */
export function privatePostgresUnavailable(): string | undefined {
  if (binDir() === undefined)
    return 'no PostgreSQL binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin';
  const r = runner();
  return 'skip' in r ? r.skip : undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Creates and starts a private server. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const r = runner();
  if (bin === undefined || 'skip' in r) throw new Error(privatePostgresUnavailable());
  const dir = mkdtempSync(join(tmpdir(), 'scim-pg-'));
  if (r.uid !== undefined) chownSync(dir, r.uid, r.uid);
  const data = join(dir, 'data');
  const port = await freePort();
  r.run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=30',
    '-c shared_buffers=16MB',
    // A crash of the server process, not of the machine: committed WAL is in the kernel's cache
    // either way, so fsync only slows the test down.
    '-c fsync=off',
  ].join(' ');
  const start = () =>
    r.run(join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-o',
      options,
      '-w',
      '-t',
      '60',
      'start',
    ]);
  let running = false;
  start();
  running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    crash: () => {
      r.run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
      running = false;
    },
    start: () => {
      start();
      running = true;
    },
    remove: () => {
      if (running) {
        try {
          r.run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
        } catch {}
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
