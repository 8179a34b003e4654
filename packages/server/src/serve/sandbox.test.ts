// useConnectorSandbox: a fresh directory and environment per test, removed after it, and the token
// command's output kept in the order written.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type TokenCommandRunner, useConnectorSandbox } from './sandbox.ts';

// A token command that writes the database it was given, then an error line, and exits with 3.
const runTokenCommand: TokenCommandRunner = async (argv, { env, out, err }) => {
  out(`${argv.join(' ')} on ${env.DATABASE_URL}`);
  err('to standard error');
  return 3;
};

describe('useConnectorSandbox', () => {
  const sandbox = useConnectorSandbox({
    runTokenCommand,
    env: (dir) => ({ PUBLIC_URL: 'https://scim.example.com', PORT: '8080', EXTRA_FILE: join(dir, 'x.json') }),
  });
  let previous = '';

  it('gives the test a directory, an SQLite file in it, and the environment the options add', () => {
    expect(existsSync(sandbox.dir)).toBe(true);
    expect(sandbox.env).toEqual({
      DATABASE_URL: `file:${join(sandbox.dir, 'data', 'connector.db')}`,
      PORT: '8080',
      PUBLIC_URL: 'https://scim.example.com',
      EXTRA_FILE: join(sandbox.dir, 'x.json'),
    });
    previous = sandbox.dir;
    sandbox.env.HOST = '127.0.0.1';
  });

  it('gives the next test another directory and a new environment, and removed the last one', () => {
    expect(previous).not.toBe('');
    expect(sandbox.dir).not.toBe(previous);
    expect(existsSync(previous)).toBe(false);
    expect(sandbox.env.HOST).toBeUndefined();
  });

  it('runs the token command on the environment as it is when called, keeping every line', async () => {
    const { token } = sandbox;
    expect(await token(['list'])).toEqual({
      code: 3,
      lines: [`list on file:${join(sandbox.dir, 'data', 'connector.db')}`, 'to standard error'],
    });
    sandbox.env = { DATABASE_URL: 'postgres://db/scim' };
    expect((await token(['create', '--label', 'Entra'])).lines[0]).toBe(
      'create --label Entra on postgres://db/scim',
    );
  });
});
