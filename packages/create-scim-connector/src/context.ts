import type { Stats } from 'node:fs';

/**
 * The file system calls the scaffolder makes; `node:fs/promises` satisfies it, and tests may pass
 * an in-memory or recording implementation.
 *
 * @example
 * ```ts
 * import * as fs from 'node:fs/promises';
 * const files: ScaffoldFileSystem = fs;
 * ```
 * @see https://nodejs.org/api/fs.html#promises-api
 */
export interface ScaffoldFileSystem {
  /** Reads a UTF-8 text file. */
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  /** Writes a UTF-8 text file, replacing it. */
  writeFile(path: string, data: string, encoding: 'utf8'): Promise<void>;
  /** Copies one file. */
  copyFile(from: string, to: string): Promise<void>;
  /** Creates a directory and its parents. */
  mkdir(path: string, options: { recursive: true }): Promise<string | undefined>;
  /** Lists the names in a directory. */
  readdir(path: string): Promise<string[]>;
  /** Describes a path; rejects with `ENOENT` when it does not exist. */
  stat(path: string): Promise<Stats>;
}

/**
 * The questions the scaffolder may ask on a terminal; the CLI answers them with `@clack/prompts`,
 * tests with scripted answers. Each call resolves with the answer, or rejects when the user cancels.
 *
 * @example
 * ```ts
 * import { createConnector, type ScaffoldPrompt } from 'create-scim-connector';
 * const prompt: ScaffoldPrompt = {
 *   text: async () => 'my-connector', // the directory
 *   select: async ({ options }) => options[0]!.value, // the first template, store, package manager
 *   confirm: async () => true,
 * };
 * await createConnector({ install: false, git: false }, { cwd: process.cwd(), env: process.env, isTTY: true, prompt, spawn, log });
 * ```
 * @see https://github.com/bombshell-dev/clack
 */
export interface ScaffoldPrompt {
  /** Asks for a line of text. `validate` returns an error message, or `undefined` when valid. */
  text(question: {
    message: string;
    /** Shown greyed out while the answer is empty; typing replaces it. */
    placeholder?: string;
    /** The answer when the user submits nothing. */
    defaultValue?: string;
    /** Text already typed in, which the user edits. */
    initialValue?: string;
    validate?: (value: string) => string | undefined;
  }): Promise<string>;
  /** Asks the user to choose one option. */
  select<T extends string>(question: {
    message: string;
    options: ReadonlyArray<{ value: T; label: string; hint?: string }>;
    initialValue?: T;
  }): Promise<T>;
  /** Asks a yes/no question. */
  confirm(question: { message: string; initialValue?: boolean }): Promise<boolean>;
}

/**
 * The result of running a command: its exit code and what it printed.
 *
 * @example
 * ```ts
 * import { createConnector, type SpawnResult } from 'create-scim-connector';
 * const commands: string[] = [];
 * const spawn = async (command: string, args: readonly string[]): Promise<SpawnResult> => {
 *   commands.push([command, ...args].join(' ')); // recorded, not run
 *   return { code: 0, output: '' };
 * };
 * await createConnector({ dir: 'app', template: 'blank', yes: true }, { cwd: process.cwd(), env: {}, isTTY: false, prompt, spawn, log });
 * ```
 * @see https://nodejs.org/api/child_process.html#child_processspawncommand-args-options
 */
export interface SpawnResult {
  /** The exit code; `0` means success. */
  code: number;
  /** The command's standard output and error, for error messages. */
  output: string;
}

/**
 * Runs a command to completion (package install, git). It resolves with the exit code, and rejects
 * only when the command cannot be started at all (for example, it is not installed).
 *
 * @example
 * ```ts
 * const spawn: ScaffoldSpawn = async (command, args, options) => ({ code: 0, output: '' });
 * ```
 * @see https://nodejs.org/api/child_process.html#child_processspawncommand-args-options
 */
export type ScaffoldSpawn = (
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
) => Promise<SpawnResult>;

/**
 * Where the scaffolder reports progress: the CLI prints to the terminal, tests record the lines.
 *
 * @example
 * ```ts
 * import { createConnector, type ScaffoldLog } from 'create-scim-connector';
 * const lines: string[] = [];
 * const log: ScaffoldLog = { info: (m) => lines.push(m), step: (m) => lines.push(m), warn: (m) => lines.push(m) };
 * const context = { cwd: process.cwd(), env: process.env, isTTY: false, prompt, spawn, log };
 * await createConnector({ dir: 'app', template: 'blank', yes: true, dryRun: true }, context);
 * lines; // what each step would do
 * ```
 * @see https://github.com/bombshell-dev/clack
 */
export interface ScaffoldLog {
  /** A plain message. */
  info(message: string): void;
  /** A step done (or, with `--dry-run`, a step that would be done). */
  step(message: string): void;
  /** Something that did not stop the scaffold but needs the user's attention. */
  warn(message: string): void;
}

/**
 * Everything the scaffolder's steps take from the outside world, injected so that each step can be
 * tested with a mocked context.
 *
 * @example
 * ```ts
 * import { createConnector, type ScaffoldContext } from 'create-scim-connector';
 * const context: ScaffoldContext = { cwd: process.cwd(), env: process.env, isTTY: false, prompt, spawn, log };
 * const result = await createConnector({ dir: 'my-connector', template: 'blank', yes: true }, context);
 * ```
 * @see {@link createConnector}
 */
export interface ScaffoldContext {
  /** The directory the command runs in; a relative target directory resolves against it. */
  cwd: string;
  /** The file system; `node:fs/promises` when absent. */
  fs?: ScaffoldFileSystem;
  /** Asks questions on a terminal. Never called when `isTTY` is false or `--yes` is given. */
  prompt: ScaffoldPrompt;
  /** Runs the package manager and git. */
  spawn: ScaffoldSpawn;
  /** Reports progress. */
  log: ScaffoldLog;
  /** The environment: `npm_config_user_agent` picks the package manager. */
  env: Record<string, string | undefined>;
  /** Whether a person is at a terminal; without one, nothing is asked. */
  isTTY: boolean;
  /** The version of Node.js running the scaffolder (`process.versions.node` when absent). */
  nodeVersion?: string;
}
