import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from '../test/helpers.ts';
import { parseTemplateManifest } from './manifest.ts';
import { attributeTable, generateReadme } from './readme.ts';

const manifest = parseTemplateManifest(
  JSON.parse(readFileSync(join(fixturesDir, 'fixture-basic', 'template.json'), 'utf8')),
);

describe('generateReadme', () => {
  const readme = generateReadme(manifest, {
    name: 'my-app',
    store: manifest.stores[1]!,
    packageManager: 'pnpm',
  });

  it('has the sections of the Entra guides, in their order', () => {
    const headings = readme.split('\n').filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      '# my-app',
      '## Supported capabilities',
      '## Run it',
      '## Tenant URL',
      '## Secret Token',
      '## Attribute mapping',
      '### Users',
      '### Groups',
      '## Limitations',
    ]);
  });

  it('gives the Tenant URL, the token steps, the store and the limitations', () => {
    expect(readme).toContain('```\nhttps://{host}/fixture/scim/v2\n```');
    expect(readme).toContain('* {host} is where you deploy it.');
    expect(readme).toContain('1. Run the token script.\n2. Copy the token.');
    expect(readme).toContain('`DATABASE_URL`, here PostgreSQL: `postgres://localhost:5432/fixture`');
    expect(readme).toContain('`pnpm token create` issues a Secret Token and prints the Tenant URL.');
    expect(readme).toContain(
      "`pnpm test` runs the connector's tests: Entra's conformance kit (`test/conformance.test.ts`: Entra's standard provisioning lifecycle, in both of its SCIM dialects,",
    );
    expect(readme).toContain("and Fixture App's own scenarios with the Entra simulator");
    expect(readme).toContain('* Fixture limitation one.');
    expect(readme).toContain('Filtering: `User userName`, `Group displayName`.');
  });

  it('writes the attribute table with the columns Attribute, Type, Supported for filtering, Required', () => {
    expect(attributeTable(manifest.resources[0]!).split('\n')).toEqual([
      '|Attribute|Type|Supported for filtering|Required|',
      '|---|---|---|---|',
      '|userName|String|&check;|&check;|',
      '|active|Boolean|||',
      '|urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department|String||&check;|',
    ]);
    expect(readme).toContain('|members|Reference|||');
  });

  it('says so when there are no limitations', () => {
    const none = generateReadme(
      { ...manifest, limitations: [] },
      { name: 'a', store: manifest.stores[0]!, packageManager: 'npm' },
    );
    expect(none).toContain('## Limitations\n\n* None known.\n');
    expect(none).toContain('`npm run token -- create`');
  });

  it("writes the template's own token arguments, and points at entra/mapping.json", () => {
    const node = generateReadme(
      { ...manifest, tokenArgs: ['create', '--node', '<node>'] },
      { name: 'a', store: manifest.stores[0]!, packageManager: 'npm' },
    );
    expect(node).toContain('`npm run token -- create --node <node>` issues a Secret Token');
    expect(node).toContain('`entra/mapping.json` holds these mappings');
  });
});
