// The one parser behind parseFilter and parsePath: a scannerless recursive descent over the text
// (RFC 7644 section 3.4.2.2 and 3.5.2 ABNF), reading characters by code, with no token objects.
import { ScimError, type TextPosition } from '@scim/schemas';
import type { AttributePath, ComparisonOperator, Filter, FilterValue } from './ast.ts';
import type { ResolvedFilterOptions } from './options.ts';

/** @internal What the parser is reading, for error codes and messages. */
export interface ParseTarget {
  readonly code: 'invalidFilter' | 'invalidPath';
  readonly label: 'filter' | 'path';
}

/** @internal A PATCH path as the parser returns it (see `PatchPath`). */
export interface ParsedPath extends AttributePath {
  readonly filter?: Filter;
}

const OPERATORS = 'valid operators are eq ne co sw ew gt lt ge le pr';
const OPERATOR_CODES: ReadonlySet<number> = new Set(
  ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le', 'pr'].map(
    (o) => (o.charCodeAt(0) << 8) | o.charCodeAt(1),
  ),
);
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/** @internal Line and column of an offset. */
export function positionOf(text: string, offset: number): TextPosition {
  let line = 1;
  let start = 0;
  for (let k = text.indexOf('\n'); k !== -1 && k < offset; k = text.indexOf('\n', k + 1)) {
    line++;
    start = k + 1;
  }
  return { offset, line, column: offset - start + 1 };
}

/**
 * The UTF-16 offset of the code point after the first `max` code points of `text`, or `undefined`
 * when `text` holds at most `max` code points.
 */
