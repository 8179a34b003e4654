import { defineConfig } from 'tsup';

export default defineConfig({
  // The library, and the `scim-server` bin (dist/cli.js, its shebang kept; types for the library only).
  entry: { index: 'src/index.ts', cli: 'src/cli/main.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node22',
  // Keep `node:` on imports: `node:sqlite` exists only under that name.
  removeNodeProtocol: false,
});
