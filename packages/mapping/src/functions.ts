import type { CallNode, ExpressionNode } from './ast.ts';
import { type CaseRules, caseRulesOf, toLowerDotNet, toTitleChar, toUpperDotNet } from './casing.ts';
import { dateAdd, dateDiff, INTERVALS } from './dates/arithmetic.ts';
import { formatDotNetDate, invalidSpecifier, parseExactDate } from './dates/custom.ts';
import {
  fileTimeOf,
  formatEntraDate,
  type Instant,
  instantFromFileTime,
  instantOf,
  MAX_FILETIME,
} from './dates/instant.ts';
import { parseInvariantDate } from './dates/invariant.ts';
import { MappingError, positionAt } from './errors.ts';
import { toJsRegExp, toJsReplacer } from './regex.ts';
import {
  asList,
  asString,
  bool,
  type ExpressionObject,
  type ExpressionValue,
  isNullOrEmpty,
  isTruthy,
  type SourceObject,
} from './values.ts';

/**
 * Sources for the non-deterministic functions and the tenant facts some functions read.
 *
 * @example
 * ```ts
 * const options: EvaluateOptions = {
 *   now: () => new Date('2024-05-01T12:00:00Z'),
 *   guid: () => '00000000-0000-4000-8000-000000000000',
 *   defaultDomain: 'contoso.com',
 * };
 * compileExpression('Now()').evaluate({}, options); // '5/1/2024 12:00:00 PM'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export interface EvaluateOptions {
  /** The clock for `Now()` (default: the system clock). */
  readonly now?: () => Date;
  /** Uniform random numbers in [0, 1) for `RandomString` (default: `crypto.getRandomValues`). */
  readonly random?: () => number;
  /** GUIDs for `Guid()` (default: `crypto.randomUUID`). */
  readonly guid?: () => string;
  /** The uniqueness check of `SelectUniqueValue`: true when the value is free in the target (default: every value is). */
  readonly isUnique?: (value: string) => boolean;
  /** The tenant's default verified domain, for `DefaultDomain()`. */
  readonly defaultDomain?: string;
}

/** @internal What a compiled node evaluates against. */
export interface Env {
  readonly source: SourceObject;
  readonly options: EvaluateOptions;
  readonly text: string;
}

/** @internal A compiled node. */
export type Compiled = (env: Env) => ExpressionValue;

/**
 * The type of a parameter or a result in the function table.
 *
 * @example
 * ```ts
 * import { expressionFunctions, type ParameterType } from '@scim/mapping';
 * const multiValued: ParameterType = 'MultiValued';
 * expressionFunctions.filter((f) => f.parameters.some((p) => p.type === multiValued)).map((f) => f.name);
 * // ['Count', 'Item', 'RemoveDuplicates']
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export type ParameterType =
  | 'String'
  | 'Number'
  | 'Boolean'
  | 'DateTime'
  | 'Attribute'
  | 'MultiValued'
  | 'Expression'
  | 'CompareType';

/**
 * One parameter of a function in {@link expressionFunctions}.
 *
 * @example
 * ```ts
 * const join = expressionFunctions.find((f) => f.name === 'Join');
 * join?.parameters[1]; // { name: 'source', type: 'String', required: true, repeating: true }
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export interface FunctionParameter {
  /** The parameter's name as Microsoft's reference names it (Graph's `parseExpression` key). */
  readonly name: string;
  /** Its type. */
  readonly type: ParameterType;
  /** Whether it must be given. */
  readonly required: boolean;
  /** Whether it repeats (variadic). */
  readonly repeating?: boolean;
}

/**
 * One entry of the function table: signature and documentation for completions and docs.
 *
 * @example
 * ```ts
 * const left = expressionFunctions.find((f) => f.name === 'Left');
 * left?.signature; // 'Left(string, numChars)'
 * left?.minArgs; // 2
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export interface FunctionSignature {
  /** The function's name (case-sensitive). */
  readonly name: string;
  /** The signature as text, for example `Join(separator, source1, source2, …)`. */
  readonly signature: string;
  /** What the function does. */
  readonly description: string;
  /** The parameters in order. */
  readonly parameters: readonly FunctionParameter[];
  /** The result type. */
  readonly returns: ParameterType;
  /** Fewest arguments accepted. */
  readonly minArgs: number;
  /** Most arguments accepted (`Infinity` for variadic functions). */
  readonly maxArgs: number;
  /** False for Guid, Now and RandomString, whose results vary. */
  readonly deterministic: boolean;
  /** An example expression. */
  readonly example: string;
  /**
   * Other parameter lists the function accepts, chosen by argument count, for example
   * FormatDateTime's `(source, inputFormat, outputFormat)` that Graph's `schema/functions` lists.
   */
  readonly overloads?: readonly (readonly FunctionParameter[])[];
}

/** @internal An implementation receives compiled (lazy) arguments. */
type Impl = (args: readonly (Compiled | null)[], env: Env, node: CallNode) => ExpressionValue;

/** @internal A problem a checker finds in a call's constant arguments before evaluation. */
export interface ArgumentProblem {
  /** The argument at fault. */
  readonly at: ExpressionNode;
  readonly code: string;
  readonly message: string;
}

