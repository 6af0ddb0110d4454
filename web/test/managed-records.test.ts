import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDatasets } from '../../bench/generate.js';
import { chromiumForTests, expectAccessible } from './support/browser.js';
import { allTitles, openBrowserSession, type BrowserSession, type WebTestServer } from './support/server.js';

const chromiumPath = chromiumForTests();

describe.skipIf(!chromiumPath)('web catalogue: a data manager’s list of records and the parts of a record', () => {
  let session: BrowserSession;
  let server: WebTestServer;
  let page: Page;
  let errors: string[];
  let admin: string;

  beforeAll(async () => {
    session = await openBrowserSession(chromiumPath!);
    ({ server, page, errors } = session);
    admin = await server.token('admin');
    await page.goto(`${server.url}/manage`);
    await page.fill('#token', admin);
    await page.click('form button[type="submit"]');
    await page.waitForSelector('table tbody tr');
  });

  afterAll(() => session?.close());

  const rowTitles = () => page.locator('table tbody tr td:first-child a:first-child').allTextContents();
  const shown = () => page.locator('[data-testid="records-shown"]').textContent();

  it('pages through every record, most recently changed first, with the page in the address', async () => {
    await generateDatasets(server.catalogue.orm, 160);
    await server.catalogue.indexer.drain();
    const every = await allTitles(server, 'filter: { status: [DRAFT, PUBLISHED, WITHDRAWN] }, sort: MODIFIED_DESC', admin);
    expect(every.length).toBeGreaterThan(150);
    const total = every.length.toLocaleString('en-GB');

    await page.goto(`${server.url}/manage`);
    await page.waitForSelector('table tbody tr');
    expect(await shown()).toContain(`Datasets 1–50 of ${total}`);
    expect(await rowTitles()).toEqual(every.slice(0, 50));
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Next page' }).click();
    await page.waitForURL(/\/manage\?page=2$/);
    await page.waitForFunction(() => document.querySelector('[data-testid="records-shown"]')?.textContent?.includes('51–100'));
    expect(await rowTitles()).toEqual(every.slice(50, 100));
    await page.getByRole('link', { name: 'Next page' }).click();
    await page.waitForURL(/page=3$/);
    await page.waitForFunction(() => document.querySelector('[data-testid="records-shown"]')?.textContent?.includes('101–150'));

    // Reached from its address alone, as after a reload; a page beyond the last shows the last.
    await page.reload();
    await page.waitForSelector('table tbody tr');
    expect(await rowTitles()).toEqual(every.slice(100, 150));
    const last = Math.ceil(every.length / 50);
    await page.goto(`${server.url}/manage?page=999`);
    await page.waitForSelector('table tbody tr');
    await expect(page.locator('.paging').textContent()).resolves.toContain(`Page ${last} of ${last}`);
    expect(await rowTitles()).toEqual(every.slice((last - 1) * 50));
    expect(await page.getByRole('link', { name: 'Next page' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Previous page' }).click();
    await page.waitForURL(new RegExp(`page=${last - 1}$`));
    await page.waitForFunction((from) => document.querySelector('[data-testid="records-shown"]')?.textContent?.includes(`${from}–`), String((last - 2) * 50 + 1));
    expect(await rowTitles()).toEqual(every.slice((last - 2) * 50, (last - 1) * 50));
  });

  it('ran without errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
