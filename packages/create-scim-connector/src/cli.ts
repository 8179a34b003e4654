#!/usr/bin/env node
// The `create-scim-connector` bin: the real context (node:fs, @clack/prompts on a terminal, child
// processes) around runCli. @clack/prompts is loaded only when there is a terminal to talk to.
import { spawn as spawnProcess } from 'node:child_process';
import type { ScaffoldContext, ScaffoldLog, ScaffoldPrompt, ScaffoldSpawn } from './context.ts';
import { CreateConnectorError } from './errors.ts';
import { runCli } from './run-cli.ts';

const isTTY = process.stdin.isTTY === true && process.stdout.isTTY === true && !process.env.CI;
const clack = isTTY ? await import('@clack/prompts') : undefined;

function answered<T>(value: T): Exclude<T, symbol> {
  if (clack?.isCancel(value)) throw new CreateConnectorError('cancelled', {});
  return value as Exclude<T, symbol>;
}

function terminal(): NonNullable<typeof clack> {
  // resolveOptions never asks without a terminal; this guards the contract.
  if (!clack) throw new Error('create-scim-connector: a prompt was asked without a terminal');
  return clack;
}

const prompt: ScaffoldPrompt = {
  text: async ({ message, placeholder, defaultValue, initialValue, validate }) =>
    answered(
      await terminal().text({
        message,
        ...(placeholder === undefined ? {} : { placeholder }),
        ...(defaultValue === undefined ? {} : { defaultValue }),
        ...(initialValue === undefined ? {} : { initialValue }),
        ...(validate === undefined ? {} : { validate: (value: string | undefined) => validate(value ?? '') }),
      }),
    ),
  select: async ({ message, options, initialValue }) =>
    answered(
      await terminal().select({
        message,
        options: options.map((o) => ({
          value: o.value,
          label: o.label,
          ...(o.hint ? { hint: o.hint } : {}),
        })) as never,
        ...(initialValue === undefined ? {} : { initialValue }),
      }),
    ) as never,
  confirm: async ({ message, initialValue }) =>
    answered(await terminal().confirm({ message, ...(initialValue === undefined ? {} : { initialValue }) })),
};

const spawn: ScaffoldSpawn = (command, args, { cwd, env }) =>
  new Promise((resolve, reject) => {
    const child = spawnProcess(command, [...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });

const log: ScaffoldLog = clack
  ? { info: (m) => clack.log.info(m), step: (m) => clack.log.step(m), warn: (m) => clack.log.warn(m) }
  : {
      info: (m) => console.log(m),
      step: (m) => console.log(`- ${m}`),
      warn: (m) => console.warn(`warning: ${m}`),
    };

const context: ScaffoldContext = { cwd: process.cwd(), env: process.env, isTTY, prompt, spawn, log };

try {
  clack?.intro('create-scim-connector');
  process.exitCode = await runCli(process.argv.slice(2), context, {
    out: (text) => console.log(text),
    err: (text) => console.error(`error: ${text}`),
  });
  if (process.exitCode === 0) clack?.outro('Done.');
} catch (error) {
  console.error('create-scim-connector failed unexpectedly; please report this:', error);
  process.exitCode = 1;
}
