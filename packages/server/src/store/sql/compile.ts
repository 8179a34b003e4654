/**
 * Compiles the query form of a SCIM filter (`QueryFilter` of `@scim/protocol`) and a sort order to
 * parameterized SQL, for SQLite (`node:sqlite`, JSON1) and PostgreSQL (JSONB).
 *
 * The semantics are those of `evaluateFilter` for resources whose attributes have their schema
 * types (which the handler guarantees): case-insensitive comparisons use the search document (the
 * data with every string case-folded by `foldCase`), multi-valued attributes match when any element
 * does (in one pass over the elements), `pr` ignores `null`, `""`, `[]` and `{}`, dateTimes compare
 * as instants, `id` and `meta` come from columns and the reference attribute (`members`) from the
 * membership table. Text orders by code point (SQLite's `BINARY`, PostgreSQL's `"C"` collation).
 *
 * Values never reach the SQL text: every value is a parameter. Attribute names do, as JSON keys,
 * and only when they match {@link SAFE_KEY} (schema names always do); table names come from a fixed
 * list, qualified by a schema name checked by the PostgreSQL store.
 *
 * @internal
 * @packageDocumentation
 */
import { type ComparisonOperator, foldCase, type QueryFilter, type QueryPath } from '@scim/protocol';
import { type AttributeDefinition, ScimError } from '@scim/schemas';
import { budgetCheck } from '../sqlite-functions.ts';
import type { StoreSort } from '../types.ts';
import { hasSortIndex, postgresPrefix } from './sort-indexes.ts';

export { postgresPrefix };

/** JSON keys that may be written into SQL text: SCIM attribute names and schema URNs. @internal */
export const SAFE_KEY = /^[A-Za-z0-9_$:.-]+$/;

/** Collects the values of a statement and hands out their placeholders. @internal */
export class Params {
  readonly values: (string | number | null)[] = [];
  readonly postgres: boolean;
  constructor(postgres: boolean) {
    this.postgres = postgres;
  }
  /** A placeholder for a text value. */
  text(value: string): string {
    this.values.push(value);
    return this.postgres ? `$${this.values.length}::text` : `?${this.values.length}`;
  }
  /** A placeholder for a number. */
  number(value: number): string {
    this.values.push(value);
    return this.postgres ? `$${this.values.length}::float8` : `?${this.values.length}`;
  }
  /** A placeholder for an integer (lengths). */
  int(value: number): string {
    this.values.push(value);
    return this.postgres ? `$${this.values.length}::int` : `?${this.values.length}`;
  }
  /** A placeholder for a row count or position (`seq`). */
  count(value: number): string {
    this.values.push(value);
    return this.postgres ? `$${this.values.length}::bigint` : `?${this.values.length}`;
  }
  /**
   * A placeholder for a `LIMIT` or `OFFSET`. On SQLite, an expression its planner does not read:
   * given a bare parameter there, the planner reads its value, so binding it expires the statement
   * and every run prepares it again (parsing and planning the whole query, 4x to 5x the cost of an
   * indexed page). `(?n + 0)` is the same number to the query and keeps the prepared statement.
   */
  rows(value: number): string {
    const placeholder = this.count(value);
    return this.postgres ? placeholder : `(${placeholder} + 0)`;
  }
  /**
   * A page's `LIMIT`, or an `OFFSET` of 0: on PostgreSQL its number, written into the text. Given
   * parameters there, PostgreSQL's planner cannot tell how many rows a generic plan returns, finds
   * it dearer than a plan made for the values, and so plans a named statement again at every run
   * (the notes on generic and custom plans of https://www.postgresql.org/docs/current/sql-prepare.html):
   * some 60 µs of the database's 150 for a page of 100 (docs/benchmarks.md). A page size is one of
   * a few numbers, so the texts stay few. SQLite: {@link rows}.
   */
  pageRows(value: number): string {
    return this.postgres && Number.isSafeInteger(value) && value >= 0 ? String(value) : this.rows(value);
  }
  /** A placeholder for a JSON value (PostgreSQL: jsonb; SQLite: the SQL value). */
  json(value: string | number): string {
    if (this.postgres) {
      this.values.push(JSON.stringify(value));
      return `$${this.values.length}::jsonb`;
    }
    this.values.push(value);
    return `?${this.values.length}`;
  }
}

/** Where a JSON value is: opaque to the compiler, made and read by the dialect. */
type JsonNode = SqliteNode | { readonly raw: Ref; readonly search: Ref };
/** A SQLite location: a SQL expression giving the JSON path, in the row's documents (or others). */
interface SqliteNode {
  readonly sqlite: string;
  readonly data?: string;
  readonly search?: string;
  /**
   * The node is in one element of an array, whose JSON `data` holds: an element of the search
   * document (`search`: case-insensitive text is read as it is; case-exact text cannot be), or of
   * the data (`raw`: case-insensitive text is folded as it is read, by `scim_fold`).
   */
  readonly element?: 'search' | 'raw';
}
/** A PostgreSQL JSONB location: a base expression and the `->` operands that follow. */
interface Ref {
  readonly base: string;
  readonly keys: readonly string[];
}
/** Which copy to read: the data, the search document, or whichever is at hand (same answer in both). */
type Doc = 'raw' | 'search' | 'either';
type JsonType = 'string' | 'number' | 'boolean' | 'object';

/** What differs between SQLite and PostgreSQL. @internal */
export interface Dialect {
  readonly postgres: boolean;
  /** The qualified name of one of the store's tables. */
  table(name: 'resources' | 'members'): string;
  /** The resource row's data and search document. */
  root(): JsonNode;
  /** The value under `key` of an object node (absent for any other node). */
  child(node: JsonNode, key: string): JsonNode;
  /** The element of an array node at the index the SQL expression computes. */
  element(node: JsonNode, index: string): JsonNode;
  /**
   * `EXISTS` over the non-null elements of an array node; `raw` when the body reads case-exact
   * text or dateTimes (else SQLite iterates the search document's elements).
   */
  someElement(node: JsonNode, alias: string, body: (element: JsonNode) => string, raw: boolean): string;
  /** The index of the first element whose `primary` is true, else 0. */
  primaryIndex(node: JsonNode, alias: string): string;
  /** Whether the node holds a JSON value of this type. */
  is(node: JsonNode, doc: Doc, type: JsonType): string;
  /** The node's string value as SQL text (binary collation). */
  text(node: JsonNode, doc: Doc): string;
  /** Compares a number node with a number. */
  numberCompare(node: JsonNode, sqlOp: string, value: string): string;
  /** The node's number as a SQL number (sort key). */
  number(node: JsonNode): string;
  /** The node's boolean as 0/1 (sort key). */
  boolean(node: JsonNode): string;
  /** Whether the node holds `true` (or `false`). */
  isBoolean(node: JsonNode, value: boolean): string;
  /** Whether any value inside the node is present (`pr` on a complex or nested value). */
  deepPresent(node: JsonNode): string;
  /** `scim_instant(text)`: epoch milliseconds or NULL. */
  instant(text: string): string;
  /** Text operators. */
  contains(text: string, value: string): string;
  startsWith(text: string, value: string, length: string): string;
  endsWith(text: string, value: string, length: string): string;
  /** Text comparison with binary (code point) order. */
  order(text: string): string;
  /** ASCII lower-case of a column (ids and type names). */
  lower(text: string): string;
  /** Whether the text equals one of the values (placeholders). */
  list(text: string, values: readonly string[]): string;
}