function pastCodePoints(text: string, max: number): number | undefined {
  let offset = 0;
  for (let n = 0; n < max; n++) {
    if (offset >= text.length) return undefined;
    const c = text.charCodeAt(offset);
    const next = text.charCodeAt(offset + 1);
    offset += c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return offset < text.length ? offset : undefined;
}

/** @internal Whether `c` may start an ATTRNAME. */
export function isNameStart(c: number): boolean {
  // ALPHA, and `$` for `$ref` (RFC 7643 section 2.4 names it, though ATTRNAME's ABNF omits it).
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 36;
}

/** @internal Whether `c` may follow in an ATTRNAME. */
export function isNameChar(c: number): boolean {
  // nameChar = "-" / "_" / DIGIT / ALPHA
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 95;
}

/** @internal */
export class Parser {
  private readonly s: string;
  private readonly n: number;
  private i = 0;
  private readonly unquoted: boolean;
  private readonly plus: boolean;
  private readonly maxDepth: number;
  private readonly maxTerms: number;
  /** Comparisons and `pr` tests read so far. */
  private terms = 0;
  private readonly target: ParseTarget;

  constructor(text: string, options: ResolvedFilterOptions, target: ParseTarget) {
    this.s = text;
    this.n = text.length;
    this.unquoted = options.unquotedValues;
    this.plus = options.plusAsSpace;
    this.maxDepth = options.maxDepth;
    this.maxTerms = options.maxTerms;
    this.target = target;
    // Characters are code points, as every length limit of the SDK counts them (a UTF-16 string
    // is never shorter in code points, so only a text longer in units needs counting).
    const over = text.length > options.maxLength ? pastCodePoints(text, options.maxLength) : undefined;
    if (over !== undefined) {
      throw new ScimError(
        target.code,
        `${target.label}: the ${target.label} is ${[...text].length} characters long, more than the ${options.maxLength} accepted; split the query`,
        { position: positionOf(text, over) },
      );
    }
  }

  // ---- entry points ----

  /** FILTER, then the end of the text. */
  filter(): Filter {
    this.ws();
    const f = this.or(0, false);
    this.ws();
    if (this.i < this.n) {
      const c = this.s.charCodeAt(this.i);
      if (c === 41 /* ) */) this.fail('"and", "or" or the end of the filter (this ")" closes nothing)');
      if (c === 93 /* ] */) this.fail('"and", "or" or the end of the filter (this "]" closes nothing)');
      this.fail('"and", "or" or the end of the filter');
    }
    return f;
  }

  /** PATH = attrPath / valuePath [subAttr], then the end of the text. */
  path(): ParsedPath {
    this.ws();
    const p = this.attrPath();
    let result: ParsedPath = p;
    if (this.s.charCodeAt(this.i) === 91 /* [ */) {
      if (p.subAttribute !== undefined) {
        this.failAt(
          this.i,
          `"[" only after an attribute name, not after the sub-attribute "${p.subAttribute}"`,
        );
      }
      this.i++;
      const inner = this.or(1, true);
      this.ws();
      this.expectChar(93, '"]" to close the value filter');
      const filtered: { urn?: string; attribute: string; subAttribute?: string; filter: Filter } = {
        attribute: p.attribute,
        filter: inner,
      };
      if (p.urn !== undefined) filtered.urn = p.urn;
      if (this.s.charCodeAt(this.i) === 46 /* . */) {
        this.i++;
        filtered.subAttribute = this.name();
        if (filtered.subAttribute === '') this.fail('a sub-attribute name after "]."');
      }
      result = filtered;
    }
    this.ws();
    if (this.i < this.n) this.fail('the end of the path');
    return result;
  }

  // ---- grammar ----

  private or(depth: number, inValue: boolean): Filter {
    if (depth > this.maxDepth) {
      this.fail(`at most ${this.maxDepth} levels of nesting; simplify the ${this.target.label}`);
    }
    const first = this.and(depth, inValue);
    if (!this.keyword('or')) return first;
    const filters = [first];
    do filters.push(this.and(depth, inValue));
    while (this.keyword('or'));
    return { kind: 'or', filters };
  }

  private and(depth: number, inValue: boolean): Filter {
    const first = this.unary(depth, inValue);
    if (!this.keyword('and')) return first;
    const filters = [first];
    do filters.push(this.unary(depth, inValue));
    while (this.keyword('and'));
    return { kind: 'and', filters };
  }

  private unary(depth: number, inValue: boolean): Filter {
    this.ws();
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (c === 40 /* ( */) {
      this.i++;
      const f = this.or(depth + 1, inValue);
      this.ws();
      this.expectChar(41, '")" to close the group');
      return f;
    }
    if (
      (c | 32) === 110 &&
      (s.charCodeAt(this.i + 1) | 32) === 111 &&
      (s.charCodeAt(this.i + 2) | 32) === 116
    ) {
      // "not" "(" FILTER ")": "not" followed by an attribute name char is an attribute (notes).
      const after = s.charCodeAt(this.i + 3);
      if (!isNameChar(after) && after !== 46 && after !== 91 && after !== 58) {
        const save = this.i;
        this.i += 3;
        this.ws();
        if (s.charCodeAt(this.i) === 40) {
          this.i++;
          const f = this.or(depth + 1, inValue);
          this.ws();
          this.expectChar(41, '")" to close "not ("');
          return { kind: 'not', filter: f };
        }
        // `not eq "x"` and `not pr` compare an attribute named "not"; anything else lacks "(".
        if (!this.operatorAhead()) this.fail('"(" after "not", as in not (title pr)');
        this.i = save;
      }
    }
    return this.attrExp(depth, inValue);
  }

  private attrExp(depth: number, inValue: boolean): Filter {
    const start = this.i;
    const path = this.attrPath();
    if (this.s.charCodeAt(this.i) === 91 /* [ */) {
      if (inValue) this.failAt(this.i, 'an operator: value filters ("[...]") cannot nest');
      if (path.subAttribute !== undefined) {
        this.failAt(
          this.i,
          `"[" only after an attribute name, not after the sub-attribute "${path.subAttribute}"`,
        );
      }
      this.i++;
      const inner = this.or(depth + 1, true);
      this.ws();
      this.expectChar(93, '"]" to close the value filter');
      if (this.s.charCodeAt(this.i) === 46 /* . */) {
        // attr[filter].sub op value  ==  attr[filter and sub op value]
        this.i++;
        const sub = this.name();
        if (sub === '') this.fail('a sub-attribute name after "]."');
        const test = this.test({ attribute: sub }, start);
        const filters = inner.kind === 'and' ? [...inner.filters, test] : [inner, test];
        return { kind: 'valuePath', path, filter: { kind: 'and', filters } };
      }
      return { kind: 'valuePath', path, filter: inner };
    }
    return this.test(path, start);
  }

  /** compareOp compValue, or "pr", after an attribute path. */
  private test(path: AttributePath, start: number): Filter {
    const s = this.s;
    if (++this.terms > this.maxTerms) {
      throw new ScimError(
        this.target.code,
        `${this.target.label}: more than ${this.maxTerms} comparisons, the most one ${this.target.label} may hold; split it into several requests`,
        { position: positionOf(s, start), token: s.slice(start, this.i) },
      );
    }
    const before = this.i;
    this.ws();
    if (this.i === before || this.i >= this.n) {
      this.fail(`a space and a comparison operator after "${s.slice(start, before)}"`, OPERATORS);
    }
    const a = s.charCodeAt(this.i) | 32;
    const b = s.charCodeAt(this.i + 1) | 32;
    const after = s.charCodeAt(this.i + 2);
    let op: ComparisonOperator | 'pr' | undefined;
    if (!(after >= 0) || !isNameChar(after)) {
      // biome-ignore format: a table reads better
      switch ((a << 8) | b) {
        case 0x6571: op = 'eq'; break;
        case 0x6e65: op = 'ne'; break;
        case 0x636f: op = 'co'; break;
        case 0x7377: op = 'sw'; break;
        case 0x6577: op = 'ew'; break;
        case 0x6774: op = 'gt'; break;
        case 0x6c74: op = 'lt'; break;
        case 0x6765: op = 'ge'; break;
        case 0x6c65: op = 'le'; break;
        case 0x7072: op = 'pr'; break;
      }
    }
    if (op === undefined) this.fail(`a comparison operator after "${s.slice(start, before)}"`, OPERATORS);
    this.i += 2;
    if (op === 'pr') return { kind: 'present', path };
    const opEnd = this.i;
    this.ws();
    if (this.i === opEnd && this.s.charCodeAt(this.i) !== 34) {
      this.fail(`a space and a value after "${op}"`);
    }
    return { kind: 'compare', path, op, value: this.value(op) };
  }

  /** attrPath = [URI ":"] ATTRNAME *1subAttr */
  private attrPath(): AttributePath {
    const s = this.s;
    const start = this.i;
    if (
      (s.charCodeAt(start) | 32) === 117 &&
      (s.charCodeAt(start + 1) | 32) === 114 &&
      (s.charCodeAt(start + 2) | 32) === 110 &&
      s.charCodeAt(start + 3) === 58
    ) {
      // A URN runs to a space, bracket, parenthesis or quote; ATTRNAME has no ":", so the
      // attribute starts after the last ":".
      let j = start + 4;
      const plus = this.plus;
      for (; j < this.n; j++) {
        const c = s.charCodeAt(j);
        if (c > 93) continue; // lower-case letters, the most frequent characters
        if (c <= 32 || c === 91 || c === 93 || c === 40 || c === 41 || c === 34 || (c === 43 && plus)) break;
      }
      let lastColon = j - 1;
      while (s.charCodeAt(lastColon) !== 58) lastColon--;
      const urn = s.slice(start, lastColon);
      if (lastColon === start + 3 || lastColon + 1 >= j) {
        this.failAt(lastColon + 1, `an attribute name after the schema URN "${urn}:"`);
      }
      this.i = lastColon + 1;
      const attribute = this.name();
      if (attribute === '') this.fail(`an attribute name after the schema URN "${urn}:"`);
      if (s.charCodeAt(this.i) === 46) {
        this.i++;
        const subAttribute = this.name();
        if (subAttribute === '') this.fail(`a sub-attribute name after "${attribute}."`);
        return { urn, attribute, subAttribute };
      }
      return { urn, attribute };
    }
    const attribute = this.name();
    if (attribute === '') this.fail('an attribute name');
    if (s.charCodeAt(this.i) === 46 /* . */) {
      this.i++;
      const subAttribute = this.name();
      if (subAttribute === '') this.fail(`a sub-attribute name after "${attribute}."`);
      return { attribute, subAttribute };
    }
    return { attribute };
  }

  /** ATTRNAME = ALPHA *(nameChar) at the cursor, or "" (cursor unmoved) when there is none. */
  private name(): string {
    const s = this.s;
    const start = this.i;
    if (!isNameStart(s.charCodeAt(start))) return '';
    let j = start + 1;
    while (j < this.n && isNameChar(s.charCodeAt(j))) j++;
    this.i = j;
    return s.slice(start, j);
  }

  /** compValue = false / null / true / number / string, and unquoted words when allowed. */
  private value(op: string): FilterValue {
    const s = this.s;
    const start = this.i;
    if (s.charCodeAt(start) === 34) return this.string();
    let j = start;
    for (; j < this.n; j++) {
      const c = s.charCodeAt(j);
      if (c <= 32 || c === 41 || c === 93 || c === 34 || c === 40 || c === 91) break;
      // `+` as a space ends the value, except before a digit: `+02:00` in a dateTime, `1E+3`.
      if (c === 43 && this.plus && !(s.charCodeAt(j + 1) >= 48 && s.charCodeAt(j + 1) <= 57)) break;
    }
    const word = s.slice(start, j);
    if (word.length === 0) {
      this.fail(`a value after "${op}" (a quoted string, a number, true, false or null)`);
    }
    let value: FilterValue | undefined;
    const lower = word.length <= 5 ? word.toLowerCase() : '';
    if (lower === 'true') value = true;
    else if (lower === 'false') value = false;
    else if (lower === 'null') value = null;
    else if (NUMBER.test(word)) {
      const x = Number(word);
      if (!Number.isFinite(x)) this.fail(`a number within the range of a double after "${op}"`);
      value = x;
    } else if (this.unquoted) value = word;
    else {
      this.fail(
        `a value after "${op}" (a quoted string, a number, true, false or null)`,
        `put text in double quotes: ${JSON.stringify(word)}`,
      );
    }
    this.i = j;
    return value as FilterValue;
  }

  /** A JSON string, from its opening quote. */
  private string(): string {
    const s = this.s;
    const open = this.i;
    let j = open + 1;
    let out = '';
    let from = j;
    // The next quote and backslash at or after j, searched again only once passed (linear time).
    let q = -2;
    let bs = -2;
    for (;;) {
      if (q !== -1 && q < j) q = s.indexOf('"', j);
      if (bs !== -1 && bs < j) bs = s.indexOf('\\', j);
      if (q === -1) {
        this.failAt(
          this.n,
          `a closing double quote for the string opened at column ${positionOf(s, open).column}`,
        );
      }
      if (bs === -1 || q < bs) {
        out += s.slice(from, q);
        this.i = q + 1;
        return out;
      }
      out += s.slice(from, bs);
      const e = s.charCodeAt(bs + 1);
      j = bs + 2;
      // biome-ignore format: a table reads better
      switch (e) {
        case 34: out += '"'; break;
        case 92: out += '\\'; break;
        case 47: out += '/'; break;
        case 98: out += '\b'; break;
        case 102: out += '\f'; break;
        case 110: out += '\n'; break;
        case 114: out += '\r'; break;
        case 116: out += '\t'; break;
        case 117: {
          const hex = s.slice(bs + 2, bs + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.failAt(bs, 'four hex digits after "\\u"');
          out += String.fromCharCode(Number.parseInt(hex, 16));
          j = bs + 6;
          break;
        }
        default:
          this.failAt(bs, 'an escape: \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX');
      }
      from = j;
    }
  }

  // ---- lexical helpers ----

  /** Skips whitespace (and `+` when it stands for a space). */
  private ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13 || (c === 43 && this.plus)) i++;
      else break;
    }
    this.i = i;
  }

  /**
   * Consumes `and` (or `or`), in any case, after optional spaces, when a space, "(" or the end
   * follows it (at the end, the next step reports the missing operand).
   */
  private keyword(word: 'and' | 'or'): boolean {
    const save = this.i;
    this.ws();
    const s = this.s;
    const i = this.i;
    const len = word.length;
    const matched =
      word === 'and'
        ? (s.charCodeAt(i) | 32) === 97 &&
          (s.charCodeAt(i + 1) | 32) === 110 &&
          (s.charCodeAt(i + 2) | 32) === 100
        : (s.charCodeAt(i) | 32) === 111 && (s.charCodeAt(i + 1) | 32) === 114;
    if (matched) {
      const c = s.charCodeAt(i + len);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 40 || !(c >= 0) || (c === 43 && this.plus)) {
        this.i = i + len;
        return true;
      }
    }
    this.i = save;
    return false;
  }

  /** Whether the next word is a comparison operator (or `pr`). */
  private operatorAhead(): boolean {
    const s = this.s;
    const i = this.i;
    const after = s.charCodeAt(i + 2);
    if (after >= 0 && (isNameChar(after) || after === 46 || after === 91 || after === 58)) return false;
    const word = ((s.charCodeAt(i) | 32) << 8) | (s.charCodeAt(i + 1) | 32);
    return OPERATOR_CODES.has(word);
  }

  private expectChar(code: number, what: string): void {
    if (this.s.charCodeAt(this.i) !== code) this.fail(what);
    this.i++;
  }

  private fail(expected: string, hint?: string): never {
    return this.failAt(this.i, expected, hint);
  }

  private failAt(offset: number, expected: string, hint?: string): never {
    const s = this.s;
    let token = '';
    let found = `the end of the ${this.target.label}`;
    if (offset < this.n) {
      let j = offset + 1;
      if (isNameChar(s.charCodeAt(offset))) while (j < this.n && isNameChar(s.charCodeAt(j))) j++;
      token = s.slice(offset, Math.min(j, offset + 32));
      found = JSON.stringify(token);
    }
    const position = positionOf(s, offset);
    const where =
      position.line > 1 ? `line ${position.line}, column ${position.column}` : `column ${position.column}`;
    const tail = hint === undefined ? '' : `; ${hint}`;
    throw new ScimError(
      this.target.code,
      `${this.target.label}: expected ${expected} at ${where}, found ${found}${tail}`,
      {
        position,
        token,
      },
    );
  }
}
