import { defineConfig } from 'tsup';

// `pnpm build` empties dist/ first: two configs run side by side, so neither may clean it.
const shared = {
  sourcemap: true,
  target: 'node22',
  // Keep `node:` on imports: `node:sqlite` exists only under that name.
  removeNodeProtocol: false,
} as const;

export default defineConfig([
  {
    // The library, its store test kit (`@scim/server/testing`) and the SQLite store's reader thread
    // (dist/sqlite-reader.*, which the store starts as a worker from the file next to its own
    // bundle; no types), for ESM and CJS.
    ...shared,
    entry: {
      index: 'src/index.ts',
      testing: 'src/testing.ts',
      'sqlite-reader': 'src/store/sqlite-reader.ts',
    },
    format: ['esm', 'cjs'],
    // `@internal` declarations stay out of the published types (docs/decisions/0013-api-reports.md).
    dts: {
      entry: { index: 'src/index.ts', testing: 'src/testing.ts' },
      compilerOptions: { stripInternal: true },
    },
    // `import.meta.url` in the CommonJS build too (the store finds its reader module by it).
    shims: true,
  },
  {
    // The `scim-server` bin (dist/cli.js, its shebang kept): ESM only, since `bin` runs nothing else.
    ...shared,
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
  },
]);
