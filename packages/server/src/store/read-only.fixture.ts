// Test helper: make a file read-only for this process and writable again. A process running as
// root ignores file modes, so as root the file is made immutable (`chattr +i`: writes through open
// descriptors fail too, as on a file system remounted read-only); otherwise its mode becomes 0444
// (which only a new open notices). Never applied to a `-shm` file: SQLite maps it into memory, and
// a write to an immutable mapping kills the process with SIGBUS.
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.getuid?.() === 0;

/** How this process makes a file in `dir` read-only, or why it cannot (then skip, saying so). */
export function readOnlyMethod(
  dir: string,
): { readonly method: 'chattr' | 'chmod' } | { readonly skip: string } {
  if (!root) return { method: 'chmod' };
  const probe = join(dir, '.read-only-probe');
  writeFileSync(probe, '');
  try {
    execFileSync('chattr', ['+i', probe], { stdio: 'ignore' });
    execFileSync('chattr', ['-i', probe], { stdio: 'ignore' });
    return { method: 'chattr' };
  } catch {
    return {
      skip: `running as root, and chattr +i does not work in ${dir}: root ignores file modes, so no file can be made read-only`,
    };
  } finally {
    rmSync(probe, { force: true });
  }
}

export function makeReadOnly(...paths: string[]): void {
  for (const path of paths) {
    if (path.endsWith('-shm')) throw new Error(`never make ${path} read-only (SIGBUS)`);
    if (root) execFileSync('chattr', ['+i', path]);
    else chmodSync(path, 0o444);
  }
}

export function makeWritable(...paths: string[]): void {
  for (const path of paths) {
    try {
      if (root) execFileSync('chattr', ['-i', path], { stdio: 'ignore' });
      else chmodSync(path, 0o644);
    } catch {
      // a file that is gone needs nothing
    }
  }
}
