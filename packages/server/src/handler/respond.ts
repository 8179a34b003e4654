import { jsonReply, type PlainReply, SCIM_JSON } from '../pipeline.ts';

export { SCIM_JSON };

/** A SCIM JSON reply. @internal */
export function scimJson(status: number, body: unknown, headers: Record<string, string> = {}): PlainReply {
  return jsonReply(status, JSON.stringify(body), headers);
}

/** A SCIM JSON reply whose body is already JSON text. @internal */
export function scimText(status: number, text: string, headers: Record<string, string> = {}): PlainReply {
  return jsonReply(status, text, headers);
}

/** A reply without a body (204, 304). @internal */
export function empty(status: number, headers: Record<string, string> = {}): PlainReply {
  return { status, headers, body: null };
}
