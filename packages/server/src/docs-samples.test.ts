// Every `ts` code sample of the server guide (docs/server.md) and of the README typechecks against
// the real API: each sample is a module of its own, compiled with the package's compiler options;
// the few names a sample uses without defining them (`store`, `handler`, your app's functions) are
// declared once, globally, below.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const guides = {
  'docs/server.md': join(root, '../../docs/server.md'),
  'packages/server/README.md': join(root, 'README.md'),
};

const prelude = `
declare const store: import('@scim/server').SqliteStore;
declare const authenticate: import('@scim/server').Authenticator;
declare const handler: import('@scim/server').ScimHandler;
declare const app: { all(path: string, h: (c: { req: { raw: Request } }) => Promise<Response>): void };
declare const Bun: { serve(options: { fetch: (request: Request) => Promise<Response> }): void };
declare function invite(tenant: string, id: string, userName: unknown): Promise<void>;
declare function revokeSessions(tenant: string, id: string): Promise<void>;
declare function grant(tenant: string, id: string, members: readonly string[]): Promise<void>;
declare function loadCursor(): Promise<string | undefined>;
declare function saveCursor(cursor: string | undefined): Promise<void>;
declare function react(event: import('@scim/server').ChangeEvent): Promise<void>;
declare function sleep(ms: number): Promise<void>;
`;
const myStore = `import { memoryStore } from '@scim/server';\nexport const myStore = () => memoryStore();\n`;

function samples(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

function diagnostics(files: Map<string, string>): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error('no tsconfig');
  const host = ts.createCompilerHost(config.options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  host.readFile = (f) => files.get(f) ?? read(f);
  host.fileExists = (f) => files.has(f) || exists(f);
  const dirExists = host.directoryExists?.bind(host);
  host.directoryExists = (d) =>
    [...files.keys()].some((f) => f.startsWith(`${d}/`)) || (dirExists?.(d) ?? false);
  const getSource = host.getSourceFile.bind(host);
  host.getSourceFile = (f, v, ...rest) => {
    const text = files.get(f);
    return text === undefined ? getSource(f, v, ...rest) : ts.createSourceFile(f, text, v);
  };
  const program = ts.createProgram([...files.keys()], { ...config.options, noEmit: true }, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file === undefined || files.has(d.file.fileName))
    .map((d) => {
      const where = d.file
        ? `${d.file.fileName.slice(root.length + 1)}:${(d.file.getLineAndCharacterOfPosition(d.start ?? 0).line ?? 0) + 1}`
        : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

describe('the guide samples', () => {
  it('typecheck against the real API', () => {
    const dir = join(root, 'src', '__docs_samples__');
    const files = new Map<string, string>([
      [join(dir, 'prelude.d.ts'), prelude],
      [join(dir, 'my-store.ts'), myStore],
    ]);
    let count = 0;
    for (const [name, file] of Object.entries(guides)) {
      samples(file).forEach((code, i) => {
        files.set(join(dir, `${name.replace(/\W+/g, '_')}_${i + 1}.ts`), `${code}\nexport {};\n`);
        count++;
      });
    }
    expect(count).toBeGreaterThan(10);
    expect(diagnostics(files)).toEqual([]);
  }, 60_000);
});
