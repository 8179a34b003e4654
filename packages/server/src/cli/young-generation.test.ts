import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EXPOSE_GC, restartArgs, SEMI_SPACE_MB } from './young-generation.ts';

const flag = `--max-semi-space-size=${SEMI_SPACE_MB}`;

describe('restartArgs', () => {
  it('starts `start` again with the cap, keeping the node options and arguments', () => {
    expect(restartArgs(['/n', '/bin/cli.js', 'start', '--port', '1'], ['--conditions=x'], undefined)).toEqual(
      ['/n', flag, EXPOSE_GC, '--conditions=x', '/bin/cli.js', 'start', '--port', '1'],
    );
    expect(restartArgs(['/n', '/bin/cli.js', 'start'], [EXPOSE_GC], undefined)).toEqual([
      '/n',
      flag,
      EXPOSE_GC,
      '/bin/cli.js',
      'start',
    ]);
  });

  it('leaves other commands, a process that has the flag, and an operator-set NODE_OPTIONS alone', () => {
    expect(restartArgs(['/n', '/bin/cli.js', 'tokens', 'list'], [], undefined)).toBeUndefined();
    expect(restartArgs(['/n', '/bin/cli.js', 'start'], [flag], undefined)).toBeUndefined();
    expect(restartArgs(['/n', '/bin/cli.js', 'start'], [], '--max-semi-space-size=16')).toBeUndefined();
  });
});

const bin = fileURLToPath(new URL('./main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'scim-young-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Starts the bin from source on a free port (with `nodeArgs` before it) and returns its process's
 * command line once it listens.
 */
async function commandLineOfStart(env: Record<string, string>, nodeArgs: string[] = []): Promise<string[]> {
  const child = spawn(process.execPath, ['--conditions=@scim/source', ...nodeArgs, bin, 'start'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: join(dir, 'scim.db'),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let text = '';
      child.stderr.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('listening on')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${text}`)));
    });
    return readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

describe.runIf(process.platform === 'linux' && typeof process.execve === 'function')(
  'scim-server start',
  { timeout: 30_000 },
  () => {
    it('runs, in the same process, with the young generation capped', async () => {
      const args = await commandLineOfStart({});
      expect(args).toContain(flag);
      expect(args).toContain(EXPOSE_GC);
      expect(args).toContain('--conditions=@scim/source');
      expect(args.at(-2)).toBe('start');
    });

    it('loads the command line only once, in the capped process: the first loads just the entry and the cap', async () => {
      // A module hook, kept across the restart (execArgv), writes each module a process loads,
      // marked by whether that process has the cap.
      const loaded = join(dir, 'loaded.txt');
      const hooks = join(dir, 'hooks.mjs');
      writeFileSync(
        hooks,
        `import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
const capped = process.execArgv.includes(${JSON.stringify(flag)});
registerHooks({
  load(url, context, next) {
    appendFileSync(${JSON.stringify(loaded)}, (capped ? 'capped ' : 'first ') + url + '\\n');
    return next(url, context);
  },
});
`,
      );
      await commandLineOfStart({}, [`--import=${hooks}`]);
      const lines = readFileSync(loaded, 'utf8').trim().split('\n');
      const ours = (mark: string) =>
        lines
          .filter((line) => line.startsWith(`${mark} `) && line.includes('/src/'))
          .map((line) => line.slice(line.lastIndexOf('/src/') + 1));
      expect(ours('first')).toEqual(['src/cli/main.ts', 'src/cli/young-generation.ts']);
      expect(ours('capped')).toContain('src/cli/start.ts');
      expect(ours('capped').filter((file) => file === 'src/cli/run.ts')).toHaveLength(1);
    });

    it("keeps the operator's own cap from NODE_OPTIONS", async () => {
      const args = await commandLineOfStart({ NODE_OPTIONS: '--max-semi-space-size=16' });
      expect(args).not.toContain(flag);
    });
  },
);
