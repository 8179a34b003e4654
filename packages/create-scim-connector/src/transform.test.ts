import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCreateConnectorError } from './errors.ts';
import {
  projectFileName,
  publishedRange,
  replaceWorkspaceRanges,
  setEnvValue,
  setPackageName,
  stripRepositoryOnlyLines,
} from './transform.ts';

describe('projectFileName', () => {
  it('renames stored dotfiles and leaves the rest', () => {
    expect(projectFileName('_gitignore')).toBe('.gitignore');
    expect(projectFileName('_env.example')).toBe('.env.example');
    expect(projectFileName('_npmrc')).toBe('.npmrc');
    expect(projectFileName('_app.ts')).toBe('_app.ts');
    expect(projectFileName('gitignore')).toBe('gitignore');
  });
});

describe('publishedRange', () => {
  it.each([
    ['workspace:*', '^1.2.3'],
    ['workspace:^', '^1.2.3'],
    ['workspace:~', '~1.2.3'],
    ['workspace:^1.0.0', '^1.0.0'],
    ['workspace:1.2.0', '1.2.0'],
  ])('turns %s into %s', (range, expected) => {
    expect(publishedRange(range, '1.2.3')).toBe(expected);
  });
});

describe('replaceWorkspaceRanges', () => {
  const pkg = JSON.stringify({
    name: 'x',
    dependencies: { '@scim/server': 'workspace:^', zod: '^4.0.0' },
    devDependencies: { '@scim/entra-mock': 'workspace:*' },
    peerDependencies: { '@scim/schemas': 'workspace:~' },
  });

  it('replaces every workspace range from the table and keeps the others', () => {
    const versions = { '@scim/server': '0.3.0', '@scim/entra-mock': '0.2.0', '@scim/schemas': '0.1.0' };
    const { text, replaced } = replaceWorkspaceRanges(pkg, versions, 't');
    const out = JSON.parse(text);
    expect(out.dependencies).toEqual({ '@scim/server': '^0.3.0', zod: '^4.0.0' });
    expect(out.devDependencies).toEqual({ '@scim/entra-mock': '^0.2.0' });
    expect(out.peerDependencies).toEqual({ '@scim/schemas': '~0.1.0' });
    expect(replaced).toEqual({
      '@scim/server': '^0.3.0',
      '@scim/entra-mock': '^0.2.0',
      '@scim/schemas': '~0.1.0',
    });
    expect(text).not.toContain('workspace:');
  });

  it('refuses a workspace dependency the table does not know', () => {
    try {
      replaceWorkspaceRanges(pkg, { '@scim/server': '0.3.0' }, 'keeper');
      expect.unreachable();
    } catch (error) {
      expect(isCreateConnectorError(error) && error.args).toEqual({
        dependency: '@scim/entra-mock',
        template: 'keeper',
      });
    }
  });
});

describe('setPackageName', () => {
  it('sets the name first and keeps the rest', () => {
    const text = setPackageName(
      JSON.stringify({ private: true, name: '@scim/template-x', version: '0.0.0' }),
      'my-app',
    );
    expect(Object.keys(JSON.parse(text))).toEqual(['name', 'private', 'version']);
    expect(JSON.parse(text).name).toBe('my-app');
    expect(text.endsWith('}\n')).toBe(true);
  });
});

describe('setEnvValue', () => {
  it('replaces the line or appends one', () => {
    expect(setEnvValue('A=1\nDATABASE_URL=x\nB=2\n', 'DATABASE_URL', 'file:./d.db')).toBe(
      'A=1\nDATABASE_URL=file:./d.db\nB=2\n',
    );
    expect(setEnvValue('A=1', 'DATABASE_URL', 'y')).toBe('A=1\nDATABASE_URL=y\n');
    expect(setEnvValue('', 'K', '$1')).toBe('K=$1\n');
  });

  it('leaves exactly one line for the key, with the value, whatever the text', () => {
    const line = fc.stringMatching(/^[A-Z_]{1,8}=[^\n]{0,10}$/);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 6 }), fc.stringMatching(/^[^\n]{0,20}$/), (lines, value) => {
        const unique = [...new Map(lines.map((l) => [l.split('=')[0], l])).values()];
        const out = setEnvValue(unique.join('\n'), 'DATABASE_URL', value);
        expect(out.split('\n').filter((l) => l.startsWith('DATABASE_URL='))).toEqual([
          `DATABASE_URL=${value}`,
        ]);
      }),
    );
  });
});

describe('stripRepositoryOnlyLines', () => {
  it('removes the lines marked sdk-repository-only and keeps the others as they are', () => {
    const tsconfig = [
      '{',
      '  "compilerOptions": {',
      '    "customConditions": ["@scim/source"], // sdk-repository-only',
      '    "strict": true',
      '  }',
      '}',
      '',
    ].join('\n');
    expect(stripRepositoryOnlyLines(tsconfig)).toBe(
      '{\n  "compilerOptions": {\n    "strict": true\n  }\n}\n',
    );
    expect(stripRepositoryOnlyLines('a\r\nb\n')).toBe('a\r\nb\n');
  });

  it('leaves no marked line and every unmarked one, in order', () => {
    const line = fc.oneof(fc.stringMatching(/^[a-z ]{0,8}$/), fc.constant('x // sdk-repository-only'));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
        const out = stripRepositoryOnlyLines(lines.join('\n'));
        const kept = lines.filter((l) => !l.includes('sdk-repository-only'));
        if (kept.length === lines.length) expect(out).toBe(lines.join('\n'));
        else expect(out).toBe(kept.join('\n'));
      }),
    );
  });
});
