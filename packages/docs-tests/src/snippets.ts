/**
 * The TypeScript snippets of a Markdown file: every ```ts fence (indented ones too, inside lists),
 * with the marker that may precede it on the line before:
 *
 *   <!-- snippet: skip <reason> -->      neither compiled nor run (a fragment that cannot stand alone)
 *   <!-- snippet: no-run <reason> -->    compiled, not run (it listens on a port, needs a database...)
 *   <!-- snippet: continues -->          the same module as the snippet before it in the file (a
 *                                        walkthrough in steps), compiled and run together with it
 *
 * A skip or no-run marker must give its reason; a marker that is not followed by a ```ts fence is
 * an error, so none is left behind when a snippet moves.
 */

/** What the test does with a snippet. */
export type SnippetMode = 'check' | 'no-run' | 'skip';

/** One ```ts block of a Markdown file. */
export interface Snippet {
  /** The Markdown file, as given to {@link extractSnippets}. */
  readonly file: string;
  /** The 1-based line of the snippet's first code line in that file. */
  readonly line: number;
  /** The code, with the fence's indentation removed. */
  readonly code: string;
  /** The Markdown line of each line of `code`, 1-based (joined modules span several fences). */
  readonly lineMap: readonly number[];
  readonly mode: SnippetMode;
  /** Whether it is the same module as the snippet before it (`<!-- snippet: continues -->`). */
  readonly continues: boolean;
  /** Why it is skipped or not run. */
  readonly reason?: string;
}

const OPEN = /^(\s*)```(?:ts|typescript)\s*$/;
const CLOSE = /^\s*```\s*$/;
const FENCE = /^\s*```/;
const MARKER = /^\s*<!--\s*snippet:\s*(\S+)(?:\s+(.*?))?\s*-->\s*$/;

/**
 * The ```ts snippets of a Markdown text, in order.
 * @throws Error for a malformed or misplaced marker, or an unclosed fence, naming file and line.
 */
export function extractSnippets(markdown: string, file: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  let marker: { mode: SnippetMode; continues: boolean; reason?: string; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const found = MARKER.exec(text);
    if (found) {
      if (marker) throw new Error(`${file}:${i + 1}: two snippet markers in a row`);
      marker = parseMarker(found[1]!, found[2], `${file}:${i + 1}`);
      continue;
    }
    const open = OPEN.exec(text);
    if (open) {
      const indent = open[1]!.length;
      const start = i + 1;
      const body: string[] = [];
      for (i = start; i < lines.length && !CLOSE.test(lines[i]!); i++) body.push(lines[i]!.slice(indent));
      if (i >= lines.length) throw new Error(`${file}:${start}: the \`\`\`ts fence is never closed`);
      if (marker?.continues && !snippets.some((s) => s.mode !== 'skip'))
        throw new Error(`${file}:${marker.line}: "continues" with no snippet before it`);
      snippets.push({
        file,
        line: start + 1,
        code: `${body.join('\n')}\n`,
        lineMap: body.map((_, k) => start + 1 + k),
        mode: marker?.mode ?? 'check',
        continues: marker?.continues ?? false,
        ...(marker?.reason === undefined ? {} : { reason: marker.reason }),
      });
      marker = undefined;
      continue;
    }
    if (text.trim() === '') continue;
    if (marker)
      throw new Error(`${file}:${marker.line}: a snippet marker must be followed by a \`\`\`ts fence`);
    if (FENCE.test(text)) {
      // Another language's fence: skip to its end, so a ```ts inside it is not taken for a snippet.
      for (i++; i < lines.length && !CLOSE.test(lines[i]!); i++);
    }
  }
  if (marker)
    throw new Error(`${file}:${marker.line}: a snippet marker must be followed by a \`\`\`ts fence`);
  return snippets;
}

function parseMarker(
  kind: string,
  reason: string | undefined,
  where: string,
): { mode: SnippetMode; continues: boolean; reason?: string; line: number } {
  const line = Number(where.slice(where.lastIndexOf(':') + 1));
  if (kind === 'continues') {
    if (reason) throw new Error(`${where}: "continues" takes no reason`);
    return { mode: 'check', continues: true, line };
  }
  if (kind !== 'skip' && kind !== 'no-run')
    throw new Error(`${where}: unknown snippet marker "${kind}"; use skip, no-run or continues`);
  if (!reason) throw new Error(`${where}: "${kind}" needs a reason: <!-- snippet: ${kind} <why> -->`);
  return { mode: kind, continues: false, reason, line };
}

/**
 * Joins `continues` snippets to the one before them: each result is one module, named by the
 * file and line of its first snippet. Skipped snippets are left out.
 */
export function modules(snippets: readonly Snippet[]): Snippet[] {
  const out: Snippet[] = [];
  for (const s of snippets) {
    if (s.mode === 'skip') continue;
    const last = out.at(-1);
    if (s.continues && last !== undefined && last.file === s.file) {
      const mode = last.mode === 'no-run' || s.mode === 'no-run' ? 'no-run' : 'check';
      const reason = last.reason ?? s.reason;
      out[out.length - 1] = {
        ...last,
        code: `${last.code}${s.code}`,
        lineMap: [...last.lineMap, ...s.lineMap],
        mode,
        ...(reason === undefined ? {} : { reason }),
      };
    } else out.push({ ...s, continues: false });
  }
  return out;
}