const SQL_OP: Record<string, string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };

/** The values of an `or` of case-exact `id eq "..."` comparisons (at least two), else undefined. */
function idList(filters: readonly QueryFilter[]): string[] | undefined {
  if (filters.length < 2) return undefined;
  const out: string[] = [];
  for (const c of filters) {
    if (
      c.kind !== 'compare' ||
      c.op !== 'eq' ||
      typeof c.value !== 'string' ||
      c.path.urn !== undefined ||
      c.path.attribute !== 'id' ||
      c.path.subAttribute !== undefined ||
      c.path.definition.caseExact !== true ||
      c.path.definition.type === 'dateTime'
    ) {
      return undefined;
    }
    out.push(c.value);
  }
  return out;
}
/** How a SQLite text sort key ends: a missing value is an empty BLOB (see `sortKey`). */
const MISSING_TEXT = "ELSE x'' END";
/**
 * The operators a sort index's key answers alone: the key of a value that is no string is an empty
 * BLOB, which SQLite orders after every text, so it is never equal to a text value nor less than
 * one. These need no test that the value is a string, which parses the row's document once more
 * for each row the index finds (0.4 µs of a 3 µs `userName eq` page); `gt`, `ge` and `ne` do.
 */
const KEY_ANSWERS: ReadonlySet<ComparisonOperator> = new Set(['eq', 'lt', 'le']);
/** How a PostgreSQL text sort key ends. */
const POSTGRES_TEXT = 'COLLATE "C") END';
/** Sort keys that are columns declared NOT NULL. */
const NEVER_NULL = new Set(['r.created', 'r.last_modified']);
const TRUE = '(1=1)';
const FALSE = '(1=0)';

function checkKey(key: string): string {
  if (!SAFE_KEY.test(key)) {
    throw new ScimError(
      'invalidFilter',
      `filter: the attribute name "${key}" has characters the SQL stores do not accept in a name; use names made of letters, digits, "_", "-", "$", ":" and "."`,
      { token: key },
    );
  }
  return key;
}

/** A JSON key in a SQLite path: `.name` or `."urn:...:User"`. */
function sqliteKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `."${key}"`;
}

/** The SQLite dialect (JSON1 on TEXT columns `data` and `search`). @internal */
export const sqliteDialect: Dialect = {
  postgres: false,
  table: (name) => name,
  root: () => ({ sqlite: `'$'` }),
  child(node, key) {
    const n = node as SqliteNode;
    const k = sqliteKey(checkKey(key));
    const p = n.sqlite.startsWith("'") ? `${n.sqlite.slice(0, -1)}${k}'` : `(${n.sqlite} || '${k}')`;
    return { ...n, sqlite: p };
  },
  element(node, index) {
    const n = node as SqliteNode;
    return { ...n, sqlite: `(${n.sqlite} || '[' || (${index}) || ']')` };
  },
  someElement(node, a, body, raw) {
    const n = node as SqliteNode;
    // The search document's elements when nothing needs the data's (no function call per element);
    // under an element of the data, the data's.
    const mode = n.element ?? (raw ? 'raw' : 'search');
    if (mode === 'search' && raw) throw new Error('compile: case-exact text under a search element');
    const doc = sqliteDoc(n, mode);
    // Each element is read from json_each's own columns (its JSON), never by its index in the
    // document: finding element i by path walks i elements, which made a test on every element
    // cost the square of the array's length.
    const json = `(CASE ${a}.type WHEN 'object' THEN ${a}.value WHEN 'array' THEN ${a}.value WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE json_quote(${a}.value) END)`;
    const el: SqliteNode = { sqlite: `'$'`, data: json, element: mode };
    // budgetCheck: a query stops within 16 elements of its deadline, even inside one large array.
    return `EXISTS (SELECT 1 FROM json_each(${doc}, ${n.sqlite}) AS ${a} WHERE json_type(${doc}, ${n.sqlite}) = 'array' AND ${budgetCheck(`${a}.key`)} AND ${a}.type <> 'null' AND ${body(el)})`;
  },
  primaryIndex(node, a) {
    const n = node as SqliteNode;
    const data = sqliteDoc(n, 'raw');
    return `COALESCE((SELECT ${a}.key FROM json_each(${data}, ${n.sqlite}) AS ${a} WHERE json_type(${data}, ${n.sqlite}) = 'array' AND json_type(CASE ${a}.type WHEN 'object' THEN ${a}.value END, '$.primary') = 'true' ORDER BY ${a}.key LIMIT 1), 0)`;
  },
  is(node, doc, type) {
    const n = node as SqliteNode;
    const t = `json_type(${sqliteDoc(n, doc)}, ${n.sqlite})`;
    switch (type) {
      case 'string':
        return `${t} = 'text'`;
      case 'number':
        return `${t} IN ('integer', 'real')`;
      case 'boolean':
        return `${t} IN ('true', 'false')`;
      case 'object':
        return `${t} = 'object'`;
    }
  },
  text(node, doc) {
    const n = node as SqliteNode;
    if (n.element === 'search' && doc === 'raw')
      throw new Error('compile: case-exact text under a search element');
    const text = `json_extract(${sqliteDoc(n, doc)}, ${n.sqlite})`;
    return n.element === 'raw' && doc === 'search' ? `scim_fold(${text})` : text;
  },
  numberCompare(node, op, value) {
    const n = node as SqliteNode;
    const data = sqliteDoc(n, 'raw');
    return `(json_type(${data}, ${n.sqlite}) IN ('integer', 'real') AND json_extract(${data}, ${n.sqlite}) ${op} ${value})`;
  },
  number(node) {
    const n = node as SqliteNode;
    const data = sqliteDoc(n, 'raw');
    return `CASE WHEN json_type(${data}, ${n.sqlite}) IN ('integer', 'real') THEN json_extract(${data}, ${n.sqlite}) END`;
  },
  boolean(node) {
    const n = node as SqliteNode;
    return `CASE json_type(${sqliteDoc(n, 'raw')}, ${n.sqlite}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END`;
  },
  isBoolean: (node, value) =>
    `json_type(${sqliteDoc(node as SqliteNode, 'raw')}, ${(node as SqliteNode).sqlite}) = '${value}'`,
  deepPresent(node) {
    const n = node as SqliteNode;
    return `EXISTS (SELECT 1 FROM json_tree(${sqliteDoc(n, 'raw')}, ${n.sqlite}) AS t WHERE t.type IN ('integer', 'real', 'true', 'false') OR (t.type = 'text' AND t.atom <> ''))`;
  },
  instant: (text) => `scim_instant(${text})`,
  contains: (text, value) => `instr(${text}, ${value}) > 0`,
  startsWith: (text, value, length) => `substr(${text}, 1, ${length}) = ${value}`,
  endsWith: (text, value, length) => `substr(${text}, -${length}) = ${value}`,
  // Text compares with the BINARY collation: by UTF-8 bytes, which is code point order.
  order: (text) => text,
  lower: (text) => `lower(${text})`,
  list: (text, values) => `${text} IN (${values.join(', ')})`,
};

