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
    entry: { index: 'src/index.ts', testing: 'src/testing.ts' },
    format: ['esm', 'cjs'],
    dts: true,
  },
  {
    // The `scim-server` bin (dist/cli.js, its shebang kept): ESM only, since `bin` runs nothing else.
    ...shared,
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
  },
]);
