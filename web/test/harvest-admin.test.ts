import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumForTests, expectAccessible, tabTo } from './support/browser.js';
import { openBrowserSession, type BrowserSession, type WebTestServer } from './support/server.js';

const chromiumPath = chromiumForTests();
const UPPSALA = 'urn:example:gms-catalogue:org:region-uppsala';

describe.skipIf(!chromiumPath)('web catalogue: an admin registers a regional catalogue to harvest', () => {
  let session: BrowserSession;
  let server: WebTestServer;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    session = await openBrowserSession(chromiumPath!);
    ({ server, page, errors } = session);
    const token = await server.token('admin');
    await page.goto(`${server.url}/manage`);
    await page.fill('#token', token);
    await page.click('form button[type="submit"]');
    await page.waitForSelector('table tbody tr');
  });

  afterAll(() => session?.close());

  it('registers a source with the keyboard after fixing what the API reports, and switches its schedule off', async () => {
    await page.getByRole('link', { name: 'Harvested catalogues' }).click();
    await page.waitForSelector('text=No catalogue is harvested yet.');
    await expectAccessible(page);

    await tabTo(page, '#field-title');
    await page.keyboard.type('Region Uppsala genomics catalogue');
    await tabTo(page, '#field-identifier');
    await page.keyboard.type('urn:test:harvest-source:uppsala');
    await tabTo(page, '#field-url');
    await page.keyboard.type('https://uppsala.example/dcat/catalog');
    await tabTo(page, '#field-organisation');
    await page.keyboard.type(UPPSALA);
    await tabTo(page, '#field-schedule');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('every day');
    await tabTo(page, 'form.harvest-source button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.field-error');
    expect(await page.locator('.field-error').first().textContent()).toMatch(/duration|ISO 8601/i);
    await expectAccessible(page);

    await page.fill('#field-schedule', 'PT6H');
    await page.click('form.harvest-source button[type="submit"]');
    await page.waitForSelector('text=Registered.');
    const row = page.locator('table tbody tr', { hasText: 'Region Uppsala genomics catalogue' });
    expect(await row.textContent()).toContain('PT6H');
    expect(await row.locator('input[type="checkbox"]').isChecked()).toBe(true);

    await row.locator('input[type="checkbox"]').uncheck();
    await expect.poll(async () => {
      await page.reload();
      await page.waitForSelector('table tbody tr');
      return page.locator('table tbody tr', { hasText: 'Region Uppsala genomics catalogue' }).locator('input[type="checkbox"]').isChecked();
    }, { timeout: 10_000 }).toBe(false);
  });

  it('ran without errors in the page', () => {
    expect(errors.filter((error) => !error.includes('status of 401'))).toEqual([]);
  });
});
