import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('./main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'scim-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Node.js 22 announces node:sqlite as experimental on standard error; the bin's own output is
 * what these tests read (the minimum-node step runs them on 22.20).
 */
function withoutNodeWarnings(stderr: string): string {
  return stderr.replace(/^\(node:\d+\) ExperimentalWarning: .*\n(\(Use `node --trace-warnings .*\n)?/gm, '');
}

/** Runs the bin from source, as `node` runs it (type stripping), in a scratch directory. */
async function scimServer(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--conditions=@scim/source', bin, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout, stderr: withoutNodeWarnings(stderr) };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: withoutNodeWarnings(e.stderr) };
  }
}

describe('the scim-server bin', { timeout: 30_000 }, () => {
  it('creates a token in ./scim.db: the Tenant URL and the token, shown once, on stdout', async () => {
    const { code, stdout, stderr } = await scimServer(['tokens', 'create', '--tenant', 'default']);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^Tenant URL: {3}http:\/\/localhost:8080\nSecret Token: scim_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n\(token tok_[0-9a-f]{16}; it is shown once/,
    );
    expect(stderr).toBe('');
  });

  it('exits with 2 on a bad command line, and 1 when the database cannot be opened', async () => {
    const bad = await scimServer(['tokens', 'list']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^Name the tenant: scim-server tokens list --tenant <tenant>/);
    const unreadable = await scimServer(['migrate'], {
      DATABASE_URL: join(dir, 'missing', 'dir', 'scim.db'),
    });
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toMatch(/^error: /);
  });
});
