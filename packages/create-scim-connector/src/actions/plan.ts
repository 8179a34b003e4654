import type { ScaffoldContext } from '../context.ts';
import type { PlannedFile, ScaffoldPlan } from '../types.ts';
import { fileSystem } from './fs.ts';

/**
 * The text of a planned file: its content if the plan holds one, else its template source.
 *
 * @internal
 */
export async function readPlanned(file: PlannedFile, context: ScaffoldContext): Promise<string> {
  if (file.content !== undefined) return file.content;
  if (file.source === undefined) return '';
  return fileSystem(context).readFile(file.source, 'utf8');
}

/**
 * The planned file at a path, if any.
 *
 * @internal
 */
export function findPlanned(plan: ScaffoldPlan, path: string): PlannedFile | undefined {
  return plan.files.find((f) => f.path === path);
}

/**
 * Sets the content of a planned file, adding it when the template has none.
 *
 * @internal
 */
export function setPlanned(plan: ScaffoldPlan, path: string, content: string): void {
  const existing = findPlanned(plan, path);
  if (existing) {
    existing.content = content;
    delete existing.source;
  } else {
    plan.files.push({ path, content });
  }
}
