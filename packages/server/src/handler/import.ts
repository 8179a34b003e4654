// The bulk load behind `scim-server import`: each resource validated exactly as POST validates it
// (prepareCreate, the handler's own code), written in batches through the store's createMany.
import { foldCase } from '@scim/protocol';
import { isScimError, ScimError } from '@scim/schemas';
import type { ScimServerOptions } from '../options.ts';
import type { CreateInput, ScimStore } from '../store/types.ts';
import { parseJson } from './body.ts';
import { type ResolvedConfig, resolveConfig, type ServedType, storageOf } from './config.ts';
import type { RequestContext } from './context.ts';
import { checkText } from './limits.ts';
import { type PreparedCreate, prepareCreate } from './resources.ts';

/** One resource of the input: its JSON text and the line it starts on. @internal */
export interface ImportItem {
  /** The 1-based line of the input where the resource starts. */
  readonly line: number;
  /** The resource's JSON text. */
  readonly text: string;
}

/** A resource the import left out, and why (what POST would have answered). @internal */
export interface ImportFailure {
  readonly line: number;
  readonly status: number;
  readonly scimType: string | undefined;
  readonly message: string;
}

/** What an import did. @internal */
export interface ImportSummary {
  /** Resources read from the input. */
  readonly read: number;
  /** Resources created, by resource type name. */
  readonly created: Readonly<Record<string, number>>;
  /** Resources left out (each reported to `onFailure`). */
  readonly failed: number;
}

/** Options of {@link importResources}. @internal */
export interface ImportOptions {
  /** The server's options (store, profile, limits, policies): what POST would validate against. */
  readonly server: ScimServerOptions;
  /** The tenant the resources go to. */
  readonly tenant: string;
  /** Resources per transaction (default 1,000). */
  readonly batchSize?: number;
  /** Told about each resource left out, as soon as it is known. */
  readonly onFailure: (failure: ImportFailure) => void;
}

/** Resources per transaction unless told. */
export const IMPORT_BATCH_SIZE = 1_000;

interface Pending {
  readonly line: number;
  readonly prepared: PreparedCreate;
  /** Names a group member may give it by: its id in the source, its externalId, its userName. */
  readonly names: readonly string[];
}

/**
 * How a group member names a resource of the same import: by the `id` it had in the source
 * directory (POST ignores a sent `id`: the store assigns a new one), by its `externalId`, or by its
 * `userName` (case-folded, as the server compares it), tried in that order; anything else is taken
 * as the id of a resource already in the tenant.
 */
class Names {
  private readonly byKind = [new Map<string, string>(), new Map<string, string>(), new Map<string, string>()];

  static of(body: Record<string, unknown>): string[] {
    const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : '');
    return [text(body.id), text(body.externalId), text(body.userName) && foldCase(text(body.userName))];
  }

  add(names: readonly string[], id: string): void {
    names.forEach((name, kind) => {
      if (name !== '' && !this.byKind[kind]?.has(name)) this.byKind[kind]?.set(name, id);
    });
  }

  resolve(value: string): string {
    return (
      this.byKind[0]?.get(value) ??
      this.byKind[1]?.get(value) ??
      this.byKind[2]?.get(foldCase(value)) ??
      value
    );
  }
}