function sqliteDoc(node: SqliteNode, doc: Doc): string {
  if (node.element !== undefined) return node.data as string;
  return doc === 'search' ? (node.search ?? 'r.search') : (node.data ?? 'r.data');
}

function pgJson(ref: Ref): string {
  return ref.keys.reduce((acc, k) => `${acc} -> ${k}`, ref.base);
}
function pgText(ref: Ref): string {
  if (ref.keys.length === 0) return `(${ref.base} #>> '{}')`;
  const head = ref.keys.slice(0, -1).reduce((acc, k) => `${acc} -> ${k}`, ref.base);
  return `(${head} ->> ${ref.keys[ref.keys.length - 1]})`;
}
function pgArray(json: string): string {
  return `CASE WHEN jsonb_typeof(${json}) = 'array' THEN ${json} ELSE '[]'::jsonb END`;
}

/** The PostgreSQL dialect (JSONB columns `data` and `search`), tables in `schema`. @internal */
export function postgresDialect(schema: string): Dialect {
  const pg = (node: JsonNode) => node as { raw: Ref; search: Ref };
  const ref = (node: JsonNode, doc: Doc) => (doc === 'search' ? pg(node).search : pg(node).raw);
  const TYPE: Record<JsonType, string> = {
    string: 'string',
    number: 'number',
    boolean: 'boolean',
    object: 'object',
  };
  return {
    postgres: true,
    table: (name) => `"${schema}".${name}`,
    root: () => ({ raw: { base: 'r.data', keys: [] }, search: { base: 'r.search', keys: [] } }),
    child(node, key) {
      const k = `'${checkKey(key)}'`;
      const n = pg(node);
      return {
        raw: { base: n.raw.base, keys: [...n.raw.keys, k] },
        search: { base: n.search.base, keys: [...n.search.keys, k] },
      };
    },
    element(node, index) {
      const n = pg(node);
      const k = `(${index})::int`;
      return {
        raw: { base: n.raw.base, keys: [...n.raw.keys, k] },
        search: { base: n.search.base, keys: [...n.search.keys, k] },
      };
    },
    someElement(node, a, body, _raw) {
      const n = pg(node);
      const from = `ROWS FROM (jsonb_array_elements(${pgArray(pgJson(n.raw))}), jsonb_array_elements(${pgArray(pgJson(n.search))})) AS ${a}(v, s)`;
      const el: JsonNode = { raw: { base: `${a}.v`, keys: [] }, search: { base: `${a}.s`, keys: [] } };
      return `EXISTS (SELECT 1 FROM ${from} WHERE jsonb_typeof(${a}.v) <> 'null' AND ${body(el)})`;
    },
    primaryIndex(node, a) {
      const raw = pgJson(pg(node).raw);
      return `COALESCE((SELECT ${a}.i - 1 FROM jsonb_array_elements(${pgArray(raw)}) WITH ORDINALITY AS ${a}(v, i) WHERE ${a}.v -> 'primary' = 'true'::jsonb ORDER BY ${a}.i LIMIT 1), 0)`;
    },
    is: (node, doc, type) => `jsonb_typeof(${pgJson(ref(node, doc))}) = '${TYPE[type]}'`,
    text: (node, doc) => `(${pgText(ref(node, doc))} COLLATE "C")`,
    numberCompare(node, op, value) {
      const j = pgJson(pg(node).raw);
      return `(jsonb_typeof(${j}) = 'number' AND ${j} ${op} ${value})`;
    },
    number(node) {
      const j = pgJson(pg(node).raw);
      return `CASE WHEN jsonb_typeof(${j}) = 'number' THEN (${pgText(pg(node).raw)})::float8 END`;
    },
    boolean(node) {
      const j = pgJson(pg(node).raw);
      return `CASE WHEN jsonb_typeof(${j}) = 'boolean' THEN (${pgText(pg(node).raw)})::boolean::int END`;
    },
    isBoolean: (node, value) => `${pgJson(pg(node).raw)} = '${value}'::jsonb`,
    deepPresent: (node) =>
      `COALESCE(jsonb_path_exists(${pgJson(pg(node).raw)}, 'strict $.** ? (@.type() == "number" || @.type() == "boolean" || (@.type() == "string" && @ != ""))'), FALSE)`,
    instant: (text) => `"${schema}".scim_instant(${text})`,
    contains: (text, value) => `strpos(${text}, ${value}) > 0`,
    startsWith: (text, value, length) => `left(${text}, ${length}) = ${value}`,
    endsWith: (text, value, length) => `right(${text}, ${length}) = ${value}`,
    // Explicitly "C" (UTF-8 byte order, which is code point order), whatever the database's
    // collation: en_US and ICU collations order differently from the other stores.
    order: (text) => (text.endsWith(' COLLATE "C")') ? text : `(${text} COLLATE "C")`),
    lower: (text) => `lower(${text} COLLATE "C")`,
    list: (text, values) => `${text} = ANY(ARRAY[${values.join(', ')}])`,
  };
}

/** The string types: compared as text. */
function isText(def: AttributeDefinition): boolean {
  return def.type === 'string' || def.type === 'reference' || def.type === 'binary' || def.type === 'complex';
}

