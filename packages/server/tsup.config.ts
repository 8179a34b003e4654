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
    // The library and its store test kit (`@scim/server/testing`), for ESM and CJS.
    ...shared,
    entry: {
      index: 'src/index.ts',
      testing: 'src/testing.ts',
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
    // The SQLite store's reader thread (dist/sqlite-reader.*, which the store starts as a worker
    // from the file next to its own bundle; no types), for ESM and CJS. A bundle of its own, with
    // the one function it uses from @scim/protocol inside: a reader starts again after it ended for
    // being idle, and loading the whole of @scim/protocol (and the chunks it would share with the
    // library) took most of that start's CPU (docs/benchmarks.md, "Resident memory").
    ...shared,
    // The checkpoint thread (dist/sqlite-checkpoint.*) too: Node's modules and the file identity only.
    entry: {
      'sqlite-reader': 'src/store/sqlite-reader.ts',
      'sqlite-checkpoint': 'src/store/sqlite-checkpoint.ts',
    },
    format: ['esm', 'cjs'],
    noExternal: ['@scim/protocol'],
    // From its source, whose modules say they have no side effects: only `foldCase` is bundled.
    esbuildOptions(options) {
      options.conditions = ['@scim/source'];
    },
  },
  {
    // The `scim-server` bin (dist/cli.js, its shebang kept): ESM only, since `bin` runs nothing else.
    ...shared,
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
  },
]);
