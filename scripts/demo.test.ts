// The demo (`./dev start`) end to end, as CI sees it: not on a terminal, against the libraries'
// sources, into a temporary directory. It must succeed, print Entra-like summaries, write its data
// and logs, and show the secret token nowhere but in the curl hint.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'scim-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the demo', () => {
  it('provisions the template connector from a simulated Entra tenant, and says where the data is', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--experimental-strip-types', '--conditions=@scim/source', 'scripts/demo.ts', '--dir', dir],
      { cwd: root, env: { ...process.env, NO_COLOR: '1' }, timeout: 110_000 },
    );
    const lines = stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^Demo complete: initial cycle \d+ created, .*; 0 failed; /);
    expect(stdout).not.toContain('\x1b['); // plain text off a terminal
    expect(stdout).toMatch(/Test Connection\n\s+✓ success/);
    expect(stdout).toMatch(/initial cycle: \d+\/\d+ objects evaluated \(100 %\)/);
    // Two summary tables; the initial cycle creates, the incremental one updates, disables, deletes.
    expect(
      lines.filter((l) => /^\s+Action\s+Users\s+Groups\s+Success\s+Failure\s+Skipped$/.test(l)),
    ).toHaveLength(2);
    const rows = (action: string) =>
      lines
        .filter((l) => l.trim().startsWith(`${action} `))
        .map((l) => l.trim().split(/\s+/).slice(1).map(Number));
    expect(rows('Create')[0]![0]).toBeGreaterThan(250);
    for (const action of ['Update', 'Disable', 'Delete']) expect(rows(action)[1]![2]).toBeGreaterThan(0);
    for (const action of ['Create', 'Update', 'Disable', 'Delete', 'Skip']) {
      expect(rows(action).map((r) => r[3])).toEqual([0, 0]); // no failures
    }

    const token = /Bearer (\S+?)'/.exec(stdout)?.[1];
    expect(token).toBeDefined();
    expect(lines.filter((l) => l.includes(token!))).toEqual([expect.stringContaining('curl -sG')]);

    expect(existsSync(join(dir, 'connector.db'))).toBe(true);
    const logs = JSON.parse(readFileSync(join(dir, 'provisioning-logs.json'), 'utf8')).value;
    expect(logs.length).toBeGreaterThan(300);
    expect(JSON.stringify(logs)).not.toContain(token);
  }, 120_000);
});
