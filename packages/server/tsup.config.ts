import { defineConfig } from 'tsup';

export default defineConfig({
  // The library, its store test kit (`@scim/server/testing`), the `scim-server` bin (dist/cli.js,
  // its shebang kept; no types), and the SQLite store's reader thread (dist/sqlite-reader.js, which
  // the store starts as a worker from the file next to its own bundle; no types).
  entry: {
    index: 'src/index.ts',
    testing: 'src/testing.ts',
    cli: 'src/cli/main.ts',
    'sqlite-reader': 'src/store/sqlite-reader.ts',
  },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', testing: 'src/testing.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node22',
  // `import.meta.url` in the CommonJS build too (the store finds its reader module by it).
  shims: true,
  // Keep `node:` on imports: `node:sqlite` exists only under that name.
  removeNodeProtocol: false,
});