interface Entry extends FunctionSignature {
  readonly impl: Impl;
  /** Checks constant arguments at compile time (a culture name that no culture has). */
  readonly check?: (node: CallNode) => ArgumentProblem | null;
}

/** @internal The parameters a call with `count` arguments binds to: the overload of that length, if any. */
export function parametersFor(fn: FunctionSignature, count: number): readonly FunctionParameter[] {
  return fn.overloads?.find((o) => o.length === count) ?? fn.parameters;
}

const arg = (args: readonly (Compiled | null)[], i: number, env: Env): ExpressionValue => {
  const f = args[i];
  return f ? f(env) : null;
};
const str = (args: readonly (Compiled | null)[], i: number, env: Env): string | null =>
  asString(arg(args, i, env));

/** @internal Throws an evaluation error positioned at a call. */
export function evalError(env: Env, node: CallNode, code: string, message: string): never {
  throw new MappingError('evaluate', code, message, positionAt(env.text, node.start), node.name);
}

function toInt(env: Env, node: CallNode, value: ExpressionValue, what: string): number | null {
  const s = asString(value);
  if (s === null) return null;
  const n = Number(s.trim());
  if (s.trim() === '' || !Number.isFinite(n)) {
    evalError(
      env,
      node,
      'notANumber',
      `${node.name}: ${what} must be a number but is "${s}"; pass a number or CStr a numeric attribute`,
    );
  }
  return Math.trunc(n);
}

function toDate(env: Env, node: CallNode, value: ExpressionValue, what: string): Instant | null {
  const s = asString(value);
  if (s === null) return null;
  const d = parseInvariantDate(s);
  if (!d) {
    evalError(
      env,
      node,
      'invalidDate',
      `${node.name}: ${what} "${s}" is not a date CDate reads (ISO 8601 such as 2021-06-30T14:05:00Z, M/d/yyyy h:mm:ss tt, or June 30, 2021); convert other formats with FormatDateTime`,
    );
  }
  return d;
}

/** The language error of a date before 0001-01-01, after 9999-12-31, or before 1601 as a file time. */
function outOfRange(env: Env, node: CallNode, message: string): never {
  return evalError(env, node, 'dateOutOfRange', `${node.name}: ${message}`);
}

const DIACRITIC_SPECIAL: Record<string, string> = {
  æ: 'ae',
  Æ: 'AE',
  ǣ: 'ae',
  Ǣ: 'AE',
  ø: 'oe',
  Ø: 'OE',
  œ: 'oe',
  Œ: 'OE',
  ß: 'ss',
  ł: 'l',
  Ł: 'L',
  ı: 'i',
};

function normalizeDiacritics(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFD')) {
    if (/\p{Mn}/u.test(ch)) continue;
    out += DIACRITIC_SPECIAL[ch] ?? ch;
  }
  return out.normalize('NFC');
}

function isDefaultWordSeparator(ch: string): boolean {
  if (ch === "'") return false; // .NET ToTitleCase keeps letters after an apostrophe lower case
  return /[\s\p{C}\p{P}\p{S}]/u.test(ch);
}

