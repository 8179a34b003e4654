// `pnpm generate`: writes src/graph/openapi.generated.ts from openapi/graph-subset.json.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generatedUrl, renderGraphTypes } from './graph-types.ts';

await writeFile(generatedUrl, await renderGraphTypes());
console.log(`generate: wrote ${fileURLToPath(generatedUrl)}`);