/** A `ScimError` about the resource (4xx), not about the database (503). */
function isRefusal(error: unknown): boolean {
  return isScimError(error) && (error as unknown as { status: number }).status < 500;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The served type of a resource: the one whose core schema its `schemas` names, else the one its
 * `meta.resourceType` names (a POST knows it from its URL; an import line must say it).
 */
function typeOf(config: ResolvedConfig, body: Record<string, unknown>): ServedType {
  const schemas = Array.isArray(body.schemas) ? body.schemas.map((s) => String(s).toLowerCase()) : [];
  const named = isObject(body.meta) ? String(body.meta.resourceType ?? '').toLowerCase() : '';
  const type =
    config.types.find((t) => schemas.includes(t.schema.core.id.toLowerCase())) ??
    config.types.find((t) => t.name.toLowerCase() === named);
  if (type === undefined) {
    const known = config.types.map((t) => `${t.schema.core.id} (${t.name})`).join(', ');
    throw new ScimError(
      'invalidValue',
      `"schemas" names no resource type of this server, nor does "meta.resourceType"; use one of ${known}`,
    );
  }
  return type;
}

/** The member values a body names (of its reference attribute), as sent. */
function memberValues(type: ServedType, body: Record<string, unknown>): string[] {
  const ref = type.referenceAttribute?.toLowerCase();
  const key = ref === undefined ? undefined : Object.keys(body).find((k) => k.toLowerCase() === ref);
  const list = key === undefined ? undefined : body[key];
  if (!Array.isArray(list)) return [];
  return list.flatMap((m) => (isObject(m) && typeof m.value === 'string' ? [m.value] : []));
}

/** The body with group members named by source id, externalId or userName given their new ids. */
function withMemberIds(
  type: ServedType,
  body: Record<string, unknown>,
  names: Names,
): Record<string, unknown> {
  const ref = type.referenceAttribute?.toLowerCase();
  const key = ref === undefined ? undefined : Object.keys(body).find((k) => k.toLowerCase() === ref);
  const list = key === undefined ? undefined : body[key];
  if (key === undefined || !Array.isArray(list)) return body;
  const members = list.map((m) =>
    isObject(m) && typeof m.value === 'string' ? { ...m, value: names.resolve(m.value) } : m,
  );
  return { ...body, [key]: members };
}

/** A refusal of one resource; anything else (a database that went away: 5xx) stops the import. */
function failureOf(line: number, error: unknown): ImportFailure {
  if (!isRefusal(error)) throw error;
  const e = error as unknown as { status: number; scimType?: string; message: string };
  return { line, status: e.status, scimType: e.scimType, message: e.message };
}

/**
 * Imports resources into a tenant: each validated as POST /Users or POST /Groups validates it
 * (the handler's `prepareCreate`: schema, policies, required attributes, write limits, body size
 * and depth, known members), then written in transactions of `batchSize` through the store's
 * `createMany` (one `create` each for a store without it). A resource that fails is reported to
 * `onFailure` with its line and left out; the others are written. A batch the store refuses (a
 * value already taken in the tenant) is written again one resource at a time, so that only the
 * resources at fault are left out. Lifecycle hooks do not run; the change feed records every
 * create, as POST does.
 *
 * @param items - the resources, in input order (Users before the Groups that name them)
 * @param options - the server's options, the tenant, the batch size, where failures go
 * @returns how many resources were read, created (by type) and left out
 * @throws what the store throws that is not about a resource (a database that went away: a 503
 *   `ScimError`, a driver's error): the batches written before stay written
 * @internal
 */
export async function importResources(
  items: AsyncIterable<ImportItem> | Iterable<ImportItem>,
  options: ImportOptions,
): Promise<ImportSummary> {
  const config = resolveConfig(options.server);
  const store: ScimStore = options.server.store;
  await store.open(storageOf(config));
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? IMPORT_BATCH_SIZE));
  const ctx: RequestContext = {
    config,
    store,
    tenant: options.tenant,
    principal: { tenant: options.tenant, kind: 'bearer', id: 'scim-server import' },
    base: '',
    requestId: 'import',
    logger: options.server.logger,
  };
  const names = new Names();
  /** Unique values of this import, with the line that holds each. */
  const seen = new Map<string, number>();
  const created: Record<string, number> = {};
  let read = 0;
  let failed = 0;
  let pending: Pending[] = [];
  let pendingType: ServedType | undefined;
  /** The names of the pending batch's resources, when its type can have members (groups). */
  const waiting = new Set<string>();
  const fail = (failure: ImportFailure) => {
    failed++;
    options.onFailure(failure);
  };

  const flush = async () => {
    const type = pendingType;
    const batch = pending;
    pending = [];
    waiting.clear();
    if (type === undefined || batch.length === 0) return;
    const inputs: CreateInput[] = batch.map((p) => p.prepared.input);
    let ids: (string | undefined)[];
    try {
      ids =
        store.createMany === undefined
          ? await oneByOne(store, options.tenant, type.name, batch, fail)
          : (await store.createMany(options.tenant, type.name, inputs)).map((r) => r.id);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      ids = await oneByOne(store, options.tenant, type.name, batch, fail);
    }
    batch.forEach((p, n) => {
      const id = ids[n];
      if (id === undefined) return;
      names.add(p.names, id);
      created[type.name] = (created[type.name] ?? 0) + 1;
    });
  };

  for await (const item of items) {
    read++;
    try {
      if (Buffer.byteLength(item.text) > config.maxBodyBytes) {
        throw new ScimError(
          'payloadTooLarge',
          `the resource is larger than ${config.maxBodyBytes} bytes, the server's largest request body`,
        );
      }
      const body = parseJson(item.text, config.maxDepth);
      if (!isObject(body)) throw new ScimError('invalidSyntax', 'expected a JSON object (one resource)');
      checkText(body);
      const type = typeOf(config, body);
      // A member named by a resource of the batch, not yet written: the batch is written first.
      if (
        type !== pendingType ||
        memberValues(type, body).some((m) => waiting.has(m) || waiting.has(foldCase(m)))
      ) {
        await flush();
        pendingType = type;
      }
      const prepared = await prepareCreate(ctx, type, withMemberIds(type, body, names));
      for (const key of prepared.input.unique) {
        const k = `${type.name}\u0000${key.attribute}\u0000${key.value}`;
        const other = seen.get(k);
        if (other !== undefined) {
          throw new ScimError(
            'uniqueness',
            `${key.attribute} "${key.value}" is already taken by the ${type.name} on line ${other}`,
            { token: key.attribute },
          );
        }
      }
      for (const key of prepared.input.unique) {
        seen.set(`${type.name}\u0000${key.attribute}\u0000${key.value}`, item.line);
      }
      const own = Names.of(body);
      pending.push({ line: item.line, prepared, names: own });
      if (type.referenceAttribute !== undefined) for (const name of own) if (name !== '') waiting.add(name);
      if (pending.length >= batchSize) await flush();
    } catch (error) {
      fail(failureOf(item.line, error));
    }
  }
  await flush();
  return { read, created, failed };
}

/** Writes a batch one create at a time, reporting each refusal; the ids, undefined where refused. */
async function oneByOne(
  store: ScimStore,
  tenant: string,
  resourceType: string,
  batch: readonly Pending[],
  fail: (failure: ImportFailure) => void,
): Promise<(string | undefined)[]> {
  const ids: (string | undefined)[] = [];
  for (const p of batch) {
    try {
      ids.push((await store.create(tenant, resourceType, p.prepared.input)).id);
    } catch (error) {
      fail(failureOf(p.line, error));
      ids.push(undefined);
    }
  }
  return ids;
}
