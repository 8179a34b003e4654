/**
 * The shipped server for bench/run.ts: the real `scim-server` command line (src/cli/main.ts, the
 * bin's source) run as an operator runs it, `scim-server start` with its defaults (request logging
 * at `info`, bearer tokens from the store), on the SQLite file bench/servers/ours.ts loaded. Its
 * token comes from `scim-server tokens create` on the same file; its log lines go to a file, as a
 * deployment's would go to a collector.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
const NODE_ARGS = ['--conditions=@scim/source', '--no-warnings'];

/** A running `scim-server start`. */
export interface CliServer {
  readonly child: ChildProcess;
  readonly port: number;
  readonly token: string;
}

/** Which bin runs, and with which Node options: the source by default. */
export interface CliLaunch {
  /** The bin (default src/cli/main.ts; bench/memory.ts runs dist/cli.js). */
  readonly bin?: string;
  /** Node options before it (default: the source condition, no warnings). */
  readonly nodeArgs?: readonly string[];
  /**
   * A command the server runs under, before Node (bench/instructions-http.ts:
   * `valgrind --tool=callgrind ...`); the token is still made without it.
   */
  readonly prefix?: readonly string[];
}

/** Issues a token for the tenant `default` with `scim-server tokens create` on `database`. */
async function createToken(database: string, bin: string, nodeArgs: readonly string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...nodeArgs, bin, 'tokens', 'create', '--tenant', 'default', '--label', 'bench', '--json'],
    { env: { ...process.env, DATABASE_URL: database } },
  );
  return (JSON.parse(stdout) as { token: string }).token;
}

/**
 * Starts `scim-server start --base-path /scim` on a free loopback port with `env` added to the
 * environment; its standard output (the request log) goes to `logFile`. `launch` picks another bin
 * or other Node options.
 */
export async function startCli(
  database: string,
  logFile: string,
  env: Readonly<Record<string, string>> = {},
  { bin = MAIN, nodeArgs = NODE_ARGS, prefix = [] }: CliLaunch = {},
): Promise<CliServer> {
  const token = await createToken(database, bin, nodeArgs);
  const argv = [...nodeArgs, bin, 'start', '--port', '0', '--host', '127.0.0.1', '--base-path', '/scim'];
  const child = spawn(
    prefix[0] ?? process.execPath,
    prefix.length === 0 ? argv : [...prefix.slice(1), process.execPath, ...argv],
    {
      env: { ...process.env, DATABASE_URL: database, ...env },
      stdio: ['ignore', openSync(logFile, 'w'), 'pipe'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.once('exit', (code) => reject(new Error(`scim-server start exited with ${code}: ${text}`)));
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(text);
      if (match) resolve(Number(match[1]));
    });
  });
  return { child, port, token };
}
