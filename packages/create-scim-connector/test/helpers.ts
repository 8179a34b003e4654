// Shared test helpers: a mocked context with scripted prompt answers and recorded logs and commands.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScaffoldContext, SpawnResult } from '../src/context.ts';

export const fixturesDir = join(import.meta.dirname, 'fixtures', 'templates');

export interface MockContext extends ScaffoldContext {
  /** Every log line, prefixed by its level. */
  lines: string[];
  /** Every command run. */
  commands: {
    command: string;
    args: readonly string[];
    cwd: string;
    env?: Record<string, string | undefined>;
  }[];
  /** The questions asked, by message. */
  asked: string[];
}

export interface MockOptions {
  cwd?: string;
  isTTY?: boolean;
  env?: Record<string, string | undefined>;
  /** Answers by question kind, in order. */
  answers?: { text?: string[]; select?: string[]; confirm?: boolean[] };
  /** The result of each command, by `command args...`; exit 0 with no output by default. */
  spawn?: (command: string, args: readonly string[]) => SpawnResult | Promise<SpawnResult>;
}

export function mockContext(options: MockOptions = {}): MockContext {
  const lines: string[] = [];
  const commands: MockContext['commands'] = [];
  const asked: string[] = [];
  const answers = {
    text: [...(options.answers?.text ?? [])],
    select: [...(options.answers?.select ?? [])],
    confirm: [...(options.answers?.confirm ?? [])],
  };
  const next = <T>(queue: T[], message: string): T => {
    asked.push(message);
    if (queue.length === 0) throw new Error(`unexpected question: ${message}`);
    return queue.shift() as T;
  };
  return {
    cwd: options.cwd ?? tmpdir(),
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
    lines,
    commands,
    asked,
    log: {
      info: (m) => lines.push(`info: ${m}`),
      step: (m) => lines.push(`step: ${m}`),
      warn: (m) => lines.push(`warn: ${m}`),
    },
    prompt: {
      text: async ({ message }) => next(answers.text, message),
      select: async ({ message }) => next(answers.select, message) as never,
      confirm: async ({ message }) => next(answers.confirm, message),
    },
    spawn: async (command, args, { cwd, env }) => {
      commands.push({ command, args, cwd, ...(env && Object.keys(env).length > 0 ? { env } : {}) });
      return options.spawn ? options.spawn(command, args) : { code: 0, output: '' };
    },
  };
}

/** A fresh temporary directory outside the repository, removed by the returned function. */
export function tempDir(prefix = 'create-scim-connector-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A copy of the fixture templates in a temporary directory, which a test may change. */
export function copyFixtures(): { dir: string; remove: () => void } {
  const temp = tempDir('scim-fixtures-');
  cpSync(fixturesDir, temp.dir, { recursive: true });
  return temp;
}