/** Whether a text is a dateTime as `toISOString` writes it (the evaluator compares those as text). */
function isUtcIso(t: string): string {
  return `(length(${t}) = 24 AND substr(${t}, 24, 1) = 'Z' AND substr(${t}, 20, 1) = '.' AND substr(${t}, 11, 1) = 'T' AND substr(${t}, 5, 1) = '-')`;
}

/**
 * Joins conditions with `AND` or `OR` as a balanced tree, so that a long chain nests as deep as
 * its logarithm (SQLite refuses expressions nested more than 1,000 deep).
 */
function balanced(parts: readonly string[], op: 'AND' | 'OR'): string {
  if (parts.length <= 8) return parts.length === 1 ? (parts[0] as string) : `(${parts.join(` ${op} `)})`;
  const half = Math.ceil(parts.length / 2);
  return `(${balanced(parts.slice(0, half), op)} ${op} ${balanced(parts.slice(half), op)})`;
}

/**
 * Whether a filter is `attr eq "text"` on a string attribute read from the document (not one of
 * the `columns`: `id`, `meta` and the attributes kept in tables).
 */
function isTextEq(
  f: QueryFilter,
  columns: ReadonlySet<string>,
): f is Extract<QueryFilter, { kind: 'compare' }> & { value: string } {
  if (f.kind !== 'compare' || f.op !== 'eq' || typeof f.value !== 'string') return false;
  const def = f.path.definition;
  if (def.type !== 'string' && def.type !== 'reference' && def.type !== 'binary') return false;
  return f.path.urn !== undefined || !columns.has(f.path.attribute);
}

/**
 * The terms of an `or`, with the `eq` comparisons of one attribute (same path, same definition)
 * gathered, in the order each first appears; without `columns` every term stays alone.
 */
function eqGroups(
  filters: readonly QueryFilter[],
  columns: ReadonlySet<string> | undefined,
): QueryFilter[][] {
  const out: QueryFilter[][] = [];
  const byPath = new Map<string, QueryFilter[]>();
  for (const f of filters) {
    if (columns === undefined || !isTextEq(f, columns)) {
      out.push([f]);
      continue;
    }
    const p = f.path;
    const key = `${p.urn ?? ''}\u0000${p.attribute}\u0000${p.subAttribute ?? ''}`;
    const group = byPath.get(key);
    if (group !== undefined && (group[0] as typeof f).path.definition === p.definition) group.push(f);
    else {
      const fresh = [f];
      byPath.set(key, fresh);
      out.push(fresh);
    }
  }
  return out;
}

/** A comparison, presence test or value path. */
type ElementTerm = Extract<QueryFilter, { kind: 'compare' | 'present' | 'valuePath' }>;

/** Whether a test reads case-exact text or a dateTime (which the search document does not keep as sent). */
function needsRaw(f: QueryFilter): boolean {
  switch (f.kind) {
    case 'and':
    case 'or':
      return f.filters.some(needsRaw);
    case 'not':
      return needsRaw(f.filter);
    case 'valuePath':
      return needsRaw(f.filter);
    case 'present':
      return false;
    case 'compare': {
      const def = f.path.definition;
      return def.type === 'dateTime' || (isText(def) && def.caseExact);
    }
  }
}

/**
 * The terms of an `or`, with those on the values of one multi-valued attribute of the document
 * gathered (in the order each group first appears); without `columns` every term stays alone.
 */
function elementGroups(
  filters: readonly QueryFilter[],
  columns: ReadonlySet<string> | undefined,
): QueryFilter[][] {
  const out: QueryFilter[][] = [];
  const byAttribute = new Map<string, ElementTerm[]>();
  for (const f of filters) {
    if (columns === undefined || !isElementTerm(f, columns)) {
      out.push([f]);
      continue;
    }
    const top = f.path.parent ?? f.path.definition;
    const key = `${f.path.urn ?? ''}\u0000${f.path.attribute}`;
    const group = byAttribute.get(key);
    const head = group?.[0];
    if (group !== undefined && head !== undefined && (head.path.parent ?? head.path.definition) === top) {
      group.push(f);
    } else {
      const fresh = [f];
      byAttribute.set(key, fresh);
      out.push(fresh);
    }
  }
  return out;
}

/**
 * Whether a term tests the values of a multi-valued attribute of the document (`emails.value co`,
 * `emails[...]`, `tags eq`), one element at a time (not a multi-valued sub-attribute of one).
 */
function isElementTerm(f: QueryFilter, columns: ReadonlySet<string>): f is ElementTerm {
  if (f.kind !== 'compare' && f.kind !== 'present' && f.kind !== 'valuePath') return false;
  const top = f.path.parent ?? f.path.definition;
  if (!top.multiValued) return false;
  if (f.kind !== 'valuePath' && f.path.subAttribute !== undefined && f.path.definition.multiValued)
    return false;
  return f.path.urn !== undefined || !columns.has(f.path.attribute);
}

/** Compiles filters and sort orders for one list query. @internal */
export class SqlCompiler {
  private readonly d: Dialect;
  private readonly p: Params;
  private readonly reference: string | undefined;
  private readonly scope: CompilerOptions;
  private aliases = 0;
  private parts: { sort: StoreSort; value: SortParts | undefined } | undefined;

  /**
   * @param dialect - SQLite or PostgreSQL
   * @param params - where the values go
   * @param options - the reference attribute, whether memberships exist, the scope's placeholders
   */
  constructor(dialect: Dialect, params: Params, options: CompilerOptions = {}) {
    this.d = dialect;
    this.p = params;
    this.reference = options.reference;
    this.scope = options;
  }

  /** The attributes read from columns and tables where `ctx` is (none inside a value path). */
  private columns(ctx: Ctx | undefined): ReadonlySet<string> | undefined {
    if (ctx === undefined) {
      const out = new Set(['id', 'meta']);
      if (this.reference !== undefined) out.add(this.reference);
      if (this.scope.memberships === true) out.add('groups');
      return out;
    }
    return 'json' in ctx ? new Set() : undefined;
  }

  private alias(prefix: string): string {
    this.aliases += 1;
    return `${prefix}${this.aliases}`;
  }

  /**
   * Whether the last filter compiled is a list of ids (`id eq a or id eq b ...`), which the
   * `(tenant, id)` key answers better than the `(tenant, resource_type)` index.
   */
  byIds = false;

  /** The SQL condition for a filter on the row `r`. */
  filter(f: QueryFilter): string {
    if (f.kind === 'or' && idList(f.filters) !== undefined) this.byIds = true;
    return this.node(f, undefined, false);
  }

