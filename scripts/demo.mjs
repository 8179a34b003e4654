#!/usr/bin/env node
// The project's main job for now (`./dev start`): shows what the SDK's packages do, from their built
// output, the way a user's code would import them. The connector-and-Entra demo replaces it once
// @scim/server and @scim/entra-mock are complete.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const bold = (s) => `\x1b[1m${s}\x1b[0m`;
const dim = (s) => `\x1b[2m${s}\x1b[0m`;

async function load(dir) {
  const pkg = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
  const entry = join(root, 'packages', dir, 'dist', 'index.js');
  if (pkg.private || !existsSync(entry)) return undefined;
  return { pkg, mod: await import(pathToFileURL(entry).href) };
}

console.log(bold('\nSCIM SDK: the packages in this checkout\n'));
const loaded = {};
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const found = await load(dir);
  if (!found) continue;
  loaded[found.pkg.name] = found.mod;
  const names = Object.keys(found.mod).filter((n) => n !== 'default');
  console.log(
    `  ${bold(found.pkg.name.padEnd(22))} ${String(names.length).padStart(3)} exports  ${dim(found.pkg.description)}`,
  );
}

const schemas = loaded['@scim/schemas'];
if (schemas) {
  console.log(bold('\n@scim/schemas: the RFC 7643 User schema, as data\n'));
  for (const a of schemas.userSchema.attributes.slice(0, 6)) {
    console.log(
      `  ${a.name.padEnd(18)} ${a.type.padEnd(9)} ${a.multiValued ? 'multi ' : 'single'} ${a.required ? 'required' : 'optional'}  caseExact=${a.caseExact}`,
    );
  }
  console.log(dim(`  ... ${schemas.userSchema.attributes.length} attributes in all`));
  console.log(bold('\n@scim/schemas: an error as Entra ID receives it\n'));
  const error = new schemas.ScimError(
    'uniqueness',
    'userName "bjensen@example.com" is already taken (userName is case-insensitive); query it with filter=userName eq "bjensen@example.com" and update that user',
  );
  console.log(`  HTTP ${error.status}  ${JSON.stringify(error.toJSON())}`);
}

const protocol = loaded['@scim/protocol'];
if (protocol?.parseFilter) {
  console.log(bold('\n@scim/protocol: a filter Entra sends, parsed\n'));
  const text = 'userName eq "Test_User_dfeef4c5-5681-4387-b016-bdf221e82081"';
  console.log(`  ${text}\n  ${dim(JSON.stringify(protocol.parseFilter(text)))}`);
}

console.log(`\nNext: ${bold('./dev test')} runs every test; docs/README.md lists the guides.\n`);
