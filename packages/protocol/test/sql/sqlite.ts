// A reference compiler from the query form of a filter (QueryFilter) to parameterized SQLite SQL
// over resources stored as JSON documents, used only by the agreement test. It shows that the query
// form carries what a SQL store needs (canonical names, definitions, typed values, no null
// comparisons, the false constant) and pins down the semantics a store must reproduce. The server's
// stores (a later issue) compile to their own tables; this one keeps a whole resource in one column.
import type { AttributeDefinition } from '@scim/schemas';
import type { ComparisonFilter, QueryFilter, QueryPath } from '../../src/index.ts';

/** SQL text with `?` placeholders and the values to bind, in order. */
export interface CompiledSql {
  readonly sql: string;
  readonly params: (string | number)[];
}

interface Context {
  readonly params: (string | number)[];
  alias: number;
}

/** A JSON path label: `."name"`, quoted so that URNs (with colons) are one label. */
const label = (name: string) => `."${name.replaceAll('"', '\\"')}"`;

/** The JSON path of a top-level attribute (under its extension's URN when it has one). */
const topPath = (p: QueryPath) => `$${p.urn === undefined ? '' : label(p.urn)}${label(p.attribute)}`;

/** A JSON leaf that counts as present: not null, not "", not a container (RFC 7643 section 2.5). */
const presentLeaf = (t: string) =>
  `${t}.type NOT IN ('object', 'array', 'null') AND NOT (${t}.type = 'text' AND ${t}.atom = '')`;

function bind(ctx: Context, value: unknown): string {
  ctx.params.push(typeof value === 'boolean' ? (value ? 1 : 0) : (value as string | number));
  return '?';
}

/** `x op value` for one stored scalar `x`: false (never NULL) when `x` is absent. */
function comparison(x: string, f: ComparisonFilter<QueryPath>, ctx: Context): string {
  const def: AttributeDefinition = f.path.definition;
  const fold = (def.type === 'string' || def.type === 'reference') && !def.caseExact;
  const X = fold ? `lower(${x})` : x;
  // One placeholder per use, bound in the order the template literals below are evaluated,
  // which is the order of the placeholders in the text.
  const V = () => (fold ? `lower(${bind(ctx, f.value)})` : bind(ctx, f.value));
  let test: string;
  switch (f.op) {
    case 'eq':
      test = `${X} = ${V()}`;
      break;
    case 'ne':
      test = `${X} <> ${V()}`;
      break;
    case 'co':
      test = `instr(${X}, ${V()}) > 0`;
      break;
    case 'sw':
      test = `substr(${X}, 1, length(${V()})) = ${V()}`;
      break;
    case 'ew':
      test = `length(${X}) >= length(${V()}) AND substr(${X}, length(${X}) - length(${V()}) + 1) = ${V()}`;
      break;
    case 'gt':
      test = `${X} > ${V()}`;
      break;
    case 'ge':
      test = `${X} >= ${V()}`;
      break;
    case 'lt':
      test = `${X} < ${V()}`;
      break;
    case 'le':
      test = `${X} <= ${V()}`;
      break;
  }
  return `(${x} IS NOT NULL AND ${test})`;
}

function compare(doc: string, f: ComparisonFilter<QueryPath>, inValue: boolean, ctx: Context): string {
  const p = f.path;
  if (inValue) return comparison(`json_extract(${doc}, '$${label(p.attribute)}')`, f, ctx);
  if (p.subAttribute !== undefined && p.parent?.multiValued) {
    const e = `e${ctx.alias++}`;
    const x = `json_extract(${e}.value, '$${label(p.subAttribute)}')`;
    return `EXISTS (SELECT 1 FROM json_each(${doc}, '${topPath(p)}') ${e} WHERE ${e}.type = 'object' AND ${comparison(x, f, ctx)})`;
  }
  if (p.subAttribute === undefined && p.definition.multiValued) {
    const e = `e${ctx.alias++}`;
    return `EXISTS (SELECT 1 FROM json_each(${doc}, '${topPath(p)}') ${e} WHERE ${comparison(`${e}.value`, f, ctx)})`;
  }
  const path = p.subAttribute === undefined ? topPath(p) : `${topPath(p)}${label(p.subAttribute)}`;
  return comparison(`json_extract(${doc}, '${path}')`, f, ctx);
}

function present(doc: string, p: QueryPath, inValue: boolean, ctx: Context): string {
  const t = `t${ctx.alias++}`;
  if (inValue) {
    return `EXISTS (SELECT 1 FROM json_tree(${doc}, '$${label(p.attribute)}') ${t} WHERE ${presentLeaf(t)})`;
  }
  if (p.subAttribute !== undefined && p.parent?.multiValued) {
    const e = `e${ctx.alias++}`;
    const element = `CASE WHEN ${e}.type = 'object' THEN ${e}.value ELSE '{}' END`;
    return `EXISTS (SELECT 1 FROM json_each(${doc}, '${topPath(p)}') ${e}, json_tree(${element}, '$${label(
      p.subAttribute,
    )}') ${t} WHERE ${presentLeaf(t)})`;
  }
  const path = p.subAttribute === undefined ? topPath(p) : `${topPath(p)}${label(p.subAttribute)}`;
  return `EXISTS (SELECT 1 FROM json_tree(${doc}, '${path}') ${t} WHERE ${presentLeaf(t)})`;
}

function compile(f: QueryFilter, doc: string, inValue: boolean, ctx: Context): string {
  switch (f.kind) {
    case 'and':
      return f.filters.length === 0
        ? '1'
        : `(${f.filters.map((c) => compile(c, doc, inValue, ctx)).join(' AND ')})`;
    case 'or':
      return f.filters.length === 0
        ? '0'
        : `(${f.filters.map((c) => compile(c, doc, inValue, ctx)).join(' OR ')})`;
    case 'not':
      return `NOT (${compile(f.filter, doc, inValue, ctx)})`;
    case 'present':
      return present(doc, f.path, inValue, ctx);
    case 'compare':
      return compare(doc, f, inValue, ctx);
    case 'valuePath': {
      const e = `e${ctx.alias++}`;
      const element = `(CASE WHEN ${e}.type = 'object' THEN ${e}.value ELSE '{}' END)`;
      return `EXISTS (SELECT 1 FROM json_each(${doc}, '${topPath(f.path)}') ${e} WHERE ${compile(f.filter, element, true, ctx)})`;
    }
  }
}

/**
 * Compiles a filter's query form to a SQLite `WHERE` condition over a JSON document column.
 *
 * @param filter - the query form, from `normalizeFilter`
 * @param column - the column (or expression) holding the resource as JSON text
 * @returns the condition and its parameters
 */
export function toSqliteWhere(filter: QueryFilter, column: string): CompiledSql {
  const ctx: Context = { params: [], alias: 0 };
  const sql = compile(filter, column, false, ctx);
  return { sql, params: ctx.params };
}
