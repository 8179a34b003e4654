import { isScimError, ScimError, URN } from '@scim/schemas';
import { errorReply, type PlainReply, type Reply, replyHeader, replyJson } from '../pipeline.ts';
import { unstorable } from './limits.ts';
import { scimJson } from './respond.ts';
import { yieldToEventLoop } from './slices.ts';

type Json = Record<string, unknown>;

/** Runs one operation of a bulk request through the handler's own routing. @internal */
export type BulkDispatch = (
  method: string,
  path: string,
  data: unknown,
  version: string | undefined,
) => Promise<Reply>;

interface Operation {
  readonly index: number;
  readonly method: string;
  readonly bulkId: string | undefined;
  readonly version: string | undefined;
  readonly path: string;
  readonly data: unknown;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function getCi(object: Json, name: string): unknown {
  const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
}

const REF = /^bulkId:(.+)$/;

function references(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === 'string') {
    const m = REF.exec(value);
    if (m?.[1] !== undefined) out.add(m[1]);
  } else if (Array.isArray(value)) for (const v of value) references(v, out);
  else if (isObject(value)) for (const v of Object.values(value)) references(v, out);
  return out;
}

const PATH_REF = /bulkId:([^/?#]+)/g;

function pathReferences(path: string, out: Set<string>): Set<string> {
  for (const m of path.matchAll(PATH_REF)) if (m[1] !== undefined) out.add(m[1]);
  return out;
}

function substitutePath(path: string, ids: ReadonlyMap<string, string>): string {
  return path.replace(PATH_REF, (whole, ref: string) => {
    const id = ids.get(ref);
    return id === undefined ? whole : encodeURIComponent(id);
  });
}

function substitute(value: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') {
    const m = REF.exec(value);
    return m?.[1] !== undefined && ids.has(m[1]) ? ids.get(m[1]) : value;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, ids));
  if (isObject(value)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, ids);
    return out;
  }
  return value;
}

function parseOperations(body: unknown, maxOperations: number): { ops: Operation[]; failOnErrors: number } {
  if (!isObject(body))
    throw new ScimError('invalidSyntax', 'a bulk request must be a JSON object (BulkRequest)');
  const list = getCi(body, 'Operations');
  if (!Array.isArray(list))
    throw new ScimError('invalidSyntax', 'BulkRequest: "Operations" must be an array');
  if (list.length > maxOperations) {
    throw new ScimError(
      'payloadTooLarge',
      `BulkRequest has ${list.length} operations; this service provider accepts at most ${maxOperations} (see /ServiceProviderConfig); split it`,
    );
  }
  const fail = getCi(body, 'failOnErrors');
  if (fail !== undefined && (typeof fail !== 'number' || !Number.isInteger(fail) || fail < 1)) {
    throw new ScimError('invalidValue', 'BulkRequest: "failOnErrors" must be a positive integer');
  }
  const ops = list.map((raw, index): Operation => {
    if (!isObject(raw)) throw new ScimError('invalidSyntax', `Operations[${index}]: expected an object`);
    const method = getCi(raw, 'method');
    const path = getCi(raw, 'path');
    const bulkId = getCi(raw, 'bulkId');
    const version = getCi(raw, 'version');
    if (typeof method !== 'string' || !['POST', 'PUT', 'PATCH', 'DELETE'].includes(method.toUpperCase())) {
      throw new ScimError(
        'invalidValue',
        `Operations[${index}]: "method" must be POST, PUT, PATCH or DELETE`,
      );
    }
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new ScimError('invalidValue', `Operations[${index}]: "path" must be a path such as /Users`);
    }
    if (bulkId !== undefined && typeof bulkId !== 'string') {
      throw new ScimError('invalidValue', `Operations[${index}]: "bulkId" must be a string`);
    }
    if (method.toUpperCase() === 'POST' && bulkId === undefined) {
      throw new ScimError('invalidValue', `Operations[${index}]: a POST needs a "bulkId"`);
    }
    return {
      index,
      method: method.toUpperCase(),
      bulkId,
      version: typeof version === 'string' ? version : undefined,
      path,
      data: getCi(raw, 'data'),
    };
  });
  checkBulkIds(ops);
  return { ops, failOnErrors: typeof fail === 'number' ? fail : Number.POSITIVE_INFINITY };
}

/** 400 when two operations share a `bulkId` (RFC 7644 section 3.7: unique within a request). */
function checkBulkIds(ops: readonly Operation[]): void {
  const first = new Map<string, number>();
  for (const op of ops) {
    if (op.bulkId === undefined) continue;
    const seen = first.get(op.bulkId);
    if (seen !== undefined) {
      throw new ScimError(
        'invalidValue',
        `Operations[${op.index}]: bulkId "${op.bulkId}" is already the bulkId of Operations[${seen}]; give each operation its own bulkId`,
        { token: op.bulkId },
      );
    }
    first.set(op.bulkId, op.index);
  }
}

/** Whether a text holds a C0 control character or DEL: the URL parser drops or rewrites them in a path. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
/** What an `If-Match` header can carry: visible ASCII and spaces (an entity-tag, RFC 7232 section 2.3). */
const HEADER_SAFE = /^[\u0020-\u007e]*$/;

/** Why a text cannot be an operation's path or bulkId, or `undefined` when it can. */
function unusable(text: string): string | undefined {
  return unstorable(text) ?? (hasControl(text) ? 'holds a control character' : undefined);
}

