import { describe, expect, it } from 'vitest';
import { shellCommands } from './shell.ts';

describe('shellCommands', () => {
  it('reads the commands of the sh fences, without comments or blank lines', () => {
    const md = [
      'Text',
      '```sh',
      'cd my-app',
      '',
      'npm run token -- create   # a comment',
      '```',
      '```ts',
      'x;',
      '```',
    ];
    expect(shellCommands(md.join('\n'))).toEqual([
      { line: 3, text: 'cd my-app', argv: ['cd', 'my-app'] },
      { line: 5, text: 'npm run token -- create', argv: ['npm', 'run', 'token', '--', 'create'] },
    ]);
  });

  it('refuses a command that needs a shell to mean what it says', () => {
    expect(() => shellCommands('```sh\nTOKEN=$(npm run token)\n```')).toThrow(
      'line 2: "TOKEN=$(npm run token)" needs a shell',
    );
  });
});
