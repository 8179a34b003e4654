/**
 * The shell commands of a Markdown guide, in the order a reader types them: every line of its
 * ```sh fences, without comments and blank lines.
 */
export interface ShellCommand {
  /** The 1-based line of the command in the guide. */
  readonly line: number;
  /** The command as written, without its trailing comment. */
  readonly text: string;
  /** Its words (no quoting is interpreted: the guides' commands need none). */
  readonly argv: readonly string[];
}

/** The commands of every ```sh (or ```bash, ```shell) fence. */
export function shellCommands(markdown: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```(sh|bash|shell)\s*$/.test(lines[i]!)) continue;
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) {
      const text = lines[i]!.replace(/(^|\s)#.*$/, '').trim();
      if (text === '') continue;
      if (/["'`$\\|;&<>]/.test(text))
        throw new Error(`line ${i + 1}: "${text}" needs a shell; the walkthrough runs plain commands only`);
      commands.push({ line: i + 1, text, argv: text.split(/\s+/) });
    }
  }
  return commands;
}
