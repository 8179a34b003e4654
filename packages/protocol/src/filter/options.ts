/**
 * Options of the filter and attribute-path parsers and of filter evaluation. Every switch has a
 * default taken from the compatibility `profile`: `entra` (the default) accepts what Microsoft
 * Entra ID's provisioning service sends; `strict` is RFC 7644 to the letter. A switch set
 * explicitly wins over the profile.
 *
 * | switch              | `entra`     | `strict`  |
 * |---------------------|-------------|-----------|
 * | `unquotedValues`    | `true`      | `false`   |
 * | `plusAsSpace`       | `true`      | `false`   |
 * | `coerceValues`      | `true`      | `false`   |
 * | `unknownAttributes` | `'noMatch'` | `'error'` |
 *
 * @example
 * ```ts
 * const options: FilterOptions = { profile: 'strict' };
 * parseFilter('externalId eq jyoung', options); // throws invalidFilter: values must be quoted
 * parseFilter('externalId eq jyoung'); // { kind: 'compare', ..., value: 'jyoung' }
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility
 */
export interface FilterOptions {
  /** The compatibility profile the other switches default from: `entra` (default) or `strict`. */
  readonly profile?: 'entra' | 'strict';
  /**
   * Accept an unquoted comparison value, read up to the next space, `)` or `]`, as a string
   * (`externalId eq jyoung`, `meta.created gt 2015-10-10T14:38:21.8617979-07:00`). `true`,
   * `false`, `null` and JSON numbers stay literals.
   */
  readonly unquotedValues?: boolean;
  /**
   * Read `+` outside quoted strings as a space, for filters taken from a query string that was
   * percent-decoded without form decoding (`userName+eq+"a+b@x.com"` is `userName eq "a+b@x.com"`).
   */
  readonly plusAsSpace?: boolean;
  /**
   * Convert a comparison value of the wrong JSON type to the attribute's type when it is
   * unambiguous: `active eq "True"` compares with `true`, `externalId eq 12345` with `"12345"`,
   * `x eq "42"` on an integer with `42`. When off, such a filter is `invalidFilter`.
   */
  readonly coerceValues?: boolean;
  /**
   * What a filter on an attribute the schema lacks does when evaluated or normalized: `'noMatch'`
   * treats the attribute as never present (the comparison is false); `'error'` throws
   * `invalidFilter` (HTTP 400).
   */
  readonly unknownAttributes?: 'noMatch' | 'error';
  /**
   * The longest filter accepted, in characters (Unicode code points, as every length limit of the
   * SDK; default 65536); longer ones are `invalidFilter`.
   */
  readonly maxLength?: number;
  /** The deepest nesting of parentheses, `not` and value paths accepted (default 64). */
  readonly maxDepth?: number;
  /**
   * The most comparisons (`attr op value` and `attr pr`, value paths' included) one filter may
   * hold (default 200); more are `invalidFilter`, so that no filter costs a store more than this
   * many tests per resource.
   */
  readonly maxTerms?: number;
}

/** @internal Options with every switch decided. */
export interface ResolvedFilterOptions {
  readonly unquotedValues: boolean;
  readonly plusAsSpace: boolean;
  readonly coerceValues: boolean;
  readonly unknownAttributes: 'noMatch' | 'error';
  readonly maxLength: number;
  readonly maxDepth: number;
  readonly maxTerms: number;
}

/** @internal The default of {@link FilterOptions.maxTerms}. */
export const DEFAULT_MAX_FILTER_TERMS = 200;

const ENTRA: ResolvedFilterOptions = {
  unquotedValues: true,
  plusAsSpace: true,
  coerceValues: true,
  unknownAttributes: 'noMatch',
  maxLength: 65536,
  maxDepth: 64,
  maxTerms: DEFAULT_MAX_FILTER_TERMS,
};
const STRICT: ResolvedFilterOptions = {
  unquotedValues: false,
  plusAsSpace: false,
  coerceValues: false,
  unknownAttributes: 'error',
  maxLength: 65536,
  maxDepth: 64,
  maxTerms: DEFAULT_MAX_FILTER_TERMS,
};

/** @internal Decides every switch: explicit values over the profile's defaults. */
export function resolveFilterOptions(options: FilterOptions | undefined): ResolvedFilterOptions {
  if (options === undefined) return ENTRA;
  const base = options.profile === 'strict' ? STRICT : ENTRA;
  if (
    options.unquotedValues === undefined &&
    options.plusAsSpace === undefined &&
    options.coerceValues === undefined &&
    options.unknownAttributes === undefined &&
    options.maxLength === undefined &&
    options.maxDepth === undefined &&
    options.maxTerms === undefined
  ) {
    return base;
  }
  return {
    unquotedValues: options.unquotedValues ?? base.unquotedValues,
    plusAsSpace: options.plusAsSpace ?? base.plusAsSpace,
    coerceValues: options.coerceValues ?? base.coerceValues,
    unknownAttributes: options.unknownAttributes ?? base.unknownAttributes,
    maxLength: options.maxLength ?? base.maxLength,
    maxDepth: options.maxDepth ?? base.maxDepth,
    maxTerms: options.maxTerms ?? base.maxTerms,
  };
}
