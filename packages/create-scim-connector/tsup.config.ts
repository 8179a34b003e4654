import { defineConfig } from 'tsup';

// `pnpm build` empties dist/ first: two configs run side by side, so neither may clean it.

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    // `@internal` declarations stay out of the published types (docs/decisions/0013-api-reports.md).
    dts: { compilerOptions: { stripInternal: true } },
    sourcemap: true,
    shims: true,
    target: 'node22',
  },
  {
    // The bin: ESM only, with the shebang kept from src/cli.ts.
    entry: ['src/cli.ts'],
    format: ['esm'],
    sourcemap: true,
    shims: true,
    target: 'node22',
  },
]);
