import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDatasets } from '../../bench/generate.js';
import { chromiumForTests, expectAccessible } from './support/browser.js';
import { allTitles, openBrowserSession, type BrowserSession, type WebTestServer } from './support/server.js';

const chromiumPath = chromiumForTests();
const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
/** A published dataset of the seed. */
const LEUKAEMIA = 'urn:example:gms-catalogue:dataset:al-wgs-wts';

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

  async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data: T; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data;
  }

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

  it('removes the whole consent scope and access route of a draft, after asking, when the draft is saved', async () => {
    const { createDataset } = await graphql<{ createDataset: { dataset: { id: string } } }>(
      `mutation($input: DatasetInput!) { createDataset(input: $input) { dataset { id } } }`,
      {
        input: {
          title: 'Parts to remove browsertestparts',
          description: 'A draft whose consent scope and access route are removed.',
          publisher: STOCKHOLM,
          consent: { duoPermission: 'HMB', duoModifiers: [{ code: 'DUO:0000021' }], ethicsApproval: { authority: 'Etikprövningsmyndigheten', reference: '2024-01234' } },
          accessRoute: { accessMode: 'SECURE_PROCESSING_ENVIRONMENT', steps: [{ order: 1, requirement: 'ETHICS_APPROVAL', body: 'urn:example:gms-catalogue:dab:etik' }] },
        },
      },
    );
    const id = createDataset.dataset.id;
    await page.goto(`${server.url}/manage/datasets/${encodeURIComponent(id)}`);
    await page.waitForSelector('[data-testid="record-status"]');
    expect(await page.isChecked('[id="duo-DUO:0000006"]')).toBe(true);

    // Asked first; keeping it changes nothing and gives the focus back to the button.
    await page.getByRole('button', { name: 'Remove the consent scope' }).click();
    await page.waitForSelector('#remove-consent-confirm:focus');
    expect(await page.locator('[role="group"][aria-labelledby="remove-consent-question"]').textContent()).toMatch(/legal bases, ethics approval/);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'No, keep it' }).click();
    await page.waitForSelector('#remove-consent:focus');
    expect(await page.isChecked('[id="duo-DUO:0000006"]')).toBe(true);

    await page.getByRole('button', { name: 'Remove the consent scope' }).click();
    await page.getByRole('button', { name: 'Yes, remove it' }).click();
    await page.waitForSelector('#remove-consent-removed:focus');
    expect(await page.isChecked('[id="duo-DUO:0000006"]')).toBe(false);
    expect(await page.isChecked('[id="duo-DUO:0000021"]')).toBe(false);
    await page.getByRole('button', { name: 'Remove the access route' }).click();
    await page.getByRole('button', { name: 'Yes, remove it' }).click();
    await page.waitForSelector('#remove-route-removed:focus');
    expect(await page.locator('.steps > li').count()).toBe(0);
    expect(await page.inputValue('#field-accessRoute-accessMode')).toBe('');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForSelector('text=Saved.');
    const { dataset } = await graphql<{ dataset: unknown }>('query($id: ID!) { dataset(id: $id) { version title consent { duoPermission } accessRoute { accessMode } } }', { id });
    expect(dataset).toEqual({ version: 2, title: 'Parts to remove browsertestparts', consent: null, accessRoute: null });
    // Nothing left to remove, and nothing said about it.
    expect(await page.locator('#remove-consent, #remove-consent-removed, #remove-route, #remove-route-removed').count()).toBe(0);
  });

  it('offers no removal on a published dataset, and says why', async () => {
    await page.goto(`${server.url}/manage/datasets/${encodeURIComponent(LEUKAEMIA)}`);
    await page.waitForSelector('[data-testid="record-status"]');
    expect(await page.locator('#remove-consent, #remove-route').count()).toBe(0);
    await expect(page.locator('text=A published dataset keeps its consent scope; withdraw the dataset to remove it.').count()).resolves.toBe(1);
    await expect(page.locator('text=A published dataset keeps its access route; withdraw the dataset to remove it.').count()).resolves.toBe(1);
  });

  it('says what is wrong in Swedish in the Swedish interface, beside each field and in the summary, as the form names it', async () => {
    await page.goto(`${server.url}/manage/datasets/new`);
    await page.waitForSelector('input[name="duo-permission"]');
    await page.getByRole('button', { name: 'Byt till svenska' }).click();
    await page.waitForSelector('label[for="field-title"]:text("Titel")');
    await page.fill('#field-description', 'Ett dataset utan titel, med en felskriven e-postadress.');
    await page.selectOption('#field-accessRoute-accessMode', 'SECURE_PROCESSING_ENVIRONMENT');
    await page.fill('#field-accessRoute-contactEmail', 'inte en adress');
    await page.getByRole('button', { name: 'Spara utkast' }).click();
    await page.waitForSelector('#form-problems');

    const summary = (await page.locator('#form-problems').textContent()) ?? '';
    expect(summary).toContain('Inget sparades.');
    expect(summary).toContain('Kontakt-e-post: Värdet godtas inte; kontrollera vad fältet ska innehålla.');
    expect(summary).toMatch(/Titel: Måste anges\./);
    expect(summary).not.toMatch(/\b(is|must|required|not an?)\b/);
    const email = page.locator('#field-accessRoute-contactEmail');
    const described = (await email.getAttribute('aria-describedby'))?.split(' ') ?? [];
    const spoken = await Promise.all(described.map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(spoken).toEqual(['Värdet godtas inte; kontrollera vad fältet ska innehålla.']);
    await expectAccessible(page);

    // The English interface keeps the API's own words.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.waitForSelector('label[for="field-title"]:text("Title")');
    expect(await page.locator(`[id="${described[0]}"]`).textContent()).toMatch(/e-mail/);
    expect(await page.locator('#form-problems').textContent()).not.toContain('Värdet godtas inte');
  });

  it('ran without errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