  /**
   * @param f - the filter
   * @param ctx - the element of a value path the filter's paths are relative to, if any
   * @param twoValued - whether the result must be TRUE or FALSE, never NULL (under `not`)
   */
  private node(f: QueryFilter, ctx: Ctx | undefined, twoValued: boolean): string {
    switch (f.kind) {
      case 'and':
        return f.filters.length === 0
          ? TRUE
          : balanced(
              f.filters.map((c) => this.node(c, ctx, twoValued)),
              'AND',
            );
      case 'or': {
        if (f.filters.length === 0) return FALSE;
        const ids = ctx === undefined ? idList(f.filters) : undefined;
        // `id eq a or id eq b ...` (a member-existence check): one IN list the (tenant, id) key serves.
        if (ids !== undefined) return `r.id IN (${ids.map((v) => this.p.text(v)).join(', ')})`;
        const parts: string[] = [];
        const wrap = (sql: string) => (twoValued ? `COALESCE(${sql}, FALSE)` : sql);
        const columns = this.columns(ctx);
        const singles: QueryFilter[] = [];
        for (const group of eqGroups(f.filters, columns)) {
          const first = group[0] as QueryFilter;
          if (group.length === 1) singles.push(first);
          else {
            // `userName eq "a" or userName eq "b" ...`: one IN list, not a chain of comparisons.
            const values = group.map((c) => (c as { value: string }).value);
            parts.push(wrap(this.leaf(first as Extract<QueryFilter, { kind: 'compare' }>, ctx, values)));
          }
        }
        for (const group of elementGroups(singles, ctx === undefined ? columns : undefined)) {
          if (group.length === 1) parts.push(this.node(group[0] as QueryFilter, ctx, twoValued));
          else parts.push(wrap(this.elementGroup(group as ElementTerm[])));
        }
        return balanced(parts, 'OR');
      }
      case 'not':
        return `(NOT ${this.node(f.filter, ctx, true)})`;
      case 'compare':
      case 'present':
      case 'valuePath': {
        const sql = this.leaf(f, ctx);
        return twoValued ? `COALESCE(${sql}, FALSE)` : sql;
      }
    }
  }

  /**
   * @param f - a comparison, presence test or value path
   * @param ctx - the element of a value path the filter's paths are relative to, if any
   * @param values - for an `eq` comparison: every value it may equal (an `or` of `eq`s)
   */
  private leaf(
    f: Extract<QueryFilter, { kind: 'compare' | 'present' | 'valuePath' }>,
    ctx: Ctx | undefined,
    values?: readonly string[],
  ): string {
    const path = f.path;
    const raw = needsRaw(f);
    const test = (node: JsonNode, def: AttributeDefinition): string => this.test(f, node, def, values);
    if (ctx !== undefined) {
      if ('member' in ctx) return this.memberLeaf(f, ctx.member, ctx.reverse);
      return this.valuesAt(this.d.child(ctx.json, path.attribute), path.definition, test, raw);
    }
    if (path.urn === undefined) {
      if (path.attribute === 'id') return this.column(f, 'r.id', path.definition);
      if (path.attribute === 'meta') return this.meta(f, path);
      if (path.attribute === this.reference) return this.members(f, path, false);
      if (path.attribute === 'groups' && this.scope.memberships === true) return this.members(f, path, true);
    }
    let node = this.d.root();
    if (path.urn !== undefined) node = this.d.child(node, path.urn);
    node = this.d.child(node, path.attribute);
    if (path.subAttribute === undefined || path.parent === undefined) {
      const exact = this.valuesAt(node, path.definition, test, raw);
      if (f.kind !== 'valuePath') return exact;
      // emails[type eq "work" and value eq "x"]: the value's lookup narrows the rows first.
      const parts = f.filter.kind === 'and' ? f.filter.filters : [f.filter];
      for (const part of parts) {
        if (part.kind !== 'compare' || part.path.attribute !== 'value') continue;
        const lookup = this.lookup(part, {
          ...part.path,
          urn: path.urn,
          attribute: path.attribute,
          subAttribute: 'value',
          parent: path.definition,
        } as QueryPath);
        if (lookup !== undefined) return `(${lookup} AND ${exact})`;
      }
      return exact;
    }
    const sub = path.subAttribute;
    const exact = this.valuesAt(
      node,
      path.parent,
      (el) => this.valuesAt(this.d.child(el, sub), path.definition, test, raw),
      raw,
    );
    const lookup = this.lookup(f, path, values);
    return lookup === undefined ? exact : `(${lookup} AND ${exact})`;
  }

  /** A comparison, presence test or value path on the value at `node`. */
  private test(
    f: Extract<QueryFilter, { kind: 'compare' | 'present' | 'valuePath' }>,
    node: JsonNode,
    def: AttributeDefinition,
    values?: readonly string[],
  ): string {
    if (f.kind === 'compare') return this.compare(node, def, f.op, f.value, values);
    if (f.kind === 'present') return this.present(node, def);
    return `(${this.d.is(node, 'raw', 'object')} AND ${this.node(f.filter, { json: node }, false)})`;
  }

  /**
   * Terms of an `or` on the values of one multi-valued attribute (`emails.value co "a" or
   * emails.type eq "b" or emails[...]`): one pass over the elements, each tested against every
   * term, instead of one pass per term. (Some element matches one term, or some element matches
   * another, exactly when some element matches one or the other.)
   */
  private elementGroup(filters: readonly ElementTerm[]): string {
    const first = filters[0] as ElementTerm;
    let node = this.d.root();
    if (first.path.urn !== undefined) node = this.d.child(node, first.path.urn);
    node = this.d.child(node, first.path.attribute);
    const top = first.path.parent ?? first.path.definition;
    const scalar = { ...top, multiValued: false };
    const raw = filters.some(needsRaw);
    return this.d.someElement(
      node,
      this.alias('e'),
      (el) => {
        const parts: string[] = [];
        for (const group of eqGroups(filters, new Set())) {
          const f = group[0] as ElementTerm;
          const values = group.length > 1 ? group.map((c) => (c as { value: string }).value) : undefined;
          const sub = f.path.subAttribute;
          if (sub === undefined || f.path.parent === undefined) parts.push(this.test(f, el, scalar, values));
          else {
            parts.push(
              this.valuesAt(
                this.d.child(el, sub),
                f.path.definition,
                (n, d) => this.test(f, n, d, values),
                raw,
              ),
            );
          }
        }
        return balanced(parts, 'OR');
      },
      raw,
    );
  }

