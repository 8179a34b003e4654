// The vendor templates' manifests (templates/<id>/template.json at the repository root): each is
// valid, and the README generated from it serves exactly the attribute table of the vendor's Entra
// guide (fixtures/seeds/, copies of Microsoft's tutorials) and of issue 7's table.

import { readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { parseMappingTable } from '@scim/mapping';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScaffoldFileSystem } from '../src/context.ts';
import { generateReadme } from '../src/readme.ts';
import { listTemplates, type TemplateInfo } from '../src/templates.ts';

const repoTemplates = join(import.meta.dirname, '..', '..', '..', 'templates');
const seeds = join(import.meta.dirname, 'fixtures', 'seeds');

interface Row {
  attribute: string;
  type: string;
  filter: boolean;
  required: boolean | undefined;
}

/** The attribute tables of a Markdown text, in order; `required` is undefined when a table has no such column. */
function attributeTables(markdown: string): Row[][] {
  const tables: Row[][] = [];
  let current: Row[] | undefined;
  let hasRequired = false;
  for (const raw of markdown.split('\n')) {
    const line = raw.trim();
    const header = line.replace(/\s*\|\s*/g, '|');
    if (/^\|Attribute\|Type\|Supported for filtering\|/.test(header)) {
      hasRequired = /\|Required[^|]*\|?$/.test(header);
      current = [];
      tables.push(current);
      continue;
    }
    if (!current) continue;
    if (!line.startsWith('|')) {
      current = undefined;
      continue;
    }
    if (/^\|\s*:?-{3,}/.test(line)) continue;
    const cells = line
      .split('|')
      .slice(1)
      .map((c) => c.trim());
    current.push({
      attribute: cells[0]!,
      type: cells[1]!,
      filter: cells[2] === '&check;',
      required: hasRequired ? cells[3] === '&check;' : undefined,
    });
  }
  return tables;
}

const E = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:';

/** Issue 7's table: the attributes each app requires (its `*`), for the guides without a Required column. */
const requiredByIssue: Record<string, string[]> = {
  hoxhunt: [],
  cybsafe: ['userName'],
  keeper: ['userName', 'emails[type eq "work"].value'],
};

/** Keeper's guide has no attribute table; issue 7 gives it (emails linked to userName). */
const keeperFromIssue: Row[][] = [
  [
    { attribute: 'userName', type: 'String', filter: true, required: true },
    { attribute: 'emails[type eq "work"].value', type: 'String', filter: false, required: true },
    { attribute: 'name.givenName', type: 'String', filter: false, required: false },
    { attribute: 'name.familyName', type: 'String', filter: false, required: false },
    { attribute: 'active', type: 'Boolean', filter: false, required: false },
  ],
  [
    { attribute: 'displayName', type: 'String', filter: true, required: true },
    { attribute: 'members', type: 'Reference', filter: false, required: false },
  ],
];

let templates: TemplateInfo[];
beforeAll(async () => {
  templates = await listTemplates(repoTemplates, fs as unknown as ScaffoldFileSystem);
});

function readmeTables(id: string): Row[][] {
  const template = templates.find((t) => t.manifest.id === id)!;
  const readme = generateReadme(template.manifest, {
    name: `${id}-connector`,
    store: template.manifest.stores[0]!,
    packageManager: 'npm',
  });
  return attributeTables(readme);
}

describe('the vendor template manifests', () => {
  it('are the six templates of issue 7, all valid', () => {
    expect(templates.map((t) => t.manifest.id)).toEqual([
      'blank',
      'cybsafe',
      'hoxhunt',
      'hypervault',
      'keeper',
      'vault-platform',
    ]);
  });

  it('offer SQLite by default and PostgreSQL', () => {
    for (const t of templates)
      expect(
        t.manifest.stores.map((s) => s.id),
        t.manifest.id,
      ).toEqual(['sqlite', 'postgres']);
  });

  it('give the Tenant URLs the guides give', () => {
    const url = (id: string) => templates.find((t) => t.manifest.id === id)!.manifest.tenantUrl.pattern;
    expect(url('vault-platform')).toMatch(/\/api\/scim\/\{organization-slug\}$/);
    expect(url('cybsafe')).toMatch(/\/scim\/v2\/$/);
  });
});

