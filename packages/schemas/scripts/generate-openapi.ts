// `pnpm --filter @scim/schemas generate`: writes openapi.json (OpenAPI 3.1, from the schema
// definitions) and src/openapi.generated.ts (its `paths` types, by openapi-typescript).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiJson, openApiTypes } from './openapi.ts';

const root = new URL('..', import.meta.url);
const json = new URL('openapi.json', root);
writeFileSync(json, openApiJson());
// Format it as `biome check` wants it, so that lint passes on the generated file.
execFileSync('pnpm', ['exec', 'biome', 'format', '--write', fileURLToPath(json)], { stdio: 'inherit' });
writeFileSync(new URL('src/openapi.generated.ts', root), await openApiTypes());
console.log('wrote openapi.json and src/openapi.generated.ts');
