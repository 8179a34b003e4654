/**
 * A resource's default rendering kept as text (docs/decisions/0014): at write time the handler
 * renders the stored data as a read without `attributes` or `excludedAttributes` returns it
 * (RFC 7644 section 3.4.2.5: the `returned` rules, the schema's attribute order), with holes for
 * what each read adds (`id`, `meta`, a group's members, a user's groups); a store keeps that text
 * beside the data, and a read fills the holes instead of parsing, projecting and serializing the
 * data again. The text starts with a tag of the schema it was rendered for, so a changed schema or
 * format falls back to rendering the data.
 */
import { createHash } from 'node:crypto';
import { projectResource, weakETag } from '@scim/protocol';
import type { ServedType } from './config.ts';
import { type Json, schemasOf } from './stored.ts';

/**
 * Bumped whenever the rendering of a resource (render, projection) changes its bytes, so that
 * renderings stored before are not spliced (rendering.test.ts pins the rendering of a sample).
 * @internal
 */
export const RENDERING_FORMAT = 1;

/** Marks a hole; JSON.stringify escapes every control character, so no rendered text holds one. */
const HOLE = '\u0001';

/** What a read adds to a stored resource, before projection. @internal */
export interface ReadParts {
  readonly id: string;
  /**
   * `meta`, or its JSON text as a {@link MetaWriter} writes it (given only for a type whose splice
   * is verbatim: see {@link verbatimSplice}).
   */
  readonly meta: Json | string;
  /** The reference attribute's values (a group's members), when read. */
  readonly members?: readonly Json[] | undefined;
  /** A user's groups, when read and not empty. */
  readonly groups?: readonly Json[] | undefined;
}

/** The holes of a type: each top-level name a read fills (lower-cased), and its letter. */
function holesOf(type: ServedType): ReadonlyMap<string, string> {
  const holes = new Map([
    ['id', 'i'],
    ['meta', 'm'],
  ]);
  if (type.referenceAttribute !== undefined) holes.set(type.referenceAttribute.toLowerCase(), 'r');
  if (type.kind === 'user') holes.set('groups', 'g');
  return holes;
}

const tags = new WeakMap<ServedType, string | null>();

/**
 * The tag a rendering of this type starts with: the format and a digest of the type's schema; null
 * when the schema cannot be described as JSON (then nothing is rendered ahead).
 */
function tagOf(type: ServedType): string | null {
  // The type of the last call first: a list page asks for each of its resources.
  if (type === last.type) return last.tag;
  let tag = tags.get(type);
  if (tag === undefined) {
    const { schema } = type;
    try {
      const common = ['id', 'externalId', 'meta'].map((n) => schema.attribute(n)?.definition ?? null);
      const described = JSON.stringify([
        RENDERING_FORMAT,
        type.kind,
        type.name,
        type.referenceAttribute ?? null,
        common,
        schema.core,
        schema.extensions,
      ]);
      tag = `r${RENDERING_FORMAT}.${createHash('sha256').update(described).digest('base64url').slice(0, 22)}${HOLE}`;
    } catch {
      tag = null;
    }
    tags.set(type, tag);
  }
  last.type = type;
  last.tag = tag;
  return tag;
}

/** The type {@link tagOf} was last asked for, and its tag. */
const last: { type: ServedType | undefined; tag: string | null } = { type: undefined, tag: null };

/**
 * The default rendering of `data` for type `type`, with holes, or `undefined` when the data holds
 * a name a read fills (it was not written by this handler).
 * @internal
 */
export function renderingOf(type: ServedType, data: Json): string | undefined {
  const tag = tagOf(type);
  if (tag === null) return undefined;
  const holes = holesOf(type);
  for (const key of Object.keys(data)) {
    const lower = key.toLowerCase();
    if (lower === 'schemas' || holes.has(lower)) return undefined;
  }
  // As the store gives it back: JSON text parsed (no undefined, Date or -0 left).
  const stored = JSON.parse(JSON.stringify(data)) as Json;
  // The shape `render` gives a resource: `true` where a read puts its part.
  const shaped: Json = { schemas: schemasOf(type, stored), id: true, ...stored };
  if (type.referenceAttribute !== undefined) shaped[type.referenceAttribute] = true;
  if (type.kind === 'user') shaped.groups = true;
  shaped.meta = true;
  let text = '';
  for (const [key, value] of Object.entries(projectResource(shaped, type.schema))) {
    const hole = holes.get(key.toLowerCase());
    if (text === '') {
      if (hole !== undefined) return undefined;
      text = `{${JSON.stringify(key)}:${JSON.stringify(value)}`;
    } else text += hole === undefined ? `,${JSON.stringify(key)}:${JSON.stringify(value)}` : HOLE + hole;
  }
  return text === '' ? undefined : `${tag}${text}}`;
}