describe.each(['hypervault', 'vault-platform', 'hoxhunt', 'cybsafe'])('the %s README', (id) => {
  const guide = readFileSync(join(seeds, `${id}-provisioning.md.txt`), 'utf8');
  const seedTables = attributeTables(guide);

  it("has the guide's attribute tables, row for row and in order", () => {
    const tables = readmeTables(id);
    expect(seedTables.length).toBeGreaterThan(0);
    expect(tables).toHaveLength(seedTables.length);
    seedTables.forEach((seedRows, i) => {
      const names = new Set(seedRows.map((r) => r.attribute));
      const ours = tables[i]!.filter((r) => names.has(r.attribute));
      expect(ours.map(({ attribute, type, filter }) => ({ attribute, type, filter }))).toEqual(
        seedRows.map(({ attribute, type, filter }) => ({ attribute, type, filter })),
      );
      if (seedRows[0]!.required !== undefined) {
        expect(ours.map((r) => [r.attribute, r.required])).toEqual(
          seedRows.map((r) => [r.attribute, r.required]),
        );
      } else {
        const required = tables[i]!.filter((r) => r.required).map((r) => r.attribute);
        expect(required).toEqual(i === 0 ? requiredByIssue[id] : []);
      }
    });
  });

  it('adds only attributes the guide names elsewhere (its change log)', () => {
    const tables = readmeTables(id);
    const extras = tables.flatMap((rows, i) =>
      rows.filter((r) => !seedTables[i]!.some((s) => s.attribute === r.attribute)).map((r) => r.attribute),
    );
    const changeLog = guide.slice(guide.indexOf('## Change Log'));
    for (const extra of extras) expect(changeLog, extra).toContain(`"${extra}"`);
    expect(extras).toEqual(id === 'hoxhunt' ? ['preferredLanguage', `${E}division`] : []);
  });
});

describe('the keeper README', () => {
  it('has no table in the guide to compare with, so follows issue 7', () => {
    const guide = readFileSync(join(seeds, 'keeper-provisioning.md.txt'), 'utf8');
    expect(attributeTables(guide)).toEqual([]);
    expect(guide).toContain('requires **emails** and **userName** to have the same source value');
    expect(readmeTables('keeper')).toEqual(keeperFromIssue);
  });

  it('states the limitations of the guide', () => {
    const limitations = templates.find((t) => t.manifest.id === 'keeper')!.manifest.limitations.join('\n');
    expect(limitations).toMatch(/DELETE disables the user/);
    expect(limitations).toMatch(/locked/);
    expect(limitations).toMatch(/emails and userName share one value/);
  });
});

describe('the blank README', () => {
  it('serves core User and Group, filtering on every attribute (no filterable list is set)', () => {
    const [users, groups] = readmeTables('blank');
    expect(users!.map((r) => r.attribute).slice(0, 2)).toEqual(['userName', 'externalId']);
    expect(groups!.map((r) => r.attribute)).toEqual(['displayName', 'externalId', 'members']);
    expect([...users!, ...groups!].every((r) => r.filter)).toBe(true);
    expect([...users!, ...groups!].every((r) => !r.attribute.startsWith('urn:'))).toBe(true);
  });
});

describe.each(['blank', 'cybsafe', 'hoxhunt', 'hypervault', 'keeper', 'vault-platform'])(
  'the %s Entra mappings (entra/mapping.json)',
  (id) => {
    const json = JSON.parse(readFileSync(join(repoTemplates, id, 'entra', 'mapping.json'), 'utf8')) as {
      users: unknown;
      groups?: unknown;
    };

    it('are mapping tables @scim/mapping accepts, one per resource the template serves', () => {
      const manifest = templates.find((t) => t.manifest.id === id)!.manifest;
      const users = parseMappingTable(json.users);
      expect(users.objectType).toBe('User');
      const served = manifest.resources.map((r) => r.name);
      if (served.includes('Group')) expect(parseMappingTable(json.groups).objectType).toBe('Group');
      else expect(json.groups).toBeUndefined();
    });

    it("map exactly the README's attribute table, in order, matching on a filterable attribute", () => {
      const manifest = templates.find((t) => t.manifest.id === id)!.manifest;
      for (const resource of manifest.resources) {
        const table = parseMappingTable(resource.name === 'User' ? json.users : json.groups);
        expect(
          table.mappings.map((m) => m.target),
          resource.name,
        ).toEqual(resource.attributes.map((a) => a.name));
        const filterable = new Set(resource.attributes.filter((a) => a.filter).map((a) => a.name));
        const matching = table.mappings.filter((m) => m.matchingPrecedence !== undefined);
        expect(matching.length, resource.name).toBeGreaterThan(0);
        for (const m of matching) expect(filterable.has(m.target), `${resource.name} ${m.target}`).toBe(true);
      }
    });
  },
);
