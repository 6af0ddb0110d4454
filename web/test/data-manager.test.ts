import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseByKeyboard, chromiumForTests, expectAccessible, tabTo } from './support/browser.js';
import { openBrowserSession, type BrowserSession, type WebTestServer } from './support/server.js';

const chromiumPath = chromiumForTests();
const STOCKHOLM = 'urn:example:gms-catalogue:org:region-stockholm';
const TITLE = 'Tumour exomes Stockholm browsertestcohort';
const GS = '[id="duo-DUO:0000022"]';
/** The value of the geographical restriction: the API names it by its place among the modifiers ticked (the only one here). */
const GS_VALUE = '#field-consent-duoModifiers-0--value';

describe.skipIf(!chromiumPath)('web catalogue: a data manager registers, fixes, publishes and withdraws a dataset', () => {
  let session: BrowserSession;
  let server: WebTestServer;
  let page: Page;
  let errors: string[];
  let token: string;
  let withdrawnLandingPage = '';

  beforeAll(async () => {
    session = await openBrowserSession(chromiumPath!);
    ({ server, page, errors } = session);
    token = await server.token('data_manager', [STOCKHOLM]);
  });

  afterAll(() => session?.close());

  const status = () => page.locator('[data-testid="record-status"]').textContent();

  it('signs in with a development token and lists the organisation’s records', async () => {
    await page.goto(`${server.url}/manage`);
    await tabTo(page, '#token');
    await page.keyboard.insertText('not a token');
    await tabTo(page, 'form button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#token-error');
    await expectAccessible(page);
    await page.fill('#token', '');
    await page.keyboard.insertText(token);
    await tabTo(page, 'form button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('table tbody tr');
    const rows = await page.locator('table tbody tr').count();
    expect(rows).toBeGreaterThan(0);
    await expectAccessible(page);
  });

  it('registers a dataset with the keyboard, is told what to fix, fixes it and saves a draft', async () => {
    await page.getByRole('link', { name: 'Register a dataset' }).click();
    await page.waitForSelector('input[name="duo-permission"]');
    await expectAccessible(page);

    await tabTo(page, '#field-title');
    await page.keyboard.type(TITLE);
    await tabTo(page, '#field-description');
    await page.keyboard.type('Whole-exome sequencing of solid tumours; registered from the browser test.');
    expect(await page.inputValue('#field-publisher')).toBe(STOCKHOLM);
    await tabTo(page, '#field-cohort-numberOfUniqueIndividuals');
    await page.keyboard.type('420');
    await tabTo(page, '[id="holder-urn:example:gms-catalogue:org:region-stockholm"]');
    await page.keyboard.press('Space');

    // Consent: the disease-specific permission (arrow keys move through the radio group), one disease, GS.
    await tabTo(page, 'input[name="duo-permission"]');
    for (let i = 0; i < 10 && !(await page.isChecked('[id="duo-DUO:0000007"]')); i++) await page.keyboard.press('ArrowDown');
    expect(await page.isChecked('[id="duo-DUO:0000007"]')).toBe(true);
    await tabTo(page, '#field-consent-diseaseRestrictions');
    await page.keyboard.type('lung');
    await page.waitForSelector('#field-consent-diseaseRestrictions-list li');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.chips li');
    await tabTo(page, GS);
    await page.keyboard.press('Space');
    await tabTo(page, GS_VALUE);
    await page.keyboard.type('Mars');

    // Access route: a mode, then an ethics step decided by the ethics authority.
    await chooseByKeyboard(page, '#field-accessRoute-accessMode', 'SECURE_PROCESSING_ENVIRONMENT');
    await tabTo(page, '#add-step');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.steps select');
    const requirement = `#${await page.locator('.steps select').first().getAttribute('id')}`;
    await chooseByKeyboard(page, requirement, 'ETHICS_APPROVAL');
    await chooseByKeyboard(page, requirement.replace('requirement', 'body'), 'urn:example:gms-catalogue:dab:etik');

    await tabTo(page, 'form button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#form-problems');
    expect(await page.locator('#form-problems').textContent()).toMatch(/Nothing was saved/);
    const inline = page.locator('.field-error', { hasText: 'ISO 3166' });
    await expect(inline.count()).resolves.toBeGreaterThan(0);
    expect(new URL(page.url()).pathname).toBe('/manage/datasets/new');
    await expectAccessible(page);

    await tabTo(page, GS_VALUE, { backwards: true });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('SE');
    await tabTo(page, 'form button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/manage\/datasets\/(?!new)/);
    await page.waitForSelector('[data-testid="record-status"]');
    expect(await status()).toBe('Draft');
    expect(await page.inputValue('#field-title')).toBe(TITLE);
    expect(await page.isChecked(GS)).toBe(true);
    expect(await page.inputValue(GS_VALUE)).toBe('SE');
    expect(await page.locator('.steps > li').count()).toBe(1);
  });

  it('keeps unsaved edits through an expired sign-in: signing in again brings them back to save', async () => {
    const edit = 'Whole-exome sequencing of solid tumours; edited just before the sign-in expired.';
    await page.fill('#field-description', edit);
    // The API refuses the token on the save, as it does once the token has expired.
    await page.route('**/graphql', (route) =>
      route.request().postData()?.includes('mutation UpdateDataset')
        ? route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ errors: [{ message: 'invalid bearer token: it has expired', extensions: { code: 'UNAUTHENTICATED' } }] }) })
        : route.continue(),
    );
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForSelector('#token');
    expect(await page.locator('[role="alert"]').textContent()).toMatch(/expired/);
    await page.unroute('**/graphql');
    await page.fill('#token', token);
    await page.click('form button[type="submit"]');
    await page.waitForSelector('#draft-restored');
    expect(await page.inputValue('#field-description')).toBe(edit);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForSelector('text=Saved.');
    expect(await page.inputValue('#field-description')).toBe(edit);
    expect(await page.locator('#draft-restored').count()).toBe(0);

    // A link followed by mistake loses nothing either; the edits can be thrown away on purpose.
    await page.fill('#field-keywords', 'exome');
    await page.getByRole('link', { name: /Your organisation’s datasets/ }).click();
    await page.waitForSelector('table tbody tr');
    await page.goBack();
    await page.waitForSelector('#draft-restored');
    expect(await page.inputValue('#field-keywords')).toBe('exome');
    await page.getByRole('button', { name: 'Discard my unsaved changes' }).click();
    await page.waitForFunction(() => (document.getElementById('field-keywords') as HTMLInputElement).value === '');
    expect(await page.inputValue('#field-description')).toBe(edit);
  });

  it('ties each message to its field: beside it, read out with it, and named in the summary as the form names it', async () => {
    await page.fill(GS_VALUE, '');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForSelector('#form-problems');
    const value = page.locator(GS_VALUE);
    expect(await value.getAttribute('aria-invalid')).toBe('true');
    const described = (await value.getAttribute('aria-describedby'))?.split(' ') ?? [];
    expect(described.length).toBeGreaterThan(0);
    const spoken = await Promise.all(described.map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(spoken.join(' ')).toMatch(/needs a value/);
    // Beside the value, in the modifier's own row, not at the top of the list of modifiers.
    await expect(page.locator('.duo-option', { has: value }).locator('.field-error').textContent()).resolves.toMatch(/needs a value/);
    const link = page.locator('#form-problems a', { hasText: 'Conditions on use' });
    expect(await link.getAttribute('href')).toBe(GS_VALUE);
    expect(await link.textContent()).not.toMatch(/duoModifiers/);
    await expectAccessible(page);
    await link.click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(GS_VALUE.slice(1));
    await page.keyboard.type('SE');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForSelector('text=Saved.');
  });

  it('is told what a begun consent or access route still needs, instead of losing what was typed in it', async () => {
    const editor = page.url();
    await page.goto(`${server.url}/manage/datasets/new`);
    await page.waitForSelector('input[name="duo-permission"]');
    await page.fill('#field-title', 'Route begun without a mode browsertestroute');
    await page.fill('#field-description', 'A contact address and a condition on use, and nothing else of either.');
    await page.fill('#field-accessRoute-contactEmail', 'access@stockholm.example.org');
    await page.check('[id="duo-DUO:0000021"]'); // ethics approval required, with no permission chosen
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForSelector('#form-problems');
    expect(await page.locator('#field-accessRoute-accessMode').getAttribute('aria-invalid')).toBe('true');
    await expect(page.locator('#form-problems').textContent()).resolves.toMatch(/choose how researchers reach the data/);
    await expect(page.locator('#form-problems').textContent()).resolves.toMatch(/choose what the consent permits/);
    expect(new URL(page.url()).pathname).toBe('/manage/datasets/new');
    expect(await page.inputValue('#field-accessRoute-contactEmail')).toBe('access@stockholm.example.org');
    await page.goto(editor);
    await page.waitForSelector('[data-testid="record-status"]');
  });

  it('is told, field by field, what non-public data needs before publishing, and adds it', async () => {
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForSelector('#form-problems');
    const problems = await page.locator('#form-problems').textContent();
    expect(problems).toContain('a health data access body is required for non-public data');
    expect(problems).toMatch(/at least one distribution/);
    expect(problems).toMatch(/at least one keyword/);
    expect(await page.locator('#field-hdab').getAttribute('aria-invalid')).toBe('true');
    expect(await status()).toBe('Draft');
    await expectAccessible(page);

    await tabTo(page, '#field-keywords');
    await page.keyboard.type('exome, solid tumours');
    await chooseByKeyboard(page, '#field-hdab', 'urn:example:gms-catalogue:dab:se-hdab');
    await tabTo(page, '#add-distribution');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[id="field-distributions-0--title"]');
    await tabTo(page, '[id="field-distributions-0--title"]');
    await page.keyboard.type('CRAM and VCF in the regional SPE');
    await tabTo(page, '[id="field-distributions-0--accessUrl"]');
    await page.keyboard.type('https://stockholm.example.org/genomic-data-access');
    await tabTo(page, '[id="field-distributions-0--formats"]');
    await page.keyboard.type('CRAM, VCF');
    await tabTo(page, 'form button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.banner.ok');
    expect(await page.inputValue('#field-hdab')).toBe('urn:example:gms-catalogue:dab:se-hdab');
    expect(await page.inputValue('[id="field-distributions-0--title"]')).toBe('CRAM and VCF in the regional SPE');
  });

  it('publishes, saving an edit not yet saved first; the dataset is then in search and in the harvestable catalogue', async () => {
    await page.fill('#field-cohort-numberOfUniqueIndividuals', '421');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForSelector('.banner.ok:has-text("Published")');
    expect(await status()).toBe('Published');
    expect(await page.inputValue('#field-cohort-numberOfUniqueIndividuals')).toBe('421');

    await page.goto(`${server.url}/?q=browsertestcohort`);
    await page.waitForSelector('.result');
    expect(await page.locator('.result h3').allTextContents()).toEqual([TITLE]);
    const catalog = await fetch(`${server.url}/dcat/catalog?pageSize=100`, { headers: { accept: 'text/turtle' } });
    expect(await catalog.text()).toContain(TITLE);
    await page.goBack();
  });

  it('explains a conflicting edit, and puts what was typed on the current version to save again, or reloads it', async () => {
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await page.waitForSelector('[data-testid="record-status"]');
    const api = async (query: string, variables: object) =>
      (
        await (
          await fetch(`${server.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query, variables }),
          })
        ).json()
      ).data;
    const renameByColleague = async (title: string) => {
      const { dataset } = await api('query($id: ID!) { dataset(id: $id) { version } }', { id });
      const changed = await api('mutation($id: ID!, $v: Int!, $title: String!) { updateDataset(id: $id, expectedVersion: $v, input: { title: $title }) { userErrors { message } } }', {
        id,
        v: dataset.version,
        title,
      });
      expect(changed.updateDataset.userErrors).toEqual([]);
    };

    await renameByColleague('Renamed by a colleague');
    await page.fill('#field-description', 'My edit that meets a newer version.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForSelector('#conflict');
    expect(await page.locator('#conflict').textContent()).toMatch(/Someone else changed this dataset/);
    await expectAccessible(page);
    // The colleague's title and the description typed here, together, saved as the next version.
    await page.getByRole('button', { name: 'Load the current version with my changes on it' }).click();
    await page.waitForFunction(() => (document.getElementById('field-title') as HTMLInputElement).value === 'Renamed by a colleague');
    expect(await page.inputValue('#field-description')).toBe('My edit that meets a newer version.');
    expect(await page.locator('#conflict').count()).toBe(0);
    expect(await page.locator('#draft-restored').textContent()).toMatch(/Your changes are on the current version/);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForSelector('text=Saved.');
    const { dataset } = await api('query($id: ID!) { dataset(id: $id) { title description } }', { id });
    expect(dataset).toEqual({ title: 'Renamed by a colleague', description: 'My edit that meets a newer version.' });

    // Reloading instead takes the current version as it is.
    await renameByColleague('Renamed again by a colleague');
    await page.fill('#field-description', 'An edit to throw away.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForSelector('#conflict');
    await page.getByRole('button', { name: /Reload the current version/ }).click();
    await page.waitForFunction(() => (document.getElementById('field-title') as HTMLInputElement).value === 'Renamed again by a colleague');
    expect(await page.inputValue('#field-description')).toBe('My edit that meets a newer version.');
    expect(await page.locator('#conflict').count()).toBe(0);
  });

  it('withdraws with a reason; the landing page and its schema.org markup say so', async () => {
    await page.fill('#field-reason', 'Consent withdrawn by the biobank');
    await page.getByRole('button', { name: 'Withdraw' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="record-status"]')?.textContent === 'Withdrawn');
    await page.getByRole('link', { name: 'Open landing page' }).click();
    await page.waitForSelector('article.landing[data-status="WITHDRAWN"]');
    expect(await page.locator('.notice.withdrawn').textContent()).toContain('Consent withdrawn by the biobank');
    const markup = JSON.parse((await page.locator('#schema-org-dataset').textContent())!);
    expect(markup.creativeWorkStatus).toBe('Withdrawn');
    expect(markup.description).toContain('Consent withdrawn by the biobank');
    await expectAccessible(page);
    withdrawnLandingPage = page.url();
  });

  it('imports records from a file: the check reports each problem and writes nothing, then the fixed file imports', async () => {
    const dataset = (id: string, title: string) => ({
      recordType: 'Dataset',
      id,
      title,
      description: 'Panel sequencing of hereditary cancer genes; imported from the browser test.',
      diagnosticArea: 'HEREDITARY_CANCER',
      publisher: STOCKHOLM,
      dataHolder: STOCKHOLM,
      consentScope: { duoPermission: { code: 'DUO:0000006' } },
    });
    const file = (records: unknown[]) => ({ name: 'stockholm.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ records })) });

    await page.goto(`${server.url}/manage`);
    await page.getByRole('link', { name: 'Import records from a file' }).click();
    await page.waitForSelector('#import-file');
    await page.setInputFiles('#import-file', file([dataset('urn:test:web-import:1', 'Hereditary cancer panels browsertestimport'), dataset('urn:test:web-import:2', '')]));
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.waitForSelector('#h-import-report + * table, section table');
    const problems = (await page.locator('section table tbody').textContent()) ?? '';
    expect(problems).toContain('title');
    expect(await page.isDisabled('#import-run')).toBe(true);
    await expectAccessible(page);

    // A key the import does not read is listed with the one it is near; it does not keep the record out.
    const fixed = { ...dataset('urn:test:web-import:1', 'Hereditary cancer panels browsertestimport'), dataHolders: [STOCKHOLM] };
    await page.setInputFiles('#import-file', file([fixed]));
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.waitForSelector('text=No problems: the file can be imported.');
    const leftOut = page.locator('section table', { hasText: '1 left out' });
    expect(await leftOut.locator('tbody').textContent()).toContain('dataHoldersunknown key, not imported; did you mean dataHolder?');
    await page.click('#import-run');
    await page.waitForSelector('text=written');
    expect(await page.locator('[data-testid="import-counts"]').textContent()).toMatch(/1 new/);
    expect(await leftOut.count()).toBe(1);

    // The records list is a search: it shows the import once the indexer has caught up (README: what a write promises).
    await expect
      .poll(async () => {
        await page.goto(`${server.url}/manage`);
        await page.waitForSelector('table tbody tr');
        return page.locator('table tbody tr', { hasText: 'browsertestimport' }).count();
      }, { timeout: 20_000, interval: 500 })
      .toBe(1);
  });

  it('imports CSV sheets named after their sheets, as the spreadsheet template lays them out; a column it does not read is listed, the rows import', async () => {
    const csv = (name: string, rows: string[]) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(`${rows.join('\n')}\n`) });
    await page.goto(`${server.url}/manage/import`);
    await page.waitForSelector('#import-file');
    await page.setInputFiles('#import-file', [
      csv('datasets.csv', ['id,title,description,diagnosticArea,publisher,dataHolders', `urn:test:web-import:csv,Pharmacogenomics panels browsertestcsv,Panel sequencing of pharmacogenes; imported from CSV.,PHARMACOGENOMICS,${STOCKHOLM},${STOCKHOLM}`]),
      // As Excel saves "CSV" on Swedish Windows: Windows-1252.
      {
        name: 'studies.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`id;title;studyType;participatingOrgs\r\nurn:test:web-import:study;Farmakogenomik i Örebro län, små barn;RESEARCH;${STOCKHOLM}\r\n`, 'latin1'),
      },
      csv('consent.csv', ['dataset,duoPermission', 'urn:test:web-import:csv,DUO:0000042']),
    ]);
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.waitForSelector('text=No problems: the file can be imported.');
    const leftOut = page.locator('section table', { hasText: '1 left out' });
    expect(await leftOut.locator('tbody').textContent()).toBe('datasets1dataHoldersunknown column, not imported; did you mean dataHolder?');
    await page.click('#import-run');
    await page.waitForSelector('text=written');
    expect(await page.locator('[data-testid="import-counts"]').textContent()).toMatch(/2 new/);
    const study = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ studies(query: "Farmakogenomik") { edges { node { title } } } }' }),
    });
    expect((await study.json()).data.studies.edges.map((edge: { node: { title: string } }) => edge.node.title)).toEqual(['Farmakogenomik i Örebro län, små barn']);
  });

  it('checking a file again after a record of it was changed by hand lists that record apart, as one whose hand changes the file replaces', async () => {
    const api = async (query: string, variables: object = {}) =>
      (await (await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) })).json()).data;
    const { dataset } = await api('{ dataset(id: "urn:test:web-import:csv") { id version } }');
    const edited = await api('mutation($id: ID!, $v: Int!) { updateDataset(id: $id, expectedVersion: $v, input: { title: "Pharmacogenomics panels, renamed by hand" }) { userErrors { message } } }', {
      id: dataset.id,
      v: dataset.version,
    });
    expect(edited.updateDataset.userErrors).toEqual([]);
    await page.goto(`${server.url}/manage/import`);
    await page.waitForSelector('#import-file');
    await page.setInputFiles('#import-file', {
      name: 'datasets.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`id,title,description,diagnosticArea,publisher,dataHolder\nurn:test:web-import:csv,Pharmacogenomics panels browsertestcsv,Panel sequencing of pharmacogenes; imported from CSV.,PHARMACOGENOMICS,${STOCKHOLM},${STOCKHOLM}\n`),
    });
    await page.getByRole('button', { name: 'Check the file' }).click();
    const replaced = page.locator('section table', { hasText: '1 changed by hand since an import wrote them' });
    await replaced.waitFor();
    expect(await replaced.locator('tbody').textContent()).toMatch(/^datasets2the record was last changed by hand \(version \d+, .* UTC\), not by an import; the file's values replace the record's in title, dataHolders, consentScope$/);
    expect(await page.locator('section table', { hasText: 'left out' }).count()).toBe(0);
  });

  it('says a file too large to send from the browser is to be imported on the command line', async () => {
    const records = Array.from({ length: 2500 }, (_, i) => ({
      recordType: 'Dataset',
      id: `urn:test:web-import:large:${i}`,
      title: `A dataset of a file too large for the browser ${i}`,
      description: 'Whole-genome sequencing of patients referred for suspected rare disease; one of many rows.'.repeat(3),
      publisher: STOCKHOLM,
    }));
    await page.goto(`${server.url}/manage/import`);
    await page.waitForSelector('#import-file');
    await page.setInputFiles('#import-file', { name: 'region.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ records })) });
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.waitForSelector('p.error[role="alert"]');
    expect(await page.locator('p.error[role="alert"]').textContent()).toBe(
      'region.json is too large to send from the browser. Import it on the command line instead, where files of any size are checked and imported the same way: gdcat import region.json --dry-run, then without --dry-run.',
    );
  });

  it('gives a dataset a Swedish title beside its English one; a visitor reading Swedish sees it', async () => {
    await expect.poll(async () => {
      await page.goto(`${server.url}/manage`);
      await page.waitForSelector('table tbody tr');
      return page.locator('table tbody tr', { hasText: 'browsertestimport' }).count();
    }, { timeout: 20_000, interval: 500 }).toBe(1);
    await page.locator('table tbody tr', { hasText: 'browsertestimport' }).getByRole('link', { name: /browsertestimport/ }).click();
    await page.waitForSelector('#field-titleTranslations');
    expect(await page.inputValue('#field-language')).toBe('en');
    await page.fill('#field-titleTranslations', 'Ärftlig cancer, genpaneler browsertestimport');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForSelector('text=Saved.');
    expect(await page.inputValue('#field-title')).toBe('Hereditary cancer panels browsertestimport');
    await expectAccessible(page);

    // The draft's address answers 404 (no sign-in travels with a page request, and nothing may index a
    // draft); the page, reading with the data manager's token, still shows it.
    const draftAddress = await page.goto(`${server.url}/datasets/${encodeURIComponent('urn:test:web-import:1')}`);
    expect(draftAddress?.status()).toBe(404);
    await page.waitForSelector('article.landing');
    expect(await page.locator('article.landing h1').textContent()).toContain('Hereditary cancer panels');
    await page.getByRole('button', { name: 'Svenska' }).click();
    await page.waitForFunction(() => document.querySelector('article.landing h1')?.textContent?.includes('Ärftlig cancer'));
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.querySelector('article.landing h1')?.textContent?.includes('Hereditary cancer'));
  });

  it('tells anyone following an old link (a citation, a harvested landing page) that the dataset was withdrawn, and why', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(withdrawnLandingPage);
    await page.waitForSelector('article.landing[data-status="WITHDRAWN"]');
    expect(await page.locator('.notice.withdrawn').textContent()).toContain('Consent withdrawn by the biobank');
    await expectAccessible(page);
  });

  it('ran without errors in the page', () => {
    expect(errors.filter((error) => !error.includes('status of 401') && !error.includes('status of 404') && !error.includes('status of 413'))).toEqual([]);
    // The one 404 is the draft's landing page, opened by its address; the one 413 the file too large for the browser.
    expect(errors.filter((error) => error.includes('status of 404'))).toHaveLength(1);
    expect(errors.filter((error) => error.includes('status of 413'))).toHaveLength(1);
  });
});
