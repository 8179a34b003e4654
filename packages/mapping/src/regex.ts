/** @internal .NET regular expressions mapped to JavaScript's (patterns and replacement strings). */

const cache = new Map<string, RegExp>();

/**
 * @internal Translates a .NET pattern to a global, index-reporting JavaScript RegExp (cached):
 * `(?'name')` groups, `\A`, `\z`, `\Z`, a leading `(?i)`/`(?m)`/`(?s)`/`(?x)`-free options group, `(?#comments)`.
 */
export function toJsRegExp(pattern: string, fail: (message: string) => never, indices = false): RegExp {
  const cacheKey = indices ? `d:${pattern}` : `-:${pattern}`;
  const hit = cache.get(cacheKey);
  if (hit) {
    hit.lastIndex = 0;
    return hit;
  }
  let source = pattern;
  let flags = indices ? 'gd' : 'g';
  const options = /^\(\?([imsnx]+)\)/.exec(source);
  if (options) {
    for (const o of options[1]!) {
      if (o === 'i' || o === 'm' || o === 's') flags += flags.includes(o) ? '' : o;
      else fail(`the inline option (?${o}) has no JavaScript equivalent; remove it from the pattern`);
    }
    source = source.slice(options[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\' && i + 1 < source.length) {
      const next = source[i + 1]!;
      if (!inClass && next === 'A') out += '^';
      else if (!inClass && next === 'z') out += '$(?![\\s\\S])';
      else if (!inClass && next === 'Z') out += '(?=\\n?$(?![\\s\\S]))';
      else out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (source[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && source.startsWith("(?'", i)) {
      const end = source.indexOf("'", i + 3);
      if (end !== -1) {
        out += `(?<${source.slice(i + 3, end)}>`;
        i = end;
        continue;
      }
    }
    if (c === '(' && source.startsWith('(?#', i)) {
      const end = source.indexOf(')', i);
      i = end === -1 ? source.length : end;
      continue;
    }
    out += c;
  }
  let regex: RegExp;
  try {
    regex = new RegExp(out, flags);
  } catch (e) {
    return fail(
      `the regular expression "${pattern}" is not valid (${(e as Error).message}); check brackets and escapes (write \\\\ for a backslash inside a string constant)`,
    );
  }
  if (cache.size > 500) cache.clear();
  cache.set(cacheKey, regex);
  return regex;
}

/** @internal A replacer function implementing .NET substitutions: `$1`, `${name}`, `$$`, `$&`, `$0`, `` $` ``, `$'`, `$+`, `$_`. */
export function toJsReplacer(replacement: string): string | ((match: string, ...rest: unknown[]) => string) {
  if (!replacement.includes('$')) return replacement;
  if (!/\$[_+]/.test(replacement) && !/\$\{[^}]*[^\w}][^}]*\}/.test(replacement)) {
    // Fast path: every .NET substitution used has a native JavaScript spelling.
    return replacement.replace(/\$(\$|0|\{(\w+)\})/g, (all, what: string, name?: string) => {
      if (what === '$') return '$$';
      if (what === '0') return '$&';
      if (name !== undefined) return /^\d+$/.test(name) ? (name === '0' ? '$&' : `$${name}`) : `$<${name}>`;
      return all;
    });
  }
  return (match: string, ...rest: unknown[]): string => {
    const hasGroups = typeof rest[rest.length - 1] === 'object' && rest[rest.length - 1] !== undefined;
    const groups = (hasGroups ? rest[rest.length - 1] : undefined) as
      | Record<string, string | undefined>
      | undefined;
    const input = rest[rest.length - (hasGroups ? 2 : 1)] as string;
    const offset = rest[rest.length - (hasGroups ? 3 : 2)] as number;
    const numbered = rest.slice(0, rest.length - (hasGroups ? 3 : 2)) as (string | undefined)[];
    let out = '';
    for (let i = 0; i < replacement.length; i++) {
      const c = replacement[i]!;
      if (c !== '$' || i + 1 >= replacement.length) {
        out += c;
        continue;
      }
      const next = replacement[i + 1]!;
      if (next === '$') {
        out += '$';
        i++;
      } else if (next === '&' || next === '0') {
        out += match;
        i++;
      } else if (next === '`') {
        out += input.slice(0, offset);
        i++;
      } else if (next === "'") {
        out += input.slice(offset + match.length);
        i++;
      } else if (next === '_') {
        out += input;
        i++;
      } else if (next === '+') {
        out += numbered[numbered.length - 1] ?? '';
        i++;
      } else if (next === '{') {
        const end = replacement.indexOf('}', i + 2);
        const name = end === -1 ? '' : replacement.slice(i + 2, end);
        if (end !== -1 && /^\d+$/.test(name) && Number(name) <= numbered.length) {
          out += Number(name) === 0 ? match : (numbered[Number(name) - 1] ?? '');
          i = end;
        } else if (end !== -1 && groups && name in groups) {
          out += groups[name] ?? '';
          i = end;
        } else out += c;
      } else if (next >= '1' && next <= '9') {
        let j = i + 1;
        while (
          j < replacement.length &&
          /\d/.test(replacement[j]!) &&
          Number(replacement.slice(i + 1, j + 1)) <= numbered.length
        )
          j++;
        const n = Number(replacement.slice(i + 1, j));
        if (j > i + 1 && n <= numbered.length) {
          out += numbered[n - 1] ?? '';
          i = j - 1;
        } else out += c;
      } else out += c;
    }
    return out;
  };
}
