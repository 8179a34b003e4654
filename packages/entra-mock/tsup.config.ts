import { defineConfig } from 'tsup';

// `pnpm build` empties dist/ first: two configs run side by side, so neither may clean it.
const shared = { sourcemap: true, target: 'node22', removeNodeProtocol: false } as const;

export default defineConfig([
  {
    // The library and its vitest helpers, for ESM and CJS.
    ...shared,
    entry: { index: 'src/index.ts', vitest: 'src/vitest.ts' },
    format: ['esm', 'cjs'],
    // `@internal` declarations stay out of the published types (docs/decisions/0013-api-reports.md).
    dts: { compilerOptions: { stripInternal: true } },
  },
  {
    // The `entra-mock` bin (dist/cli.js, its shebang kept): ESM only, since `bin` runs nothing else.
    ...shared,
    entry: { cli: 'src/cli/bin.ts' },
    format: ['esm'],
  },
]);
