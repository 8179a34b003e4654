import * as nodeFs from 'node:fs/promises';
import type { ScaffoldContext, ScaffoldFileSystem } from '../context.ts';

/**
 * The context's file system, or `node:fs/promises`.
 *
 * @internal
 */
export function fileSystem(context: ScaffoldContext): ScaffoldFileSystem {
  return context.fs ?? (nodeFs as unknown as ScaffoldFileSystem);
}
