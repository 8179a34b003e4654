import { ScimError } from '@scim/schemas';

/** What reading a body needs of a request: its headers and its body stream. @internal */
export interface BodySource {
  header(name: string): string | null;
  body(): ReadableStream<Uint8Array> | null;
}

/**
 * Reads a request body as text, counting bytes while streaming (Content-Length is checked first
 * but not trusted): 413 as soon as the count passes `maxBytes`.
 * @internal
 */
export async function readText(request: BodySource, maxBytes: number): Promise<string> {
  const declared = request.header('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const body = request.body();
  if (body === null) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      throw new ScimError('invalidSyntax', 'the request body could not be read completely; send it again', {
        cause: error,
      });
    }
    const { done, value } = chunk;
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(all);
  } catch {
    throw new ScimError('invalidSyntax', 'the request body is not valid UTF-8; send JSON encoded as UTF-8');
  }
}

function tooLarge(maxBytes: number): ScimError {
  return new ScimError(
    'payloadTooLarge',
    `the request body is larger than ${maxBytes} bytes; send a smaller body`,
  );
}

/**
 * Parses JSON text and rejects nesting deeper than `maxDepth` (checked on the text before
 * `JSON.parse`, so a deep body costs no recursion).
 * @internal
 */
export function parseJson(text: string, maxDepth: number): unknown {
  if (text.trim() === '') {
    throw new ScimError('invalidSyntax', 'the request body is empty; send a JSON object');
  }
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth > maxDepth) {
        throw new ScimError(
          'invalidSyntax',
          `the request body nests deeper than ${maxDepth} levels; SCIM resources need far fewer`,
        );
      }
    } else if (c === 125 || c === 93) depth--;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : 'unparsable';
    throw new ScimError('invalidSyntax', `the request body is not valid JSON (${why}); send a JSON object`);
  }
}

/**
 * Checks the Content-Type of a request with a body: `application/scim+json` or
 * `application/json` (or none); anything else is 415.
 * @internal
 */
export function checkContentType(request: BodySource): void {
  const type = request.header('content-type');
  if (type === null || type.trim() === '') return;
  const base = type.split(';')[0]?.trim().toLowerCase() ?? '';
  // text/plain is what fetch() and curl send for a string body without a type; the body must still be JSON.
  if (
    base === 'application/scim+json' ||
    base === 'application/json' ||
    base.endsWith('+json') ||
    base === 'text/plain'
  ) {
    return;
  }
  throw new ScimError(
    'unsupportedMediaType',
    `Content-Type ${base} is not supported; send application/scim+json or application/json`,
  );
}

/**
 * Reads, size-checks and parses a JSON body; `arrived` is called once the whole body is in, before
 * it is parsed, with its length in characters.
 * @internal
 */
export async function readJson(
  request: BodySource,
  maxBytes: number,
  maxDepth: number,
  arrived?: (chars: number) => void,
): Promise<unknown> {
  checkContentType(request);
  const text = await readText(request, maxBytes);
  arrived?.(text.length);
  return parseJson(text, maxDepth);
}
