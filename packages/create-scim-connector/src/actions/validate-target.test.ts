import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mockContext, tempDir } from '../../test/helpers.ts';
import { isCreateConnectorError } from '../errors.ts';
import type { ResolvedOptions } from '../types.ts';
import { validateTarget } from './validate-target.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function target(dir: string, dryRun = false): ResolvedOptions {
  const name = dir.split('/').pop()!;
  return { targetDir: dir, dir, packageName: name, dryRun } as ResolvedOptions;
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (isCreateConnectorError(error)) return error.code;
    throw error;
  }
}

describe('validateTarget', () => {
  it('accepts a directory that does not exist yet', async () => {
    const temp = tempDir();
    cleanups.push(temp.remove);
    const context = mockContext();
    await validateTarget(target(join(temp.dir, 'new-app')), context);
    expect(context.lines).toEqual([`step: Creating ${join(temp.dir, 'new-app')}`]);
  });

  it('accepts an empty directory, or one with only .git in it', async () => {
    const temp = tempDir();
    cleanups.push(temp.remove);
    const dir = join(temp.dir, 'app');
    mkdirSync(join(dir, '.git'), { recursive: true });
    expect(await code(validateTarget(target(dir), mockContext()))).toBe('ok');
  });

  it('refuses a directory with files in it, and names them', async () => {
    const temp = tempDir();
    cleanups.push(temp.remove);
    const dir = join(temp.dir, 'app');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    try {
      await validateTarget(target(dir), mockContext());
      expect.unreachable();
    } catch (error) {
      expect(isCreateConnectorError(error) && error.code).toBe('directoryNotEmpty');
      expect((error as Error).message).toBe(`The directory ${dir} is not empty (it holds notes.txt).`);
    }
  });

  it('refuses a file', async () => {
    const temp = tempDir();
    cleanups.push(temp.remove);
    const file = join(temp.dir, 'app');
    writeFileSync(file, '');
    expect(await code(validateTarget(target(file), mockContext()))).toBe('targetIsFile');
  });

  it('refuses a directory name that is not a valid package name, and suggests one', async () => {
    try {
      await validateTarget(target('/tmp/My Connector'), mockContext());
      expect.unreachable();
    } catch (error) {
      expect(isCreateConnectorError(error) && error.code).toBe('invalidPackageName');
      expect((error as Error).message).toBe(
        '"My Connector" is not a valid npm package name: it must be lowercase; it must not contain spaces.',
      );
      expect(isCreateConnectorError(error) && error.fix).toBe(
        'Pass --name my-connector (or use a directory of that name).',
      );
    }
  });
});
