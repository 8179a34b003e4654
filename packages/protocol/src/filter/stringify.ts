import { ScimError } from '@scim/schemas';
import type { AttributePath, Filter, FilterValue } from './ast.ts';

const NAME = /^[A-Za-z$][A-Za-z0-9$_-]*$/;
// A URN as the parser reads it: "urn:", then no space, bracket, parenthesis or quote.
const URN_TEXT = /^urn:[^\s[\]()"]*$/i;

/** @internal Checks and writes `[urn ":"] attribute ["." subAttribute]`. */
export function writeAttributePath(path: AttributePath, code: 'invalidFilter' | 'invalidPath'): string {
  const { urn, attribute, subAttribute } = path;
  if (!NAME.test(attribute)) {
    throw new ScimError(
      code,
      `cannot write the attribute name ${JSON.stringify(attribute)}: names are a letter then letters, digits, "-" or "_"`,
    );
  }
  let out = attribute;
  if (subAttribute !== undefined) {
    if (!NAME.test(subAttribute)) {
      throw new ScimError(
        code,
        `cannot write the sub-attribute name ${JSON.stringify(subAttribute)}: names are a letter then letters, digits, "-" or "_"`,
      );
    }
    out += `.${subAttribute}`;
  }
  if (urn !== undefined) {
    if (!URN_TEXT.test(urn)) {
      throw new ScimError(
        code,
        `cannot write the schema URN ${JSON.stringify(urn)}: it must start with "urn:" and hold no space, bracket, parenthesis or quote`,
      );
    }
    out = `${urn}:${out}`;
  }
  return out;
}

function writeValue(value: FilterValue): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new ScimError(
        'invalidFilter',
        `cannot write the number ${value} in a filter: use a finite number`,
      );
    }
    return Object.is(value, -0) ? '-0' : JSON.stringify(value);
  }
  return JSON.stringify(value);
}

function write(f: Filter<AttributePath>, out: string[]): void {
  switch (f.kind) {
    case 'compare':
      out.push(writeAttributePath(f.path, 'invalidFilter'), ' ', f.op, ' ', writeValue(f.value));
      return;
    case 'present':
      out.push(writeAttributePath(f.path, 'invalidFilter'), ' pr');
      return;
    case 'not':
      out.push('not (');
      write(f.filter, out);
      out.push(')');
      return;
    case 'valuePath':
      out.push(
        writeAttributePath(
          f.path.urn === undefined
            ? { attribute: f.path.attribute }
            : { urn: f.path.urn, attribute: f.path.attribute },
          'invalidFilter',
        ),
        '[',
      );
      write(f.filter, out);
      out.push(']');
      return;
    case 'and':
    case 'or': {
      const { filters } = f;
      if (filters.length === 0) {
        throw new ScimError(
          'invalidFilter',
          `cannot write an empty "${f.kind}" (the ${f.kind === 'or' ? 'false' : 'true'} constant of the query form) as filter text`,
        );
      }
      for (let k = 0; k < filters.length; k++) {
        const child = filters[k]!;
        if (k > 0) out.push(f.kind === 'and' ? ' and ' : ' or ');
        // Parentheses where precedence needs them, and around a nested node of the same kind,
        // so that the structure survives a round trip.
        const group =
          filters.length > 1 && (child.kind === f.kind || (f.kind === 'and' && child.kind === 'or'));
        if (group) out.push('(');
        write(child, out);
        if (group) out.push(')');
      }
      return;
    }
  }
}

/**
 * Writes a filter as RFC 7644 section 3.4.2.2 text, so that `parseFilter(stringifyFilter(f))`
 * deep-equals `f` (for any AST whose `and` / `or` nodes have at least two operands). Operators are
 * written lower case, strings as JSON strings, and parentheses only where the structure needs them.
 * A query form ({@link QueryFilter}) is written with its canonical names.
 *
 * @param filter - the filter
 * @returns the filter as text
 * @throws ScimError `invalidFilter` when a name is not a valid ATTRNAME, a number is not finite,
 *   or an `and` / `or` has no operands
 * @example
 * ```ts
 * import { parseFilter, stringifyFilter } from '@scim/protocol';
 * stringifyFilter(parseFilter('UserName EQ "bjensen" AND (title pr OR not (active eq false))'));
 * // 'UserName eq "bjensen" and (title pr or not (active eq false))'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export function stringifyFilter<P extends AttributePath>(filter: Filter<P>): string {
  const out: string[] = [];
  write(filter as Filter<AttributePath>, out);
  return out.join('');
}