  /**
   * For `attr.value eq "x"` on a multi-valued complex attribute: a condition every match meets
   * that an index answers (SQLite: the `resource_values` table; PostgreSQL: GIN containment on the
   * search document), put before the exact test so that the database looks up instead of scanning.
   */
  private lookup(f: QueryFilter, path: QueryPath, values?: readonly string[]): string | undefined {
    if (f.kind !== 'compare' || f.op !== 'eq' || typeof f.value !== 'string') return undefined;
    if (path.urn !== undefined || path.subAttribute !== 'value' || path.parent === undefined)
      return undefined;
    if (!path.parent.multiValued || path.parent.type !== 'complex' || path.definition.multiValued)
      return undefined;
    if (!isText(path.definition)) return undefined;
    const folded = (values ?? [f.value]).map(foldCase);
    if (this.d.postgres) {
      checkKey(path.attribute);
      const each = folded.map((value) => {
        this.p.values.push(JSON.stringify({ [path.attribute]: [{ value }] }));
        return `r.search @> $${this.p.values.length}::jsonb`;
      });
      return each.length === 1 ? (each[0] as string) : `(${each.join(' OR ')})`;
    }
    if (this.scope.tenant === undefined || this.scope.resourceType === undefined) return undefined;
    // By `seq`, so that SQLite looks each match up by (tenant, resource_type, seq) instead of
    // scanning the tenant's resources and testing their ids against the list.
    const list = folded.map((v) => this.p.text(v));
    const match = list.length === 1 ? `v.value = ${list[0]}` : `v.value IN (${list.join(', ')})`;
    return `r.seq IN (SELECT vr.seq FROM resource_values AS v JOIN resources AS vr ON vr.tenant = v.tenant AND vr.id = v.id WHERE v.tenant = ${this.scope.tenant} AND v.resource_type = ${this.scope.resourceType} AND v.attribute = ${this.p.text(path.attribute)} AND ${match})`;
  }

  /**
   * Runs `test` on the value at `node`, or on each element when the attribute is multi-valued
   * (`raw`: the test reads case-exact text or dateTimes).
   */
  private valuesAt(
    node: JsonNode,
    def: AttributeDefinition,
    test: (node: JsonNode, def: AttributeDefinition) => string,
    raw: boolean,
  ): string {
    if (!def.multiValued) return test(node, def);
    const scalar = { ...def, multiValued: false };
    return this.d.someElement(node, this.alias('e'), (el) => test(el, scalar), raw);
  }

  private present(node: JsonNode, def: AttributeDefinition): string {
    if (def.type === 'complex') return this.d.deepPresent(node);
    // Whether a string is empty is the same in both copies.
    const t = this.d.text(node, 'either');
    return `((${this.d.is(node, 'either', 'string')} AND ${t} <> '') OR ${this.d.is(node, 'either', 'number')} OR ${this.d.is(node, 'either', 'boolean')})`;
  }

  private compare(
    node: JsonNode,
    def: AttributeDefinition,
    op: ComparisonOperator,
    value: unknown,
    values?: readonly string[],
  ): string {
    const sqlOp = SQL_OP[op];
    switch (def.type) {
      case 'boolean': {
        if (typeof value !== 'boolean' || (op !== 'eq' && op !== 'ne')) return FALSE;
        return this.d.isBoolean(node, op === 'eq' ? value : !value);
      }
      case 'integer':
      case 'decimal':
        if (typeof value !== 'number' || sqlOp === undefined) return FALSE;
        return this.d.numberCompare(node, sqlOp, this.p.json(value));
      case 'dateTime': {
        if (typeof value !== 'string' || sqlOp === undefined) return FALSE;
        const t = this.d.text(node, 'raw');
        return `(${this.d.is(node, 'raw', 'string')} AND ${this.instantCompare(t, sqlOp, value)})`;
      }
      default: {
        if (typeof value !== 'string') return FALSE;
        const doc: Doc = def.caseExact ? 'raw' : 'search';
        const fold = (x: string) => (def.caseExact ? x : foldCase(x));
        const text = this.d.text(node, doc);
        const key = this.sortIndexKey(node, doc);
        const ordered = key ?? this.d.order(text);
        const guard =
          key !== undefined && KEY_ANSWERS.has(op) ? '' : `${this.d.is(node, doc, 'string')} AND `;
        if (values !== undefined && op === 'eq') {
          const list = this.d.list(
            ordered,
            values.map((x) => this.p.text(fold(x))),
          );
          return `(${guard}${list})`;
        }
        return `(${guard}${this.textOp(text, ordered, op, fold(value))})`;
      }
    }
  }

  /** A dateTime comparison: as text for `toISOString` values, as instants for the others. */
  private instantCompare(t: string, sqlOp: string, iso: string): string {
    const at = Date.parse(iso);
    return `(CASE WHEN ${isUtcIso(t)} THEN ${t} ${sqlOp} ${this.p.text(iso)} ELSE ${this.d.instant(t)} ${sqlOp} ${this.p.number(at)} END)`;
  }

  /**
   * SQLite: the key of the sort index on an attribute (`sort-indexes.ts`: its text where it is a
   * string, else an empty BLOB), or `undefined` when no sort index has it. Where the attribute is a
   * string, as every comparison here first tests, the key is its text: so `userName eq`, `gt` and
   * the like read the sort index, and the attribute needs no index of its own.
   */
  private sortIndexKey(node: JsonNode, doc: Doc): string | undefined {
    if (this.d.postgres) return undefined;
    const key = this.textSortKey(node, doc);
    return hasSortIndex(key, false) ? key : undefined;
  }

  /**
   * A text attribute's sort key: its text where it is a string, else (SQLite) an empty BLOB, which
   * sorts after every text and equals the other missing ones, as RFC 7644 section 3.4.2.3 places
   * missing values: last ascending, first descending; PostgreSQL keeps NULL (its indexes declare
   * where NULLs go).
   */
  private textSortKey(node: JsonNode, doc: Doc): string {
    const missing = this.d.postgres ? ' END' : ` ${MISSING_TEXT}`;
    return `CASE WHEN ${this.d.is(node, doc, 'string')} THEN ${this.d.order(this.d.text(node, doc))}${missing}`;
  }

  /** A text test: `ordered` (the text as ordered, or its sort index's key) for `eq` to `le`. */
  private textOp(t: string, ordered: string, op: ComparisonOperator, v: string): string {
    const sqlOp = SQL_OP[op];
    if (sqlOp !== undefined) return `${ordered} ${sqlOp} ${this.p.text(v)}`;
    if (v === '') return `${t} IS NOT NULL`;
    const length = [...v].length;
    switch (op) {
      case 'co':
        return this.d.contains(t, this.p.text(v));
      case 'sw':
        return this.d.startsWith(t, this.p.text(v), this.p.int(length));
      default:
        return this.d.endsWith(t, this.p.text(v), this.p.int(length));
    }
  }

