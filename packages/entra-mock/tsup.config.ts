import { defineConfig } from 'tsup';

export default defineConfig({
  // The library, its vitest helpers, and the `entra-mock` bin (dist/cli.js, its shebang kept; no types).
  entry: { index: 'src/index.ts', vitest: 'src/vitest.ts', cli: 'src/cli/bin.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', vitest: 'src/vitest.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node22',
  removeNodeProtocol: false,
});
