// The `scim-server` command line in the real world (process.env, the terminal, signals, the
// database the DATABASE_URL names) around runCli; main.ts loads it once the process has the flags
// it keeps. No top-level await, so the file bundles as CJS too.
import type { CliContext } from './context.ts';
import { describeUnexpectedError } from './errors.ts';
import { openStoreFromUrl } from './open-store.ts';
import { runCli } from './run.ts';

const cwd = process.cwd();

const context: CliContext = {
  env: process.env,
  cwd,
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  stdin: process.stdin,
  openStore: (url, options) => openStoreFromUrl(url, { cwd, ...options }),
  waitForShutdown: () =>
    new Promise((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    }),
};

runCli(process.argv.slice(2), context).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(describeUnexpectedError(error));
    if (process.env.DEBUG) console.error(error);
    process.exitCode = 1;
  },
);