  /** A test on a text column (always present). */
  private column(f: QueryFilter, column: string, def: AttributeDefinition): string {
    if (f.kind === 'present') return TRUE;
    if (f.kind !== 'compare') return FALSE;
    if (def.type === 'dateTime') {
      const sqlOp = SQL_OP[f.op];
      if (typeof f.value !== 'string' || sqlOp === undefined) return FALSE;
      return `${this.d.order(column)} ${sqlOp} ${this.p.text(f.value)}`;
    }
    if (typeof f.value !== 'string') return FALSE;
    if (def.caseExact) return this.textOp(column, this.d.order(column), f.op, f.value);
    const lowered = this.d.lower(column);
    return this.textOp(lowered, this.d.order(lowered), f.op, foldCase(f.value));
  }

  private meta(f: QueryFilter & { path: QueryPath }, path: QueryPath): string {
    if (f.kind === 'valuePath') return FALSE;
    switch (path.subAttribute) {
      case undefined:
        return f.kind === 'present' ? TRUE : FALSE;
      case 'created':
        return this.column(f, 'r.created', path.definition);
      case 'lastModified':
        return this.column(f, 'r.last_modified', path.definition);
      case 'resourceType':
        return this.column(f, 'r.resource_type', path.definition);
      case 'version':
        return this.column(f, `('W/"' || CAST(r.version AS TEXT) || '"')`, path.definition);
      default:
        // meta.location is the handler's (from the base URL).
        return f.kind === 'present' ? TRUE : FALSE;
    }
  }

  /**
   * A test on the reference attribute (`members`), through the membership table; `reverse` for a
   * member's `groups` (`value` the group's id, `type` "direct", `display` the group's name).
   */
  private members(f: QueryFilter & { path: QueryPath }, path: QueryPath, reverse: boolean): string {
    const m = this.alias('m');
    const [self, other] = reverse ? ['member_id', 'group_id'] : ['group_id', 'member_id'];
    const exists = (cond: string) =>
      `EXISTS (SELECT 1 FROM ${this.d.table('members')} AS ${m} LEFT JOIN ${this.d.table('resources')} AS ${m}r ON ${m}r.tenant = ${m}.tenant AND ${m}r.id = ${m}.${other} WHERE ${m}.tenant = r.tenant AND ${m}.${self} = r.id AND ${cond})`;
    if (f.kind === 'valuePath') return exists(this.node(f.filter, { member: m, reverse }, false));
    if (path.subAttribute === undefined) return f.kind === 'present' ? exists(TRUE) : FALSE;
    return exists(this.memberLeaf(f, m, reverse, path.subAttribute, path.definition));
  }

  private memberLeaf(
    f: QueryFilter & { path: QueryPath },
    m: string,
    reverse: boolean,
    sub: string = f.path.attribute,
    def: AttributeDefinition = f.path.definition,
  ): string {
    if (f.kind === 'valuePath') return FALSE;
    switch (sub) {
      case 'value':
        return this.column(f, `${m}.${reverse ? 'group_id' : 'member_id'}`, def);
      case 'type':
        return this.column(f, reverse ? `'direct'` : `${m}r.resource_type`, def);
      case 'display': {
        const member: JsonNode = this.memberNode(m, reverse);
        if (f.kind === 'present') return this.present(member, def);
        if (f.kind !== 'compare') return FALSE;
        return this.compare(member, def, f.op, f.value);
      }
      default:
        return FALSE;
    }
  }

  /**
   * The member's display as a JSON node: the label the client sent with the membership (not for
   * `reverse`, a group's name), else its `displayName`, else its `userName`.
   */
  private memberNode(m: string, reverse: boolean): JsonNode {
    if (this.d.postgres) {
      const pick = (col: string, label: string) =>
        `COALESCE(${reverse ? '' : `to_jsonb(${m}.${label}), `}NULLIF(${m}r.${col} -> 'displayName', 'null'::jsonb), ${m}r.${col} -> 'userName')`;
      return {
        raw: { base: pick('data', 'display'), keys: [] },
        search: { base: pick('search', 'display_search'), keys: [] },
      };
    }
    const pick = (col: string, label: string) =>
      `json_object('d', COALESCE(${reverse ? '' : `${m}.${label}, `}json_extract(${m}r.${col}, '$.displayName'), json_extract(${m}r.${col}, '$.userName')))`;
    return { sqlite: `'$.d'`, data: pick('data', 'display'), search: pick('search', 'display_search') };
  }

  /**
   * `ORDER BY` terms for a sort (missing values last ascending, first descending; ties by creation,
   * in the sort's direction: a descending order is the ascending one reversed, so that one index
   * read backwards serves it; see `sort-indexes.ts`).
   */
  sort(sort: StoreSort | undefined): string {
    const k = this.sortParts(sort);
    if (k === undefined) return 'r.seq';
    const dir = k.descending ? 'DESC' : 'ASC';
    const seq = k.descending ? 'r.seq DESC' : 'r.seq';
    switch (k.kind) {
      // Never NULL (a column, SQLite's text keys): no NULLS clause, which SQLite's indexes cannot serve.
      case 'total':
        return `${k.key} ${dir}, ${seq}`;
      // PostgreSQL text: missing values by a flag, then a prefix of bounded size (a B-tree entry
      // holds at most ~2.7 kB, so the sort indexes hold the prefix), then the whole value.
      case 'prefixed':
        return `(${k.key} IS NULL) ${dir}, ${postgresPrefix(k.key)} ${dir}, ${k.key} ${dir}, ${seq}`;
      // The key once (not again for `IS NULL`): on a multi-valued attribute it is a subquery per row.
      default:
        return `${k.key} ${dir} ${k.descending ? 'NULLS FIRST' : 'NULLS LAST'}, ${seq}`;
    }
  }

  /** The sort key of a row, selected as a column for the position of a page's last row. */
  sortColumn(sort: StoreSort | undefined): string {
    return this.sortParts(sort)?.key ?? 'NULL';
  }

  /**
   * The rows after a position in the sort's order (keyset paging): a range of the sort index where
   * there is one, so that a page after any position costs what the first page does.
   */
  after(sort: StoreSort | undefined, position: ListPosition): string {
    const seq = this.p.count(position.seq);
    const k = this.sortParts(sort);
    if (k === undefined) return `r.seq > ${seq}`;
    const v = position.key;
    const value = v === null ? undefined : typeof v === 'string' ? this.p.text(v) : this.p.number(Number(v));
    return this.afterKey(k, value, seq);
  }

