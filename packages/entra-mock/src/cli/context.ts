// What the `entra-mock` commands take from the outside world, injected so each command is tested
// without a terminal, files or a network.

/**
 * @internal The outside world of the CLI: output, files, the network and the time.
 */
export interface CliContext {
  /** Prints a result line (standard output). */
  readonly out: (text: string) => void;
  /** Prints progress, hints and errors (standard error). */
  readonly err: (text: string) => void;
  /** Redraws the progress line (standard error, only when it is a terminal); absent when not. */
  readonly progress?: (line: string) => void;
  /** Reads a text file. */
  readonly readFile: (path: string) => Promise<string>;
  /** Writes a text file. */
  readonly writeFile: (path: string, text: string) => Promise<void>;
  /** How requests reach the Tenant URL; the bin uses the global `fetch`. */
  readonly fetch: (request: Request) => Promise<Response>;
  /** Milliseconds of real time, for durations. */
  readonly now: () => number;
}

/** @internal A usage or input error: printed without a stack, exit status 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}