const verbatimTypes = new WeakMap<ServedType, boolean>();

/**
 * Whether the default projection returns a read's parts as they are (every key kept, in order, under
 * the same name), so that they are serialized without projecting them (then `meta` may come as
 * text: see {@link MetaWriter}). A projection keeps or drops a key by its name only, so one sample
 * of each shape decides it.
 * @internal
 */
export function verbatimSplice(type: ServedType): boolean {
  let known = verbatimTypes.get(type);
  if (known === undefined) {
    const ref = (display: boolean) => ({
      value: 'v',
      ...(display ? { display: 'd' } : {}),
      type: 't',
      $ref: 'r',
    });
    const sample: Json = {
      id: 'i',
      meta: { resourceType: 'a', created: 'b', lastModified: 'c', location: 'd', version: 'e' },
    };
    if (type.referenceAttribute !== undefined) sample[type.referenceAttribute] = [ref(true), ref(false)];
    if (type.kind === 'user') sample.groups = [ref(true), ref(false)];
    const projected: Json = projectResource(sample, type.schema);
    known = Object.keys(sample).every((k) => JSON.stringify(projected[k]) === JSON.stringify(sample[k]));
    verbatimTypes.set(type, known);
  }
  return known;
}

/** Text that JSON.stringify writes as it is between quotes: printable ASCII but `"` and `\\`. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
/** Text that encodeURIComponent leaves as it is (a UUID, for one). */
const UNRESERVED = /^[\w.~-]*$/;

/** JSON.stringify of a string, without its call for the plain text of ids and timestamps. */
function quote(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : JSON.stringify(text);
}

/** The id's JSON text and its part of a URL; one test serves both for an unreserved id (a UUID). */
function idTexts(id: string): { readonly json: string; readonly path: string } {
  // Unreserved text is plain too: letters, digits and `_.~-` are printable ASCII, neither `"` nor `\`.
  return UNRESERVED.test(id)
    ? { json: `"${id}"`, path: id }
    : { json: quote(id), path: encodeURIComponent(id) };
}

/**
 * Writes the `meta` of the resources of one type at one base URL, as `metaText` writes the object
 * representation.ts builds, with what they all share quoted once: their `resourceType` and the
 * start of their `location` (`encodeURIComponent` writes nothing JSON escapes).
 * @internal
 */
export class MetaWriter {
  private readonly head: string;
  private readonly location: string;

  /**
   * @param resourceType - the type's name (`meta.resourceType`)
   * @param locationPrefix - `meta.location` without the encoded id
   */
  constructor(resourceType: string, locationPrefix: string) {
    this.head = `{"resourceType":${JSON.stringify(resourceType)},"created":`;
    this.location = `,"location":${JSON.stringify(locationPrefix).slice(0, -1)}`;
  }

  /** The text of `meta`, or `undefined` when the dates are not strings (then the object is written). */
  text(id: string, created: unknown, lastModified: unknown, version: number): string | undefined {
    if (typeof created !== 'string' || typeof lastModified !== 'string') return undefined;
    return this.write(idTexts(id).path, created, lastModified, version);
  }

  /**
   * A listed resource's stored rendering with its `id` and `meta` filled in, for a type without a
   * reference attribute (no members to fill) and a read without `groups`: {@link spliceRendering}
   * with the parts {@link verbatimFill} writes, without building them as objects first. `undefined`
   * when the dates are not strings or the rendering is not of `type` (then it is rendered as any
   * other read).
   */
  splice(type: ServedType, rendering: string, resource: ListedParts): string | undefined {
    const { created, lastModified } = resource;
    if (typeof created !== 'string' || typeof lastModified !== 'string') return undefined;
    const tag = tagOf(type);
    if (tag === null || !rendering.startsWith(tag)) return undefined;
    const id = idTexts(resource.id);
    const meta = this.write(id.path, created, lastModified, resource.version);
    let out = '';
    let from = tag.length;
    for (let at = rendering.indexOf(HOLE, from); at >= 0; at = rendering.indexOf(HOLE, from)) {
      const letter = rendering[at + 1];
      // The other holes (members, groups) stay empty: a type with members does not come here.
      const fill = letter === 'i' ? `,"id":${id.json}` : letter === 'm' ? `,"meta":${meta}` : '';
      out += rendering.slice(from, at) + fill;
      from = at + 2;
    }
    return out + rendering.slice(from);
  }