  /**
   * {@link after} of a position given as SQL (columns of another row, for `sql/ladder.ts`): `key`
   * is its sort key's expression, `undefined` when the key is missing (SQLite's empty BLOB of a
   * missing text key is a value, not missing).
   */
  afterRow(sort: StoreSort | undefined, key: string | undefined, seq: string): string {
    const k = this.sortParts(sort);
    return k === undefined ? `r.seq > ${seq}` : this.afterKey(k, key, seq);
  }

  /**
   * For a key that is never `NULL` (see {@link sort}): the rows from a key on in the sort's order
   * (`from`, a range of the sort index that starts at the key's first row) and the rows of that key
   * (`tie`), `key` given as SQL; `undefined` for other sorts.
   */
  keyRange(sort: StoreSort | undefined, key: string): { from: string; tie: string } | undefined {
    const k = this.sortParts(sort);
    if (k?.kind !== 'total') return undefined;
    return { from: `${k.key} ${k.descending ? '<' : '>'}= ${key}`, tie: `${k.key} = ${key}` };
  }

  /** Whether a sort's key is missing in some rows as SQL `NULL` (a position's key may be `NULL`). */
  nullableSort(sort: StoreSort | undefined): boolean {
    const kind = this.sortParts(sort)?.kind;
    return kind !== undefined && kind !== 'total';
  }

  private afterKey(k: SortParts, value: string | undefined, seq: string): string {
    const K = k.key;
    const lt = k.descending ? '<' : '>';
    // Ties by creation in the sort's direction (see {@link sort}).
    const later = `r.seq ${lt} ${seq}`;
    if (k.kind === 'total') {
      // SQLite's missing text is an empty BLOB, after every text.
      const at = value ?? `x''`;
      return `(${K} ${lt}= ${at} AND (${K} ${lt} ${at} OR ${later}))`;
    }
    if (k.kind === 'prefixed') {
      const flag = `(${K} IS NULL)`;
      if (value === undefined) {
        return k.descending
          ? `(${flag} = false OR ${later})`
          : `(${flag} = true AND ${postgresPrefix(K)} IS NULL AND ${later})`;
      }
      const range = `(${flag}, ${postgresPrefix(K)}) ${lt}= (false, ${postgresPrefix(value)})`;
      const rest = `${K} ${lt} ${value} OR (${K} = ${value} AND ${later})`;
      return k.descending ? `(${range} AND (${rest}))` : `(${range} AND (${flag} OR ${rest}))`;
    }
    if (value === undefined) {
      return k.descending ? `(${K} IS NOT NULL OR ${later})` : `(${K} IS NULL AND ${later})`;
    }
    const rest = `${K} ${lt} ${value} OR (${K} = ${value} AND ${later})`;
    return k.descending ? `(${rest})` : `(${rest} OR ${K} IS NULL)`;
  }

  /** The sort's key expression and how it orders, once per compiler (aliases stay the same). */
  private sortParts(sort: StoreSort | undefined): SortParts | undefined {
    if (sort === undefined) return undefined;
    if (this.parts?.sort === sort) return this.parts.value;
    const key = this.sortKey(sort.path);
    const kind: SortParts['kind'] =
      key === undefined || NEVER_NULL.has(key) || key.endsWith(MISSING_TEXT)
        ? 'total'
        : this.d.postgres && key.endsWith(POSTGRES_TEXT)
          ? 'prefixed'
          : 'nullable';
    const value = key === undefined ? undefined : { key, kind, descending: sort.descending };
    this.parts = { sort, value };
    return value;
  }

  /**
   * The expression a sort orders by (the sort indexes of both schemas are built on the same
   * text: see `sortIndexes`).
   */
  sortKey(path: QueryPath): string | undefined {
    if (path.urn === undefined) {
      if (path.attribute === 'id') return this.columnKey('r.id', path.definition);
      if (path.attribute === 'meta') {
        if (path.subAttribute === 'created') return 'r.created';
        if (path.subAttribute === 'lastModified') return 'r.last_modified';
        if (path.subAttribute === 'resourceType') return this.columnKey('r.resource_type', path.definition);
        return undefined;
      }
      if (path.attribute === this.reference) return undefined;
    }
    const top = path.parent ?? path.definition;
    let node = this.d.root();
    if (path.urn !== undefined) node = this.d.child(node, path.urn);
    node = this.d.child(node, path.attribute);
    if (top.multiValued) node = this.d.element(node, this.d.primaryIndex(node, this.alias('s')));
    let def = path.definition;
    if (path.subAttribute !== undefined) node = this.d.child(node, path.subAttribute);
    else if (top.type === 'complex') {
      const value = top.subAttributes?.find((s) => s.name === 'value');
      if (value === undefined) return undefined;
      node = this.d.child(node, 'value');
      def = value;
    }
    switch (def.type) {
      case 'integer':
      case 'decimal':
        return this.d.number(node);
      case 'boolean':
        return this.d.boolean(node);
      case 'dateTime': {
        const t = this.d.text(node, 'raw');
        return `CASE WHEN ${this.d.is(node, 'raw', 'string')} THEN ${this.d.instant(t)} END`;
      }
      default: {
        return this.textSortKey(node, def.caseExact ? 'raw' : 'search');
      }
    }
  }

  private columnKey(column: string, def: AttributeDefinition): string {
    return def.caseExact ? this.d.order(column) : this.d.lower(column);
  }
}

/** A sort's key and how it orders (see `SqlCompiler.sort`). */
interface SortParts {
  readonly key: string;
  readonly kind: 'total' | 'prefixed' | 'nullable';
  readonly descending: boolean;
}

/**
 * Where a page ends, for keyset paging: the sort key of its last row (`null` when missing) and the
 * row's creation order. @internal
 */
export interface ListPosition {
  readonly key: string | number | boolean | null;
  readonly seq: number;
}

type Ctx = { readonly json: JsonNode } | { readonly member: string; readonly reverse: boolean };

/** What a {@link SqlCompiler} needs to know besides the filter. @internal */
export interface CompilerOptions {
  /** The resource type's reference attribute (`members`), kept in the membership table. */
  readonly reference?: string | undefined;
  /** Whether some resource type keeps members (then `groups` is read from the membership table). */
  readonly memberships?: boolean;
  /** The placeholder of the tenant (for index-table lookups). */
  readonly tenant?: string;
  /** The placeholder of the resource type (for index-table lookups). */
  readonly resourceType?: string;
}
