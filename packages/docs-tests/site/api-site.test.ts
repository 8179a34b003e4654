// The generated API reference (docs/api, from `pnpm run docs`) in headless Chromium, served over
// HTTP on loopback: the landing page lists every published package and guide, and following the
// links, the sidebar and the search leads to each package's page (named by the package, its README
// on it), each guide and a declaration, with no broken link and no script error on the way.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, serveStatic } from './browser.ts';

const repo = join(import.meta.dirname, '..', '..', '..');
const site = join(repo, 'docs', 'api');

/** The published packages and the first heading of their README. */
const packages = readdirSync(join(repo, 'packages'))
  .map((d) => join(repo, 'packages', d))
  .filter((d) => existsSync(join(d, 'package.json')))
  .map((d) => ({ dir: d, pkg: JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private)
  .map(({ dir, pkg }) => ({
    name: pkg.name as string,
    readmeTitle: /^#\s+(.*)$/m.exec(readFileSync(join(dir, 'README.md'), 'utf8'))?.[1]?.replaceAll('`', ''),
  }));

let browser: { context: BrowserContext; close: () => Promise<void> };
let server: Server;
let base: string;
const errors: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(site, 'index.html')))
    throw new Error('docs/api/index.html is missing: run `pnpm run docs` first (./dev test does)');
  browser = await launch();
  ({ server, url: base } = await serveStatic(site));
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

async function open(path: string): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(`${path}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      errors.push(`${path}: ${m.text()}`);
  });
  // Every file a page asks for exists (but the favicon, which the site does not ship).
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico'))
      errors.push(`${path}: ${r.status()} ${r.url()}`);
  });
  const response = await page.goto(new URL(path, base).href);
  expect(response?.status(), path).toBe(200);
  return page;
}

describe('the API reference in a browser', () => {
  it('lands on a page listing every published package and the guides', async () => {
    const page = await open('index.html');
    expect((await page.locator('h1').first().textContent())?.trim()).toBe('SCIM SDK');
    const listed = await page.locator('h2:has-text("Packages") + table a').allTextContents();
    for (const { name } of packages) expect(listed).toContain(name);
    const guides = await page.locator('h2:has-text("Guides") + ul a').allTextContents();
    expect(guides).toEqual(expect.arrayContaining(['Getting started', 'Server guide']));
    await page.close();
  });

  it.each(packages)(
    "follows the landing page to $name's page: named by the package, its README on it",
    async ({ name, readmeTitle }) => {
      const page = await open('index.html');
      await page.locator('h2:has-text("Packages") + table a', { hasText: new RegExp(`^${name}$`) }).click();
      await page.waitForLoadState('load');
      expect((await page.locator('h1').first().textContent())?.trim()).toBe(`Module ${name}`);
      expect(readmeTitle).toBeDefined();
      await expect(
        page.locator('.tsd-typography h1, .tsd-typography h2').first().textContent(),
      ).resolves.toBe(readmeTitle);
      // A declaration of the package, from its page.
      const first = page.locator('.tsd-member-summary a, .tsd-index-link').first();
      const declaration = (await first.textContent()) ?? '';
      await first.click();
      await page.waitForLoadState('load');
      expect(await page.locator('h1').first().textContent()).toContain(declaration.trim());
      await page.close();
    },
  );

  it('follows each guide from the landing page, and its links to other guides', async () => {
    const page = await open('index.html');
    const count = await page.locator('h2:has-text("Guides") + ul a').count();
    expect(count).toBeGreaterThanOrEqual(6);
    for (let i = 0; i < count; i++) {
      await page.goto(new URL('index.html', base).href);
      const link = page.locator('h2:has-text("Guides") + ul a').nth(i);
      const title = (await link.textContent()) ?? '';
      await link.click();
      await page.waitForLoadState('load');
      expect(page.url(), title).toMatch(/\/documents\/[^/]+\.html$/);
      expect((await page.locator('h1').first().textContent())?.trim(), title).not.toBe('');
    }
    // A guide's relative link to another guide (getting-started.md -> server.md) stays in the site.
    await page.goto(new URL('index.html', base).href);
    await page.locator('h2:has-text("Guides") + ul a', { hasText: 'Getting started' }).click();
    await page.waitForLoadState('load');
    await page.locator('.tsd-typography a', { hasText: 'server.md' }).first().click();
    await page.waitForLoadState('load');
    expect(page.url()).toMatch(/\/documents\/Server_guide\.html$/);
    await page.close();
  });

  it('has a sidebar that names every package and guide, and no broken link on the landing page', async () => {
    const page = await open('index.html');
    await page.locator('nav.tsd-navigation a').first().waitFor();
    const sidebar = (await page.locator('nav.tsd-navigation').textContent()) ?? '';
    for (const { name } of packages) expect(sidebar).toContain(name);
    expect(sidebar).toContain('Getting started');
    expect(sidebar).not.toMatch(/packages\/|\/src\b/);
    const hrefs = await page
      .locator('a[href]')
      .evaluateAll((as) =>
        as.map((a) => (a as HTMLAnchorElement).href).filter((h) => h.startsWith('http://127.0.0.1')),
      );
    expect(hrefs.length).toBeGreaterThan(10);
    for (const href of new Set(hrefs.map((h) => h.replace(/#.*$/, '')))) {
      expect((await fetch(href)).status, href).toBe(200);
    }
    await page.close();
  });

  it('finds a declaration with the search box', async () => {
    const page = await open('index.html');
    await page.locator('#tsd-search-trigger, #tsd-search .tsd-widget.search').first().click();
    await page.keyboard.type('createScimHandler');
    const result = page.locator('#tsd-search-results li a, .results li a').first();
    await result.waitFor();
    expect(await result.textContent()).toContain('createScimHandler');
    await page.close();
  });

  it('raised no script error and asked for no missing file on any page', () => {
    expect(errors).toEqual([]);
  });
});
