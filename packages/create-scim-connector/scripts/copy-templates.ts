// Copies the repository's templates/ into this package's templates/ (git-ignored), so that they
// ship inside the tarball. Run by `pnpm build` and `prepack`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundleTemplates } from '../src/bundle.ts';

const pkgDir = join(import.meta.dirname, '..');
const source = join(pkgDir, '..', '..', 'templates');

if (existsSync(source)) {
  const ids = bundleTemplates(source, join(pkgDir, 'templates'));
  console.log(`templates: copied ${ids.length} templates (${ids.join(', ')}) into templates/`);
} else {
  // Outside the repository (installed from a tarball): the bundled copy is all there is.
  console.log('templates: no repository templates/ found; keeping the bundled copy');
}
