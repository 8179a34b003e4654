// The input of `scim-server import`: NDJSON (one resource per line, streamed), or one JSON document
// (an array of resources, a ListResponse, or a single resource), each resource with its line.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { ImportItem } from '../handler/import.ts';
import { CliError } from '../settings/errors.ts';

/**
 * The resources of an import's input, in order, each as its JSON text and the line it starts on.
 * The format is told by the first line that is not blank: a JSON object on its own line starts
 * NDJSON (blank lines are skipped); anything else (`[`, or an object spread over lines) is read
 * whole as one JSON document.
 *
 * @param input - the file or standard input
 * @returns the resources
 * @throws CliError when a JSON document does not parse
 * @internal
 */
export async function* importItems(input: Readable): AsyncGenerator<ImportItem> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  let document: string[] | undefined;
  let first = 0;
  for await (const text of lines) {
    line++;
    if (document !== undefined) {
      document.push(text);
      continue;
    }
    if (text.trim() === '') continue;
    if (first === 0) {
      first = line;
      if (!startsNdjson(text)) {
        document = [text];
        continue;
      }
    }
    yield { line, text };
  }
  if (document !== undefined) yield* documentItems(document.join('\n'), first);
}

/** Whether a line is one whole JSON object that is not a ListResponse. */
function startsNdjson(text: string): boolean {
  if (!text.trimStart().startsWith('{')) return false;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) && !('Resources' in value);
  } catch {
    return false;
  }
}

/** The resources of one JSON document starting on line `first`: its array, its `Resources`, or itself. */
function documentItems(text: string, first: number): ImportItem[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `the input is neither NDJSON (one resource per line) nor a JSON array or ListResponse: ${(error as Error).message}.`,
    );
  }
  const list = Array.isArray(value)
    ? value
    : typeof value === 'object' &&
        value !== null &&
        Array.isArray((value as { Resources?: unknown }).Resources)
      ? ((value as { Resources: unknown[] }).Resources as unknown[])
      : undefined;
  if (list === undefined) return [{ line: first, text }];
  const spans = elementSpans(text, Array.isArray(value) ? 1 : 2);
  if (spans.length !== list.length) {
    // Elements that are not objects: no line each, the document's.
    return list.map((v) => ({ line: first, text: JSON.stringify(v) ?? 'null' }));
  }
  return spans.map(([start, end, at]) => ({ line: first + at, text: text.slice(start, end) }));
}

/**
 * The objects opened inside an array at nesting `depth` (1: the document is the array; 2: the
 * array is a member of the document's object, as `Resources` is): start and end offsets, and the
 * line (from 0) each starts on.
 */
function elementSpans(text: string, depth: number): [number, number, number][] {
  const spans: [number, number, number][] = [];
  const stack: number[] = [];
  let inString = false;
  let line = 0;
  let open: [number, number] | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (c === 123 && stack.length === depth && stack[depth - 1] === 91) open = [i, line];
      stack.push(c);
    } else if (c === 125 || c === 93) {
      stack.pop();
      if (c === 125 && stack.length === depth && open !== undefined) {
        spans.push([open[0], i + 1, open[1]]);
        open = undefined;
      }
    }
  }
  return spans;
}