  private write(path: string, created: string, lastModified: string, version: number): string {
    const etag =
      Number.isSafeInteger(version) && version >= 0
        ? `"W/\\"${version}\\""`
        : JSON.stringify(weakETag(version));
    // A resource never written again has the same text twice: quoted once.
    const createdText = quote(created);
    const modifiedText = lastModified === created ? createdText : quote(lastModified);
    return `${this.head}${createdText},"lastModified":${modifiedText}${this.location}${path}","version":${etag}}`;
  }
}

/** What {@link MetaWriter.splice} reads of a listed resource. @internal */
export interface ListedParts {
  readonly id: string;
  readonly created: unknown;
  readonly lastModified: unknown;
  readonly version: number;
}

/** `,"name":value`: one member of an object, after another. */
function entry(name: string, value: unknown): string {
  return `,${JSON.stringify(name)}:${JSON.stringify(value)}`;
}

/**
 * `meta` as JSON.stringify writes it, built from its values without walking the object: `meta` as
 * representation.ts builds it (these five members, in this order), when they are strings.
 */
function metaText(meta: Json): string {
  const { resourceType, created, lastModified, location, version } = meta;
  if (
    typeof resourceType !== 'string' ||
    typeof created !== 'string' ||
    typeof lastModified !== 'string' ||
    typeof location !== 'string' ||
    typeof version !== 'string'
  ) {
    return JSON.stringify(meta);
  }
  const q = JSON.stringify;
  return `{"resourceType":${q(resourceType)},"created":${q(created)},"lastModified":${q(lastModified)},"location":${q(location)},"version":${q(version)}}`;
}

/** A read's part for hole `letter`, as `,"name":value` (verbatim: the projection keeps it as is). */
function verbatimFill(type: ServedType, parts: ReadParts, letter: string): string {
  if (letter === 'i') return `,"id":${quote(parts.id)}`;
  if (letter === 'm') return `,"meta":${typeof parts.meta === 'string' ? parts.meta : metaText(parts.meta)}`;
  const list = letter === 'r' ? parts.members : parts.groups;
  if (list === undefined || list.length === 0) return '';
  return entry(letter === 'r' ? type.referenceAttribute! : 'groups', list);
}

/** A read's parts by hole letter, each as `,"name":value`, or '' when the projection leaves it out. */
function projectedFills(type: ServedType, parts: ReadParts): (letter: string) => string {
  const shaped: Json = { id: parts.id };
  if (type.referenceAttribute !== undefined && parts.members !== undefined) {
    shaped[type.referenceAttribute] = parts.members;
  }
  if (parts.groups !== undefined) shaped.groups = parts.groups;
  shaped.meta = typeof parts.meta === 'string' ? (JSON.parse(parts.meta) as Json) : parts.meta;
  const projected = Object.entries(projectResource(shaped, type.schema));
  const holes = holesOf(type);
  return (letter) => {
    const found = projected.find(([key]) => holes.get(key.toLowerCase()) === letter);
    return found === undefined ? '' : entry(found[0], found[1]);
  };
}

/**
 * The resource as its default rendering returns it, from a stored rendering and a read's parts;
 * `undefined` when there is none or it was rendered for another schema or format.
 * @internal
 */
export function spliceRendering(
  type: ServedType,
  rendering: string | undefined,
  parts: ReadParts,
): string | undefined {
  if (rendering === undefined) return undefined;
  const tag = tagOf(type);
  if (tag === null || !rendering.startsWith(tag)) return undefined;
  const fill = verbatimSplice(type)
    ? (letter: string) => verbatimFill(type, parts, letter)
    : projectedFills(type, parts);
  let out = '';
  let from = tag.length;
  for (let at = rendering.indexOf(HOLE, from); at >= 0; at = rendering.indexOf(HOLE, from)) {
    out += rendering.slice(from, at) + fill(rendering[at + 1]!);
    from = at + 2;
  }
  return out + rendering.slice(from);
}