/**
 * What makes one operation unusable, found before it runs so that it fails alone (RFC 7644
 * section 3.7.3): a `path` or `bulkId` holding U+0000, an unpaired surrogate or another control
 * character (the URL parser would drop a trailing one, so `/Users\u0000` would reach /Users), and
 * a `version` no `If-Match` header can carry (non-ASCII, a line break).
 */
function operationProblem(op: Operation): ScimError | undefined {
  const path = unusable(op.path);
  if (path !== undefined) {
    return new ScimError(
      'invalidValue',
      `Operations[${op.index}]: "path" ${path}; send a path such as /Users/{id}, with its id percent-encoded`,
      { token: 'path' },
    );
  }
  const bulkId = op.bulkId === undefined ? undefined : unusable(op.bulkId);
  if (bulkId !== undefined) {
    return new ScimError(
      'invalidValue',
      `Operations[${op.index}]: "bulkId" ${bulkId}; use letters, digits and punctuation`,
      { token: 'bulkId' },
    );
  }
  if (op.version !== undefined && !HEADER_SAFE.test(op.version)) {
    return new ScimError(
      'invalidValue',
      `Operations[${op.index}]: "version" ${JSON.stringify(op.version)} is not an entity tag (RFC 7232 section 2.3) an If-Match header can carry; send the version the resource's meta.version holds, such as W/"3"`,
      { token: 'version' },
    );
  }
  return undefined;
}

function errorResult(op: Operation, error: ScimError): Json {
  return {
    method: op.method,
    ...(op.bulkId === undefined ? {} : { bulkId: op.bulkId }),
    status: String(error.status),
    response: error.toJSON(),
  };
}

/**
 * Runs a bulk request (RFC 7644 section 3.7): operations in order, except that one whose data
 * references a `bulkId:` not yet created waits until it is; `failOnErrors` stops after that many
 * errors; circular references fail with 409.
 * @internal
 */
export async function runBulk(
  body: unknown,
  maxOperations: number,
  dispatch: BulkDispatch,
): Promise<PlainReply> {
  const { ops, failOnErrors } = parseOperations(body, maxOperations);
  const defined = new Set(ops.flatMap((o) => (o.bulkId === undefined ? [] : [o.bulkId])));
  const ids = new Map<string, string>();
  const failed = new Set<string>();
  const results: { index: number; result: Json }[] = [];
  let errors = 0;
  let dispatched = 0;
  let pending = [...ops];
  while (pending.length > 0 && errors < failOnErrors) {
    const next: Operation[] = [];
    let progressed = false;
    for (const op of pending) {
      if (errors >= failOnErrors) break;
      const problem = operationProblem(op);
      if (problem !== undefined) {
        progressed = true;
        errors++;
        if (op.bulkId !== undefined) failed.add(op.bulkId);
        results.push({ index: op.index, result: errorResult(op, problem) });
        continue;
      }
      const refs = references(op.data, pathReferences(op.path, new Set()));
      const waiting = [...refs].filter((r) => !ids.has(r));
      const broken = waiting.find((r) => !defined.has(r) || failed.has(r));
      if (broken !== undefined) {
        progressed = true;
        errors++;
        if (op.bulkId !== undefined) failed.add(op.bulkId);
        results.push({
          index: op.index,
          result: errorResult(
            op,
            new ScimError(
              'conflict',
              `Operations[${op.index}]: bulkId:${broken} names no operation that succeeded in this request`,
            ),
          ),
        });
        continue;
      }
      if (waiting.length > 0) {
        next.push(op);
        continue;
      }
      progressed = true;
      // Another request may run between two operations: a store that answers without waiting
      // (SQLite) would otherwise hold the event loop for the whole Bulk request.
      if (dispatched++ > 0) await yieldToEventLoop();
      const path = substitutePath(op.path, ids);
      let response: Reply;
      try {
        response = await dispatch(op.method, path, substitute(op.data, ids), op.version);
      } catch (error) {
        response = errorReply(isScimError(error) ? error : ScimError.from(error));
      }
      const location = replyHeader(response, 'location');
      const etag = replyHeader(response, 'etag');
      const result: Json = {
        method: op.method,
        ...(op.bulkId === undefined ? {} : { bulkId: op.bulkId }),
        ...(etag === undefined ? {} : { version: etag }),
        ...(location === undefined ? {} : { location }),
        status: String(response.status),
      };
      if (response.status >= 400) {
        errors++;
        if (op.bulkId !== undefined) failed.add(op.bulkId);
        result.response = await replyJson(response);
      } else {
        if (response instanceof Response) await response.body?.cancel();
        if (op.method === 'POST' && op.bulkId !== undefined && location !== undefined) {
          ids.set(op.bulkId, decodeURIComponent(location.slice(location.lastIndexOf('/') + 1)));
        }
      }
      results.push({ index: op.index, result });
    }
    if (!progressed) {
      for (const op of next) {
        errors++;
        results.push({
          index: op.index,
          result: errorResult(
            op,
            new ScimError(
              'conflict',
              `Operations[${op.index}]: its bulkId references are circular; break the cycle`,
            ),
          ),
        });
      }
      break;
    }
    pending = next;
  }
  results.sort((a, b) => a.index - b.index);
  return scimJson(200, { schemas: [URN.BulkResponse], Operations: results.map((r) => r.result) });
}
