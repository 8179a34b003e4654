#!/usr/bin/env node
// The `entra-mock` bin: the CLI with the real terminal, files, network and time.
import { readFile, writeFile } from 'node:fs/promises';
import { runCli } from './main.ts';

const tty = process.stderr.isTTY === true;
runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  ...(tty ? { progress: (line: string) => process.stderr.write(`\r\x1b[2K${line}`) } : {}),
  readFile: (path) => readFile(path, 'utf8'),
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
  fetch: (request) => fetch(request),
  now: () => performance.now(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `entra-mock: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
