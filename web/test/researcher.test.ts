import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDatasets } from '../../bench/generate.js';
import { chooseByKeyboard, chromiumForTests, expectAccessible, tabTo, updateReadmeScreenshot } from './support/browser.js';
import { allTitles, openBrowserSession, type BrowserSession, type WebTestServer } from './support/server.js';

const chromiumPath = chromiumForTests();
const LEUKAEMIA = 'urn:example:gms-catalogue:dataset:al-wgs-wts';
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe.skipIf(!chromiumPath)('web catalogue: a researcher finds data and whom to ask', () => {
  let session: BrowserSession;
  let server: WebTestServer;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    session = await openBrowserSession(chromiumPath!);
    ({ server, page, errors } = session);
  });

  afterAll(() => session?.close());

  const resultTitles = () => page.locator('.result h3').allTextContents();
  /** Waits until the result list answers the search in the address bar. */
  const settled = () =>
    page.waitForFunction(() => (document.querySelector('.result-list') as HTMLElement | null)?.dataset.answered === location.pathname + location.search);

  it('searches with the keyboard only, and the search survives a reload', async () => {
    await page.goto(`${server.url}/`);
    await page.waitForSelector('.result');
    await expectAccessible(page);
    await tabTo(page, '#search-query');
    await page.keyboard.type('leukaemia');
    await page.keyboard.press('Enter');
    await settled();
    expect(new URL(page.url()).searchParams.get('q')).toBe('leukaemia');
    const titles = await resultTitles();
    expect(titles.some((title) => title.includes('Acute leukaemia WGS+WTS'))).toBe(true);

    // A facet by keyboard: Tab to the first assay bucket and tick it with Space.
    await tabTo(page, '[data-facet="assay"] input[type="checkbox"]');
    const bucket = await page.evaluate(() => (document.activeElement as HTMLInputElement).id);
    await page.keyboard.press('Space');
    await page.waitForURL(/assay=/);
    await page.waitForSelector(`#${bucket}:checked`);
    await settled();
    const filtered = await page.locator('#results-heading').textContent();

    await page.reload();
    await page.waitForSelector(`#${bucket}:checked`);
    await settled();
    expect(await page.locator('#results-heading').textContent()).toBe(filtered);
    expect(await page.inputValue('#search-query')).toBe('leukaemia');
  });

  it('every facet has readable labels and counts; sorting and paging live in the address', async () => {
    await page.goto(`${server.url}/?sort=TITLE`);
    await settled();
    expect(await page.inputValue('#sort')).toBe('TITLE');
    const titles = await resultTitles();
    expect(titles).toEqual([...titles].sort((a, b) => a.localeCompare(b, 'en')));
    const facets = await page.locator('fieldset.facet').evaluateAll((sets) =>
      sets.map((set) => ({
        field: set.getAttribute('data-facet'),
        legend: set.querySelector('legend')?.textContent ?? '',
        labels: Array.from(set.querySelectorAll('label')).map((label) => label.textContent ?? ''),
      })),
    );
    expect(facets.map((facet) => facet.field)).toEqual(expect.arrayContaining(['publisher', 'diagnosticArea', 'assay', 'disease', 'duoPermission', 'accessMode']));
    // A screen reader hears what each number counts, not "Region Stockholm 2".
    const checkboxes = [...(await page.locator('.filter-list').ariaSnapshot()).matchAll(/checkbox "([^"]*)"/g)].map((match) => match[1]!);
    expect(checkboxes.length).toBeGreaterThan(20);
    for (const name of checkboxes) expect(name).toMatch(/\S, (1 dataset|[\d\s]+ datasets)$/);
    for (const facet of facets) {
      expect(facet.legend).not.toMatch(/^[a-z]+[A-Z]/); // a label, not the API's field name
      for (const text of facet.labels) {
        expect(text).toMatch(/\s(<\d+|\d+)$/); // ends with its count
        expect(text).not.toMatch(/\b[A-Z]+_[A-Z_]+\b|^[0-9a-f]{8}-/); // not an enum value or an internal id
      }
    }

    // Small pages through the same query: page 2 is reachable from the address alone.
    await page.getByRole('link', { name: 'Next page' }).click();
    await page.waitForURL(/page=2/);
    await settled();
    const second = await resultTitles();
    expect(second.length).toBeGreaterThan(0);
    expect(second[0]).not.toBe(titles[0]);
    await expect(page.locator('.paging').textContent()).resolves.toContain('Page 2');
    await page.reload();
    await settled();
    expect(await resultTitles()).toEqual(second);
  });

  it('explains, for a research purpose, which datasets consent allows and why others are refused', async () => {
    await page.goto(`${server.url}/`);
    await page.waitForSelector('.result');
    await tabTo(page, '#purpose-primary');
    await page.selectOption('#purpose-primary', 'DISEASE_SPECIFIC');
    // Disease autocomplete, keyboard only: type, arrow down, Enter.
    await tabTo(page, '#purpose-diseases');
    // The picker offers the whole MONDO vocabulary, not only diseases some dataset is coded to.
    await page.keyboard.type('cystic fib');
    await page.waitForSelector('#purpose-diseases-list li:has-text("cystic fibrosis")');
    for (let i = 0; i < 10; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('acute myeloid');
    await page.waitForSelector('#purpose-diseases-list li');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.chips li');
    await page.fill('#purpose-country', 'SE');
    await page.click('#purpose-only'); // show refusals too
    await page.click('.purpose button[type="submit"]');
    await page.waitForURL(/purpose=DISEASE_SPECIFIC/);
    await settled();
    const count = async () => Number((await page.locator('#results-heading').textContent())!.replace(/\D/g, ''));
    const assessed = await count();
    const outcomes = await page.locator('.assessment').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-outcome')));
    expect(outcomes).toContain('PERMITTED');
    expect(outcomes).toContain('NOT_PERMITTED');
    const refusal = page.locator('.assessment[data-outcome="NOT_PERMITTED"]').first();
    await expect(refusal.textContent()).resolves.toMatch(/does not allow your purpose/);
    expect(await refusal.locator('li').count()).toBeGreaterThan(0);
    await expectAccessible(page);

    // Only permitted datasets, as shared in the address.
    const url = new URL(page.url());
    url.searchParams.delete('only');
    await page.goto(url.href);
    await settled();
    const filtered = await page.locator('.assessment').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-outcome')));
    expect(new Set(filtered)).toEqual(new Set(['PERMITTED']));
    expect(await count()).toBeLessThan(assessed);
    expect(await page.locator('.result', { hasText: 'Whom to ask' }).count()).toBeGreaterThan(0);
    await updateReadmeScreenshot(page, 'discovery.png');
  });

  it('opens a dataset: landing page with consent, access route, whom to ask and schema.org markup', async () => {
    await page.goto(`${server.url}/?q=leukaemia`);
    await page.click(`a[href="/datasets/${encodeURIComponent(LEUKAEMIA)}"]`);
    await page.waitForSelector('article.landing');
    expect(new URL(page.url()).pathname).toBe(`/datasets/${encodeURIComponent(LEUKAEMIA)}`);
    const text = (await page.locator('article.landing').textContent()) ?? '';
    for (const part of ['Cohort', 'Consent', 'How to get access', 'Whom to ask', 'Study', 'Publications', 'Health-economic evaluations']) {
      expect(text).toContain(part);
    }
    expect(text).toMatch(/DUO:0000007/);
    expect(text).toMatch(/price year \d{4}/);
    expect(await page.locator('#h-who + .contacts a[href^="mailto:"]').count()).toBeGreaterThan(0);
    // Whom to ask lists the route's deciding bodies and every organisation holding part of the data.
    const whoToAsk = (await page.locator('#h-who + .contacts').textContent()) ?? '';
    expect(whoToAsk).toContain('Decides on access');
    expect(whoToAsk).toContain('Holds part of the data');
    const markup = JSON.parse((await page.locator('#schema-org-dataset').textContent())!);
    expect(markup).toMatchObject({ '@context': 'https://schema.org/', '@type': 'Dataset', identifier: LEUKAEMIA, creativeWorkStatus: 'Published' });
    expect(markup.name).toContain('Acute leukaemia');
    for (const format of ['ttl', 'jsonld', 'rdf', 'nt']) {
      const href = await page.locator(`a[data-format="${format}"]`).getAttribute('href');
      const response = await fetch(new URL(href!, server.url));
      expect(response.status, format).toBe(200);
    }
    await expectAccessible(page);
    await updateReadmeScreenshot(page, 'landing.png');
  });

  it('names each body to ask once, with every route step it decides and whether it holds data', async () => {
    await page.goto(`${server.url}/datasets/${encodeURIComponent(LEUKAEMIA)}`);
    await page.waitForSelector('#h-who + .contacts');
    const whoToAsk = await page.locator('#h-who + .contacts > li').evaluateAll((items) => items.map((item) => item.textContent!.replace(/\s+/g, ' ').trim()));
    // The national DAC decides four steps of this route: one entry naming them, not four alike.
    const dac = whoToAsk.filter((item) => item.includes('GMS national studies DAC'));
    expect(dac).toHaveLength(1);
    expect(dac[0]).toMatch(/^Decides on access \(Data access committee review, Disclosure decision by the data controller, Joint controller agreement, Data transfer agreement\):/);
    expect(new Set(whoToAsk).size).toBe(whoToAsk.length);
    expect(whoToAsk.filter((item) => item.startsWith('Holds part of the data:')).length).toBeGreaterThan(0);
  });

  it('opened from its address, a landing page states its links and markup once: the application replaces the server\'s', async () => {
    await page.goto(`${server.url}/datasets/${encodeURIComponent(LEUKAEMIA)}`);
    await page.waitForSelector('article.landing');
    expect(await page.locator('head [data-server-head]').count()).toBe(0);
    expect(await page.locator('head link[rel="canonical"]').count()).toBe(1);
    expect(await page.locator('head link[rel="alternate"]').count()).toBe(4);
    const markup = JSON.parse((await page.locator('#schema-org-dataset').textContent())!);
    expect(markup).toMatchObject({ '@type': 'Dataset', identifier: LEUKAEMIA });
    expect(await page.title()).toMatch(/Acute leukaemia.* — gdcat$/);
  });

  it('answers a dataset IRI with the page for browsers and with RDF for harvesters', async () => {
    const iri = `${server.url}/dcat/datasets/${encodeURIComponent(LEUKAEMIA)}`;
    const html = await fetch(iri, { headers: { accept: BROWSER_ACCEPT } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('vary')).toMatch(/Accept/);
    const turtle = await fetch(iri, { headers: { accept: 'text/turtle' } });
    expect(turtle.headers.get('content-type')).toMatch(/^text\/turtle/);
    expect(await turtle.text()).toContain('dcat:Dataset');
    expect((await fetch(iri)).headers.get('content-type')).toMatch(/^text\/turtle/);
    expect((await fetch(iri, { headers: { accept: '*/*' } })).headers.get('content-type')).toMatch(/^text\/turtle/);
    expect((await fetch(`${server.url}/dcat/datasets/no-such-dataset`, { headers: { accept: BROWSER_ACCEPT } })).status).toBe(404);

    await page.goto(iri);
    await page.waitForSelector('article.landing h1');
    expect(await page.locator('h1').textContent()).toContain('Acute leukaemia');
  });

  it('speaks Swedish when asked, and remembers the choice', async () => {
    await page.goto(`${server.url}/`);
    await page.waitForSelector('.result');
    await page.getByRole('button', { name: 'Byt till svenska' }).click();
    await expect(page.locator('label[for="search-query"]').textContent()).resolves.toBe('Sök dataset');
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    // Dataset content comes in the interface language too (found by a search, so datasets other tests add
    // cannot push it off the first page).
    await page.goto(`${server.url}/?q=${encodeURIComponent('akut leukemi')}`);
    await page.waitForSelector('.result h3 a:text("Valideringsdata för akut leukemi")');
    await page.reload();
    await page.waitForSelector('.result');
    await expect(page.locator('#purpose-heading').textContent()).resolves.toBe('Mitt forskningssyfte');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await expect(page.locator('#purpose-heading').textContent()).resolves.toBe('My research purpose');
    await page.waitForSelector('.result h3 a:text("Acute leukaemia WGS+WTS validation dataset")');

    const swedishBrowser = await session.browser.newPage({ locale: 'sv-SE' });
    await swedishBrowser.goto(`${server.url}/`);
    await expect(swedishBrowser.locator('#purpose-heading').textContent()).resolves.toBe('Mitt forskningssyfte');
    await swedishBrowser.close();
  });

  it('keeps the search box and the purpose form in step with the address on Back and Forward', async () => {
    await page.goto(`${server.url}/?q=leukaemia`);
    await settled();
    await page.click('#purpose-only'); // refusals too, so every step shows assessments
    // Two purposes applied one after the other, then other words: each a step in the history.
    for (const purpose of ['GENERAL_RESEARCH', 'HEALTH_MEDICAL_BIOMEDICAL']) {
      await page.selectOption('#purpose-primary', purpose);
      await page.click('.purpose button[type="submit"]');
      await page.waitForURL(new RegExp(`purpose=${purpose}`));
      await settled();
    }
    // Typed and sent at once (no pause for search as you type), so the words are one step of their own.
    await page.evaluate(() => {
      const box = document.getElementById('search-query') as HTMLInputElement;
      box.value = 'cancer';
      box.dispatchEvent(new Event('input', { bubbles: true }));
      box.form!.requestSubmit();
    });
    await page.waitForURL(/q=cancer/);
    await settled();

    await page.goBack();
    await settled();
    expect(await page.inputValue('#search-query')).toBe('leukaemia');
    expect(await page.inputValue('#purpose-primary')).toBe('HEALTH_MEDICAL_BIOMEDICAL');
    await page.goBack();
    await settled();
    // The form names the purpose the assessments shown answer, not the one chosen last.
    expect(await page.inputValue('#purpose-primary')).toBe('GENERAL_RESEARCH');
    expect(await page.isChecked('#purpose-only')).toBe(false);
    await page.goBack();
    await settled();
    expect(await page.inputValue('#purpose-primary')).toBe('');
    expect(await page.locator('.assessment').count()).toBe(0);
    await page.goForward();
    await settled();
    expect(await page.inputValue('#purpose-primary')).toBe('GENERAL_RESEARCH');
    expect(await page.locator('.assessment').count()).toBeGreaterThan(0);
    await page.goForward();
    await page.goForward();
    await settled();
    expect(await page.inputValue('#search-query')).toBe('cancer');
  });

  it('keeps a chosen filter that matches nothing in view and ticked, so it can be unticked on its own', async () => {
    // No dataset is both: a shared or old link, or two filters that exclude each other.
    await page.goto(`${server.url}/?diagnosticArea=RARE_DISEASES&assay=PATHOGEN_WGS`);
    await settled();
    expect(await page.locator('#results-heading').textContent()).toContain('0 datasets');
    expect(await page.isChecked('#facet-diagnosticArea-RARE_DISEASES')).toBe(true);
    expect(await page.isChecked('#facet-assay-PATHOGEN_WGS')).toBe(true);
    expect((await page.locator('label[for="facet-assay-PATHOGEN_WGS"]').textContent())?.replace(/\s+/g, ' ')).toBe('Pathogen whole-genome sequencing 0');
    await tabTo(page, '#facet-assay-PATHOGEN_WGS');
    await page.keyboard.press('Space');
    await page.waitForURL((url) => !url.searchParams.has('assay'));
    await settled();
    expect(new URL(page.url()).searchParams.get('diagnosticArea')).toBe('RARE_DISEASES');
    expect(await page.locator('.result').count()).toBeGreaterThan(0);
  });

  it('names the diseases a consent is restricted to, also those no facet lists', async () => {
    // The disease facet lists the 50 commonest diseases of the other filters' matches: ovarian cancer is not one.
    await page.goto(`${server.url}/?diseases=${encodeURIComponent('MONDO:0008170')}`);
    await settled();
    const consent = page.locator('.result', { hasText: 'ovarian cancer, Region Uppsala' }).locator('.consent');
    await expect.poll(async () => (await consent.textContent())?.replace(/\s+/g, ' ')).toContain('Only for research on: ovarian cancer');
    // The filter chosen stays in view by its name; its count is not known, so none is shown.
    const chosen = page.locator('[data-facet="disease"] input:checked');
    expect(await chosen.count()).toBe(1);
    await expect.poll(async () => (await page.locator(`label[for="${await chosen.getAttribute('id')}"]`).textContent())?.trim()).toBe('ovarian cancer');
  });

  it('answers on the landing page whether consent allows the purpose carried from the search, or one chosen there', async () => {
    await page.goto(`${server.url}/?q=leukaemia&purpose=GENERAL_RESEARCH&only=no`);
    await settled();
    await page.click(`.result h3 a[href^="/datasets/${encodeURIComponent(LEUKAEMIA)}"]`);
    await page.waitForSelector('article.landing');
    expect(new URL(page.url()).searchParams.get('purpose')).toBe('GENERAL_RESEARCH');
    await page.waitForSelector('.assessment');
    // Only for disease research on acute leukaemias: general research is refused, with the reasons.
    expect(await page.getAttribute('.assessment', 'data-outcome')).toBe('NOT_PERMITTED');
    expect(await page.inputValue('#purpose-primary')).toBe('GENERAL_RESEARCH');
    expect(await page.locator('#purpose-only').count()).toBe(0);

    // Another purpose, by keyboard, on the page itself: the answer changes in a live region, the page stays put.
    await chooseByKeyboard(page, '#purpose-primary', 'DISEASE_SPECIFIC');
    await tabTo(page, '#purpose-diseases');
    await page.keyboard.type('acute myeloid');
    await page.waitForSelector('#purpose-diseases-list li');
    // Tab leaves the picker for the next field: the suggestions close and are no Tab stop of their own.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('purpose-country');
    await page.waitForSelector('#purpose-diseases-list', { state: 'hidden' });
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(page.locator('.purpose .chips').textContent()).resolves.toContain('acute myeloid leukemia');
    await tabTo(page, '.purpose button[type="submit"]');
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(scrolled).toBeGreaterThan(0);
    await page.keyboard.press('Enter');
    await page.waitForURL(/purposeDisease=/);
    await page.waitForSelector('[aria-live] .assessment[data-outcome="PERMITTED"]');
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    expect(await page.evaluate(() => document.activeElement?.matches('.purpose button[type="submit"]'))).toBe(true);
    await expectAccessible(page);

    // The answer is in the address: a reload, or the link shared, gives it again; Back to search keeps the purpose.
    await page.reload();
    await page.waitForSelector('.assessment[data-outcome="PERMITTED"]');
    expect(new URL((await page.locator('a', { hasText: 'Back to search' }).getAttribute('href'))!, server.url).searchParams.get('purpose')).toBe('DISEASE_SPECIFIC');

    // A visitor arriving without a purpose is asked for one, not told anything about it.
    await page.goto(`${server.url}/datasets/${encodeURIComponent(LEUKAEMIA)}`);
    await page.waitForSelector('article.landing #purpose-primary');
    expect(await page.locator('.assessment').count()).toBe(0);
  });

  it('takes the focus to the new page when a link opens one, and back again, as a page load would', async () => {
    await page.goto(`${server.url}/?q=leukaemia`);
    await settled();
    // The skip link: the next Tab lands in the content, not back in the header.
    await tabTo(page, '.skip-link');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search-query');
    await page.focus(`.result h3 a[href^="/datasets/${encodeURIComponent(LEUKAEMIA)}"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('article.landing');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Back to search');
    await page.goBack();
    await settled();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  it('says plainly when the catalogue cannot be reached, offers to try again, then names consents in words', async () => {
    const visitor = await session.browser.newPage({ locale: 'en-GB' });
    const uncaught: string[] = [];
    visitor.on('pageerror', (error) => uncaught.push(error.message));
    await visitor.route('**/graphql', (route) => route.abort('connectionrefused'));
    await visitor.goto(`${server.url}/?q=leukaemia`);
    await visitor.waitForSelector('[role="alert"]');
    expect(await visitor.locator('[role="alert"]').textContent()).toMatch(/no connection to it\. Check your network/);
    expect(await visitor.locator('#results-heading').textContent()).toContain('The search failed');

    await visitor.unroute('**/graphql');
    await visitor.getByRole('button', { name: 'Try again' }).click();
    await visitor.waitForSelector('.result');
    expect(await visitor.locator('[role="alert"]').count()).toBe(0);
    // The DUO terms that failed to load are asked for again: consents in words, not bare codes.
    const consents = await visitor.locator('.result .consent strong').allTextContents();
    expect(consents.length).toBeGreaterThan(0);
    for (const consent of consents) expect(consent).not.toMatch(/^DUO:/);

    // A proxy answering with its own error page instead of the API.
    await visitor.route('**/graphql', (route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<html>Bad gateway</html>' }));
    await visitor.goto(`${server.url}/datasets/${encodeURIComponent(LEUKAEMIA)}`);
    await visitor.waitForSelector('[role="alert"]');
    expect(await visitor.locator('[role="alert"]').textContent()).toMatch(/unavailable right now \(HTTP 502\)/);
    expect(uncaught).toEqual([]);
    await visitor.close();
  });

  it('marks the results in view as those of the search before while a slow search runs', async () => {
    const visitor = await session.browser.newPage({ locale: 'en-GB' });
    await visitor.goto(`${server.url}/?q=leukaemia`);
    await visitor.waitForSelector('.result');
    await visitor.route('**/graphql', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue();
    });
    await visitor.fill('#search-query', 'cancer');
    await visitor.press('#search-query', 'Enter');
    await visitor.waitForSelector('.searching');
    expect(await visitor.locator('.result-list').evaluate((list) => Number(getComputedStyle(list).opacity))).toBeLessThan(1);
    await visitor.waitForFunction(() => (document.querySelector('.result-list') as HTMLElement | null)?.dataset.answered === location.pathname + location.search);
    expect(await visitor.locator('.searching').count()).toBe(0);
    expect(await visitor.locator('.result-list').evaluate((list) => Number(getComputedStyle(list).opacity))).toBe(1);
    await visitor.unrouteAll({ behavior: 'ignoreErrors' });
    await visitor.close();
  });

  it('fits a 375 px wide phone: nothing scrolls sideways, and the results come before the list of filters', async () => {
    const phone = await session.browser.newPage({ viewport: { width: 375, height: 740 }, locale: 'en-GB' });
    await phone.goto(`${server.url}/`);
    await phone.waitForSelector('.result');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    // Within the first few screens, not below a hundred checkboxes; the filters open with one press.
    expect(await phone.evaluate(() => document.querySelector('.result')!.getBoundingClientRect().top)).toBeLessThan(3 * 740);
    await phone.getByText('Filters', { exact: true }).click();
    await phone.waitForSelector('[data-facet="assay"] input', { state: 'visible' });
    await phone.goto(`${server.url}/datasets/${encodeURIComponent(LEUKAEMIA)}`);
    await phone.waitForSelector('article.landing');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await phone.close();
  });

  it('says what a route step needs when its deciding body is not published', async () => {
    // A step naming no body answers like one whose body is a draft: the API gives neither body nor organisation.
    await server.catalogue.orm.em.getConnection().execute(
      `insert into access_route_step (id, route_id, position, requirement, body_id)
       select gen_random_uuid(), r.id, (select max(position) + 1 from access_route_step where route_id = r.id), 'DATA_TRANSFER_AGREEMENT', null
         from access_route r join dataset d on d.id = r.dataset_id where d.identifier = ?`,
      [LEUKAEMIA],
    );
    await page.goto(`${server.url}/?q=leukaemia`);
    await settled();
    const contacts = await page
      .locator('.result', { hasText: 'Acute leukaemia WGS+WTS' })
      .locator('.contacts li')
      .evaluateAll((items) => items.map((item) => item.textContent!.replace(/\s+/g, ' ').trim()));
    expect(contacts).toContain('Decides on access: Data transfer agreement (the body deciding this step is not published yet)');
    expect(contacts.filter((contact) => /:$/.test(contact))).toEqual([]);
  });

  it('opens any page of a long result from its address, and the last page for a number beyond it', async () => {
    // More matches than the API gives in one request (100): page 12 starts after the 110th.
    await generateDatasets(server.catalogue.orm, 125);
    await server.catalogue.indexer.drain();
    const titles = await allTitles(server, 'query: "synthetic", sort: TITLE');
    expect(titles).toHaveLength(125);

    await page.goto(`${server.url}/?q=synthetic&sort=TITLE&page=12`);
    await settled();
    expect(await page.locator('[role="alert"]').count()).toBe(0);
    expect(await resultTitles()).toEqual(titles.slice(110, 120));
    await expect(page.locator('.paging').textContent()).resolves.toContain('Page 12 of 13');
    await page.getByRole('link', { name: 'Next page' }).click();
    await page.waitForURL(/page=13/);
    await settled();
    expect(await resultTitles()).toEqual(titles.slice(120));

    await page.goto(`${server.url}/?q=synthetic&sort=TITLE&page=999`);
    await settled();
    expect(await page.locator('[role="alert"]').count()).toBe(0);
    expect(await resultTitles()).toEqual(titles.slice(120));
    await expect(page.locator('.paging').textContent()).resolves.toContain('Page 13 of 13');
    await page.getByRole('link', { name: 'Previous page' }).click();
    await page.waitForURL(/page=12/);
    await settled();
    expect(await resultTitles()).toEqual(titles.slice(110, 120));
  });

  it('answers an unknown path with the catalogue’s own not-found page for browsers, and JSON for every other client', async () => {
    const unknown = `${server.url}/no/such/page`;
    const html = await fetch(unknown, { headers: { accept: BROWSER_ACCEPT } });
    expect(html.status).toBe(404);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('vary')).toMatch(/Accept/);
    expect(await html.text()).toContain('<div id="app">');
    for (const accept of [undefined, '*/*', 'application/json', 'text/turtle', 'text/turtle, text/html']) {
      const response = await fetch(unknown, { headers: accept ? { accept } : {} });
      expect(response.status, accept).toBe(404);
      expect(response.headers.get('content-type'), accept).toMatch(/^application\/json/);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('NOT_FOUND');
    }
    const posted = await fetch(unknown, { method: 'POST', headers: { accept: BROWSER_ACCEPT } });
    expect([posted.status, posted.headers.get('content-type')]).toEqual([404, expect.stringMatching(/^application\/json/)]);
    // The API, RDF and operations answer browsers as before.
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const response = await fetch(`${server.url}${path}`, { headers: { accept: BROWSER_ACCEPT } });
      expect([path, response.status]).toEqual([path, 200]);
      expect(response.headers.get('content-type'), path).not.toMatch(/html/);
    }
    const catalog = await fetch(`${server.url}/dcat/catalog`, { headers: { accept: BROWSER_ACCEPT } });
    expect([catalog.status, catalog.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^application\/rdf\+xml/)]);
    const api = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: BROWSER_ACCEPT }, body: JSON.stringify({ query: '{ duoTerms { code } }' }) });
    expect(api.status).toBe(200);

    // In a page of its own: the browser logs the 404 of the page it was asked for.
    const lost = await session.browser.newPage({ locale: 'en-GB' });
    const response = await lost.goto(unknown);
    expect(response?.status()).toBe(404);
    await lost.waitForSelector('h1:text("Page not found")');
    expect(await lost.locator('main').textContent()).toContain('/no/such/page');
    expect(await lost.title()).toMatch(/Page not found/);
    await expectAccessible(lost);
    await lost.getByRole('link', { name: 'Find datasets' }).last().click();
    await lost.waitForSelector('.result');
    await lost.close();
  });

  it('runs a shared search whose filter names a record or a choice the catalogue does not know without that filter, and says which', async () => {
    const stockholm = 'urn:example:gms-catalogue:org:region-stockholm';
    const gone = 'urn:example:gms-catalogue:org:region-atlantis';
    await page.goto(`${server.url}/?publisher=${encodeURIComponent(stockholm)}&publisher=${encodeURIComponent(gone)}&accessBody=no-such-body&assay=FOO`);
    await page.waitForSelector('#dropped-filters');
    await settled();
    expect(await page.locator('[role="alert"]').count()).toBe(0);
    const url = new URL(page.url());
    expect(url.searchParams.getAll('publisher')).toEqual([stockholm]);
    expect(url.searchParams.has('accessBody')).toBe(false);
    expect(url.searchParams.has('assay')).toBe(false);
    const said = (await page.locator('#dropped-filters').textContent()) ?? '';
    expect(said).toContain(gone);
    expect(said).toContain('no-such-body');
    expect(said).toContain('FOO');
    expect(await page.locator('.result').count()).toBeGreaterThan(0);
    const chosen = page.locator('[data-facet="publisher"] input:checked');
    await expect(chosen.count()).resolves.toBe(1);
    await expectAccessible(page);
    // Changing the search leaves the notice behind.
    await page.locator(`#${await chosen.getAttribute('id')}`).click();
    await page.waitForURL((address) => !address.searchParams.has('publisher'));
    await settled();
    expect(await page.locator('#dropped-filters').count()).toBe(0);
  });

  it('ran without errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
