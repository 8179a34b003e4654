import { defineConfig } from 'tsup';

export default defineConfig({
  // The library, its store test kit (`@scim/server/testing`), and the `scim-server` bin
  // (dist/cli.js, its shebang kept; no types).
  entry: { index: 'src/index.ts', testing: 'src/testing.ts', cli: 'src/cli/main.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', testing: 'src/testing.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node22',
  // Keep `node:` on imports: `node:sqlite` exists only under that name.
  removeNodeProtocol: false,
});
