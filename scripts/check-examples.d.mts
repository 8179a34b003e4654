// Types of check-examples.mjs, for the TypeScript that imports it (packages/docs-tests).

/** One `@example` block: the line of its tag, the declaration its comment documents, its code. */
export interface Example {
  readonly line: number;
  readonly name: string;
  readonly code: string;
}

/** A literal-only example, `key` being `file#name`. */
export interface LiteralOnly {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly key: string;
}

export const PENDING: ReadonlySet<string>;
export function sourceFiles(dir?: string): string[];
export function examples(text: string): Example[];
export function isLiteralOnly(code: string): boolean;
export function literalOnlyExamples(files?: readonly string[]): { total: number; found: LiteralOnly[] };
