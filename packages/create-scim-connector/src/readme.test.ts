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
    // The template's npm commands, written for the package manager chosen.
    expect(readme).toContain(
      '1. Run `pnpm run token create --tenant <tenant>` in the project.\n2. Copy the token.',
    );
    expect(readme).toContain('`DATABASE_URL`, here PostgreSQL: `postgres://localhost:5432/fixture`');
    expect(readme).toContain(
      '* `pnpm run token create` issues a Secret Token and prints the Tenant URL; `pnpm run token --help` lists its other commands',
    );
    expect(readme).not.toMatch(/pnpm token\b/);
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

  it("writes the template's own token commands, runnable as written, and points at entra/mapping.json", () => {
    const vault = generateReadme(
      {
        ...manifest,
        tokenCommands: [
          ['create', '--organization', 'contoso'],
          ['activate', '--organization', 'contoso'],
        ],
      },
      { name: 'a', store: manifest.stores[0]!, packageManager: 'npm' },
    );
    expect(vault).toContain(
      '* `npm run token -- create --organization contoso`, then `npm run token -- activate --organization contoso` issues a Secret Token',
    );
    expect(vault).toContain('`entra/mapping.json` holds these mappings');
    const underYarn = generateReadme(manifest, {
      name: 'a',
      store: manifest.stores[0]!,
      packageManager: 'yarn',
    });
    expect(underYarn).toContain('* `yarn token create` issues');
    expect(underYarn).toContain('Run `yarn token create --tenant <tenant>` in the project.');
  });
});
