/**
 * The server of an earlier revision, for benchmarks that run it beside this checkout's in one run:
 * its `packages/server/src` and `packages/protocol` sources extracted with `git archive` under
 * `.cache/` of this package (git-ignored), where their imports of third-party packages resolve to
 * this checkout's `node_modules`; `@scim/protocol` resolves to the extracted one, `@scim/schemas`
 * to this checkout's.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Extracts revision `rev` once, and returns the folder of its server's `src/`. */
export function baselineSource(rev: string): string {
  const root = join(import.meta.dirname, '..', '.cache', `baseline-${rev}`);
  const server = join(root, 'packages', 'server');
  // package.json too: the CLI reads its version from it.
  if (!existsSync(join(server, 'src', 'index.ts')) || !existsSync(join(server, 'package.json'))) {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    const repo = join(import.meta.dirname, '..', '..', '..');
    const files = [
      'packages/protocol/src',
      'packages/protocol/package.json',
      'packages/server/src',
      'packages/server/package.json',
    ];
    const tar = execFileSync('git', ['archive', '--format=tar', rev, ...files], {
      cwd: repo,
      maxBuffer: 256 * 1024 * 1024,
    });
    execFileSync('tar', ['-x', '-C', root], { input: tar });
    const scim = join(server, 'node_modules', '@scim');
    mkdirSync(scim, { recursive: true });
    symlinkSync(join(root, 'packages', 'protocol'), join(scim, 'protocol'));
    symlinkSync(join(repo, 'packages', 'schemas'), join(scim, 'schemas'));
    const protocolModules = join(repo, 'packages', 'protocol', 'node_modules');
    symlinkSync(protocolModules, join(root, 'packages', 'protocol', 'node_modules'));
  }
  return join(server, 'src');
}