function properCase(s: string, separators: string | null): string {
  let out = '';
  let atStart = true;
  for (const ch of s) {
    const sep = separators === null ? isDefaultWordSeparator(ch) : separators.includes(ch);
    if (sep) {
      out += ch;
      atStart = true;
    } else {
      out += atStart ? toTitleChar(ch) : toLowerDotNet(ch);
      atStart = false;
    }
  }
  return out;
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const SPECIAL = '~!@#$%^&*_-+=`|\\(){}[]:;"\'<>,.?/';

function defaultRandom(): number {
  const buf = new Uint32Array(1);
  globalThis.crypto.getRandomValues(buf);
  return buf[0]! / 2 ** 32;
}

function randomString(env: Env, node: CallNode, values: ExpressionValue[]): string {
  const [length, digits, special, capital, lower] = values.slice(0, 5).map((v, i) => {
    const n = toInt(
      env,
      node,
      v,
      ['Length', 'MinimumNumbers', 'MinimumSpecialCharacters', 'MinimumCapital', 'MinimumLowerCase'][i]!,
    );
    if (n === null || n < 0)
      evalError(
        env,
        node,
        'invalidArgument',
        `RandomString: argument ${i + 1} must be a non-negative number`,
      );
    return n;
  }) as [number, number, number, number, number];
  const avoid = asString(values[5] ?? null) ?? '';
  if (length > 256)
    evalError(env, node, 'invalidArgument', `RandomString: Length is ${length}; Entra allows at most 256`);
  if (digits + special + capital + lower > length) {
    evalError(
      env,
      node,
      'invalidArgument',
      `RandomString: the minimums add up to ${digits + special + capital + lower}, more than Length ${length}; raise Length or lower the minimums`,
    );
  }
  const random = env.options.random ?? defaultRandom;
  const pools = [DIGITS, SPECIAL, UPPER, LOWER].map((p) => [...p].filter((c) => !avoid.includes(c)).join(''));
  const mins = [digits, special, capital, lower];
  const pick = (pool: string): string => pool[Math.min(pool.length - 1, Math.floor(random() * pool.length))]!;
  const chars: string[] = [];
  pools.forEach((pool, i) => {
    if (mins[i]! > 0 && pool.length === 0)
      evalError(
        env,
        node,
        'invalidArgument',
        'RandomString: CharactersToAvoid removes every character of a required class',
      );
    for (let k = 0; k < mins[i]!; k++) chars.push(pick(pool));
  });
  const all = pools.join('');
  while (chars.length < length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/** Per-call-site memo of the translated regex and replacement (the usual case: constant pattern). */
const REPLACE_MEMO = new WeakMap<
  CallNode,
  {
    pattern: string;
    indices: boolean;
    replacement: string | null;
    regex: RegExp;
    replacer: ReturnType<typeof toJsReplacer>;
  }
>();

function replace(args: readonly (Compiled | null)[], env: Env, node: CallNode): ExpressionValue {
  const source = str(args, 0, env);
  const has = (i: number): boolean => args[i] != null;
  const oldValue = str(args, 1, env);
  const pattern = str(args, 2, env);
  const groupName = str(args, 3, env);
  const replacement = has(4) ? (str(args, 4, env) ?? '') : null;
  const template = str(args, 6, env);
  if (has(2) && pattern !== null) {
    const indices = groupName !== null && !has(5);
    let memo = REPLACE_MEMO.get(node);
    if (!memo || memo.pattern !== pattern || memo.indices !== indices || memo.replacement !== replacement) {
      const compiled = toJsRegExp(
        pattern,
        (message) => evalError(env, node, 'invalidRegex', `Replace: ${message}`),
        indices,
      );
      memo = { pattern, indices, replacement, regex: compiled, replacer: toJsReplacer(replacement ?? '') };
      REPLACE_MEMO.set(node, memo);
    }
    const regex = memo.regex;
    regex.lastIndex = 0;
    if (groupName !== null && has(5)) {
      if (source !== null && source !== '') return source;
      const other = str(args, 5, env);
      if (other === null) return null;
      const m = regex.exec(other);
      regex.lastIndex = 0;
      return m?.groups?.[groupName] ?? null;
    }
    if (source === null) return null;
    if (groupName !== null) {
      let out = '';
      let last = 0;
      for (const m of source.matchAll(regex)) {
        const span = m.indices?.groups?.[groupName];
        if (!span) continue;
        out += source.slice(last, span[0]) + (replacement ?? '');
        last = span[1];
      }
      return out + source.slice(last);
    }
    const replacer = memo.replacer;
    return typeof replacer === 'string' ? source.replace(regex, replacer) : source.replace(regex, replacer);
  }
  if (oldValue !== null && template !== null) {
    if (source === null) return null;
    return oldValue === '' ? template : template.split(oldValue).join(source);
  }
  if (source === null) return null;
  if (oldValue !== null && oldValue !== '') return source.split(oldValue).join(replacement ?? '');
  return source;
}

function formatDateTime(v: readonly ExpressionValue[], env: Env, node: CallNode): ExpressionValue {
  // Four arguments: (source, dateTimeStyles, inputFormat, outputFormat); three: Graph's form without styles.
  const picked = v.length === 3 ? v : [v[0], v[2], v[3]];
  const [source = null, input = null, output = null] = picked.map((x) => asString(x ?? null));
  if (source === null) return null;
  if (input === null || output === null)
    evalError(
      env,
      node,
      'missingArgument',
      'FormatDateTime: give both inputFormat and outputFormat, for example "yyyyMMddHHmmss.fZ", "yyyy-MM-dd"',
    );
  for (const format of [input, output]) {
    const bad = invalidSpecifier(format);
    if (bad !== null)
      evalError(
        env,
        node,
        'invalidFormat',
        `FormatDateTime: "${bad}" in "${format}" has more than 7 fraction digits; .NET keeps 7 (fffffff, 100 ns)`,
      );
  }
  const d = parseExactDate(source, input);
  if (!d)
    evalError(
      env,
      node,
      'invalidDate',
      `FormatDateTime: "${source}" does not match the input format "${input}"`,
    );
  return formatDotNetDate(d, output);
}

function unknownCulture(culture: string): string {
  return `unknown culture "${culture}": give an RFC 4646 name such as en-US, tr-TR or ja-JP, or leave the argument out for the invariant culture`;
}

/** Rejects a constant culture name that no culture has, at compile time, at the argument. */
function checkCulture(node: CallNode): ArgumentProblem | null {
  const at = node.args[1];
  if (at?.kind !== 'string' || caseRulesOf(at.value) !== null) return null;
  return { at, code: 'unknownCulture', message: `${node.name}: ${unknownCulture(at.value)}` };
}

/** ToUpper and ToLower: the source in the culture's case, or an error for a culture nobody has. */
function changeCase(convert: (s: string, rules: CaseRules) => string): Impl {
  return (args, env, node) => {
    const s = str(args, 0, env);
    if (s === null) return null;
    const culture = args[1] ? str(args, 1, env) : null;
    if (culture === null) return convert(s, 'invariant');
    const rules = caseRulesOf(culture);
    if (rules !== null) return convert(s, rules);
    const at = node.args[1]!;
    throw new MappingError(
      'evaluate',
      'unknownCulture',
      `${node.name}: ${unknownCulture(culture)}`,
      positionAt(env.text, at.start),
      env.text.slice(at.start, at.end),
    );
  };
}

function roles(value: ExpressionValue): ExpressionObject[] {
  return asList(value).flatMap((v) => {
    if (v === null) return [];
    if (typeof v === 'object' && !Array.isArray(v)) {
      const o = v as ExpressionObject;
      const roleValue = o.value ?? o.appRoleValue ?? o.displayName;
      const display = o.displayName ?? o.appRoleDisplayName ?? roleValue;
      const role = { primary: false, type: 'WindowsAzureActiveDirectoryRole', display, value: roleValue };
      // The app role's id: Entra's default PATCH dialect sends it (customize-application-attributes).
      const id = o.appRoleId ?? o.id;
      return [typeof id === 'string' && id !== '' ? { id, ...role } : role];
    }
    const s = asString(v as ExpressionValue);
    return s === null
      ? []
      : [{ primary: false, type: 'WindowsAzureActiveDirectoryRole', display: s, value: s }];
  });
}

const P = (name: string, type: ParameterType, required = true, repeating = false): FunctionParameter =>
  repeating ? { name, type, required, repeating } : { name, type, required };

function def(
  name: string,
  params: FunctionParameter[],
  returns: ParameterType,
  description: string,
  example: string,
  impl: Impl,
  extra: {
    minArgs?: number;
    maxArgs?: number;
    deterministic?: boolean;
    signature?: string;
    overloads?: FunctionParameter[][];
    check?: (node: CallNode) => ArgumentProblem | null;
  } = {},
): Entry {
  const variadic = params.some((p) => p.repeating);
  const signature =
    extra.signature ??
    `${name}(${params.map((p) => (p.repeating ? `${p.name}1, ${p.name}2, …` : p.name)).join(', ')})`;
  return {
    name,
    signature,
    description,
    parameters: params,
    returns,
    minArgs: extra.minArgs ?? params.filter((p) => p.required).length,
    maxArgs: extra.maxArgs ?? (variadic ? Number.POSITIVE_INFINITY : params.length),
    deterministic: extra.deterministic ?? true,
    example,
    impl,
    ...(extra.overloads ? { overloads: extra.overloads } : {}),
    ...(extra.check ? { check: extra.check } : {}),
  };
}

/** @internal Eager wrapper: evaluates every argument first. */
const eager =
  (fn: (values: ExpressionValue[], env: Env, node: CallNode) => ExpressionValue): Impl =>
  (args, env, node) =>
    fn(
      args.map((a) => (a ? a(env) : null)),
      env,
      node,
    );

const ENTRIES: Entry[] = [
  def(
    'Append',
    [P('source', 'String'), P('suffix', 'String')],
    'String',
    'Appends the suffix to the end of the source string.',
    'Append([userPrincipalName], ".test")',
    (args, env) => {
      const s = str(args, 0, env);
      const suffix = str(args, 1, env);
      return s === null && suffix === null ? null : (s ?? '') + (suffix ?? '');
    },
  ),
  def(
    'AppRoleAssignments',
    [P('source', 'Attribute')],
    'MultiValued',
    "The role value of each of the user's app role assignments (Graph's schema/functions lists the function; Microsoft does not document its result).",
    'AppRoleAssignments([appRoleAssignments])',
    (args, env) => {
      const values = roles(arg(args, 0, env)).flatMap((r) => {
        const v = asString((r.value ?? null) as ExpressionValue);
        return v === null ? [] : [v];
      });
      return values.length === 0 ? null : values;
    },
  ),
  def(
    'AppRoleAssignmentsComplex',
    [P('appRoleAssignments', 'Attribute')],
    'MultiValued',
    "Turns [appRoleAssignments] into SCIM roles (the app role's id when the assignment has one, primary false, type WindowsAzureActiveDirectoryRole, display, value), one per assignment.",
    'AppRoleAssignmentsComplex([appRoleAssignments])',
    (args, env) => {
      const r = roles(arg(args, 0, env));
      return r.length === 0 ? null : r;
    },
  ),
  def(
    'AssertiveAppRoleAssignmentsComplex',
    [P('appRoleAssignments', 'Attribute')],
    'MultiValued',
    'As AppRoleAssignmentsComplex, and an empty list (not null) when the user has no assignment, so roles removed in Entra are removed in the app.',
    'AssertiveAppRoleAssignmentsComplex([appRoleAssignments])',
    (args, env) => roles(arg(args, 0, env)),
  ),
  def(
    'BitAnd',
    [P('value1', 'Number'), P('value2', 'Number')],
    'Number',
    'Bitwise AND of two integers.',
    'BitAnd(&HF, &HF7)',
    eager((v, env, node) => {
      const a = toInt(env, node, v[0]!, 'value1');
      const b = toInt(env, node, v[1]!, 'value2');
      return a === null || b === null ? null : Number(BigInt.asIntN(64, BigInt(a) & BigInt(b)));
    }),
  ),
  def(
    'CBool',
    [P('expression', 'Expression')],
    'Boolean',
    'True when the expression is "True" or a non-zero number, else False.',
    'CBool([attribute1] = [attribute2])',
    (args, env) => bool(isTruthy(arg(args, 0, env))),
  ),
  def(
    'CDate',
    [P('expression', 'String')],
    'DateTime',
    'Parses a date string into a UTC date, formatted M/d/yyyy h:mm:ss tt.',
    'CDate("2009-06-15T01:45:30-07:00")',
    (args, env, node) => {
      const d = toDate(env, node, arg(args, 0, env), 'expression');
      return d === null ? null : formatEntraDate(d);
    },
  ),
  def(
    'Coalesce',
    [P('source', 'String', true, true), P('defaultValue', 'String', false)],
    'String',
    'The first argument that is not null (empty lists count as null).',
    'Coalesce([mail], [userPrincipalName])',
    (args, env) => {
      for (const a of args) {
        if (!a) continue;
        const v = a(env);
        if (v !== null && !(Array.isArray(v) && v.length === 0)) return v;
      }
      return null;
    },
    { minArgs: 1 },
  ),
  def(
    'ConvertToBase64',
    [P('source', 'String')],
    'String',
    'Base64 of the string encoded as UTF-16LE (.NET Encoding.Unicode).',
    'ConvertToBase64("Hello world!")',
    (args, env) => {
      const s = str(args, 0, env);
      if (s === null) return null;
      let binary = '';
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        binary += String.fromCharCode(c & 0xff, c >> 8);
      }
      return btoa(binary);
    },
  ),
  def(
    'ConvertToUTF8Hex',
    [P('source', 'String')],
    'String',
    'Upper-case hexadecimal of the string encoded as UTF-8.',
    'ConvertToUTF8Hex("Hello world!")',
    (args, env) => {
      const s = str(args, 0, env);
      if (s === null) return null;
      let out = '';
      for (const b of new TextEncoder().encode(s)) out += b.toString(16).toUpperCase().padStart(2, '0');
      return out;
    },
  ),
  def(
    'Count',
    [P('attribute', 'MultiValued')],
    'Number',
    'The number of values of a multi-valued attribute (0 when absent).',
    'Count([proxyAddresses])',
    (args, env) => asList(arg(args, 0, env)).length,
  ),
  def(
    'CStr',
    [P('value', 'Expression')],
    'String',
    'Converts a number, reference or boolean to a string.',
    'CStr([dn])',
    (args, env) => str(args, 0, env),
  ),
  def(
    'DateAdd',
    [P('interval', 'String'), P('value', 'Number'), P('dateTime', 'DateTime')],
    'DateTime',
    'Adds a number of intervals (yyyy, m, d, ww, h, n, s) to a date.',
    'DateAdd("d", 7, CDate([StatusHireDate]))',
    eager((v, env, node) => {
      const interval = asString(v[0]!);
      const amount = toInt(env, node, v[1]!, 'value');
      const date = toDate(env, node, v[2]!, 'dateTime');
      if (interval === null || amount === null || date === null) return null;
      const out = dateAdd(interval, amount, date);
      if (out === undefined)
        evalError(
          env,
          node,
          'invalidInterval',
          `DateAdd: interval "${interval}" is not one of ${INTERVALS.join(' ')}`,
        );
      if (out === null)
        outOfRange(
          env,
          node,
          `adding ${amount} "${interval}" leaves the dates .NET can hold (years 1 to 9999)`,
        );
      return formatEntraDate(out);
    }),
  ),
  def(
    'DateDiff',
    [P('interval', 'String'), P('date1', 'DateTime'), P('date2', 'DateTime')],
    'Number',
    'The number of interval boundaries from date1 to date2 (positive when date2 is later).',
    'DateDiff("d", Now(), CDate([StatusHireDate]))',
    eager((v, env, node) => {
      const interval = asString(v[0]!);
      const a = toDate(env, node, v[1]!, 'date1');
      const b = toDate(env, node, v[2]!, 'date2');
      if (interval === null || a === null || b === null) return null;
      const out = dateDiff(interval, a, b);
      if (out === null)
        evalError(
          env,
          node,
          'invalidInterval',
          `DateDiff: interval "${interval}" is not one of ${INTERVALS.join(' ')}`,
        );
      return out;
    }),
  ),
  def(
    'DateFromNum',
    [P('value', 'Number')],
    'DateTime',
    'Converts an Active Directory file time (100 ns ticks since 1601) to a date; 0 to 2650467743999999999 (year 9999).',
    'DateFromNum([lastLogonTimestamp])',
    (args, env, node) => {
      const s = str(args, 0, env);
      if (s === null) return null;
      const digits = s.trim();
      if (!/^-?\d+$/.test(digits))
        evalError(env, node, 'notANumber', `DateFromNum: "${s}" is not an AD file time (an integer)`);
      // Microsoft does not document values outside .NET's DateTime.FromFileTimeUtc range; as that
      // method throws, so do we (docs/mapping.md, "Where the page and we differ").
      const instant = instantFromFileTime(BigInt(digits));
      if (!instant)
        outOfRange(
          env,
          node,
          `${digits} is not a file time from 0 to ${MAX_FILETIME} (1601 to 9999); Active Directory writes 9223372036854775807 for "never expires": test for it first, as in Switch([accountExpires], DateFromNum([accountExpires]), "9223372036854775807", "")`,
        );
      return formatEntraDate(instant);
    },
  ),
  def(
    'DefaultDomain',
    [],
    'String',
    "The tenant's default verified domain.",
    'Join("@", [mailNickname], DefaultDomain())',
    (_args, env) => env.options.defaultDomain ?? null,
  ),
  def(
    'FormatDateTime',
    [
      P('source', 'String'),
      P('dateTimeStyles', 'String', false),
      P('inputFormat', 'String'),
      P('outputFormat', 'String'),
    ],
    'String',
    'Parses source with a .NET input format and prints it with a .NET output format (UTC, 100 ns precision); also FormatDateTime(source, inputFormat, outputFormat) as Graph lists it.',
    'FormatDateTime([extensionAttribute1], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")',
    eager((v, env, node) => formatDateTime(v, env, node)),
    {
      minArgs: 3,
      // Graph's synchronizationSchema: functions lists FormatDateTime(source, inputFormat, outputFormat).
      overloads: [[P('source', 'String'), P('inputFormat', 'String'), P('outputFormat', 'String')]],
    },
  ),
  def(
    'Guid',
    [],
    'String',
    'A new random GUID.',
    'Guid()',
    (_args, env) => (env.options.guid ?? (() => globalThis.crypto.randomUUID()))(),
    { deterministic: false },
  ),
  def(
    'IgnoreFlowIfNullOrEmpty',
    [P('expression', 'Expression')],
    'String',
    'The value, or null (the attribute is dropped from the flow) when it is null or empty.',
    'IgnoreFlowIfNullOrEmpty([department])',
    (args, env) => {
      const v = arg(args, 0, env);
      return isNullOrEmpty(v) ? null : v;
    },
  ),
  def(
    'IIF',
    [P('condition', 'Expression'), P('valueIfTrue', 'String'), P('valueIfFalse', 'String')],
    'String',
    'valueIfTrue when the condition is True, else valueIfFalse.',
    'IIF([country]="USA",[country],[department])',
    (args, env) => (isTruthy(arg(args, 0, env)) ? arg(args, 1, env) : arg(args, 2, env)),
  ),
  def(
    'InStr',
    [
      P('value1', 'String'),
      P('value2', 'String'),
      P('start', 'Number', false),
      P('compareType', 'CompareType', false),
    ],
    'Number',
    'The 1-based position of value2 in value1 from start, or 0.',
    'InStr("The quick brown fox","quick")',
    eager((v, env, node) => {
      const hay = asString(v[0]!);
      const needle = asString(v[1]!);
      if (hay === null || needle === null) return null;
      const start = toInt(env, node, v[2] ?? null, 'start') ?? 1;
      if (start < 1) evalError(env, node, 'invalidArgument', `InStr: start must be 1 or more, got ${start}`);
      const text = v[3] === 'vbTextCompare';
      const found = text
        ? toLowerDotNet(hay).indexOf(toLowerDotNet(needle), start - 1)
        : hay.indexOf(needle, start - 1);
      return found + 1;
    }),
  ),
  def(
    'IsNull',
    [P('expression', 'Expression')],
    'Boolean',
    'True when the value is null (the attribute is absent).',
    'IsNull([displayName])',
    (args, env) => {
      const v = arg(args, 0, env);
      return bool(v === null || (Array.isArray(v) && v.length === 0));
    },
  ),
  def(
    'IsNullOrEmpty',
    [P('expression', 'Expression')],
    'Boolean',
    'True when the value is null or an empty string.',
    'IsNullOrEmpty([displayName])',
    (args, env) => bool(isNullOrEmpty(arg(args, 0, env))),
  ),
  def(
    'IsPresent',
    [P('expression', 'Expression')],
    'Boolean',
    'True when the value is neither null nor empty.',
    'IsPresent([directManager])',
    (args, env) => bool(!isNullOrEmpty(arg(args, 0, env))),
  ),
  def(
    'IsString',
    [P('expression', 'Expression')],
    'Boolean',
    'True when the value is a string.',
    'IsString([displayName])',
    (args, env) => bool(typeof arg(args, 0, env) === 'string'),
  ),
  def(
    'Item',
    [P('attribute', 'MultiValued'), P('index', 'Number')],
    'String',
    'The value at a 1-based index of a multi-valued attribute, or null.',
    'Item([proxyAddresses], 1)',
    eager((v, env, node) => {
      const i = toInt(env, node, v[1]!, 'index');
      if (i === null || i < 1) return null;
      return asList(v[0]!)[i - 1] ?? null;
    }),
  ),
  def(
    'Join',
    [P('separator', 'String'), P('source', 'String', true, true)],
    'String',
    'Joins the non-empty values (every value of multi-valued ones) with the separator; null when there are none.',
    'Join(" ", [givenName], [surname])',
    (args, env) => {
      const sep = str(args, 0, env) ?? '';
      let out = '';
      let first = true;
      for (let i = 1; i < args.length; i++) {
        const f = args[i];
        if (!f) continue;
        const v = f(env);
        if (v === null) continue;
        if (typeof v === 'string') {
          if (v === '') continue;
          out = first ? v : out + sep + v;
          first = false;
          continue;
        }
        for (const item of asList(v)) {
          const s = asString(item);
          if (s === null || s === '') continue;
          out = first ? s : out + sep + s;
          first = false;
        }
      }
      return first ? null : out;
    },
    { minArgs: 2 },
  ),
  def(
    'Left',
    [P('string', 'String'), P('numChars', 'Number')],
    'String',
    'The first numChars characters ("" for 0, the whole string when negative or longer).',
    'Left("John Doe", 3)',
    eager((v, env, node) => {
      const s = asString(v[0]!);
      const n = toInt(env, node, v[1]!, 'numChars');
      if (s === null) return '';
      if (n === null || n < 0) return s;
      return s.slice(0, n);
    }),
  ),
  def(
    'Mid',
    [P('source', 'String'), P('start', 'Number'), P('length', 'Number')],
    'String',
    'The substring from a 1-based start, at most length characters.',
    'Mid([givenName], 1, 3)',
    eager((v, env, node) => {
      const s = asString(v[0]!);
      const start = toInt(env, node, v[1]!, 'start');
      const length = toInt(env, node, v[2]!, 'length');
      if (s === null || start === null || length === null) return null;
      if (start < 1)
        evalError(env, node, 'invalidArgument', `Mid: start is 1-based and must be 1 or more, got ${start}`);
      if (length < 0)
        evalError(env, node, 'invalidArgument', `Mid: length must not be negative, got ${length}`);
      return s.slice(start - 1, start - 1 + length);
    }),
  ),
  def(
    'NormalizeDiacritics',
    [P('source', 'String')],
    'String',
    'Replaces characters with diacritics by their plain equivalents (ä→a, ø→oe, ß→ss).',
    'NormalizeDiacritics([givenName])',
    (args, env) => {
      const s = str(args, 0, env);
      return s === null ? null : normalizeDiacritics(s);
    },
  ),
  def(
    'Not',
    [P('source', 'Boolean')],
    'Boolean',
    'False when source is True, else True.',
    'Not([IsSoftDeleted])',
    (args, env) => bool(!isTruthy(arg(args, 0, env))),
  ),
  def(
    'Now',
    [],
    'DateTime',
    'The current UTC date and time, M/d/yyyy h:mm:ss tt.',
    'Now()',
    (_args, env) => formatEntraDate(instantOf((env.options.now ?? (() => new Date()))())),
    { deterministic: false },
  ),
  def(
    'NumFromDate',
    [P('value', 'DateTime')],
    'Number',
    'Converts a date (ISO 8601) to an Active Directory file time (100 ns ticks since 1601), as a string of digits.',
    'NumFromDate(Join("", FormatDateTime([ContractEndDate], ,"yyyy-MM-ddzzz", "yyyy-MM-dd"), " 23:59:59-08:00"))',
    (args, env, node) => {
      const d = toDate(env, node, arg(args, 0, env), 'value');
      if (d === null) return null;
      const fileTime = fileTimeOf(d);
      if (fileTime === null)
        outOfRange(env, node, 'the date is before 1601-01-01, where AD file times start');
      return fileTime.toString();
    },
  ),
  def(
    'PCase',
    [P('source', 'String'), P('wordSeparators', 'String', false)],
    'String',
    'Proper case: the first letter of each word upper case, the rest lower case.',
    'PCase([lastName], " \'-")',
    (args, env) => {
      const s = str(args, 0, env);
      if (s === null) return null;
      return properCase(s, args[1] ? str(args, 1, env) : null);
    },
  ),
  def(
    'RandomString',
    [
      P('length', 'Number'),
      P('minimumNumbers', 'Number'),
      P('minimumSpecialCharacters', 'Number'),
      P('minimumCapital', 'Number'),
      P('minimumLowerCase', 'Number'),
      P('charactersToAvoid', 'String', false),
    ],
    'String',
    'A random string with minimum counts of digits, special characters, capitals and lower-case letters.',
    'RandomString(10,2,2,2,1,"?,")',
    eager((v, env, node) => randomString(env, node, v)),
    { deterministic: false },
  ),
  def(
    'Redact',
    [P('value', 'Expression')],
    'String',
    'The value itself; Entra writes "[Redact]" in the provisioning logs instead of it.',
    'Redact([userPrincipalName])',
    (args, env) => arg(args, 0, env),
  ),
  def(
    'RemoveDuplicates',
    [P('attribute', 'MultiValued')],
    'MultiValued',
    'The values of a multi-valued attribute without duplicates, in order.',
    'RemoveDuplicates([proxyAddresses])',
    (args, env) => {
      const v = arg(args, 0, env);
      if (v === null) return null;
      const seen = new Set<string>();
      return asList(v).filter((item) => {
        const key = typeof item === 'string' ? item : JSON.stringify(item);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    },
  ),
  def(
    'Replace',
    [
      P('source', 'String'),
      P('oldValue', 'String', false),
      P('regexPattern', 'String', false),
      P('regexGroupName', 'String', false),
      P('replacementValue', 'String', false),
      P('replacementAttributeName', 'Attribute', false),
      P('template', 'String', false),
    ],
    'String',
    'Replaces text or a regular expression match in source, or fills a template (five modes).',
    'Replace([mail], "@contoso.com", , ,"", ,)',
    replace,
    { minArgs: 2 },
  ),
  def(
    'SelectUniqueValue',
    [P('uniqueValueRule', 'String', true, true)],
    'String',
    'The first rule whose value the uniqueness check accepts; top level only, on creation.',
    'SelectUniqueValue(Join("@", [givenName], "contoso.com"), Join("@", [mailNickname], "contoso.com"))',
    (args, env, node) => {
      const isUnique = env.options.isUnique ?? (() => true);
      const tried: string[] = [];
      for (const a of args) {
        const s = a ? asString(a(env)) : null;
        if (s === null || s === '') continue;
        if (isUnique(s)) return s;
        tried.push(s);
      }
      return evalError(
        env,
        node,
        'noUniqueValue',
        `SelectUniqueValue: every rule produced a value that already exists (${tried.map((t) => `"${t}"`).join(', ')}); Entra escrows the entry: add a rule that yields a different value`,
      );
    },
    { minArgs: 2 },
  ),
  def(
    'SingleAppRoleAssignment',
    [P('appRoleAssignments', 'Attribute')],
    'String',
    'The value of the user\'s single app role assignment (for roles[primary eq "True"].value).',
    'SingleAppRoleAssignment([appRoleAssignments])',
    (args, env) => {
      const first = roles(arg(args, 0, env))[0];
      return first ? (asString(first.value as ExpressionValue) ?? null) : null;
    },
  ),
  def(
    'Split',
    [P('source', 'String'), P('delimiter', 'String')],
    'MultiValued',
    'Splits a string into a multi-valued list at each delimiter.',
    'Split([extensionAttribute5], ",")',
    (args, env) => {
      const s = str(args, 0, env);
      const d = str(args, 1, env);
      if (s === null) return null;
      return d === null || d === '' ? [s] : s.split(d);
    },
  ),
  def(
    'StripSpaces',
    [P('source', 'String')],
    'String',
    'Removes every space character.',
    'StripSpaces([displayName])',
    (args, env) => {
      const s = str(args, 0, env);
      return s === null ? null : s.replaceAll(' ', '');
    },
  ),
  def(
    'Switch',
    [P('source', 'String'), P('defaultValue', 'String', false), P('key', 'String'), P('value', 'String')],
    'String',
    'The value paired with the first key equal (case-sensitive) to source, else defaultValue; a null source matches the key "".',
    'Switch([IsSoftDeleted], , "False", "True", "True", "False")',
    (args, env) => {
      const source = str(args, 0, env) ?? '';
      for (let i = 2; i + 1 < args.length; i += 2) {
        if ((str(args, i, env) ?? '') === source) return arg(args, i + 1, env);
      }
      return arg(args, 1, env);
    },
    {
      minArgs: 4,
      maxArgs: Number.POSITIVE_INFINITY,
      signature: 'Switch(source, defaultValue, key1, value1, key2, value2, …)',
    },
  ),
  def(
    'ToLower',
    [P('source', 'String'), P('culture', 'String', false)],
    'String',
    "Lower case, one character at a time as .NET does, with a culture's rules (invariant by default; tr and az: I to ı).",
    'ToLower([userPrincipalName])',
    changeCase(toLowerDotNet),
    { check: checkCulture },
  ),
  def(
    'ToUpper',
    [P('source', 'String'), P('culture', 'String', false)],
    'String',
    "Upper case, one character at a time as .NET does (ß stays ß), with a culture's rules (invariant by default; tr and az: i to İ).",
    'ToUpper([mailNickname])',
    changeCase(toUpperDotNet),
    { check: checkCulture },
  ),
  def(
    'Word',
    [P('string', 'String'), P('wordNumber', 'Number'), P('delimiters', 'String')],
    'String',
    'The wordNumber-th word (1-based) separated by any of the delimiter characters, or "".',
    'Word("The quick brown fox",3," ")',
    eager((v, env, node) => {
      const s = asString(v[0]!);
      const n = toInt(env, node, v[1]!, 'wordNumber');
      const delims = asString(v[2]!) ?? '';
      if (s === null || n === null || n < 1) return '';
      const words: string[] = [];
      let cur = '';
      for (const ch of s) {
        if (delims.includes(ch)) {
          if (cur) words.push(cur);
          cur = '';
        } else cur += ch;
      }
      if (cur) words.push(cur);
      return words[n - 1] ?? '';
    }),
  ),
];

/** @internal Lookup by exact (case-sensitive) name. */
export const FUNCTIONS: ReadonlyMap<string, Entry> = new Map(ENTRIES.map((e) => [e.name, e]));

/**
 * The function table: every function of the expression language with its signature, parameters,
 * arity and an example, for completions, hover help and docs.
 *
 * @example
 * ```ts
 * expressionFunctions.find((f) => f.name === 'Join')?.signature; // 'Join(separator, source1, source2, …)'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data#list-of-functions
 */
export const expressionFunctions: readonly FunctionSignature[] = ENTRIES.map(
  ({ impl: _impl, check: _check, ...signature }) => signature,
);
