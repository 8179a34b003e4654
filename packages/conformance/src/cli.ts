#!/usr/bin/env node
// `pnpm run conformance <base-url> <token>`: see main.ts.
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
});
